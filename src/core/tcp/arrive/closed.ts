/** RFC 9293 §3.10.7.1: a segment arrives at an endpoint in CLOSED (there is no TCB). */
import { add } from '../seq';
import { RULE } from '../rules';
import { Seg, Tcb, segLen } from '../tcb';
import { Arrival, RecvOutcome, shared } from './outcome';

const NOTHING_TO_RESET = shared('ignored', RULE.closed);

export function arriveClosed(t: Tcb, seg: Seg, a: Arrival): RecvOutcome {
  // RFC 9293 §3.10.7.1: an incoming RST is discarded; there is nothing to reset.
  if (seg.rst) {
    t.rstDiscarded = true;
    return NOTHING_TO_RESET;
  }
  // RFC 9293 §3.10.7.1: anything else is discarded and answered with RST: <SEQ=SEG.ACK><CTL=RST>
  // when it carries an ACK, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
  t.owesRst = seg.ack ? { seq: seg.ackNo, rule: RULE.closed } : { seq: undefined, ack: seg.seq ? add(seg.seq, segLen(seg)) : undefined, rule: RULE.closed };
  const reply = seg.ack ? `seq=${a.fmt(seg.ackNo)}` : `ACK seq=0 ack=${a.fmt(seg.seq ? add(seg.seq, segLen(seg)) : undefined)}`;
  return { kind: 'rst', reason: 'closedAnswersRst', reasonArgs: [reply], rule: RULE.closed };
}
