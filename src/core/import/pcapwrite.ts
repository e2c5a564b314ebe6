/**
 * Write segments as a classic pcap file (microsecond timestamps, little-endian, link type
 * Ethernet) with IPv4 or IPv6 and TCP headers, correct IP and TCP checksums and encoded options.
 * Payload bytes are the label's UTF-8 bytes followed by CR LF, zero-padded or truncated to `len`.
 * Pure TypeScript: no Node built-ins.
 */

import { TCP_ACK, TCP_AE, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './pcap';

export interface ExportSegment {
  /** IPv4 dotted quad or IPv6 text (brackets allowed). Both ends must use the same version. */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** Absolute 32-bit sequence and acknowledgment numbers. */
  seq: number;
  ack: number;
  /** TCP_* bits, or flag names as the language spells them (SYN ACK FIN RST PSH URG ECE CWR). */
  flags: number | readonly string[];
  /** Raw window field (0..65535). */
  win: number;
  options?: {
    mss?: number;
    wscale?: number;
    sackOk?: boolean;
    /** Absolute [left, right) edges; as many blocks as fit in the option space. */
    sack?: [number, number][];
    ts?: { val: number; ecr: number };
  };
  /** Payload length in bytes. */
  len: number;
  /** Payload label; its bytes (plus CR LF) start the payload. */
  label?: string;
  /** Capture time in microseconds (any origin; negative values are written as 0). */
  timeUs: number;
}

const FLAG_BITS: Record<string, number> = {
  FIN: TCP_FIN, SYN: TCP_SYN, RST: TCP_RST, PSH: TCP_PSH, ACK: TCP_ACK, URG: TCP_URG, ECE: TCP_ECE, CWR: TCP_CWR, AE: TCP_AE,
};

export function flagBits(flags: number | readonly string[]): number {
  if (typeof flags === 'number') return flags & 0xfff;
  let f = 0;
  for (const name of flags) f |= FLAG_BITS[name.toUpperCase()] ?? 0;
  return f;
}

/** Parse an IPv4 or IPv6 address; undefined when it is neither. */
export function parseAddress(text: string): Uint8Array | undefined {
  const s = text.trim().replace(/^\[|\]$/g, '');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? Uint8Array.from(b) : undefined;
  }
  if (!s.includes(':')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v = parseAddress(it);
        if (!v || v.length !== 4) return undefined;
        out.push((v[0] << 8) | v[1], (v[2] << 8) | v[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(it)) out.push(parseInt(it, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(Math.max(0, fill)).fill(0), ...tail];
  const b = new Uint8Array(16);
  all.forEach((w, i) => {
    b[2 * i] = w >> 8;
    b[2 * i + 1] = w & 0xff;
  });
  return b;
}

function encodeOptions(o: NonNullable<ExportSegment['options']>): number[] {
  const out: number[] = [];
  const push32 = (v: number): void => {
    out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  };
  if (o.mss !== undefined) out.push(2, 4, (o.mss >> 8) & 0xff, o.mss & 0xff);
  if (o.sackOk && o.ts) out.push(4, 2);
  else if (o.sackOk) out.push(1, 1, 4, 2);
  if (o.ts) {
    if (!o.sackOk) out.push(1, 1);
    out.push(8, 10);
    push32(o.ts.val >>> 0);
    push32(o.ts.ecr >>> 0);
  }
  if (o.wscale !== undefined) out.push(1, 3, 3, o.wscale & 0xff);
  if (o.sack && o.sack.length > 0) {
    const room = Math.floor((40 - out.length - 4) / 8);
    const blocks = o.sack.slice(0, Math.max(0, room));
    if (blocks.length > 0) {
      out.push(1, 1, 5, 2 + 8 * blocks.length);
      for (const [l, r] of blocks) {
        push32(l >>> 0);
        push32(r >>> 0);
      }
    }
  }
  while (out.length % 4 !== 0) out.push(0); // EOL padding
  return out.slice(0, 40);
}

function sum16(b: Uint8Array, start: number, end: number, acc: number): number {
  for (let i = start; i + 1 < end; i += 2) acc += (b[i] << 8) | b[i + 1];
  if ((end - start) % 2 === 1) acc += b[end - 1] << 8;
  return acc;
}

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

function mac(addr: Uint8Array): number[] {
  const n = addr.length;
  return [0x02, 0x00, addr[n - 4], addr[n - 3], addr[n - 2], addr[n - 1]];
}

const encoder = new TextEncoder();

/** One Ethernet frame for a segment. */
export function buildFrame(s: ExportSegment, ipId = 0): Uint8Array {
  let src = parseAddress(s.src);
  let dst = parseAddress(s.dst);
  if (!src || !dst || src.length !== dst.length) {
    // Unusable addresses: TEST-NET-1 placeholders keep the file readable.
    src = Uint8Array.from([192, 0, 2, 1]);
    dst = Uint8Array.from([192, 0, 2, 2]);
  }
  const v6 = src.length === 16;
  const opts = s.options ? encodeOptions(s.options) : [];
  const thl = 20 + opts.length;
  const ipl = v6 ? 40 : 20;
  const maxPayload = v6 ? 65535 - thl : 65535 - ipl - thl;
  const len = Math.max(0, Math.min(Math.floor(s.len), maxPayload));
  const frame = new Uint8Array(14 + ipl + thl + len);
  frame.set(mac(dst), 0);
  frame.set(mac(src), 6);
  frame[12] = v6 ? 0x86 : 0x08;
  frame[13] = v6 ? 0xdd : 0x00;
  const ip = 14;
  const tcp = ip + ipl;
  if (v6) {
    frame[ip] = 0x60;
    frame[ip + 4] = ((thl + len) >> 8) & 0xff;
    frame[ip + 5] = (thl + len) & 0xff;
    frame[ip + 6] = 6;
    frame[ip + 7] = 64;
    frame.set(src, ip + 8);
    frame.set(dst, ip + 24);
  } else {
    const total = ipl + thl + len;
    frame[ip] = 0x45;
    frame[ip + 2] = total >> 8;
    frame[ip + 3] = total & 0xff;
    frame[ip + 4] = (ipId >> 8) & 0xff;
    frame[ip + 5] = ipId & 0xff;
    frame[ip + 6] = 0x40; // DF
    frame[ip + 8] = 64;
    frame[ip + 9] = 6;
    frame.set(src, ip + 12);
    frame.set(dst, ip + 16);
    const c = fold(sum16(frame, ip, ip + 20, 0));
    frame[ip + 10] = c >> 8;
    frame[ip + 11] = c & 0xff;
  }
  const flags = flagBits(s.flags);
  const w32 = (o: number, v: number): void => {
    frame[o] = (v >>> 24) & 0xff;
    frame[o + 1] = (v >>> 16) & 0xff;
    frame[o + 2] = (v >>> 8) & 0xff;
    frame[o + 3] = v & 0xff;
  };
  frame[tcp] = (s.srcPort >> 8) & 0xff;
  frame[tcp + 1] = s.srcPort & 0xff;
  frame[tcp + 2] = (s.dstPort >> 8) & 0xff;
  frame[tcp + 3] = s.dstPort & 0xff;
  w32(tcp + 4, s.seq >>> 0);
  w32(tcp + 8, s.ack >>> 0);
  frame[tcp + 12] = ((thl / 4) << 4) | ((flags >> 8) & 0x0f);
  frame[tcp + 13] = flags & 0xff;
  const win = Math.max(0, Math.min(65535, Math.floor(s.win)));
  frame[tcp + 14] = win >> 8;
  frame[tcp + 15] = win & 0xff;
  frame.set(opts, tcp + 20);
  if (len > 0) {
    const label = s.label !== undefined ? encoder.encode(`${s.label}\r\n`) : new Uint8Array(0);
    frame.set(label.subarray(0, len), tcp + thl);
  }
  // TCP checksum over the pseudo-header and the segment.
  const tcpLen = thl + len;
  let acc = sum16(src, 0, src.length, 0);
  acc = sum16(dst, 0, dst.length, acc);
  acc += 6 + tcpLen; // protocol and TCP length (IPv6's 32-bit length sums the same below 64 KiB)
  acc = sum16(frame, tcp, tcp + tcpLen, acc);
  const c = fold(acc);
  frame[tcp + 16] = c >> 8;
  frame[tcp + 17] = c & 0xff;
  return frame;
}

/** A classic pcap file holding the segments in order. */
export function writePcap(segments: ExportSegment[]): Uint8Array {
  const frames = segments.map((s, i) => buildFrame(s, (i + 1) & 0xffff));
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, 1, true); // Ethernet
  let p = 24;
  frames.forEach((f, i) => {
    const t = Math.max(0, Math.floor(segments[i].timeUs));
    dv.setUint32(p, Math.floor(t / 1e6) >>> 0, true);
    dv.setUint32(p + 4, t % 1e6, true);
    dv.setUint32(p + 8, f.length, true);
    dv.setUint32(p + 12, f.length, true);
    out.set(f, p + 16);
    p += 16 + f.length;
  });
  return out;
}
