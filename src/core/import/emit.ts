/** Formatting of `.tcpflow` statements shared by the capture and packetdrill importers. */

import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './pcap';

export interface LineSegment {
  from: string;
  to: string;
  flags: number;
  seq?: number;
  /** Written only when the ACK flag is set. */
  ack?: number;
  len?: number;
  win?: number;
  mss?: number;
  wscale?: number;
  sackOk?: boolean;
  ts?: { val: number; ecr: number };
  /** TCP Fast Open option (RFC 7413): '' a cookie request, else the cookie in hex digits. */
  tfo?: string;
  http?: { startLine: string; connection?: 'close' | 'keep-alive' };
  tls?: { version?: '1.2' | '1.3'; messages: string[] };
  /** A quoted payload label (used when there is no http/tls message). */
  label?: string;
  modifiers?: string[];
  /** Trailing comment parts, joined with "; ". */
  comment?: string[];
}

/** Flag order used in output (Wireshark's reading order with SYN first). */
const FLAG_ORDER: [number, string][] = [
  [TCP_SYN, 'SYN'],
  [TCP_FIN, 'FIN'],
  [TCP_RST, 'RST'],
  [TCP_PSH, 'PSH'],
  [TCP_ACK, 'ACK'],
  [TCP_URG, 'URG'],
  [TCP_ECE, 'ECE'],
  [TCP_CWR, 'CWR'],
];

export function flagWords(flags: number): string[] {
  return FLAG_ORDER.filter(([bit]) => flags & bit).map(([, name]) => name);
}

/** A double-quoted tcpflow string. */
export function quote(s: string): string {
  return `"${s.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function segmentLine(s: LineSegment): string {
  const parts: string[] = [`${s.from} -> ${s.to}`];
  parts.push(...flagWords(s.flags)); // bounded: eight flags at most
  if (s.seq !== undefined) parts.push(`seq=${s.seq >>> 0}`);
  if (s.ack !== undefined && s.flags & TCP_ACK) parts.push(`ack=${s.ack >>> 0}`);
  if (s.len) parts.push(`len=${s.len}`);
  if (s.win !== undefined) parts.push(`win=${s.win}`);
  if (s.mss !== undefined) parts.push(`mss=${s.mss}`);
  if (s.wscale !== undefined) parts.push(`wscale=${Math.min(s.wscale, 14)}`);
  if (s.sackOk) parts.push('sackOK');
  if (s.ts) parts.push(`ts=${s.ts.val >>> 0}/${s.ts.ecr >>> 0}`);
  if (s.tfo !== undefined) parts.push(s.tfo ? `tfo=0x${s.tfo}` : 'tfo');
  if (s.http) {
    parts.push(`http ${quote(s.http.startLine)}`);
    if (s.http.connection) parts.push(s.http.connection);
  } else if (s.tls && s.tls.messages.length > 0) {
    parts.push(`tls${s.tls.version ?? ''} ${s.tls.messages.join(' ')}`);
  } else if (s.label) parts.push(quote(s.label));
  if (s.modifiers) parts.push(...s.modifiers); // bounded: a few modifier words
  let line = parts.join(' ');
  // (A line break in a comment would end it: what follows would be read as a statement.)
  if (s.comment && s.comment.length > 0) line += `  # ${commentText(s.comment.join('; '))}`;
  return line;
}

/** `wait` duration: `200ms`, `1.5ms`, `12.345s`. Returns undefined below a microsecond (and for no number). */
export function formatDuration(ms: number): string | undefined {
  ms = Math.round(ms * 1000) / 1000;
  if (!(ms >= 0.001) || !Number.isFinite(ms)) return undefined;
  if (ms >= 1000) return `${trimFixed(ms / 1000, 3)}s`;
  return `${trimFixed(ms, 3)}ms`;
}

function trimFixed(x: number, digits: number): string {
  // (From 1e21 on, toFixed and String write an exponent, which the language does not read.)
  return x < 1e21 ? String(Number(x.toFixed(digits))) : BigInt(Math.round(x)).toString();
}

/** Make a string usable as a `#` comment (single line). */
export function commentText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
