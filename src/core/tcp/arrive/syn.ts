/** RFC 9293 §3.10.7.4 fourth: check the SYN bit (RFC 5961 §4 for the synchronized states). */
import { equal } from '../seq';
import { TcpState } from '../states';
import { RULE } from '../rules';
import { Seg, Tcb, resetSequence, setState } from '../tcb';
import { RecvOutcome, shared } from './outcome';

const RETRANSMITTED_SYN = shared('duplicate', RULE.other);
const TIME_WAIT_CHALLENGE: RecvOutcome = Object.freeze({ kind: 'challenge', reason: 'synChallenge', rule: RULE.other });
// (Legal TCP, not a mistake in the notes: the half-open connection is reset to LISTEN, so the
// checker does not warn as it does about a segment the receiver drops.)
const BACK_TO_LISTEN: RecvOutcome = Object.freeze({ kind: 'reset', reason: 'synRcvdToListen', rule: RULE.other });
const CHALLENGE: RecvOutcome = Object.freeze({ kind: 'challenge', reason: 'synChallenge', rule: RULE.synChallengeAck });

/** Undefined when processing goes on (the SYN,ACK of a simultaneous open in SYN-RECEIVED). */
export function checkSyn(t: Tcb, seg: Seg): RecvOutcome | undefined {
  if (t.state === TcpState.SYN_RCVD) {
    // RFC 9293 §3.10.7.4 fourth: the peer's SYN again in SYN-RECEIVED is its retransmission
    // (our SYN,ACK was lost); it is answered with the SYN,ACK again.
    if (!seg.ack && seg.seq && t.irs && equal(seg.seq, t.irs)) return RETRANSMITTED_SYN;
    // RFC 9293 §3.5, Figure 7: a SYN,ACK in SYN-RECEIVED completes a simultaneous open; its ACK
    // is processed in the fifth step.
    if (seg.ack) return undefined;
    // RFC 9293 §3.10.7.4 fourth: another SYN in SYN-RECEIVED after a passive OPEN returns the
    // connection to LISTEN (the SYN is not taken; its sender will send it again).
    if (t.passive) {
      setState(t, TcpState.LISTEN);
      resetSequence(t);
      return BACK_TO_LISTEN;
    }
    // RFC 9293 §3.10.7.4 fourth: after an active OPEN, SYN-RECEIVED handles it like the
    // synchronized states below.
  }
  // RFC 9293 §3.10.7.4 fourth: SYN in TIME-WAIT: without timestamps (RFC 6191) it gets the
  // challenge ACK of the synchronized states.
  if (t.state === TcpState.TIME_WAIT) return TIME_WAIT_CHALLENGE;
  // RFC 9293 §3.10.7.4 fourth (RFC 5961 §4): SYN in a synchronized state, whatever its sequence
  // number: send a challenge ACK and drop it.
  return CHALLENGE;
}
