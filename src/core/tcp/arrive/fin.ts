/** RFC 9293 §3.10.7.4 eighth: check the FIN bit. */
import { add, equal, lt } from '../seq';
import { TcpState } from '../states';
import { Seg, Tcb, enterTimeWait, setState } from '../tcb';
import type { Arrival, RecvOutcome } from './outcome';
import { ourFinAcked } from './ack';
import { ALREADY_TAKEN } from './text';

/** `fate` is what the seventh step did with the text; the FIN may make it a duplicate. */
export function checkFin(t: Tcb, seg: Seg, a: Arrival, fate: RecvOutcome): RecvOutcome {
  if (t.peerFin && t.rcvNxt && equal(t.peerFin, t.rcvNxt)) {
    // RFC 9293 §3.10.7.4 eighth: the FIN is next in order: RCV.NXT advances over it and it is
    // acknowledged ("connection closing").
    t.rcvNxt = add(t.rcvNxt, 1);
    t.rcvNxtWhy = seg.fin ? a.why : t.rcvNxtWhy;
    t.peerFin = undefined;
    t.finReceived = true;
    switch (t.state) {
      case TcpState.SYN_RCVD:
      case TcpState.ESTABLISHED:
        // RFC 9293 §3.10.7.4 eighth: FIN in SYN-RECEIVED or ESTABLISHED enters CLOSE-WAIT.
        setState(t, TcpState.CLOSE_WAIT);
        break;
      case TcpState.FIN_WAIT_1:
        // RFC 9293 §3.10.7.4 eighth: FIN in FIN-WAIT-1 enters TIME-WAIT if our FIN is acknowledged
        // (perhaps by this segment), else CLOSING.
        if (ourFinAcked(t)) enterTimeWait(t, a.clock);
        else setState(t, TcpState.CLOSING);
        break;
      case TcpState.FIN_WAIT_2:
        // RFC 9293 §3.10.7.4 eighth: FIN in FIN-WAIT-2 enters TIME-WAIT.
        enterTimeWait(t, a.clock);
        break;
      case TcpState.TIME_WAIT:
        // RFC 9293 §3.10.7.4 eighth: FIN in TIME-WAIT restarts the 2 MSL timeout.
        t.timeWaitAt = a.clock;
        break;
      // RFC 9293 §3.10.7.4 eighth: CLOSE-WAIT, CLOSING and LAST-ACK remain where they are.
    }
    return fate;
  }
  if (seg.fin && t.state === TcpState.TIME_WAIT) {
    // RFC 9293 §3.10.7.4 fifth, TIME-WAIT: a retransmission of the remote FIN is acknowledged and
    // restarts the 2 MSL timeout.
    t.timeWaitAt = a.clock;
    return ALREADY_TAKEN;
  }
  // A FIN before RCV.NXT (its place known, already taken) is a retransmission.
  if (seg.fin && t.rcvNxt && t.peerFin === undefined && seg.seq && lt(seg.seq, t.rcvNxt)) return ALREADY_TAKEN;
  return fate;
}
