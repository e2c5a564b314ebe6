/**
 * What the checker keeps of each event for the model (ARCHITECTURE invariant 10): TCB snapshots
 * and segment records whose numbers and explanations are put into words only when read (hover,
 * diagram), from the plain facts kept at check time.
 */
import type * as ast from '../syntax/ast';
import { SeqValue, diff, equal } from '../tcp/seq';
import type { TcpState } from '../tcp/states';
import type { Seg, Tcb, Why } from '../tcp/tcb';
import { rcvUser } from '../tcp/buffer';
import type { RecvKind } from '../tcp/machine';
import type { Delivery, NumberView, SegmentEvent, SendClass, TcbView } from '../model';

/** Most segments have no finding; they share this empty (frozen) list. */
export const NO_FINDINGS: number[] = Object.freeze([]) as unknown as number[];
const NO_DELIVERIES: Delivery[] = Object.freeze([]) as unknown as Delivery[];

/**
 * An arrival of a segment (`Delivery`): its statement's offsets are kept as numbers and `at` made
 * when read. `after`, `outcome` and `note` change when the arrival is redrawn (see the checker's
 * `answerUnacceptableAck`).
 */
export class Arrival implements Delivery {
  constructor(
    private readonly atStart: number,
    private readonly atEnd: number,
    readonly before: TcbView,
    public after: TcbView,
    public outcome: RecvKind,
    public note: string | undefined,
    readonly duplicate: boolean,
  ) {}
  get at(): ast.Span {
    return { start: this.atStart, end: this.atEnd };
  }
  toJSON(): Delivery {
    return { at: this.at, before: this.before, after: this.after, outcome: this.outcome, note: this.note, duplicate: this.duplicate };
  }
}

/** Puts a `Reason` into words (the checker, which knows the lines and the locale), and gives a row's statement. */
export interface Explainer {
  say(r: Reason | undefined): string;
  statementAt(row: number): ast.Statement;
}

export class TcbSnapshot implements TcbView {
  readonly state: TcpState;
  readonly sndWnd?: number;
  readonly rcvWnd: number;
  /**
   * RCV.BUFF and RCV.USER, only where the flow speaks of the buffer (`rcvbuf=` or a read): one
   * field, undefined on every other snapshot, so that snapshots stay small (invariant 10).
   */
  private readonly buf?: { size?: number; user?: number };
  private readonly una?: SeqValue;
  private readonly nxt?: SeqValue;
  private readonly rnxt?: SeqValue;
  private readonly is?: SeqValue;
  private readonly ir?: SeqValue;

  constructor(
    readonly endpoint: string,
    readonly peer: string,
    t: Tcb,
    readonly f: (v: SeqValue | undefined) => string,
  ) {
    this.state = t.state;
    this.sndWnd = t.sndWnd;
    this.rcvWnd = t.rcvWnd;
    this.buf = bufferOf(t);
    this.una = t.sndUna;
    this.nxt = t.sndNxt;
    this.rnxt = t.rcvNxt;
    this.is = t.iss;
    this.ir = t.irs;
  }

  /** Does this snapshot still describe `t`? */
  matches(t: Tcb): boolean {
    return (
      this.state === t.state &&
      this.sndWnd === t.sndWnd &&
      this.rcvWnd === t.rcvWnd &&
      sameBuffer(this.buf, t) &&
      same(this.una, t.sndUna) &&
      same(this.nxt, t.sndNxt) &&
      same(this.rnxt, t.rcvNxt) &&
      same(this.is, t.iss) &&
      same(this.ir, t.irs)
    );
  }

  private show(x: SeqValue | undefined): string | undefined {
    return x && this.f(x);
  }
  get sndUna(): string | undefined {
    return this.show(this.una);
  }
  get sndNxt(): string | undefined {
    return this.show(this.nxt);
  }
  get rcvNxt(): string | undefined {
    return this.show(this.rnxt);
  }
  get iss(): string | undefined {
    return this.show(this.is);
  }
  get irs(): string | undefined {
    return this.show(this.ir);
  }
  get rcvBuf(): number | undefined {
    return this.buf?.size;
  }
  get rcvUser(): number | undefined {
    return this.buf?.user;
  }
  toJSON(): TcbView {
    return { endpoint: this.endpoint, peer: this.peer, state: this.state, sndUna: this.sndUna, sndNxt: this.sndNxt, rcvNxt: this.rcvNxt, iss: this.iss, irs: this.irs, sndWnd: this.sndWnd, rcvWnd: this.rcvWnd, rcvBuf: this.rcvBuf, rcvUser: this.rcvUser };
  }
}

/** RCV.BUFF and RCV.USER for the model, only where the flow speaks of the buffer (a `rcvbuf=` or a read). */
function bufferOf(t: Tcb): { size?: number; user?: number } | undefined {
  return t.rcvBuf === undefined && t.rcvRead === undefined ? undefined : { size: t.rcvBuf, user: rcvUser(t) };
}

function sameBuffer(b: { size?: number; user?: number } | undefined, t: Tcb): boolean {
  if (t.rcvBuf === undefined && t.rcvRead === undefined) return b === undefined;
  return b !== undefined && b.size === t.rcvBuf && b.user === rcvUser(t);
}

function same(a: SeqValue | undefined, b: SeqValue | undefined): boolean {
  return a === b || equal(a, b);
}

export type Fmt = (v: SeqValue | undefined) => string;

export const enum ReasonKind {
  RstReply,
  Isn,
  SynAgain,
  SndNxt,
  RcvNxt,
}

/** Why an expected number is what it is: the facts, put into words by `the checker's `say`` on demand. */
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

/**
 * A segment event. Most of a long flow's events are never looked at, so the number views
 * (`seq`, `ack`) are made when first read, from what the checker kept.
 */
const FATES: readonly SegmentEvent['fate'][] = ['delivered', 'lost', 'delayed', 'duplicated'];
/** `SegmentRecord.bits`: whether a seq and an ack are shown, the reasons' kinds (plus one, 0 for none), the fate. */
const HAS_SEQ = 1;
const HAS_ACK = 2;
const SEQ_KIND_SHIFT = 2;
const ACK_KIND_SHIFT = 5;
const FATE_SHIFT = 8;

export class SegmentRecord implements SegmentEvent {
  /** The statement's offsets (its tree is not kept: `stmt` gets it from the table when read). */
  readonly start: number;
  readonly end: number;
  readonly len: number;
  readonly delayId?: string;
  /** Its arrivals: none (lost), the one (most segments), or a list (duplicated, redelivered). */
  private arrivals: Delivery | Delivery[] | undefined = undefined;
  /** Indices of this segment's findings in the checker's log (see the checker's `finalFindings`). */
  raw: number[] = NO_FINDINGS;
  findings: number[] = NO_FINDINGS;
  // The segment's numbers as root and offset (-1: none): no value object kept per segment.
  private readonly seqRoot: number;
  private readonly seqOff: number;
  private readonly ackRoot: number;
  private readonly ackOff: number;
  /** Small facts packed in one number (HAS_SEQ, HAS_ACK, the reasons' kinds, the fate). */
  private readonly bits: number;
  private readonly sendBefore: TcbView;
  private readonly sendAfter: TcbView;
  // The facts behind the expected numbers (see `Reason`), kept flat: one object per segment.
  private readonly seqAt: number;
  private readonly seqN: number;
  private readonly seqExpected?: SeqValue;
  private readonly seqCause?: Why;
  /** The names known when the seq was judged (a name the segment binds is not yet one). */
  private readonly seqFmt?: Fmt;
  private readonly ackCause?: Why;

  constructor(
    private readonly checker: Explainer,
    /** The statement's row in the checker's table. */
    private readonly row: number,
    st: ast.SegmentStmt,
    readonly from: string,
    readonly to: string,
    readonly flags: ast.FlagName[],
    seg: Seg,
    public sendClass: SendClass,
    send: { before: TcbView; after: TcbView },
    fate: SegmentEvent['fate'],
    readonly connection: string,
    private readonly fmt: Fmt,
    private readonly iss: SeqValue | undefined,
    private readonly irs: SeqValue | undefined,
    seqReason: Reason | undefined,
    ackReason: Reason | undefined,
  ) {
    this.bits =
      (seg.seq || st.seq ? HAS_SEQ : 0) |
      (seg.ack ? HAS_ACK : 0) |
      ((seqReason ? seqReason.kind + 1 : 0) << SEQ_KIND_SHIFT) |
      ((ackReason ? ackReason.kind + 1 : 0) << ACK_KIND_SHIFT) |
      (FATES.indexOf(fate) << FATE_SHIFT);
    this.seqAt = seqReason?.at ?? 0;
    this.seqN = seqReason?.n ?? 0;
    this.seqExpected = seqReason?.value;
    this.seqCause = seqReason?.cause;
    this.seqFmt = seqReason?.fmt;
    this.ackCause = ackReason?.cause;
    this.start = st.start;
    this.end = st.end;
    this.sendBefore = send.before;
    this.sendAfter = send.after;
    this.len = seg.len;
    this.delayId = st.delay?.value.text;
    this.seqRoot = seg.seq ? seg.seq.root : -1;
    this.seqOff = seg.seq ? seg.seq.off : 0;
    this.ackRoot = seg.ackNo ? seg.ackNo.root : -1;
    this.ackOff = seg.ackNo ? seg.ackNo.off : 0;
  }

  get kind(): 'segment' {
    return 'segment';
  }

  get fate(): SegmentEvent['fate'] {
    return FATES[this.bits >> FATE_SHIFT];
  }

  /** The sender's TCB before and after (made when read: one object fewer per segment). */
  get send(): { before: TcbView; after: TcbView } {
    return { before: this.sendBefore, after: this.sendAfter };
  }

  /** Its arrivals, in order (a list made when read unless there are several). */
  get deliveries(): Delivery[] {
    const a = this.arrivals;
    return a === undefined ? NO_DELIVERIES : Array.isArray(a) ? a : [a];
  }

  addDelivery(d: Delivery): void {
    const a = this.arrivals;
    if (a === undefined) this.arrivals = d;
    else if (Array.isArray(a)) a.push(d);
    else this.arrivals = [a, d];
  }

  /** Back to the first `n` arrivals (a checkpoint restored). */
  truncateDeliveries(n: number): void {
    const a = this.arrivals;
    if (n === 0) this.arrivals = undefined;
    else if (Array.isArray(a)) a.length = n;
  }

  get stmt(): ast.SegmentStmt {
    return this.checker.statementAt(this.row) as ast.SegmentStmt;
  }

  get seq(): NumberView | undefined {
    if (!(this.bits & HAS_SEQ)) return undefined;
    const kind = ((this.bits >> SEQ_KIND_SHIFT) & 7) - 1;
    const reason: Reason | undefined =
      kind < 0 ? undefined : { kind, who: this.from, peer: this.to, at: this.seqAt, n: this.seqN, value: this.seqExpected, cause: this.seqCause, fmt: this.seqFmt };
    return new LazyNumber(this.seqRoot < 0 ? undefined : { root: this.seqRoot, off: this.seqOff }, this.iss, this.fmt, this.checker, reason);
  }

  get ack(): NumberView | undefined {
    if (!(this.bits & HAS_ACK)) return undefined;
    const kind = ((this.bits >> ACK_KIND_SHIFT) & 7) - 1;
    const reason: Reason | undefined = kind < 0 ? undefined : { kind, who: this.from, peer: this.to, at: 0, n: 0, cause: this.ackCause, fmt: this.fmt };
    return new LazyNumber(this.ackRoot < 0 ? undefined : { root: this.ackRoot, off: this.ackOff }, this.irs, this.fmt, this.checker, reason);
  }

  toJSON(): SegmentEvent {
    const { kind, stmt, start, end, from, to, flags, seq, ack, len, sendClass, send, fate, delayId, deliveries, findings, connection } = this;
    return { kind, stmt, start, end, from, to, flags, seq, ack, len, sendClass, send, fate, delayId, deliveries, findings, connection };
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
