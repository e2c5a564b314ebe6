/** RFC 9293 §3.10.7.4 fifth: check the ACK field. */
import { diff, gt, le, lt } from '../seq';
import { TcpState } from '../states';
import { RULE } from '../rules';
import { Seg, Tcb, enterTimeWait, scaledWindow, setState } from '../tcb';
import { Arrival, RecvOutcome, shared } from './outcome';

const NO_ACK: RecvOutcome = Object.freeze({ kind: 'dropped', reason: 'noAckDropped', rule: RULE.other });
const LAST_ACK_DONE = shared('accepted', RULE.other);

/** Has the peer acknowledged our FIN (SND.UNA is past it)? */
export function ourFinAcked(t: Tcb): boolean {
  return !!t.finSeq && !!t.sndUna && gt(t.sndUna, t.finSeq);
}

/** Is this segment's window newer than the one in force (RFC 9293 §3.10.7.4 fifth)? */
function newerWindow(t: Tcb, seg: Seg): boolean {
  if (!t.sndWl1 || !seg.seq) return true;
  const d = diff(seg.seq, t.sndWl1);
  if (Number.isNaN(d) || d > 0) return true;
  if (d < 0) return false;
  if (!t.sndWl2 || !seg.ackNo) return true;
  const e = diff(seg.ackNo, t.sndWl2);
  return Number.isNaN(e) || e >= 0;
}

/** Undefined when processing goes on to the segment's text and FIN. */
export function checkAck(t: Tcb, seg: Seg, a: Arrival): RecvOutcome | undefined {
  // RFC 9293 §3.10.7.4 fifth: "if the ACK bit is off, drop the segment and return".
  if (!seg.ack) return NO_ACK;
  if (seg.ackNo) {
    if (t.state === TcpState.SYN_RCVD) {
      // RFC 9293 §3.10.7.4 fifth: in SYN-RECEIVED an ACK outside SND.UNA < SEG.ACK =< SND.NXT is
      // answered with <SEQ=SEG.ACK><CTL=RST>.
      if (t.sndUna && t.sndNxt && !(lt(t.sndUna, seg.ackNo) && le(seg.ackNo, t.sndNxt))) {
        t.owesRst = { seq: seg.ackNo, rule: RULE.other };
        return { kind: 'rst', reason: 'badAckSynRcvd', reasonArgs: [a.fmt(t.sndNxt)], rule: RULE.other };
      }
      // RFC 9293 §3.10.7.4 fifth: an acceptable ACK in SYN-RECEIVED enters ESTABLISHED.
      setState(t, TcpState.ESTABLISHED);
    }
    // RFC 9293 §3.10.7.4 fifth, ESTABLISHED: SND.UNA < SEG.ACK =< SND.NXT advances SND.UNA; a
    // duplicate (SEG.ACK =< SND.UNA) is ignored.
    if (t.sndUna && t.sndNxt && lt(t.sndUna, seg.ackNo) && le(seg.ackNo, t.sndNxt)) t.sndUna = seg.ackNo;
    // (A TCB that starts synchronized learns SND.UNA from the first ACK it gets.)
    else if (!t.sndUna || Number.isNaN(diff(seg.ackNo, t.sndUna))) t.sndUna = seg.ackNo;
  } else if (t.state === TcpState.SYN_RCVD) {
    // An ACK without a number written completes the handshake as if it were SND.NXT.
    setState(t, TcpState.ESTABLISHED);
    t.sndUna = t.sndNxt;
  }
  // RFC 9293 §3.10.7.4 fifth: SEG.WND updates the send window unless the segment is older than
  // the one that set it (SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK).
  if (seg.win !== undefined && newerWindow(t, seg)) {
    t.sndWnd = scaledWindow(seg.win, t.sndShift, t.sndShiftUnknown);
    t.sndWl1 = seg.seq;
    t.sndWl2 = seg.ackNo;
  }
  if (ourFinAcked(t)) {
    switch (t.state) {
      case TcpState.FIN_WAIT_1:
        // RFC 9293 §3.10.7.4 fifth: FIN-WAIT-1 whose FIN is now acknowledged enters FIN-WAIT-2.
        setState(t, TcpState.FIN_WAIT_2);
        break;
      case TcpState.CLOSING:
        // RFC 9293 §3.10.7.4 fifth: CLOSING whose FIN is acknowledged enters TIME-WAIT.
        enterTimeWait(t, a.clock);
        break;
      case TcpState.LAST_ACK:
        // RFC 9293 §3.10.7.4 fifth: LAST-ACK whose FIN is acknowledged enters CLOSED.
        setState(t, TcpState.CLOSED);
        return LAST_ACK_DONE;
    }
  }
  return undefined;
}
