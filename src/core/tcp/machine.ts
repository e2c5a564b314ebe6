/**
 * The TCP state machine of one endpoint's side of one connection (a TCB), as RFC 9293 describes
 * it. Read first: RFC 9293 §3.3.2 (states), §3.4 (sequence numbers), §3.5 (establishing),
 * §3.6 (closing), §3.8.6 (window), §3.10 (event processing: §3.10.1 OPEN, §3.10.4 CLOSE,
 * §3.10.5 ABORT, §3.10.7 SEGMENT ARRIVES, §3.10.8 timeouts).
 *
 * This file decides; it does not report. The checker turns its verdicts into findings.
 */
import { SeqValue, add, diff, equal, gt, inWindow, le, lt, max } from './seq';
import { TcpState, isSynchronized } from './states';
import type { PhraseKey } from '../l10n/strings';

/** Citations, one format everywhere: grep a section number to find its rule. */
export const RULE = {
  seqSpace: 'RFC 9293 §3.4',
  header: 'RFC 9293 §3.1',
  handshake: 'RFC 9293 §3.5',
  oldDuplicate: 'RFC 9293 §3.5, Figure 8',
  resetGen: 'RFC 9293 §3.5.2',
  closing: 'RFC 9293 §3.6',
  keepAlive: 'RFC 9293 §3.8.4',
  window: 'RFC 9293 §3.8.6',
  zeroWindow: 'RFC 9293 §3.8.6.1',
  states: 'RFC 9293 §3.3.2',
  open: 'RFC 9293 §3.10.1',
  send: 'RFC 9293 §3.10.2',
  close: 'RFC 9293 §3.10.4',
  abort: 'RFC 9293 §3.10.5',
  closed: 'RFC 9293 §3.10.7.1',
  listen: 'RFC 9293 §3.10.7.2',
  synSent: 'RFC 9293 §3.10.7.3',
  other: 'RFC 9293 §3.10.7.4',
  timeWait: 'RFC 9293 §3.10.8',
  challengeAck: 'RFC 9293 §3.10.7.4, RFC 5961 §4',
  retransmit: 'RFC 9293 §3.8.1',
  windowScale: 'RFC 7323 §2.3',
} as const;

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
  iss?: SeqValue;
  irs?: SeqValue;
  sndUna?: SeqValue;
  sndNxt?: SeqValue;
  rcvNxt?: SeqValue;
  /** Window the peer advertised, in bytes (after scaling). */
  sndWnd?: number;
  /** Window this side advertised, in bytes. */
  rcvWnd: number;
  /** Window scale this side applies to windows it receives / sends (RFC 7323). */
  sndShift: number;
  rcvShift: number;
  wsOffered: boolean;
  /** Sequence number of our FIN, once sent. */
  finSeq?: SeqValue;
  /** The peer's FIN has been taken in order. */
  finReceived?: boolean;
  /** Sequence number of the peer's FIN, once seen (it may wait behind a gap). */
  peerFin?: SeqValue;
  /** Out-of-order data queued for reassembly: [start, end) ranges. */
  ooo: { start: SeqValue; end: SeqValue }[];
  /** Clock (ms) when TIME_WAIT was entered. */
  timeWaitAt?: number;
  closePending: boolean;
  aborted: boolean;
  /** The endpoint must answer the last segment with RST (seq, ack as RFC 9293 §3.5.2 says). */
  owesRst?: { seq?: SeqValue; ack?: SeqValue };
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
}

export function newTcb(state: TcpState, passive = false): Tcb {
  const t: Tcb = { state, passive, rcvWnd: 65535, sndShift: 0, rcvShift: 0, wsOffered: false, ooo: [], closePending: false, aborted: false, used: false };
  if (state !== TcpState.CLOSED && state !== TcpState.LISTEN) {
    // Declared past its SYN (a capture that starts later): the scale both ways is unknown.
    t.sndShiftUnknown = t.rcvShiftUnknown = true;
    t.rcvWnd = scaledWindow(t.rcvWnd, 0, true);
  }
  return t;
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
function learnRcvNxt(t: Tcb, seg: Seg): void {
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
}

/** Sequence space a segment occupies: SYN and FIN one number each, data its length (§3.4). */
export function segLen(seg: Seg): number {
  return seg.len + (seg.syn ? 1 : 0) + (seg.fin ? 1 : 0);
}

export type SendVerdict = { ok: true } | { ok: false; reason: PhraseKey; rule: string };

/**
 * May this side send this segment in its current state? (RFC 9293 §3.3.2, §3.10.) `writtenSeq`
 * is the segment's number as written, when known before the numbers are judged: after its FIN a
 * side may still retransmit data (that is no new data).
 */
export function checkSend(t: Tcb, seg: Seg, writtenSeq?: SeqValue): SendVerdict {
  if (seg.rst) return { ok: true }; // RST may be sent from any state (§3.5.2); the checker checks its numbers.
  const s = t.state;
  switch (s) {
    case TcpState.CLOSED:
      // OPEN from CLOSED sends SYN (§3.10.1); anything else has no connection to travel on.
      if (seg.syn && !seg.ack) return { ok: true };
      if (seg.syn && seg.ack) return { ok: false, reason: 'synAckOnlyFromSynRcvd', rule: RULE.handshake };
      return { ok: false, reason: 'noConnection', rule: RULE.closed };
    case TcpState.LISTEN:
      if (seg.syn && !seg.ack) return { ok: true }; // SEND in LISTEN turns the open active (§3.10.2)
      if (seg.syn && seg.ack) return { ok: false, reason: 'synAckOnlyFromSynRcvd', rule: RULE.listen };
      return { ok: false, reason: 'listenOnlySyn', rule: RULE.listen };
    case TcpState.SYN_SENT:
      if (seg.syn && !seg.ack && !seg.fin) return { ok: true }; // retransmitted SYN
      if (seg.syn && seg.ack) return { ok: false, reason: 'synAckOnlyFromSynRcvd', rule: RULE.handshake };
      if (seg.ack && !seg.syn) return { ok: false, reason: 'ackNeedsSyn', rule: RULE.synSent };
      return { ok: false, reason: 'synSentOnlySyn', rule: RULE.send };
    case TcpState.SYN_RCVD:
      if (seg.syn) return { ok: true }; // SYN,ACK (or its retransmission)
      if (seg.len > 0) return { ok: false, reason: 'dataWaits', rule: RULE.send };
      return { ok: true }; // FIN (§3.10.4 CLOSE in SYN-RECEIVED) or a bare ACK
    case TcpState.ESTABLISHED:
    case TcpState.CLOSE_WAIT:
      if (seg.syn) return { ok: false, reason: 'noSynWhenSynced', rule: RULE.other };
      return { ok: true };
    case TcpState.FIN_WAIT_1:
    case TcpState.FIN_WAIT_2:
    case TcpState.CLOSING:
    case TcpState.LAST_ACK:
      if (seg.syn) return { ok: false, reason: 'noSynWhenSynced', rule: RULE.other };
      if (seg.len > 0 && !isRetransmission(t, writtenSeq && !seg.seq ? { ...seg, seq: writtenSeq } : seg)) return { ok: false, reason: 'noDataAfterFin', rule: RULE.close };
      if (seg.fin && t.finSeq && seg.seq && !equal(add(seg.seq, seg.len), t.finSeq)) return { ok: false, reason: 'finAlreadySent', rule: RULE.closing };
      return { ok: true };
    case TcpState.TIME_WAIT:
      if (seg.syn) return { ok: true }; // reported as TIME_WAIT reuse by the checker
      if (seg.len > 0 || seg.fin) return { ok: false, reason: 'timeWaitOnlyAck', rule: RULE.timeWait };
      return { ok: true };
  }
}

/**
 * Data or control that lies before SND.NXT and not before SND.UNA: a retransmission (RFC 9293
 * §3.8.1). A segment the flow marks `rtx` may also
 * - start below SND.UNA: the sender resends what its peer has acknowledged when that ACK has not
 *   reached it yet (it crossed the retransmission, or was lost after the point where the flow
 *   was seen); the receiver drops the copy and acknowledges again (§3.10.7.4);
 * - end beyond SND.NXT: a retransmission may be repacketized to carry more data than the
 *   original segments ("may repackage segments on the retransmission queue", RFC 9293 §3.8.6),
 *   but never past a FIN.
 * Unmarked, both stay errors: in notes they are nearly always a number that went wrong earlier.
 * A segment one byte below SND.NXT with nothing outstanding is a keep-alive, not a retransmission.
 */
export function isRetransmission(t: Tcb, seg: Seg): boolean {
  if (!seg.seq || !t.sndNxt || !t.sndUna) return false;
  const n = segLen(seg);
  if (n === 0) return false;
  if (!lt(seg.seq, t.sndNxt)) return false;
  const end = add(seg.seq, n);
  if (gt(end, t.sndNxt) && (!seg.rtx || t.finSeq || seg.syn)) return false;
  if (le(t.sndUna, seg.seq)) return true;
  if (!seg.rtx) return false;
  if (isKeepAlive(t, seg)) return false;
  // Below SND.UNA: still inside what this side has sent since its ISS.
  return !t.iss || gt(seg.seq, t.iss) || (seg.syn && equal(seg.seq, t.iss));
}

/**
 * A duplicate acknowledgment as RFC 5681 §2 defines it, judged when its sender sends it: (a) the
 * peer has data outstanding, (b, c) the ACK carries no data and neither SYN nor FIN (nor RST),
 * (d) it acknowledges what the sender acknowledged last, the greatest acknowledgment the peer has
 * had, and (e) it advertises the same window as before. The sender's previous ACK may have carried
 * data: only this one must not.
 */
export function isDuplicateAck(sender: Tcb, peer: Tcb | undefined, seg: Seg): boolean {
  if (!seg.ack || seg.syn || seg.fin || seg.rst || seg.len > 0 || !seg.ackNo || !sender.lastAckSent) return false;
  if (!equal(sender.lastAckSent, seg.ackNo)) return false;
  if (seg.win !== undefined && scaledWindow(seg.win, sender.rcvShift, sender.rcvShiftUnknown) !== sender.rcvWnd) return false;
  return !(peer?.sndUna && peer.sndNxt && equal(peer.sndUna, peer.sndNxt));
}

/** A keep-alive probe: seq one before SND.NXT with at most one byte (RFC 9293 §3.8.4). */
export function isKeepAlive(t: Tcb, seg: Seg): boolean {
  return !!seg.seq && !!t.sndNxt && seg.len <= 1 && !seg.syn && !seg.fin && !seg.rst && equal(add(seg.seq, 1), t.sndNxt) && isSynchronized(t.state);
}

/** Update the sender's TCB after it sends `seg` (state change and SND.NXT). */
export function applySend(t: Tcb, seg: Seg, why: Why): void {
  t.used = true;
  if (seg.rst) {
    // An RST that answers an unacceptable segment leaves the state alone (§3.10.7.1-3);
    // any other RST aborts the connection (§3.10.5).
    if (!t.owesRst) t.state = TcpState.CLOSED;
    t.owesRst = undefined;
    return;
  }
  if (seg.syn && (t.state === TcpState.CLOSED || t.state === TcpState.LISTEN || t.state === TcpState.TIME_WAIT)) {
    t.state = TcpState.SYN_SENT;
    t.iss = seg.seq;
    t.sndUna = seg.seq;
    t.sndNxt = seg.seq;
    t.rcvNxt = undefined;
    t.irs = undefined;
    t.finSeq = undefined;
    t.peerFin = undefined;
    t.ooo = [];
    t.passive = false;
    t.closePending = false;
    t.wsOffered = seg.wscale !== undefined;
    if (seg.wscale !== undefined) t.rcvShift = seg.wscale;
    t.sndShiftUnknown = t.rcvShiftUnknown = false;
  } else if (seg.syn && seg.ack && t.rcvShiftUnknown) {
    // The SYN,ACK of a TCB declared past the peer's SYN: it carries this side's scale, or, without
    // the option, scaling is off both ways (RFC 7323 §2.2).
    t.rcvShift = seg.wscale ?? 0;
    t.rcvShiftUnknown = false;
    if (seg.wscale === undefined) {
      t.sndShift = 0;
      t.sndShiftUnknown = false;
    }
  }
  if (seg.win !== undefined) t.rcvWnd = seg.syn ? seg.win : scaledWindow(seg.win, t.rcvShift, t.rcvShiftUnknown);
  if (seg.syn && seg.seq && !t.iss) t.iss = seg.seq;
  if (seg.seq) {
    const end = add(seg.seq, segLen(seg));
    if (!t.sndNxt || gt(end, t.sndNxt) || Number.isNaN(diff(end, t.sndNxt))) {
      t.sndNxt = end;
      t.sndNxtWhy = why;
    }
    if (!t.sndUna || Number.isNaN(diff(seg.seq, t.sndUna))) t.sndUna = seg.seq;
    if (seg.fin) t.finSeq = add(seg.seq, seg.len);
  } else if (t.sndNxt) {
    // Numbers not written: the segment still occupies its space.
    if (!isSynchronized(t.state) && seg.syn) {
      // retransmitted SYN without a number: nothing moves
    } else if (segLen(seg) > 0) {
      if (seg.fin) t.finSeq = add(t.sndNxt, seg.len);
      t.sndNxt = add(t.sndNxt, segLen(seg));
      t.sndNxtWhy = why;
    }
  }
  if (seg.fin) {
    t.closePending = false;
    if (t.state === TcpState.ESTABLISHED || t.state === TcpState.SYN_RCVD) t.state = TcpState.FIN_WAIT_1;
    else if (t.state === TcpState.CLOSE_WAIT) t.state = TcpState.LAST_ACK;
  }
  learnRcvNxt(t, seg);
  t.owesRst = undefined;
}

export type RecvKind = 'accepted' | 'queued' | 'duplicate' | 'dropped' | 'rst' | 'challenge' | 'reset' | 'ignored';

export interface RecvOutcome {
  kind: RecvKind;
  /** Why the segment was not simply accepted. */
  reason?: PhraseKey;
  reasonArgs?: string[];
  rule: string;
}

const ok = (rule: string): RecvOutcome => ({ kind: 'accepted', rule });

/**
 * SEGMENT ARRIVES (RFC 9293 §3.10.7), for the receiving side's TCB. `fmt` turns a value into the
 * notes' notation for messages.
 */
export function receive(t: Tcb, seg: Seg, clock: number, why: Why, fmt: (v: SeqValue | undefined) => string): RecvOutcome {
  switch (t.state) {
    case TcpState.CLOSED: {
      // §3.10.7.1: everything is discarded; anything but RST is answered with RST.
      if (seg.rst) return { kind: 'ignored', rule: RULE.closed }; // nothing to reset
      t.owesRst = seg.ack ? { seq: seg.ackNo } : { seq: undefined, ack: seg.seq ? add(seg.seq, segLen(seg)) : undefined };
      const reply = seg.ack ? `seq=${fmt(seg.ackNo)}` : `ACK seq=0 ack=${fmt(seg.seq ? add(seg.seq, segLen(seg)) : undefined)}`;
      return { kind: 'rst', reason: 'closedAnswersRst', reasonArgs: [reply], rule: RULE.closed };
    }
    case TcpState.LISTEN: {
      // §3.10.7.2: first RST (ignore), then ACK (RST), then SYN.
      if (seg.rst) return { kind: 'ignored', reason: 'listenIgnores', rule: RULE.listen };
      if (seg.ack) {
        t.owesRst = { seq: seg.ackNo };
        return { kind: 'rst', reason: 'listenAnswersRst', reasonArgs: [`seq=${fmt(seg.ackNo)}`], rule: RULE.listen };
      }
      if (!seg.syn) return { kind: 'dropped', reason: 'listenIgnores', rule: RULE.listen };
      resetSequence(t);
      t.used = true;
      t.passive = true;
      t.irs = seg.seq;
      t.rcvNxt = seg.seq ? add(seg.seq, 1 + seg.len) : undefined;
      t.rcvNxtWhy = why;
      t.state = TcpState.SYN_RCVD;
      t.ooo = [];
      t.finSeq = undefined;
      t.peerFin = undefined;
      if (seg.win !== undefined) t.sndWnd = seg.win;
      if (seg.wscale !== undefined) t.sndShift = seg.wscale;
      return ok(RULE.listen);
    }
    case TcpState.SYN_SENT: {
      // §3.10.7.3: check the ACK, then RST, then SYN.
      let ackOk = false;
      if (seg.ack) {
        if (seg.ackNo && t.iss && t.sndNxt && (le(seg.ackNo, t.iss) || gt(seg.ackNo, t.sndNxt))) {
          if (seg.rst) return { kind: 'ignored', reason: 'rstIgnoredSynSent', rule: RULE.synSent };
          t.owesRst = { seq: seg.ackNo };
          return { kind: 'rst', reason: 'badAckSynSent', reasonArgs: [fmt(t.sndNxt)], rule: RULE.synSent };
        }
        ackOk = true;
      }
      if (seg.rst) {
        if (ackOk) {
          t.state = TcpState.CLOSED;
          return { kind: 'reset', rule: RULE.synSent };
        }
        return { kind: 'ignored', reason: 'rstIgnoredSynSent', rule: RULE.synSent };
      }
      if (!seg.syn) return { kind: 'dropped', reason: 'synSentNeedsSyn', rule: RULE.synSent };
      t.irs = seg.seq;
      t.rcvNxt = seg.seq ? add(seg.seq, 1 + seg.len) : undefined;
      t.rcvNxtWhy = why;
      if (seg.win !== undefined) t.sndWnd = seg.win;
      if (seg.wscale !== undefined && (t.wsOffered || t.rcvShiftUnknown)) {
        // (A SYN,ACK carries the option only if the SYN did, RFC 7323 §2.2: when that SYN is not in
        // the flow, this side's own scale stays unknown.)
        t.sndShift = seg.wscale;
        t.sndShiftUnknown = false;
      } else {
        t.rcvShift = t.sndShift = 0;
        t.rcvShiftUnknown = t.sndShiftUnknown = false;
      }
      if (ackOk && seg.ackNo) {
        t.sndUna = seg.ackNo;
        t.state = TcpState.ESTABLISHED;
      } else if (ackOk) {
        t.sndUna = t.sndNxt;
        t.state = TcpState.ESTABLISHED;
      } else {
        // Simultaneous open (§3.5, Figure 7): SYN-SENT -> SYN-RECEIVED.
        t.state = TcpState.SYN_RCVD;
      }
      return ok(RULE.synSent);
    }
  }
  return receiveSynchronized(t, seg, clock, why, fmt);
}

function receiveSynchronized(t: Tcb, seg: Seg, clock: number, why: Why, fmt: (v: SeqValue | undefined) => string): RecvOutcome {
  // §3.10.7.4 first: is the segment acceptable (does it overlap the receive window)?
  const wnd = Math.max(t.rcvWnd, 0);
  let acceptable = true;
  let old = false;
  if (seg.seq && t.rcvNxt && !Number.isNaN(diff(seg.seq, t.rcvNxt))) {
    const n = segLen(seg);
    const lo = t.rcvNxt;
    const hi = add(t.rcvNxt, wnd);
    const end = add(seg.seq, Math.max(n, 1) - 1);
    if (n === 0) acceptable = wnd === 0 ? equal(seg.seq, lo) : inWindow(seg.seq, lo, hi);
    else acceptable = wnd > 0 && (inWindow(seg.seq, lo, hi) || inWindow(end, lo, hi));
    old = lt(add(seg.seq, n), add(lo, 1)) && n > 0 && !inWindow(end, lo, hi);
    if (n === 0 && lt(seg.seq, lo)) old = true;
  }
  if (seg.rst) {
    // Second: RST. Exactly RCV.NXT resets; elsewhere in the window earns a challenge ACK; outside, dropped.
    if (!seg.seq || !t.rcvNxt || equal(seg.seq, t.rcvNxt)) {
      if (t.passive && t.state === TcpState.SYN_RCVD) {
        // A passive open returns to LISTEN (§3.10.7.4 second, SYN-RECEIVED).
        t.state = TcpState.LISTEN;
        resetSequence(t);
      } else t.state = TcpState.CLOSED;
      return { kind: 'reset', rule: RULE.other };
    }
    if (acceptable) return { kind: 'challenge', rule: RULE.challengeAck };
    return { kind: 'dropped', rule: RULE.other };
  }
  if (!acceptable && !seg.syn) {
    return { kind: old ? 'duplicate' : 'dropped', reason: old ? undefined : 'outOfWindow', rule: RULE.other };
  }
  // Fourth: SYN in a synchronized state.
  if (seg.syn) {
    if (t.state === TcpState.SYN_RCVD && !seg.ack && seg.seq && t.irs && equal(seg.seq, t.irs)) {
      return { kind: 'duplicate', rule: RULE.other }; // retransmitted SYN: answered by SYN,ACK again
    }
    if (t.state === TcpState.TIME_WAIT) {
      return { kind: 'challenge', reason: 'synChallenge', rule: RULE.other };
    }
    if (!(t.state === TcpState.SYN_RCVD && seg.ack)) return { kind: 'challenge', reason: 'synChallenge', rule: RULE.challengeAck };
  }
  // Fifth: the ACK field.
  if (!seg.ack) return { kind: 'dropped', reason: 'noAckDropped', rule: RULE.other };
  if (seg.ackNo) {
    if (t.state === TcpState.SYN_RCVD) {
      if (t.sndUna && t.sndNxt && !(lt(t.sndUna, seg.ackNo) && le(seg.ackNo, t.sndNxt))) {
        t.owesRst = { seq: seg.ackNo };
        return { kind: 'rst', reason: 'badAckSynRcvd', reasonArgs: [fmt(t.sndNxt)], rule: RULE.other };
      }
      t.state = TcpState.ESTABLISHED;
    }
    if (t.sndUna && t.sndNxt && lt(t.sndUna, seg.ackNo) && le(seg.ackNo, t.sndNxt)) t.sndUna = seg.ackNo;
    else if (!t.sndUna || Number.isNaN(diff(seg.ackNo, t.sndUna))) t.sndUna = seg.ackNo;
  } else if (t.state === TcpState.SYN_RCVD) {
    t.state = TcpState.ESTABLISHED;
    t.sndUna = t.sndNxt;
  }
  if (seg.win !== undefined) t.sndWnd = scaledWindow(seg.win, t.sndShift, t.sndShiftUnknown);
  const finAcked = !!t.finSeq && !!t.sndUna && gt(t.sndUna, t.finSeq);
  if (finAcked) {
    if (t.state === TcpState.FIN_WAIT_1) t.state = TcpState.FIN_WAIT_2;
    else if (t.state === TcpState.CLOSING) enterTimeWait(t, clock);
    else if (t.state === TcpState.LAST_ACK) {
      t.state = TcpState.CLOSED;
      return ok(RULE.other);
    }
  }
  // Seventh and eighth: data and FIN, in sequence order; a gap queues what follows it.
  let kind: RecvKind = 'accepted';
  if (seg.seq && t.rcvNxt && !Number.isNaN(diff(seg.seq, t.rcvNxt))) {
    const start = seg.seq;
    const dataEnd = add(seg.seq, seg.len);
    if (seg.fin) t.peerFin = dataEnd;
    if (gt(start, t.rcvNxt)) {
      if (seg.len > 0) t.ooo.push({ start, end: dataEnd });
      kind = 'queued';
    } else if (gt(dataEnd, t.rcvNxt)) {
      t.rcvNxt = dataEnd;
      t.rcvNxtWhy = why;
    } else if (seg.len > 0 && !seg.fin) {
      kind = 'duplicate';
    }
    drainQueue(t);
  } else if (t.rcvNxt && seg.len + (seg.fin ? 1 : 0) > 0 && !seg.seq) {
    // Numbers not written: take the segment as next in order.
    if (seg.fin) t.peerFin = add(t.rcvNxt, seg.len);
    t.rcvNxt = add(t.rcvNxt, seg.len);
    t.rcvNxtWhy = why;
  }
  if (t.peerFin && t.rcvNxt && equal(t.peerFin, t.rcvNxt)) {
    // The FIN is next in order: it takes one number and moves the state (§3.10.7.4 eighth).
    t.rcvNxt = add(t.rcvNxt, 1);
    t.rcvNxtWhy = seg.fin ? why : t.rcvNxtWhy;
    t.peerFin = undefined;
    t.finReceived = true;
    switch (t.state as TcpState) {
      case TcpState.SYN_RCVD:
      case TcpState.ESTABLISHED:
        t.state = TcpState.CLOSE_WAIT;
        break;
      case TcpState.FIN_WAIT_1:
        if (finAcked) enterTimeWait(t, clock);
        else t.state = TcpState.CLOSING;
        break;
      case TcpState.FIN_WAIT_2:
        enterTimeWait(t, clock);
        break;
      case TcpState.TIME_WAIT:
        t.timeWaitAt = clock; // a retransmitted FIN restarts the 2MSL timer
        break;
    }
  } else if (seg.fin && t.state === TcpState.TIME_WAIT) {
    t.timeWaitAt = clock;
    kind = 'duplicate';
  } else if (seg.fin && t.rcvNxt && t.peerFin === undefined && seg.seq && lt(seg.seq, t.rcvNxt)) {
    kind = 'duplicate';
  }
  return { kind, rule: RULE.other };
}

/** Forget one incarnation's sequence variables. */
export function resetSequence(t: Tcb): void {
  t.iss = t.irs = t.sndUna = t.sndNxt = t.rcvNxt = t.finSeq = t.peerFin = undefined;
  t.sndNxtWhy = t.rcvNxtWhy = undefined;
  t.finReceived = false;
  t.ooo = [];
  t.lastAckSent = undefined;
  t.ackedBeforeRcv = undefined;
}

function drainQueue(t: Tcb): void {
  if (!t.rcvNxt || t.ooo.length === 0) return;
  let moved = true;
  while (moved) {
    moved = false;
    for (let i = 0; i < t.ooo.length; i++) {
      const r = t.ooo[i];
      if (le(r.start, t.rcvNxt!)) {
        t.rcvNxt = max(t.rcvNxt!, r.end);
        t.ooo.splice(i, 1);
        moved = true;
        break;
      }
    }
  }
}

export function enterTimeWait(t: Tcb, clock: number): void {
  t.state = TcpState.TIME_WAIT;
  t.timeWaitAt = clock;
}

/** Timeouts (RFC 9293 §3.10.8): TIME_WAIT ends after 2×MSL. */
export function advanceClock(t: Tcb, clock: number, mslMs: number): boolean {
  if (t.state === TcpState.TIME_WAIT && t.timeWaitAt !== undefined && clock - t.timeWaitAt >= 2 * mslMs) {
    t.state = TcpState.CLOSED;
    return true;
  }
  return false;
}
