/**
 * The user calls a flow writes (`C close`), RFC 9293 §3.10.1–§3.10.6, on one endpoint: what each
 * does to the TCB in each state, or why it fails there. The checker reports the failures.
 */
import type { CallName } from '../syntax/ast';
import type { PhraseKey } from '../l10n/strings';
import { TcpState } from './states';
import { RULE } from './rules';
import { Tcb, setState } from './tcb';

export type CallVerdict = { ok: true } | { ok: false; reason: PhraseKey; rule: string } | { ok: false; timeWaitReuse: true };

const OK: CallVerdict = Object.freeze({ ok: true });
const TIME_WAIT_REUSE: CallVerdict = Object.freeze({ ok: false, timeWaitReuse: true });
const fails = (reason: PhraseKey, rule: string): CallVerdict => ({ ok: false, reason, rule });

/**
 * `t` is the endpoint's TCB for the connection the call names (none yet, or one that ended);
 * `e.idle` is the endpoint's state with no connection (CLOSED, or LISTEN for a listener).
 */
export function userCall(call: CallName, t: Tcb | undefined, e: { idle: TcpState }): CallVerdict {
  const state = t && t.state !== TcpState.CLOSED ? t.state : e.idle;
  switch (call) {
    case 'listen':
      // RFC 9293 §3.10.1: a passive OPEN in CLOSED makes the endpoint a listener.
      if (state === TcpState.CLOSED) {
        e.idle = TcpState.LISTEN;
        return OK;
      }
      // (Listening again while only listening changes nothing.)
      if (state === TcpState.LISTEN && !t) return OK;
      // RFC 9293 §3.10.1: OPEN in any other state: "error: connection already exists".
      return fails('callListenNotClosed', RULE.open);
    case 'open':
      // RFC 9293 §3.10.8 (and §3.10.1): the connection is still in TIME-WAIT: wait 2MSL first.
      if (state === TcpState.TIME_WAIT) return TIME_WAIT_REUSE;
      // RFC 9293 §3.10.1: an active OPEN from CLOSED or LISTEN; elsewhere "connection already exists".
      if (state !== TcpState.CLOSED && state !== TcpState.LISTEN) return fails('callOpenExists', RULE.open);
      return OK;
    case 'close':
    case 'shutdown':
      if (!t || t.state === TcpState.CLOSED) {
        // RFC 9293 §3.10.4: CLOSE in LISTEN deletes the listener.
        if (e.idle === TcpState.LISTEN) {
          e.idle = TcpState.CLOSED;
          return OK;
        }
        // RFC 9293 §3.10.4: CLOSE in CLOSED: "error: connection does not exist".
        return fails('callNoConnection', RULE.close);
      }
      switch (t.state) {
        case TcpState.LISTEN:
        case TcpState.SYN_SENT:
          // RFC 9293 §3.10.4: CLOSE in LISTEN or SYN-SENT deletes the TCB and enters CLOSED.
          setState(t, TcpState.CLOSED);
          return OK;
        case TcpState.SYN_RCVD:
        case TcpState.ESTABLISHED:
        case TcpState.CLOSE_WAIT:
          // RFC 9293 §3.10.4: CLOSE in SYN-RECEIVED, ESTABLISHED or CLOSE-WAIT sends a FIN (after
          // the data queued before it); the FIN moves the state.
          t.closePending = true;
          return OK;
        default:
          // RFC 9293 §3.10.4: CLOSE in FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT: "error:
          // connection closing".
          return fails('callCloseClosing', RULE.close);
      }
    case 'accept':
      // (The accept queue spans the listener's connections: the checker judges it, accept.ts.)
      return OK;
    case 'read':
      // (RECEIVE, RFC 9293 §3.10.3, is judged against the receive buffer: buffer.ts.)
      return OK;
    case 'abort':
      if (!t || t.state === TcpState.CLOSED) {
        // RFC 9293 §3.10.5: ABORT in LISTEN deletes the listener.
        if (e.idle === TcpState.LISTEN) {
          e.idle = TcpState.CLOSED;
          return OK;
        }
        // RFC 9293 §3.10.5: ABORT in CLOSED: "error: connection does not exist".
        return fails('callNoConnection', RULE.abort);
      }
      // RFC 9293 §3.10.5: ABORT in SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2 or CLOSE-WAIT sends a
      // reset; in LISTEN, SYN-SENT, CLOSING, LAST-ACK and TIME-WAIT it sends nothing. Either way
      // the TCB is deleted: CLOSED.
      t.aborted = abortSendsRst(t.state);
      setState(t, TcpState.CLOSED);
      return OK;
  }
}

function abortSendsRst(s: TcpState): boolean {
  return s === TcpState.SYN_RCVD || s === TcpState.ESTABLISHED || s === TcpState.FIN_WAIT_1 || s === TcpState.FIN_WAIT_2 || s === TcpState.CLOSE_WAIT;
}
