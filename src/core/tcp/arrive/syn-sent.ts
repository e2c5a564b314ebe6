/** RFC 9293 §3.10.7.3: a segment arrives at an endpoint in SYN-SENT (it sent a SYN). */
import { SeqValue, add, gt, le } from '../seq';
import { TcpState } from '../states';
import { RULE } from '../rules';
import { Seg, Tcb, setState } from '../tcb';
import { Arrival, RecvOutcome, shared } from './outcome';

const RST_IGNORED: RecvOutcome = Object.freeze({ kind: 'ignored', reason: 'rstIgnoredSynSent', rule: RULE.synSent });
const NO_SYN_DROPPED: RecvOutcome = Object.freeze({ kind: 'dropped', reason: 'synSentNeedsSyn', rule: RULE.synSent });
const RESET = shared('reset', RULE.synSent);
const SYN_TAKEN = shared('accepted', RULE.synSent);

/** RFC 9293 §3.10.7.3 first: SEG.ACK =< ISS or SEG.ACK > SND.NXT does not acknowledge our SYN. */
export function ackUnacceptable(t: Tcb, ackNo: SeqValue): boolean {
  return !!t.iss && !!t.sndNxt && (le(ackNo, t.iss) || gt(ackNo, t.sndNxt));
}

export function arriveSynSent(t: Tcb, seg: Seg, a: Arrival): RecvOutcome {
  // First, the ACK bit.
  let ackOk = false;
  if (seg.ack) {
    if (seg.ackNo && ackUnacceptable(t, seg.ackNo)) {
      // RFC 9293 §3.10.7.3 first: an unacceptable ACK on an RST: drop the segment.
      if (seg.rst) return RST_IGNORED;
      // RFC 9293 §3.10.7.3 first: an unacceptable ACK (SEG.ACK =< ISS or > SND.NXT) is answered
      // with <SEQ=SEG.ACK><CTL=RST>; the segment is discarded and the state stays SYN-SENT.
      t.owesRst = { seq: seg.ackNo, rule: RULE.synSent };
      return { kind: 'rst', reason: 'badAckSynSent', reasonArgs: [a.fmt(t.sndNxt)], rule: RULE.synSent };
    }
    ackOk = true;
  }
  // Second, the RST bit.
  if (seg.rst) {
    // RFC 9293 §3.10.7.3 second: RST with an acceptable ACK: "connection reset", enter CLOSED.
    if (ackOk) {
      setState(t, TcpState.CLOSED);
      return RESET;
    }
    // RFC 9293 §3.10.7.3 second: RST without an ACK: drop it.
    return RST_IGNORED;
  }
  // Third, security: the notation carries no security/compartment, so it always matches.
  // RFC 9293 §3.10.7.3 fifth: neither SYN nor RST: drop the segment.
  if (!seg.syn) return NO_SYN_DROPPED;
  // RFC 9293 §3.10.7.3 fourth: a SYN sets IRS and RCV.NXT (text on it is taken in order).
  t.irs = seg.seq;
  t.rcvNxt = seg.seq ? add(seg.seq, 1 + seg.len) : undefined;
  t.rcvNxtWhy = a.why;
  // RFC 9293 §3.10.7.3 fourth: SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK.
  if (seg.win !== undefined) t.sndWnd = seg.win;
  t.sndWl1 = seg.seq;
  t.sndWl2 = seg.ackNo;
  if (seg.wscale !== undefined && (t.wsOffered || t.rcvShiftUnknown)) {
    // (A SYN,ACK carries the option only if the SYN did, RFC 7323 §2.2: when that SYN is not in
    // the flow, this side's own scale stays unknown.)
    t.sndShift = seg.wscale;
    t.sndShiftUnknown = false;
  } else {
    t.rcvShift = t.sndShift = 0;
    t.rcvShiftUnknown = t.sndShiftUnknown = false;
  }
  if (ackOk) {
    // RFC 9293 §3.10.7.3 fourth: our SYN is acknowledged (SND.UNA > ISS): enter ESTABLISHED.
    t.sndUna = seg.ackNo ?? t.sndNxt;
    setState(t, TcpState.ESTABLISHED);
  } else {
    // RFC 9293 §3.10.7.3 fourth: a SYN without ACK: simultaneous open (§3.5, Figure 7), enter
    // SYN-RECEIVED; text on it is queued until ESTABLISHED, as in LISTEN (see `synText`).
    setState(t, TcpState.SYN_RCVD);
    if (seg.len > 0 && t.rcvNxt) {
      t.synText = { start: add(t.rcvNxt, -seg.len), end: t.rcvNxt, why: a.why };
      t.rcvNxt = t.synText.start;
      t.rcvNxtWhy = { ...a.why, kind: 'syn' };
    }
  }
  return SYN_TAKEN;
}
