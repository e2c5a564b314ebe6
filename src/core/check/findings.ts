/**
 * The one table of findings: stable code, id, severity, rule and the message in every locale.
 * Codes are never renumbered or reused; wording may change. `docs/findings.md` is generated from
 * this table (`npm run docs:findings`), and a test checks that the two agree.
 *
 * Ranges: 1xxx syntax, 2xxx state machine, 3xxx sequence space, 4xxx names and endpoints,
 * 5xxx application protocols (HTTP, TLS). Placeholders {0}, {1}, ... are filled from `args`.
 */
import type { Span } from '../syntax/text';

export type Severity = 'error' | 'warning' | 'info';
export type Locale = 'en' | 'zh-cn';

export interface FindingDef {
  code: string;
  id: string;
  severity: Severity;
  /** Citation, `RFC 9293 §3.10.7.4` style, or '' for syntax. */
  rule: string;
  en: string;
  zh: string;
}

const defs = {
  unterminatedString: { code: 'TF1001', id: 'unterminated-string', severity: 'error', rule: '', en: 'Unterminated string: add the closing quote {0}.', zh: '字符串未结束：请补上右引号 {0}。' },
  invalidCharacter: { code: 'TF1002', id: 'invalid-character', severity: 'error', rule: '', en: "Invalid character '{0}'.", zh: "无效字符“{0}”。" },
  expected: { code: 'TF1003', id: 'expected', severity: 'error', rule: '', en: 'Expected {0}, found {1}.', zh: '此处应为 {0}，实际为 {1}。' },
  unknownWord: { code: 'TF1004', id: 'unknown-word', severity: 'error', rule: '', en: "Unknown flag, field or modifier '{0}'; expected {1}.", zh: "未知的标志、字段或修饰符“{0}”；应为 {1}。" },
  badNumber: { code: 'TF1005', id: 'bad-number', severity: 'error', rule: '', en: '{0} is not a valid {1}: expected an integer from 0 to {2}.', zh: '{0} 不是有效的 {1}：应为 0 到 {2} 之间的整数。' },
  duplicateField: { code: 'TF1006', id: 'duplicate-field', severity: 'error', rule: '', en: "'{0}' is given twice in one segment; keep one.", zh: '同一报文段中“{0}”出现了两次；请只保留一个。' },
  unknownState: { code: 'TF1007', id: 'unknown-state', severity: 'error', rule: 'RFC 9293 §3.3.2', en: "Unknown state '{0}'; expected one of {1} ({2}).", zh: "未知状态“{0}”；应为 {1} 之一（{2}）。" },
  stateSpelling: { code: 'TF1008', id: 'state-spelling', severity: 'warning', rule: 'RFC 9293 §3.3.2', en: "'{0}' means {1}; write {1} ({2}).", zh: "“{0}”指的是 {1}；请写作 {1}（{2}）。" },
  twoSymbols: { code: 'TF1009', id: 'two-symbols', severity: 'error', rule: '', en: 'A number may hold one name at most; found {0} and {1}.', zh: '一个数值最多只能包含一个符号；这里有 {0} 和 {1}。' },
  unknownStatement: { code: 'TF1010', id: 'unknown-statement', severity: 'error', rule: '', en: "Cannot read this line: '{0}' starts no statement; expected {1}.", zh: "无法识别此行：“{0}”不是语句的开头；应为 {1}。" },

  cannotSend: { code: 'TF2001', id: 'cannot-send', severity: 'error', rule: 'RFC 9293 §3.3.2', en: '{0} is {1} and cannot send {2}: {3} ({4}).', zh: '{0} 处于 {1}，不能发送 {2}：{3}（{4}）。' },
  receiverRejects: { code: 'TF2002', id: 'receiver-rejects', severity: 'warning', rule: 'RFC 9293 §3.10.7', en: '{0} is {1} and does not accept {2}: {3} ({4}).', zh: '{0} 处于 {1}，不会接受 {2}：{3}（{4}）。' },
  stateMismatch: { code: 'TF2003', id: 'state-mismatch', severity: 'error', rule: 'RFC 9293 §3.3.2', en: '{0} is {1} here, not {2}: {3} ({4}).', zh: '{0} 此时处于 {1}，而不是 {2}：{3}（{4}）。' },
  timeWaitReuse: { code: 'TF2004', id: 'time-wait-reuse', severity: 'error', rule: 'RFC 9293 §3.10.7.4', en: '{0} is still in TIME_WAIT with {1}: wait 2MSL before reusing the connection{3} ({2}).', zh: '{0} 与 {1} 的连接仍处于 TIME_WAIT：需等待 2MSL 后才能复用该连接{3}（{2}）。' },
  backlogFull: { code: 'TF2005', id: 'backlog-full', severity: 'warning', rule: 'RFC 9293 §3.10.7.2', en: "{0}'s SYN queue is full (backlog={1}, {2} in SYN_RCVD): this SYN is dropped; mark it 'dropped' ({3}).", zh: '{0} 的半连接队列已满（backlog={1}，{2} 个处于 SYN_RCVD）：此 SYN 被丢弃；请标注 dropped（{3}）。' },
  badCall: { code: 'TF2006', id: 'bad-call', severity: 'error', rule: 'RFC 9293 §3.10', en: "{0} is {1}: '{2}' {3} ({4}).", zh: '{0} 处于 {1}：“{2}”{3}（{4}）。' },
  rstOutOfWindow: { code: 'TF2007', id: 'rst-out-of-window', severity: 'warning', rule: 'RFC 9293 §3.10.7.4', en: "RST seq={0} is outside {1}'s receive window [{2}, {3}): it is silently dropped; mark it 'dropped' ({4}).", zh: 'RST seq={0} 不在 {1} 的接收窗口 [{2}, {3}) 内：会被静默丢弃；请标注 dropped（{4}）。' },
  rstNotExact: { code: 'TF2008', id: 'rst-not-exact', severity: 'warning', rule: 'RFC 9293 §3.10.7.4, RFC 5961 §3.2', en: 'RST seq={0} is in the window but not RCV.NXT={1}: {2} answers with a challenge ACK instead of resetting ({3}).', zh: 'RST seq={0} 在窗口内但不等于 RCV.NXT={1}：{2} 会回复挑战 ACK 而不是重置连接（{3}）。' },
  unmarkedDrop: { code: 'TF2009', id: 'not-dropped', severity: 'warning', rule: 'RFC 9293 §3.10.7', en: "This segment is marked 'dropped' but {0} accepts it ({1}).", zh: '此报文段标注了 dropped，但 {0} 会接受它（{1}）。' },
  ackFlagOff: { code: 'TF2010', id: 'ack-flag-off', severity: 'error', rule: 'RFC 9293 §3.10.7.4', en: '{0} is {1}: after the handshake every segment carries the ACK flag, and {2} drops one without it; add ACK with ack={3} ({4}).', zh: '{0} 处于 {1}：握手之后的每个报文段都设置 ACK 标志，{2} 会丢弃未设置 ACK 的报文段；请加上 ACK，ack={3}（{4}）。' },
  acceptQueueFull: { code: 'TF2011', id: 'accept-queue-full', severity: 'warning', rule: 'RFC 9293 §3.10.7.4', en: "{0}'s accept queue is full (acceptq={1}, {2} established and not accepted): Linux drops this ACK, {0} stays SYN_RCVD and resends its SYN,ACK; mark it 'dropped' or write '{0} accept' first ({3}).", zh: '{0} 的全连接队列已满（acceptq={1}，{2} 个已建立但未 accept）：Linux 丢弃此 ACK，{0} 仍处于 SYN_RCVD 并重传 SYN,ACK；请标注 dropped，或先写“{0} accept”（{3}）。' },

  wrongAck: { code: 'TF3001', id: 'wrong-ack', severity: 'error', rule: 'RFC 9293 §3.4', en: 'ack should be {0}: {1} ({2}).', zh: 'ack 应为 {0}：{1}（{2}）。' },
  wrongSeq: { code: 'TF3002', id: 'wrong-seq', severity: 'error', rule: 'RFC 9293 §3.4', en: 'seq should be {0}: {1} ({2}).', zh: 'seq 应为 {0}：{1}（{2}）。' },
  seqHoldsAck: { code: 'TF3003', id: 'seq-holds-ack', severity: 'error', rule: 'RFC 9293 §3.4', en: 'seq should be {0}; {1} is the acknowledgment number and belongs in ack= ({2}).', zh: 'seq 应为 {0}；{1} 是确认号，应写在 ack= 中（{2}）。' },
  ackHoldsSeq: { code: 'TF3004', id: 'ack-holds-seq', severity: 'error', rule: 'RFC 9293 §3.4', en: "ack should be {0}; {1} is {2}'s own sequence number and belongs in seq= ({3}).", zh: 'ack 应为 {0}；{1} 是 {2} 自己的序号，应写在 seq= 中（{3}）。' },
  ackWithoutFlag: { code: 'TF3005', id: 'ack-without-flag', severity: 'error', rule: 'RFC 9293 §3.1', en: 'ack={0} is given but the ACK flag is not set: the acknowledgment number is only valid with ACK ({1}).', zh: '写了 ack={0} 但未设置 ACK 标志：确认号只有在 ACK=1 时才有效（{1}）。' },
  missingAck: { code: 'TF3006', id: 'missing-ack', severity: 'warning', rule: 'RFC 9293 §3.1', en: 'The ACK flag is set but no ack number is written; it should be ack={0} ({1}).', zh: '设置了 ACK 标志但没有写确认号；应为 ack={0}（{1}）。' },
  ackFlagValue: { code: 'TF3007', id: 'ack-flag-holds-number', severity: 'error', rule: 'RFC 9293 §3.1', en: 'ACK is a flag (0 or 1); the acknowledgment number is written ack={0} (lower case) ({1}).', zh: 'ACK 是标志位（只能为 0 或 1）；确认号应写作小写 ack={0}（{1}）。' },
  dataOnSyn: { code: 'TF3008', id: 'data-on-syn', severity: 'info', rule: 'RFC 9293 §3.10.7.3', en: 'This SYN carries {0} bytes: legal; the receiver holds them until ESTABLISHED, or, without TCP Fast Open, drops them and the sender sends them again; many notes say the first two handshake segments carry none ({1}).', zh: '该 SYN 携带了 {0} 字节数据：合法；接收方会暂存到 ESTABLISHED 才交付，或者（未启用 TCP 快速打开 TFO 时）丢弃它们，由发送方重新发送；笔记中通常说前两次握手不携带数据（{1}）。' },
  beyondWindow: { code: 'TF3009', id: 'beyond-window', severity: 'warning', rule: 'RFC 9293 §3.8.6', en: "Data up to {0} goes beyond {1}'s advertised window, which ends at {2} ({3}).", zh: '数据到 {0} 为止，超出了 {1} 通告的窗口（止于 {2}）（{3}）。' },
  ackUnsent: { code: 'TF3010', id: 'ack-unsent', severity: 'error', rule: 'RFC 9293 §3.10.7.4', en: 'ack={0} acknowledges data {1} has not sent yet (its SND.NXT is {2}); expected {3} ({4}).', zh: 'ack={0} 确认了 {1} 尚未发送的数据（其 SND.NXT 为 {2}）；应为 {3}（{4}）。' },

  unknownEndpoint: { code: 'TF4001', id: 'unknown-endpoint', severity: 'error', rule: '', en: "Unknown endpoint '{0}'; declare it with 'client {0}' or 'server {0}'{1}.", zh: "未知端点“{0}”；请用 client {0} 或 server {0} 声明{1}。" },
  duplicateEndpoint: { code: 'TF4002', id: 'duplicate-endpoint', severity: 'error', rule: '', en: "Endpoint '{0}' is already declared.", zh: "端点“{0}”已经声明过。" },
  selfSegment: { code: 'TF4003', id: 'self-segment', severity: 'error', rule: '', en: '{0} sends a segment to itself; the receiver must be another endpoint (a socket connected to itself is declared with its address and port, e.g. client {0} 127.0.0.1:47123).', zh: '{0} 向自己发送报文段；接收方必须是另一个端点（连接到自身的套接字须声明其地址和端口，例如 client {0} 127.0.0.1:47123）。' },
  unknownDelay: { code: 'TF4004', id: 'unknown-delay', severity: 'error', rule: '', en: "No delayed segment is called '{0}'{1}.", zh: "没有名为“{0}”的延迟报文段{1}。" },
  undelivered: { code: 'TF4005', id: 'undelivered', severity: 'warning', rule: '', en: "Delayed segment '{0}' is never delivered; add 'deliver {0}' or mark it 'lost'.", zh: "延迟报文段“{0}”从未送达；请添加 deliver {0} 或标注 lost。" },
  duplicateDelay: { code: 'TF4006', id: 'duplicate-delay', severity: 'error', rule: '', en: "A delayed segment called '{0}' is already in flight.", zh: "名为“{0}”的延迟报文段已在传输中。" },

  tlsOrder: { code: 'TF5001', id: 'tls-order', severity: 'error', rule: 'RFC 5246 §7.3, RFC 8446 §2', en: 'TLS {0}: {1} is out of order here; expected {3} ({2}).', zh: 'TLS {0}：{1} 顺序错误；此处应为 {3}（{2}）。' },
  tlsDataBeforeFinished: { code: 'TF5002', id: 'tls-data-before-finished', severity: 'error', rule: 'RFC 8446 §2', en: '{0} sends application data before its TLS handshake is complete; expected {1} first ({2}).', zh: '{0} 在 TLS 握手完成前发送了应用数据；应先发送 {1}（{2}）。' },
  appNotEstablished: { code: 'TF5003', id: 'app-not-established', severity: 'error', rule: 'RFC 9293 §3.10.2', en: '{0} sends {1} while its connection is {2}; application data needs ESTABLISHED (or CLOSE_WAIT) ({3}).', zh: '{0} 在连接处于 {2} 时发送了 {1}；应用数据需要连接处于 ESTABLISHED（或 CLOSE_WAIT）（{3}）。' },
  httpAfterClose: { code: 'TF5004', id: 'http-after-close', severity: 'error', rule: 'RFC 9112 §9.3', en: '{0} sends another request on a connection {1} has closed ({2}); open a new connection ({3}).', zh: '{0} 在 {1} 已关闭的连接上发送了新的请求（{2}）；应建立新连接（{3}）。' },
  httpNoRequest: { code: 'TF5005', id: 'http-response-without-request', severity: 'warning', rule: 'RFC 9112 §9.3', en: '{0} sends a response but no request is waiting for one ({1}).', zh: '{0} 发送了响应，但没有等待响应的请求（{1}）。' },
  readBeyondBuffer: { code: 'TF2012', id: 'read-beyond-buffer', severity: 'error', rule: 'RFC 9293 §3.10.3', en: '{0} {1}: {2} bytes have arrived in order and not been read yet (RCV.USER={2}); {3} ({4}).', zh: '{0} {1}：按序到达且尚未被读取的数据只有 {2} 字节（RCV.USER={2}）；{3}（{4}）。' },
  windowBeyondBuffer: { code: 'TF3011', id: 'window-beyond-buffer', severity: 'warning', rule: 'RFC 9293 §3.8.6', en: "win={0} offers more than {1} can take: rcvbuf={2} holds {3} bytes not yet read, {4} are free; expected win={5} at most, or '{1} read' before it ({6}).", zh: 'win={0} 超出了 {1} 能接收的范围：rcvbuf={2} 中有 {3} 字节尚未被应用读取，空闲 {4} 字节；应为 win={5} 或更小，或在此之前先写“{1} read”（{6}）。' },
  windowSilly: { code: 'TF3012', id: 'silly-window', severity: 'warning', rule: 'RFC 9293 §3.8.6.2.2', en: "win={0} moves {1}'s right window edge although only {2} more bytes are free beyond it: receiver SWS avoidance keeps RCV.NXT+RCV.WND where it was until it can move by min(RCV.BUFF/2, Eff.snd.MSS) = {3}; expected win={4} ({5}).", zh: 'win={0} 移动了 {1} 的窗口右边界，但右边界之外新空出的只有 {2} 字节：接收方的糊涂窗口综合征（SWS）避免算法会保持 RCV.NXT+RCV.WND 不变，直到它能移动 min(RCV.BUFF/2, Eff.snd.MSS) = {3} 字节；应为 win={4}（{5}）。' },
} satisfies Record<string, FindingDef>;

export type FindingKey = keyof typeof defs;
export const FINDINGS: Record<FindingKey, FindingDef> = defs as Record<FindingKey, FindingDef>;
export const ALL_FINDINGS: FindingDef[] = Object.values(FINDINGS);

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  /** "Set ack to x+1" — in the finding's locale. */
  title: string;
  edits: TextEdit[];
}

export interface Related {
  span: Span;
  message: string;
}

export interface Finding {
  code: string;
  key: FindingKey;
  severity: Severity;
  rule: string;
  start: number;
  end: number;
  args: string[];
  message: string;
  /** The expected value or state, as text, when the finding is about one. */
  expected?: string;
  actual?: string;
  related: Related[];
  fix?: Fix;
}

export function formatMessage(key: FindingKey, args: readonly string[], locale: Locale): string {
  const def = FINDINGS[key];
  const template = locale === 'zh-cn' ? def.zh : def.en;
  return template.replace(/\{(\d+)\}/g, (_m, i: string) => args[Number(i)] ?? '');
}

export function findingDefByCode(code: string): FindingDef | undefined {
  return ALL_FINDINGS.find((d) => d.code === code);
}
