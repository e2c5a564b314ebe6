/**
 * A new SYN for a connection in TIME-WAIT (RFC 9293 §3.6.1 MAY-2, with RFC 6191 §2 for SHLD-4).
 *
 * RFC 9293 §3.6.1: a TCB that closed actively lingers in TIME-WAIT for 2 MSL (MUST-13), "However,
 * it MAY accept a new SYN from the remote TCP endpoint to reopen the connection directly from
 * TIME-WAIT state (MAY-2)", and the timestamp algorithm of RFC 6191 SHOULD be used (SHLD-4).
 * RFC 6191 §2 says which SYN reopens it: one whose timestamp is newer than the last one seen on
 * the old incarnation, or (equal timestamps, or none on either incarnation) whose sequence number
 * is above the last one seen (RCV.NXT); a SYN that carries timestamps when the old incarnation
 * had none reopens it too. Any other SYN may be an old duplicate and leaves TIME-WAIT alone.
 */
import { diff, tsCompare } from '../seq';
import { TcpState } from '../states';
import type { Seg, Tcb } from '../tcb';

/**
 * Does this SYN reopen the TIME-WAIT connection `t` (RFC 9293 §3.6.1 MAY-2, RFC 6191 §2)? A
 * sequence number the notes leave unrelated to the old one (a fresh name, a new unknown ISN)
 * says nothing against it: only a number shown to be old, or an older timestamp, does.
 */
export function reopensTimeWait(t: Tcb, seg: Seg): boolean {
  if (t.state !== TcpState.TIME_WAIT || !seg.syn || seg.ack) return false;
  if (seg.tsVal !== undefined) {
    // RFC 6191 §2: the old incarnation had no timestamps: honour a SYN that carries them.
    if (t.tsRecent === undefined) return true;
    // RFC 6191 §2: a timestamp newer than the last seen honours it, an older one does not.
    const o = tsCompare(seg.tsVal, t.tsRecent);
    if (o !== 0) return o > 0;
  }
  // RFC 6191 §2 (and RFC 9293 §3.6.1): the SYN's sequence number above the last seen (RCV.NXT).
  if (!seg.seq || !t.rcvNxt) return true;
  const d = diff(seg.seq, t.rcvNxt);
  return Number.isNaN(d) || d > 0;
}
