/**
 * The send side of one endpoint's TCB (RFC 9293): may this side send this segment now
 * (`checkSend`), what kind of sending it is (retransmission, keep-alive, duplicate ACK), and what
 * sending it changes (`applySend`). Segment arrival is `arrive/` (§3.10.7, one module per step);
 * the TCB and `setState` are `tcb.ts`; citations are `rules.ts`. Read first: RFC 9293 §3.3.2
 * (states), §3.4 (sequence numbers), §3.5 (establishing), §3.6 (closing), §3.8 (retransmission,
 * keep-alive, window), §3.10.1-§3.10.6 (the user calls), §3.10.8 (timeouts).
 *
 * This file decides; it does not report. The checker turns its verdicts into findings.
 */
import { SeqValue, add, diff, equal, gt, le, lt } from './seq';
import { TcpState, isSynchronized } from './states';
import type { PhraseKey } from '../l10n/strings';
import { RULE } from './rules';
import { Seg, Tcb, Why, learnRcvNxt, scaledWindow, segLen, setState } from './tcb';
import { synTextAck, takeSynText } from './arrive/text';

export { RULE } from './rules';
export { MAX_WINDOW_SHIFT, advanceClock, enterTimeWait, newTcb, resetSequence, scaledWindow, segLen, setState, startRcvNxt } from './tcb';
export type { Seg, Tcb, Why } from './tcb';
export { receive, receiveAcceptable, reopensTimeWait } from './arrive/index';
export { synTextAck } from './arrive/text';
export { ackUnacceptable } from './arrive/syn-sent';
export type { RecvKind, RecvOutcome } from './arrive/index';

export type SendVerdict = { ok: true } | { ok: false; reason: PhraseKey; rule: string };

/**
 * May this side send this segment in its current state? (RFC 9293 §3.3.2, §3.10.) `writtenSeq`
 * is the segment's number as written, when known before the numbers are judged: after its FIN a
 * side may still retransmit data (that is no new data).
 */
export function checkSend(t: Tcb, seg: Seg, writtenSeq?: SeqValue): SendVerdict {
  if (seg.rst) {
    // RFC 9293 §3.5.2 (reset generation, rule 1): with no connection an RST only answers an
    // incoming segment; after ABORT (§3.10.5) the RST is the abort's own.
    if ((t.state === TcpState.CLOSED || t.state === TcpState.LISTEN) && !t.owesRst && !t.aborted) {
      // RFC 9293 §3.10.7.1, §3.10.7.2 first: an incoming RST is discarded, never answered.
      if (t.rstDiscarded) return { ok: false, reason: 'rstNeverAnswered', rule: t.state === TcpState.CLOSED ? RULE.closed : RULE.listen };
      return { ok: false, reason: 'rstOnlyAnswers', rule: RULE.resetGen };
    }
    return { ok: true }; // RST may be sent from any other state; the checker checks its numbers.
  }
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
 * Two resends go past SND.NXT unmarked, since the RFC says where they start: from a window probe
 * the receiver did not take (§3.8.6.1), and from SYN text the peer did not acknowledge
 * (§3.10.7.2).
 * A segment one byte below SND.NXT with nothing outstanding is a keep-alive, not a retransmission.
 */
export function isRetransmission(t: Tcb, seg: Seg): boolean {
  if (!seg.seq || !t.sndNxt || !t.sndUna) return false;
  const n = segLen(seg);
  if (n === 0) return false;
  if (!lt(seg.seq, t.sndNxt)) return false;
  const end = add(seg.seq, n);
  // A FIN is sent once, at the end of the data (RFC 9293 §3.10.4): unmarked, a FIN below SND.NXT
  // repeats the one already sent at its number, or it is no retransmission at all.
  if (seg.fin && !seg.rtx && lt(add(seg.seq, seg.len), t.sndNxt) && !(t.finSeq && equal(add(seg.seq, seg.len), t.finSeq))) return false;
  // RFC 9293 §3.8.6.1: the receiver did not take a window probe; once the window opens the sender
  // sends from SND.UNA again, the probe's byte and the data after it.
  if (gt(end, t.sndNxt) && t.probeAt && equal(seg.seq, t.probeAt) && equal(t.sndUna, t.probeAt) && !t.finSeq && !seg.syn) return true;
  // RFC 9293 §3.10.7.2: the peer acknowledged only our SYN, not the text on it (Linux without TCP
  // Fast Open drops it); we send that text again from SND.UNA, and may send more with it.
  if (gt(end, t.sndNxt) && t.sndNxtWhy?.kind === 'syndata' && equal(seg.seq, t.sndUna) && !t.finSeq && !seg.syn) return true;
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

/**
 * RFC 9293 §3.10.7.4 fifth: "if the ACK bit is off, drop the segment and return". Once a side is
 * synchronized every segment it sends carries ACK; only an RST may go without (§3.5.2), and a
 * SYN is refused by `checkSend` already.
 */
export function lacksAck(t: Tcb, seg: Seg): boolean {
  return !seg.ack && !seg.rst && !seg.syn && isSynchronized(t.state);
}

/**
 * A keep-alive probe: seq one before SND.NXT with at most one byte (RFC 9293 §3.8.4), sent on a
 * connection this side has acknowledged. Before its first ACK (the third segment of the
 * handshake) SND.NXT-1 is the ISN, and a segment there is the ISN written where ISN+1 belongs
 * (the SYN takes one number, §3.4), not a probe.
 */
export function isKeepAlive(t: Tcb, seg: Seg): boolean {
  if (!seg.seq || !t.sndNxt || seg.len > 1 || seg.syn || seg.fin || seg.rst || !isSynchronized(t.state)) return false;
  if (!equal(add(seg.seq, 1), t.sndNxt)) return false;
  return !(t.iss && !t.lastAckSent && equal(seg.seq, t.iss));
}

/** Update the sender's TCB after it sends `seg` (state change and SND.NXT). */
export function applySend(t: Tcb, seg: Seg, why: Why): void {
  t.used = true;
  t.rstDiscarded = false;
  if (seg.rst) {
    // An RST that answers an unacceptable segment leaves the state alone (§3.10.7.1-3);
    // any other RST aborts the connection (§3.10.5).
    if (!t.owesRst) setState(t, TcpState.CLOSED);
    t.owesRst = undefined;
    t.aborted = false;
    return;
  }
  if (seg.syn && (t.state === TcpState.CLOSED || t.state === TcpState.LISTEN || t.state === TcpState.TIME_WAIT)) {
    setState(t, TcpState.SYN_SENT);
    t.iss = seg.seq;
    t.sndUna = seg.seq;
    t.sndNxt = seg.seq;
    t.rcvNxt = undefined;
    t.irs = undefined;
    t.rcvRead = t.rcvEdge = undefined;
    t.finSeq = undefined;
    t.peerFin = undefined;
    t.probeAt = undefined;
    t.synText = undefined;
    t.sndWl1 = t.sndWl2 = undefined;
    t.ooo = [];
    t.passive = false;
    t.closePending = false;
    t.wsOffered = seg.wscale !== undefined;
    if (seg.wscale !== undefined) t.rcvShift = seg.wscale;
    t.sndShiftUnknown = t.rcvShiftUnknown = false;
  } else if (seg.syn && seg.ack && t.passive && t.state === TcpState.SYN_RCVD && !t.rcvShiftUnknown) {
    // RFC 7323 §2.2, §2.3: the listener's SYN,ACK carries its own shift only if the peer's SYN
    // carried the option; scaling is in effect only when both did, else it is off both ways.
    if (t.wsOffered && seg.wscale !== undefined) t.rcvShift = seg.wscale;
    else t.rcvShift = t.sndShift = 0;
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
  // RFC 9293 §3.8.6.1: one byte sent into a zero window is a probe.
  if (seg.len === 1 && t.sndWnd === 0 && seg.seq && !seg.syn && !seg.fin) t.probeAt = seg.seq;
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
    if (t.state === TcpState.ESTABLISHED || t.state === TcpState.SYN_RCVD) setState(t, TcpState.FIN_WAIT_1);
    else if (t.state === TcpState.CLOSE_WAIT) setState(t, TcpState.LAST_ACK);
  }
  // A listener that acknowledges the text of the SYN has taken it (RFC 9293 §3.10.7.2, RFC 7413).
  if (seg.ack && seg.ackNo && t.synText) {
    const all = synTextAck(t);
    if (all && equal(seg.ackNo, all)) takeSynText(t);
  }
  learnRcvNxt(t, seg);
  t.owesRst = undefined;
}
