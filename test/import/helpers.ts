/** Test helpers: corpus access, tshark, a seeded PRNG and capture rewriters (independent of src/). */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = '/work/shared/corpus';
export const PCAP_DIR = join(CORPUS, 'pcap');
export const PKT_DIR = join(CORPUS, 'packetdrill');
export const TSHARK = '/usr/bin/tshark';
/** TCPFLOW_NO_TSHARK=1 exercises the skip path on machines that have tshark. */
export const hasTshark = existsSync(TSHARK) && !process.env.TCPFLOW_NO_TSHARK;
export const NO_TSHARK = 'tshark is not installed (/usr/bin/tshark missing; run scripts/install-tshark.sh)';

export function pcapFiles(): string[] {
  return readdirSync(PCAP_DIR)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort();
}

export function readPcap(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(PCAP_DIR, name)));
}

export function pktFiles(dir = PKT_DIR): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...pktFiles(p));
    else if (e.endsWith('.pkt')) out.push(p);
  }
  return out.sort();
}

/** TCP segment counts per corpus file, from /work/shared/corpus/SOURCES.md (tshark 4.0). */
export const EXPECTED_TCP: Record<string, number> = {
  'chrissanders-packets__dns_tcp.pcapng': 12,
  'chrissanders-packets__http_google.pcapng': 12,
  'chrissanders-packets__http_post.pcapng': 21,
  'chrissanders-packets__tcp_dupack.pcapng': 9,
  'chrissanders-packets__tcp_handshake.pcapng': 3,
  'chrissanders-packets__tcp_refuseconnection.pcapng': 2,
  'chrissanders-packets__tcp_retransmissions.pcapng': 6,
  'chrissanders-packets__tcp_teardown.pcapng': 4,
  'chrissanders-packets__tcp_zerowindowdead.pcapng': 8,
  'chrissanders-packets__tcp_zerowindowrecovery.pcapng': 7,
  'tcpdump__accecn_handshake.pcap': 6,
  'tcpdump__print-flags.pcap': 10,
  'tcpdump__ssh.pcap': 54,
  'tcpdump__tcp-handshake-nano.pcap': 3,
  'tcpdump__tcp_rst_data.pcap': 1,
  'tcpdump__tfo-5c1fa7f9ae91.pcap': 14,
  'tcpdump__whois.pcap': 11,
  'zeek__http_get-without-fins.pcap': 11,
  'zeek__http_get.pcap': 14,
  'zeek__http_post.pcap': 14,
  'zeek__tcp_fin_retransmission.pcap': 5,
  'zeek__tcp_handshake-reorder.pcap': 14,
  'zeek__tcp_missing-syn.pcap': 21,
  'zeek__tcp_no-handshake.pcap': 1,
  'zeek__tcp_option-sack.pcap': 4,
  'zeek__tcp_payload-syn.pcap': 6,
  'zeek__tcp_retransmit-fast009.pcap': 39,
  'zeek__tcp_retransmit-timeout.pcapng': 3,
  'zeek__tcp_rst-inject-rae.pcap': 9,
  'zeek__tcp_single-rst.pcap': 1,
  'zeek__tcp_syn-synack.pcap': 2,
  'zeek__tcp_syn-then-ack-then-rst.pcap': 3,
  'zeek__tcp_syn-then-rst.pcap': 2,
  'zeek__tcp_tcp-fast-open.pcap': 16,
  'zeek__tls_hrr.pcap': 19,
  'zeek__tls_tls-1.2-handshake-failure.pcap': 11,
  'zeek__tls_tls1.2.pcap': 22,
  'zeek__tls_tls13_wolfssl.pcap': 21,
};

export interface TsharkTcp {
  frame: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  len: number;
  win: number;
}

/** TCP fields of every TCP segment (not inside ICMP) as tshark reads them. */
export function tsharkTcp(path: string): TsharkTcp[] {
  const out = execFileSync(
    TSHARK,
    ['-n', '-r', path, '-Y', 'tcp && !icmp && !icmpv6', '-T', 'fields', '-E', 'separator=,',
      '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.seq_raw', '-e', 'tcp.ack_raw',
      '-e', 'tcp.flags', '-e', 'tcp.len', '-e', 'tcp.window_size_value'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const f = l.split(',');
      return {
        frame: Number(f[0]), srcPort: Number(f[1]), dstPort: Number(f[2]), seq: Number(f[3]), ack: Number(f[4]),
        flags: parseInt(f[5], 16), len: Number(f[6]), win: Number(f[7]),
      };
    });
}

/** The import option sets of the golden files (golden.test.ts) and of the streaming comparison. */
export const GOLDEN_OPTIONS: { absolute?: boolean; timestamps?: 'syn' | 'all' | 'none'; waitThresholdMs?: number; title?: string; conn?: number; port?: number }[] = [
  {},
  { absolute: true, timestamps: 'all', waitThresholdMs: 0, title: 'golden "options" \\ test' },
  { timestamps: 'none', waitThresholdMs: -1, conn: 1 },
  { waitThresholdMs: 1, port: 80 },
];

/** Truncated copies: the first third, half and two thirds (plus an odd byte count) of a file. */
export function truncations(bytes: Uint8Array): Uint8Array[] {
  return [Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), Math.floor((bytes.length * 2) / 3) + 7].map((n) => bytes.subarray(0, Math.min(n, bytes.length)));
}

/** mulberry32: small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- classic pcap

export interface ClassicRecord {
  sec: number;
  frac: number;
  data: Uint8Array;
  orig: number;
}

export interface ClassicFile {
  le: boolean;
  nano: boolean;
  snaplen: number;
  linkType: number;
  records: ClassicRecord[];
}

export function parseClassic(b: Uint8Array): ClassicFile {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const m = dv.getUint32(0, true);
  const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
  const nano = m === 0xa1b23c4d || m === 0x4d3cb2a1;
  if (!le && m !== 0xd4c3b2a1 && m !== 0x4d3cb2a1) throw new Error('not a classic pcap');
  const f: ClassicFile = { le, nano, snaplen: dv.getUint32(16, le), linkType: dv.getUint32(20, le), records: [] };
  let p = 24;
  while (p + 16 <= b.length) {
    const incl = dv.getUint32(p + 8, le);
    f.records.push({ sec: dv.getUint32(p, le), frac: dv.getUint32(p + 4, le), orig: dv.getUint32(p + 12, le), data: b.slice(p + 16, p + 16 + incl) });
    p += 16 + incl;
  }
  return f;
}

export function writeClassic(f: ClassicFile): Uint8Array {
  const size = 24 + f.records.reduce((n, r) => n + 16 + r.data.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  const le = f.le;
  dv.setUint32(0, f.nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, f.snaplen, le);
  dv.setUint32(20, f.linkType, le);
  let p = 24;
  for (const r of f.records) {
    dv.setUint32(p, r.sec, le);
    dv.setUint32(p + 4, r.frac, le);
    dv.setUint32(p + 8, r.data.length, le);
    dv.setUint32(p + 12, r.orig, le);
    out.set(r.data, p + 16);
    p += 16 + r.data.length;
  }
  return out;
}

/** Same capture with another byte order and/or timestamp resolution. */
export function rewriteClassic(b: Uint8Array, to: { le: boolean; nano: boolean }): Uint8Array {
  const f = parseClassic(b);
  const records = f.records.map((r) => {
    let frac = r.frac;
    if (f.nano && !to.nano) frac = Math.floor(frac / 1000);
    if (!f.nano && to.nano) frac = frac * 1000;
    return { ...r, frac };
  });
  return writeClassic({ ...f, le: to.le, nano: to.nano, records });
}

// ---------------------------------------------------------------- pcapng

export interface NgInterface {
  linkType: number;
  snaplen: number;
  /** if_tsresol byte (6 = microseconds when absent). */
  tsresol?: number;
}

export interface NgPacket {
  iface: number;
  /** Timestamp in units of the interface's resolution. */
  ts: bigint;
  data: Uint8Array;
  orig: number;
  block?: 'epb' | 'spb' | 'opb';
}

/** Parse a pcapng file (either byte order; first section only matters for the corpus). */
export function parseNg(b: Uint8Array): { interfaces: NgInterface[]; packets: NgPacket[] } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let le = true;
  const interfaces: NgInterface[] = [];
  const packets: NgPacket[] = [];
  let p = 0;
  while (p + 12 <= b.length) {
    let type = dv.getUint32(p, true);
    if (type === 0x0a0d0d0a) le = dv.getUint32(p + 8, true) === 0x1a2b3c4d;
    type = dv.getUint32(p, le);
    const len = dv.getUint32(p + 4, le);
    if (type === 1) {
      const itf: NgInterface = { linkType: dv.getUint16(p + 8, le), snaplen: dv.getUint32(p + 12, le) };
      let q = p + 16;
      while (q + 4 <= p + len - 4) {
        const code = dv.getUint16(q, le);
        const olen = dv.getUint16(q + 2, le);
        if (code === 0) break;
        if (code === 9) itf.tsresol = b[q + 4];
        q += 4 + ((olen + 3) & ~3);
      }
      interfaces.push(itf);
    } else if (type === 6) {
      const ts = (BigInt(dv.getUint32(p + 12, le)) << 32n) | BigInt(dv.getUint32(p + 16, le));
      const cap = dv.getUint32(p + 20, le);
      packets.push({ iface: dv.getUint32(p + 8, le), ts, data: b.slice(p + 28, p + 28 + cap), orig: dv.getUint32(p + 24, le) });
    }
    p += len;
  }
  return { interfaces, packets };
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Build a pcapng file; `extra` blocks (raw bodies with a type) are inserted after the IDBs. */
export function writeNg(
  interfaces: NgInterface[],
  packets: NgPacket[],
  opts: { le?: boolean; extra?: { type: number; body: Uint8Array }[] } = {},
): Uint8Array {
  const le = opts.le ?? true;
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array): void => {
    const len = 12 + pad4(body.length);
    const out = new Uint8Array(len);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, type, le);
    dv.setUint32(4, len, le);
    out.set(body, 8);
    dv.setUint32(len - 4, len, le);
    blocks.push(out);
  };
  const shb = new Uint8Array(16);
  const sdv = new DataView(shb.buffer);
  sdv.setUint32(0, 0x1a2b3c4d, le);
  sdv.setUint16(4, 1, le);
  sdv.setUint16(6, 0, le);
  sdv.setInt32(8, -1, le);
  sdv.setInt32(12, -1, le);
  block(0x0a0d0d0a, shb);
  for (const itf of interfaces) {
    const hasRes = itf.tsresol !== undefined;
    const body = new Uint8Array(8 + (hasRes ? 12 : 0));
    const dv = new DataView(body.buffer);
    dv.setUint16(0, itf.linkType, le);
    dv.setUint32(4, itf.snaplen, le);
    if (hasRes) {
      dv.setUint16(8, 9, le);
      dv.setUint16(10, 1, le);
      body[12] = itf.tsresol as number;
      // opt_endofopt: 4 zero bytes
    }
    block(1, body);
  }
  for (const x of opts.extra ?? []) block(x.type, x.body);
  for (const pk of packets) {
    const kind = pk.block ?? 'epb';
    if (kind === 'spb') {
      const body = new Uint8Array(4 + pk.data.length);
      new DataView(body.buffer).setUint32(0, pk.orig, le);
      body.set(pk.data, 4);
      block(3, body);
      continue;
    }
    const body = new Uint8Array(20 + pk.data.length);
    const dv = new DataView(body.buffer);
    if (kind === 'opb') {
      dv.setUint16(0, pk.iface, le);
      dv.setUint16(2, 0, le);
    } else dv.setUint32(0, pk.iface, le);
    dv.setUint32(4, Number(pk.ts >> 32n), le);
    dv.setUint32(8, Number(pk.ts & 0xffffffffn), le);
    dv.setUint32(12, pk.data.length, le);
    dv.setUint32(16, pk.orig, le);
    body.set(pk.data, 20);
    block(kind === 'opb' ? 2 : 6, body);
  }
  const total = blocks.reduce((n, x) => n + x.length, 0);
  const out = new Uint8Array(total);
  let p = 0;
  for (const x of blocks) {
    out.set(x, p);
    p += x.length;
  }
  return out;
}

// ---------------------------------------------------------------- link-layer conversions of Ethernet frames

export function ethToSll(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + frame.length - 14);
  out[1] = 0; // packet type: to us
  out[3] = 1; // ARPHRD_ETHER
  out[5] = 6;
  out.set(frame.subarray(6, 12), 6);
  out[14] = frame[12];
  out[15] = frame[13];
  out.set(frame.subarray(14), 16);
  return out;
}

export function ethToSll2(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(20 + frame.length - 14);
  out[0] = frame[12];
  out[1] = frame[13];
  out[7] = 2; // interface index
  out[9] = 1; // ARPHRD_ETHER
  out[11] = 6;
  out.set(frame.subarray(6, 12), 12);
  out.set(frame.subarray(14), 20);
  return out;
}

export function ethToRaw(frame: Uint8Array): Uint8Array {
  return frame.slice(14);
}

/** BSD NULL (host byte order, little-endian here) or LOOP (network byte order) header. */
export function ethToLoop(frame: Uint8Array, bigEndian: boolean, v6Family = 30): Uint8Array {
  const v6 = frame[12] === 0x86 && frame[13] === 0xdd;
  const fam = v6 ? v6Family : 2;
  const out = new Uint8Array(4 + frame.length - 14);
  new DataView(out.buffer).setUint32(0, fam, !bigEndian);
  out.set(frame.subarray(14), 4);
  return out;
}

/** Insert VLAN tags (802.1ad outer, 802.1Q inner) after the MAC addresses. */
export function ethAddVlan(frame: Uint8Array, tags: number[]): Uint8Array {
  const out = new Uint8Array(frame.length + 4 * tags.length);
  out.set(frame.subarray(0, 12), 0);
  let p = 12;
  tags.forEach((tpid, i) => {
    out[p] = tpid >> 8;
    out[p + 1] = tpid & 0xff;
    out[p + 2] = 0;
    out[p + 3] = 10 + i;
    p += 4;
  });
  out.set(frame.subarray(12), p);
  return out;
}
