/**
 * Wireshark's TCP analysis flags (`tcp.analysis.*`), computed from what the checker found in an
 * imported capture. This is the one place that says which part of the checker's model stands for
 * which flag; docs/wireshark.md explains every rule and where RFC 9293 and Wireshark's heuristics
 * part ways, and test/import/agreement.test.ts measures the agreement on the corpus.
 *
 * Input is an `Analysis` (from `analyze()` in src/core/index.ts) of text written by
 * `importCapture`: every segment line ends with `# pkt N, T s`, which gives the frame number the
 * flags belong to. Segments without that comment (hand-written flows) are skipped.
 *
 * The file is pure TypeScript and imports nothing: it reads the analysis through the small
 * structural view below, so it also runs in a browser (see test/import/purity.test.ts).
 */

/** The `tcp.analysis.*` flags this module computes (field name without the prefix). */
export type Flag =
  | 'retransmission'
  | 'fast_retransmission'
  | 'spurious_retransmission'
  | 'out_of_order'
  | 'lost_segment'
  | 'ack_lost_segment'
  | 'duplicate_ack'
  | 'zero_window'
  | 'zero_window_probe'
  | 'keep_alive'
  | 'window_update'
  | 'reused_ports';

export const FLAGS: readonly Flag[] = [
  'retransmission',
  'fast_retransmission',
  'spurious_retransmission',
  'out_of_order',
  'lost_segment',
  'ack_lost_segment',
  'duplicate_ack',
  'zero_window',
  'zero_window_probe',
  'keep_alive',
  'window_update',
  'reused_ports',
];

/** tshark field name of a flag. */
export function tsharkField(flag: Flag): string {
  return `tcp.analysis.${flag}`;
}

// ---- the part of an Analysis this module reads (structural: `Analysis` fits it) ------------

interface SeqView {
  readonly root: number;
  readonly off: number;
}

interface TcbLike {
  readonly state: string;
  readonly sndUna?: string;
  readonly sndNxt?: string;
  readonly iss?: string;
}

interface SegmentView {
  kind: 'segment';
  stmt: { start: number; end: number; win?: { value: number }; ack?: { valueSpan: { start: number; end: number } } };
  from: string;
  to: string;
  flags: readonly string[];
  seq?: { value?: SeqView; relative?: number };
  ack?: { value?: SeqView };
  len: number;
  sendClass: string;
  send: { before: TcbLike };
  deliveries: readonly { outcome: string; before: TcbLike }[];
  findings: readonly number[];
  connection: string;
}

interface OtherView {
  kind: 'assert' | 'call' | 'wait' | 'deliver' | 'other';
  stmt: { kind: string; over?: readonly { text: string }[]; text?: string };
}

export interface AnalysisView {
  text: string;
  file: { comments: readonly { start: number; end: number; text: string }[] };
  findings: readonly { key: string }[];
  model: {
    endpoints: readonly { name: string; address?: string }[];
    events: readonly (SegmentView | OtherView)[];
  };
}

// ---- helpers ---------------------------------------------------------------------------------

const SYNCHRONIZING = new Set(['SYN_SENT', 'SYN_RCVD']);
const IDLE = new Set(['CLOSED', 'LISTEN', 'TIME_WAIT']);
/** Wireshark's out-of-order threshold when the handshake round trip is unknown. */
const DEFAULT_OOO_SECONDS = 0.003;

function sameValue(a: SeqView | undefined, b: SeqView | undefined): boolean {
  return !!a && !!b && a.root === b.root && a.off === b.off;
}

/** Signed a - b in sequence space, NaN when incomparable. */
function seqDiff(a: SeqView | undefined, b: SeqView | undefined): number {
  if (!a || !b || a.root !== b.root) return NaN;
  return (a.off - b.off) | 0;
}

function addSeq(a: SeqView, n: number): SeqView {
  return { root: a.root, off: (a.off + n) >>> 0 };
}

/** Frame number and capture time from the importer's trailing comment, per segment event. */
export interface PacketRef {
  frame: number;
  /** Seconds since the first packet of the capture. */
  time?: number;
  /** The rest of the comment (the importer's annotations). */
  comment: string;
}

/** The importer's `# pkt N, T s; ...` comment on the line of a segment statement. */
export function packetRef(analysis: Pick<AnalysisView, 'text' | 'file'>, stmt: { end: number }): PacketRef | undefined {
  const comments = analysis.file.comments;
  let lo = 0;
  let hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid].start < stmt.end) lo = mid + 1;
    else hi = mid;
  }
  const c = comments[lo];
  if (!c) return undefined;
  const between = analysis.text.slice(stmt.end, c.start);
  if (between.includes('\n')) return undefined;
  const m = /pkt (\d+)(?:, (-?\d+(?:\.\d+)?)s)?/.exec(c.text);
  if (!m) return undefined;
  return { frame: Number(m[1]), time: m[2] !== undefined ? Number(m[2]) : undefined, comment: c.text };
}

interface SideState {
  /** Window field and ack value of the side's previous segment. */
  lastWin?: number;
  /** The ack field of the side's previous segment as written. */
  lastAckText?: string;
  /** Highest acknowledgment the side has sent (the checker's value). */
  maxAck?: SeqView;
  sentAny: boolean;
  /** End of the highest sequence range the side has sent, and when (Wireshark's nextseq). */
  highEnd?: SeqView;
  highTime?: number;
  /** Duplicate ACKs the side has sent since its last other segment, and their number. */
  dupAcks: number;
  dupAckValue?: SeqView;
  /** A `wait` (a pause of at least the import threshold) came after the last duplicate ACK. */
  pausedSinceDup: boolean;
  /** Time of the SYN, for the handshake round trip. */
  synTime?: number;
}

function newSide(): SideState {
  return { sentAny: false, dupAcks: 0, pausedSinceDup: false };
}

const GAP_NOTE = /^previous segment not captured/;

/**
 * Which `tcp.analysis.*` flags each captured frame gets, from the checker's verdicts
 * (docs/wireshark.md has the table with Wireshark's rule next to each):
 *
 * - `retransmission`: sendClass `retransmission`, or a SYN repeated with the sender's ISS while
 *   it is still synchronizing. Also set with `fast_retransmission` and `spurious_retransmission`,
 *   as Wireshark does.
 * - `fast_retransmission`: a retransmission that starts at the number the receiver has sent at
 *   least two duplicate ACKs (as below) for, with no `wait` since the last of them (RFC 5681 §3.2).
 * - `spurious_retransmission`: a retransmission whose data ends at or below the highest ack the
 *   receiver has sent.
 * - `out_of_order`: a segment that fills a gap the importer noted, sent less than a round trip
 *   (the handshake's, or 3 ms) after the sender's highest segment: no retransmission could be that
 *   quick, so the network reordered it. Checked after `fast_retransmission` and before the other
 *   retransmissions, in Wireshark's order; it is then not a `retransmission`.
 * - `lost_segment`: the importer's `note X "previous segment not captured ..."` before it, when X
 *   has sent an earlier segment (a gap before a side's first segment is not flagged by Wireshark).
 * - `ack_lost_segment`: the importer's comment "ACKs data the capture did not see", or the
 *   checker's `ackUnsent` finding on the segment.
 * - `duplicate_ack`: sendClass `dup-ack` that also meets the rest of RFC 5681 §2: the same
 *   non-zero window as the sender's previous segment, and data outstanding at the receiver of the
 *   ACK (its SND.UNA differs from its SND.NXT).
 * - `zero_window`: `win=0` on a segment without SYN, FIN or RST.
 * - `zero_window_probe`: sendClass `window-probe`.
 * - `keep_alive`: sendClass `keepalive`.
 * - `window_update`: a pure ACK (no data, no SYN/FIN/RST) that the checker calls `new` or
 *   `dup-ack`, with the same ack as written on the sender's previous segment and another
 *   non-zero window.
 * - `reused_ports`: the SYN that opens a new incarnation from a TCB that had one before, or the
 *   first SYN (or SYN+ACK) of another connection on an address pair (host:port both sides) that
 *   an earlier connection of the flow used.
 */
export function analysisFlags(analysis: AnalysisView): Map<number, Set<Flag>> {
  const out = new Map<number, Set<Flag>>();
  const flag = (frame: number, f: Flag): void => {
    let s = out.get(frame);
    if (!s) out.set(frame, (s = new Set()));
    s.add(f);
  };
  const addressOf = new Map<string, string | undefined>();
  for (const e of analysis.model.endpoints) addressOf.set(e.name, e.address);

  const sides = new Map<string, SideState>();
  const side = (conn: string, name: string): SideState => {
    const k = `${conn}\u0000${name}`;
    let s = sides.get(k);
    if (!s) sides.set(k, (s = newSide()));
    return s;
  };
  /** Handshake round trip per connection, seconds. */
  const rtt = new Map<string, number>();
  /** Address pair -> connection key that last used it; connections seen so far. */
  const pairs = new Map<string, string>();
  const seen = new Set<string>();
  /** Endpoints with a "previous segment not captured" note waiting for their next segment. */
  const gapPending = new Set<string>();

  for (const ev of analysis.model.events) {
    if (ev.kind !== 'segment') {
      if (ev.kind === 'wait') for (const s of sides.values()) s.pausedSinceDup = true;
      const st = ev.stmt;
      if (st.kind === 'note' && st.text !== undefined && GAP_NOTE.test(st.text)) for (const n of st.over ?? []) gapPending.add(n.text);
      continue;
    }
    const ref = packetRef(analysis, ev.stmt);
    // A segment without a frame number is no frame of the capture (a hand-written line, or the
    // importer's stand-in for bytes it did not capture): Wireshark never saw it.
    if (!ref) continue;
    const s = side(ev.connection, ev.from);
    const r = side(ev.connection, ev.to);
    const has = (f: string): boolean => ev.flags.includes(f);
    const syn = has('SYN');
    const fin = has('FIN');
    const rst = has('RST');
    const ack = has('ACK');
    const win = ev.stmt.win?.value;
    const seq = ev.seq?.value;
    const span = ev.len + (syn ? 1 : 0) + (fin ? 1 : 0);
    const end = seq ? addSeq(seq, span) : undefined;
    const gapNoted = gapPending.delete(ev.from);
    const time = ref?.time;

    // Incarnations and port reuse: an opening SYN from a TCB that has been used before (it has
    // an ISS or SND.NXT), or the first segment, a SYN, of another connection on a used address pair.
    const a = addressOf.get(ev.from);
    const b = addressOf.get(ev.to);
    const pair = a !== undefined && b !== undefined ? [a, b].sort().join(' ') : ev.connection;
    const opens = syn && !ack && IDLE.has(ev.send.before.state);
    let reused = false;
    if (!seen.has(ev.connection)) {
      seen.add(ev.connection);
      const prev = pairs.get(pair);
      if (prev !== undefined && prev !== ev.connection && syn) reused = true;
      pairs.set(pair, ev.connection);
    } else if (opens && (ev.send.before.iss !== undefined || ev.send.before.sndNxt !== undefined)) reused = true;
    if (opens) s.synTime = time;
    // The handshake's round trip: from the SYN to the sender's first ACK.
    if (!syn && ack && s.synTime !== undefined && time !== undefined && !rtt.has(ev.connection)) rtt.set(ev.connection, time - s.synTime);

    const flags: Flag[] = [];
    if (reused) flags.push('reused_ports');

    // Retransmissions and their kinds.
    let retransmission = ev.sendClass === 'retransmission';
    if (!retransmission && syn && SYNCHRONIZING.has(ev.send.before.state) && ev.send.before.iss !== undefined && ev.seq?.relative === 0) retransmission = true;
    // Wireshark's order: fast retransmission, then out of order, then spurious, then plain.
    const fast = retransmission && r.dupAcks >= 2 && !r.pausedSinceDup && sameValue(r.dupAckValue, seq);
    const fillsGap = ref !== undefined && /fills the earlier gap/.test(ref.comment);
    let outOfOrder = false;
    if (!fast && fillsGap && span > 0 && time !== undefined && s.highTime !== undefined) {
      const limit = rtt.get(ev.connection) ?? DEFAULT_OOO_SECONDS;
      if (time - s.highTime < Math.max(limit, 0)) outOfOrder = true;
    }
    if (fast) flags.push('retransmission', 'fast_retransmission');
    else if (outOfOrder) flags.push('out_of_order');
    else if (retransmission) {
      flags.push('retransmission');
      if (ev.len > 0 && seq && r.maxAck && seqDiff(addSeq(seq, ev.len), r.maxAck) <= 0) flags.push('spurious_retransmission');
    }

    // Notes of the importer about the capture itself.
    if (gapNoted && s.sentAny) flags.push('lost_segment');
    const ackUnseen = (ref !== undefined && /ACKs data the capture did not see/.test(ref.comment)) || ev.findings.some((i) => analysis.findings[i]?.key === 'ackUnsent');
    if (ackUnseen && ack) flags.push('ack_lost_segment');

    // ACK-only segments.
    const pure = ack && !syn && !fin && !rst && ev.len === 0;
    const ackValue = ev.ack?.value;
    const ackText = ev.stmt.ack ? analysis.text.slice(ev.stmt.ack.valueSpan.start, ev.stmt.ack.valueSpan.end) : undefined;
    if (ev.sendClass === 'dup-ack' && pure && win !== undefined && win !== 0 && win === s.lastWin) {
      const before = ev.deliveries[0]?.before;
      const outstanding = !before || before.sndUna === undefined || before.sndNxt === undefined || before.sndUna !== before.sndNxt;
      if (outstanding) flags.push('duplicate_ack');
    }
    if (win === 0 && !syn && !fin && !rst) flags.push('zero_window');
    if (ev.sendClass === 'window-probe') flags.push('zero_window_probe');
    if (ev.sendClass === 'keepalive') flags.push('keep_alive');
    if (pure && (ev.sendClass === 'new' || ev.sendClass === 'dup-ack') && win !== undefined && win !== 0 && s.lastWin !== undefined && win !== s.lastWin && ackText !== undefined && ackText === s.lastAckText) {
      flags.push('window_update');
    }

    if (ref) for (const f of flags) flag(ref.frame, f);

    // Update the sender's state.
    if (flags.includes('duplicate_ack')) {
      if (!sameValue(s.dupAckValue, ackValue)) s.dupAcks = 0;
      s.dupAcks++;
      s.dupAckValue = ackValue;
      s.pausedSinceDup = false;
    } else if (ev.sendClass !== 'keepalive' && ev.sendClass !== 'window-probe') {
      s.dupAcks = 0;
      s.dupAckValue = undefined;
    }
    if (end && span > 0 && (s.highEnd === undefined || seqDiff(end, s.highEnd) > 0 || Number.isNaN(seqDiff(end, s.highEnd)))) {
      s.highEnd = end;
      s.highTime = time;
    }
    if (win !== undefined) s.lastWin = win;
    if (ack) {
      s.lastAckText = ackText;
      if (ackValue && (!s.maxAck || seqDiff(ackValue, s.maxAck) > 0)) s.maxAck = ackValue;
    }
    s.sentAny = true;
  }
  return out;
}

