/**
 * The accept queue (全连接队列) of a listener: connections whose handshake completed and that the
 * application has not yet taken with `accept()`.
 *
 * RFC 9293 §3.10.1 leaves the queueing of passive OPENs to the implementation. The notation
 * follows Linux: `backlog=N` on a server bounds the SYN queue (connections in SYN-RECEIVED),
 * `acceptq=N` the accept queue (on Linux the `backlog` argument of listen() bounds this one, and
 * net.ipv4.tcp_max_syn_backlog the SYN queue). When the accept queue is full, Linux (with
 * net.ipv4.tcp_abort_on_overflow = 0) drops the ACK that completes a handshake: the listener's
 * connection stays SYN-RECEIVED and it retransmits its SYN,ACK (RFC 9293 §3.8.1) until the
 * application makes room.
 */
import { TcpState } from './states';
import { Tcb } from './tcb';

/** Is this listener's TCB in the accept queue: handshake done, not yet taken by `accept`? */
export function queued(t: Tcb): boolean {
  // (A connection the peer has closed since, CLOSE-WAIT, waits in the queue all the same.)
  return t.passive && !t.accepted && (t.state === TcpState.ESTABLISHED || t.state === TcpState.CLOSE_WAIT);
}

/** Would this arrival complete the handshake of a listener's connection (SYN-RECEIVED -> ESTABLISHED)? */
export function completesHandshake(t: Tcb, seg: { syn: boolean; ack: boolean; rst: boolean }): boolean {
  return t.passive && t.state === TcpState.SYN_RCVD && seg.ack && !seg.syn && !seg.rst;
}
