/**
 * The eleven connection states of RFC 9293 §3.3.2, in the order of the state diagram
 * (Figure 5). The values use the language's spelling; `rfcName` gives the RFC's.
 */
import type { Locale } from '../check/findings';

export enum TcpState {
  CLOSED = 'CLOSED',
  LISTEN = 'LISTEN',
  SYN_SENT = 'SYN_SENT',
  SYN_RCVD = 'SYN_RCVD',
  ESTABLISHED = 'ESTABLISHED',
  FIN_WAIT_1 = 'FIN_WAIT_1',
  FIN_WAIT_2 = 'FIN_WAIT_2',
  CLOSE_WAIT = 'CLOSE_WAIT',
  CLOSING = 'CLOSING',
  LAST_ACK = 'LAST_ACK',
  TIME_WAIT = 'TIME_WAIT',
}

export const ALL_STATES: TcpState[] = Object.values(TcpState);

export function rfcName(s: TcpState): string {
  return s === TcpState.SYN_RCVD ? 'SYN-RECEIVED' : s.replace(/_/g, '-');
}

/** States in which both sides' sequence numbers are known (RFC 9293 §3.10.7.4 applies). */
export function isSynchronized(s: TcpState): boolean {
  return s !== TcpState.CLOSED && s !== TcpState.LISTEN && s !== TcpState.SYN_SENT;
}

/** Misspellings seen in study notes, mapped to the state meant. */
const MISSPELLINGS: Record<string, TcpState> = {
  SYN_SEND: TcpState.SYN_SENT,
  SYN_REVD: TcpState.SYN_RCVD,
  SYN_RECV: TcpState.SYN_RCVD,
  SYN_RECEIVED: TcpState.SYN_RCVD,
  SYN_RECIEVED: TcpState.SYN_RCVD,
  SYNRCVD: TcpState.SYN_RCVD,
  SYNSENT: TcpState.SYN_SENT,
  FIN_WAIT1: TcpState.FIN_WAIT_1,
  FIN_WAIT2: TcpState.FIN_WAIT_2,
  FINWAIT1: TcpState.FIN_WAIT_1,
  FINWAIT2: TcpState.FIN_WAIT_2,
  CLOSED_WAIT: TcpState.CLOSE_WAIT,
  CLOSEWAIT: TcpState.CLOSE_WAIT,
  TIMEWAIT: TcpState.TIME_WAIT,
  TIME_WAITING: TcpState.TIME_WAIT,
  LASTACK: TcpState.LAST_ACK,
  ESTABLISH: TcpState.ESTABLISHED,
  ESTABLISED: TcpState.ESTABLISHED,
  ESTAB: TcpState.ESTABLISHED,
  CLOSE: TcpState.CLOSED,
};

export type StateLookup = { state: TcpState; exact: boolean } | undefined;

/** Read a state as written: `SYN_SENT`, `syn-sent`, `SYN-RECEIVED`; misspellings give exact=false. */
export function lookupState(text: string): StateLookup {
  const norm = text.toUpperCase().replace(/-/g, '_');
  if ((ALL_STATES as string[]).includes(norm)) return { state: norm as TcpState, exact: true };
  if (norm === 'SYN_RECEIVED') return { state: TcpState.SYN_RCVD, exact: true };
  const m = MISSPELLINGS[norm];
  return m ? { state: m, exact: false } : undefined;
}

interface StateDoc {
  section: string;
  en: string;
  zh: string;
}

/** What each state means, for hover. */
export const STATE_DOCS: Record<TcpState, StateDoc> = {
  CLOSED: { section: 'RFC 9293 §3.3.2', en: 'No connection: there is no TCB.', zh: '没有连接：不存在传输控制块（TCB）。' },
  LISTEN: { section: 'RFC 9293 §3.3.2', en: 'Waiting for a connection request (a SYN) from any remote endpoint.', zh: '等待任意远端的连接请求（SYN）。' },
  SYN_SENT: { section: 'RFC 9293 §3.3.2', en: 'A SYN has been sent; waiting for a matching SYN (and the ACK of ours).', zh: '已发送 SYN，等待对方的 SYN 以及对本方 SYN 的确认。' },
  SYN_RCVD: { section: 'RFC 9293 §3.3.2', en: 'A SYN has been received and answered with SYN,ACK; waiting for the ACK of our SYN.', zh: '已收到 SYN 并回复了 SYN,ACK，等待对方确认本方的 SYN。' },
  ESTABLISHED: { section: 'RFC 9293 §3.3.2', en: 'An open connection: data can flow both ways.', zh: '连接已建立：双方都可以收发数据。' },
  FIN_WAIT_1: { section: 'RFC 9293 §3.3.2', en: 'Our FIN has been sent; waiting for its ACK or for the peer\'s FIN.', zh: '已发送 FIN，等待对方的确认或对方的 FIN。' },
  FIN_WAIT_2: { section: 'RFC 9293 §3.3.2', en: 'Our FIN is acknowledged; waiting for the peer\'s FIN (the peer may still send data).', zh: '本方 FIN 已被确认，等待对方的 FIN（对方仍可发送数据）。' },
  CLOSE_WAIT: { section: 'RFC 9293 §3.3.2', en: 'The peer has closed its direction; waiting for our application to close.', zh: '对方已关闭其发送方向，等待本方应用调用 close。' },
  CLOSING: { section: 'RFC 9293 §3.3.2', en: 'Both sides sent FIN at about the same time (simultaneous close); waiting for the ACK of ours.', zh: '双方几乎同时发送 FIN（同时关闭），等待对方确认本方的 FIN。' },
  LAST_ACK: { section: 'RFC 9293 §3.3.2', en: 'We closed after the peer did; waiting for the ACK of our FIN.', zh: '对方先关闭、本方随后关闭，等待对方确认本方的 FIN。' },
  TIME_WAIT: { section: 'RFC 9293 §3.3.2, §3.10.8', en: 'Waiting 2×MSL so that the last ACK can be retransmitted and old duplicates expire.', zh: '等待 2MSL，以便必要时重传最后的 ACK，并让旧的重复报文段在网络中消失。' },
};

export function stateDoc(s: TcpState, locale: Locale): string {
  const d = STATE_DOCS[s];
  // The RFC's spelling only where it differs (SYN_SENT (SYN-SENT), not ESTABLISHED (ESTABLISHED)).
  const name = rfcName(s) === s ? s : `${s} (${rfcName(s)})`;
  return `${name}: ${locale === 'zh-cn' ? d.zh : d.en} (${d.section})`;
}
