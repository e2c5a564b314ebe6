/**
 * RFC 7413, TCP Fast Open: data on a SYN that a listener takes at once.
 *
 * In the notation a SYN writes `tfo` for a cookie request (the option with an empty cookie,
 * RFC 7413 §4.1.1) and `tfo=COOKIE` to carry a cookie; a SYN,ACK writes `tfo=COOKIE` to hand one
 * out (§4.1.2). A listener takes the data on a SYN only when the SYN carries a valid cookie
 * (§4.2.2); otherwise its SYN,ACK acknowledges the SYN alone (RFC 9293 §3.10.7.2: RCV.NXT =
 * SEG.SEQ+1) and the client sends the data again after the handshake.
 */
import { Tcb } from './tcb';

/** A cookie a server handed out in a SYN,ACK (RFC 7413 §4.1.2). */
export interface IssuedCookie {
  server: string;
  cookie: string;
}

/**
 * Whether `cookie` on a SYN to `server` is valid (RFC 7413 §4.1.2: the server validates the
 * cookie it generated). The notes often start after the connection that got the cookie: when
 * `server` hands out no cookie anywhere before this SYN, the cookie is taken as one it issued
 * earlier; once the notes show it handing out cookies, only those are valid.
 */
export function cookieValid(issued: readonly IssuedCookie[], server: string, cookie: string): boolean {
  let any = false;
  for (const c of issued) {
    if (c.server !== server) continue;
    if (c.cookie === cookie) return true;
    any = true;
  }
  return !any;
}

/**
 * May the listener's next ack cover the text held from the SYN? A listener (passive open) only
 * after a valid Fast Open cookie (RFC 7413 §4.2.2); an endpoint in a simultaneous open holds it
 * as RFC 9293 §3.10.7.3 says and may acknowledge it once ESTABLISHED.
 */
export function synTextMayBeAcked(t: Tcb): boolean {
  return !!t.synText && (!t.passive || !!t.synText.fastOpen);
}
