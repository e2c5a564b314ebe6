import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { importCapture } from '../../src/core/import/capture';
import { TcpPacket, readCapture } from '../../src/core/import/pcap';
import { ExportSegment, parseAddress, writePcap } from '../../src/core/import/pcapwrite';
import { NO_TSHARK, TSHARK, hasTshark, pcapFiles, readPcap } from './helpers';

function toExport(p: TcpPacket): ExportSegment {
  return {
    src: p.src, dst: p.dst, srcPort: p.srcPort, dstPort: p.dstPort, seq: p.seq, ack: p.ack, flags: p.flags, win: p.window,
    options: { mss: p.options.mss, wscale: p.options.wscale, sackOk: p.options.sackOk, sack: p.options.sack, ts: p.options.ts },
    len: p.payloadLength, timeUs: p.sec * 1e6 + Math.floor(p.nsec / 1000),
  };
}

function same(a: TcpPacket, e: ExportSegment, what: string): void {
  assert.equal(a.src, e.src.replace(/^\[|\]$/g, ''), what);
  assert.equal(a.dst, e.dst.replace(/^\[|\]$/g, ''), what);
  assert.equal(a.srcPort, e.srcPort, what);
  assert.equal(a.dstPort, e.dstPort, what);
  assert.equal(a.seq, e.seq >>> 0, what);
  assert.equal(a.ack, e.ack >>> 0, what);
  assert.equal(a.flags, typeof e.flags === 'number' ? e.flags : a.flags, what);
  assert.equal(a.window, e.win, what);
  assert.equal(a.payloadLength, e.len, what);
  assert.equal(a.payload.length, e.len, what);
  const o = e.options ?? {};
  assert.equal(a.options.mss, o.mss, what);
  assert.equal(a.options.wscale, o.wscale, what);
  assert.equal(a.options.sackOk ?? false, o.sackOk ?? false, what);
  assert.deepEqual(a.options.ts, o.ts ? { val: o.ts.val, ecr: o.ts.ecr } : undefined, what);
  assert.deepEqual(a.options.sack ?? [], (o.sack ?? []).slice(0, a.options.sack?.length ?? 0).map(([l, r]) => [l, r]), what);
  assert.equal(a.sec * 1e6 + a.nsec / 1000, Math.floor(e.timeUs), what);
}

test('corpus segments: read -> write -> read gives the same segments', () => {
  for (const f of pcapFiles()) {
    const orig = readCapture(readPcap(f)).packets;
    const exp = orig.map(toExport);
    const back = readCapture(writePcap(exp));
    assert.equal(back.summary.warnings.length, 0, f);
    assert.equal(back.packets.length, exp.length, f);
    back.packets.forEach((p, i) => same(p, exp[i], `${f} #${i + 1}`));
  }
});

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((w) => w.map((x) => x.toString(16)).join(':'));
const u32 = fc.nat(0xffffffff);
const segArb = (addr: fc.Arbitrary<string>): fc.Arbitrary<ExportSegment> =>
  fc.record({
    src: addr,
    dst: addr,
    srcPort: fc.nat(65535),
    dstPort: fc.nat(65535),
    seq: u32,
    ack: u32,
    flags: fc.nat(0x1ff),
    win: fc.nat(65535),
    options: fc.record(
      {
        mss: fc.nat(65535),
        wscale: fc.nat(14),
        sackOk: fc.boolean(),
        ts: fc.record({ val: u32, ecr: u32 }),
        sack: fc.array(fc.tuple(u32, u32), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    len: fc.nat(3000),
    label: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    timeUs: fc.nat(2 ** 40),
  });

test('property: any IPv4 / IPv6 segment round-trips through writePcap and the reader', () => {
  for (const addr of [v4, v6]) {
    fc.assert(
      fc.property(fc.array(segArb(addr), { minLength: 1, maxLength: 6 }), (segs) => {
        const back = readCapture(writePcap(segs));
        assert.equal(back.summary.warnings.length, 0);
        assert.equal(back.packets.length, segs.length);
        back.packets.forEach((p, i) => {
          const e = segs[i];
          same({ ...p, src: p.src, dst: p.dst }, { ...e, src: canonical(e.src), dst: canonical(e.dst) }, `#${i}`);
          if (e.label !== undefined && e.len > 0) {
            const want = new TextEncoder().encode(`${e.label}\r\n`).subarray(0, e.len);
            assert.deepEqual(Array.from(p.payload.subarray(0, want.length)), Array.from(want));
          }
        });
      }),
      { numRuns: 150, seed: 42 },
    );
  }
});

/** The reader prints IPv6 in RFC 5952 form; compare through bytes. */
function canonical(a: string): string {
  const b = parseAddress(a) as Uint8Array;
  if (b.length === 4) return a;
  const w: number[] = [];
  for (let i = 0; i < 16; i += 2) w.push((b[i] << 8) | b[i + 1]);
  const text = readCapture(writePcap([{ src: a, dst: a, srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0, win: 0, len: 0, timeUs: 0 }])).packets[0].src;
  assert.deepEqual(parseAddress(text), b);
  return text;
}

test('labels become payload bytes that the importer labels again', () => {
  const c = { src: '192.0.2.10', dst: '198.51.100.20', srcPort: 51000, dstPort: 80 };
  const s = { src: c.dst, dst: c.src, srcPort: 80, dstPort: 51000 };
  const bytes = writePcap([
    { ...c, seq: 100, ack: 0, flags: ['SYN'], win: 64240, options: { mss: 1460, sackOk: true, wscale: 7 }, len: 0, timeUs: 0 },
    { ...s, seq: 900, ack: 101, flags: ['SYN', 'ACK'], win: 65160, options: { mss: 1460, sackOk: true, wscale: 7 }, len: 0, timeUs: 30000 },
    { ...c, seq: 101, ack: 901, flags: ['ACK'], win: 502, len: 0, timeUs: 60000 },
    { ...c, seq: 101, ack: 901, flags: ['PSH', 'ACK'], win: 502, len: 78, label: 'GET / HTTP/1.1', timeUs: 61000 },
    { ...s, seq: 901, ack: 179, flags: ['PSH', 'ACK'], win: 509, len: 1200, label: 'HTTP/1.1 200 OK', timeUs: 400000 },
  ]);
  const text = importCapture(bytes).text;
  assert.match(text, /^C -> S SYN seq=0 win=64240 mss=1460 wscale=7 sackOK +# pkt 1, 0\.000000s$/m);
  assert.match(text, /^C -> S PSH ACK seq=1 ack=1 len=78 win=502 http "GET \/ HTTP\/1\.1"/m);
  assert.match(text, /^wait 339ms\nS -> C PSH ACK seq=1 ack=79 len=1200 win=509 http "HTTP\/1\.1 200 OK"/m);
});

test('tshark reads written captures with correct IP and TCP checksums', (t) => {
  if (!hasTshark) {
    t.skip(NO_TSHARK);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tcpflow-pcapwrite-'));
  try {
    const segs: ExportSegment[] = [];
    for (const f of ['zeek__http_get.pcap', 'tcpdump__tfo-5c1fa7f9ae91.pcap', 'chrissanders-packets__tcp_dupack.pcapng']) {
      segs.push(...readCapture(readPcap(f)).packets.map(toExport));
    }
    // Odd lengths (checksum padding), labels, IPv6, all flags, every option.
    segs.push(
      { src: '2001:db8::1', dst: '2001:db8::2', srcPort: 1234, dstPort: 443, seq: 7, ack: 9, flags: 0x1ff, win: 3, len: 3, label: 'abc', options: { mss: 1, wscale: 14, sackOk: true, ts: { val: 1, ecr: 2 }, sack: [[1, 2], [3, 4]] }, timeUs: 10 },
      { src: '2001:db8::2', dst: '2001:db8::1', srcPort: 443, dstPort: 1234, seq: 0xffffffff, ack: 0, flags: ['ACK', 'FIN'], win: 65535, len: 1, label: 'Z', timeUs: 11 },
      { src: '10.1.1.1', dst: '10.1.1.2', srcPort: 1, dstPort: 2, seq: 1, ack: 1, flags: ['PSH', 'ACK'], win: 1, len: 1001, label: 'GET / HTTP/1.1', timeUs: 12 },
    );
    const path = join(dir, 'w.pcap');
    writeFileSync(path, writePcap(segs));
    const out = execFileSync(
      TSHARK,
      ['-n', '-r', path, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=,', '-e', 'frame.number', '-e', 'tcp.checksum.status', '-e', 'ip.checksum.status', '-e', '_ws.malformed'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const rows = out.trim().split('\n').map((l) => l.split(','));
    assert.equal(rows.length, segs.length);
    for (const [frame, tcpStatus, ipStatus, malformed] of rows) {
      assert.equal(tcpStatus, '1', `frame ${frame}: TCP checksum status ${tcpStatus}`); // 1 = good
      assert.ok(ipStatus === '1' || ipStatus === '', `frame ${frame}: IP checksum status ${ipStatus}`);
      assert.equal(malformed ?? '', '', `frame ${frame} malformed`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
