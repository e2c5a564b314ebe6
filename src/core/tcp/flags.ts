/**
 * What each control bit means (RFC 9293 §3.1), for hover.
 */
import type { Locale } from '../check/findings';
import type * as ast from '../syntax/ast';

interface FlagDoc {
  section: string;
  en: string;
  zh: string;
}

export const FLAG_DOCS: Record<ast.FlagName, FlagDoc> = {
  SYN: {
    section: 'RFC 9293 §3.1, §3.4, §3.5',
    en: 'Synchronize: the segment opens a connection and carries the sender\'s initial sequence number; the SYN itself takes one sequence number.',
    zh: '同步：该报文段用于建立连接，携带发送方的初始序号；SYN 本身占用一个序号。',
  },
  ACK: {
    section: 'RFC 9293 §3.1, §3.4',
    en: 'Acknowledgment: the ack field is valid and names the next sequence number the sender expects. Every segment after the first SYN carries it.',
    zh: '确认：ack 字段有效，表示发送方期望收到的下一个序号。除第一个 SYN 外，所有报文段都带有它。',
  },
  FIN: {
    section: 'RFC 9293 §3.1, §3.6',
    en: 'Finish: the sender has no more data to send; the FIN takes one sequence number.',
    zh: '结束：发送方没有更多数据要发送；FIN 占用一个序号。',
  },
  RST: {
    section: 'RFC 9293 §3.1, §3.5.2, §3.5.3',
    en: 'Reset: abort the connection (or refuse a segment that belongs to none).',
    zh: '复位：中止连接（或拒绝不属于任何连接的报文段）。',
  },
  PSH: {
    section: 'RFC 9293 §3.1, §3.9.1',
    en: 'Push: ask the receiver to hand the data to the application without waiting for more.',
    zh: '推送：请求接收方立即把数据交给应用，而不必等待更多数据。',
  },
  URG: {
    section: 'RFC 9293 §3.1, §3.8.5',
    en: 'Urgent: the urgent pointer field is valid and marks urgent data.',
    zh: '紧急：紧急指针字段有效，标出紧急数据。',
  },
  ECE: {
    section: 'RFC 9293 §3.1 (RFC 3168)',
    en: 'ECN-Echo: during the handshake, ECN support; afterwards, the network marked congestion on received packets.',
    zh: 'ECN 回显：握手时表示支持 ECN；之后表示收到的分组被网络标记了拥塞。',
  },
  CWR: {
    section: 'RFC 9293 §3.1 (RFC 3168)',
    en: 'Congestion Window Reduced: the sender has reacted to an ECN-Echo by reducing its congestion window.',
    zh: '拥塞窗口已减小：发送方已针对 ECN 回显减小了拥塞窗口。',
  },
};

export function flagDoc(flag: ast.FlagName, locale: Locale): string {
  const d = FLAG_DOCS[flag];
  return `${flag}: ${locale === 'zh-cn' ? d.zh : d.en} (${d.section})`;
}
