/**
 * SEGMENT ARRIVES (RFC 9293 §3.10.7), one module per step of the RFC, in its order. Read the
 * section first; each rule below is one arm with one line of prose and its section, so that
 * grepping a section number (`3.10.7.4`) finds the rule.
 *
 *   closed.ts    §3.10.7.1  CLOSED
 *   listen.ts    §3.10.7.2  LISTEN
 *   syn-sent.ts  §3.10.7.3  SYN-SENT
 *   §3.10.7.4 for the synchronized states, step by step:
 *   sequence.ts  first   the sequence number (acceptability, Table 6)
 *   rst.ts       second  the RST bit (RFC 5961 §3.2)
 *                third   security/compartment: the notation carries none, so it always matches
 *   syn.ts       fourth  the SYN bit (RFC 5961 §4)
 *   ack.ts       fifth   the ACK field
 *                sixth   the URG bit: the notation carries no urgent pointer, nothing to signal
 *   text.ts      seventh the segment text
 *   fin.ts       eighth  the FIN bit
 *   time-wait.ts §3.6.1   a new SYN that reopens a connection from TIME-WAIT (RFC 6191)
 *
 * These modules decide; they do not report. The checker turns their outcomes into findings.
 * Every state change goes through `setState` (tcb.ts).
 */
import { type SeqValue, tsCompare } from '../seq';
import { TcpState } from '../states';
import type { Seg, Tcb, Why } from '../tcb';
import { Arrival, RecvOutcome } from './outcome';
import { arriveClosed } from './closed';
import { arriveListen } from './listen';
import { arriveSynSent } from './syn-sent';
import { Acceptance, acceptability, unacceptable } from './sequence';
import { checkRst } from './rst';
import { checkSyn } from './syn';
import { checkAck } from './ack';
import { processText } from './text';
import { checkFin } from './fin';
export { reopensTimeWait } from './time-wait';

export type { RecvKind, RecvOutcome } from './outcome';

/**
 * A segment arrives at the receiving side's TCB `t`. `fmt` turns a value into the notes'
 * notation for the reasons given in messages.
 */
export function receive(t: Tcb, seg: Seg, clock: number, why: Why, fmt: (v: SeqValue | undefined) => string): RecvOutcome {
  const a: Arrival = { clock, why, fmt };
  t.rstDiscarded = false;
  let out: RecvOutcome;
  switch (t.state) {
    case TcpState.CLOSED:
      out = arriveClosed(t, seg, a);
      break;
    case TcpState.LISTEN:
      out = arriveListen(t, seg, a);
      break;
    case TcpState.SYN_SENT:
      out = arriveSynSent(t, seg, a);
      break;
    default:
      out = arriveSynchronized(t, seg, a);
  }
  // RFC 7323 §4.3: TS.Recent is the TSval of the last segment taken (never moved back; a SYN of
  // a new incarnation starts it again, RFC 9293 §3.10.7.2 resets the rest).
  if (seg.tsVal !== undefined && (out.kind === 'accepted' || out.kind === 'queued') && (t.tsRecent === undefined || seg.syn || tsCompare(seg.tsVal, t.tsRecent) > 0)) t.tsRecent = seg.tsVal;
  return out;
}

/** RFC 9293 §3.10.7.4: SYN-RECEIVED and every later state, the eight steps in order. */
function arriveSynchronized(t: Tcb, seg: Seg, a: Arrival): RecvOutcome {
  const acc = acceptability(t, seg); // first
  if (seg.rst) return checkRst(t, seg, acc); // second
  // (A SYN goes on to the fourth step whatever its number: RFC 5961 §4 answers it the same way.)
  if (acc !== Acceptance.Yes && !seg.syn) {
    // RFC 9293 §3.10.7.4 fifth and eighth, TIME-WAIT: the remote FIN again (below RCV.NXT, so it
    // fails the first check) is acknowledged and restarts the 2 MSL timeout.
    if (acc === Acceptance.Old && seg.fin && t.state === TcpState.TIME_WAIT) t.timeWaitAt = a.clock;
    return unacceptable(acc); // first: ACK and drop
  }
  // third: security, nothing to check
  if (seg.syn) {
    const out = checkSyn(t, seg); // fourth
    if (out) return out;
  }
  return fromFifthStep(t, seg, a);
}

/** RFC 9293 §3.10.7.4 fifth to eighth: the ACK field, the text, the FIN. */
function fromFifthStep(t: Tcb, seg: Seg, a: Arrival): RecvOutcome {
  const out = checkAck(t, seg, a); // fifth
  if (out) return out;
  // sixth: URG, nothing to check
  const fate = processText(t, seg, a); // seventh
  return checkFin(t, seg, a, fate); // eighth
}

/**
 * Header prediction's arrival: `receive` for a segment the caller has found acceptable (the
 * first check, Table 6) in a synchronized state, with neither RST nor SYN nor a timestamp, so
 * that the second to fourth checks have nothing to do: it goes on from the fifth.
 */
export function receiveAcceptable(t: Tcb, seg: Seg, clock: number, why: Why, fmt: (v: SeqValue | undefined) => string): RecvOutcome {
  t.rstDiscarded = false;
  return fromFifthStep(t, seg, { clock, why, fmt });
}
