/**
 * Mermaid `sequenceDiagram` blocks read as TCP flows. `readMermaid` turns the block into the
 * syntax tree the `.tcpflow` parser makes (`ast.File`), with every span an offset into the whole
 * Markdown text, so the one checker reports on the diagram with its own findings, at the
 * diagram's own characters; `checkMermaid` runs it and rewrites the fixes into the note's
 * notation; `mermaidToTcpflow` writes the same flow as a ```tcpflow block. Pure, never throws.
 *
 * What is read: `participant`/`actor` lines (`participant C as 客户端`), messages between two
 * participants whose text names a TCP flag or number (see `label.ts`), `-x`/`--x` arrows as lost
 * segments, and notes whose line is a bare state (`SYN_SENT`, `State: ESTABLISHED`, `服务端状态
 * SYN_RCVD`) over or beside one endpoint, as state assertions. Everything else Mermaid allows
 * (`autonumber`, `box`, `rect`, `loop`, `alt`, `par`, `critical`, `opt`, `end`, `activate`,
 * `%%` comments, messages that are no segment) is passed over.
 */
import type * as ast from '../syntax/ast';
import type { Span } from '../syntax/text';
import { LineIndex } from '../syntax/text';
import { check } from '../check/checker';
import type { Finding, Locale } from '../check/findings';
import type { Model } from '../model';
import { lookupState, TcpState } from '../tcp/states';
import { readLabel, LabelReading } from './label';
import { analyzeFindings } from '../index';

export interface MermaidParticipant {
  /** The id messages use (`C`). */
  id: string;
  /** `participant C as 客户端` → `客户端`. */
  alias?: string;
  /** The id where it is declared, or first used. */
  span: Span;
  /** Sends or receives a segment. */
  tcp: boolean;
  /** `client` sends the first SYN without ACK, `server` receives it; others are `endpoint`s. */
  role: ast.EndpointRole;
  /** Where the reader starts it (CLOSED, LISTEN; ESTABLISHED for an endpoint outside the
   * handshake the diagram draws or the reader assumes). */
  startState: TcpState;
}

/** One arrow of the diagram. */
export interface MermaidMessage {
  from: string;
  to: string;
  /** The whole message line (without its indentation). */
  span: Span;
  fromSpan: Span;
  toSpan: Span;
  arrow: Span;
  /** `->>`, `-->>`, `-x`, … as written. */
  arrowText: string;
  /** The text after the colon. */
  text: string;
  textSpan: Span;
  /** The segment read from it, when it is one. */
  segment?: ast.SegmentStmt;
  label?: LabelReading;
}

export interface MermaidReading {
  /** The whole text the spans point into (the Markdown file). */
  text: string;
  /** The block's content, `[start, end)` of `text`. */
  start: number;
  end: number;
  /** The block starts with `sequenceDiagram`. */
  sequence: boolean;
  /** The diagram holds at least one TCP segment. */
  tcp: boolean;
  participants: MermaidParticipant[];
  messages: MermaidMessage[];
  /** The flow as the `.tcpflow` parser would give it: endpoint declarations, segments and
   * state assertions in diagram order; `file.text` is the whole Markdown text. */
  file: ast.File;
  /** Segments that carry no ACK flag in the text but are read with one: once synchronized
   * every segment carries ACK (RFC 9293 §3.10.7.4) and notes leave it out. */
  impliedAck: Set<ast.SegmentStmt>;
  /** The unnumbered handshake the reader puts before a diagram that has none (its first
   * segment is not a SYN without ACK); empty spans at the first segment. */
  assumedHandshake: ast.SegmentStmt[];
  /** Counts, for reports. */
  segments: number;
  assertions: number;
}

const KEYWORDS = /^(autonumber|box|rect|loop|alt|else|opt|par|and|critical|option|break|end|activate|deactivate|title|accTitle|accDescr|link|links|properties|details|destroy)\b/i;
const PARTICIPANT = /^(?:create\s+)?(participant|actor)\s+(.+?)(?:\s+as\s+(.*?))?\s*$/i;
const NOTE = /^note\s+(over|left of|right of)\s+([^:]+?)\s*:(.*)$/i;
const ID = String.raw`[^\s:<>+\-,;]+(?:[ \t]+[^\s:<>+\-,;]+)*`;
const MESSAGE = new RegExp(String.raw`^(${ID})\s*((?:<<)?--?(?:>>|>|x|\)))\s*([+-]?)\s*(${ID})\s*:(.*)$`);

/** State words some Chinese textbooks use for the RFC names. */
const CHINESE_STATES: Record<string, TcpState> = {
  监听: TcpState.LISTEN,
  已关闭: TcpState.CLOSED,
  同步已发送: TcpState.SYN_SENT,
  同步收到: TcpState.SYN_RCVD,
  同步已接收: TcpState.SYN_RCVD,
  已建立: TcpState.ESTABLISHED,
  已建立连接: TcpState.ESTABLISHED,
  终止等待1: TcpState.FIN_WAIT_1,
  终止等待2: TcpState.FIN_WAIT_2,
  关闭等待: TcpState.CLOSE_WAIT,
  最后确认: TcpState.LAST_ACK,
  时间等待: TcpState.TIME_WAIT,
};

/** A note line that is a state and nothing else: `SYN_SENT`, `State: SYN_SENT`, `服务端状态 SYN_RCVD`, `状态：已建立`. */
const STATE_LINE = /^(?:[^\s:：]{0,12}?\s?(?:状态|state)\s*(?:为|是)?\s*[:：=]?\s*)?([A-Za-z][A-Za-z0-9_-]*|[\u4e00-\u9fff]+[12]?)\s*[.。]?$/i;

interface Line {
  start: number;
  end: number;
  /** First non-blank character. */
  first: number;
}

function lines(text: string, start: number, end: number): Line[] {
  const out: Line[] = [];
  let p = start;
  while (p < end) {
    let e = text.indexOf('\n', p);
    if (e < 0 || e > end) e = end;
    const next = e < end ? e + 1 : end;
    if (e > p && text.charCodeAt(e - 1) === 13) e--;
    let f = p;
    while (f < e && (text[f] === ' ' || text[f] === '\t')) f++;
    out.push({ start: p, end: e, first: f });
    if (next === p) break;
    p = next;
  }
  return out;
}

/** Read the block `text[start, end)` (a fence's content). */
export function readMermaid(text: string, start = 0, end = text.length): MermaidReading {
  const participants = new Map<string, MermaidParticipant>();
  const messages: MermaidMessage[] = [];
  /** Notes in order, with the message count before them. */
  const notes: { after: number; over: { id: string; span: Span }[]; text: string; textStart: number }[] = [];
  let sequence = false;
  let started = false;
  const meet = (id: string, span: Span): void => {
    if (!participants.has(id)) participants.set(id, { id, span, tcp: false, role: 'endpoint', startState: TcpState.ESTABLISHED });
  };
  for (const l of lines(text, start, end)) {
    const body = text.slice(l.first, l.end);
    if (body === '' || body.startsWith('%%')) continue;
    if (!started) {
      started = true;
      sequence = /^sequenceDiagram\b/.test(body);
      if (!sequence) break;
      continue;
    }
    let m = PARTICIPANT.exec(body);
    if (m) {
      const idAt = l.first + body.indexOf(m[2], m[1].length);
      meet(m[2], { start: idAt, end: idAt + m[2].length });
      if (m[3]) participants.get(m[2])!.alias = m[3];
      continue;
    }
    m = NOTE.exec(body);
    if (m) {
      const overAt = l.first + body.indexOf(m[2], 4 + m[1].length);
      const over: { id: string; span: Span }[] = [];
      let q = 0;
      for (const part of m[2].split(',')) {
        const id = part.trim();
        const at = overAt + q + part.indexOf(id);
        if (id) over.push({ id, span: { start: at, end: at + id.length } });
        q += part.length + 1;
      }
      notes.push({ after: messages.length, over, text: m[3], textStart: l.end - m[3].length });
      continue;
    }
    if (KEYWORDS.test(body)) continue;
    m = MESSAGE.exec(body);
    if (m) {
      const fromAt = l.first;
      const arrowAt = l.first + body.indexOf(m[2], m[1].length);
      const toAt = l.first + body.indexOf(m[4], arrowAt - l.first + m[2].length);
      meet(m[1], { start: fromAt, end: fromAt + m[1].length });
      meet(m[4], { start: toAt, end: toAt + m[4].length });
      const textStart = l.end - m[5].length;
      messages.push({ from: m[1], to: m[4], span: { start: l.first, end: l.end }, fromSpan: { start: fromAt, end: fromAt + m[1].length }, toSpan: { start: toAt, end: toAt + m[4].length }, arrow: { start: arrowAt, end: arrowAt + m[2].length }, arrowText: m[2], text: m[5], textSpan: { start: textStart, end: l.end } });
    }
  }

  // Which messages are segments, and who the endpoints are.
  for (const msg of messages) {
    if (msg.from === msg.to) continue;
    const label = readLabel(text, msg.textSpan.start, msg.textSpan.end);
    if (!label.segment) continue;
    msg.label = label;
    participants.get(msg.from)!.tcp = true;
    participants.get(msg.to)!.tcp = true;
  }
  const has = (l: LabelReading, f: ast.FlagName): boolean => l.flags.some((x) => x.flag === f && x.set);
  const opener = messages.find((m) => m.label && has(m.label, 'SYN') && !has(m.label, 'ACK') && !m.label.ack);
  // A diagram that starts after the handshake (a teardown alone) is read as if an unnumbered
  // handshake came first, between the first segment's sender (as client) and its receiver.
  const first = opener ?? messages.find((m) => m.label);
  if (first) {
    const c = participants.get(first.from)!;
    const s = participants.get(first.to)!;
    c.role = 'client';
    c.startState = TcpState.CLOSED;
    s.role = 'server';
    s.startState = TcpState.LISTEN;
    // Any other endpoint that takes part in a handshake starts closed too.
    for (const m of messages) {
      if (!m.label || !has(m.label, 'SYN')) continue;
      for (const id of [m.from, m.to]) {
        const p = participants.get(id)!;
        if (p.role === 'endpoint') p.startState = TcpState.CLOSED;
      }
    }
  }

  // The statements, in diagram order.
  const statements: ast.Statement[] = [];
  const endpoints = [...participants.values()].filter((p) => p.tcp);
  for (const p of endpoints) {
    const name = { text: p.id, start: p.span.start, end: p.span.end };
    const decl: ast.EndpointStmt = { kind: 'endpoint', role: p.role, roleSpan: p.span, name, start: p.span.start, end: p.span.end };
    if (p.role === 'endpoint') decl.startState = { text: p.startState, span: { start: p.span.end, end: p.span.end } };
    statements.push(decl);
  }
  const impliedAck = new Set<ast.SegmentStmt>();
  /** `A>B`: A has had a SYN from B (so A's segments to B carry ACK). */
  const synced = new Set<string>();
  let assumedHandshake: ast.SegmentStmt[] = [];
  if (first && !opener) {
    // Empty spans at the first segment: nothing is ever reported on them (a clean handshake).
    const at = first.span.start;
    const name = (id: string): ast.Name => ({ text: id, start: at, end: at });
    const seg = (from: string, to: string, flags: ast.FlagName[]): ast.SegmentStmt => ({
      kind: 'segment',
      from: name(from),
      to: name(to),
      arrow: { start: at, end: at },
      flags: flags.map((flag) => ({ flag, set: true, bitStyle: false, start: at, end: at })),
      flagsSpan: { start: at, end: at },
      modifiers: [],
      start: at,
      end: at,
    });
    assumedHandshake = [seg(first.from, first.to, ['SYN']), seg(first.to, first.from, ['SYN', 'ACK']), seg(first.from, first.to, ['ACK'])];
    statements.push(...assumedHandshake); // bounded: three segments
    synced.add(`${first.from}>${first.to}`);
    synced.add(`${first.to}>${first.from}`);
  }
  let segments = 0;
  let assertions = 0;
  const assertNotes = (k: number): void => {
    for (const n of notes) {
      if (n.after !== k || n.over.length !== 1) continue;
      const p = participants.get(n.over[0].id);
      if (!p || !p.tcp) continue;
      const st = stateInNote(text, n.textStart, n.textStart + n.text.length);
      if (!st) continue;
      const endpoint = { text: p.id, start: n.over[0].span.start, end: n.over[0].span.end };
      statements.push({ kind: 'assert', items: [{ endpoint, state: st, start: endpoint.start, end: st.span.end }], start: endpoint.start, end: st.span.end });
      assertions++;
    }
  };
  assertNotes(0);
  messages.forEach((msg, k) => {
    const label = msg.label;
    if (label) {
      const lost = msg.arrowText.endsWith('x');
      const modifiers: ast.SegmentStmt['modifiers'] = [];
      if (lost) modifiers.push({ name: 'lost', span: msg.arrow });
      else if (label.lostWord) modifiers.push({ name: 'dropped', span: label.lostWord });
      if (label.rtxWord) modifiers.push({ name: 'rtx', span: label.rtxWord });
      const flags = label.flags.slice();
      const seg: ast.SegmentStmt = {
        kind: 'segment',
        from: { text: msg.from, ...msg.fromSpan },
        to: { text: msg.to, ...msg.toSpan },
        arrow: msg.arrow,
        flags,
        flagsSpan: label.flagsSpan,
        seq: label.seq,
        ack: label.ack,
        ackFlagValue: label.ackFlagValue,
        len: label.len,
        modifiers,
        start: msg.span.start,
        end: msg.span.end,
      };
      const from = participants.get(msg.from)!;
      const to = participants.get(msg.to)!;
      const peerSynced = synced.has(`${msg.from}>${msg.to}`) || (from.startState === TcpState.ESTABLISHED && to.startState === TcpState.ESTABLISHED);
      const anyAck = label.flags.some((f) => f.flag === 'ACK') || label.ack || label.ackFlagValue;
      if (!anyAck && !has(label, 'SYN') && !has(label, 'RST') && peerSynced) {
        const at = label.flagsSpan.end;
        flags.push({ flag: 'ACK', set: true, bitStyle: label.flags.length > 0 && label.flags[label.flags.length - 1].bitStyle, start: at, end: at });
        impliedAck.add(seg);
      }
      if (has(label, 'SYN') && !lost) synced.add(`${msg.to}>${msg.from}`);
      msg.segment = seg;
      statements.push(seg);
      segments++;
    }
    assertNotes(k + 1);
  });
  return {
    text,
    start,
    end,
    sequence,
    tcp: segments > 0,
    participants: [...participants.values()],
    messages,
    file: { text, statements, comments: [] },
    impliedAck,
    assumedHandshake,
    segments,
    assertions,
  };
}

/** The state a note states, if one of its lines (split at `<br/>`) is a state and nothing else. */
function stateInNote(text: string, start: number, end: number): { text: string; span: Span } | undefined {
  const body = text.slice(start, end);
  const parts = body.split(/<br\s*\/?>/i);
  let at = start;
  for (const part of parts) {
    const m = STATE_LINE.exec(part.trim());
    if (m) {
      const word = m[1];
      const wordAt = at + part.lastIndexOf(word);
      const span = { start: wordAt, end: wordAt + word.length };
      if (/^[A-Za-z]/.test(word)) {
        if (lookupState(word)) return { text: word, span };
      } else if (CHINESE_STATES[word]) return { text: CHINESE_STATES[word], span };
    }
    at += part.length;
    const br = /<br\s*\/?>/i.exec(text.slice(at, end));
    if (br) at += br[0].length;
  }
  return undefined;
}

export interface MermaidCheck {
  reading: MermaidReading;
  /** The checker's findings on the diagram: spans and fix edits are offsets into the Markdown
   * text, fixes written in the note's notation. Empty when the diagram is not about TCP. */
  findings: Finding[];
  /** The checker's model of the flow (states and numbers before and after every event, for
   * hover and inlay hints); undefined when the diagram is not about TCP. Its event spans are
   * offsets into the Markdown text. */
  model?: Model;
}

/** Check one mermaid block of `text` (content `[start, end)`). */
export function checkMermaid(text: string, start = 0, end = text.length, options: { locale?: Locale; lines?: LineIndex } = {}): MermaidCheck {
  const reading = readMermaid(text, start, end);
  if (!reading.tcp) return { reading, findings: [] };
  const locale = options.locale ?? 'en';
  const result = check(reading.file, options.lines ?? new LineIndex(text), { locale });
  // A note that leaves the ack number out says nothing about it (`FIN=1, seq=u`): no warning
  // that it is missing.
  const findings = result.findings.filter((f) => f.key !== 'missingAck');
  return { reading, findings: findings.map((f) => restyle(f, reading, locale)), model: result.model };
}

/** A finding's fix in the note's notation; a loss written in words on a delivered arrow explained. */
function restyle(f: Finding, reading: MermaidReading, locale: Locale): Finding {
  const msg = reading.messages.find((m) => m.segment && f.start >= m.span.start && f.start <= m.span.end);
  const label = msg?.label;
  if (f.key === 'unmarkedDrop' && msg && label?.lostWord && f.start === label.lostWord.start) {
    const drawn = msg.arrowText.startsWith('--') ? '--x' : '-x';
    const word = reading.text.slice(label.lostWord.start, label.lostWord.end);
    const message =
      locale === 'zh-cn'
        ? `文字说此报文段“${word}”，但箭头 ${msg.arrowText} 画成了送达，且 ${msg.to} 会接受它；丢失的报文段请画成 ${drawn}（${f.rule || 'RFC 9293 §3.10.7'}）。`
        : `The text says this segment is '${word}', but the arrow ${msg.arrowText} draws it delivered, and ${msg.to} would accept it; draw a lost segment with ${drawn} (${f.rule || 'RFC 9293 §3.10.7'}).`;
    return { ...f, message, expected: drawn, actual: msg.arrowText, fix: { title: locale === 'zh-cn' ? `画成 ${drawn}` : `Draw it with ${drawn}`, edits: [{ start: msg.arrow.start, end: msg.arrow.end, newText: drawn }] } };
  }
  if (!f.fix || !label) return f;
  const edits = f.fix.edits.map((e) => {
    let t = e.newText;
    if (t === ' ACK' || t === ', ACK=1') t = `${label.flagSep}${t.trim().replace(/^,\s*/, '')}`;
    else if (t.startsWith(' ack=')) t = `${label.fieldSep}${t.slice(1)}`;
    else if (t === 'ACK=1, ack') t = `ACK=1${label.fieldSep}ack`;
    return t === e.newText ? e : { ...e, newText: t };
  });
  return { ...f, fix: { ...f.fix, edits } };
}

/**
 * The diagram as a ```tcpflow block's content: the same endpoints, segments (with the ACK
 * notes leave out written) and state assertions, so `analyze` of it gives the same findings.
 * A segment with ACK and no ack number gets the number the checker expects written (a note may
 * leave it out, tcpflow warns: TF3006). Each segment keeps its message's text as a comment;
 * messages that are no segment and notes that state nothing are left out. Participant ids that are not tcpflow names are renamed (`P1`,
 * `P2`, … with the id in a comment).
 */
export function mermaidToTcpflow(reading: MermaidReading): string {
  const text = reading.text;
  const names = new Map<string, string>();
  let n = 0;
  for (const p of reading.participants) names.set(p.id, /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.id) ? p.id : `P${++n}`);
  const name = (id: string): string => names.get(id) ?? id;
  const comment = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const out: string[] = [];
  for (const p of reading.participants) {
    if (!p.tcp) continue;
    const about = [p.alias, names.get(p.id) !== p.id ? p.id : undefined].filter(Boolean).join(', ');
    const decl = p.role === 'endpoint' ? `endpoint ${name(p.id)} ${p.startState}` : `${p.role} ${name(p.id)}`;
    out.push(about ? `${decl}  # ${comment(about)}` : decl);
  }
  const source = (s: Span): string => text.slice(s.start, s.end).replace(/[\s]+/g, '').replace(/＋/g, '+').replace(/－/g, '-');
  for (const st of reading.file.statements) {
    if (st.kind === 'segment' && reading.assumedHandshake.includes(st)) {
      out.push(`${name(st.from.text)} -> ${name(st.to.text)} ${st.flags.map((f) => f.flag).join(' ')}  # (not drawn: the diagram starts after the handshake)`);
    } else if (st.kind === 'segment') {
      const msg = reading.messages.find((m) => m.segment === st)!;
      const parts = [`${name(st.from.text)} -> ${name(st.to.text)}`];
      const seen = new Set<string>();
      for (const f of st.flags) if (f.set && !seen.has(f.flag)) (seen.add(f.flag), parts.push(f.flag));
      if (st.ackFlagValue) parts.push(`ACK=${source(st.ackFlagValue.valueSpan)}`);
      if (st.seq) parts.push(`seq=${source(st.seq.valueSpan)}`);
      if (st.ack) parts.push(`ack=${source(st.ack.valueSpan)}`);
      if (st.len) parts.push(`len=${st.len.value}`);
      for (const m of st.modifiers) parts.push(m.name);
      out.push(`${parts.join(' ')}  # ${comment(msg.text)}`);
    } else if (st.kind === 'assert') {
      for (const item of st.items) out.push(`${name(item.endpoint.text)}: ${item.state.text.toUpperCase().replace(/-/g, '_')}`);
    }
  }
  // A segment drawn with ACK but without its number (`FIN=1, seq=u`) says nothing about the
  // number in a note, while tcpflow warns that it is missing (TF3006): write the number the
  // checker expects there (its fix), so that the block's findings are the diagram's.
  const flow = out.join('\n') + '\n';
  const edits = analyzeFindings(flow)
    .filter((f) => f.key === 'missingAck')
    .flatMap((f) => f.fix?.edits ?? [])
    .sort((x, y) => y.start - x.start);
  let written = flow;
  for (const e of edits) written = written.slice(0, e.start) + e.newText + written.slice(e.end);
  return written;
}
