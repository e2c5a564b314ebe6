/**
 * A checked flow as a Mermaid `sequenceDiagram`. Shared by the preview panel, the Markdown
 * preview and `tcpflow render`. Pure: it reads the analysis and returns text, no DOM, no IO.
 *
 * Every piece of file text goes through `mermaidText`, so no label can change the diagram's
 * structure. Besides the text, the result maps every drawn arrow and note back to its source
 * line (in drawing order, the order Mermaid draws them in), which is how the preview turns a
 * click on the diagram into a cursor position and a cursor position into a highlighted arrow.
 */
import type { Analysis } from '../index';
import type { Locale } from '../check/findings';
import type * as ast from '../syntax/ast';
import { eventStart, type CallEvent, type Delivery, type DeliverEvent, type NumberView, type SegmentEvent, type TcbView, type WaitEvent } from '../model';
import { phrase } from '../l10n/strings';
import { ParticipantIds, mermaidAddress, mermaidText, wrapText } from './escape';
import { word } from './strings';

export type NumbersMode = 'written' | 'absolute' | 'relative';
export type StatesMode = 'off' | 'change' | 'always';

export interface RenderOptions {
  /** Sequence numbers as written in the file (default), as absolute numbers, or relative to the ISN. */
  numbers?: NumbersMode;
  /** State notes: none, where a state changes (default), or after every segment. */
  states?: StatesMode;
  /** Number the arrows. */
  autonumber?: boolean;
  /** Draw only segments `start` (inclusive) to `end` (exclusive), counted in model order from 0. */
  window?: { start: number; end: number };
  /**
   * Stop after about this many diagram statements and say how many were left out (the preview
   * uses it so that a file of thousands of notes cannot stall the webview). Unlimited by default.
   */
  maxStatements?: number;
  /**
   * The oldest Mermaid major version the text must suit (default: the bundled one, 11). Mermaid 8
   * and 9 read a sequence diagram's title only as `title: …`; from 10 on both forms work.
   */
  mermaidVersion?: number;
}

export interface RenderedArrow {
  /** Zero-based source line of the segment, or of the `deliver` statement for a delayed one. */
  line: number;
  /** Index of the segment among all segments of the flow (model order). */
  segmentIndex: number;
}

export interface RenderedNote {
  /** Zero-based source line the note is about. */
  line: number;
}

export interface RenderResult {
  text: string;
  /** One entry per drawn message, in drawing order. */
  arrows: RenderedArrow[];
  /** One entry per drawn note, in drawing order. */
  notes: RenderedNote[];
  /** Number of segments in the whole flow. */
  segments: number;
  /** The segment range drawn (the whole flow unless a window was asked for). */
  window: { start: number; end: number };
}

/** Phase colours: low alpha so that both light and dark backgrounds show through. */
const PHASE_COLOURS = {
  handshake: 'rgba(66, 133, 244, 0.14)',
  tls: 'rgba(155, 81, 224, 0.14)',
  data: 'rgba(52, 168, 83, 0.14)',
  teardown: 'rgba(234, 67, 53, 0.13)',
} as const;
const EXPLICIT_COLOURS = [
  'rgba(66, 133, 244, 0.14)',
  'rgba(52, 168, 83, 0.14)',
  'rgba(155, 81, 224, 0.14)',
  'rgba(251, 140, 0, 0.15)',
  'rgba(0, 150, 136, 0.14)',
  'rgba(234, 67, 53, 0.13)',
];
type InferredPhase = keyof typeof PHASE_COLOURS;

/** Flags in the order Wireshark prints them (`[SYN, ACK]`, `[FIN, PSH, ACK]`). */
const FLAG_ORDER: readonly ast.FlagName[] = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];

const HANDSHAKE_STATES = new Set<string>(['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RCVD']);
const CLOSING_STATES = new Set<string>(['FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSING', 'LAST_ACK', 'TIME_WAIT', 'CLOSE_WAIT']);

/** Width, in columns, at which note text is wrapped. */
const NOTE_WIDTH = 60;

interface Phase {
  key: string;
  label: string;
  colour: string;
  line: number;
}

type Out = { kind: 'arrow'; text: string; line: number; segmentIndex: number } | { kind: 'note'; text: string; line: number };

/** How an item takes its phase: its own (segments), the next segment's, or the previous one's. */
type PhaseFrom = 'self' | 'next' | 'prev';

interface Item {
  /** Segment index used for windowing: a segment's own, or the count of segments before it. */
  anchor: number;
  /** What the item draws; built only for items inside the window. */
  build: () => Out[];
  phaseFrom: PhaseFrom;
  phase?: Phase;
}

export function renderMermaid(analysis: Analysis, opts: RenderOptions = {}): RenderResult {
  return new Renderer(analysis, opts).render();
}

class Renderer {
  private readonly numbers: NumbersMode;
  private readonly states: StatesMode;
  private readonly locale: Locale;
  private readonly ids = new ParticipantIds();
  /** Participant names in drawing order, and each one's place in it (lookups stay linear in the flow). */
  private readonly participants: string[] = [];
  private readonly participantIndex = new Map<string, number>();
  private readonly segmentIndex = new Map<SegmentEvent, number>();
  /** Delayed segments that a `deliver` statement brings in. */
  private readonly deliveredLater = new Set<SegmentEvent>();
  /** Endpoints that talk to more than one peer: their states name the peer. */
  private readonly multiPeer = new Set<string>();

  constructor(
    private readonly analysis: Analysis,
    private readonly opts: RenderOptions,
  ) {
    this.numbers = opts.numbers ?? 'written';
    this.states = opts.states ?? 'change';
    this.locale = analysis.locale;
  }

  render(): RenderResult {
    const { model } = this.analysis;
    const peers = new Map<string, Set<string>>();
    for (const ep of model.endpoints) this.addParticipant(ep.name);
    for (const ev of model.events) {
      if (ev.kind === 'segment') {
        this.segmentIndex.set(ev, this.segmentIndex.size);
        this.addParticipant(ev.from);
        this.addParticipant(ev.to);
        for (const [a, b] of [[ev.from, ev.to], [ev.to, ev.from]]) {
          const set = peers.get(a) ?? new Set<string>();
          set.add(b);
          peers.set(a, set);
        }
      } else if (ev.kind === 'deliver' && ev.segment) {
        this.deliveredLater.add(ev.segment);
      }
    }
    for (const [name, set] of peers) if (set.size > 1) this.multiPeer.add(name);

    const total = this.segmentIndex.size;
    const win = clampWindow(this.opts.window, total);
    const items = this.items();
    resolvePhases(items);

    const inWindow = (it: Item): boolean => (it.anchor >= win.start && it.anchor < win.end) || (it.anchor === total && win.end === total);
    const lines: string[] = ['sequenceDiagram'];
    const arrows: RenderedArrow[] = [];
    const notes: RenderedNote[] = [];
    if (model.title !== undefined && model.title.trim() !== '') lines.push(`    title${(this.opts.mermaidVersion ?? 11) < 10 ? ':' : ''} ${mermaidText(model.title.trim())}`);
    if (this.opts.autonumber) lines.push('    autonumber');
    const endpointByName = new Map(model.endpoints.map((e) => [e.name, e]));
    for (const name of this.participants) {
      const ep = endpointByName.get(name);
      const id = this.ids.id(name);
      // The address goes last on the line, so its colons can stay colons.
      const label = ep?.address ? `${mermaidText(name)}<br/>${mermaidAddress(ep.address)}` : mermaidText(name);
      lines.push(label === id ? `    participant ${id}` : `    participant ${id} as ${label}`);
    }
    const emit = (o: Out, indent: string): void => {
      lines.push(indent + o.text);
      if (o.kind === 'arrow') arrows.push({ line: o.line, segmentIndex: o.segmentIndex });
      else notes.push({ line: o.line });
    };
    if (this.states !== 'off' && win.start === 0) {
      for (const ep of model.endpoints) emit(this.note([ep.name], [ep.startState], this.line(ep.decl.start)), '    ');
    }
    let open: Phase | undefined;
    const limit = this.opts.maxStatements ?? Number.POSITIVE_INFINITY;
    let drawn = 0;
    let left = 0;
    for (const it of items) {
      if (!inWindow(it)) continue;
      if (drawn >= limit) {
        left++;
        continue;
      }
      const out = it.build();
      if (out.length === 0) continue;
      drawn += out.length;
      if (it.phase?.key !== open?.key) {
        if (open) lines.push('    end');
        open = it.phase;
        if (open) {
          lines.push(`    rect ${open.colour}`);
          emit(this.note(this.participants, [open.label], open.line), '        ');
        }
      }
      for (const o of out) emit(o, open ? '        ' : '    ');
    }
    if (open) lines.push('    end');
    if (left > 0) emit(this.note(this.participants, [word('leftOut', this.locale, left)], this.line(this.analysis.text.length)), '    ');
    return { text: lines.join('\n') + '\n', arrows, notes, segments: total, window: win };
  }

  private addParticipant(name: string): void {
    if (this.participantIndex.has(name)) return;
    this.participantIndex.set(name, this.participants.length);
    this.participants.push(name);
    this.ids.id(name);
  }

  private line(offset: number): number {
    return this.analysis.lines.positionAt(offset).line;
  }

  // ---- the flow as items ----

  private items(): Item[] {
    const { model, findings } = this.analysis;
    const attached = new Set<number>();
    for (const ev of model.events) if (ev.kind === 'segment') for (const i of ev.findings) attached.add(i);
    const loose = findings
      .map((f, i) => ({ f, i }))
      .filter(({ i }) => !attached.has(i))
      .sort((a, b) => a.f.start - b.f.start);
    let nextLoose = 0;
    const items: Item[] = [];
    let count = 0;
    const flushLoose = (before: number): void => {
      const indices: number[] = [];
      while (nextLoose < loose.length && loose[nextLoose].f.start < before) indices.push(loose[nextLoose++].i);
      if (indices.length > 0) items.push({ anchor: count, build: () => indices.map((i) => this.findingNote(i, this.participants)), phaseFrom: 'prev' });
    };
    const explicit = model.events.some((e) => e.kind === 'other' && e.stmt.kind === 'phase');
    let explicitPhase: Phase | undefined;
    let explicitCount = 0;
    let lastInferred: InferredPhase | undefined;
    const inferred = (seg: SegmentEvent): Phase | undefined => {
      if (explicit) return explicitPhase;
      lastInferred = inferPhase(seg, this.deliveryOf(seg), lastInferred);
      return this.inferredPhase(lastInferred, this.line(seg.start));
    };

    for (const ev of model.events) {
      flushLoose(eventStart(ev));
      switch (ev.kind) {
        case 'segment': {
          const index = count++;
          // A segment that arrives later is drawn at its `deliver`; what stays here (the sender's
          // state) takes the phase of the segment without moving the bare-ACK chain.
          const drawnHere = !(ev.fate === 'delayed' && this.deliveredLater.has(ev));
          const phase = drawnHere ? inferred(ev) : explicit ? explicitPhase : this.inferredPhase(inferPhase(ev, undefined, lastInferred), this.line(ev.start));
          items.push({ anchor: index, build: () => this.segmentOut(ev, index), phaseFrom: 'self', phase });
          break;
        }
        case 'deliver': {
          const seg = ev.segment;
          if (!seg) break;
          const index = this.segmentIndex.get(seg) ?? count;
          items.push({ anchor: index, build: () => this.deliverOut(ev, seg, index), phaseFrom: 'self', phase: inferred(seg) });
          break;
        }
        case 'call':
          items.push({ anchor: count, build: () => this.callOut(ev), phaseFrom: explicit ? 'self' : 'next', phase: explicitPhase });
          break;
        case 'wait':
          items.push({ anchor: count, build: () => this.waitOut(ev), phaseFrom: explicit ? 'self' : 'prev', phase: explicitPhase });
          break;
        case 'other': {
          const st = ev.stmt;
          if (st.kind === 'phase') {
            const line = this.line(st.start);
            explicitPhase = { key: `phase:${explicitCount}`, label: st.text, colour: EXPLICIT_COLOURS[explicitCount % EXPLICIT_COLOURS.length], line };
            explicitCount++;
          } else if (st.kind === 'note') {
            const over = st.over.map((n) => n.text).filter((n) => this.participantIndex.has(n));
            items.push({ anchor: count, build: () => [this.note(over.length > 0 ? over : this.participants, [st.text], this.line(st.start))], phaseFrom: explicit ? 'self' : 'next', phase: explicitPhase });
          }
          break;
        }
        case 'assert':
          break;
      }
    }
    flushLoose(Number.POSITIVE_INFINITY);
    if (explicit) for (const it of items) it.phaseFrom = 'self';
    return items;
  }

  private inferredPhase(kind: InferredPhase, line: number): Phase {
    const label = { handshake: word('phaseHandshake', this.locale), tls: word('phaseTls', this.locale), data: word('phaseData', this.locale), teardown: word('phaseTeardown', this.locale) }[kind];
    return { key: kind, label, colour: PHASE_COLOURS[kind], line };
  }

  /** The first delivery of a segment (where its arrow ends). */
  private deliveryOf(seg: SegmentEvent): Delivery | undefined {
    return seg.deliveries[0];
  }

  private segmentOut(ev: SegmentEvent, index: number): Out[] {
    const line = this.line(ev.stmt.start);
    const out: Out[] = [];
    if (ev.fate === 'delayed' && this.deliveredLater.has(ev)) {
      // Drawn where it arrives; here only the sender's side of it.
      out.push(...this.stateNotes([ev.send.before], [ev.send.after], line)); // bounded: one event's notes
      return out;
    }
    const neverArrives = ev.fate === 'lost' || ev.fate === 'delayed';
    const arrow = ev.fate === 'lost' ? '-x' : neverArrives ? '--x' : '->>';
    const extra = ev.fate === 'delayed' ? [word('neverDelivered', this.locale)] : [];
    out.push(this.arrow(ev, arrow, line, index, extra, true));
    out.push(...ev.findings.map((i) => this.findingNote(i, [ev.from, ev.to]))); // bounded: one event's notes
    const first = ev.deliveries[0];
    const senderNotes = this.stateNotes([ev.send.before], [ev.send.after], line);
    out.push(...senderNotes); // bounded: one event's notes
    if (first) out.push(...this.deliveryNotes(first, line)); // bounded: one event's notes
    for (const d of ev.deliveries.slice(1)) {
      out.push(this.arrow(ev, '-->>', line, index, [word('duplicateCopy', this.locale)], false));
      out.push(...this.deliveryNotes(d, line)); // bounded: one event's notes
    }
    return out;
  }

  private deliverOut(ev: DeliverEvent, seg: SegmentEvent, index: number): Out[] {
    const line = this.line(ev.stmt.start);
    const out: Out[] = [this.arrow(seg, '->>', line, index, [], true)];
    // (A `cross` segment arrives at its own line, after the other sends of its run.)
    const crossed = ev.stmt.start === seg.start;
    out.push(this.note([seg.from, seg.to], [word(crossed ? 'crossedInFlight' : 'sentAtLine', this.locale, this.line(seg.start) + 1)], line));
    out.push(...seg.findings.map((i) => this.findingNote(i, [seg.from, seg.to]))); // bounded: one event's notes
    const d = seg.deliveries.find((x) => x.at.start === ev.stmt.start) ?? seg.deliveries[0];
    if (d) out.push(...this.deliveryNotes(d, line)); // bounded: one event's notes
    return out;
  }

  private deliveryNotes(d: Delivery, line: number): Out[] {
    const out: Out[] = [];
    const why = d.note ?? (d.outcome === 'queued' ? phrase('outOfOrder', this.locale) : d.outcome === 'duplicate' ? phrase('duplicate', this.locale) : undefined);
    if (why) out.push(this.note([d.before.endpoint], wrapText(why, NOTE_WIDTH), line));
    out.push(...this.stateNotes([d.before], [d.after], line)); // bounded: one event's notes
    return out;
  }

  private callOut(ev: CallEvent): Out[] {
    const line = this.line(ev.stmt.start);
    const before = ev.before?.state ?? ev.idleBefore;
    const after = ev.after?.state ?? ev.idleAfter;
    let text = ev.read ? this.readText(ev) : `${ev.stmt.call}()`;
    if (this.states !== 'off' && after !== undefined && (this.states === 'always' || after !== before)) text += ` → ${this.stateText(ev.after, after)}`;
    return [this.note([ev.stmt.endpoint.text].filter((n) => this.participantIndex.has(n)), [text], line)];
  }

  /** `S read`: what the application took, and the buffer space free after it when declared. */
  private readText(ev: CallEvent): string {
    const r = ev.read!;
    let text = r.eof ? word('readEof', this.locale) : r.bytes !== undefined ? word(r.bytes === 1 ? 'readByte' : 'readBytes', this.locale, r.bytes) : word('readAll', this.locale);
    const v = ev.after;
    if (v?.rcvBuf !== undefined && v.rcvUser !== undefined) text += word('bufferFree', this.locale, Math.max(v.rcvBuf - v.rcvUser, 0), v.rcvBuf);
    return text;
  }

  private waitOut(ev: WaitEvent): Out[] {
    const line = this.line(ev.stmt.start);
    const written = this.analysis.text.slice(ev.stmt.start, ev.stmt.end).trim();
    const out: Out[] = [this.note(this.participants, [written], line)];
    if (this.states !== 'off') for (const name of ev.closed) if (this.participantIndex.has(name)) out.push(this.note([name], ['CLOSED'], line));
    return out;
  }

  // ---- pieces ----

  private arrow(ev: SegmentEvent, arrow: string, line: number, segmentIndex: number, extra: string[], withFindings: boolean): Out {
    let label = this.label(ev);
    const marks = [...this.classMarks(ev), ...extra];
    if (marks.length > 0) label += ` (${marks.join(', ')})`;
    if (withFindings && ev.findings.length > 0) label = `⚠ ${label}`;
    return { kind: 'arrow', text: `${this.ids.id(ev.from)}${arrow}${this.ids.id(ev.to)}: ${mermaidText(label)}`, line, segmentIndex };
  }

  private classMarks(ev: SegmentEvent): string[] {
    if (ev.sendClass === 'new' && ev.stmt.modifiers.some((m) => m.name === 'rtx')) return [phrase('retransmission', this.locale)];
    switch (ev.sendClass) {
      case 'retransmission':
        return [phrase('retransmission', this.locale)];
      case 'keepalive':
        return [phrase('keepalive', this.locale)];
      case 'window-probe':
        return [phrase('windowProbe', this.locale)];
      case 'dup-ack':
        return [phrase('dupAck', this.locale)];
      case 'old-duplicate':
        return [word('oldDuplicate', this.locale)];
      case 'spoofed':
        return [word('spoofedAs', this.locale, ev.stmt.as?.text ?? '')];
      default:
        return [];
    }
  }

  /** The arrow's text, the way notes write it: `SYN, ACK seq=y ack=x+1`, `PSH, ACK len=78 "GET /"`. */
  label(ev: SegmentEvent): string {
    const st = ev.stmt;
    const parts: string[] = [];
    const flags = FLAG_ORDER.filter((f) => ev.flags.includes(f));
    if (flags.length > 0) parts.push(flags.join(', '));
    const seq = this.number(ev.seq, st.seq);
    if (seq !== undefined) parts.push(`seq=${seq}`);
    const ack = this.number(ev.ack, st.ack);
    if (ack !== undefined) parts.push(`ack=${ack}`);
    else if (this.numbers === 'written' && st.ackFlagValue) parts.push(`ACK=${this.source(st.ackFlagValue.valueSpan)}`);
    if (ev.len > 0) parts.push(`len=${ev.len}`);
    if (st.win) parts.push(`win=${st.win.value}`);
    if (st.mss) parts.push(`mss=${st.mss.value}`);
    if (st.wscale) parts.push(`wscale=${st.wscale.value}`);
    if (st.sackOk) parts.push('sackOK');
    if (st.ts) parts.push(`ts=${st.ts.value.val}/${st.ts.value.ecr}`);
    if (st.app?.kind === 'tls') {
      const version = st.app.version ? ` ${st.app.version}` : '';
      parts.push(`TLS${version} ${st.app.messages.map((m) => m.name).join(', ')}`.trim());
      if (st.label) parts.push(`"${st.label.text}"`);
    } else if (st.app?.kind === 'http') {
      parts.push(`"${st.app.startLine}"` + (st.app.connection ? ` ${st.app.connection}` : ''));
    } else if (st.label) {
      parts.push(`"${st.label.text}"`);
    }
    return parts.join(' ');
  }

  private source(span: ast.Span): string {
    return this.analysis.text.slice(span.start, span.end);
  }

  private number(view: NumberView | undefined, field: ast.Field<ast.Expr> | undefined): string | undefined {
    const written = field ? this.source(field.valueSpan) : undefined;
    if (this.numbers === 'written') return written;
    if (!view || view.text === '?') return written;
    if (this.numbers === 'absolute') return view.absolute !== undefined ? String(view.absolute >>> 0) : view.text;
    return view.relative !== undefined ? String(view.relative | 0) : view.text;
  }

  private stateText(view: TcbView | undefined, state: string): string {
    return view && this.multiPeer.has(view.endpoint) ? `${state} (${view.peer})` : state;
  }

  private stateNotes(before: TcbView[], after: TcbView[], line: number): Out[] {
    if (this.states === 'off') return [];
    const out: Out[] = [];
    after.forEach((a, i) => {
      if (this.states === 'always' || before[i]?.state !== a.state) {
        if (this.participantIndex.has(a.endpoint)) out.push(this.note([a.endpoint], [this.stateText(a, a.state)], line));
      }
    });
    return out;
  }

  private findingNote(index: number, over: string[]): Out {
    const f = this.analysis.findings[index];
    return this.note(over, wrapText(`⚠ ${f.code} ${f.message}`, NOTE_WIDTH), this.line(f.start));
  }

  /** A note over one endpoint, or spanning the leftmost and rightmost of several. */
  private note(over: string[], textLines: string[], line: number): Out {
    const names = over.length > 0 ? over : this.participants;
    const order: number[] = [];
    // A note across the whole diagram spans the first and the last participant.
    if (names === this.participants && names.length > 0) order.push(0, names.length - 1);
    else for (const n of names) {
      const i = this.participantIndex.get(n);
      if (i !== undefined) order.push(i);
    }
    // An empty note is legal Mermaid, but a no-break space keeps every note the same shape.
    const text = textLines.map((l) => mermaidText(l)).join('<br/>').trim() || '#160;';
    if (order.length === 0) return { kind: 'note', text: `Note over ${this.ids.id(this.participants[0] ?? 'tcpflow')}: ${text}`, line };
    let first = order[0], last = order[0];
    for (const i of order) {
      if (i < first) first = i;
      if (i > last) last = i;
    }
    const lo = this.participants[first];
    const hi = this.participants[last];
    const where = lo === hi ? this.ids.id(lo) : `${this.ids.id(lo)},${this.ids.id(hi)}`;
    return { kind: 'note', text: `Note over ${where}: ${text}`, line };
  }
}

function clampWindow(w: { start: number; end: number } | undefined, total: number): { start: number; end: number } {
  if (!w) return { start: 0, end: total };
  const start = Math.max(0, Math.min(Math.floor(w.start), total));
  const end = Math.max(start, Math.min(Math.floor(w.end), total));
  return { start, end };
}

/**
 * Which part of a conversation a segment belongs to, read from the flags and the states around
 * it. A bare ACK continues the phase before it (the ACK of a TLS record belongs to the TLS
 * handshake).
 */
export function inferPhase(ev: SegmentEvent, arrival: Delivery | undefined, previous: InferredPhase | undefined): InferredPhase {
  const sender = ev.send.before.state as string;
  const receiver = arrival?.before.state as string | undefined;
  if (ev.flags.includes('SYN')) return 'handshake';
  if (ev.flags.includes('FIN')) return 'teardown';
  if (ev.flags.includes('RST')) {
    // An RST belongs to a handshake when a side is opening (or nothing came before it); after a
    // connection's data or teardown, an RST between closed endpoints ends it.
    const opening = (s: string | undefined) => s === 'SYN_SENT' || s === 'SYN_RCVD';
    if (opening(sender) || opening(receiver)) return 'handshake';
    const idle = HANDSHAKE_STATES.has(sender) || (receiver !== undefined && HANDSHAKE_STATES.has(receiver));
    return idle && (previous === undefined || previous === 'handshake') ? 'handshake' : 'teardown';
  }
  if (ev.stmt.app?.kind === 'tls' && ev.stmt.app.messages.some((m) => m.name !== 'ApplicationData')) return 'tls';
  if (HANDSHAKE_STATES.has(sender) || (receiver !== undefined && HANDSHAKE_STATES.has(receiver))) return 'handshake';
  if (CLOSING_STATES.has(sender) || (receiver !== undefined && CLOSING_STATES.has(receiver))) return 'teardown';
  if (ev.len === 0 && (previous === 'tls' || previous === 'data')) return previous;
  return 'data';
}

/** Items that follow another's phase take the next (or previous) segment's; linear time. */
function resolvePhases(items: Item[]): void {
  const n = items.length;
  const prev: (Phase | null)[] = new Array(n);
  const next: (Phase | null)[] = new Array(n);
  const prevFound: boolean[] = new Array(n);
  let found = false;
  let last: Phase | undefined;
  for (let i = 0; i < n; i++) {
    prevFound[i] = found;
    prev[i] = last ?? null;
    if (items[i].phaseFrom === 'self') {
      found = true;
      last = items[i].phase;
    }
  }
  const nextFound: boolean[] = new Array(n);
  found = false;
  last = undefined;
  for (let i = n - 1; i >= 0; i--) {
    nextFound[i] = found;
    next[i] = last ?? null;
    if (items[i].phaseFrom === 'self') {
      found = true;
      last = items[i].phase;
    }
  }
  for (let i = 0; i < n; i++) {
    const it = items[i];
    if (it.phaseFrom === 'self') continue;
    const order: ('next' | 'prev')[] = it.phaseFrom === 'next' ? ['next', 'prev'] : ['prev', 'next'];
    it.phase = undefined;
    for (const dir of order) {
      if (dir === 'next' ? nextFound[i] : prevFound[i]) {
        it.phase = (dir === 'next' ? next[i] : prev[i]) ?? undefined;
        break;
      }
    }
  }
}
