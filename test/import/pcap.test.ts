import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CaptureImporter, importCapture } from '../../src/core/import/capture';
import { CaptureReader, TcpPacket, readCapture, readCaptureChunks } from '../../src/core/import/pcap';
import { writePcap } from '../../src/core/import/pcapwrite';
import {
  EXPECTED_TCP, NO_TSHARK, PCAP_DIR, ethAddVlan, ethToLoop, ethToRaw, ethToSll, ethToSll2, hasTshark, parseClassic, parseNg, pcapFiles,
  prng, readPcap, rewriteClassic, tsharkTcp, writeClassic, writeNg,
} from './helpers';
import { mutateBytes } from '../fuzz/generators';

/** The fields two readings of the same packets must agree on. */
function key(p: TcpPacket): string {
  return [p.packet, p.src, p.dst, p.srcPort, p.dstPort, p.seq, p.ack, p.flags, p.window, p.payloadLength, p.payload.length,
    JSON.stringify(p.options, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v))].join('|');
}

test('every corpus capture reads without warnings and with the right number of TCP segments', () => {
  const files = pcapFiles();
  assert.equal(files.length, 38);
  for (const f of files) {
    const { packets, summary } = readCapture(readPcap(f));
    assert.equal(summary.tcp, EXPECTED_TCP[f], f);
    assert.equal(packets.length, EXPECTED_TCP[f], f);
    assert.deepEqual(summary.warnings, [], f);
    assert.ok(summary.complete, f);
  }
});

test('segments agree with tshark field by field', (t) => {
  if (!hasTshark) {
    t.skip(NO_TSHARK);
    return;
  }
  for (const f of pcapFiles()) {
    const ours = readCapture(readPcap(f)).packets;
    const theirs = tsharkTcp(join(PCAP_DIR, f));
    assert.equal(ours.length, theirs.length, `${f}: segment count`);
    ours.forEach((p, i) => {
      const w = theirs[i];
      const what = `${f} frame ${w.frame}`;
      assert.equal(p.packet, w.frame, what);
      assert.equal(p.srcPort, w.srcPort, what);
      assert.equal(p.dstPort, w.dstPort, what);
      assert.equal(p.seq, w.seq, what);
      if (p.flags & 0x10) assert.equal(p.ack, w.ack, what);
      assert.equal(p.flags, w.flags, what);
      assert.equal(p.payloadLength, w.len, what);
      assert.equal(p.window, w.win, what);
    });
  }
});

test('classic pcap: both byte orders and microsecond / nanosecond magic give the same segments and times', () => {
  for (const f of pcapFiles().filter((x) => x.endsWith('.pcap'))) {
    const orig = readPcap(f);
    const base = readCapture(orig);
    for (const le of [true, false]) {
      for (const nano of [false, true]) {
        const variant = rewriteClassic(orig, { le, nano });
        const r = readCapture(variant);
        assert.equal(r.summary.littleEndian, le, f);
        assert.equal(r.summary.nanosecond, nano, f);
        assert.deepEqual(r.packets.map(key), base.packets.map(key), `${f} le=${le} nano=${nano}`);
        const srcNano = parseClassic(orig).nano;
        r.packets.forEach((p, i) => {
          const b = base.packets[i];
          assert.equal(p.sec, b.sec);
          // Converting ns -> us loses the sub-microsecond part.
          if (srcNano && !nano) assert.equal(p.nsec, Math.floor(b.nsec / 1000) * 1000);
          else assert.equal(p.nsec, b.nsec);
        });
      }
    }
  }
});

test('the nanosecond corpus capture keeps nanoseconds', () => {
  const { packets, summary } = readCapture(readPcap('tcpdump__tcp-handshake-nano.pcap'));
  assert.ok(summary.nanosecond);
  assert.ok(packets.some((p) => p.nsec % 1000 !== 0), 'sub-microsecond digits present');
  const text = importCapture(readPcap('tcpdump__tcp-handshake-nano.pcap')).text;
  assert.match(text, /# pkt 2, 0\.\d{9}s/);
});

test('pcapng: big-endian sections, several interfaces with link types and if_tsresol, SPB, OPB, unknown blocks', () => {
  for (const f of pcapFiles().filter((x) => x.endsWith('.pcapng'))) {
    const bytes = readPcap(f);
    const base = readCapture(bytes);
    const ng = parseNg(bytes);
    assert.ok(ng.interfaces.length >= 1);
    const res0 = ng.interfaces[0].tsresol ?? 6;
    assert.equal(res0, 6, 'corpus pcapng files use microseconds');
    // Big-endian copy of the same blocks.
    for (const le of [true, false]) {
      const copy = writeNg(ng.interfaces, ng.packets, { le });
      const r = readCapture(copy);
      assert.deepEqual(r.packets.map(key), base.packets.map(key), `${f} le=${le}`);
      assert.deepEqual(r.packets.map((p) => [p.sec, p.nsec]), base.packets.map((p) => [p.sec, p.nsec]));
    }
    // Two interfaces: Ethernet with nanosecond resolution, raw IP with 2^-20 s resolution;
    // alternate packets between them; insert unknown and custom blocks.
    const ifs = [
      { linkType: 1, snaplen: 65535, tsresol: 9 },
      { linkType: 101, snaplen: 65535, tsresol: 0x80 | 20 },
    ];
    const pk = ng.packets.map((p, i) => {
      const us = p.ts; // microseconds
      if (i % 2 === 0) return { ...p, iface: 0, ts: us * 1000n };
      const data = p.data[12] === 0x08 || p.data[12] === 0x86 ? ethToRaw(p.data) : p.data;
      return { ...p, iface: 1, data, orig: p.orig - 14, ts: (us << 20n) / 1000000n };
    });
    const extra = [
      { type: 0x00000bad, body: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) },
      { type: 0x12345678, body: new Uint8Array(20) },
      { type: 5, body: new Uint8Array(16) }, // interface statistics
    ];
    for (const le of [true, false]) {
      const r = readCapture(writeNg(ifs, pk, { le, extra }));
      assert.equal(r.summary.warnings.length, 0, `${f}: ${JSON.stringify(r.summary.warnings)}`);
      assert.ok(r.summary.nanosecond);
      const strip = (p: TcpPacket): string => key({ ...p, linkType: 0 });
      assert.deepEqual(r.packets.map(strip), base.packets.map(strip), `${f} two interfaces le=${le}`);
      r.packets.forEach((p, i) => {
        const b = base.packets[i];
        const idx = base.packets[i].packet - 1;
        assert.equal(p.sec, b.sec);
        if (idx % 2 === 0) assert.equal(p.nsec, b.nsec);
        else assert.ok(Math.abs(p.nsec - b.nsec) < 2000, 'binary resolution is close to the microsecond value');
      });
    }
    // Simple and obsolete packet blocks.
    const spb = ng.packets.map((p) => ({ ...p, block: 'spb' as const }));
    const rs = readCapture(writeNg(ng.interfaces, spb));
    assert.deepEqual(rs.packets.map(key), base.packets.map(key), `${f} SPB`);
    const opb = ng.packets.map((p) => ({ ...p, block: 'opb' as const }));
    const ro = readCapture(writeNg(ng.interfaces, opb, { le: false }));
    assert.deepEqual(ro.packets.map(key), base.packets.map(key), `${f} OPB`);
  }
});

test('link types: SLL, SLL2, raw IP (101, 228, 229), NULL, LOOP, 802.1Q and 802.1ad tags', () => {
  const f = parseClassic(readPcap('zeek__http_get.pcap'));
  assert.equal(f.linkType, 1);
  const base = readCapture(readPcap('zeek__http_get.pcap')).packets.map((p) => key(p));
  const variants: [number, (fr: Uint8Array) => Uint8Array][] = [
    [113, ethToSll],
    [276, ethToSll2],
    [101, ethToRaw],
    [228, ethToRaw],
    [0, (fr) => ethToLoop(fr, false)],
    [0, (fr) => ethToLoop(fr, true)],
    [108, (fr) => ethToLoop(fr, true)],
    [1, (fr) => ethAddVlan(fr, [0x8100])],
    [1, (fr) => ethAddVlan(fr, [0x88a8, 0x8100])],
  ];
  for (const [lt, conv] of variants) {
    const bytes = writeClassic({ ...f, linkType: lt, records: f.records.map((r) => ({ ...r, data: conv(r.data), orig: conv(r.data).length })) });
    const r = readCapture(bytes);
    assert.deepEqual(r.summary.warnings, [], `link ${lt}`);
    assert.deepEqual(r.packets.map((p) => key(p)), base, `link ${lt}`);
  }
  // IPv6 over every link type, with extension headers (hop-by-hop, destination options, fragment header with offset 0).
  const v6 = writePcap([
    { src: '2001:db8::1', dst: '2001:db8:0:1::2', srcPort: 40000, dstPort: 443, seq: 7, ack: 0, flags: ['SYN'], win: 1000, options: { mss: 1440 }, len: 0, timeUs: 1 },
    { src: '2001:db8:0:1::2', dst: '2001:db8::1', srcPort: 443, dstPort: 40000, seq: 99, ack: 8, flags: ['SYN', 'ACK'], win: 1000, len: 0, timeUs: 2 },
  ]);
  const v6f = parseClassic(v6);
  const withExt = (fr: Uint8Array): Uint8Array => {
    // Insert hop-by-hop (8 bytes) -> destination options (16 bytes) -> fragment (8 bytes) before TCP.
    const ip = fr.subarray(14);
    const tcp = ip.subarray(40);
    const ext = new Uint8Array(32);
    ext[0] = 60; // next: destination options
    ext[1] = 0;
    ext[8] = 44; // next: fragment
    ext[9] = 1; // 16 bytes
    ext[24] = 6; // next: TCP
    const out = new Uint8Array(14 + 40 + 32 + tcp.length);
    out.set(fr.subarray(0, 54));
    const plen = ((ip[4] << 8) | ip[5]) + 32;
    out[14 + 4] = plen >> 8;
    out[14 + 5] = plen & 0xff;
    out[14 + 6] = 0; // hop-by-hop
    out.set(ext, 54);
    out.set(tcp, 86);
    return out;
  };
  const v6base = readCapture(v6).packets.map((p) => key(p));
  assert.equal(v6base.length, 2);
  for (const [lt, conv] of [[1, withExt], [229, (fr: Uint8Array) => ethToRaw(withExt(fr))], [101, ethToRaw], [0, (fr: Uint8Array) => ethToLoop(fr, false, 24)], [108, (fr: Uint8Array) => ethToLoop(fr, true, 28)], [113, ethToSll]] as [number, (fr: Uint8Array) => Uint8Array][]) {
    const bytes = writeClassic({ ...v6f, linkType: lt, records: v6f.records.map((r) => ({ ...r, data: conv(r.data), orig: conv(r.data).length })) });
    const r = readCapture(bytes);
    assert.deepEqual(r.summary.warnings, [], `v6 link ${lt}`);
    assert.deepEqual(r.packets.map((p) => key(p)), v6base, `v6 link ${lt}`);
    assert.equal(r.packets[0].src, '2001:db8::1');
    assert.equal(r.packets[0].dst, '2001:db8:0:1::2');
  }
});

test('streaming: any chunk size gives the same segments', () => {
  for (const f of ['zeek__tls_tls1.2.pcap', 'chrissanders-packets__http_post.pcapng', 'tcpdump__tcp-handshake-nano.pcap']) {
    const bytes = readPcap(f);
    const whole = readCapture(bytes).packets.map(key);
    for (const size of [1, 3, 7, 64, 1000, 4096]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
      const got: TcpPacket[] = [];
      const s = readCaptureChunks(chunks, (p) => got.push(p));
      assert.ok(s.complete, `${f} size ${size}`);
      assert.deepEqual(got.map(key), whole, `${f} size ${size}`);
    }
  }
});

test('streaming: a large generated capture is read lazily (bounded memory design)', () => {
  const one = readPcap('zeek__http_get.pcap');
  const header = one.subarray(0, 24);
  const body = one.subarray(24);
  const repeats = 4000; // ~25 MB, never held in memory at once
  function* gen(): Generator<Uint8Array> {
    yield header;
    for (let i = 0; i < repeats; i++) yield body.slice();
  }
  let n = 0;
  const s = readCaptureChunks(gen(), () => n++);
  assert.equal(n, 14 * repeats);
  assert.equal(s.packets, 14 * repeats);
  assert.ok(s.complete);
  assert.equal(s.bytes, 24 + body.length * repeats);
});

test('oversized pcapng blocks are skipped while streaming; garbage input stops with a warning', () => {
  const junk = readCapture(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  assert.equal(junk.packets.length, 0);
  assert.match(junk.summary.warnings[0].message, /not a pcap or pcapng/);
  const empty = readCapture(new Uint8Array(0));
  assert.match(empty.summary.warnings[0].message, /empty input/);
  // A classic record header announcing 3 GB.
  const f = readPcap('zeek__tcp_syn-synack.pcap');
  const bad = f.slice();
  const second = 24 + 16 + new DataView(f.buffer, f.byteOffset).getUint32(24 + 8, true);
  new DataView(bad.buffer).setUint32(second + 8, 0xc0000000, true);
  const r = readCapture(bad);
  assert.equal(r.packets.length, 1);
  assert.equal(r.summary.complete, false);
  assert.ok(r.summary.warnings.some((w) => /damaged record header/.test(w.message) && w.offset === second));
  // pcapng: a 200 KB unknown block streamed in small chunks, and a packet block larger than MAX_RECORD
  // (generated lazily, never buffered), are skipped; the packets around them are read.
  const ngBytes = readPcap('chrissanders-packets__tcp_handshake.pcapng');
  const ng = parseNg(ngBytes);
  const big = writeNg(ng.interfaces, ng.packets, { extra: [{ type: 0x0badcafe, body: new Uint8Array(200 * 1024) }] });
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < big.length; i += 1000) chunks.push(big.subarray(i, i + 1000));
  let n = 0;
  const s1 = readCaptureChunks(chunks, () => n++);
  assert.equal(n, 3);
  assert.deepEqual(s1.warnings, []);
  const head = writeNg(ng.interfaces, []);
  const hugeLen = 72 * 1024 * 1024;
  function* huge(): Generator<Uint8Array> {
    yield head;
    const h = new Uint8Array(8);
    new DataView(h.buffer).setUint32(0, 6, true);
    new DataView(h.buffer).setUint32(4, hugeLen, true);
    yield h;
    const zero = new Uint8Array(1 << 20);
    let left = hugeLen - 8;
    while (left > 0) {
      const k = Math.min(left, zero.length);
      yield zero.subarray(0, k);
      left -= k;
    }
    yield writeNg(ng.interfaces, ng.packets).subarray(head.length);
  }
  let m = 0;
  const s2 = readCaptureChunks(huge(), () => m++);
  assert.equal(m, 3);
  assert.equal(s2.packets, 4);
  assert.ok(s2.warnings.some((w) => w.packet === 1 && /larger than/.test(w.message)));
  // Truncated last record: the packet is still decoded from what is there.
  const cut = readCapture(f.slice(0, f.length - 4));
  assert.equal(cut.packets.length, 2);
  assert.ok(cut.summary.warnings.some((w) => w.packet === 2 && /truncated/.test(w.message)));
});

test('1000 truncated / mutated captures never throw and finish in bounded time', () => {
  const files = pcapFiles().map(readPcap);
  const rnd = prng(0x7c9f10);
  const started = Date.now();
  let slowest = 0;
  let warned = 0;
  for (let i = 0; i < 1000; i++) {
    let b = files[Math.floor(rnd() * files.length)];
    const rounds = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < rounds; k++) b = mutateBytes(b, rnd);
    const t0 = Date.now();
    // Import as a whole and, for some, streamed in odd-sized chunks.
    const r = importCapture(b);
    assert.equal(typeof r.text, 'string');
    if (r.warnings.length > 0) warned++;
    for (const w of r.warnings) {
      assert.equal(typeof w.message, 'string');
      if (w.offset !== undefined) assert.ok(w.offset >= 0 && w.offset <= b.length, `offset ${w.offset} within the input`);
    }
    if (i % 10 === 0) {
      const reader = new CaptureReader(() => {});
      for (let p = 0; p < b.length; p += 13) reader.push(b.subarray(p, p + 13));
      reader.end();
      // Streamed through one reused buffer with the text from a sink: the same result.
      const imp = new CaptureImporter();
      const scratch = new Uint8Array(61);
      for (let p = 0; p < b.length; p += scratch.length) {
        const n = Math.min(scratch.length, b.length - p);
        scratch.set(b.subarray(p, p + n));
        imp.push(scratch.subarray(0, n));
        scratch.fill(0);
      }
      const parts: string[] = [];
      const stats = imp.finish((t) => parts.push(t), 100);
      assert.equal(parts.join(''), r.text);
      assert.deepEqual(stats.warnings, r.warnings);
    }
    slowest = Math.max(slowest, Date.now() - t0);
  }
  const total = Date.now() - started;
  assert.ok(slowest < 2000, `slowest case ${slowest} ms`);
  assert.ok(total < 60000, `total ${total} ms`);
  assert.ok(warned > 300, `most mutations are reported (${warned})`);
});
