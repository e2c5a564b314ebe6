/**
 * Capture (pcap / pcapng) to `.tcpflow` text.
 *
 * Output conventions (see docs/import.md):
 * - `numbers relative` (Wireshark's relative numbers) unless `absolute` is requested.
 * - One connection: endpoints `C` (client) and `S` (server). Several: `C1`/`S1`, `C2`/`S2`, ...
 *   numbered by the connection's position in the capture, each connection in its own `phase`.
 * - Endpoints whose handshake was not captured start in the state the capture implies
 *   (`endpoint C SYN_SENT`, `endpoint S ESTABLISHED`, ...) with `isn=` set to the relative base.
 * - Every segment line ends with a comment giving the packet number and the time since the
 *   first packet of the capture; pauses of `waitThresholdMs` (default 200 ms) or more between
 *   two segments of a connection also become `wait` lines.
 * - Bytes missing from the capture become `note SENDER "previous segment not captured (N bytes)"`.
 */

import { ConnEndpoint, Connection, ConnectionTracker, FlowSegment, relative } from './connections';
import { LineSegment, commentText, formatDuration, quote, segmentLine } from './emit';
import { Delivery, Uncaptured, inferDeliveries } from './inflight';
import { CaptureReader, ImportWarning, ReaderSummary, TCP_ACK, TCP_AE, TCP_FIN, TCP_RESERVED, TCP_RST, TCP_SYN, TCP_URG } from './pcap';

export type { ImportWarning } from './pcap';

export interface CaptureImportOptions {
  /** Only the connection with this 1-based index (order of first packet). */
  conn?: number;
  /** Only connections with an endpoint on this port. */
  port?: number;
  /** Only connections with an endpoint at this address (IPv6 with or without brackets). */
  host?: string;
  /** Absolute sequence numbers instead of relative ones. */
  absolute?: boolean;
  /** Pauses at least this long become `wait` lines; default 200 ms; a negative value disables them. */
  waitThresholdMs?: number;
  /** Which segments carry `ts=VAL/ECR`: only SYNs (default), all, or none. */
  timestamps?: 'syn' | 'all' | 'none';
  /** Optional `title` line. */
  title?: string;
}

/** Receives the `.tcpflow` text in pieces, in order; the pieces joined are the whole text. */
export type TextSink = (chunk: string) => void;

/** What an import found, apart from the text (which went to a sink). */
export interface CaptureImportStats {
  warnings: ImportWarning[];
  /** Connections written to the text. */
  connections: number;
  /** Connections found in the capture (before filtering). */
  found: number;
  /** TCP segments written. */
  segments: number;
  summary: ReaderSummary;
}

export interface CaptureImportResult extends CaptureImportStats {
  text: string;
}

/**
 * The streaming import: push() the capture in chunks of any size (the importer keeps no
 * reference to a chunk after push returns, so one buffer may be reused for every read), then
 * finish(sink) once, which writes the text to the sink in pieces of about `pieceSize`
 * characters. Memory grows by a small constant per TCP segment (a 56-byte record; labels and
 * rare options besides), never with the capture's size in bytes or with the text's.
 */
export class CaptureImporter {
  private readonly tracker = new ConnectionTracker();
  private readonly reader = new CaptureReader((p) => this.tracker.add(p));
  private done = false;

  constructor(private readonly opts: CaptureImportOptions = {}) {}

  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  /** End of input: write the whole text to `sink` and return what was found. Call once. */
  finish(sink: TextSink, pieceSize = 1 << 16): CaptureImportStats {
    if (this.done) throw new Error('CaptureImporter.finish called twice');
    this.done = true;
    const summary = this.reader.end();
    return render(this.tracker.finish(), summary, this.opts, new LineWriter(sink, pieceSize));
  }
}

/** Run an importer to the end and keep the text in memory. */
function collect(imp: CaptureImporter): CaptureImportResult {
  const parts: string[] = [];
  const stats = imp.finish((t) => parts.push(t));
  return { text: parts.join(''), ...stats };
}

/** Import a whole capture held in memory. */
export function importCapture(bytes: Uint8Array, opts: CaptureImportOptions = {}): CaptureImportResult {
  const imp = new CaptureImporter(opts);
  imp.push(bytes);
  return collect(imp);
}

/**
 * Streaming input, text in memory: feed chunks (e.g. from a file read in pieces). Use
 * CaptureImporter with a sink to keep the text out of memory too.
 */
export function importCaptureChunks(chunks: Iterable<Uint8Array>, opts: CaptureImportOptions = {}): CaptureImportResult {
  const imp = new CaptureImporter(opts);
  for (const c of chunks) imp.push(c);
  return collect(imp);
}

/** Same as importCaptureChunks for async sources (a ReadableStream reader, a Node stream). */
export async function importCaptureAsync(chunks: AsyncIterable<Uint8Array>, opts: CaptureImportOptions = {}): Promise<CaptureImportResult> {
  const imp = new CaptureImporter(opts);
  for await (const c of chunks) imp.push(c);
  return collect(imp);
}

/**
 * Lines out to a sink: each line is followed by a line feed, and the text goes out in pieces
 * of at least `pieceSize` characters (the last one shorter), so that a file sink writes
 * seldom and nothing holds the whole text.
 */
class LineWriter {
  private lines: string[] = [];
  private size = 0;

  constructor(
    private readonly sink: TextSink,
    private readonly pieceSize: number,
  ) {}

  push(...lines: string[]): void {
    for (const l of lines) {
      this.lines.push(l);
      this.size += l.length + 1;
    }
    if (this.size >= this.pieceSize) this.flush();
  }

  end(): void {
    if (this.lines.length > 0) this.flush();
  }

  /** One flat string per piece (join, rather than a chain of concatenations a sink might keep). */
  private flush(): void {
    this.lines.push('');
    const piece = this.lines.join('\n');
    this.lines = [];
    this.size = 0;
    this.sink(piece);
  }
}

/** Segments at the start of a connection that may hold its earliest timestamp. */
const REORDER_LOOK = 4;

function sameHost(a: string, b: string): boolean {
  const norm = (s: string): string => s.trim().replace(/^\[|\]$/g, '').toLowerCase();
  return norm(a) === norm(b);
}

function render(all: Connection[], summary: ReaderSummary, opts: CaptureImportOptions, lines: LineWriter): CaptureImportStats {
  const warnings: ImportWarning[] = [...summary.warnings];
  const chosen = all.filter(
    (c) =>
      (opts.conn === undefined || c.index === opts.conn) &&
      (opts.port === undefined || c.endpoints.some((e) => e.port === opts.port)) &&
      (opts.host === undefined || c.endpoints.some((e) => sameHost(e.addr, opts.host ?? ''))),
  );
  if (all.length > 0 && chosen.length === 0) warnings.push({ message: `no connection matches the filter (the capture has ${all.length})` });
  if (all.length === 0) warnings.push({ message: 'the capture contains no TCP segments' });

  // Time origin: the first packet of the capture that we saw.
  let t0: { sec: number; nsec: number } | undefined;
  for (const c of all) {
    // (Usually the connection's first segment; not when the send order was restored.)
    for (const s of c.segments.slice(0, REORDER_LOOK)) {
      if (!t0 || s.sec < t0.sec || (s.sec === t0.sec && s.nsec < t0.nsec)) t0 = { sec: s.sec, nsec: s.nsec };
    }
  }
  const origin = t0 ?? { sec: 0, nsec: 0 };
  const digits = summary.nanosecond ? 9 : 6;

  const segTotal = chosen.reduce((n, c) => n + c.segments.length, 0);
  lines.push(
    `# Imported from a ${summary.format} capture: ${plural(chosen.length, 'TCP connection')} written` +
      (chosen.length !== all.length ? ` (of ${all.length})` : '') +
      `, ${plural(segTotal, 'segment')}, ${plural(summary.packets, 'packet')} in the file.`,
  );
  lines.push('# Trailing comments: packet number and seconds since the first packet of the capture.');
  if (!summary.complete) lines.push('# The capture is damaged or truncated: only the part that could be read is shown.');
  if (opts.title !== undefined) lines.push(`title ${quote(opts.title)}`);
  lines.push(opts.absolute ? 'numbers absolute' : 'numbers relative');

  const multi = chosen.length > 1;
  const names = new Map<Connection, [string, string]>();
  // A connection that reopens the one before it on the same addresses from TIME-WAIT keeps that
  // one's endpoints (RFC 9293 §3.6.1 MAY-2): the same TCB takes the new SYN.
  const reopened = new Map<Connection, Connection>();
  const lastOn = new Map<string, Connection>();
  for (const c of chosen) {
    const key = pairKey(c);
    const before = lastOn.get(key);
    lastOn.set(key, c);
    if (before && reopensFromTimeWait(before, c)) {
      const old = names.get(before) as [string, string];
      const n: [string, string] = ['', ''];
      for (const i of [0, 1] as const) n[i] = old[sameEnd(before.endpoints[0], c.endpoints[i]) ? 0 : 1];
      names.set(c, n);
      reopened.set(c, before);
      continue;
    }
    const suffix = multi ? String(c.index) : '';
    const n: [string, string] = ['', ''];
    n[c.client] = `C${suffix}`;
    n[c.client === 0 ? 1 : 0] = `S${suffix}`;
    names.set(c, n);
  }

  // Declarations first (all endpoints), then each connection's segments.
  lines.push('');
  for (const c of chosen) {
    if (reopened.has(c)) continue;
    if (selfConnected(c)) lines.push(selfDeclaration(c, names.get(c) as [string, string]));
    else for (const d of declarations(c, names.get(c) as [string, string])) lines.push(d);
  }
  if (chosen.some((c) => !selfConnected(c) && c.segments.some((s) => s.forged !== undefined))) {
    lines.push(`attacker ${ATTACKER}  # sends the segments no endpoint's TCB can have sent (written "as" the endpoint they claim)`);
  }

  const threshold = opts.waitThresholdMs ?? 200;
  for (const c of chosen) {
    const n = names.get(c) as [string, string];
    lines.push('');
    const [a, b] = [c.endpoints[c.client], c.endpoints[c.client === 0 ? 1 : 0]];
    const from = reopened.get(c);
    if (multi) lines.push(`phase ${quote(`Connection ${c.index}: ${hostPort(a.addr, a.port)} -> ${hostPort(b.addr, b.port)}`)}`);
    if (from) {
      const tw = n[c.client === 0 ? 1 : 0];
      lines.push(`# ${n[c.client]} reopens connection ${from.index} from TIME-WAIT: ${tw} closed it first, and a newer SYN to a connection in TIME-WAIT reopens it (RFC 9293 §3.6.1, RFC 6191 §2)`);
      // (The time between the two incarnations counts: TIME-WAIT lasts 2 MSL.)
      const last = from.segments.at(-1);
      const first = c.segments.at(0);
      const ms = last && first ? deltaMs(last, first) : 0;
      if (threshold >= 0 && ms >= threshold) {
        const d = formatDuration(ms);
        if (d) lines.push(`wait ${d}`);
      }
    }
    if (selfConnected(c)) {
      writeSelfConnected(c, n[c.client], opts, origin, digits, lines);
      continue;
    }
    if (c.opening === 'none') lines.push('note "handshake not captured: the capture starts in the middle of the connection"');
    else if (c.opening === 'synack') lines.push(`note ${n[c.client]} "SYN not captured"`);
    if (c.tlsVersion === '1.3' && c.segments.some((s) => s.label?.tls?.records.some((r) => r.inferred))) {
      lines.push('# TLS 1.3: encrypted handshake records are named by position (the wire shows ApplicationData).');
    }
    const deliveries = inferDeliveries(c);
    const out = new CrossWriter(lines);
    let prev: FlowSegment | undefined;
    c.segments.forEach((s, i) => {
      const dl = deliveries.segments[i];
      if (prev) {
        const ms = deltaMs(prev, s);
        if (ms < 0) out.text(`# the next packet's timestamp is ${formatDuration(-ms) ?? '0ms'} earlier than the previous one`);
        else if (threshold >= 0 && ms >= threshold) {
          const d = formatDuration(ms);
          if (d) out.text(`wait ${d}`);
        }
      }
      if (dl?.synAckBefore) {
        const sv = c.client === 0 ? 1 : 0;
        out.seg({ from: n[sv], to: n[c.client], flags: TCP_SYN | TCP_ACK, comment: ['not captured: the next segment acknowledges this SYN,ACK'] });
      }
      for (const id of dl?.deliverBefore ?? []) out.deliver(id);
      if (s.gapBefore) {
        out.text(`note ${n[s.dir]} ${quote(`previous segment not captured (${s.gapBefore} ${s.gapBefore === 1 ? 'byte' : 'bytes'} missing)`)}`);
      }
      if (dl?.uncaptured) out.seg(uncapturedLine(c, s, dl.uncaptured, n, opts));
      if (s.forged) out.text(`# pkt ${s.packet} is not ${n[s.dir]}'s: ${commentText(s.forged)}`);
      out.seg(lineFor(c, s, n, opts, origin, digits, dl));
      prev = s;
    });
    for (const id of deliveries.atEnd) out.text(`deliver ${id}  # its arrival is after the end of the capture`);
    out.flush();
  }
  lines.end();
  return { warnings, connections: chosen.length, found: all.length, segments: segTotal, summary };
}

/** Both ends of the connection are one address and port: a socket connected to itself. */
function selfConnected(c: Connection): boolean {
  return sameEnd(c.endpoints[0], c.endpoints[1]);
}

/**
 * A socket connected to itself (bound to a port, then connected to that same address and port)
 * is one TCB that is its own peer: every segment it sends arrives at itself, a simultaneous open
 * with itself (RFC 9293 §3.5, Figure 7) and, at the close, its FIN crosses itself (§3.6, Figure
 * 13). The language writes it as one endpoint declared with that address and port whose
 * segments go to itself (`C -> C`); the checker keeps one TCB for it.
 */
function selfDeclaration(c: Connection, n: [string, string]): string {
  const e = c.endpoints[0];
  let s = `client ${n[c.client]} ${hostPort(e.addr, e.port)}`;
  if (!c.isnCaptured[c.client] && c.baseKnown[c.client]) s += ` isn=${c.base[c.client]}`;
  return `${s}  # connected to itself: one socket, one TCB, is both ends`;
}

function writeSelfConnected(c: Connection, name: string, opts: CaptureImportOptions, origin: { sec: number; nsec: number }, digits: number, lines: LineWriter): void {
  const e = c.endpoints[0];
  lines.push(`# ${hostPort(e.addr, e.port)} is connected to itself: each segment it sends arrives at itself (a simultaneous`);
  lines.push('# open with itself, RFC 9293 §3.5 Figure 7; its FIN crosses itself, §3.6 Figure 13). One TCB sends and');
  lines.push('# receives them, so the sequence and acknowledgment numbers count from its one ISN.');
  c.base = [c.base[c.client], c.base[c.client]];
  const n: [string, string] = [name, name];
  for (const s of c.segments) {
    const l = lineFor(c, s, n, opts, origin, digits);
    // (The two-sided analysis behind retransmission and other modifiers does not apply.)
    l.modifiers = undefined;
    lines.push(segmentLine(l));
  }
}

function pairKey(c: Connection): string {
  const [x, y] = c.endpoints.map((e) => `${e.addr}|${e.port}`);
  return x < y ? `${x}|${y}` : `${y}|${x}`;
}

function sameEnd(a: { addr: string; port: number }, b: { addr: string; port: number }): boolean {
  return a.addr === b.addr && a.port === b.port;
}

/**
 * Does `next` reopen `prev` (the same addresses, just before it) from TIME-WAIT? `prev` ended
 * with a FIN from each side and no RST, and `next` opens with a SYN to the side that sent the
 * first FIN: the side that closed actively, which lingers in TIME-WAIT (RFC 9293 §3.6.1), where a
 * newer SYN reopens the connection (MAY-2; RFC 6191 §2 says which SYN is newer, and the checker
 * judges it). A SYN from the side in TIME-WAIT, or after a reset, starts new endpoints.
 */
function reopensFromTimeWait(prev: Connection, next: Connection): boolean {
  if (next.opening !== 'syn') return false;
  let firstFin: ConnEndpoint | undefined;
  const fin = [false, false];
  for (const s of prev.segments) {
    if (s.flags & TCP_RST) return false;
    if (s.flags & TCP_FIN) {
      fin[s.dir] = true;
      firstFin ??= prev.endpoints[s.dir];
    }
  }
  if (!firstFin || !fin[0] || !fin[1]) return false;
  const receiver = next.endpoints[next.client === 0 ? 1 : 0];
  return sameEnd(receiver, firstFin);
}

/** The endpoint that sends the forged segments (`inferForged` in connections.ts). */
const ATTACKER = 'M';

/** The id of a `delay=ID` modifier, if the line has one. */
function delayOf(l: LineSegment): string | undefined {
  const m = l.modifiers?.find((x) => x.startsWith('delay='));
  return m?.slice('delay='.length);
}

/** Longest run of segment lines held while waiting for its `deliver` lines. */
const CROSS_RUN_MAX = 64;

/**
 * Writes `cross` where it says what `delay=ID` … `deliver ID` says (docs/language.md): a run of
 * consecutive segment lines, starting with a delayed one, followed at once by the `deliver` lines
 * of exactly its delayed segments. `cross` sends every line of the run, then lands each in the
 * order written; the delayed form lands the others at their own lines and the delayed ones at the
 * `deliver` lines. The two are the same when each receiver gets the run's segments in the order
 * written (its undelayed ones first, its delayed ones delivered in written order) and no line of
 * the run is sent by the receiver of an earlier undelayed one (that send saw the arrival): two
 * arrivals at different endpoints change different TCBs. Anything else is written as it was.
 */
class CrossWriter {
  private run: LineSegment[] = [];
  private delivers: string[] = [];
  /** The last line written ends a `cross` run: a run right after it would join that one. */
  private afterCross = false;

  constructor(private readonly lines: LineWriter) {}

  seg(l: LineSegment): void {
    if (this.delivers.length > 0) this.flush();
    if (this.run.length === 0 && delayOf(l) === undefined) {
      this.push(segmentLine(l));
      return;
    }
    this.run.push(l);
    if (this.run.length > CROSS_RUN_MAX) this.write(false);
  }

  deliver(id: string): void {
    if (this.run.length === 0) this.push(`deliver ${id}`);
    else this.delivers.push(id);
  }

  text(s: string): void {
    this.flush();
    this.push(s);
  }

  flush(): void {
    if (this.run.length > 0) this.write(this.crossing());
  }

  private crossing(): boolean {
    const run = this.run;
    const delayed = run.map(delayOf);
    if (this.afterCross || this.delivers.length === 0 || run.some((l) => l.modifiers?.includes('lost'))) return false;
    const ids = delayed.filter((d): d is string => d !== undefined);
    if (ids.length !== this.delivers.length || !ids.every((d) => this.delivers.includes(d))) return false;
    for (let i = 0; i < run.length; i++) {
      for (let j = i + 1; j < run.length; j++) {
        if (run[j].to !== run[i].to) continue;
        // (The same receiver: an undelayed one after a delayed one, or delayed ones delivered out of order.)
        const di = delayed[i];
        const dj = delayed[j];
        if (di !== undefined && dj === undefined) return false;
        if (di !== undefined && dj !== undefined && this.delivers.indexOf(di) > this.delivers.indexOf(dj)) return false;
      }
      if (delayed[i] === undefined && run.slice(i + 1).some((l) => l.from === run[i].to)) return false;
    }
    return true;
  }

  private write(cross: boolean): void {
    for (const l of this.run) {
      if (cross) l.modifiers = [...(l.modifiers ?? []).filter((m) => !m.startsWith('delay=')), 'cross'];
      this.push(segmentLine(l));
    }
    if (!cross) for (const id of this.delivers) this.push(`deliver ${id}`);
    this.afterCross = cross;
    this.run = [];
    this.delivers = [];
  }

  private push(line: string): void {
    this.afterCross = false;
    this.lines.push(line);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function hostPort(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function declarations(c: Connection, n: [string, string]): string[] {
  const out: string[] = [];
  const cl = c.client;
  const sv = cl === 0 ? 1 : 0;
  const why =
    c.roleReason === 'syn'
      ? 'sent the SYN'
      : c.roleReason === 'synack'
        ? 'received the SYN+ACK'
        : c.roleReason === 'port'
          ? 'guessed from the ports (no SYN captured)'
          : 'guessed: sent the first captured segment';
  const decl = (i: 0 | 1, role: 'client' | 'server', state: string | undefined, comment: string): string => {
    const e = c.endpoints[i];
    let s = state ? `endpoint ${n[i]} ${state}` : `${role} ${n[i]}`;
    s += ` ${hostPort(e.addr, e.port)}`;
    if (!c.isnCaptured[i] && c.baseKnown[i]) s += ` isn=${c.base[i]}`;
    return `${s}  # ${comment}`;
  };
  if (c.opening === 'syn') {
    out.push(decl(cl, 'client', undefined, `client: ${why}`));
    // A side that sends a bare SYN of its own called connect() too (a simultaneous open, RFC 9293
    // §3.5 Figure 7): it starts CLOSED, not LISTEN.
    let active = false;
    for (const s of c.segments) {
      if (s.dir === sv && (s.flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN) active = true;
      if (active || (s.dir === sv && !(s.flags & TCP_SYN))) break;
    }
    if (active) out.push(decl(sv, 'server', 'CLOSED', 'also sent a SYN of its own: a simultaneous open (both called connect)'));
    else out.push(decl(sv, 'server', undefined, 'server'));
  } else if (c.opening === 'synack') {
    out.push(decl(cl, 'client', 'SYN_SENT', `client: ${why}`));
    out.push(decl(sv, 'server', 'SYN_RCVD', 'server'));
  } else {
    out.push(decl(cl, 'client', 'ESTABLISHED', `client: ${why}`));
    out.push(decl(sv, 'server', 'ESTABLISHED', 'server'));
  }
  return out;
}

function deltaMs(a: FlowSegment, b: FlowSegment): number {
  return (b.sec - a.sec) * 1000 + (b.nsec - a.nsec) / 1e6;
}

function timeText(s: FlowSegment, origin: { sec: number; nsec: number }, digits: number): string {
  let ns = (s.sec - origin.sec) * 1e9 + (s.nsec - origin.nsec);
  const neg = ns < 0;
  if (neg) ns = -ns;
  const whole = Math.floor(ns / 1e9);
  const frac = Math.round(ns - whole * 1e9);
  let fs = String(frac).padStart(9, '0').slice(0, digits);
  if (fs.length === 0) fs = '0';
  return `${neg ? '-' : ''}${whole}.${fs}s`;
}

/**
 * A stand-in for bytes the capture missed inside a sender's stream: no seq= or ack= (the checker
 * takes the sender's SND.NXT and RCV.NXT), no packet number (it is not a frame of the capture).
 */
function uncapturedLine(c: Connection, s: FlowSegment, u: Uncaptured, n: [string, string], opts: CaptureImportOptions): LineSegment {
  const d = s.dir;
  const from = opts.absolute ? u.seq : relative(u.seq, c.base[d]);
  const to = (from + u.len) >>> 0;
  const mods = u.fate === 'lost' ? ['lost'] : u.fate === 'late' && u.delayId ? [`delay=${u.delayId}`] : [];
  const fate = u.fate === 'lost' ? '; the receiver takes a later copy' : '';
  return {
    from: n[d],
    to: n[d === 0 ? 1 : 0],
    flags: TCP_ACK,
    len: u.len,
    modifiers: mods,
    comment: [`not captured: bytes ${from}-${to}, inferred from the sequence numbers${fate}`],
  };
}

function lineFor(c: Connection, s: FlowSegment, n: [string, string], opts: CaptureImportOptions, origin: { sec: number; nsec: number }, digits: number, dl?: Delivery): LineSegment {
  const d = s.dir;
  const o = d === 0 ? 1 : 0;
  const abs = opts.absolute === true;
  const seq = abs ? s.seq : relative(s.seq, c.base[d]);
  const ack = abs ? s.ack : relative(s.ack, c.base[o]);
  const syn = (s.flags & TCP_SYN) !== 0;
  const tsMode = opts.timestamps ?? 'syn';
  const line: LineSegment = {
    from: n[d],
    to: n[o],
    flags: s.flags,
    seq,
    len: s.payloadLength,
    win: s.window,
    comment: [],
  };
  if (s.flags & TCP_ACK) line.ack = ack;
  const op = s.options;
  if (op.mss !== undefined) line.mss = op.mss;
  if (op.wscale !== undefined) line.wscale = op.wscale;
  if (op.sackOk) line.sackOk = true;
  if (op.ts && (tsMode === 'all' || (tsMode === 'syn' && syn))) line.ts = op.ts;
  const lab = s.label;
  if (lab?.http) line.http = lab.http;
  else if (lab?.tls) {
    const messages = lab.tls.records.flatMap((r) => r.messages);
    // The version is left to the flow (EncryptedExtensions implies TLS 1.3); it goes in the comment.
    if (messages.length > 0) line.tls = { messages };
  } else if (lab?.text) line.label = lab.text;
  const mods: string[] = [];
  if (s.forged) {
    // (RFC 5961 §1: the blind attacker's segment, written from the attacker as the side it claims.)
    line.from = ATTACKER;
    mods.push(`as ${n[d]}`);
  }
  if (s.rtx) mods.push('rtx');
  if (dl?.fate === 'lost') mods.push('lost');
  else if (dl?.fate === 'late' && dl.delayId) mods.push(`delay=${dl.delayId}`);
  if (mods.length) line.modifiers = mods;

  const cm = line.comment as string[];
  cm.push(`pkt ${s.packet}, ${timeText(s, origin, digits)}`);
  if (op.wscale !== undefined && op.wscale > 14) cm.push(`wscale ${op.wscale} on the wire (RFC 7323 caps it at 14)`);
  if (op.sack && op.sack.length > 0) {
    const blocks = op.sack.map(([l, r]) => (abs ? `${l}-${r}` : `${relative(l, c.base[o])}-${relative(r, c.base[o])}`));
    cm.push(`SACK ${blocks.join(' ')}`);
  }
  if (op.tfo) line.tfo = Array.from(op.tfo, (x) => x.toString(16).padStart(2, '0')).join('');
  if (op.other && op.other.length > 0) cm.push(`TCP options ${op.other.join(',')}`);
  if (s.flags & TCP_AE) cm.push('AE flag');
  if (s.flags & TCP_RESERVED) cm.push(`reserved flag bits 0x${(s.flags & TCP_RESERVED).toString(16)}`);
  if (s.flags & TCP_URG) cm.push(`urgent pointer ${s.urgent}`);
  if (s.answeredBefore !== undefined) cm.push(`captured after pkt ${s.answeredBefore}, which acknowledges it: written first`);
  if (s.fillsGap) cm.push('fills the earlier gap (out of order, or retransmitted after a loss before the capture point)');
  if (s.keepAlive) cm.push('keep-alive');
  if (s.ackedUnseen) cm.push('ACKs data the capture did not see');
  if (dl?.why) cm.push(dl.why);
  else if (dl?.fate === 'late') cm.push('in flight while the receiver acknowledged less');
  else if (dl?.fate === 'lost') cm.push('not taken by the receiver: it acknowledged less until the bytes came again');
  if (lab?.serverHello?.version) cm.push(`TLS ${lab.serverHello.version}`);
  if (lab?.tls?.records.some((r) => r.inferred)) cm.push('TLS 1.3 encrypted handshake (names inferred)');
  line.comment = cm.map(commentText);
  return line;
}

