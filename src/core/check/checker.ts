/**
 * The checker: replays a parsed flow statement by statement, keeps one TCB per endpoint per
 * connection (tcp/machine.ts), compares what the notes wrote with what RFC 9293 expects, and
 * records findings and the model. After a finding it carries on with the expected value, so
 * one mistake gives one finding.
 */
import * as ast from '../syntax/ast';
import { LineIndex } from '../syntax/text';
import { Finding, FindingKey, FINDINGS, Fix, Locale, Related, TextEdit, formatMessage } from './findings';
import { SeqValue, add, concrete, diff, equal, gt } from '../tcp/seq';
import { TcpState, isSynchronized, lookupState, ALL_STATES } from '../tcp/states';
import { IssuedCookie, cookieValid, synTextMayBeAcked } from '../tcp/tfo';
import { completesHandshake, queued } from '../tcp/accept';
import { applyRead, effectiveSendMss, freeSpace, heldWindow, largestWindowField, noteAdvertised, rcvUser, readVerdict } from '../tcp/buffer';
import { RULE, Seg, Tcb, Why, advanceClock, applySend, checkSend, isDuplicateAck, isKeepAlive, isRetransmission, lacksAck, newTcb, receive, receiveAcceptable, reopensTimeWait, setState, startRcvNxt, synTextAck, ackUnacceptable, RecvKind } from '../tcp/machine';
import { phrase, PhraseKey } from '../l10n/strings';
import type { Delivery, EndpointInfo, FlowEvent, Model, SegmentEvent, SendClass, SymbolInfo, TcbView } from '../model';
import { AppTracker } from '../app/app';
import { userCall } from '../tcp/calls';
import { ArrivalView, Deferred, DeferredRecord, EventTable, EventTableMark, Fate, NO_FINDINGS, Reason, ReasonKind, SegmentRecord } from './records';
import { Fmt, Interner, SnapshotTable } from './snapshots';
import { RowKind, StatementTable, TableFile } from '../syntax/table';
import { parseDeclarations } from '../syntax/parser';
import { PlainField, PlainSegment, ackOnlyShape, plainSegmentStmt } from '../syntax/plain';

interface Endpoint {
  info: EndpointInfo;
  /** State when no connection exists (CLOSED, or LISTEN for a server). */
  idle: TcpState;
  isn?: number;
  backlog?: number;
  /** Bound of the accept queue (`acceptq=`, tcp/accept.ts). */
  acceptq?: number;
  /** Receive buffer, RCV.BUFF (`rcvbuf=`, tcp/buffer.ts). */
  rcvbuf?: number;
  win?: number;
  wscale?: number;
  lastConn?: Connection;
  conns: Map<string, Connection>;
  /** Findings-only check: the last thing that happened to this endpoint (what `lastEventFor`
   * finds among the events of a full check), one record overwritten in place. */
  last?: LastEvent;
}

interface SymbolEntry {
  value: SeqValue;
  info: SymbolInfo;
}

interface Connection {
  key: string;
  a: string;
  b: string;
  tcbs: Map<string, Tcb>;
  symbols: Map<string, SymbolEntry>;
  app: AppTracker;
  /** `Checker.fmtFrozen`: the formatter for the names bound so far, and its index in `Checker.fmts`. */
  frozen?: { map: Map<string, SymbolEntry>; n: number; fn: Fmt; index: number };
  /**
   * Findings-only check: the statement offset of every segment sent a → b ([0]) and b → a ([1]),
   * in order, stored as offset × 4 plus its kind (RST, pure ACK, other: `trailEntry`), what
   * `finalFindings` reads from the events.
   */
  trail?: [number[], number[]];
  /** `Checker.fmt` for this connection (one function, made once). */
  fmtAll?: (v: SeqValue | undefined) => string;
}

/** A segment on its way: what its arrival needs to know about its sending. */
interface Sent {
  /** The segment's event (undefined in a findings-only check, which keeps no events). */
  event: SegmentRecord | undefined;
  st: ast.SegmentStmt;
  from: string;
  to: string;
  /** Flags in effect (bits, see `flagBit`). */
  flags: number;
  sendClass: SendClass;
  seg: Seg;
  conn: Connection;
  /** The ack as written, when the checker replaced it with the one it expected. */
  wroteAck?: SeqValue;
  /** The sender's finding on it, if any (`Checker.senderFault`). */
  fault: number;
}

const SENDER_REFUSED = 1;
const SENDER_BEYOND_WINDOW = 2;
/** An RST answering an unacceptable ACK already reported (TF3010/TF3001 on the segment it answers). */
const SENDER_ANSWERS_FLAGGED = 3;
/**
 * A synchronized side's segment without the ACK flag (TF2010): the sender is told, and the
 * receiver drops the segment as RFC 9293 §3.10.7.4 fifth says ("if the ACK bit is off, drop the
 * segment and return"), so the notes' next line, written as the receiver saw it, is right.
 */
const SENDER_NO_ACK = 4;
/**
 * The RST that answers a spoofed segment (`as NAME`): it goes to the real NAME, which sent
 * nothing and expects nothing, so its receiver discarding it is no news (RFC 5961 §1).
 */
const SENDER_ANSWERS_SPOOFED = 5;

export interface CheckOptions {
  locale?: Locale;
  /** Lines before the text (a Markdown fence's position), for line numbers inside messages. */
  lineOffset?: number;
  /** Findings that will precede the checker's in the analysis (the syntax findings): events
   * refer to findings by their index there. A function when they are known only once the text
   * is parsed to its end (a table that fills as it is checked). */
  findingBase?: number | (() => number);
  /**
   * The previous check of an earlier version of the same text, and how many leading statements
   * the two versions share (the same objects, see `analyze`). The check starts at the last
   * checkpoint before the first changed statement instead of at the top. The previous check is
   * consumed: its result must not be used afterwards.
   */
  resume?: { from: CheckResume; shared: number };
  /** Statements between two checkpoints (default 1,024). */
  checkpointEvery?: number;
}

export interface CheckResult {
  findings: Finding[];
  model: Model;
  /** What the next check of an edited version can start from. */
  resume: CheckResume;
}

/** Opaque: a finished check, with its checkpoints. */
export interface CheckResume {
  readonly checker: unknown;
}

/**
 * A receiver's warning that depends on its next segment to the sender: `rst` (it must answer
 * with RST) or `challenge` (it must answer with a challenge ACK, RFC 5961 §3.2, §4.2). Withdrawn
 * when the notes show that answer as the receiver's next segment to the sender.
 */
interface PendingRst {
  finding: number;
  from: string;
  to: string;
  challenge: boolean;
}

/** A segment in a connection's trail (`Connection.trail`): its start offset and what it is. */
const TRAIL_RST = 1;
const TRAIL_PURE_ACK = 2;
/** A segment its sender may not send (TF2001): when an RST was owed, that finding covers it. */
const TRAIL_REFUSED = 3;
const trailEntry = (start: number, seg: Seg, refused: boolean): number =>
  start * 4 + (seg.rst ? TRAIL_RST : refused ? TRAIL_REFUSED : seg.ack && !seg.syn && !seg.fin && seg.len === 0 ? TRAIL_PURE_ACK : 0);

/**
 * Is this segment the answer a pending warning waits for? An owed RST is answered by the RST, or
 * by a segment that gets TF2001 (that finding names the mistake: one mistake, one finding).
 */
const answers = (p: PendingRst, kind: number): boolean => (p.challenge ? kind === TRAIL_PURE_ACK : kind === TRAIL_RST || kind === TRAIL_REFUSED);

export function check(file: ast.File, lines: LineIndex, options: CheckOptions = {}): CheckResult {
  const steps = checkSteps(file, lines, options, Infinity);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same check in slices: it pauses (yields) after every `slice` statements, so that a caller
 * with an event loop (the language server) can read new edits between slices and drop a check
 * whose document has changed. Nothing is shared between two checks.
 */
export function* checkSteps(file: ast.File, lines: LineIndex, options: CheckOptions = {}, slice = 4096): Generator<void, CheckResult, void> {
  const locale = options.locale ?? 'en';
  const lineOffset = options.lineOffset ?? 0;
  const base = options.findingBase ?? 0;
  const r = options.resume;
  if (r && r.from.checker instanceof Checker) {
    const start = r.from.checker.resumable(file, locale, lineOffset, r.shared);
    if (start !== undefined) return yield* r.from.checker.run(slice, base, file, lines, start);
  }
  return yield* new Checker(file, lines, locale, lineOffset, options.checkpointEvery ?? CHECKPOINT_EVERY).run(slice, base);
}

/**
 * A findings-only check: fed the statements of a text in source order, in as many pieces as the
 * caller likes, then finished. Its findings are those `check` reports for the same statements,
 * in the same order; it keeps no model, so each piece (and its syntax tree) can be dropped once
 * fed. `declarations` are all of the text's endpoint declarations (`parseDeclarations`), which
 * count from the top wherever they are written.
 */
export interface FindingsCheck {
  feed(statements: readonly ast.Statement[]): void;
  /** The next statement is the plain segment line `p` read (`readPlainSegment`), with no tree. */
  plain(p: PlainSegment): void;
  finish(): Finding[];
}

export function findingsCheck(text: string, declarations: readonly ast.EndpointStmt[], options: { locale?: Locale; lineOffset?: number } = {}): FindingsCheck {
  const checker = new Checker({ text, statements: [], comments: [] }, undefined, options.locale ?? 'en', options.lineOffset ?? 0, CHECKPOINT_EVERY, true);
  checker.declareAll(declarations);
  return { feed: (statements) => checker.feed(statements), plain: (p) => checker.plain(p), finish: () => checker.finish(0) };
}

/** Is `name` the text from `start` to `end`? */
function nameAt(text: string, start: number, end: number, name: string): boolean {
  if (name.length !== end - start) return false;
  for (let i = 0; i < name.length; i++) if (text.charCodeAt(start + i) !== name.charCodeAt(i)) return false;
  return true;
}

/** The segment object of predictions, made as `segment` makes its own (one shape for the machine's code). */
function predictedSeg(): Seg {
  const seg: Seg = { syn: false, ack: true, fin: false, rst: false, len: 0, win: undefined, wscale: undefined, rtx: false, tsVal: undefined };
  seg.seq = undefined;
  seg.ackNo = undefined;
  return seg;
}

/** A run of deferred segments shorter than this is made when it ends (`Checker.endRun`). */
const EAGER_RUN = 8;

/** Statements between two checkpoints of a check (state saved for resuming after an edit). */
const CHECKPOINT_EVERY = 1024;


class Checker {
  private readonly findings: Finding[] = [];
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly conns = new Map<string, Connection>();
  /**
   * The check's events in order, a run of deferred segments (`materialize`) as one entry: no
   * object or entry per predicted segment while checking. The model's list (`eventList`) is
   * made from it when first read.
   */
  private readonly events: (FlowEvent | DeferredRun)[] = [];
  /** The model's events (`eventList`): made from `events` up to `listed`. */
  private readonly list: FlowEvent[] = [];
  private listed = 0;
  /** Segments in the runs of `events` (so that the model's count of events is known without making them). */
  private deferredTotal = 0;
  private readonly symbols: SymbolInfo[] = [];
  /** Endpoint name -> its references, as start and end offsets in pairs (no object per reference). */
  private readonly endpointRefs = new Map<string, number[]>();
  /** The statements being checked. */
  private table: StatementTable;
  private readonly inflight = new Map<string, Sent>();
  /** Segments of the current run of `cross` lines still in flight. */
  private crossing = 0;
  /** Fast Open cookies handed out so far (RFC 7413 §4.1.2), append-only. */
  private readonly tfoIssued: IssuedCookie[] = [];
  private readonly rootNames: string[] = [''];
  private readonly pendingRst: PendingRst[] = [];
  /** Arrivals redrawn after the fact (see `answerUnacceptableAck`), with what they showed before. */
  private readonly redrawn: { d: Delivery; after: TcbView; outcome: RecvKind; note?: string }[] = [];
  /** The ack of the segment being checked as written, when it was replaced by the expected one. */
  private wroteAck: SeqValue | undefined;
  /**
   * What the sender of the segment being checked was told (0: nothing, SENDER_REFUSED: it may not
   * send it at all, TF2001; SENDER_BEYOND_WINDOW: TF3009). The receiver then does not report the
   * same mistake again (one mistake, one finding).
   */
  private senderFault = 0;
  /** Names, keys, classes and notes the model's columns refer to by index; formatters likewise. */
  private readonly strings = new Interner<string>();
  private readonly fmts = new Interner<Fmt>();
  /** TCB snapshots and segment events as columns (records.ts, snapshots.ts): no object per snapshot. */
  private readonly snaps = new SnapshotTable(this.strings, this.fmts);
  private readonly evs = new EventTable(this, this.snaps, this.strings, this.fmts, flagList);
  /**
   * The model of deferred runs once made (`materialize`): a table of its own, which restoring a
   * checkpoint does not cut (a run before the checkpoint keeps what was made of it).
   */
  private readonly made = new EventTable(this, new SnapshotTable(this.strings, this.fmts), this.strings, this.fmts, flagList);
  /** Segment events that have findings (their `raw` list), in order. */
  private readonly flagged: SegmentRecord[] = [];
  private readonly checkpoints: Checkpoint[] = [];
  /** Indices of the endpoint declarations among the statements. */
  private declarations: number[] = [];
  private relative = false;
  private clock = 0;
  private mslMs = 120_000;
  private title?: string;
  /** The two endpoints a plain line named last (`plainEndpoint`). */
  private recent0?: Endpoint;
  private recent1?: Endpoint;
  /** The pair of endpoints of the last predicted segment, their connection and TCBs. */
  private pair?: { x: Endpoint; y: Endpoint; c: Connection; tx: Tcb; ty: Tcb };
  private readonly predictedSeg: Seg = predictedSeg();
  /** Runs of deferred segments (`materialize`), in event order; the one still growing. */
  private readonly runs: DeferredRun[] = [];
  private openRun?: DeferredRun;

  /**
   * `lean`: a findings-only check (`FindingsCheck`). It keeps no events, views, references or
   * checkpoints, only what its findings need, so that the statements it was fed can be dropped.
   */
  constructor(
    private file: ast.File,
    private lines: LineIndex | undefined,
    private readonly locale: Locale,
    private readonly lineOffset = 0,
    private readonly checkpointEvery = CHECKPOINT_EVERY,
    private readonly lean = false,
  ) {
    this.table = tableOf(file);
  }

  rowStart(row: number): number {
    return this.table.start[row];
  }
  rowEnd(row: number): number {
    return this.table.end[row];
  }

  /** Row `row`'s statement, the same object every time (the model's events read theirs through it). */
  statementAt(row: number): ast.Statement {
    return this.table.statement(row);
  }

  /**
   * The statement index a check of `file` can start at when it reuses this finished check, or
   * undefined when it must start afresh: other options, or an endpoint declaration outside the
   * shared statements (declarations are read before everything else).
   */
  resumable(file: ast.File, locale: Locale, lineOffset: number, shared: number): number | undefined {
    if (locale !== this.locale || lineOffset !== this.lineOffset) return undefined;
    const declarations = endpointRows(tableOf(file));
    if (declarations.length !== this.declarations.length) return undefined;
    for (let i = 0; i < declarations.length; i++) if (declarations[i] !== this.declarations[i] || declarations[i] >= shared) return undefined;
    let cp: Checkpoint | undefined;
    for (const c of this.checkpoints) if (c.index <= shared) cp = c;
    return cp?.index;
  }

  *run(slice: number, base: number | (() => number), file?: ast.File, lines?: LineIndex, start = 0): Generator<void, CheckResult, void> {
    const table = file ? tableOf(file) : this.table;
    if (file && lines) {
      this.file = file;
      this.table = table;
      this.lines = lines;
      this.restore(start);
    } else if (table.filling) {
      // Endpoints are declared before use, but a declaration later in the file still counts
      // (notes sometimes list the cast at the end): a table that fills as it is checked has them
      // read first from the lines that can hold one (invariant 12).
      for (const st of parseDeclarations(table.text)) this.declare(st);
    } else {
      for (let i = 0; i < table.count; i++) if (table.kind[i] === RowKind.Endpoint) this.declare(table.peek(i) as ast.EndpointStmt);
    }
    let pause = start + slice;
    // The next multiple of `checkpointEvery` after 0 from `start` on (a comparison per row, not a division).
    const every = this.checkpointEvery;
    let checkpoint = start > 0 ? Math.ceil(start / every) * every : every;
    const reader = new PlainSegment(table.text);
    for (let i = start; table.has(i); i++) {
      if (i === checkpoint) {
        this.save(i);
        checkpoint += every;
      }
      if (i === pause) {
        pause += slice;
        yield;
      }
      // A plain row (no tree, `syntax/plain.ts`) is taken by header prediction, or made into its tree.
      if (table.plain[i] === 1 && table.plainRow(i, reader) && this.predicted(reader, i)) continue;
      if (this.openRun) this.endRun();
      this.statement(table.peek(i), i);
    }
    if (this.openRun) this.endRun();
    if (!file) this.declarations = endpointRows(table);
    const findings = this.finish(typeof base === 'number' ? base : base());
    const finalStates: TcbView[] = [];
    for (const c of this.conns.values()) for (const [name, t] of c.tcbs) finalStates.push(this.view(t, name, name === c.a ? c.b : c.a, c));
    let spans: Map<string, ast.Span[]> | undefined;
    const refSpans = (): Map<string, ast.Span[]> => this.refSpans();
    const eventList = (): FlowEvent[] => this.eventList();
    const model: Model = {
      title: this.title,
      endpoints: [...this.endpoints.values()].map((e) => e.info),
      get events(): FlowEvent[] {
        return eventList();
      },
      symbols: this.symbols,
      // Spans made when first read (rename, references), from the pairs of offsets kept.
      get endpointRefs(): Map<string, ast.Span[]> {
        return (spans ??= refSpans());
      },
      finalStates,
    };
    return { findings, model, resume: { checker: this } };
  }

  /** Findings-only check: declare the endpoints (all of the text's, in order) before any `feed`. */
  declareAll(declarations: readonly ast.EndpointStmt[]): void {
    for (const st of declarations) this.declare(st);
  }

  /** Check the next statements, in source order. */
  feed(statements: readonly ast.Statement[]): void {
    for (let i = 0; i < statements.length; i++) this.statement(statements[i], -1);
  }

  /** Findings-only check: the next statement is the plain segment line `p` read. */
  plain(p: PlainSegment): void {
    if (!this.predicted(p, -1)) this.statement(plainSegmentStmt(p), -1);
  }

  /**
   * Header prediction (the fast path TCP implementations take for the commonest segment, after
   * Van Jacobson): the check takes a plain line (read by `analyzeFindings`, or a plain row of the
   * table, `row`) with no tree when it is the segment both sides expect, and otherwise returns
   * false before changing anything (the line then goes the long way, `segment`). Expected means: ACK (and maybe PSH) and nothing else, seq and ack
   * written as numbers, equal to the sender's SND.NXT and RCV.NXT; the sender ESTABLISHED or
   * CLOSE-WAIT (where it may send anything but a SYN, RFC 9293 §3.10.2) and within the send
   * window (§3.8.6); the receiver synchronized past SYN-RECEIVED, the segment acceptable to it
   * (§3.10.7.4 first); nothing in flight, no RST owed or pending, no buffer declared, no
   * application protocol running. Such a segment gets no finding on either side, and the
   * effects are the long way's: `applySend` at the sender, `receiveAcceptable` at the receiver
   * (with ACK set, acceptable and no SYN, RST or FIN, it has no outcome the checker reports), the
   * two endpoints' last events; the editor's analysis defers the model's part to its first read
   * (`materialize`), which makes it as the long way does. test/core/plain.test.ts checks both
   * ways give the same findings and the same model.
   */
  private predicted(p: PlainSegment, row: number): boolean {
    if (!ackOnlyShape(p)) return false;
    const flags = p.flags;
    const fields = p.fields;
    if (this.crossing > 0 || this.inflight.size > 0 || this.pendingRst.length > 0) return false;
    const text = p.text;
    const from = this.plainEndpoint(text, p.start, p.fromEnd);
    const to = this.plainEndpoint(text, p.toStart, p.toEnd);
    if (!from || !to || from === to) return false;
    // The connection and both TCBs, from the last prediction when it was on the same pair (a
    // connection or a TCB, once made, is dropped only by `restore`, which forgets the pair).
    let pair = this.pair;
    if (!pair || !((pair.x === from && pair.y === to) || (pair.x === to && pair.y === from))) {
      const conn = from.conns.get(to.info.name);
      const tx = conn?.tcbs.get(from.info.name);
      const ty = conn?.tcbs.get(to.info.name);
      if (!conn || !tx || !ty) return false;
      pair = this.pair = { x: from, y: to, c: conn, tx, ty };
    }
    const c = pair.c;
    const s = pair.x === from ? pair.tx : pair.ty;
    const r = pair.x === from ? pair.ty : pair.tx;
    if ((s.state !== TcpState.ESTABLISHED && s.state !== TcpState.CLOSE_WAIT) || !isSynchronized(r.state) || r.state === TcpState.SYN_RCVD) return false;
    if (s.unacceptableAck || s.owesRst || s.rcvBuf !== undefined || r.rcvBuf !== undefined) return false;
    const sndNxt = s.sndNxt;
    const rcvNxt = s.rcvNxt;
    if (!sndNxt || !rcvNxt || !r.rcvNxt) return false;
    // The numbers as `evaluate` reads them: relative ones count from the ISNs.
    const seqBase = this.relative ? s.iss : undefined;
    const ackBase = this.relative ? s.irs : undefined;
    const seqRoot = seqBase ? seqBase.root : 0;
    const seqOff = ((seqBase ? seqBase.off : 0) + p.value[PlainField.Seq]) >>> 0;
    const ackRoot = ackBase ? ackBase.root : 0;
    const ackOff = ((ackBase ? ackBase.off : 0) + p.value[PlainField.Ack]) >>> 0;
    if (seqRoot !== sndNxt.root || seqOff !== sndNxt.off || ackRoot !== rcvNxt.root || ackOff !== rcvNxt.off) return false;
    const len = fields & (1 << PlainField.Len) ? p.value[PlainField.Len] : 0;
    if (len > 0 && c.app.active(from.info.name)) return false;
    // Within the send window: SEG.SEQ + SEG.LEN =< SND.UNA + SND.WND (the long way's `gt`).
    const una = s.sndUna;
    if (len > 0 && una && s.sndWnd !== undefined && una.root === seqRoot && ((seqOff + len - (una.off + s.sndWnd)) | 0) > 0) return false;
    // In order at the receiver (SEG.SEQ = RCV.NXT) and, with text, into an open window: acceptable
    // by every row of Table 6 (RFC 9293 §3.10.7.4 first).
    const rNxt = r.rcvNxt;
    if (rNxt.root !== seqRoot || rNxt.off !== seqOff || (len > 0 && !(r.rcvWnd > 0))) return false;
    // (The machine keeps no segment, only its numbers: one object serves every prediction.)
    const seg = this.predictedSeg;
    seg.len = len;
    seg.win = fields & (1 << PlainField.Win) ? p.value[PlainField.Win] : undefined;
    seg.seq = sndNxt;
    seg.ackNo = rcvNxt;
    // Sent.
    const end = p.stmtEnd;
    const name = from.info.name;
    const peer = to.info.name;
    this.senderFault = 0;
    this.wroteAck = undefined;
    from.lastConn = c;
    to.lastConn = c;
    if (!this.lean) {
      // The model's part is kept deferred: the event's TCB snapshots, reasons and arrival are
      // made when first read (`materialize`), from a copy of the pair's TCBs taken where its run
      // of predicted segments began; the two names' references likewise (`refSpans`).
      let run = this.openRun;
      if (!run || run.c !== c) run = this.openRun = this.startRun(pair, row);
      run.count++;
      this.deferredTotal++;
    }
    applySend(s, seg, { kind: 'data', who: name, start: p.start, end, len });
    s.lastAckSent = rcvNxt;
    const why: Why = { kind: 'data', who: name, start: p.start, end, len };
    // (A findings-only check keeps each endpoint's last event for its messages.)
    if (this.lean) noteLast(from, why, LastEventKind.Segment, name, peer, flags, s.state);
    // Arrived.
    if (r.unacceptableAck) r.unacceptableAck = undefined;
    receiveAcceptable(r, seg, this.clock, why, (c.fmtAll ??= (v) => this.fmt(v, c)));
    if (this.lean) noteLast(to, why, LastEventKind.Segment, name, peer, flags, r.state);
    return true;
  }

  /** A new run of deferred segments on `pair`'s connection, starting with the next event, of statement row `row`. */
  private startRun(pair: { x: Endpoint; y: Endpoint; c: Connection; tx: Tcb; ty: Tcb }, row: number): DeferredRun {
    const c = pair.c;
    const fmt = this.fmtFrozen(c);
    const run: DeferredRun = {
      index: this.runs.length,
      row,
      count: 0,
      kind: 'run',
      slot: this.events.length,
      base: -1,
      c,
      x: pair.x,
      y: pair.y,
      xRefs: this.endpointRefs.get(pair.x.info.name)?.length ?? 0,
      yRefs: this.endpointRefs.get(pair.y.info.name)?.length ?? 0,
      tx: copyTcb(pair.tx),
      ty: copyTcb(pair.ty),
      fmt,
      fmtIndex: c.frozen!.index,
      clock: this.clock,
    };
    this.runs.push(run);
    this.events.push(run);
    return run;
  }

  /**
   * Make the model of a deferred run (`DeferredRecord`): its segments replayed in order on
   * copies of the TCBs as they were before the first, each kept as the long way keeps a sent and
   * delivered segment — the sender's snapshots before and after, the reasons behind its seq and
   * ack, its arrival with the receiver's snapshots — by the machine's own `applySend` and
   * `receiveAcceptable`. Nothing else touched the two TCBs in between (a run ends at any other
   * statement and at a checkpoint), so the replay sees what the check saw. The events are added
   * to the table then, in order; the index of the first is returned (and kept as `base`).
   */
  materialize(deferred: Deferred): number {
    const run = deferred as DeferredRun;
    if (run.base >= 0) return run.base;
    // (Only an event of an analysis that a later one resumed from, read after that, can name a run the check no longer has.)
    if (this.runs[run.index] !== run) throw new Error('tcpflow: this segment event belongs to an analysis a later one has replaced');
    if (run === this.openRun) this.openRun = undefined;
    const made = this.made;
    const snaps = made.snaps;
    run.base = made.segmentCount;
    // The copies are replayed on, and needed no more.
    const tx = run.tx!;
    const ty = run.ty!;
    run.tx = run.ty = undefined;
    // (Their last snapshots are rows of the check's table, not of this one.)
    tx.snapshotRow = ty.snapshotRow = -1;
    const { c, fmt, fmtIndex } = run;
    const fmtAll = (c.fmtAll ??= (v) => this.fmt(v, c));
    const reader = new PlainSegment(this.table.text);
    const seg = predictedSeg();
    const xName = run.x.info.name;
    const yName = run.y.info.name;
    for (let row = run.row; row < run.row + run.count; row++) {
      if (!this.table.plainRow(row, reader)) throw new Error(`tcpflow: deferred segment of row ${row} lost its line`);
      const p = reader;
      const forward = nameAt(p.text, p.start, p.fromEnd, xName);
      const s = forward ? tx : ty;
      const r = forward ? ty : tx;
      const name = forward ? xName : yName;
      const peer = forward ? yName : xName;
      const rcvNxt = s.rcvNxt!;
      const len = p.fields & (1 << PlainField.Len) ? p.value[PlainField.Len] : 0;
      seg.len = len;
      seg.win = p.fields & (1 << PlainField.Win) ? p.value[PlainField.Win] : undefined;
      seg.seq = s.sndNxt;
      seg.ackNo = rcvNxt;
      const end = p.stmtEnd;
      const before = (s.snapshotRow = snaps.snapshot(s.snapshotRow, s, name, peer, fmtIndex));
      const sendClass: SendClass = isDuplicateAck(s, r, seg) ? 'dup-ack' : 'new';
      const seqWhy: Reason = { kind: ReasonKind.SndNxt, who: name, peer: '', at: 0, n: 0, value: s.sndNxt, cause: s.sndNxtWhy, fmt };
      const ackWhy: Reason = { kind: ReasonKind.RcvNxt, who: name, peer, at: 0, n: 0, cause: s.rcvNxtWhy };
      applySend(s, seg, { kind: 'data', who: name, start: p.start, end, len });
      s.lastAckSent = rcvNxt;
      const after = (s.snapshotRow = snaps.snapshot(s.snapshotRow, s, name, peer, fmtIndex));
      const e = made.add(row, p.start, end, undefined, name, peer, p.flags, seg, true, sendClass, 'delivered', c.key, fmtIndex, before, after, seqWhy, ackWhy);
      const rBefore = (r.snapshotRow = snaps.snapshot(r.snapshotRow, r, peer, name, fmtIndex));
      if (r.unacceptableAck) r.unacceptableAck = undefined;
      const out = receiveAcceptable(r, seg, run.clock, { kind: 'data', who: name, start: p.start, end, len }, fmtAll);
      const rAfter = (r.snapshotRow = snaps.snapshot(r.snapshotRow, r, peer, name, fmtIndex));
      made.arrive(e, p.start, end, rBefore, rAfter, out.kind, undefined, false);
    }
    run.madeEnd = made.mark();
    return run.base;
  }

  /**
   * The run that is growing ends (the next statement goes the long way, or a checkpoint comes).
   * A short one is made at once: the copies of two TCBs it holds would outweigh what its
   * segments' model takes.
   */
  private endRun(): void {
    const run = this.openRun!;
    this.openRun = undefined;
    if (run.count < EAGER_RUN) this.materialize(run);
  }

  /** The model's events: `events` with each run's segments made into records, each once. */
  private eventList(): FlowEvent[] {
    const list = this.list;
    const events = this.events;
    // (A run whose records are made grows no more.)
    this.openRun = undefined;
    for (let i = this.listed; i < events.length; i++) {
      const ev = events[i];
      if (ev.kind === 'run') for (let k = 0; k < ev.count; k++) list.push(new DeferredRecord(this.made, ev, k));
      else list.push(ev);
    }
    this.listed = events.length;
    return list;
  }

  /**
   * Every endpoint's references as spans, in the order the check met them: those the check kept
   * (`ref`), with each deferred run's put in where the run began (read from its rows' offsets).
   */
  private refSpans(): Map<string, ast.Span[]> {
    const out = new Map<string, ast.Span[]>();
    for (const name of this.endpointRefs.keys()) out.set(name, []);
    const taken = new Map<string, number>();
    const copy = (name: string, upTo: number): ast.Span[] => {
      const list = this.endpointRefs.get(name) ?? [];
      let spans = out.get(name);
      if (!spans) out.set(name, (spans = []));
      for (let i = taken.get(name) ?? 0; i < upTo; i += 2) spans.push({ start: list[i], end: list[i + 1] });
      taken.set(name, Math.max(upTo, taken.get(name) ?? 0));
      return spans;
    };
    const reader = new PlainSegment(this.table.text);
    for (const run of this.runs) {
      if (run.count === 0) continue;
      const x = copy(run.x.info.name, run.xRefs);
      const y = copy(run.y.info.name, run.yRefs);
      for (let row = run.row; row < run.row + run.count; row++) {
        if (!this.table.plainRow(row, reader)) throw new Error(`tcpflow: deferred segment of row ${row} lost its line`);
        const from = { start: reader.start, end: reader.fromEnd };
        const to = { start: reader.toStart, end: reader.toEnd };
        const forward = nameAt(reader.text, reader.start, reader.fromEnd, run.x.info.name);
        x.push(forward ? from : to);
        y.push(forward ? to : from);
      }
    }
    for (const [name, list] of this.endpointRefs) copy(name, list.length);
    return out;
  }

  /** The endpoint a name in the text names (its offsets), or undefined if none is declared so. */
  private plainEndpoint(text: string, start: number, end: number): Endpoint | undefined {
    const a = this.recent0;
    if (a && nameAt(text, start, end, a.info.name)) return a;
    const b = this.recent1;
    if (b && nameAt(text, start, end, b.info.name)) {
      this.recent1 = a;
      this.recent0 = b;
      return b;
    }
    const e = this.endpoints.get(text.slice(start, end));
    if (e) {
      this.recent1 = a;
      this.recent0 = e;
    }
    return e;
  }

  /** After the last statement: segments still in flight, then the findings (see `finalFindings`). */
  finish(base: number): Finding[] {
    if (this.crossing > 0) this.landCrossing();
    for (const [id, f] of this.inflight) {
      this.report('undelivered', f.st.delay!.valueSpan, [id]);
    }
    return this.finalFindings(base);
  }

  // ---- checkpoints -----------------------------------------------------------------------

  /** Save what statement `index` and later may change. Append-only lists save their lengths. */
  private save(index: number): void {
    if (this.checkpoints.length > 0 && this.checkpoints[this.checkpoints.length - 1].index >= index) return;
    // A run of deferred segments never spans a checkpoint (a restore keeps or drops it whole).
    if (this.openRun) this.endRun();
    const symbolRefs: number[] = this.symbols.map((s) => s.refs.length);
    const endpointRefs: [string, number][] = [];
    for (const [name, list] of this.endpointRefs) endpointRefs.push([name, list.length]);
    const endpoints: Checkpoint['endpoints'] = [];
    for (const e of this.endpoints.values()) endpoints.push({ e, idle: e.idle, lastConn: e.lastConn, conns: e.conns.size });
    const conns: Checkpoint['conns'] = [];
    for (const c of this.conns.values()) {
      const tcbs: [Tcb, Tcb][] = [];
      for (const t of c.tcbs.values()) tcbs.push([t, copyTcb(t)]);
      conns.push({ c, tcbCount: c.tcbs.size, tcbs, symbols: c.symbols, symbolCount: c.symbols.size, app: c.app.clone() });
    }
    const inflight: Checkpoint['inflight'] = [];
    for (const [id, f] of this.inflight) {
      const ev = f.event!;
      inflight.push({ id, f, deliveries: ev.arrivalCount, raw: ev.raw.length });
    }
    this.checkpoints.push({
      index,
      findings: this.findings.length,
      events: this.events.length,
      listEvents: this.events.length - this.runs.length + this.deferredTotal,
      deferredTotal: this.deferredTotal,
      symbols: this.symbols.length,
      rootNames: this.rootNames.length,
      pendingRst: this.pendingRst.length,
      tfoIssued: this.tfoIssued.length,
      redrawn: this.redrawn.length,
      flagged: this.flagged.length,
      tables: this.evs.mark(),
      symbolRefs,
      endpointRefs,
      endpoints,
      connCount: this.conns.size,
      conns,
      inflight,
      relative: this.relative,
      clock: this.clock,
      mslMs: this.mslMs,
      title: this.title,
    });
  }

  /** Go back to the checkpoint taken before statement `index`; later checkpoints are dropped. */
  private restore(index: number): void {
    while (this.checkpoints.length > 0 && this.checkpoints[this.checkpoints.length - 1].index > index) this.checkpoints.pop();
    const cp = this.checkpoints[this.checkpoints.length - 1];
    if (!cp || cp.index !== index) throw new Error(`tcpflow: no checkpoint at statement ${index}`);
    this.findings.length = cp.findings;
    this.events.length = cp.events;
    this.deferredTotal = cp.deferredTotal;
    if (this.listed > cp.events) {
      this.listed = cp.events;
      this.list.length = cp.listEvents;
    }
    this.symbols.length = cp.symbols;
    this.rootNames.length = cp.rootNames;
    this.pendingRst.length = cp.pendingRst;
    this.tfoIssued.length = cp.tfoIssued;
    while (this.redrawn.length > cp.redrawn) {
      const r = this.redrawn.pop()!;
      r.d.after = r.after;
      r.d.outcome = r.outcome;
      r.d.note = r.note;
    }
    for (let i = cp.flagged; i < this.flagged.length; i++) {
      // It had no finding at the checkpoint (it may be an event from before the checkpoint
      // that a later `deliver` gave one).
      const ev = this.flagged[i];
      ev.raw = NO_FINDINGS;
      ev.findings = NO_FINDINGS;
    }
    this.flagged.length = cp.flagged;
    this.evs.truncate(cp.tables);
    this.fmts.truncate(cp.tables.fmts);
    // Deferred runs after the checkpoint go, and what was made of them when it was made last.
    while (this.runs.length > 0 && this.runs[this.runs.length - 1].slot >= cp.events) this.runs.pop();
    this.openRun = undefined;
    let kept: EventTableMark = { segments: 0, arrivals: 0, whys: 0, snapshots: 0, fmts: 0 };
    for (const run of this.runs) if (run.madeEnd && run.madeEnd.segments > kept.segments) kept = run.madeEnd;
    this.made.truncate(kept);
    cp.symbolRefs.forEach((n, i) => (this.symbols[i].refs.length = n));
    truncateMap(this.endpointRefs, cp.endpointRefs.length);
    for (const [name, n] of cp.endpointRefs) this.endpointRefs.get(name)!.length = n;
    for (const { e, idle, lastConn, conns } of cp.endpoints) {
      e.idle = idle;
      e.lastConn = lastConn;
      truncateMap(e.conns, conns);
    }
    truncateMap(this.conns, cp.connCount);
    for (const k of cp.conns) {
      truncateMap(k.c.tcbs, k.tcbCount);
      for (const [t, saved] of k.tcbs) restoreTcb(t, saved);
      k.c.symbols = k.symbols;
      truncateMap(k.symbols, k.symbolCount);
      k.c.app = k.app.clone();
      k.c.frozen = undefined;
    }
    this.inflight.clear();
    this.crossing = 0;
    for (const { id, f, deliveries, raw } of cp.inflight) {
      const ev = f.event!;
      ev.truncateDeliveries(deliveries);
      if (ev.raw.length > raw) ev.raw.length = raw;
      this.inflight.set(id, f);
      if (id.startsWith(CROSS_ID)) this.crossing++;
    }
    // (Connections and TCBs made after the checkpoint are gone: the prediction's pair may be one.)
    this.pair = undefined;
    this.relative = cp.relative;
    this.clock = cp.clock;
    this.mslMs = cp.mslMs;
    this.title = cp.title;
  }

  // ---- reporting -------------------------------------------------------------------------

  private report(key: FindingKey, span: ast.Span, args: string[], extra: { fix?: Fix; related?: Related[]; expected?: string; actual?: string } = {}): number {
    const def = FINDINGS[key];
    // The rule cited in the message (the last RFC argument) is the finding's rule.
    let rule = def.rule;
    for (const a of args) if (a.startsWith('RFC ')) rule = a;
    const f: Finding = {
      code: def.code,
      key,
      severity: def.severity,
      rule,
      start: span.start,
      end: span.end,
      args,
      message: formatMessage(key, args, this.locale),
      related: extra.related ?? [],
      fix: extra.fix,
      expected: extra.expected,
      actual: extra.actual,
    };
    this.findings.push(f);
    return this.findings.length - 1;
  }

  private line(offset: number): number {
    // A findings-only check indexes the lines only when a message needs a line number.
    this.lines ??= new LineIndex(this.file.text);
    return this.lines.positionAt(offset).line + 1 + this.lineOffset;
  }

  private p(key: PhraseKey, ...args: (string | number)[]): string {
    return phrase(key, this.locale, ...args); // bounded: a message's few arguments
  }

  private fixTitle(en: string, zh: string): string {
    return this.locale === 'zh-cn' ? zh : en;
  }

  // ---- endpoints and connections --------------------------------------------------------

  private ref(name: ast.Name): void {
    if (this.lean) return;
    const list = this.endpointRefs.get(name.text);
    if (list) list.push(name.start, name.end);
    else this.endpointRefs.set(name.text, [name.start, name.end]);
  }

  private declare(st: ast.EndpointStmt): void {
    if (this.endpoints.has(st.name.text)) {
      this.report('duplicateEndpoint', st.name, [st.name.text]);
      return;
    }
    let start = st.role === 'server' ? TcpState.LISTEN : TcpState.CLOSED;
    if (st.startState) {
      const s = this.stateName(st.startState);
      if (s) start = s;
    }
    const address = st.address ? (st.address.port !== undefined ? `${st.address.host}:${st.address.port}` : st.address.host) : undefined;
    this.endpoints.set(st.name.text, {
      info: { name: st.name.text, role: st.role, decl: st, address, startState: start },
      idle: start,
      isn: st.isn?.value,
      backlog: st.backlog?.value,
      acceptq: st.acceptq?.value,
      rcvbuf: st.rcvbuf?.value,
      win: st.win?.value,
      wscale: st.wscale?.value,
      conns: new Map(),
    });
    this.ref(st.name);
  }

  /** Read a state name, reporting unknown names and misspellings. */
  private stateName(s: { text: string; span: ast.Span }): TcpState | undefined {
    const found = lookupState(s.text);
    if (!found) {
      this.report('unknownState', s.span, [s.text, ALL_STATES.join(', '), RULE.states]);
      return undefined;
    }
    if (!found.exact) {
      this.report('stateSpelling', s.span, [s.text, found.state, RULE.states], {
        fix: { title: this.fixTitle(`Write ${found.state}`, `改为 ${found.state}`), edits: [{ start: s.span.start, end: s.span.end, newText: found.state }] },
        expected: found.state,
        actual: s.text,
      });
    }
    return found.state;
  }

  private endpoint(name: ast.Name): Endpoint | undefined {
    const e = this.endpoints.get(name.text);
    if (!e) {
      const names = shortList([...this.endpoints.keys()], this.locale);
      const hint = names ? (this.locale === 'zh-cn' ? `（已声明：${names}）` : ` (declared: ${names})`) : '';
      this.report('unknownEndpoint', name, [name.text, hint]);
      return undefined;
    }
    this.ref(name);
    return e;
  }

  private connection(a: Endpoint, b: Endpoint): Connection {
    const known = a.conns.get(b.info.name);
    if (known) return known;
    const [x, y] = a.info.name < b.info.name ? [a.info.name, b.info.name] : [b.info.name, a.info.name];
    const key = `${x}<->${y}`;
    let c = this.conns.get(key);
    if (!c) {
      c = { key, a: x, b: y, tcbs: new Map(), symbols: new Map(), app: new AppTracker() };
      this.conns.set(key, c);
      a.conns.set(b.info.name, c);
      b.conns.set(a.info.name, c);
    }
    return c;
  }

  private tcb(c: Connection, e: Endpoint): Tcb {
    let t = c.tcbs.get(e.info.name);
    if (!t) {
      t = newTcb(e.idle);
      // RFC 9293 §3.8.6.2.2: a quiescent connection offers its whole buffer, RCV.WND = RCV.BUFF.
      if (e.rcvbuf !== undefined) t.rcvBuf = t.rcvWnd = e.rcvbuf;
      if (e.win !== undefined) t.rcvWnd = e.win;
      c.tcbs.set(e.info.name, t);
    }
    return t;
  }

  /**
   * A snapshot of a TCB whose numbers are formatted only when read (hover, diagram). A TCB that
   * has not changed since its last snapshot (and whose names have not changed) shares it: the
   * receiver's "before" is usually its previous "after".
   */
  private view(t: Tcb, endpoint: string, peer: string, c: Connection): TcbView {
    return this.snaps.view(this.snapshot(t, endpoint, peer, c));
  }

  /** The same snapshot as a row of `snaps` (what the segment events keep). */
  private snapshot(t: Tcb, endpoint: string, peer: string, c: Connection): number {
    this.fmtFrozen(c);
    return (t.snapshotRow = this.snaps.snapshot(t.snapshotRow, t, endpoint, peer, c.frozen!.index));
  }

  // ---- values ----------------------------------------------------------------------------

  private newRoot(name: string): SeqValue {
    this.rootNames.push(name);
    return { root: this.rootNames.length - 1, off: 0 };
  }

  /** Format a value in the notes' notation: a number, or the closest bound name plus an offset. */
  fmt(v: SeqValue | undefined, c?: Connection): string {
    return this.format(v, c?.symbols, Infinity);
  }

  /** A formatter that sees only the names bound so far (for snapshots read later). */
  private fmtFrozen(c: Connection): (v: SeqValue | undefined) => string {
    const map = c.symbols;
    const n = map.size;
    // One formatter per (table, size): most segments bind no new name and share it.
    const cached = c.frozen;
    if (cached && cached.map === map && cached.n === n) return cached.fn;
    const fn = (v: SeqValue | undefined) => this.format(v, map, n);
    c.frozen = { map, n, fn, index: this.fmts.of(fn) };
    return fn;
  }

  private format(v: SeqValue | undefined, symbols: Map<string, SymbolEntry> | undefined, limit: number): string {
    if (!v) return '?';
    if (v.root === 0) return String(v.off);
    let best: { name: string; d: number } | undefined;
    if (symbols) {
      let i = 0;
      for (const [name, s] of symbols) {
        if (i++ >= limit) break;
        if (s.value.root !== v.root) continue;
        const d = diff(v, s.value);
        if (d >= 0 && (!best || d <= best.d)) best = { name, d };
      }
    }
    if (!best) best = { name: this.rootNames[v.root] ?? '?', d: v.off | 0 };
    return best.d === 0 ? best.name : best.d > 0 ? `${best.name}+${best.d}` : `${best.name}-${-best.d}`;
  }

  /** Text to write into the file for a value: relative numbers in relative mode. */
  private writeAs(v: SeqValue, base: SeqValue | undefined, c: Connection): string {
    if (this.relative && base) {
      const d = diff(v, base);
      if (!Number.isNaN(d)) return String(d >>> 0);
    }
    return this.fmt(v, c);
  }

  /** Put a reason for an expected number into words (only when a message or hover needs it). */
  say(r: Reason | undefined): string {
    if (!r) return '';
    switch (r.kind) {
      case ReasonKind.RstReply:
        return this.p(r.n ? 'rstReplySegAck' : 'rstReplyZero');
      case ReasonKind.Isn:
        return this.p('whyIsn', r.who, this.line(r.at), r.n);
      case ReasonKind.SynAgain:
        return this.p('whySyn', r.who, this.line(r.at));
      case ReasonKind.SndNxt:
        return this.p('expectSeq', r.who, r.fmt!(r.value)) + (r.cause ? `${this.locale === 'zh-cn' ? '；' : '; '}${this.explain(r.cause, '')}` : '');
      case ReasonKind.RcvNxt:
        return r.cause ? this.explain(r.cause, '') : this.p('expectAck', r.who, r.peer);
    }
  }

  /**
   * Evaluate a written number. A fresh name binds so that the whole expression equals the
   * expected value (or, with nothing expected, to a new unknown root). `base` is the ISN a
   * relative number counts from.
   */
  private evaluate(e: ast.Expr, c: Connection, expected: SeqValue | undefined, base: SeqValue | undefined, newIsnOf?: Endpoint): SeqValue {
    if (e.symbol) {
      const name = e.symbol.text;
      const s = c.symbols.get(name);
      if (s) {
        s.info.refs.push({ start: e.symbol.start, end: e.symbol.end });
        return add(s.value, e.offset);
      }
      const value = expected ? add(expected, -e.offset) : this.newRoot(name);
      const info: SymbolInfo = { name, connection: c.key, def: { start: e.symbol.start, end: e.symbol.end }, refs: [], value, text: '' };
      c.symbols.set(name, { value, info });
      info.text = value.root === 0 ? String(value.off) : this.fmt(value, undefined);
      this.symbols.push(info);
      return add(value, e.offset);
    }
    if (this.relative) {
      const b = base ?? (newIsnOf && this.newIsn(newIsnOf));
      if (b) return add(b, e.offset);
    }
    return concrete(e.offset);
  }

  /** The ISN an endpoint picks for a new incarnation: declared, or a new unknown. */
  private newIsn(e: Endpoint): SeqValue {
    return e.isn !== undefined ? concrete(e.isn) : this.newRoot(`ISN_${e.info.name}`);
  }

  /** Why the next seq is SND.NXT (taken before the segment is applied). */
  private sndNxtReason(from: Endpoint, s: Tcb, c: Connection): Reason {
    return { kind: ReasonKind.SndNxt, who: from.info.name, peer: '', at: 0, n: 0, value: s.sndNxt, cause: s.sndNxtWhy, fmt: this.fmtFrozen(c) };
  }

  /** Why the ack is RCV.NXT. */
  private rcvNxtReason(from: Endpoint, to: Endpoint, s: Tcb): Reason {
    return { kind: ReasonKind.RcvNxt, who: from.info.name, peer: to.info.name, at: 0, n: 0, cause: s.rcvNxtWhy };
  }

  private explain(why: Why | undefined, whoExpects: string): string {
    if (!why) return this.p('whyNone');
    const line = this.line(why.start);
    switch (why.kind) {
      case 'syn':
        return this.p('whySyn', why.who, line);
      case 'syndata':
        return this.p('whySynData', why.who, line, why.len);
      case 'fin':
        return this.p('whyFin', why.who, line);
      case 'data':
        return this.p('whyData', why.who, line, why.len);
      case 'isn':
        return this.p('whyIsn', why.who, line, whoExpects);
      case 'bound':
        return this.p('whyBound', why.who, line);
    }
  }

  // ---- statements ------------------------------------------------------------------------

  /** Check a statement; `row`: its row in the table (-1 in a findings-only check, which keeps no events). */
  private statement(st: ast.Statement, row: number): void {
    // A run of `cross` lines has sent all its segments: they arrive, in order, before this.
    if (this.crossing > 0 && !(st.kind === 'segment' && st.modifiers.some((m) => m.name === 'cross'))) this.landCrossing();
    switch (st.kind) {
      case 'endpoint':
        this.push({ kind: 'other', stmt: st });
        return;
      case 'title':
        this.title ??= st.text;
        this.push({ kind: 'other', stmt: st });
        return;
      case 'numbers':
        this.relative = st.mode === 'relative';
        this.push({ kind: 'other', stmt: st });
        return;
      case 'msl':
        this.mslMs = st.ms;
        this.push({ kind: 'other', stmt: st });
        return;
      case 'note':
        for (const n of st.over) this.endpoint(n);
        this.push({ kind: 'other', stmt: st });
        return;
      case 'phase':
        this.push({ kind: 'other', stmt: st });
        return;
      case 'wait':
        return this.wait(st);
      case 'deliver':
        return this.deliver(st);
      case 'assert':
        return this.assert(st);
      case 'call':
        return this.call(st);
      case 'segment':
        return this.segment(st, row);
    }
  }

  /** Record an event (a findings-only check keeps none). */
  private push(ev: FlowEvent): void {
    if (!this.lean) this.events.push(ev);
  }

  private wait(st: ast.WaitStmt): void {
    const d = st.duration;
    if (d.ms !== undefined) this.clock += d.ms;
    else if (d.msl !== undefined) this.clock += d.msl * this.mslMs;
    const closed: string[] = [];
    for (const c of this.conns.values()) {
      for (const [name, t] of c.tcbs) if (advanceClock(t, this.clock, this.mslMs)) closed.push(name);
    }
    if (this.lean) for (const name of closed) noteLast(this.endpoints.get(name)!, st, LastEventKind.Wait, '', '', 0, TcpState.CLOSED);
    this.push({ kind: 'wait', stmt: st, clock: this.clock, closed });
  }

  private assert(st: ast.AssertStmt): void {
    const results: { endpoint: string; peer?: string; expected: string; actual?: TcpState; ok: boolean }[] = [];
    for (const item of st.items) {
      const e = this.endpoint(item.endpoint);
      const want = this.stateName(item.state);
      if (!e || !want) {
        results.push({ endpoint: item.endpoint.text, expected: item.state.text, ok: true });
        continue;
      }
      let conn: Connection | undefined;
      if (item.peer) {
        const p = this.endpoint(item.peer);
        if (p) conn = e.conns.get(p.info.name);
      } else conn = e.lastConn;
      const t = conn?.tcbs.get(e.info.name);
      // Asserting SYN_SENT right after an unacceptable ACK says the notes meant it (§3.10.7.3).
      const held = t?.unacceptableAck;
      if (held && conn && want === TcpState.SYN_SENT) {
        t!.unacceptableAck = undefined;
        this.answerUnacceptableAck(t!, held, e, this.endpoints.get(conn.a === e.info.name ? conn.b : conn.a)!, conn);
      }
      const actual = t ? t.state : e.idle;
      const okay = actual === want;
      results.push({ endpoint: e.info.name, peer: item.peer?.text, expected: want, actual, ok: okay });
      if (!okay) {
        const last = this.lastEventFor(e.info.name);
        const why = last ? this.p('stateWhy', this.line(last.start), last.what) : this.p('stateNever');
        this.report('stateMismatch', item.state.span, [e.info.name, actual, want, why, RULE.states], {
          fix: { title: this.fixTitle(`Change to ${actual}`, `改为 ${actual}`), edits: [{ start: item.state.span.start, end: item.state.span.end, newText: actual }] },
          expected: actual,
          actual: want,
          related: last ? [{ span: { start: last.start, end: last.end }, message: last.what }] : [],
        });
      }
    }
    this.push({ kind: 'assert', stmt: st, results });
  }

  private lastEventFor(name: string): { start: number; end: number; what: string } | undefined {
    if (this.lean) {
      const last = this.endpoints.get(name)?.last;
      return last && { start: last.start, end: last.end, what: last.what(name, this.p('segmentWord')) };
    }
    for (let i = this.events.length - 1; i >= 0; i--) {
      const entry = this.events[i];
      // A run's segments all go between its two endpoints and arrive: its last one is theirs.
      const ev = entry.kind !== 'run' ? entry : entry.x.info.name === name || entry.y.info.name === name ? new DeferredRecord(this.made, entry, entry.count - 1) : undefined;
      if (!ev) continue;
      if (ev.kind === 'segment' && (ev.from === name || (ev.to === name && ev.deliveries.length > 0))) {
        // (Its arrival comes after its sending: a socket connected to itself is both ends.)
        const v = ev.to === name && ev.deliveries.length > 0 ? ev.deliveries[ev.deliveries.length - 1].after : ev.send.after;
        const flags = ev.flags.join(',') || this.p('segmentWord');
        const r = ev as SegmentRecord;
        return { start: r.start, end: r.end, what: `${ev.from} → ${ev.to} ${flags} ⇒ ${name} ${v.state}` };
      }
      if (ev.kind === 'call' && ev.stmt.endpoint.text === name) return { start: ev.stmt.start, end: ev.stmt.end, what: `${name} ${ev.stmt.call}` };
      if (ev.kind === 'wait' && ev.closed.includes(name)) return { start: ev.stmt.start, end: ev.stmt.end, what: `wait ⇒ ${name} CLOSED` };
      if (ev.kind === 'deliver' && ev.segment && ev.segment.to === name) {
        const d = ev.segment.deliveries[ev.segment.deliveries.length - 1];
        if (d) return { start: ev.stmt.start, end: ev.stmt.end, what: `deliver ⇒ ${name} ${d.after.state}` };
      }
    }
    return undefined;
  }

  /**
   * An endpoint declared past its handshake (`endpoint C ESTABLISHED`) has a connection before
   * its first segment: with one other endpoint in the flow, it is the connection to that one
   * (so that `C abort` finds the TCB RFC 9293 §3.10.5 speaks of).
   */
  private declaredPeerConnection(e: Endpoint): Connection | undefined {
    if (e.idle === TcpState.CLOSED || e.idle === TcpState.LISTEN || this.endpoints.size !== 2) return undefined;
    for (const p of this.endpoints.values()) {
      if (p === e) continue;
      const c = this.connection(e, p);
      this.tcb(c, e);
      e.lastConn = c;
      return c;
    }
    return undefined;
  }

  private call(st: ast.CallStmt): void {
    const e = this.endpoint(st.endpoint);
    if (!e) return;
    let conn: Connection | undefined;
    if (st.peer) {
      const p = this.endpoint(st.peer);
      if (p) conn = this.connection(e, p);
    } else conn = e.lastConn ?? this.declaredPeerConnection(e);
    const t = conn?.tcbs.get(e.info.name);
    const peer = conn ? (conn.a === e.info.name ? conn.b : conn.a) : '';
    const before = t && conn && !this.lean ? this.view(t, e.info.name, peer, conn) : undefined;
    const idleBefore = e.idle;
    const state = t && t.state !== TcpState.CLOSED ? t.state : e.idle;
    if (st.call === 'accept') return this.accept(st, e, conn, t, before, idleBefore, state);
    if (st.call === 'read') return this.read(st, e, conn, t, peer, before, idleBefore, state);
    const verdict = userCall(st.call, t, e);
    if ('timeWaitReuse' in verdict) this.report('timeWaitReuse', st.callSpan, [e.info.name, peer, RULE.timeWait, '']);
    else if (!verdict.ok) this.report('badCall', st.callSpan, [e.info.name, state, st.call, this.p(verdict.reason), verdict.rule]);
    if (t) t.unacceptableAck = undefined;
    if (this.lean) noteLast(e, st, LastEventKind.Call, st.call, '', 0, TcpState.CLOSED);
    else this.events.push({ kind: 'call', stmt: st, before, after: t && conn ? this.view(t, e.info.name, peer, conn) : undefined, idleBefore, idleAfter: e.idle });
  }

  /**
   * `S accept` / `S accept C`: the application takes a connection from the listener's accept
   * queue, the oldest or the one named (tcp/accept.ts); the TCB itself does not change.
   */
  private accept(st: ast.CallStmt, e: Endpoint, named: Connection | undefined, t: Tcb | undefined, before: TcbView | undefined, idleBefore: TcpState, state: TcpState): void {
    let conn: Connection | undefined;
    if (e.info.role !== 'server' && e.idle !== TcpState.LISTEN) {
      this.report('badCall', st.callSpan, [e.info.name, state, st.call, this.p('callAcceptNotListener'), RULE.open]);
    } else {
      if (st.peer) conn = named && t && queued(t) ? named : undefined;
      else
        for (const c of e.conns.values()) {
          // (A connection only the peer has opened, `C open S`, holds no TCB of the listener yet.)
          const mine = c.tcbs.get(e.info.name);
          if (mine && queued(mine)) {
            conn = c;
            break;
          }
        }
      if (conn) {
        conn.tcbs.get(e.info.name)!.accepted = true;
        e.lastConn = conn;
      } else this.report('badCall', st.callSpan, [e.info.name, state, st.call, this.p('callAcceptEmpty'), RULE.open]);
    }
    const got = conn ?? named;
    const tt = got?.tcbs.get(e.info.name);
    const peer = got ? (got.a === e.info.name ? got.b : got.a) : '';
    if (this.lean) noteLast(e, st, LastEventKind.Call, st.call, '', 0, TcpState.CLOSED);
    else this.events.push({ kind: 'call', stmt: st, before: conn ? undefined : before, after: tt && got ? this.view(tt, e.info.name, peer, got) : undefined, idleBefore, idleAfter: e.idle });
  }

  /**
   * `S read [N] [C]`: S's application reads N bytes (or all there are) of what it has received
   * and not yet read (tcp/buffer.ts, RFC 9293 §3.10.3); the free buffer space grows by as much,
   * and S's next window may say so.
   */
  private read(st: ast.CallStmt, e: Endpoint, conn: Connection | undefined, t: Tcb | undefined, peer: string, before: TcbView | undefined, idleBefore: TcpState, state: TcpState): void {
    let read: { bytes?: number; eof: boolean } | undefined;
    if (!t || !conn || t.state === TcpState.CLOSED || t.state === TcpState.LISTEN) {
      // RFC 9293 §3.10.3: RECEIVE in CLOSED: "error: connection does not exist". (A listener's
      // data arrive on the connections it has, not on the listener.)
      this.report('badCall', st.callSpan, [e.info.name, state, st.call, this.p(state === TcpState.LISTEN ? 'callReadNoConnection' : 'callNoConnection'), RULE.receive]);
    } else {
      const asked = st.bytes?.value;
      const v = readVerdict(t, asked);
      if (v?.tooMany) {
        const expected = String(v.user);
        const n = st.bytes;
        const fix: Fix | undefined =
          n && v.user > 0 ? { title: this.fixTitle(`Read ${expected} bytes`, `改为读取 ${expected} 字节`), edits: [{ start: n.span.start, end: n.span.end, newText: expected }] } : undefined;
        const what = asked !== undefined ? this.p('readTooMany', asked) : this.p('readNothing');
        const then = v.user > 0 ? this.p('readAtMost', v.user) : this.p('readAfterData');
        this.report('readBeyondBuffer', n?.span ?? st.callSpan, [e.info.name, what, expected, then, RULE.receive], { fix, expected, actual: n ? String(n.value) : undefined });
      }
      // (After a finding, the read takes what there is: one mistake, one finding.)
      if (v) applyRead(t, v.take);
      read = { bytes: v?.take ?? asked, eof: v?.eof ?? false };
    }
    if (this.lean) noteLast(e, st, LastEventKind.Call, st.call, '', 0, TcpState.CLOSED);
    else this.events.push({ kind: 'call', stmt: st, before, after: t && conn ? this.view(t, e.info.name, peer, conn) : undefined, idleBefore, idleAfter: e.idle, read });
  }

  /**
   * The window the data receiver `s` writes on a segment, against its buffer when `rcvbuf=`
   * declares one (tcp/buffer.ts): more than the free space is reported (RFC 9293 §3.8.6), and so
   * is a right edge moved by less than receiver SWS avoidance waits for (§3.8.6.2.2). An
   * unwritten window is the one the RFC's algorithm gives, so that the peer's send window follows
   * what the application has read.
   */
  private receiveWindow(st: ast.SegmentStmt, s: Tcb, seg: Seg, from: Endpoint, c: Connection): void {
    const most = largestWindowField(s, seg.syn);
    if (most === undefined) return;
    const unit = 2 ** (seg.syn ? 0 : s.rcvShift);
    const peer = c.tcbs.get(c.a === from.info.name ? c.b : c.a);
    const hold = seg.syn ? undefined : heldWindow(s, effectiveSendMss(peer?.mssOffered, from.info.address?.startsWith('[') ?? false));
    const heldField = hold && Math.min(Math.floor(hold.window / unit), most);
    const w = st.win;
    if (!w) seg.win = heldField ?? most;
    else if (w.value > most) {
      // RFC 9293 §3.8.6: the window is what the receiver "is currently prepared to accept", the
      // buffer space RCV.BUFF - RCV.USER (§3.8.6.2.2). (The peer acts on the window written.)
      const expected = String(most);
      this.report('windowBeyondBuffer', w.valueSpan, [String(w.value), from.info.name, String(s.rcvBuf), String(rcvUser(s)), String(freeSpace(s)), expected, RULE.window], {
        fix: { title: this.fixTitle(`Set win to ${expected}`, `将 win 改为 ${expected}`), edits: [{ start: w.valueSpan.start, end: w.valueSpan.end, newText: expected }] },
        expected,
        actual: String(w.value),
      });
    } else if (hold && heldField !== undefined && w.value > Math.ceil(hold.window / unit)) {
      // RFC 9293 §3.8.6.2.2: the right edge stays until it can move by min(RCV.BUFF/2, Eff.snd.MSS).
      const expected = String(heldField);
      this.report('windowSilly', w.valueSpan, [String(w.value), from.info.name, String(hold.reduction), String(hold.threshold), expected, RULE.receiveBuffer], {
        fix: { title: this.fixTitle(`Set win to ${expected}`, `将 win 改为 ${expected}`), edits: [{ start: w.valueSpan.start, end: w.valueSpan.end, newText: expected }] },
        expected,
        actual: String(w.value),
      });
    }
    noteAdvertised(s, seg.ack ? seg.ackNo : undefined, seg.win! * unit);
  }

  // ---- segments --------------------------------------------------------------------------

  /**
   * Does the receiver run RFC 9293 §3.10.7.4 (a synchronized state, or not known yet)? Only
   * there does a segment without ACK get dropped for it (fifth check); LISTEN (§3.10.7.2),
   * SYN-SENT (§3.10.7.3) and CLOSED (§3.10.7.1) have rules of their own for it.
   */
  private receiverSynchronized(c: Connection, to: Endpoint): boolean {
    const r = c.tcbs.get(to.info.name);
    return isSynchronized(r ? r.state : to.idle);
  }

  private segment(st: ast.SegmentStmt, row: number): void {
    // `as NAME` (a spoofed source): the line is the writer's, the segment is judged as NAME's.
    const writer = this.endpoint(st.from);
    const from = st.as ? this.endpoint(st.as) : writer;
    const to = st.to.text ? this.endpoint(st.to) : undefined;
    if (!writer || !from || !to) return;
    this.senderFault = 0;
    // A socket connected to itself (bound to an address and port, then connected to that same
    // address and port) is one TCB that is its own peer: what it sends arrives at itself, a
    // simultaneous open with itself (RFC 9293 §3.5 Figure 7) and, at the close, a FIN that
    // crosses itself (§3.6 Figure 13). It is written `C -> C` on an endpoint declared with its
    // address and port; the connection then has one TCB, which sends (SND.*) and receives
    // (RCV.*). Any other segment to oneself is a mistake.
    if ((from === to || writer === to) && !(from === to && writer === to && !st.as && to.info.decl.address?.port !== undefined)) {
      this.report('selfSegment', st.to, [to.info.name]);
      return;
    }
    const c = this.connection(from, to);
    from.lastConn = c;
    to.lastConn = c;
    const s = this.tcb(c, from);
    // A server's TCB that ended returns to its listener for the next SYN.
    if (s.state === TcpState.CLOSED && from.idle === TcpState.LISTEN && s.used) setState(s, TcpState.LISTEN);
    const held = st.as ? undefined : s.unacceptableAck;
    if (held) {
      s.unacceptableAck = undefined;
      if (st.flags.some((f) => f.set && f.flag === 'RST')) {
        this.answerUnacceptableAck(s, held, from, to, c);
        this.senderFault = SENDER_ANSWERS_FLAGGED;
      }
    }
    const sBefore = this.lean ? -1 : this.snapshot(s, from.info.name, to.info.name, c);
    const modifiers = modifierBits(st);
    const findingStart = this.findings.length;

    // Flags in effect.
    let flags = 0;
    for (const f of st.flags) if (f.set) flags |= flagBit(f.flag);
    const ackCleared = st.flags.find((f) => f.flag === 'ACK' && !f.set);
    if (st.ackFlagValue) {
      const fv = st.ackFlagValue;
      const fixed = this.expectedAckText(s, c);
      this.report('ackFlagValue', fv.key, [fixed ?? this.file.text.slice(fv.valueSpan.start, fv.valueSpan.end), RULE.header], {
        fix: { title: this.fixTitle('Write ACK=1, ack=…', '改为 ACK=1, ack=…'), edits: [{ start: fv.key.start, end: fv.key.end, newText: flags & FLAG_BIT.ACK ? 'ack' : 'ACK=1, ack' }] },
      });
      flags |= FLAG_BIT.ACK;
    }
    const ackField = st.ack ?? st.ackFlagValue;
    if (st.ack && !(flags & FLAG_BIT.ACK)) {
      const edit: TextEdit = ackCleared
        ? { start: ackCleared.end - 1, end: ackCleared.end, newText: '1' }
        : st.flags.length > 0
          ? { start: st.flagsSpan.end, end: st.flagsSpan.end, newText: st.flags[st.flags.length - 1].bitStyle ? ', ACK=1' : ' ACK' }
          : { start: st.ack.start, end: st.ack.start, newText: 'ACK ' };
      this.report('ackWithoutFlag', st.ack.key, [this.file.text.slice(st.ack.valueSpan.start, st.ack.valueSpan.end), RULE.header], {
        fix: { title: this.fixTitle('Set the ACK flag', '设置 ACK 标志'), edits: [edit] },
      });
      flags |= FLAG_BIT.ACK;
    }
    const len = st.len?.value ?? (st.label ? utf8Length(st.label.text) : 0);
    const seg: Seg = {
      syn: (flags & FLAG_BIT.SYN) !== 0,
      ack: (flags & FLAG_BIT.ACK) !== 0,
      fin: (flags & FLAG_BIT.FIN) !== 0,
      rst: (flags & FLAG_BIT.RST) !== 0,
      len,
      win: st.win?.value,
      wscale: st.wscale?.value,
      rtx: (modifiers & MOD_BIT.rtx) !== 0,
      tsVal: st.ts?.value.val,
    };
    // Every segment after the handshake carries ACK (RFC 9293 §3.10.7.4 fifth); the check goes on
    // as if it did, with the expected ack.
    let ackAdded = false;
    if (!(modifiers & MOD_BIT.old) && !st.as && lacksAck(s, seg) && this.receiverSynchronized(c, to)) {
      const expText = this.expectedAckText(s, c);
      const last = st.flags[st.flags.length - 1];
      const edits: TextEdit[] = [last ? { start: st.flagsSpan.end, end: st.flagsSpan.end, newText: last.bitStyle ? ', ACK=1' : ' ACK' } : { start: st.to.end, end: st.to.end, newText: ' ACK' }];
      if (st.seq && !ackField && expText) edits.push({ start: st.seq.end, end: st.seq.end, newText: ` ack=${expText}` });
      this.report('ackFlagOff', st.flagsSpan.end > st.flagsSpan.start ? st.flagsSpan : st.arrow, [from.info.name, s.state, to.info.name, expText ?? 'RCV.NXT', RULE.other], {
        fix: { title: this.fixTitle(expText ? `Set the ACK flag, ack=${expText}` : 'Set the ACK flag', expText ? `设置 ACK 标志，ack=${expText}` : '设置 ACK 标志'), edits },
        expected: expText,
      });
      flags |= FLAG_BIT.ACK;
      seg.ack = true;
      ackAdded = true;
      this.senderFault = SENDER_NO_ACK;
    }
    const why: Why = { kind: seg.syn ? (len > 0 ? 'syndata' : 'syn') : seg.fin ? 'fin' : 'data', who: from.info.name, start: st.start, end: st.end, len };

    // An old duplicate from an earlier incarnation: the network delivers it, its sender's
    // current connection has nothing to do with it (RFC 9293 §3.5, Figure 8).
    // A spoofed segment (RFC 5961 §1: a blind attacker guesses the numbers) is the same: the
    // receiver judges it against its TCB for the spoofed endpoint, whose own TCB is untouched.
    if (modifiers & MOD_BIT.old || st.as) {
      // (Relative numbers count from the ISNs as the receiver knows them when the spoofed side's
      // own TCB has none yet: a forged SYN,ACK to a client in SYN-SENT acknowledges its ISN.)
      const rcv = c.tcbs.get(to.info.name);
      seg.seq = st.seq ? this.evaluate(st.seq.value, c, undefined, s.iss ?? rcv?.irs) : undefined;
      seg.ackNo = seg.ack && ackField ? this.evaluate(ackField.value, c, undefined, s.irs ?? rcv?.iss) : undefined;
      this.emit(from, st, row, c, s, seg, flags, st.as ? 'spoofed' : 'old-duplicate', sBefore, undefined, undefined, findingStart, modifiers);
      return;
    }

    // TIME_WAIT reuse: a new SYN before 2MSL has passed.
    if (seg.syn && s.state === TcpState.TIME_WAIT) {
      this.report('timeWaitReuse', st.flags.find((f) => f.flag === 'SYN') ?? st.arrow, [from.info.name, to.info.name, RULE.timeWait, '']);
    }
    // New incarnation: forget the old connection's names.
    const opening = seg.syn && !seg.ack && (s.state === TcpState.CLOSED || s.state === TcpState.LISTEN || s.state === TcpState.TIME_WAIT);
    if (opening && s.used) {
      const r = c.tcbs.get(to.info.name);
      if (!r || r.state === TcpState.CLOSED || r.state === TcpState.LISTEN || r.state === TcpState.TIME_WAIT) c.symbols = new Map();
    }

    // The state may not allow this segment at all.
    const verdict = checkSend(s, seg, len > 0 && s.finSeq ? this.writtenSeq(st, s) : undefined);
    if (!verdict.ok && !(seg.syn && s.state === TcpState.TIME_WAIT)) {
      const flagText = describeFlags(seg, this.locale);
      // (An endpoint that owes an RST for what it just got should have sent that instead.)
      const owed = s.owesRst && !seg.rst ? s.owesRst : undefined;
      const reason = owed ? this.p('owesRstInstead') : this.p(verdict.reason);
      this.report('cannotSend', st.flagsSpan.end > st.flagsSpan.start ? st.flagsSpan : st.arrow, [from.info.name, s.state, flagText, reason, owed ? owed.rule : verdict.rule]);
      this.senderFault = SENDER_REFUSED;
    }

    // ---- seq ----
    const newIss = opening || (seg.syn && !s.iss);
    let expectedSeq: SeqValue | undefined;
    let seqWhy: Reason | undefined;
    let seqFromSndNxt = false;
    let seqRule: string = seg.syn ? RULE.handshake : RULE.seqSpace;
    if (seg.rst && s.owesRst) {
      expectedSeq = s.owesRst.seq ?? (s.owesRst.ack ? concrete(0) : undefined);
      seqWhy = { kind: ReasonKind.RstReply, who: from.info.name, peer: '', at: 0, n: s.owesRst.seq ? 1 : 0 };
      seqRule = s.owesRst.rule;
    } else if (newIss) {
      expectedSeq = from.isn !== undefined ? concrete(from.isn) : undefined;
      if (from.isn !== undefined) seqWhy = { kind: ReasonKind.Isn, who: from.info.name, peer: '', at: from.info.decl.start, n: from.isn };
    } else if (seg.syn && s.iss) {
      expectedSeq = s.iss;
      seqWhy = { kind: ReasonKind.SynAgain, who: from.info.name, peer: '', at: st.start, n: 0 };
    } else {
      expectedSeq = s.sndNxt;
      // RFC 9293 §3.10.5: ABORT's reset is <SEQ=SND.NXT><CTL=RST>.
      if (seg.rst && s.aborted) seqRule = RULE.abort;
      // (The commonest reason; a findings-only check makes it only for a message.)
      seqWhy = this.lean ? undefined : this.sndNxtReason(from, s, c);
      seqFromSndNxt = true;
    }
    let seqValue: SeqValue | undefined;
    let seqHeldAck = false;
    let seqWrong = false;
    let sendClass: SendClass = 'new';
    if (st.seq) {
      // Relative numbers count from the ISN: this incarnation's, or the new one this SYN picks.
      const written = this.evaluate(st.seq.value, c, expectedSeq, s.iss && !newIss ? s.iss : undefined, newIss ? from : undefined);
      seqValue = written;
      // An RST of one's own (not a reply) is judged by the receiver's window (§3.10.7.4 second).
      const ownRst = seg.rst && !s.owesRst && !s.aborted;
      if (expectedSeq && !equal(written, expectedSeq) && !ownRst) {
        const probe: Seg = { ...seg, seq: written };
        if (!seg.rst && isRetransmission(s, probe) && !newIss) sendClass = 'retransmission';
        else if (!seg.rst && isKeepAlive(s, probe)) sendClass = 'keepalive';
        else {
          const expText = this.writeAs(expectedSeq, s.iss, c);
          const fix: Fix = { title: this.fixTitle(`Set seq to ${expText}`, `将 seq 改为 ${expText}`), edits: [{ start: st.seq.valueSpan.start, end: st.seq.valueSpan.end, newText: expText }] };
          const related = s.sndNxtWhy ? [{ span: { start: s.sndNxtWhy.start, end: s.sndNxtWhy.end }, message: this.explain(s.sndNxtWhy, '') }] : [];
          const writtenText = this.file.text.slice(st.seq.valueSpan.start, st.seq.valueSpan.end);
          if (s.rcvNxt && equal(written, s.rcvNxt) && !seg.syn) {
            // The seeds' mistake: the acknowledgment number written as seq.
            if (!st.ack) {
              const ackText = this.writeAs(s.rcvNxt, s.irs, c);
              fix.edits.push({ start: st.seq.valueSpan.end, end: st.seq.valueSpan.end, newText: ` ack=${ackText}` });
              fix.title = this.fixTitle(`Set seq to ${expText} and ack to ${ackText}`, `将 seq 改为 ${expText}，并写上 ack=${ackText}`);
            }
            seqHeldAck = true;
            this.report('seqHoldsAck', st.seq.valueSpan, [expText, writtenText, RULE.seqSpace], { fix, related, expected: expText, actual: writtenText });
          } else {
            const why = this.say(seqWhy ?? (seqFromSndNxt ? this.sndNxtReason(from, s, c) : undefined));
            this.report('wrongSeq', st.seq.valueSpan, [expText, why, seqRule], { fix, related, expected: expText, actual: writtenText });
          }
          seqValue = expectedSeq;
          seqWrong = true;
        }
      } else if (!expectedSeq && newIss && !st.seq.value.symbol && !this.relative) {
        seqValue = written;
      }
    } else {
      seqValue = expectedSeq ?? (newIss ? this.newIsn(from) : undefined);
    }
    seg.seq = seqValue;
    // A FIN after this side's FIN, judged once its number is known (RFC 9293 §3.10.4: after CLOSE
    // a second FIN is never sent; a retransmission repeats the first one's number).
    if (verdict.ok && seg.fin && s.finSeq && st.seq && seqValue && !seqWrong) {
      const again = checkSend(s, seg);
      if (!again.ok) {
        this.report('cannotSend', st.flagsSpan.end > st.flagsSpan.start ? st.flagsSpan : st.arrow, [from.info.name, s.state, describeFlags(seg, this.locale), this.p(again.reason), again.rule]);
        this.senderFault = SENDER_REFUSED;
      }
    }
    if (sendClass === 'new' && seg.rst && s.owesRst) sendClass = 'rst-reply';
    if (seg.rst && s.owesRst?.spoofed) this.senderFault ||= SENDER_ANSWERS_SPOOFED;

    // ---- ack ----
    this.wroteAck = undefined;
    let expectedAck: SeqValue | undefined;
    let ackWhy: Reason | undefined;
    let ackFromRcvNxt = false;
    let ackRule: string = RULE.seqSpace;
    if (seg.rst && s.owesRst && s.owesRst.ack) {
      expectedAck = s.owesRst.ack;
      ackWhy = { kind: ReasonKind.RstReply, who: from.info.name, peer: '', at: 0, n: 0 };
      ackRule = s.owesRst.rule;
    } else {
      expectedAck = s.rcvNxt;
      ackWhy = this.lean ? undefined : this.rcvNxtReason(from, to, s);
      ackFromRcvNxt = true;
    }
    let ackValue: SeqValue | undefined;
    if (seg.ack && ackField) {
      const written = this.evaluate(ackField.value, c, expectedAck, s.irs);
      ackValue = written;
      if (expectedAck && !equal(written, expectedAck) && !(synTextMayBeAcked(s) && equal(written, synTextAck(s)))) {
        const expText = this.writeAs(expectedAck, s.irs, c);
        const writtenText = this.file.text.slice(ackField.valueSpan.start, ackField.valueSpan.end);
        const fix: Fix = { title: this.fixTitle(`Set ack to ${expText}`, `将 ack 改为 ${expText}`), edits: [{ start: ackField.valueSpan.start, end: ackField.valueSpan.end, newText: expText }] };
        const related = s.rcvNxtWhy ? [{ span: { start: s.rcvNxtWhy.start, end: s.rcvNxtWhy.end }, message: this.explain(s.rcvNxtWhy, '') }] : [];
        const peerT = c.tcbs.get(to.info.name);
        if (s.sndNxt && equal(written, s.sndNxt) && !seg.rst) {
          this.report('ackHoldsSeq', ackField.valueSpan, [expText, writtenText, from.info.name, RULE.seqSpace], { fix, related, expected: expText, actual: writtenText });
        } else if (peerT?.sndNxt && gt(written, peerT.sndNxt)) {
          this.report('ackUnsent', ackField.valueSpan, [writtenText, to.info.name, this.fmt(peerT.sndNxt, c), expText, RULE.other], { fix, related, expected: expText, actual: writtenText });
        } else {
          // (Never an empty reason: at worst, what an ack is.)
          const why = this.say(ackWhy ?? (ackFromRcvNxt ? this.rcvNxtReason(from, to, s) : undefined)) || this.p('expectAck', from.info.name, to.info.name);
          this.report('wrongAck', ackField.valueSpan, [expText, why, ackRule], { fix, related, expected: expText, actual: writtenText });
        }
        this.wroteAck = written;
        ackValue = expectedAck;
      }
    } else if (seg.ack) {
      // Not written: a listener holding the SYN's text is taken to acknowledge it (RFC 7413), as
      // an imported SYN,ACK that was not captured most often did.
      ackValue = (s.synText && !seg.rst && synTextAck(s)) || expectedAck;
      if (st.seq && expectedAck && !seg.rst && !seqHeldAck && !ackAdded) {
        const expText = this.writeAs(expectedAck, s.irs, c);
        this.report('missingAck', st.flags.find((f) => f.flag === 'ACK') ?? st.flagsSpan, [expText, RULE.header], {
          fix: { title: this.fixTitle(`Add ack=${expText}`, `添加 ack=${expText}`), edits: [{ start: st.seq.end, end: st.seq.end, newText: ` ack=${expText}` }] },
          expected: expText,
        });
      }
    }
    seg.ackNo = ackValue;
    // ---- the window against the receive buffer (rcvbuf=, tcp/buffer.ts) ----
    if (seg.syn) s.mssOffered = st.mss?.value;
    if (s.rcvBuf !== undefined && !seg.rst) this.receiveWindow(st, s, seg, from, c);
    if (sendClass === 'new' && isDuplicateAck(s, c.tcbs.get(to.info.name), seg)) sendClass = 'dup-ack';

    // ---- data checks ----
    if (seg.syn && len > 0 && !st.tfo?.cookie) this.report('dataOnSyn', st.len ?? st.label?.span ?? st.flagsSpan, [String(len), RULE.synSent]);
    if (len > 0 && seg.seq && s.sndUna && s.sndWnd !== undefined && !seg.syn) {
      const limit = add(s.sndUna, s.sndWnd);
      const end = add(seg.seq, len);
      if (gt(end, limit)) {
        if (s.sndWnd === 0 && len === 1) sendClass = 'window-probe';
        else {
          this.report('beyondWindow', st.len ?? st.label?.span ?? st.arrow, [this.fmt(end, c), to.info.name, this.fmt(limit, c), RULE.window]);
          this.senderFault ||= SENDER_BEYOND_WINDOW;
        }
      }
    }

    // ---- application protocols ----
    if (st.app || (len > 0 && c.app.active(from.info.name))) {
      for (const a of c.app.onSend(from.info.name, to.info.name, st, s.state, this.locale)) this.report(a.key, a.span, a.args);
    }

    // ---- apply ----
    applySend(s, seg, why);
    if (seg.ack) s.lastAckSent = ackValue;
    // RFC 7413 §4.1.2: a SYN,ACK with a cookie hands it out.
    if (seg.syn && seg.ack && st.tfo?.cookie) this.tfoIssued.push({ server: from.info.name, cookie: st.tfo.cookie });
    this.emit(from, st, row, c, s, seg, flags, sendClass, sBefore, seqWhy, ackWhy, findingStart, modifiers);
  }

  private emit(sender: Endpoint, st: ast.SegmentStmt, row: number, c: Connection, s: Tcb, seg: Seg, flags: number, sendClass: SendClass, sBefore: number, seqWhy: Reason | undefined, ackWhy: Reason | undefined, findingStart: number, modifiers: number): void {
    // (A spoofed segment is drawn from its writer and arrives as the spoofed endpoint's.)
    const from = st.as ? st.as.text : st.from.text;
    const to = st.to.text;
    // `cross`: in flight with the other segments of its run of `cross` lines (see `landCrossing`).
    const crossing = !(modifiers & MOD_BIT.lost) && !st.delay && (modifiers & MOD_BIT.cross) !== 0;
    const fate: SegmentEvent['fate'] = modifiers & MOD_BIT.lost ? 'lost' : st.delay || crossing ? 'delayed' : modifiers & MOD_BIT.dup ? 'duplicated' : 'delivered';
    let ev: SegmentRecord | undefined;
    if (this.lean) {
      noteLast(st.as ? this.endpoints.get(st.from.text)! : sender, st, LastEventKind.Segment, st.from.text, to, flags, s.state);
      // Only the segments after a delayed one or after a pending RST can decide a pending RST
      // (see `finalFindings`): a clean flow keeps no trail.
      // (A spoofed segment is no reply of the spoofed endpoint's: the full check keys it by its
      // writer, so it goes to the trail of the writer's connection with the receiver, if any.)
      if (this.inflight.size > 0 || this.pendingRst.length > 0) {
        const tc = st.as && st.as.text !== st.from.text ? this.endpoints.get(st.from.text)?.conns.get(to) : c;
        if (tc) {
          const trail = (tc.trail ??= [[], []]);
          trail[st.from.text === tc.a ? 0 : 1].push(trailEntry(st.start, seg, this.senderFault === SENDER_REFUSED));
        }
      }
    } else {
      ev = this.record(row, st.start, st.end, st.delay?.value.text, st.from.text, to, flags, seg, !!(seg.seq || st.seq), sendClass, fate, c, sBefore, this.snapshot(s, from, to, c), seqWhy, ackWhy);
    }
    if (fate === 'lost') {
      // Nothing arrives.
    } else if (crossing) {
      this.inflight.set(CROSS_ID + st.start, { event: ev, st, from, to, flags, sendClass, seg, conn: c, wroteAck: this.wroteAck, fault: this.senderFault });
      this.crossing++;
    } else if (fate === 'delayed') {
      const id = st.delay!.value.text;
      if (this.inflight.has(id)) this.report('duplicateDelay', st.delay!.valueSpan, [id]);
      else this.inflight.set(id, { event: ev, st, from, to, flags, sendClass, seg, conn: c, wroteAck: this.wroteAck, fault: this.senderFault });
    } else {
      const sent: Sent = { event: ev, st, from, to, flags, sendClass, seg, conn: c, wroteAck: this.wroteAck, fault: this.senderFault };
      this.arrive(sent, st, false);
      if (fate === 'duplicated') this.arrive(sent, st, true);
    }
    if (ev) this.attach(ev, findingStart);
  }

  /**
   * Keep a segment event (columns of `evs`) and push its record to the events: the statement's
   * row and offsets, its delay's name, the writer (`from`) and receiver, the flags in effect
   * (bits, `flagBit`), the segment as checked (`seg`: seq, ackNo, ack, len), whether a seq is
   * shown, the sender's snapshots before and after sending (rows made by `snapshot`; the after
   * row gives the ISS and IRS its numbers count from), and the reasons behind the expected seq
   * and ack.
   */
  private record(row: number, start: number, end: number, delayId: string | undefined, from: string, to: string, flags: number, seg: Seg, shownSeq: boolean, sendClass: SendClass, fate: Fate, c: Connection, before: number, after: number, seqWhy: Reason | undefined, ackWhy: Reason | undefined): SegmentRecord {
    this.fmtFrozen(c);
    const e = this.evs.add(row, start, end, delayId, from, to, flags, seg, shownSeq, sendClass, fate, c.key, c.frozen!.index, before, after, seqWhy, ackWhy);
    const ev = new SegmentRecord(this.evs, e);
    this.events.push(ev);
    return ev;
  }

  /** The findings reported since `from` belong to this segment. */
  private attach(ev: SegmentRecord, from: number): void {
    const to = this.findings.length;
    if (from >= to) return;
    if (ev.raw === NO_FINDINGS) {
      ev.raw = [];
      this.flagged.push(ev);
    }
    for (let i = from; i < to; i++) ev.raw.push(i);
  }

  /**
   * The written seq of a segment when it can be read without binding a name (a plain number), for
   * the state check before the numbers are judged (a retransmission may be sent after a FIN).
   */
  private writtenSeq(st: ast.SegmentStmt, s: Tcb): SeqValue | undefined {
    if (!st.seq || st.seq.value.symbol) return undefined;
    return this.relative && s.iss ? add(s.iss, st.seq.value.offset) : concrete(st.seq.value.offset);
  }

  private expectedAckText(s: Tcb, c: Connection): string | undefined {
    return s.rcvNxt ? this.writeAs(s.rcvNxt, s.irs, c) : undefined;
  }

  /** The segment reaches its receiver (now, or at the `deliver` statement `at`). */
  private arrive(sent: Sent, at: ast.Statement, duplicate: boolean): void {
    const { event: ev, st, conn: c, sendClass } = sent;
    // (The sender was judged as if the ACK flag were set; the receiver gets the segment as sent.)
    const seg = sent.fault === SENDER_NO_ACK ? { ...sent.seg, ack: false, ackNo: undefined } : sent.seg;
    const from = this.endpoints.get(sent.from)!;
    const to = this.endpoints.get(sent.to)!;
    let r = this.tcb(c, to);
    const marked = st.modifiers.some((m) => m.name === 'dropped');
    // A listener spawns a fresh TCB for a SYN when the old one has ended.
    if (seg.syn && !seg.ack && to.idle === TcpState.LISTEN && (r.state === TcpState.CLOSED || r.state === TcpState.LISTEN)) {
      setState(r, TcpState.LISTEN);
      // Backlog: SYNs beyond the SYN queue are dropped.
      if (to.backlog !== undefined) {
        let half = 0;
        for (const cc of to.conns.values()) if (cc !== c && cc.tcbs.get(to.info.name)?.state === TcpState.SYN_RCVD) half++;
        if (half >= to.backlog) {
          if (!marked) this.report('backlogFull', st.arrow, [to.info.name, String(to.backlog), String(half), RULE.listen]);
          if (ev) {
            const before = this.snapshot(r, to.info.name, from.info.name, c);
            this.evs.arrive(ev.index, at.start, at.end, before, before, 'dropped', this.p('backlogRule'), duplicate);
          } else this.arrived(sent, to, at, r.state);
          return;
        }
      }
    }
    // The accept queue is full: Linux drops the ACK that would complete the handshake (accept.ts).
    if (to.acceptq !== undefined && completesHandshake(r, seg)) {
      let waiting = 0;
      for (const cc of to.conns.values()) if (cc !== c && queued(cc.tcbs.get(to.info.name) ?? r)) waiting++;
      if (waiting >= to.acceptq) {
        if (!marked && !duplicate) this.report('acceptQueueFull', st.arrow, [to.info.name, String(to.acceptq), String(waiting), RULE.other]);
        if (ev) {
          const held = this.snapshot(r, to.info.name, from.info.name, c);
          this.evs.arrive(ev.index, at.start, at.end, held, held, 'dropped', this.p('acceptqRule'), duplicate);
        } else this.arrived(sent, to, at, r.state);
        return;
      }
    }
    if (seg.syn && !seg.ack && r.state === TcpState.TIME_WAIT && !duplicate) {
      // RFC 9293 §3.6.1 MAY-2 with RFC 6191: a newer SYN reopens the connection from TIME-WAIT
      // (the TCB takes it as a listener would); an older one is reported, and the check goes on
      // as if it had waited 2MSL.
      const reopens = reopensTimeWait(r, seg);
      if (!reopens) this.report('timeWaitReuse', st.flags.find((f) => f.flag === 'SYN') ?? st.arrow, [to.info.name, from.info.name, RULE.timeWait, r.tsRecent === undefined ? this.p('timeWaitNewer', this.fmt(r.rcvNxt, c)) : this.p('timeWaitNewerTs', this.fmt(r.rcvNxt, c), String(r.tsRecent))]);
      setState(r, reopens || to.idle === TcpState.LISTEN ? TcpState.LISTEN : TcpState.CLOSED);
    }
    const stateBefore = r.state;
    const before = ev ? this.snapshot(r, to.info.name, from.info.name, c) : -1;
    const why: Why = { kind: seg.syn ? (seg.len > 0 ? 'syndata' : 'syn') : seg.fin ? 'fin' : 'data', who: from.info.name, start: st.start, end: st.end, len: seg.len };
    // (A SYN in a synchronized state says nothing about RCV.NXT: it is answered with a challenge
    // ACK whatever its number, RFC 9293 §3.10.7.4 fourth check, §3.5.1 Figure 9.)
    if (isSynchronized(r.state) && !r.rcvNxt && seg.seq && !seg.syn) r.rcvNxt = startRcvNxt(r, seg);
    // An unacceptable ACK in SYN-SENT taken as the expected one: kept to undo (`answerUnacceptableAck`).
    const wrote = sent.wroteAck;
    const undo = wrote && !duplicate && !seg.rst && r.state === TcpState.SYN_SENT && ackUnacceptable(r, wrote) ? copyTcb(r) : undefined;
    // (Another arrival first: the earlier unacceptable ACK is no longer what an RST would answer.)
    if (r.unacceptableAck) r.unacceptableAck = undefined;
    const owed = r.owesRst;
    const out = receive(r, seg, this.clock, why, (c.fmtAll ??= (v) => this.fmt(v, c)));
    // (The RST this side now owes answers a spoofed segment: see SENDER_ANSWERS_SPOOFED.)
    if (st.as && r.owesRst && r.owesRst !== owed) r.owesRst = { ...r.owesRst, spoofed: true };
    // A new connection of a listener has not been accepted yet (tcp/accept.ts).
    if (stateBefore === TcpState.LISTEN && r.state === TcpState.SYN_RCVD) r.accepted = false;
    // RFC 7413 §4.2.2: a listener takes the data on a SYN with a valid Fast Open cookie.
    if (st.tfo?.cookie && r.synText && r.passive && seg.syn && !seg.ack) r.synText = { ...r.synText, fastOpen: cookieValid(this.tfoIssued, to.info.name, st.tfo.cookie) };
    const note = out.reason ? this.p(out.reason, ...(out.reasonArgs ?? [])) : undefined; // bounded: a reason's few arguments
    const arrival = ev ? this.evs.arrive(ev.index, at.start, at.end, before, this.snapshot(r, to.info.name, from.info.name, c), out.kind, note, duplicate) : -1;
    if (!ev) this.arrived(sent, to, at, r.state);
    if (undo && wrote) r.unacceptableAck = { ack: wrote, before: undo, delivery: ev ? new ArrivalView(this.evs, arrival) : undefined };
    if (duplicate) return;
    const span = st.flagsSpan.end > st.flagsSpan.start ? st.flagsSpan : st.arrow;
    if (seg.rst && out.kind === 'dropped' && !marked && !sent.fault) {
      const lo = r.rcvNxt;
      this.report('rstOutOfWindow', st.seq?.valueSpan ?? span, [this.fmt(seg.seq, c), to.info.name, this.fmt(lo, c), this.fmt(lo && add(lo, r.rcvWnd), c), RULE.other]);
    } else if (seg.rst && out.kind === 'challenge' && !marked && !sent.fault) {
      const idx = this.report('rstNotExact', st.seq?.valueSpan ?? span, [this.fmt(seg.seq, c), this.fmt(r.rcvNxt, c), to.info.name, RULE.challengeAck]);
      this.pendingRst.push({ finding: idx, from: to.info.name, to: from.info.name, challenge: true });
    } else if ((out.kind === 'rst' || out.kind === 'challenge' || (out.kind === 'dropped' && out.reason) || (out.kind === 'ignored' && out.reason)) && !marked && sendClass !== 'window-probe' && !sent.fault) {
      // (A window probe's byte is expected to be refused and re-acknowledged, §3.8.6.1.)
      const idx = this.report('receiverRejects', span, [to.info.name, stateBefore, describeFlags(seg, this.locale), note ?? '', out.rule]);
      if (out.kind === 'rst' || out.kind === 'challenge') this.pendingRst.push({ finding: idx, from: to.info.name, to: from.info.name, challenge: out.kind === 'challenge' });
    } else if (marked && (out.kind === 'accepted' || out.kind === 'queued')) {
      this.report('unmarkedDrop', st.modifiers.find((m) => m.name === 'dropped')!.span, [to.info.name, out.rule]);
    }
  }

  /**
   * The endpoint answers the unacceptable ACK it got in SYN-SENT with RST (RFC 9293 §3.10.7.3
   * first: <SEQ=SEG.ACK><CTL=RST>), or the notes assert it is still SYN_SENT: they meant the ACK
   * as written. Its TCB goes back to SYN-SENT, owing that RST, and the arrival is redrawn as the
   * RFC has it.
   */
  private answerUnacceptableAck(t: Tcb, held: NonNullable<Tcb['unacceptableAck']>, self: Endpoint, peer: Endpoint, c: Connection): void {
    restoreTcb(t, held.before);
    t.owesRst = { seq: held.ack, rule: RULE.synSent };
    // (The arrival is the endpoint's last event: a findings-only check says what it now left.)
    if (this.lean && self.last) self.last.state = t.state;
    const d = held.delivery as Delivery | undefined;
    if (!d || this.lean) return;
    this.redrawn.push({ d, after: d.after, outcome: d.outcome, note: d.note });
    d.after = this.view(t, self.info.name, peer.info.name, c);
    d.outcome = 'rst';
    d.note = this.p('badAckSynSent', this.fmt(t.sndNxt, c));
  }

  /** Findings-only check: the receiver's last event is this arrival (see `lastEventFor`). */
  private arrived(sent: Sent, to: Endpoint, at: ast.Statement, state: TcpState): void {
    if (at.kind === 'deliver') noteLast(to, at, LastEventKind.Deliver, '', '', 0, state);
    else noteLast(to, sent.st, LastEventKind.Segment, sent.st.from.text, sent.to, sent.flags, state);
  }

  private deliver(st: ast.DeliverStmt): void {
    const f = this.inflight.get(st.id.text);
    if (!f) {
      const ids = shortList([...this.inflight.keys()].filter((k) => !k.startsWith(CROSS_ID)), this.locale);
      this.report('unknownDelay', st.id, [st.id.text, ids ? (this.locale === 'zh-cn' ? `（传输中：${ids}）` : ` (in flight: ${ids})`) : '']);
      this.push({ kind: 'deliver', stmt: st });
      return;
    }
    this.inflight.delete(st.id.text);
    this.land(f, st);
  }

  /**
   * The segments of a run of `cross` lines arrive, in the order written: exactly as if each had
   * been written `delay=ID` and a `deliver ID` for each followed the run (RFC 9293 §3.5, Figure 7
   * and §3.6, Figure 13 draw them crossing). Each arrival is drawn at its own line.
   */
  private landCrossing(): void {
    const run: [string, Sent][] = [];
    for (const [id, f] of this.inflight) if (id.startsWith(CROSS_ID)) run.push([id, f]);
    this.crossing = 0;
    for (const [id, f] of run) {
      this.inflight.delete(id);
      const span = { start: f.st.start, end: f.st.end };
      this.land(f, { kind: 'deliver', id: { text: id, ...span }, ...span });
    }
  }

  /** A segment held in flight arrives at `st`. */
  private land(f: Sent, st: ast.DeliverStmt): void {
    const from = this.endpoints.get(f.from)!;
    const to = this.endpoints.get(f.to)!;
    from.lastConn = f.conn;
    to.lastConn = f.conn;
    const before = this.findings.length;
    this.arrive(f, st, false);
    if (f.event) {
      this.attach(f.event, before);
      this.events.push({ kind: 'deliver', stmt: st, segment: f.event });
    }
  }

  /**
   * The findings of this check, in report order, and every segment's list of them as indices into
   * the analysis (after `base` syntax findings). A receiver that must answer with RST gets a
   * warning, withdrawn when the notes show that RST as the receiver's next segment to the sender:
   * they already know. The log itself stays as reported, so that a later check can resume.
   */
  private finalFindings(base: number): Finding[] {
    const drop = new Set<number>();
    if (this.pendingRst.length > 0 && this.lean) {
      // The same question asked of the connections' trails of sent segments.
      for (const p of this.pendingRst) {
        const c = this.endpoints.get(p.from)?.conns.get(p.to);
        const list = c?.trail?.[p.from === c.a ? 0 : 1];
        if (!list) continue;
        const at = this.findings[p.finding].start;
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (Math.floor(list[mid] / 4) > at) hi = mid;
          else lo = mid + 1;
        }
        if (lo < list.length && answers(p, list[lo] % 4)) drop.add(p.finding);
      }
    } else if (this.pendingRst.length > 0) {
      // Each direction's segments in source order, to find "the next one after the finding" by
      // binary search rather than a scan per pending reply.
      const byDirection = new Map<string, SegmentEvent[]>();
      for (const e of this.eventList()) {
        if (e.kind !== 'segment') continue;
        const key = `${e.from}\u0000${e.to}`;
        const list = byDirection.get(key);
        if (list) list.push(e);
        else byDirection.set(key, [e]);
      }
      for (const p of this.pendingRst) {
        const f = this.findings[p.finding];
        const list = byDirection.get(`${p.from}\u0000${p.to}`);
        if (!list) continue;
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((list[mid] as SegmentRecord).start > f.start) hi = mid;
          else lo = mid + 1;
        }
        const next = list[lo];
        if (!next) continue;
        const kind = next.flags.includes('RST')
          ? TRAIL_RST
          : (next as SegmentRecord).raw.some((i) => this.findings[i].key === 'cannotSend')
            ? TRAIL_REFUSED
            : next.flags.includes('ACK') && !next.flags.includes('SYN') && !next.flags.includes('FIN') && next.len === 0
              ? TRAIL_PURE_ACK
              : 0;
        if (answers(p, kind)) drop.add(p.finding);
      }
    }
    const index = new Int32Array(this.findings.length);
    const kept: Finding[] = [];
    this.findings.forEach((f, i) => {
      if (drop.has(i)) index[i] = -1;
      else {
        index[i] = base + kept.length;
        kept.push(f);
      }
    });
    if (this.lean) return kept;
    for (const ev of this.flagged) {
      const list: number[] = [];
      for (const i of ev.raw) if (index[i] >= 0) list.push(index[i]);
      ev.findings = list.length > 0 ? list : NO_FINDINGS;
    }
    return kept;
  }
}

/** What a checkpoint holds: lengths of the append-only lists, copies of the rest. */
/**
 * Consecutive predicted segments on one connection, whose model is made when first read
 * (`Checker.materialize`): where they are, the connection and its two endpoints, copies of their
 * TCBs from before the first segment, the formatter and clock then, and, once the model is
 * made, the index of its first event in the checker's `made` table (`base`) and that table's
 * lengths after it.
 */
interface DeferredRun extends Deferred {
  /** Its place in the checker's list of runs. */
  index: number;
  kind: 'run';
  /** The statement row of its first segment (its segments are rows `row` to `row + count - 1`), and its place in the checker's `events`. */
  row: number;
  count: number;
  slot: number;
  c: Connection;
  x: Endpoint;
  y: Endpoint;
  /** Lengths of the two names' lists of kept references (`endpointRefs`) where the run began. */
  xRefs: number;
  yRefs: number;
  /** (Until the run is made: then they are replayed on and let go.) */
  tx?: Tcb;
  ty?: Tcb;
  fmt: Fmt;
  fmtIndex: number;
  clock: number;
  madeEnd?: EventTableMark;
}

interface Checkpoint {
  index: number;
  findings: number;
  events: number;
  /** The model's count of events then, and of deferred segments among them. */
  listEvents: number;
  deferredTotal: number;
  symbols: number;
  rootNames: number;
  pendingRst: number;
  tfoIssued: number;
  redrawn: number;
  flagged: number;
  /** Lengths of the event and snapshot tables. */
  tables: EventTableMark;
  symbolRefs: number[];
  endpointRefs: [string, number][];
  endpoints: { e: Endpoint; idle: TcpState; lastConn?: Connection; conns: number }[];
  connCount: number;
  conns: { c: Connection; tcbCount: number; tcbs: [Tcb, Tcb][]; symbols: Map<string, SymbolEntry>; symbolCount: number; app: AppTracker }[];
  inflight: { id: string; f: Sent; deliveries: number; raw: number }[];
  relative: boolean;
  clock: number;
  mslMs: number;
  title?: string;
}

/** The statements of a file as a table (a tree built elsewhere, such as a note's diagram, becomes one). */
function tableOf(file: ast.File): StatementTable {
  return file instanceof TableFile ? file.table : StatementTable.of(file);
}

/** Rows of the endpoint declarations (the table parsed to its end). */
function endpointRows(table: StatementTable): number[] {
  const out: number[] = [];
  table.complete();
  for (let i = 0; i < table.count; i++) if (table.kind[i] === RowKind.Endpoint) out.push(i);
  return out;
}

/** Keep the first `n` entries of a map (maps keep insertion order). */
function truncateMap<K, V>(m: Map<K, V>, n: number): void {
  if (m.size <= n) return;
  let i = 0;
  for (const k of [...m.keys()]) if (i++ >= n) m.delete(k);
}

function copyTcb(t: Tcb): Tcb {
  return { ...t, ooo: t.ooo.slice() };
}

/** Put a TCB back as it was: fields set since are cleared, the object stays the same. */
function restoreTcb(t: Tcb, saved: Tcb): void {
  const rec = t as unknown as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (!(k in saved)) rec[k] = undefined;
  Object.assign(t, saved, { ooo: saved.ooo.slice() });
}

/** Bits of the flags the checker tests by name (`flagBit` is the one table). */
const FLAG_BIT = { SYN: flagBit('SYN'), ACK: flagBit('ACK'), FIN: flagBit('FIN'), RST: flagBit('RST') } as const;
const MOD_BIT: Record<ast.Modifier, number> = { lost: 1, dup: 2, dropped: 4, rtx: 8, old: 16, cross: 32 };
/** Ids of the segments of a run of `cross` lines in flight (no name can start with NUL). */
const CROSS_ID = '\u0000cross@';
/** One frozen flag list per combination: events share them instead of holding a list each. */
const FLAG_LISTS: (readonly ast.FlagName[])[] = [];

function flagList(bits: number): ast.FlagName[] {
  return (FLAG_LISTS[bits] ??= Object.freeze(ast.FLAG_NAMES.filter((f) => bits & flagBit(f)))) as ast.FlagName[];
}



/** The bit of a flag (a switch over the interned names is faster than a keyed lookup). */
function flagBit(f: ast.FlagName): number {
  switch (f) {
    case 'SYN':
      return 1;
    case 'ACK':
      return 2;
    case 'FIN':
      return 4;
    case 'RST':
      return 8;
    case 'PSH':
      return 16;
    case 'URG':
      return 32;
    case 'ECE':
      return 64;
    case 'CWR':
      return 128;
  }
}

function modifierBits(st: ast.SegmentStmt): number {
  const mods = st.modifiers;
  if (mods.length === 0) return 0;
  let bits = 0;
  for (const m of mods) bits |= MOD_BIT[m.name];
  return bits;
}

/** At most eight names, so that a message stays one line however large the file. */
function shortList(names: string[], locale: Locale): string {
  const sep = locale === 'zh-cn' ? '、' : ', ';
  return names.length <= 8 ? names.join(sep) : `${names.slice(0, 8).join(sep)}${sep}… (+${names.length - 8})`;
}

function describeFlags(seg: Seg, locale: Locale): string {
  const f: string[] = [];
  if (seg.syn) f.push('SYN');
  if (seg.fin) f.push('FIN');
  if (seg.rst) f.push('RST');
  if (seg.ack) f.push('ACK');
  if (seg.len > 0) f.push(seg.len === 1 ? phrase('oneByte', locale) : phrase('bytes', locale, seg.len));
  return f.length ? f.join(',') : phrase('noFlags', locale);
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const enum LastEventKind {
  Segment,
  Call,
  Wait,
  Deliver,
}

/** Overwrite an endpoint's last event (no allocation after the first). */
function noteLast(e: Endpoint, at: ast.Span, kind: LastEventKind, a: string, b: string, flags: number, state: TcpState): void {
  const last = (e.last ??= new LastEvent());
  last.start = at.start;
  last.end = at.end;
  last.kind = kind;
  last.a = a;
  last.b = b;
  last.flags = flags;
  last.state = state;
}

/**
 * Findings-only check: the last event of one endpoint, put into the words of `lastEventFor` only
 * when an assertion fails. `a`/`b` are the sender and receiver (Segment) or the call (Call).
 */
class LastEvent {
  start = 0;
  end = 0;
  kind = LastEventKind.Segment;
  a = '';
  b = '';
  flags = 0;
  state = TcpState.CLOSED;

  what(name: string, segmentWord: string): string {
    switch (this.kind) {
      case LastEventKind.Segment:
        return `${this.a} → ${this.b} ${flagList(this.flags).join(',') || segmentWord} ⇒ ${name} ${this.state}`;
      case LastEventKind.Call:
        return `${name} ${this.a}`;
      case LastEventKind.Wait:
        return `wait ⇒ ${name} CLOSED`;
      case LastEventKind.Deliver:
        return `deliver ⇒ ${name} ${this.state}`;
    }
  }
}
