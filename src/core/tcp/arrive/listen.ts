/** RFC 9293 §3.10.7.2: a segment arrives at an endpoint in LISTEN. */
import { add } from '../seq';
import { TcpState } from '../states';
import { RULE } from '../rules';
import { Seg, Tcb, resetSequence, setState } from '../tcb';
import { Arrival, RecvOutcome, shared } from './outcome';

const RST_IGNORED: RecvOutcome = Object.freeze({ kind: 'ignored', reason: 'listenIgnores', rule: RULE.listen });
const NOT_SYN_DROPPED: RecvOutcome = Object.freeze({ kind: 'dropped', reason: 'listenIgnores', rule: RULE.listen });
const SYN_TAKEN = shared('accepted', RULE.listen);

export function arriveListen(t: Tcb, seg: Seg, a: Arrival): RecvOutcome {
  // RFC 9293 §3.10.7.2 first: an RST cannot answer anything this listener sent; ignore it.
  if (seg.rst) {
    t.rstDiscarded = true;
    return RST_IGNORED;
  }
  // RFC 9293 §3.10.7.2 second: any ACK is bad in LISTEN; answer <SEQ=SEG.ACK><CTL=RST>.
  if (seg.ack) {
    t.owesRst = { seq: seg.ackNo, rule: RULE.listen };
    return { kind: 'rst', reason: 'listenAnswersRst', reasonArgs: [`seq=${a.fmt(seg.ackNo)}`], rule: RULE.listen };
  }
  // RFC 9293 §3.10.7.2 fourth: no SYN, no RST, no ACK: drop it.
  if (!seg.syn) return NOT_SYN_DROPPED;
  // RFC 9293 §3.10.7.2 third: a SYN sets IRS and RCV.NXT = SEG.SEQ+1 and moves to SYN-RECEIVED
  // (the SYN,ACK is the listener's next segment; the checker holds it to its numbers).
  resetSequence(t);
  t.used = true;
  t.passive = true;
  t.irs = seg.seq;
  t.rcvNxt = seg.seq ? add(seg.seq, 1) : undefined;
  t.rcvNxtWhy = seg.len > 0 ? { ...a.why, kind: 'syn' } : a.why;
  // RFC 9293 §3.10.7.2 third: text on the SYN is queued for processing later (see `synText`).
  if (seg.len > 0 && t.rcvNxt) t.synText = { start: t.rcvNxt, end: add(t.rcvNxt, seg.len), why: a.why };
  setState(t, TcpState.SYN_RCVD);
  t.ooo = [];
  t.finSeq = undefined;
  t.peerFin = undefined;
  if (seg.win !== undefined) t.sndWnd = seg.win;
  t.sndWl1 = seg.seq;
  // RFC 7323 §2.2: the SYN's window-scale option is this side's shift for the windows it will
  // receive; whether scaling is on at all waits for the SYN,ACK (machine.ts, `applySend`).
  t.wsOffered = seg.wscale !== undefined;
  t.sndShift = seg.wscale ?? 0;
  t.rcvShift = 0;
  t.sndShiftUnknown = t.rcvShiftUnknown = false;
  return SYN_TAKEN;
}
