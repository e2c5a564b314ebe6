/**
 * Phrases that complete finding messages and hover text, in every locale. Findings keep their
 * templates in `check/findings.ts`; these are the reasons and explanations placed inside them.
 */
import type { Locale } from '../check/findings';

const phrases = {
  noConnection: ['the connection does not exist', '连接不存在'],
  listenOnlySyn: ['a listening endpoint only answers SYNs (or sends its own SYN)', '处于监听状态的端点只回应 SYN（或主动发送 SYN）'],
  synSentOnlySyn: ['until the handshake completes it can only send or retransmit its SYN', '握手完成前只能发送或重传自己的 SYN'],
  dataWaits: ['data waits until the connection is ESTABLISHED', '数据要等到连接进入 ESTABLISHED 才能发送'],
  noSynWhenSynced: ['a synchronized connection never sends SYN', '已同步的连接不会再发送 SYN'],
  noDataAfterFin: ['it has sent its FIN, so it has no more data to send', '它已发送 FIN，不能再发送数据'],
  finAlreadySent: ['it has already sent its FIN (a retransmission repeats its sequence number)', '它已经发送过 FIN（重传时应使用相同的序号）'],
  ackNeedsSyn: ['nothing has been received yet, so there is nothing to acknowledge', '尚未收到任何报文段，没有可确认的内容'],
  timeWaitOnlyAck: ['in TIME_WAIT it only acknowledges a retransmitted FIN', 'TIME_WAIT 状态下只会确认对方重传的 FIN'],
  rstNeverAnswered: ['the RST it just got is discarded, never answered', '刚收到的 RST 会被丢弃，从不回应'],
  rstOnlyAnswers: ['with no connection, an RST only answers a segment that arrived', '没有连接时，RST 只用于回应收到的报文段'],
  synAckOnlyFromSynRcvd: ['SYN,ACK answers a SYN; this endpoint has not received one', 'SYN,ACK 是对 SYN 的应答，而该端点尚未收到 SYN'],

  rstReplySegAck: ['the RST answering a segment that carries an ACK takes its seq from that ACK (<SEQ=SEG.ACK><CTL=RST>)', '回应带 ACK 的报文段时，RST 的 seq 取自该报文段的 ack'],
  rstReplyZero: ['the RST answering a segment without ACK has seq 0 and acknowledges it (<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>)', '回应未设置 ACK 的报文段时，RST 的 seq 为 0，并以 ack 确认该报文段'],
  timeWaitNewer: [', or reopen it with a newer SYN: seq after {0} (RCV.NXT of the old connection) or a timestamp option (RFC 9293 §3.6.1, RFC 6191 §2)', '，或用更新的 SYN 重新打开：seq 大于 {0}（旧连接的 RCV.NXT），或带上时间戳选项（RFC 9293 §3.6.1，RFC 6191 §2）'],
  timeWaitNewerTs: [', or reopen it with a newer SYN: seq after {0} (RCV.NXT of the old connection) or a timestamp after {1} (TS.Recent; RFC 9293 §3.6.1, RFC 6191 §2)', '，或用更新的 SYN 重新打开：seq 大于 {0}（旧连接的 RCV.NXT），或时间戳大于 {1}（TS.Recent；RFC 9293 §3.6.1，RFC 6191 §2）'],
  owesRstInstead: ['it must first answer the segment it just got with RST', '它必须先用 RST 回应刚收到的报文段'],
  closedAnswersRst: ['there is no connection, so it answers with RST {0}', '没有连接，因此回复 RST {0}'],
  listenAnswersRst: ['an ACK to a listening endpoint is answered with RST {0}', '发往监听端点的 ACK 会被回复 RST {0}'],
  listenIgnores: ['a listening endpoint ignores everything but SYN', '监听状态的端点只处理 SYN，其余一律丢弃'],
  badAckSynSent: ['its ACK does not acknowledge our SYN (expected ack={0}), so it is answered with RST', '其 ACK 没有确认本方的 SYN（应为 ack={0}），因此回复 RST'],
  rstIgnoredSynSent: ['an RST whose ACK does not acknowledge our SYN is ignored', 'ACK 未确认本方 SYN 的 RST 会被忽略'],
  synSentNeedsSyn: ['in SYN_SENT only a SYN (or an RST) is processed', 'SYN_SENT 状态只处理 SYN（或 RST）'],
  noAckDropped: ['a segment without the ACK flag is dropped in a synchronized state', '在已同步状态下，未设置 ACK 的报文段会被丢弃'],
  synChallenge: ['a SYN on a synchronized connection is answered with a challenge ACK (RFC 5961)', '已同步的连接收到 SYN 时会回复挑战 ACK（RFC 5961）'],
  synRcvdToListen: ['another SYN makes a half-open connection from a listener return to LISTEN; this SYN is not taken', '半连接（由监听端点建立）收到另一个 SYN 时回到 LISTEN，该 SYN 不被接受'],
  badAckSynRcvd: ['its ack does not acknowledge our SYN,ACK (expected {0}), so it is answered with RST', '其 ack 没有确认本方的 SYN,ACK（应为 {0}），因此回复 RST'],
  outOfWindow: ['it lies outside the receive window, so it is dropped and re-acknowledged', '它不在接收窗口内，会被丢弃并重新发送 ACK'],
  afterTimeWait: ['the connection has ended', '连接已经结束'],

  callListenNotClosed: ['fails: it needs a CLOSED endpoint', '失败：需要端点处于 CLOSED'],
  callOpenExists: ['fails: the connection already exists', '失败：连接已经存在'],
  callCloseClosing: ['fails: the connection is already closing', '失败：连接已在关闭中'],
  callAcceptNotListener: ['takes only the connections of a listener (a server)', '只能取出监听端点（server）的连接'],
  callAcceptEmpty: ['finds no connection in the accept queue (none has completed its handshake and waits to be accepted)', '在全连接队列中找不到连接（没有已完成握手、等待 accept 的连接）'],
  acceptqRule: ['the accept queue is full: Linux drops the ACK that completes the handshake', '全连接队列已满：Linux 丢弃完成握手的 ACK'],
  callNoConnection: ['fails: the connection does not exist', '失败：连接不存在'],
  callReadNoConnection: ['fails: there is no connection to read from', '失败：没有可读取的连接'],
  readTooMany: ['cannot read {0} bytes', '无法读取 {0} 字节'],
  readNothing: ['has nothing to read (the read would wait)', '没有可读取的数据（读取会一直等待）'],
  readAtMost: ['expected read {0} at most', '最多只能读取 {0} 字节'],
  readAfterData: ['write the read after the data arrives', '读取应写在数据到达之后'],

  whySyn: ["{0}'s SYN at line {1} takes one sequence number", '{0} 在第 {1} 行的 SYN 占用一个序号'],
  whyFin: ["{0}'s FIN at line {1} takes one sequence number", '{0} 在第 {1} 行的 FIN 占用一个序号'],
  whyData: ["{0}'s {2} bytes at line {1} end there", '{0} 在第 {1} 行发送的 {2} 字节数据到此为止'],
  whySynData: ["{0}'s SYN at line {1} takes one number and its {2} bytes follow", '{0} 在第 {1} 行的 SYN 占用一个序号，其后是 {2} 字节数据'],
  whyIsn: ["{0}'s initial sequence number is {2} (line {1})", '{0} 的初始序号为 {2}（第 {1} 行）'],
  whyBound: ['it continues from line {1}', '承接第 {1} 行'],
  whyNone: ['nothing has been received yet', '尚未收到任何数据'],
  expectSeq: ['{0} has sent everything before {1} (SND.NXT)', '{0} 已发送了 {1} 之前的所有序号（SND.NXT）'],
  expectAck: ['it is the next byte {0} expects from {1} (RCV.NXT)', '这是 {0} 期望从 {1} 收到的下一个序号（RCV.NXT）'],
  stateWhy: ['its last event was line {0} ({1})', '它最近的事件在第 {0} 行（{1}）'],
  stateNever: ['nothing has happened to it yet', '它尚未经历任何事件'],
  backlogRule: ['implementations drop SYNs beyond the listen backlog', '实现会丢弃超出监听队列（backlog）的 SYN'],

  bytes: ['{0} bytes', '{0} 字节'],
  oneByte: ['1 byte', '1 字节'],
  noFlags: ['a segment without flags', '无标志的报文段'],
  segmentWord: ['segment', '报文段'],
  tlsHandshakeDone: ['nothing (the handshake is complete)', '没有握手消息（握手已完成）'],
  httpNoReuse: ['HTTP/1.0 or Connection: close', 'HTTP/1.0 或 Connection: close'],

  retransmission: ['retransmission', '重传'],
  keepalive: ['keep-alive probe', '保活探测'],
  windowProbe: ['window probe', '窗口探测'],
  dupAck: ['duplicate ACK', '重复 ACK'],
  outOfOrder: ['out of order: queued until the gap is filled', '乱序：缓存到空缺补上为止'],
  duplicate: ['duplicate: already received', '重复：此前已收到'],
} satisfies Record<string, [string, string]>;

export type PhraseKey = keyof typeof phrases;

/** Every phrase, [en, zh-cn] (for the tests that read the whole table). */
export const PHRASES: Readonly<Record<PhraseKey, readonly [string, string]>> = phrases;

export function phrase(key: PhraseKey, locale: Locale, ...args: (string | number)[]): string {
  const p = phrases[key];
  const t = locale === 'zh-cn' ? p[1] : p[0];
  return t.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
}

/** Pick the locale for a language tag such as `zh-CN`, `zh-Hans`, `en-US`. */
export function localeFor(tag: string | undefined): Locale {
  return tag && /^zh/i.test(tag) ? 'zh-cn' : 'en';
}

/**
 * The parser describes what it expected in English (its findings' arguments stay so, for every
 * locale); a Chinese message gets these words instead. Exact phrases first, then the phrases
 * built around a field or flag name.
 */
const SYNTAX_ZH: Record<string, string> = {
  'end of line': '行尾',
  'end of file': '文件末尾',
  name: '名称',
  number: '数字',
  string: '字符串',
  address: '地址',
  'a number or a name': '数字或名称',
  "client, server, endpoint, attacker, title, note, phase, wait, deliver, msl, numbers, or an endpoint name followed by '->', ':' or a call":
    "client、server、endpoint、attacker、title、note、phase、wait、deliver、msl、numbers，或端点名后接 '->'、':' 或调用",
  'the note text': 'note 的文本',
  'the title text': 'title 的文本',
  'the phase text': 'phase 的文本',
  'a duration (2MSL, 30s, 200ms, RTO)': '时长（2MSL、30s、200ms、RTO）',
  'a time such as 30s or 2min': '时间，如 30s 或 2min',
  'the id of a delayed segment': '延迟报文段的标识',
  "'relative' or 'absolute'": "'relative' 或 'absolute'",
  'an endpoint name': '端点名',
  'a port number': '端口号',
  'an address, a start state, isn=, backlog=, acceptq=, rcvbuf=, win=, mss= or wscale=': '地址、起始状态、isn=、backlog=、acceptq=、rcvbuf=、win=、mss= 或 wscale=',
  'byte count': '字节数',
  'sequence number': '序号',
  port: '端口',
  timestamp: '时间戳',
  'timestamp echo': '回显时间戳',
  'at most 32 nested parentheses': '最多 32 层嵌套括号',
  'a name added, not subtracted (write x+1 or x-1)': '加上名称而不是减去（写作 x+1 或 x-1）',
  'the receiving endpoint': '接收端点',
  'a flag (SYN ACK FIN RST PSH URG), seq=, ack=, len=, win=, mss=, wscale=, sackOK, ts=, tfo, a "label", http, tls, lost, dup, dropped, rtx, old, cross, as or delay=':
    '标志（SYN ACK FIN RST PSH URG）、seq=、ack=、len=、win=、mss=、wscale=、sackOK、ts=、tfo、"标签"、http、tls、lost、dup、dropped、rtx、old、cross、as 或 delay=',
  'the endpoint whose address is spoofed (as C)': '被冒充地址的端点（as C）',
  'a Fast Open cookie (tfo=0x4f1c2a9e)': '快速打开（TFO）cookie（tfo=0x4f1c2a9e）',
  label: '标签',
  'a timestamp value': '时间戳值',
  'the echoed timestamp': '回显的时间戳',
  'an id for the delayed segment (delay=old1)': '延迟报文段的标识（delay=old1）',
  'the HTTP start line in quotes, e.g. "GET / HTTP/1.1"': '带引号的 HTTP 起始行，如 "GET / HTTP/1.1"',
};

/** A syntax finding's argument in the locale's words (names and quoted text stay as written). */
export function syntaxArg(arg: string, locale: Locale): string {
  if (locale !== 'zh-cn') return arg;
  const exact = SYNTAX_ZH[arg];
  if (exact !== undefined) return exact;
  let m = /^'=' after (\S+)$/.exec(arg);
  if (m) return `${m[1]} 后的 '='`;
  m = /^a number for (\S+)$/.exec(arg);
  if (m) return `${m[1]} 的数值`;
  m = /^0 or 1 for the (\S+) flag$/.exec(arg);
  if (m) return `${m[1]} 标志的 0 或 1`;
  return arg;
}
