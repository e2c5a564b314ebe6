/**
 * The server's own words (hover labels, completion details, action titles) in every locale the
 * core supports. Finding messages and the explanations of numbers come from the core already
 * localised; this table only frames them.
 */
import type { Locale } from '../core/index';

const strings = {
  sends: ['sends', '发送'],
  receives: ['receives', '接收'],
  lost: ['never receives it (lost)', '收不到（已丢失）'],
  delayedUntil: ['receives it later, at line {0}', '稍后在第 {0} 行收到'],
  delayedNever: ['never receives it (delayed, no deliver)', '收不到（已延迟，且没有 deliver）'],
  receivedAt: ['receives it at line {0}', '在第 {0} 行收到'],
  duplicateArrival: ['a second copy arrives', '第二份副本到达'],
  because: ['{0} = {1} because {2}.', '{0} = {1}，因为{2}。'],
  valueIs: ['{0} = {1}.', '{0} = {1}。'],
  misspelled: ['“{0}” is read as {1}.', '“{0}”按 {1} 理解。'],
  assertHolds: ['The checker agrees: {0} is {1} here.', '检查结果一致：{0} 此处处于 {1}。'],
  assertFails: ['The checker computes {1} for {0} here.', '检查器算出 {0} 此处处于 {1}。'],
  endpointRole: ['{0} {1}, starts in {2}', '{0} {1}，初始状态 {2}'],
  roleClient: ['client', '客户端'],
  roleServer: ['server', '服务器'],
  roleEndpoint: ['endpoint', '端点'],
  symbolBound: ['bound at line {0}', '在第 {0} 行绑定'],
  symbolIs: ['**{0}** = {1} ({2}), {3} uses', '**{0}** = {1}（{2}），被引用 {3} 次'],
  callChange: ['{0}: {1} → {2}', '{0}：{1} → {2}'],
  readHover: ["{0}'s application reads {1} bytes from its receive buffer (RFC 9293 §3.10.3).", '{0} 的应用从接收缓冲区读取 {1} 字节（RFC 9293 §3.10.3）。'],
  readEofHover: ["{0}'s application finds nothing left and the peer's FIN taken: the read returns 0, end of stream (RFC 9293 §3.10.3).", '{0} 的应用发现缓冲区已空且对端的 FIN 已收到：读取返回 0，即流末尾（RFC 9293 §3.10.3）。'],
  readUnknownHover: ["{0}'s application reads from its receive buffer (what it holds is not known here).", '{0} 的应用从接收缓冲区读取数据（此处无法得知缓冲区中有多少数据）。'],
  readWindowHover: ['The window {0} may advertise now: at most {1} (RCV.BUFF - RCV.USER, RFC 9293 §3.8.6.2.2).', '{0} 现在可以通告的窗口：最多 {1}（RCV.BUFF - RCV.USER，RFC 9293 §3.8.6.2.2）。'],
  expectedSeq: ['expected seq: SND.NXT of {0}', '期望的 seq：{0} 的 SND.NXT'],
  expectedAck: ['expected ack: RCV.NXT of {0}', '期望的 ack：{0} 的 RCV.NXT'],
  expectedState: ['the state the checker computes here', '检查器在此处算出的状态'],
  freshName: ['a new name: binds to the value the protocol expects here', '新名称：绑定为协议在此处期望的值'],
  boundName: ['bound name = {0}', '已绑定的名称 = {0}'],
  endpointItem: ['endpoint ({0})', '端点（{0}）'],
  receiverItem: ['receiver', '接收方'],
  keyword: ['keyword', '关键字'],
  flagItem: ['TCP flag', 'TCP 标志位'],
  fieldItem: ['field', '字段'],
  modifierItem: ['network event', '网络事件'],
  stateItem: ['TCP state', 'TCP 状态'],
  callItem: ['application call', '应用调用'],
  delayedItem: ['delayed segment in flight', '传输中的延迟报文段'],
  tlsItem: ['TLS message', 'TLS 消息'],
  fixAllCode: ['Fix all {0} problems in file', '修复文件中所有 {0} 问题'],
  fixAll: ['Fix all tcpflow problems in file', '修复文件中所有 tcpflow 问题'],
  convertToTcpflow: ['Convert to tcpflow', '转换为 tcpflow'],
  moreProblems: ['{0} more problems are not shown (setting tcpflow.diagnostics.maxProblems).', '另有 {0} 个问题未显示（设置 tcpflow.diagnostics.maxProblems）。'],
  checkFailed: ['tcpflow could not check this text: {0}', 'tcpflow 无法检查这段文本：{0}'],
  notOpen: ['The document is not open: {0}', '文档未打开：{0}'],
  renameInvalid: ["'{0}' cannot be used as a name: names are letters, digits and _, starting with a letter or _, and not a keyword.", '“{0}”不能用作名称：名称由字母、数字和 _ 组成，以字母或 _ 开头，且不能是关键字。'],
  renameTaken: ["'{0}' is already used here.", '“{0}”已被使用。'],
  renameMeaning: ['Renaming would change what the file means ({0}); nothing was renamed.', '重命名会改变文件的含义（{0}）；未做任何修改。'],
  renameNothing: ['Nothing to rename here: place the cursor on an endpoint or a sequence-number name.', '此处没有可重命名的内容：请把光标放在端点名或序号名称上。'],
  formatRefused: ['Formatting refused: the result would not keep every character of the text ({0}).', '拒绝格式化：结果无法保留文本中的每个字符（{0}）。'],
  blockName: ['tcpflow block at line {0}', '第 {0} 行的 tcpflow 代码块'],
  connectionDetail: ['{0} segments', '{0} 个报文段'],
  lostShort: ['lost', '丢失'],
  delayedShort: ['in flight', '传输中'],
  cancelled: ['The request was cancelled.', '请求已取消。'],
  phaseUnnamed: ['phase', '阶段'],
  tcbRole: ['**{0}** ({1}): ', '**{0}**（{1}）：'],
  noDelivery: ['**{0}**: {1}', '**{0}**：{1}'],
  classRetransmission: ['retransmission', '重传'],
  classKeepalive: ['keep-alive probe', '保活探测'],
  classWindowProbe: ['window probe', '窗口探测'],
  classDupAck: ['duplicate ACK', '重复 ACK'],
  classRstReply: ['RST in reply', '作为应答的 RST'],
  classOldDuplicate: ['old duplicate', '旧的重复报文段'],
  classSpoofed: ['spoofed source', '伪造源地址'],
} satisfies Record<string, [string, string]>;

export type StringKey = keyof typeof strings;

/** Every key with its English and Chinese templates (for the completeness test). */
export const SERVER_STRINGS: Readonly<Record<StringKey, readonly [string, string]>> = strings;

export function t(locale: Locale, key: StringKey, ...args: (string | number)[]): string {
  const s = strings[key];
  if (locale !== 'zh-cn') return s[0].replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
  // Chinese text puts a space between a Han character and a Latin letter or digit ("因为 C 已发送"),
  // none between Han characters ("因为客户端"): the argument decides, so the template has none.
  const template = s[1];
  return template.replace(/\{(\d+)\}/g, (m, i: string, at: number) => {
    const arg = String(args[Number(i)] ?? '');
    const before = at > 0 && HAN.test(template[at - 1]) && LATIN.test(arg[0] ?? '') ? ' ' : '';
    const next = template[at + m.length];
    const after = next !== undefined && HAN.test(next) && LATIN.test(arg[arg.length - 1] ?? '') ? ' ' : '';
    return before + arg + after;
  });
}

const HAN = /\p{Script=Han}/u;
const LATIN = /[A-Za-z0-9`*]/;
