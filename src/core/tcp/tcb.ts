/**
 * The transmission control block of one endpoint's side of one connection (RFC 9293 §3.2), the
 * segment as the machine sees it, and the one place a TCB changes state (`setState`). The send
 * side (`machine.ts`) and segment arrival (`arrive/`) both work on these.
 */
import { SeqValue, diff, gt } from './seq';
import { TcpState, isSynchronized } from './states';

/**
 * The largest shift a window scale option may give (RFC 7323 §2.3). When the SYN that carried a
 * side's scale is not in the flow (a capture that starts later), its windows are only known to
 * be at most the raw value shifted by this much.
 */
export const MAX_WINDOW_SHIFT = 14;

/** Why a sequence variable has the value it has: the segment that set it. */
export interface Why {
  kind: 'syn' | 'fin' | 'data' | 'syndata' | 'isn' | 'bound';
  /** Endpoint name that sent the segment. */
  who: string;
  /** Offsets of the statement that set it. */
  start: number;
  end: number;
  len: number;
}

export interface Tcb {
  state: TcpState;
  /** Created by a SYN arriving at a listener (returns to LISTEN on RST, RFC 9293 §3.10.7.4). */
  passive: boolean;
  /** A listener's connection the application has taken from the accept queue (`accept.ts`). */
  accepted: boolean;
  iss?: SeqValue;
  irs?: SeqValue;
  sndUna?: SeqValue;
  sndNxt?: SeqValue;
  rcvNxt?: SeqValue;
  /** Window the peer advertised, in bytes (after scaling). */
  sndWnd?: number;
  /** SEG.SEQ and SEG.ACK of the segment that set SND.WND last (RFC 9293 §3.10.7.4 fifth). */
  sndWl1?: SeqValue;
  sndWl2?: SeqValue;
  /** Window this side advertised, in bytes. */
  rcvWnd: number;
  /** Window scale this side applies to windows it receives / sends (RFC 7323). */
  sndShift: number;
  rcvShift: number;
  /**
   * The SYN that opened this connection carried the window-scale option (RFC 7323 §2.2): this
   * side's SYN for an active open, the peer's for a passive one.
   */
  wsOffered: boolean;
  /** Sequence number of our FIN, once sent. */
  finSeq?: SeqValue;
  /** The peer's FIN has been taken in order. */
  finReceived?: boolean;
  /** Sequence number of the peer's FIN, once seen (it may wait behind a gap). */
  peerFin?: SeqValue;
  /**
   * Text that came on the peer's SYN to this listener, held, not yet acknowledged (RFC 9293
   * §3.10.7.2: "any other control or text should be queued for processing later"): RCV.NXT stays
   * at the SYN's ISN+1 until this side acknowledges the text or the peer sends it again. Without
   * TCP Fast Open Linux drops it and the peer resends it; with it (RFC 7413) the SYN,ACK
   * acknowledges it. A listener takes it only after a valid Fast Open cookie (`fastOpen`, see
   * `tfo.ts`); after a simultaneous open the next ack decides.
   */
  synText?: { start: SeqValue; end: SeqValue; why: Why; fastOpen?: boolean };
  /** Where this side's last window probe into a zero window started (RFC 9293 §3.8.6.1). */
  probeAt?: SeqValue;
  /**
   * An ACK that arrived in SYN-SENT was unacceptable as written (RFC 9293 §3.10.7.3 first) and the
   * checker carried on with the acceptable one it expected (one mistake, one finding). If this
   * side's next segment is the RST that answers it, the notes meant the unacceptable ACK: the
   * TCB goes back to `before`, still SYN-SENT. `delivery` is the arrival to redraw.
   */
  unacceptableAck?: { ack: SeqValue; before: Tcb; delivery?: object };
  /**
   * The receive buffer, RCV.BUFF (RFC 9293 §3.8.6.2.2), in bytes: the endpoint's `rcvbuf=`, or
   * undefined when the flow does not say (then the window is whatever the notes write).
   */
  rcvBuf?: number;
  /**
   * The first byte the application has not read yet (`S read`, buffer.ts): RCV.USER, the data
   * received in order and not yet read, runs from here to RCV.NXT. Undefined until the first
   * read, which means "from IRS+1" (nothing read yet).
   */
  rcvRead?: SeqValue;
  /**
   * The right edge of the window this side advertised last, RCV.NXT + RCV.WND, kept while the
   * flow declares its buffer: receiver SWS avoidance holds it (RFC 9293 §3.8.6.2.2, buffer.ts).
   */
  rcvEdge?: SeqValue;
  /** The MSS option on this side's SYN (RFC 9293 §3.7.1), the peer's send MSS. */
  mssOffered?: number;
  /** Out-of-order data queued for reassembly: [start, end) ranges. */
  ooo: { start: SeqValue; end: SeqValue }[];
  /** Clock (ms) when TIME_WAIT was entered. */
  timeWaitAt?: number;
  closePending: boolean;
  aborted: boolean;
  /** The last segment to arrive was an RST this side discarded with no connection (§3.10.7.1-2). */
  rstDiscarded: boolean;
  /**
   * The endpoint must answer the last segment with RST (seq, ack as RFC 9293 §3.5.2 says);
   * `rule` is the section that makes it answer so.
   */
  owesRst?: { seq?: SeqValue; ack?: SeqValue; rule: string; spoofed?: boolean };
  sndNxtWhy?: Why;
  rcvNxtWhy?: Why;
  /** The last ack number this side sent (for duplicate ACKs). */
  lastAckSent?: SeqValue;
  /** This TCB has been used (a later SYN from CLOSED starts a new incarnation). */
  used: boolean;
  /**
   * The window scale of this side's received / sent windows is unknown: the TCB starts after the
   * SYN that fixed it (RFC 7323 §2.3). Windows are then taken at their largest possible value.
   */
  sndShiftUnknown?: boolean;
  rcvShiftUnknown?: boolean;
  /** Highest acknowledgment sent while RCV.NXT was unknown (a flow that starts synchronized). */
  ackedBeforeRcv?: SeqValue;
  /**
   * TS.Recent (RFC 7323 §4.3): the last timestamp value (TSval) taken from the peer, when the
   * flow writes `ts=` (an imported flow writes it on SYNs); RFC 6191 reads it in TIME-WAIT.
   */
  tsRecent?: number;
  /**
   * The model's last snapshot of this TCB (a row of the checker's snapshot table, -1: none),
   * shared by the next snapshot while it still describes the TCB. Not TCP state.
   */
  snapshotRow: number;
}

export function newTcb(state: TcpState, passive = false): Tcb {
  // Every field present from the start, in one order: all TCBs share one shape (hidden class), so
  // the checker's reads of them stay monomorphic however a connection has gone.
  const t: Tcb = {
    state,
    passive,
    iss: undefined,
    irs: undefined,
    sndUna: undefined,
    sndNxt: undefined,
    rcvNxt: undefined,
    sndWnd: undefined,
    sndWl1: undefined,
    sndWl2: undefined,
    rcvWnd: 65535,
    sndShift: 0,
    rcvShift: 0,
    wsOffered: false,
    finSeq: undefined,
    finReceived: undefined,
    peerFin: undefined,
    synText: undefined,
    probeAt: undefined,
    unacceptableAck: undefined,
    rcvBuf: undefined,
    rcvRead: undefined,
    rcvEdge: undefined,
    mssOffered: undefined,
    ooo: [],
    timeWaitAt: undefined,
    closePending: false,
    aborted: false,
    rstDiscarded: false,
    owesRst: undefined,
    sndNxtWhy: undefined,
    rcvNxtWhy: undefined,
    lastAckSent: undefined,
    used: false,
    sndShiftUnknown: undefined,
    rcvShiftUnknown: undefined,
    ackedBeforeRcv: undefined,
    accepted: false,
    tsRecent: undefined,
    snapshotRow: -1,
  };
  if (state !== TcpState.CLOSED && state !== TcpState.LISTEN) {
    // Declared past its SYN (a capture that starts later): the scale both ways is unknown.
    t.sndShiftUnknown = t.rcvShiftUnknown = true;
    t.rcvWnd = scaledWindow(t.rcvWnd, 0, true);
  }
  return t;
}

/**
 * Every change of a TCB's state goes through here: the send side, segment arrival, the user
 * calls and the timeouts (RFC 9293 §3.3.2, Figure 5). One choke point, so a trace or a check of
 * a transition needs one line.
 */
export function setState(t: Tcb, next: TcpState): void {
  t.state = next;
}

/**
 * A window field in bytes: shifted by the scale (RFC 7323 §2.3), or, when the scale is unknown,
 * by the largest scale allowed, which bounds what the field can mean.
 */
export function scaledWindow(raw: number, shift: number, unknown: boolean | undefined): number {
  // (A shift keeps the result a small integer: 65535 << 14 still fits, and snapshots stay small.)
  return raw << (unknown ? MAX_WINDOW_SHIFT : shift);
}

/**
 * The acknowledgment number a side sends is its RCV.NXT (RFC 9293 §3.1, §3.4). A TCB that starts
 * synchronized (a capture that starts in the middle) does not know RCV.NXT: until a segment of
 * the peer reaches it, the acknowledgments it sends are the only word on it (the peer's earlier
 * segments were not seen), so the highest one is kept and becomes RCV.NXT when the first
 * segment arrives (`startRcvNxt`).
 */
export function learnRcvNxt(t: Tcb, seg: Seg): void {
  if (seg.ack && seg.ackNo && !seg.rst && !t.rcvNxt && isSynchronized(t.state)) {
    if (!t.ackedBeforeRcv || gt(seg.ackNo, t.ackedBeforeRcv) || Number.isNaN(diff(seg.ackNo, t.ackedBeforeRcv))) t.ackedBeforeRcv = seg.ackNo;
  }
}

/**
 * RCV.NXT of a synchronized TCB that has none when a segment arrives: what it has acknowledged
 * (see `learnRcvNxt`), else the segment's own number (nothing better is known).
 */
export function startRcvNxt(t: Tcb, seg: Seg): SeqValue | undefined {
  const acked = t.ackedBeforeRcv;
  return acked && seg.seq && !Number.isNaN(diff(seg.seq, acked)) ? acked : seg.seq;
}

/** A segment as the machine sees it, with numbers already resolved. */
export interface Seg {
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  seq?: SeqValue;
  ackNo?: SeqValue;
  len: number;
  win?: number;
  wscale?: number;
  /** The flow marks it a retransmission (`rtx`; the importer writes it on every one it sees). */
  rtx?: boolean;
  /** The timestamp option's TSval, when written (`ts=VAL/ECR`, RFC 7323). */
  tsVal?: number;
}

/** Sequence space a segment occupies: SYN and FIN one number each, data its length (§3.4). */
export function segLen(seg: Seg): number {
  return seg.len + (seg.syn ? 1 : 0) + (seg.fin ? 1 : 0);
}

/** Forget one incarnation's sequence variables. */
export function resetSequence(t: Tcb): void {
  t.iss = t.irs = t.sndUna = t.sndNxt = t.rcvNxt = t.finSeq = t.peerFin = undefined;
  t.synText = t.probeAt = t.sndWl1 = t.sndWl2 = t.rcvRead = t.rcvEdge = undefined;
  t.sndNxtWhy = t.rcvNxtWhy = undefined;
  t.finReceived = false;
  t.ooo = [];
  t.lastAckSent = undefined;
  t.ackedBeforeRcv = undefined;
}

export function enterTimeWait(t: Tcb, clock: number): void {
  setState(t, TcpState.TIME_WAIT);
  t.timeWaitAt = clock;
}

/** Timeouts (RFC 9293 §3.10.8): TIME_WAIT ends after 2×MSL. */
export function advanceClock(t: Tcb, clock: number, mslMs: number): boolean {
  if (t.state === TcpState.TIME_WAIT && t.timeWaitAt !== undefined && clock - t.timeWaitAt >= 2 * mslMs) {
    setState(t, TcpState.CLOSED);
    return true;
  }
  return false;
}
