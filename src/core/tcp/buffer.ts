/**
 * The receive buffer and the application that reads it: RCV.BUFF, RCV.USER and the window a
 * receiver may advertise (RFC 9293 §3.8.6, §3.8.6.2.2), and the RECEIVE call a flow writes as
 * `S read [N]` (§3.10.3).
 *
 * RFC 9293 §3.8.6.2.2 names the parts: the total receive buffer space is RCV.BUFF, and RCV.USER
 * octets of it are "tied up with data that has been received and acknowledged but that the user
 * process has not yet consumed"; when the connection is quiescent RCV.WND = RCV.BUFF and
 * RCV.USER = 0. What is left, RCV.BUFF - RCV.USER, is the most the receiver can offer: §3.8.6
 * says the window is "the range of sequence numbers the sender of the window (the data receiver)
 * is currently prepared to accept" and "related to the data buffer space currently available".
 * Data is taken into the buffer by the seventh step of SEGMENT ARRIVES (§3.10.7.4, RCV.NXT moves
 * over it) and leaves it only when the application reads it; until then a full buffer keeps the
 * window at zero and the sender probes it (§3.8.6.1).
 *
 * RCV.USER is counted in sequence space, from the first byte not yet read (`rcvRead`, IRS+1
 * before any read) to RCV.NXT, less the FIN once it is taken (it occupies a number, not a byte
 * of the buffer). It is unknown when the TCB does not know where the peer's numbers started (a
 * flow declared past its handshake): nothing is then judged.
 *
 * These functions decide; the checker reports.
 */
import { SeqValue, add, diff } from './seq';
import { TcpState } from './states';
import { Tcb } from './tcb';

/** The largest value of the 16-bit window field (RFC 9293 §3.1). */
const MAX_FIELD = 0xffff;

/** Where RCV.USER starts: the first byte the application has not read. */
function readFrom(t: Tcb): SeqValue | undefined {
  return t.rcvRead ?? (t.irs && add(t.irs, 1));
}

/**
 * RCV.USER: bytes received in order and not yet read by the application, or undefined when the
 * TCB cannot know (RFC 9293 §3.8.6.2.2).
 */
export function rcvUser(t: Tcb): number | undefined {
  // Before the peer's SYN nothing has been received: the buffer is empty.
  if (!t.rcvNxt && !t.irs && (t.state === TcpState.CLOSED || t.state === TcpState.LISTEN || t.state === TcpState.SYN_SENT)) return 0;
  const from = readFrom(t);
  if (!from || !t.rcvNxt) return undefined;
  const n = diff(t.rcvNxt, from) - (t.finReceived ? 1 : 0);
  return Number.isNaN(n) ? undefined : Math.max(n, 0);
}

/** RCV.BUFF - RCV.USER: the buffer space still free, when both are known (never below zero). */
export function freeSpace(t: Tcb): number | undefined {
  if (t.rcvBuf === undefined) return undefined;
  const user = rcvUser(t);
  return user === undefined ? undefined : Math.max(t.rcvBuf - user, 0);
}

/**
 * The largest window field this side may write on its next segment (RFC 9293 §3.8.6): the free
 * buffer space, shifted right by the window scale it sends with (RFC 7323 §2.3; a SYN's window is
 * never scaled) and capped at the field's 16 bits. Undefined when the buffer, its contents or the
 * scale are unknown.
 */
export function largestWindowField(t: Tcb, syn: boolean): number | undefined {
  if (t.rcvBuf === undefined || (!syn && t.rcvShiftUnknown)) return undefined;
  const free = freeSpace(t);
  if (free === undefined) return undefined;
  return Math.min(Math.floor(free / 2 ** (syn ? 0 : t.rcvShift)), MAX_FIELD);
}

/**
 * RFC 9293 §3.7.1 (MUST-15): without an MSS option a TCP implementation assumes a send MSS of
 * 536 octets over IPv4, 1220 over IPv6.
 */
export function effectiveSendMss(peerOption: number | undefined, ipv6: boolean): number {
  return peerOption ?? (ipv6 ? 1220 : 536);
}

/**
 * RFC 9293 §3.8.6.2.2, receiver SWS avoidance: "keep RCV.NXT+RCV.WND fixed until the reduction
 * satisfies: RCV.BUFF - RCV.USER - RCV.WND >= min( Fr * RCV.BUFF, Eff.snd.MSS )" (Fr = 1/2);
 * then RCV.WND is set to RCV.BUFF - RCV.USER. Returns the window, in bytes, that keeps the right
 * edge this side advertised last where it is, when the edge may not move yet (more than nothing
 * but less than the threshold has been freed beyond it); undefined when it may move to the whole
 * free space, or nothing is known to judge by.
 */
export function heldWindow(t: Tcb, effMss: number): { window: number; threshold: number; reduction: number } | undefined {
  const free = freeSpace(t);
  if (free === undefined || t.rcvBuf === undefined || !t.rcvEdge || !t.rcvNxt) return undefined;
  const held = diff(t.rcvEdge, t.rcvNxt);
  if (Number.isNaN(held)) return undefined;
  const window = Math.max(held, 0);
  const reduction = free - window;
  const threshold = Math.min(Math.floor(t.rcvBuf / 2), effMss);
  return reduction > 0 && reduction < threshold ? { window, threshold, reduction } : undefined;
}

/**
 * The window this side has just advertised (bytes, after scaling) with the acknowledgment it
 * sent (RCV.NXT when it sent none) sets the right edge it holds.
 */
export function noteAdvertised(t: Tcb, ack: SeqValue | undefined, bytes: number): void {
  const from = ack ?? t.rcvNxt;
  t.rcvEdge = from && add(from, bytes);
}

/** What a read (`S read [N]`) finds. */
export interface ReadVerdict {
  /** Bytes the read takes (the ones asked for, or all there are when too many were asked). */
  take: number;
  /** RCV.USER before the read. */
  user: number;
  /**
   * The read asks for more than RCV.USER holds, or, without a count, finds nothing while the
   * peer has not closed (it would wait).
   */
  tooMany: boolean;
  /** Nothing left to read and the peer's FIN taken: the read returns end of stream (0). */
  eof: boolean;
}

/**
 * RFC 9293 §3.10.3 RECEIVE on a connection: it is satisfied from the data received and not yet
 * read. In CLOSE-WAIT "RECEIVEs must be satisfied by data already on hand", and with none left
 * the call reports that the connection is closing (a socket's read returns 0, end of stream);
 * that holds wherever the peer's FIN has been taken. Undefined when RCV.USER is unknown.
 */
export function readVerdict(t: Tcb, asked: number | undefined): ReadVerdict | undefined {
  const user = rcvUser(t);
  if (user === undefined) return undefined;
  if (asked !== undefined) return { take: Math.min(asked, user), user, tooMany: asked > user, eof: false };
  if (user > 0) return { take: user, user, tooMany: false, eof: false };
  return { take: 0, user, tooMany: !t.finReceived, eof: !!t.finReceived };
}

/** The application reads `n` bytes: RCV.USER shrinks and the free space grows by as much. */
export function applyRead(t: Tcb, n: number): void {
  const from = readFrom(t);
  if (from && n > 0) t.rcvRead = add(from, n);
}
