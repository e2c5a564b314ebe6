/**
 * What the checker keeps of each event for the model (ARCHITECTURE invariant 10): segment events,
 * their arrivals and the facts behind their expected numbers as rows of typed-array columns (an
 * `EventTable`), TCB snapshots likewise (`SnapshotTable`). Per segment one small object stays
 * alive, its `SegmentRecord` (the table and a row index); everything it shows is read from the
 * columns and put into words when read (hover, diagram, JSON).
 */
import type * as ast from '../syntax/ast';
import { SeqValue, diff } from '../tcp/seq';
import type { Seg, Why } from '../tcp/tcb';
import type { RecvKind } from '../tcp/machine';
import type { Delivery, NumberView, SegmentEvent, SendClass, TcbView } from '../model';
import { Fmt, IRS, ISS, Interner, Rows, SnapshotTable, SnapshotView, put } from './snapshots';

export type { Fmt } from './snapshots';

/**
 * Puts a `Reason` into words (the checker, which knows the lines and the locale), gives a row's
 * statement, and makes a deferred run's events (`DeferredRecord`).
 */
export interface Explainer {
  say(r: Reason | undefined): string;
  statementAt(row: number): ast.Statement;
  /** Keep the events of `run` in the table (its `base` set); their first index. */
  materialize(run: Deferred): number;
  /** Where statement row `row` starts and ends. */
  rowStart(row: number): number;
  rowEnd(row: number): number;
}

/**
 * A run of segment events the check kept no row for (the checker's header prediction): `base`
 * is the table index of its first event once they are made, -1 until then.
 */
export interface Deferred {
  base: number;
  /** The statement row of its first segment (the others follow it, one row each). */
  row: number;
}

export const enum ReasonKind {
  RstReply,
  Isn,
  SynAgain,
  SndNxt,
  RcvNxt,
}

/** Why an expected number is what it is: the facts, put into words by the checker's `say` on demand. */
export interface Reason {
  kind: ReasonKind;
  who: string;
  peer: string;
  /** Offset of the statement that says it (ISN declaration, the SYN). */
  at: number;
  n: number;
  value?: SeqValue;
  cause?: Why;
  fmt?: Fmt;
}

/** Most segments have no finding; they share this empty (frozen) list. */
export const NO_FINDINGS: number[] = Object.freeze([]) as unknown as number[];
const NO_DELIVERIES: Delivery[] = Object.freeze([]) as unknown as Delivery[];

export type Fate = SegmentEvent['fate'];
const FATES: readonly Fate[] = ['delivered', 'lost', 'delayed', 'duplicated'];
function fateIndex(f: Fate): number {
  return f === 'delivered' ? 0 : f === 'lost' ? 1 : f === 'delayed' ? 2 : 3;
}
/** The `S_BITS` column: whether a seq and an ack are shown, the reasons' kinds (plus one, 0 for none), the fate. */
const HAS_SEQ = 1;
const HAS_ACK = 2;
const SEQ_KIND_SHIFT = 2;
const ACK_KIND_SHIFT = 5;
const FATE_SHIFT = 8;

// A segment's columns: integers (Int32; names, notes and classes as indices into the table's
// strings, roots -1 for none) and numbers (Float64), each segment a run of them.
const S_ROW = 0;
const S_START = 1;
const S_END = 2;
const S_FROM = 3;
const S_TO = 4;
const S_CONN = 5;
const S_FLAGS = 6;
const S_BITS = 7;
const S_CLASS = 8;
/** The seq and the ack: root (-1: none) and offset (its 32 bits, see snapshots.ts). */
const S_SEQ_ROOT = 9;
const S_SEQ_OFF = 10;
const S_ACK_ROOT = 11;
const S_ACK_OFF = 12;
/**
 * The sender's snapshots before and after (rows of the snapshot table). The after row also gives
 * the ISS and IRS the numbers count from (the sender's TCB when the segment was kept).
 */
const S_BEFORE = 13;
const S_AFTER = 14;
/** The seq's reason: the offset it names, the expected value, the cause (a row of the whys), the formatter. */
const S_SEQ_AT = 15;
const S_SEQ_EXP_ROOT = 16;
const S_SEQ_EXP_OFF = 17;
const S_SEQ_CAUSE = 18;
const S_SEQ_FMT = 19;
const S_ACK_CAUSE = 20;
const S_FMT = 21;
/** The first arrival (a row of the arrivals, -1: none); the others follow by `A_NEXT`. */
const S_ARR = 22;
const S_INTS = 23;
/** The length and the seq reason's number. */
const S_LEN = 0;
const S_SEQ_N = 1;
const S_FLOATS = 2;

// An arrival's columns (all integers).
const A_START = 0;
const A_END = 1;
const A_BEFORE = 2;
const A_AFTER = 3;
const A_OUTCOME = 4;
const A_NOTE = 5;
const A_DUP = 6;
const A_NEXT = 7;
const A_INTS = 8;

// A cause's (`Why`) columns: kind and who (strings), the statement's offsets; its length a number.
const W_KIND = 0;
const W_WHO = 1;
const W_START = 2;
const W_END = 3;
const W_INTS = 4;

/** Lengths of an event table's parts, what a checkpoint saves. */
export interface EventTableMark {
  segments: number;
  arrivals: number;
  whys: number;
  snapshots: number;
  fmts: number;
}

/**
 * The segment events of a check as columns: the segments, their arrivals, the causes their
 * expected numbers name. Rows are appended while checking and cut back to a checkpoint's lengths
 * when a check resumes. The rare facts live in maps by row: a delay's name, findings.
 */
export class EventTable {
  private readonly segs = new Rows(S_INTS, S_FLOATS);
  private readonly arrivals = new Rows(A_INTS, 0);
  private readonly whys = new Rows(W_INTS, 1);
  /** The last two causes kept, and their rows (a TCB's cause is the same object for many segments). */
  private whyA: Why | undefined;
  private whyARow = -1;
  private whyB: Why | undefined;
  private whyBRow = -1;
  private readonly delayIds = new Map<number, string>();
  /** Indices of a segment's findings in the checker's log, and in the analysis (see `SegmentRecord.raw`). */
  readonly raw = new Map<number, number[]>();
  readonly found = new Map<number, number[]>();

  constructor(
    readonly checker: Explainer,
    readonly snaps: SnapshotTable,
    /** Endpoint names, connection keys, classes, outcomes, notes. */
    readonly strings: Interner<string>,
    readonly fmts: Interner<Fmt>,
    /** Flag names of a bit set of flags. */
    readonly flagNames: FlagNames,
  ) {}

  /** How many segments are kept (the index the next one gets). */
  get segmentCount(): number {
    return this.segs.count;
  }

  /** Keep a segment; its index. Numbers, snapshot rows and formatters as the checker has them. */
  add(
    row: number,
    start: number,
    end: number,
    delayId: string | undefined,
    from: string,
    to: string,
    flags: number,
    seg: Seg,
    shownSeq: boolean,
    sendClass: SendClass,
    fate: Fate,
    connection: string,
    fmt: number,
    before: number,
    after: number,
    seqReason: Reason | undefined,
    ackReason: Reason | undefined,
  ): number {
    const rows = this.segs;
    const e = rows.push();
    const ints = rows.intPage(e);
    const nums = rows.numPage(e);
    const i = rows.intAt(e);
    const f = rows.numAt(e);
    const str = this.strings;
    ints[i + S_ROW] = row;
    ints[i + S_START] = start;
    ints[i + S_END] = end;
    // The writer and the receiver are the after snapshot's endpoint and peer (but for a spoofed segment's writer).
    const ep = this.snaps.endpointIndex(after);
    const pe = this.snaps.peerIndex(after);
    ints[i + S_FROM] = str.list[ep] === from ? ep : str.at(0, from);
    ints[i + S_TO] = str.list[pe] === to ? pe : str.at(1, to);
    ints[i + S_CONN] = str.at(2, connection);
    ints[i + S_FLAGS] = flags;
    ints[i + S_BITS] =
      (shownSeq ? HAS_SEQ : 0) |
      (seg.ack ? HAS_ACK : 0) |
      ((seqReason ? seqReason.kind + 1 : 0) << SEQ_KIND_SHIFT) |
      ((ackReason ? ackReason.kind + 1 : 0) << ACK_KIND_SHIFT) |
      (fateIndex(fate) << FATE_SHIFT);
    ints[i + S_CLASS] = str.at(3, sendClass);
    nums[f + S_LEN] = seg.len;
    put(ints, i + S_SEQ_ROOT, i + S_SEQ_OFF, seg.seq);
    put(ints, i + S_ACK_ROOT, i + S_ACK_OFF, seg.ackNo);
    ints[i + S_BEFORE] = before;
    ints[i + S_AFTER] = after;
    ints[i + S_SEQ_AT] = seqReason ? seqReason.at : 0;
    nums[f + S_SEQ_N] = seqReason ? seqReason.n : 0;
    put(ints, i + S_SEQ_EXP_ROOT, i + S_SEQ_EXP_OFF, seqReason?.value);
    ints[i + S_SEQ_CAUSE] = this.why(seqReason?.cause);
    ints[i + S_SEQ_FMT] = seqReason?.fmt ? this.fmts.at(0, seqReason.fmt) : -1;
    ints[i + S_ACK_CAUSE] = this.why(ackReason?.cause);
    ints[i + S_FMT] = fmt;
    ints[i + S_ARR] = -1;
    if (delayId !== undefined) this.delayIds.set(e, delayId);
    return e;
  }

  /**
   * A cause's row (-1 for none). The last two are shared: by the same object (a TCB's cause
   * stays while nothing new is sent) or by the same facts (the receiver's RCV.NXT cause is the
   * sender's SND.NXT cause, made again at the arrival).
   */
  private why(w: Why | undefined): number {
    if (!w) return -1;
    const a = this.whyA;
    if (w === a || (a && w.start === a.start && w.end === a.end && w.len === a.len && w.kind === a.kind && w.who === a.who)) return this.whyARow;
    const b = this.whyB;
    if (w === b || (b && w.start === b.start && w.end === b.end && w.len === b.len && w.kind === b.kind && w.who === b.who)) return this.whyBRow;
    const rows = this.whys;
    const r = rows.push();
    const ints = rows.intPage(r);
    const i = rows.intAt(r);
    ints[i + W_KIND] = this.strings.at(6, w.kind);
    ints[i + W_WHO] = this.strings.at(7, w.who);
    ints[i + W_START] = w.start;
    ints[i + W_END] = w.end;
    rows.numPage(r)[rows.numAt(r)] = w.len;
    this.whyB = this.whyA;
    this.whyBRow = this.whyARow;
    this.whyA = w;
    this.whyARow = r;
    return r;
  }

  private cause(r: number): Why | undefined {
    if (r < 0) return undefined;
    const w = this.whys;
    const s = this.strings.list;
    return { kind: s[w.int(r, W_KIND)] as Why['kind'], who: s[w.int(r, W_WHO)], start: w.int(r, W_START), end: w.int(r, W_END), len: w.num(r, 0) };
  }

  /** Segment `e` reaches its receiver at the statement `atStart`..`atEnd`; the arrival's row. */
  arrive(e: number, atStart: number, atEnd: number, before: number, after: number, outcome: RecvKind, note: string | undefined, duplicate: boolean): number {
    const rows = this.arrivals;
    const a = rows.push();
    const ai = rows.intPage(a);
    const i = rows.intAt(a);
    ai[i + A_START] = atStart;
    ai[i + A_END] = atEnd;
    ai[i + A_BEFORE] = before;
    ai[i + A_AFTER] = after;
    ai[i + A_OUTCOME] = this.strings.at(4, outcome);
    ai[i + A_NOTE] = note === undefined ? -1 : this.strings.at(5, note);
    ai[i + A_DUP] = duplicate ? 1 : 0;
    ai[i + A_NEXT] = -1;
    // Appended to the segment's list of arrivals.
    const first = this.segs.int(e, S_ARR);
    if (first < 0) this.segs.setInt(e, S_ARR, a);
    else {
      let x = first;
      while (rows.int(x, A_NEXT) >= 0) x = rows.int(x, A_NEXT);
      rows.setInt(x, A_NEXT, a);
    }
    return a;
  }

  /** Segment `e`'s arrivals, in order (rows of the arrivals). */
  arrivalsOf(e: number): number[] {
    const out: number[] = [];
    for (let x = this.segs.int(e, S_ARR); x >= 0; x = this.arrivals.int(x, A_NEXT)) out.push(x);
    return out;
  }

  /** Segment `e` back to its first `n` arrivals (a checkpoint restored). */
  truncateArrivals(e: number, n: number): void {
    if (n === 0) {
      this.segs.setInt(e, S_ARR, -1);
      return;
    }
    let x = this.segs.int(e, S_ARR);
    for (let k = 1; k < n && x >= 0; k++) x = this.arrivals.int(x, A_NEXT);
    if (x >= 0) this.arrivals.setInt(x, A_NEXT, -1);
  }

  mark(): EventTableMark {
    return { segments: this.segs.count, arrivals: this.arrivals.count, whys: this.whys.count, snapshots: this.snaps.count, fmts: this.fmts.length };
  }

  /**
   * Back to the lengths of `m` (a checkpoint restored): later rows are dropped. (The formatters
   * are the checker's, shared by its tables: it cuts them.)
   */
  truncate(m: EventTableMark): void {
    if (this.segs.count > m.segments) {
      this.segs.count = m.segments;
      for (const map of [this.delayIds, this.raw, this.found]) for (const e of map.keys()) if (e >= m.segments) map.delete(e);
    }
    this.arrivals.count = Math.min(this.arrivals.count, m.arrivals);
    this.whys.count = Math.min(this.whys.count, m.whys);
    this.whyA = this.whyB = undefined;
    this.snaps.truncate(m.snapshots);
  }

  // ---- reading a segment (`SegmentRecord`) and an arrival (`ArrivalView`) ----

  int(e: number, col: number): number {
    return this.segs.int(e, col);
  }
  num(e: number, col: number): number {
    return this.segs.num(e, col);
  }
  str(e: number, col: number): string {
    return this.strings.list[this.segs.int(e, col)];
  }
  delayId(e: number): string | undefined {
    return this.delayIds.size === 0 ? undefined : this.delayIds.get(e);
  }
  value(e: number, rootCol: number, offCol: number): SeqValue | undefined {
    const root = this.segs.int(e, rootCol);
    return root < 0 ? undefined : { root, off: this.segs.int(e, offCol) >>> 0 };
  }

  seq(e: number): NumberView | undefined {
    const bits = this.int(e, S_BITS);
    if (!(bits & HAS_SEQ)) return undefined;
    const kind = ((bits >> SEQ_KIND_SHIFT) & 7) - 1;
    const seqFmt = this.int(e, S_SEQ_FMT);
    const reason: Reason | undefined =
      kind < 0
        ? undefined
        : {
            kind,
            who: this.str(e, S_FROM),
            peer: this.str(e, S_TO),
            at: this.int(e, S_SEQ_AT),
            n: this.num(e, S_SEQ_N),
            value: this.value(e, S_SEQ_EXP_ROOT, S_SEQ_EXP_OFF),
            cause: this.cause(this.int(e, S_SEQ_CAUSE)),
            fmt: seqFmt < 0 ? undefined : this.fmts.list[seqFmt],
          };
    return new LazyNumber(this.value(e, S_SEQ_ROOT, S_SEQ_OFF), this.snaps.value(this.int(e, S_AFTER), ISS), this.fmt(e), this.checker, reason);
  }

  ack(e: number): NumberView | undefined {
    const bits = this.int(e, S_BITS);
    if (!(bits & HAS_ACK)) return undefined;
    const kind = ((bits >> ACK_KIND_SHIFT) & 7) - 1;
    const reason: Reason | undefined = kind < 0 ? undefined : { kind, who: this.str(e, S_FROM), peer: this.str(e, S_TO), at: 0, n: 0, cause: this.cause(this.int(e, S_ACK_CAUSE)), fmt: this.fmt(e) };
    return new LazyNumber(this.value(e, S_ACK_ROOT, S_ACK_OFF), this.snaps.value(this.int(e, S_AFTER), IRS), this.fmt(e), this.checker, reason);
  }

  private fmt(e: number): Fmt {
    return this.fmts.list[this.int(e, S_FMT)];
  }

  fate(e: number): Fate {
    return FATES[this.int(e, S_BITS) >> FATE_SHIFT];
  }

  aInt(a: number, col: number): number {
    return this.arrivals.int(a, col);
  }
  setAInt(a: number, col: number, v: number): void {
    this.arrivals.setInt(a, col, v);
  }
}


/** Flag names of a flag bit set (the checker's, shared per combination). */
export type FlagNames = (bits: number) => ast.FlagName[];

/**
 * A segment event: the event table and its index there (the one object the check keeps per
 * segment). What it shows is read from the table's columns when read.
 */
export class SegmentRecord implements SegmentEvent {
  constructor(
    protected readonly t: EventTable,
    /** Its index in the table (see `index`). */
    private readonly i: number,
  ) {}

  /** Its index in the table. */
  get index(): number {
    return this.i;
  }

  get kind(): 'segment' {
    return 'segment';
  }
  /** The statement's offsets (its tree is not kept: `stmt` gets it from the statement table when read). */
  get start(): number {
    return this.t.int(this.index, S_START);
  }
  get end(): number {
    return this.t.int(this.index, S_END);
  }
  get len(): number {
    return this.t.num(this.index, S_LEN);
  }
  get from(): string {
    return this.t.str(this.index, S_FROM);
  }
  get to(): string {
    return this.t.str(this.index, S_TO);
  }
  get flags(): ast.FlagName[] {
    return this.t.flagNames(this.t.int(this.index, S_FLAGS));
  }
  get sendClass(): SendClass {
    return this.t.str(this.index, S_CLASS) as SendClass;
  }
  get connection(): string {
    return this.t.str(this.index, S_CONN);
  }
  get delayId(): string | undefined {
    return this.t.delayId(this.index);
  }
  get fate(): Fate {
    return this.t.fate(this.index);
  }
  get stmt(): ast.SegmentStmt {
    return this.t.checker.statementAt(this.t.int(this.index, S_ROW)) as ast.SegmentStmt;
  }
  get seq(): NumberView | undefined {
    return this.t.seq(this.index);
  }
  get ack(): NumberView | undefined {
    return this.t.ack(this.index);
  }

  /** The sender's TCB before and after. */
  get send(): { before: TcbView; after: TcbView } {
    const snaps = this.t.snaps;
    return { before: snaps.view(this.t.int(this.index, S_BEFORE)), after: snaps.view(this.t.int(this.index, S_AFTER)) };
  }

  /** Its arrivals, in order: none (lost), the one (most segments), or several (duplicated, redelivered). */
  get deliveries(): Delivery[] {
    if (this.t.int(this.index, S_ARR) < 0) return NO_DELIVERIES;
    return this.t.arrivalsOf(this.index).map((a) => new ArrivalView(this.t, a));
  }

  /** How many arrivals it has (without making them). */
  get arrivalCount(): number {
    return this.t.int(this.index, S_ARR) < 0 ? 0 : this.t.arrivalsOf(this.index).length;
  }

  /** Back to the first `n` arrivals (a checkpoint restored). */
  truncateDeliveries(n: number): void {
    this.t.truncateArrivals(this.index, n);
  }

  /** Indices of this segment's findings in the checker's log (see the checker's `finalFindings`). */
  get raw(): number[] {
    return this.t.raw.size === 0 ? NO_FINDINGS : (this.t.raw.get(this.index) ?? NO_FINDINGS);
  }
  set raw(list: number[]) {
    if (list === NO_FINDINGS) this.t.raw.delete(this.index);
    else this.t.raw.set(this.index, list);
  }
  /** Indices of its findings in the analysis. */
  get findings(): number[] {
    return this.t.found.size === 0 ? NO_FINDINGS : (this.t.found.get(this.index) ?? NO_FINDINGS);
  }
  set findings(list: number[]) {
    if (list === NO_FINDINGS) this.t.found.delete(this.index);
    else this.t.found.set(this.index, list);
  }

  toJSON(): SegmentEvent {
    const { kind, stmt, start, end, from, to, flags, seq, ack, len, sendClass, send, fate, delayId, deliveries, findings, connection } = this;
    return { kind, stmt, start, end, from, to, flags, seq, ack, len, sendClass, send, fate, delayId, deliveries, findings, connection };
  }
}

/**
 * A segment event of a deferred run (`Deferred`), the `k`-th of it: its row in the table is made
 * with the whole run's the first time anything but its kind is read. It has no findings (the
 * check defers only segments that have none).
 */
export class DeferredRecord extends SegmentRecord {
  constructor(
    t: EventTable,
    private readonly run: Deferred,
    private readonly k: number,
  ) {
    super(t, -1);
  }
  override get index(): number {
    const base = this.run.base;
    return (base >= 0 ? base : this.t.checker.materialize(this.run)) + this.k;
  }
  // What is known without the model: where it is, and that it arrived as sent.
  override get start(): number {
    return this.t.checker.rowStart(this.run.row + this.k);
  }
  override get end(): number {
    return this.t.checker.rowEnd(this.run.row + this.k);
  }
  override get stmt(): ast.SegmentStmt {
    return this.t.checker.statementAt(this.run.row + this.k) as ast.SegmentStmt;
  }
  override get fate(): Fate {
    return 'delivered';
  }
  override get delayId(): string | undefined {
    return undefined;
  }
  override get raw(): number[] {
    return NO_FINDINGS;
  }
  override set raw(_list: number[]) {
    throw new Error('tcpflow: a deferred segment event cannot take findings');
  }
  override get findings(): number[] {
    return NO_FINDINGS;
  }
  override set findings(_list: number[]) {
    throw new Error('tcpflow: a deferred segment event cannot take findings');
  }
}

/**
 * An arrival of a segment (`Delivery`), read from its row. `after`, `outcome` and `note` change
 * when the arrival is redrawn (see the checker's `answerUnacceptableAck`): setting them writes the
 * row.
 */
export class ArrivalView implements Delivery {
  constructor(
    private readonly t: EventTable,
    /** Its row among the arrivals. */
    readonly row: number,
  ) {}
  get at(): ast.Span {
    return { start: this.t.aInt(this.row, A_START), end: this.t.aInt(this.row, A_END) };
  }
  get before(): TcbView {
    return this.t.snaps.view(this.t.aInt(this.row, A_BEFORE));
  }
  get after(): TcbView {
    return this.t.snaps.view(this.t.aInt(this.row, A_AFTER));
  }
  /** (A view of this check's snapshot table.) */
  set after(v: TcbView) {
    this.t.setAInt(this.row, A_AFTER, (v as SnapshotView).row);
  }
  get outcome(): RecvKind {
    return this.t.strings.list[this.t.aInt(this.row, A_OUTCOME)] as RecvKind;
  }
  set outcome(k: RecvKind) {
    this.t.setAInt(this.row, A_OUTCOME, this.t.strings.of(k));
  }
  get note(): string | undefined {
    const n = this.t.aInt(this.row, A_NOTE);
    return n < 0 ? undefined : this.t.strings.list[n];
  }
  set note(s: string | undefined) {
    this.t.setAInt(this.row, A_NOTE, s === undefined ? -1 : this.t.strings.of(s));
  }
  get duplicate(): boolean {
    return this.t.aInt(this.row, A_DUP) !== 0;
  }
  toJSON(): Delivery {
    return { at: this.at, before: this.before, after: this.after, outcome: this.outcome, note: this.note, duplicate: this.duplicate };
  }
}

export class LazyNumber implements NumberView {
  readonly absolute?: number;
  readonly relative?: number;
  private textCache?: string;
  private whyCache?: string;

  constructor(
    readonly value: SeqValue | undefined,
    base: SeqValue | undefined,
    private readonly f: Fmt,
    private readonly checker: Explainer,
    private readonly reason: Reason | undefined,
  ) {
    this.absolute = value && value.root === 0 ? value.off : undefined;
    const rel = value && base ? diff(value, base) : NaN;
    this.relative = Number.isNaN(rel) ? undefined : rel >>> 0;
  }
  get text(): string {
    return (this.textCache ??= this.value ? this.f(this.value) : '?');
  }
  get why(): string {
    return (this.whyCache ??= this.checker.say(this.reason));
  }
  toJSON(): NumberView {
    return { value: this.value, text: this.text, absolute: this.absolute, relative: this.relative, why: this.why };
  }
}
