/**
 * RFC 9293 §3.10.7.4 second: check the RST bit, with RFC 5961 §3.2's three cases (the RFC's
 * text for stacks that implement the blind-reset mitigation, as Linux does).
 */
import { equal } from '../seq';
import { TcpState } from '../states';
import { RULE } from '../rules';
import { Seg, Tcb, resetSequence, setState } from '../tcb';
import { RecvOutcome, shared } from './outcome';
import { Acceptance } from './sequence';

const RESET = shared('reset', RULE.other);
const CHALLENGE = shared('challenge', RULE.challengeAck);
const DROPPED = shared('dropped', RULE.other);

export function checkRst(t: Tcb, seg: Seg, acc: Acceptance): RecvOutcome {
  const exact = !seg.seq || !t.rcvNxt || equal(seg.seq, t.rcvNxt);
  if (!exact) {
    // RFC 9293 §3.10.7.4 second (RFC 5961 §3.2): an RST in the window but not at RCV.NXT is
    // answered with a challenge ACK and dropped.
    if (acc === Acceptance.Yes) return CHALLENGE;
    // RFC 9293 §3.10.7.4 second (RFC 5961 §3.2): an RST outside the window is silently dropped.
    return DROPPED;
  }
  switch (t.state) {
    case TcpState.SYN_RCVD:
      // RFC 9293 §3.10.7.4 second: RST in SYN-RECEIVED after a passive OPEN returns to LISTEN.
      if (t.passive) {
        setState(t, TcpState.LISTEN);
        resetSequence(t);
        return RESET;
      }
      // RFC 9293 §3.10.7.4 second: RST in SYN-RECEIVED after an active OPEN: "connection
      // refused", enter CLOSED.
      setState(t, TcpState.CLOSED);
      return RESET;
    default:
      // RFC 9293 §3.10.7.4 second: RST in ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT ("connection
      // reset") and in CLOSING, LAST-ACK, TIME-WAIT: enter CLOSED.
      setState(t, TcpState.CLOSED);
      return RESET;
  }
}
