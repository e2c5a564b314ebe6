/**
 * Streaming reader for pcap and pcapng captures that yields TCP segments.
 *
 * Pure TypeScript (no Node built-ins, no vscode): input is Uint8Array chunks, output is data.
 * The reader never throws on bad input and never loops without consuming bytes: damaged or
 * truncated captures give the segments read so far plus warnings naming the packet number and
 * byte offset. Memory is bounded by the largest single record (at most MAX_RECORD bytes);
 * records the reader does not need (unknown pcapng blocks, oversized packets) are skipped
 * without being buffered.
 *
 * Containers: pcap (both byte orders, microsecond and nanosecond magic, the "modified" pcap
 * variant with 24-byte record headers) and pcapng (SHB in either byte order, several sections
 * and IDBs with if_tsresol / if_tsoffset, EPB, SPB, OPB; other blocks are skipped).
 * Link types: Ethernet (1, with 802.1Q / 802.1ad tags, LLC/SNAP, PPPoE, MPLS), BSD NULL (0),
 * LOOP (108), raw IP (101, 228, 229, and the DLT_RAW values 12 and 14), Linux SLL (113) and
 * SLL2 (276). Network: IPv4 (non-first fragments skipped) and IPv6 (extension headers walked).
 */

export interface ImportWarning {
  message: string;
  /** 1-based packet (record) number, as Wireshark numbers frames. */
  packet?: number;
  /** Byte offset of the record (or of the problem) in the file. */
  offset?: number;
  /** 1-based line number (text importers). */
  line?: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
/** AE (formerly NS), bit 8 of the flags field (RFC 3540 / AccECN). */
export const TCP_AE = 0x100;
/** The three reserved bits of the 12-bit flags field (RFC 9293 §3.1). */
export const TCP_RESERVED = 0xe00;

export interface TcpOptionSet {
  mss?: number;
  wscale?: number;
  sackOk?: boolean;
  /** SACK blocks as raw (absolute) [left, right) edges. */
  sack?: [number, number][];
  ts?: { val: number; ecr: number };
  /** TCP Fast Open cookie option (kind 34, or kind 254 with ExID 0xF989); an empty cookie is a request. */
  tfo?: Uint8Array;
  /** Kinds present but not decoded above (e.g. 30 MPTCP, 19 MD5, 29 AO, 172/174 AccECN). */
  other?: number[];
}

export interface TcpPacket {
  /** 1-based record number in the capture (all packets count, not only TCP). */
  packet: number;
  /** Byte offset of the record in the file. */
  offset: number;
  /** Capture time: whole seconds (Unix epoch, may be any origin) and nanoseconds. */
  sec: number;
  nsec: number;
  linkType: number;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** The 12-bit flags field: TCP_* bits, including TCP_AE and the reserved bits. */
  flags: number;
  /** Raw window field (not scaled). */
  window: number;
  urgent: number;
  options: TcpOptionSet;
  /** Payload length according to the IP header (what was on the wire). */
  payloadLength: number;
  /** Captured payload bytes; shorter than payloadLength when the snapshot length cut it. */
  payload: Uint8Array;
}

export interface ReaderSummary {
  format: 'pcap' | 'pcapng' | 'unknown';
  /** Timestamps in the file have nanosecond resolution (pcap magic or if_tsresol). */
  nanosecond: boolean;
  /** Byte order of the (first) header. */
  littleEndian: boolean;
  /** Packet records seen. */
  packets: number;
  /** TCP segments delivered. */
  tcp: number;
  /** Bytes consumed. */
  bytes: number;
  /** False when reading stopped early (garbage, truncation). */
  complete: boolean;
  warnings: ImportWarning[];
}

export interface ReaderOptions {
  /** Stop recording warnings after this many (a final warning counts the rest). Default 200. */
  maxWarnings?: number;
}

/** Largest record the reader buffers; larger ones are skipped (pcapng) or end reading (pcap). */
export const MAX_RECORD = 64 * 1024 * 1024;
/** Classic pcap: a record longer than max(snaplen, this) is treated as a damaged header. */
const PCAP_MAX_SANE = 262144;

const LINK_NULL = 0;
const LINK_ETHERNET = 1;
const LINK_RAW = 101;
const LINK_LOOP = 108;
const LINK_SLL = 113;
const LINK_IPV4 = 228;
const LINK_IPV6 = 229;
const LINK_SLL2 = 276;

const LINK_NAMES: Record<number, string> = {
  0: 'BSD loopback', 1: 'Ethernet', 12: 'raw IP', 14: 'raw IP', 101: 'raw IP', 108: 'OpenBSD loopback', 113: 'Linux cooked (SLL)',
  228: 'raw IPv4', 229: 'raw IPv6', 276: 'Linux cooked v2 (SLL2)', 105: 'IEEE 802.11', 127: '802.11 radiotap', 9: 'PPP', 50: 'PPP HDLC',
};

export function linkTypeName(lt: number): string {
  return LINK_NAMES[lt] ?? `link type ${lt}`;
}

interface Interface {
  linkType: number;
  snaplen: number;
  /** Units per second is 10^exp (decimal) or 2^exp (binary). */
  tsDecimal: boolean;
  tsExp: number;
  tsOffset: number;
}

type State =
  | { kind: 'start' }
  | { kind: 'pcapHeader' }
  | { kind: 'pcapRecord' }
  | { kind: 'ngBlock' }
  | { kind: 'skip'; remaining: number }
  | { kind: 'dead' };

/** Bytes queued from push(), with cheap concatenation only when a record straddles chunks. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  length = 0;

  push(c: Uint8Array): void {
    if (c.length === 0) return;
    this.chunks.push(c);
    this.length += c.length;
  }

  /** A contiguous view of the first n bytes (n <= length). */
  peek(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    // Concatenate just enough chunks; keep the merged array as the new first chunk.
    const out = new Uint8Array(n);
    let filled = 0;
    let i = 0;
    let off = this.head;
    while (filled < n) {
      const c = this.chunks[i];
      const take = Math.min(c.length - off, n - filled);
      out.set(c.subarray(off, off + take), filled);
      filled += take;
      if (off + take === c.length) {
        i++;
        off = 0;
      } else off += take;
    }
    const rest = this.chunks.slice(i);
    if (off > 0) rest[0] = rest[0].subarray(off);
    this.chunks = [out, ...rest];
    this.head = 0;
    return out;
  }

  consume(n: number): void {
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[0];
      const avail = c.length - this.head;
      if (avail > n) {
        this.head += n;
        return;
      }
      n -= avail;
      this.chunks.shift();
      this.head = 0;
    }
    if (this.chunks.length > 0 && this.head === this.chunks[0].length) {
      this.chunks.shift();
      this.head = 0;
    }
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.length = 0;
  }

  /**
   * Copy the queued bytes that still live in `buffer` (the caller's chunk) into memory of our
   * own, so that the caller may reuse its buffer once push() returns. Only the unread tail of
   * the latest chunk is copied (less than one record), and each byte at most once.
   */
  detach(buffer: ArrayBufferLike): void {
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (c.buffer !== buffer) continue;
      const from = i === 0 ? this.head : 0;
      this.chunks[i] = c.slice(from);
      if (i === 0) this.head = 0;
    }
  }
}

function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
}

function u32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
    : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

const be16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
const be32 = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

/**
 * Incremental capture reader: push() chunks of any size, call end() once. Each TCP segment is
 * handed to `onTcp` as soon as its record is complete. The payload is a view into the pushed
 * chunk (or into memory of the reader's own that it never reuses). The reader keeps no
 * reference to a chunk after push() returns, so a caller may read a file into one buffer over
 * and over; a consumer that keeps payloads past its `onTcp` call must then copy them.
 */
export class CaptureReader {
  private readonly q = new ByteQueue();
  private state: State = { kind: 'start' };
  private offset = 0; // file offset of the first queued byte
  private le = true;
  private nano = false;
  private modified = false;
  private snaplen = 0;
  private linkType = 0;
  private interfaces: Interface[] = [];
  private lastSec = 0;
  private lastNsec = 0;
  private readonly maxWarnings: number;
  private suppressed = 0;
  private ended = false;
  private readonly unsupportedLinks = new Set<number>();
  readonly summary: ReaderSummary = {
    format: 'unknown', nanosecond: false, littleEndian: true, packets: 0, tcp: 0, bytes: 0, complete: true, warnings: [],
  };

  constructor(
    private readonly onTcp: (p: TcpPacket) => void,
    opts: ReaderOptions = {},
  ) {
    this.maxWarnings = opts.maxWarnings ?? 200;
  }

  private warn(message: string, packet?: number, offset?: number): void {
    if (this.summary.warnings.length >= this.maxWarnings) {
      this.suppressed++;
      return;
    }
    const w: ImportWarning = { message };
    if (packet !== undefined) w.packet = packet;
    if (offset !== undefined) w.offset = offset;
    this.summary.warnings.push(w);
  }

  private stop(message: string, offset: number): void {
    this.warn(message, undefined, offset);
    this.summary.complete = false;
    this.state = { kind: 'dead' };
    this.q.clear();
  }

  push(chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    if (this.state.kind === 'dead') {
      this.offset += chunk.length;
      return;
    }
    this.q.push(chunk);
    this.run();
    this.q.detach(chunk.buffer);
  }

  /** Signal end of input; reports a truncated final record. Returns the summary. */
  end(): ReaderSummary {
    if (this.ended) return this.summary;
    this.ended = true;
    const left = this.q.length;
    const s = this.state;
    if (s.kind === 'skip') {
      this.warn(`capture ends inside a skipped block: ${s.remaining} bytes missing`, undefined, this.offset);
      this.summary.complete = false;
    } else if (s.kind === 'start' && this.summary.bytes === 0 && left === 0) {
      this.warn('empty input: not a pcap or pcapng capture', undefined, 0);
      this.summary.complete = false;
    } else if (left > 0 && s.kind !== 'dead') {
      this.truncatedTail(left);
    }
    this.q.clear();
    if (this.suppressed > 0) this.summary.warnings.push({ message: `${this.suppressed} more warnings not shown` });
    return this.summary;
  }

  private truncatedTail(left: number): void {
    const s = this.state;
    this.summary.complete = false;
    const b = this.q.peek(left);
    if (s.kind === 'pcapRecord') {
      const hl = this.modified ? 24 : 16;
      const pkt = this.summary.packets + 1;
      if (left < hl) {
        this.warn(`capture truncated inside a record header (${left} of ${hl} bytes)`, pkt, this.offset);
        return;
      }
      const incl = u32(b, 8, this.le);
      const orig = u32(b, 12, this.le);
      this.warn(`capture truncated: record needs ${incl} bytes, only ${left - hl} present; decoding what is there`, pkt, this.offset);
      this.summary.packets++;
      const { sec, nsec } = this.pcapTime(b);
      this.decode(this.linkType, b.subarray(hl), orig, pkt, this.offset, sec, nsec);
      this.summary.bytes += left;
      return;
    }
    if (s.kind === 'ngBlock' && left >= 8) {
      const type = u32(b, 0, this.le);
      if (type === 6 && left >= 28) {
        const pkt = this.summary.packets + 1;
        this.warn(`capture truncated inside an enhanced packet block (${left} bytes present)`, pkt, this.offset);
        this.summary.packets++;
        this.ngEpb(b, Math.min(left, u32(b, 4, this.le)), true);
        this.summary.bytes += left;
        return;
      }
    }
    if (s.kind === 'start' || s.kind === 'pcapHeader') {
      this.warn(`capture truncated inside the file header (${left} bytes)`, undefined, this.offset);
      return;
    }
    this.warn(`capture truncated: ${left} trailing bytes do not form a complete record`, undefined, this.offset);
  }

  private run(): void {
    // Every iteration either consumes bytes, changes state to dead, or returns for more input.
    for (;;) {
      const s = this.state;
      switch (s.kind) {
        case 'dead':
          this.offset += this.q.length;
          this.q.clear();
          return;
        case 'skip': {
          const n = Math.min(s.remaining, this.q.length);
          this.consume(n);
          s.remaining -= n;
          if (s.remaining > 0) return;
          this.state = { kind: 'ngBlock' };
          continue;
        }
        case 'start':
          if (this.q.length < 4) return;
          this.detect();
          continue;
        case 'pcapHeader':
          if (this.q.length < 24) return;
          this.pcapHeader();
          continue;
        case 'pcapRecord':
          if (!this.pcapRecord()) return;
          continue;
        case 'ngBlock':
          if (!this.ngBlock()) return;
          continue;
      }
    }
  }

  private consume(n: number): void {
    this.q.consume(n);
    this.offset += n;
    this.summary.bytes += n;
  }

  private detect(): void {
    const b = this.q.peek(4);
    const m = u32(b, 0, true);
    const classic: Record<number, [boolean, boolean, boolean]> = {
      // magic read little-endian -> [littleEndian, nanosecond, modified]
      0xa1b2c3d4: [true, false, false],
      0xd4c3b2a1: [false, false, false],
      0xa1b23c4d: [true, true, false],
      0x4d3cb2a1: [false, true, false],
      0xa1b2cd34: [true, false, true],
      0x34cdb2a1: [false, false, true],
    };
    const c = classic[m];
    if (c) {
      [this.le, this.nano, this.modified] = c;
      this.summary.format = 'pcap';
      this.summary.littleEndian = this.le;
      this.summary.nanosecond = this.nano;
      this.state = { kind: 'pcapHeader' };
      return;
    }
    if (m === 0x0a0d0d0a) {
      this.summary.format = 'pcapng';
      this.state = { kind: 'ngBlock' };
      return;
    }
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
    this.stop(`not a pcap or pcapng capture (first bytes ${hex})`, 0);
  }

  private pcapHeader(): void {
    const b = this.q.peek(24);
    const major = u16(b, 4, this.le);
    if (major !== 2) this.warn(`unexpected pcap version ${major}.${u16(b, 6, this.le)}`, undefined, 4);
    this.snaplen = u32(b, 16, this.le);
    // The upper bits of the link-type field carry FCS information; the type is the low 16 bits.
    this.linkType = u32(b, 20, this.le) & 0xffff;
    this.consume(24);
    this.state = { kind: 'pcapRecord' };
  }

  private pcapTime(b: Uint8Array): { sec: number; nsec: number } {
    const sec = u32(b, 0, this.le);
    const frac = u32(b, 4, this.le);
    let nsec = this.nano ? frac : frac * 1000;
    let s = sec;
    if (nsec >= 1e9) {
      s += Math.floor(nsec / 1e9);
      nsec %= 1e9;
    }
    return { sec: s, nsec };
  }

  /** Returns false when more input is needed. */
  private pcapRecord(): boolean {
    const hl = this.modified ? 24 : 16;
    if (this.q.length < hl) return false;
    const h = this.q.peek(hl);
    const incl = u32(h, 8, this.le);
    const orig = u32(h, 12, this.le);
    const limit = Math.max(PCAP_MAX_SANE, Math.min(this.snaplen, MAX_RECORD));
    if (incl > limit) {
      this.stop(`damaged record header: captured length ${incl} exceeds ${limit}; stopping (packet ${this.summary.packets + 1})`, this.offset);
      return true;
    }
    if (this.q.length < hl + incl) return false;
    const rec = this.q.peek(hl + incl);
    const pkt = ++this.summary.packets;
    const off = this.offset;
    if (orig < incl) this.warn(`record claims original length ${orig} < captured length ${incl}`, pkt, off);
    const { sec, nsec } = this.pcapTime(rec);
    this.consume(hl + incl);
    this.decode(this.linkType, rec.subarray(hl), Math.max(orig, incl), pkt, off, sec, nsec);
    return true;
  }

  /** Returns false when more input is needed. */
  private ngBlock(): boolean {
    if (this.q.length < 12) {
      if (this.q.length < 8) return false;
    }
    const h = this.q.peek(Math.min(this.q.length, 12));
    let type = u32(h, 0, this.le);
    if (type === 0x0a0d0d0a) {
      if (h.length < 12) return false;
      const bom = u32(h, 8, true);
      if (bom === 0x1a2b3c4d) this.le = true;
      else if (bom === 0x4d3c2b1a) this.le = false;
      else {
        this.stop(`damaged pcapng section header: byte-order magic ${bom.toString(16)}`, this.offset + 8);
        return true;
      }
      type = 0x0a0d0d0a;
      if (this.summary.tcp === 0 && this.summary.packets === 0) this.summary.littleEndian = this.le;
    }
    const len = u32(h, 4, this.le);
    if (len < 12 || len % 4 !== 0) {
      this.stop(`damaged pcapng block at offset ${this.offset}: length ${len} is not a multiple of 4 of at least 12; stopping`, this.offset);
      return true;
    }
    const isPacket = type === 6 || type === 3 || type === 2;
    if (len > MAX_RECORD || (!isPacket && type !== 0x0a0d0d0a && type !== 1 && len > this.q.length && len > 65536)) {
      // Too big to buffer, or not needed: skip it while streaming.
      if (isPacket) {
        const pkt = ++this.summary.packets;
        this.warn(`packet block of ${len} bytes is larger than ${MAX_RECORD}; skipped`, pkt, this.offset);
      }
      this.state = { kind: 'skip', remaining: len };
      return true;
    }
    if (this.q.length < len) return false;
    const b = this.q.peek(len);
    const off = this.offset;
    const trailer = u32(b, len - 4, this.le);
    if (trailer !== len) this.warn(`pcapng block length mismatch (${len} vs trailing ${trailer})`, undefined, off);
    switch (type) {
      case 0x0a0d0d0a:
        this.ngShb(b, len);
        break;
      case 1:
        this.ngIdb(b, len);
        break;
      case 6:
        this.summary.packets++;
        this.ngEpb(b, len, false);
        break;
      case 3:
        this.summary.packets++;
        this.ngSpb(b, len);
        break;
      case 2:
        this.summary.packets++;
        this.ngOpb(b, len);
        break;
      default:
        break; // NRB, ISB, DSB, custom and unknown blocks carry no packets for us
    }
    this.consume(len);
    return true;
  }

  private ngShb(b: Uint8Array, len: number): void {
    if (len < 28) this.warn('pcapng section header block too short', undefined, this.offset);
    else {
      const major = u16(b, 12, this.le);
      if (major !== 1) this.warn(`unexpected pcapng version ${major}`, undefined, this.offset + 12);
    }
    this.interfaces = []; // interface ids are per section
  }

  private ngIdb(b: Uint8Array, len: number): void {
    if (len < 20) {
      this.warn('pcapng interface description block too short', undefined, this.offset);
      this.interfaces.push({ linkType: -1, snaplen: 0, tsDecimal: true, tsExp: 6, tsOffset: 0 });
      return;
    }
    const itf: Interface = { linkType: u16(b, 8, this.le), snaplen: u32(b, 12, this.le), tsDecimal: true, tsExp: 6, tsOffset: 0 };
    // Options: code(2) length(2) value padded to 4.
    let p = 16;
    const end = len - 4;
    while (p + 4 <= end) {
      const code = u16(b, p, this.le);
      const olen = u16(b, p + 2, this.le);
      if (code === 0) break;
      if (p + 4 + olen > end) {
        this.warn('pcapng interface option runs past its block', undefined, this.offset + p);
        break;
      }
      if (code === 9 && olen >= 1) {
        const v = b[p + 4];
        itf.tsDecimal = (v & 0x80) === 0;
        itf.tsExp = v & 0x7f;
        if ((itf.tsDecimal && itf.tsExp > 15) || (!itf.tsDecimal && itf.tsExp > 63)) {
          this.warn(`unusual if_tsresol ${v}; timestamps may be wrong`, undefined, this.offset + p);
        }
      } else if (code === 14 && olen >= 8) {
        // if_tsoffset: signed 64-bit seconds.
        const hi = u32(b, p + 4 + (this.le ? 4 : 0), this.le) | 0;
        const lo = u32(b, p + 4 + (this.le ? 0 : 4), this.le);
        itf.tsOffset = hi * 4294967296 + lo;
      }
      p += 4 + ((olen + 3) & ~3);
    }
    if (itf.tsDecimal ? itf.tsExp === 9 || itf.tsExp > 6 : itf.tsExp > 20) this.summary.nanosecond = true;
    this.interfaces.push(itf);
  }

  private ngTime(itf: Interface, hi: number, lo: number): { sec: number; nsec: number } {
    let sec: number;
    let nsec: number;
    if (itf.tsDecimal && itf.tsExp <= 9 && hi < 0x200000) {
      // Fast path: the value fits in 53 bits.
      const v = hi * 4294967296 + lo;
      const d = 10 ** itf.tsExp;
      sec = Math.floor(v / d);
      let rem = v - sec * d;
      if (rem < 0) {
        sec--;
        rem += d;
      } else if (rem >= d) {
        sec++;
        rem -= d;
      }
      nsec = rem * 10 ** (9 - itf.tsExp);
    } else {
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      let units: bigint;
      if (itf.tsDecimal) units = 10n ** BigInt(Math.min(itf.tsExp, 30));
      else units = 1n << BigInt(Math.min(itf.tsExp, 63));
      const s = v / units;
      const frac = v % units;
      sec = Number(s);
      nsec = Number((frac * 1000000000n) / units);
    }
    return { sec: sec + itf.tsOffset, nsec };
  }

  private iface(id: number, pkt: number): Interface | undefined {
    const itf = this.interfaces[id];
    if (!itf) {
      this.warn(`packet refers to interface ${id}, which has no description block; skipped`, pkt, this.offset);
      return undefined;
    }
    return itf;
  }

  private ngEpb(b: Uint8Array, len: number, truncated: boolean): void {
    const pkt = this.summary.packets;
    if (len < 32 && !truncated) {
      this.warn('enhanced packet block too short', pkt, this.offset);
      return;
    }
    const itf = this.iface(u32(b, 8, this.le), pkt);
    if (!itf) return;
    const { sec, nsec } = this.ngTime(itf, u32(b, 12, this.le), u32(b, 16, this.le));
    this.lastSec = sec;
    this.lastNsec = nsec;
    let cap = u32(b, 20, this.le);
    const orig = u32(b, 24, this.le);
    const room = (truncated ? b.length : len - 4) - 28;
    if (cap > room) {
      if (!truncated) this.warn(`captured length ${cap} runs past the block (${room} bytes); using what is there`, pkt, this.offset);
      cap = Math.max(0, room);
    }
    this.decode(itf.linkType, b.subarray(28, 28 + cap), Math.max(orig, cap), pkt, this.offset, sec, nsec);
  }

  private ngSpb(b: Uint8Array, len: number): void {
    const pkt = this.summary.packets;
    const itf = this.iface(0, pkt);
    if (!itf) return;
    const orig = u32(b, 8, this.le);
    let cap = Math.min(orig, len - 16);
    if (itf.snaplen > 0) cap = Math.min(cap, itf.snaplen);
    // Simple packet blocks carry no timestamp: reuse the previous one.
    this.decode(itf.linkType, b.subarray(12, 12 + Math.max(0, cap)), orig, pkt, this.offset, this.lastSec, this.lastNsec);
  }

  private ngOpb(b: Uint8Array, len: number): void {
    const pkt = this.summary.packets;
    if (len < 32) {
      this.warn('packet block too short', pkt, this.offset);
      return;
    }
    const itf = this.iface(u16(b, 8, this.le), pkt);
    if (!itf) return;
    const { sec, nsec } = this.ngTime(itf, u32(b, 12, this.le), u32(b, 16, this.le));
    this.lastSec = sec;
    this.lastNsec = nsec;
    let cap = u32(b, 20, this.le);
    const orig = u32(b, 24, this.le);
    if (cap > len - 32) {
      this.warn(`captured length ${cap} runs past the block; using what is there`, pkt, this.offset);
      cap = Math.max(0, len - 32);
    }
    this.decode(itf.linkType, b.subarray(28, 28 + cap), Math.max(orig, cap), pkt, this.offset, sec, nsec);
  }

  private decode(linkType: number, data: Uint8Array, _orig: number, packet: number, offset: number, sec: number, nsec: number): void {
    const r = decodeFrame(linkType, data);
    if (r.kind === 'tcp') {
      const p = r.tcp;
      p.packet = packet;
      p.offset = offset;
      p.sec = sec;
      p.nsec = nsec;
      p.linkType = linkType;
      this.summary.tcp++;
      this.onTcp(p);
      if (r.warning) this.warn(r.warning, packet, offset);
    } else if (r.kind === 'error') {
      this.warn(r.message, packet, offset);
    } else if (r.kind === 'link') {
      if (!this.unsupportedLinks.has(linkType)) {
        this.unsupportedLinks.add(linkType);
        this.warn(`${linkTypeName(linkType)} is not supported; packets with this link type are skipped`, packet, offset);
      }
    }
  }
}

export type FrameResult =
  | { kind: 'tcp'; tcp: TcpPacket; warning?: string }
  | { kind: 'other' }
  | { kind: 'link' }
  | { kind: 'error'; message: string };

const OTHER: FrameResult = { kind: 'other' };

/** Decode one link-layer frame down to TCP. Never throws. */
export function decodeFrame(linkType: number, d: Uint8Array): FrameResult {
  switch (linkType) {
    case LINK_ETHERNET:
      if (d.length < 14) return { kind: 'error', message: `Ethernet header truncated (${d.length} bytes)` };
      return decodeEtherType(be16(d, 12), d, 14);
    case LINK_NULL:
    case LINK_LOOP: {
      if (d.length < 4) return { kind: 'error', message: 'loopback header truncated' };
      // NULL: host byte order of the capturing machine; LOOP: network byte order.
      const bef = be32(d, 0);
      const lef = u32(d, 0, true);
      const fam = linkType === LINK_LOOP ? bef : Math.min(bef, lef);
      if (fam === 2) return decodeIp(d.subarray(4), 4);
      if (fam === 10 || fam === 23 || fam === 24 || fam === 28 || fam === 30) return decodeIp(d.subarray(4), 6);
      return OTHER;
    }
    case LINK_RAW:
    case 12:
    case 14:
      return decodeIp(d, 0);
    case LINK_IPV4:
      return decodeIp(d, 4);
    case LINK_IPV6:
      return decodeIp(d, 6);
    case LINK_SLL:
      if (d.length < 16) return { kind: 'error', message: 'Linux cooked header truncated' };
      return decodeEtherType(be16(d, 14), d, 16);
    case LINK_SLL2:
      if (d.length < 20) return { kind: 'error', message: 'Linux cooked v2 header truncated' };
      return decodeEtherType(be16(d, 0), d, 20);
  }
  return { kind: 'link' };
}

function decodeEtherType(type: number, d: Uint8Array, off: number): FrameResult {
  // Bounded: every step advances `off`.
  for (let guard = 0; guard < 16; guard++) {
    if (type === 0x8100 || type === 0x88a8 || type === 0x9100 || type === 0x9200) {
      if (d.length < off + 4) return { kind: 'error', message: 'VLAN tag truncated' };
      type = be16(d, off + 2);
      off += 4;
      continue;
    }
    if (type <= 1500) {
      // 802.3 length field: only LLC/SNAP carries an EtherType.
      if (d.length >= off + 8 && d[off] === 0xaa && d[off + 1] === 0xaa && d[off + 2] === 0x03) {
        type = be16(d, off + 6);
        off += 8;
        continue;
      }
      return OTHER;
    }
    if (type === 0x8864) {
      // PPPoE session: 6-byte header, then the PPP protocol.
      if (d.length < off + 8) return { kind: 'error', message: 'PPPoE header truncated' };
      const proto = be16(d, off + 6);
      if (proto === 0x0021) return decodeIp(d.subarray(off + 8), 4);
      if (proto === 0x0057) return decodeIp(d.subarray(off + 8), 6);
      return OTHER;
    }
    if (type === 0x8847 || type === 0x8848) {
      // MPLS: skip labels up to bottom-of-stack, then guess the IP version.
      while (d.length >= off + 4) {
        const bos = d[off + 2] & 1;
        off += 4;
        if (bos) return decodeIp(d.subarray(off), 0);
      }
      return { kind: 'error', message: 'MPLS label stack truncated' };
    }
    if (type === 0x0800) return decodeIp(d.subarray(off), 4);
    if (type === 0x86dd) return decodeIp(d.subarray(off), 6);
    return OTHER;
  }
  return { kind: 'error', message: 'too many nested VLAN / SNAP headers' };
}

/** version 0 = read it from the first nibble. */
function decodeIp(d: Uint8Array, version: 0 | 4 | 6): FrameResult {
  if (d.length < 1) return { kind: 'error', message: 'IP header missing' };
  const v = d[0] >> 4;
  if (version === 0) {
    if (v !== 4 && v !== 6) return OTHER;
    version = v;
  }
  if (v !== version) return { kind: 'error', message: `expected IPv${version}, found version ${v}` };
  return version === 4 ? decodeIpv4(d) : decodeIpv6(d);
}

function decodeIpv4(d: Uint8Array): FrameResult {
  if (d.length < 20) return { kind: 'error', message: `IPv4 header truncated (${d.length} bytes)` };
  const ihl = (d[0] & 0x0f) * 4;
  if (ihl < 20) return { kind: 'error', message: `bad IPv4 header length ${ihl}` };
  if (d.length < ihl) return { kind: 'error', message: 'IPv4 options truncated' };
  let total = be16(d, 2);
  let warning: string | undefined;
  if (total === 0) total = d.length; // TSO / offloaded captures
  if (total < ihl) return { kind: 'error', message: `bad IPv4 total length ${total}` };
  const frag = be16(d, 6);
  const fragOffset = frag & 0x1fff;
  const proto = d[9];
  if (proto !== 6) return OTHER;
  if (fragOffset !== 0) return OTHER; // not the first fragment: no TCP header
  if (frag & 0x2000) warning = 'IPv4 fragment: only the first fragment was read';
  const src = `${d[12]}.${d[13]}.${d[14]}.${d[15]}`;
  const dst = `${d[16]}.${d[17]}.${d[18]}.${d[19]}`;
  const end = Math.min(total, d.length);
  return decodeTcp(d.subarray(ihl, end), total - ihl, 4, src, dst, warning);
}

function decodeIpv6(d: Uint8Array): FrameResult {
  if (d.length < 40) return { kind: 'error', message: `IPv6 header truncated (${d.length} bytes)` };
  let plen = be16(d, 4);
  if (plen === 0) plen = d.length - 40; // jumbogram or offloaded
  let next = d[6];
  let off = 40;
  let remaining = plen;
  const src = ipv6ToString(d, 8);
  const dst = ipv6ToString(d, 24);
  // Walk extension headers; each step advances `off` by at least 8.
  for (let guard = 0; guard < 32; guard++) {
    if (next === 6) {
      const end = Math.min(d.length, off + remaining);
      return decodeTcp(d.subarray(off, Math.max(off, end)), remaining, 6, src, dst);
    }
    if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
      if (d.length < off + 2) return { kind: 'error', message: 'IPv6 extension header truncated' };
      const len = (d[off + 1] + 1) * 8;
      next = d[off];
      off += len;
      remaining -= len;
      continue;
    }
    if (next === 44) {
      if (d.length < off + 8) return { kind: 'error', message: 'IPv6 fragment header truncated' };
      const fo = be16(d, off + 2) >> 3;
      if (fo !== 0) return OTHER;
      next = d[off];
      off += 8;
      remaining -= 8;
      continue;
    }
    if (next === 51) {
      if (d.length < off + 2) return { kind: 'error', message: 'IPv6 AH header truncated' };
      const len = (d[off + 1] + 2) * 4;
      next = d[off];
      off += len;
      remaining -= len;
      continue;
    }
    return OTHER; // 59 (no next header), UDP, ICMPv6, ESP, ...
  }
  return { kind: 'error', message: 'too many IPv6 extension headers' };
}

export function ipv6ToString(b: Uint8Array, o: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(be16(b, o + 2 * i));
  // Longest run of zero words (length >= 2) becomes "::" (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (x: number): string => x.toString(16);
  if (best < 0) return w.map(hex).join(':');
  return `${w.slice(0, best).map(hex).join(':')}::${w.slice(best + bestLen).map(hex).join(':')}`;
}

function decodeTcp(d: Uint8Array, ipPayload: number, ipVersion: 4 | 6, src: string, dst: string, warning?: string): FrameResult {
  if (d.length < 20) return { kind: 'error', message: `TCP header truncated (${d.length} of 20 bytes captured)` };
  const thl = (d[12] >> 4) * 4;
  if (thl < 20) return { kind: 'error', message: `bad TCP header length ${thl}` };
  const options: TcpOptionSet = {};
  let optEnd = thl;
  if (d.length < thl) {
    warning = joinWarn(warning, `TCP options truncated (${d.length} of ${thl} header bytes captured)`);
    optEnd = d.length;
  }
  const optWarn = parseTcpOptions(d, 20, optEnd, options);
  if (optWarn) warning = joinWarn(warning, optWarn);
  let payloadLength = ipPayload - thl;
  if (payloadLength < 0) {
    warning = joinWarn(warning, `IP length ${ipPayload} is shorter than the TCP header (${thl})`);
    payloadLength = 0;
  }
  const payload = d.subarray(Math.min(thl, d.length), Math.min(d.length, thl + payloadLength));
  const tcp: TcpPacket = {
    packet: 0, offset: 0, sec: 0, nsec: 0, linkType: 0, ipVersion, src, dst,
    srcPort: be16(d, 0),
    dstPort: be16(d, 2),
    seq: be32(d, 4),
    ack: be32(d, 8),
    flags: d[13] | ((d[12] & 0x0f) << 8),
    window: be16(d, 14),
    urgent: be16(d, 18),
    options,
    payloadLength,
    payload,
  };
  return warning ? { kind: 'tcp', tcp, warning } : { kind: 'tcp', tcp };
}

function joinWarn(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}

/** Parse TCP options in d[start, end); returns a warning for malformed options. */
export function parseTcpOptions(d: Uint8Array, start: number, end: number, out: TcpOptionSet): string | undefined {
  let p = start;
  while (p < end) {
    const kind = d[p];
    if (kind === 0) break; // EOL
    if (kind === 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) return `TCP option ${kind} truncated`;
    const len = d[p + 1];
    if (len < 2 || p + len > end) return `malformed TCP option ${kind} (length ${len})`;
    switch (kind) {
      case 2:
        if (len === 4) out.mss = be16(d, p + 2);
        break;
      case 3:
        if (len === 3) out.wscale = d[p + 2];
        break;
      case 4:
        out.sackOk = true;
        break;
      case 5: {
        const blocks: [number, number][] = [];
        for (let q = p + 2; q + 8 <= p + len; q += 8) blocks.push([be32(d, q), be32(d, q + 4)]);
        out.sack = blocks;
        break;
      }
      case 8:
        if (len === 10) out.ts = { val: be32(d, p + 2), ecr: be32(d, p + 6) };
        break;
      case 34:
        out.tfo = d.slice(p + 2, p + len);
        break;
      case 254:
        if (len >= 4 && be16(d, p + 2) === 0xf989) {
          out.tfo = d.slice(p + 4, p + len);
          break;
        }
        (out.other ??= []).push(kind);
        break;
      default:
        (out.other ??= []).push(kind);
    }
    p += len;
  }
  return undefined;
}

/** Read a whole capture held in memory. */
export function readCapture(bytes: Uint8Array, opts?: ReaderOptions): { packets: TcpPacket[]; summary: ReaderSummary } {
  const packets: TcpPacket[] = [];
  const r = new CaptureReader((p) => packets.push(p), opts);
  r.push(bytes);
  return { packets, summary: r.end() };
}

/** Read a capture from an iterator of chunks (e.g. file reads), handing each TCP segment to onTcp. */
export function readCaptureChunks(chunks: Iterable<Uint8Array>, onTcp: (p: TcpPacket) => void, opts?: ReaderOptions): ReaderSummary {
  const r = new CaptureReader(onTcp, opts);
  for (const c of chunks) r.push(c);
  return r.end();
}

/** Same as readCaptureChunks for async sources (a ReadableStream reader, a Node stream). */
export async function readCaptureAsync(
  chunks: AsyncIterable<Uint8Array>,
  onTcp: (p: TcpPacket) => void,
  opts?: ReaderOptions,
): Promise<ReaderSummary> {
  const r = new CaptureReader(onTcp, opts);
  for await (const c of chunks) r.push(c);
  return r.end();
}
