/** The few words the diagram adds of its own, in every locale. */
import type { Locale } from '../check/findings';

const words = {
  phaseHandshake: ['Handshake', '握手'],
  phaseData: ['Data transfer', '数据传输'],
  phaseTeardown: ['Teardown', '挥手'],
  phaseTls: ['TLS handshake', 'TLS 握手'],
  sentAtLine: ['sent at line {0}', '第 {0} 行发出'],
  crossedInFlight: ['crossed in flight (sent at line {0})', '传输中交叉（第 {0} 行发出）'],
  duplicateCopy: ['duplicate', '重复'],
  oldDuplicate: ['old duplicate', '旧的重复报文段'],
  spoofedAs: ['as {0}', '冒充 {0}'],
  neverDelivered: ['never delivered', '从未送达'],
  readBytes: ['reads {0} bytes', '应用读取 {0} 字节'],
  readByte: ['reads 1 byte', '应用读取 1 字节'],
  readAll: ['reads what it has', '应用读取已到达的数据'],
  readEof: ['reads end of stream (EOF)', '应用读到流末尾（EOF）'],
  bufferFree: [' ({0} of {1} free)', '（空闲 {0}/{1}）'],
  leftOut: ['… {0} more statements are not drawn', '……另有 {0} 条语句未绘出'],
} satisfies Record<string, [string, string]>;

export type WordKey = keyof typeof words;

export function word(key: WordKey, locale: Locale, ...args: (string | number)[]): string {
  const [en, zh] = words[key];
  const template = locale === 'zh-cn' ? zh : en;
  return template.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
}
