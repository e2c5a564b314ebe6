/**
 * The streaming import path gives exactly the in-memory result: CaptureImporter fed in pieces
 * through one reused buffer, with the text taken from a sink in small pieces, against
 * importCapture; the CLI reading a file in chunks and writing as it goes; the compact segment
 * store against the packets it was filled from.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main';
import { CaptureImporter, CaptureImportOptions, importCapture, importCaptureAsync, importCaptureChunks } from '../../src/core/import/capture';
import { FlowSegment, groupConnections } from '../../src/core/import/connections';
import { readCapture, TcpPacket } from '../../src/core/import/pcap';
import { ExportSegment, writePcap } from '../../src/core/import/pcapwrite';
import { GOLDEN_OPTIONS, PCAP_DIR, pcapFiles, readPcap, truncations } from './helpers';

/** Push `bytes` in pieces of `size`, each copied into the same scratch buffer first. */
function streamed(bytes: Uint8Array, size: number, opts: CaptureImportOptions, pieceSize: number): { text: string; pieces: number; stats: ReturnType<CaptureImporter['finish']> } {
  const imp = new CaptureImporter(opts);
  const scratch = new Uint8Array(size);
  for (let p = 0; p < bytes.length; p += size) {
    const n = Math.min(size, bytes.length - p);
    scratch.set(bytes.subarray(p, p + n));
    imp.push(scratch.subarray(0, n));
    scratch.fill(0xee); // what a reused read buffer would hold next
  }
  const parts: string[] = [];
  const stats = imp.finish((t) => parts.push(t), pieceSize);
  return { text: parts.join(''), pieces: parts.length, stats };
}

test('streamed through one reused buffer, text through a sink: the same text, warnings and counts as importCapture for every corpus capture, option set and truncation', () => {
  const sizes = [1, 7, 100, 4096];
  let k = 0;
  for (const f of pcapFiles()) {
    const bytes = readPcap(f);
    const inputs: [string, Uint8Array, CaptureImportOptions][] = [
      ...GOLDEN_OPTIONS.map((o): [string, Uint8Array, CaptureImportOptions] => [`${f} ${JSON.stringify(o)}`, bytes, o]),
      ...truncations(bytes).map((t): [string, Uint8Array, CaptureImportOptions] => [`${f} cut at ${t.length}`, t, {}]),
    ];
    for (const [what, b, o] of inputs) {
      const want = importCapture(b, o);
      const size = sizes[k++ % sizes.length];
      const got = streamed(b, size, o, k % 2 === 0 ? 1 : 200);
      assert.equal(got.text, want.text, `${what}, pieces of ${size}`);
      const { text: _text, ...wantStats } = want;
      assert.deepEqual(got.stats, wantStats, what);
      if (k % 2 === 0) assert.ok(got.pieces >= (got.text.split('\n').length - 1) / 2, 'a piece size of 1 sends the lines in many pieces');
    }
  }
});

test('importCaptureChunks and importCaptureAsync give the text of importCapture', async () => {
  for (const f of ['zeek__tls_tls13_wolfssl.pcap', 'chrissanders-packets__http_post.pcapng', 'zeek__tcp_missing-syn.pcap']) {
    const bytes = readPcap(f);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 333) chunks.push(bytes.subarray(i, i + 333));
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield* chunks;
    }
    const want = importCapture(bytes).text;
    assert.equal(importCaptureChunks(chunks).text, want, f);
    assert.equal((await importCaptureAsync(gen())).text, want, f);
  }
});

/** Client data segments each acknowledged, with options that exercise every stored field. */
function longConnection(packets: number): ExportSegment[] {
  const out: ExportSegment[] = [];
  const c = { src: '10.0.0.1', srcPort: 40000 };
  const s = { src: '10.0.0.2', srcPort: 80 };
  let cSeq = 0xfffff000;
  let sSeq = 77;
  out.push({ src: c.src, dst: s.src, srcPort: c.srcPort, dstPort: s.srcPort, seq: cSeq, ack: 0, flags: ['SYN'], win: 1000, len: 0, options: { mss: 1460, wscale: 15, sackOk: true, ts: { val: 1, ecr: 0 } }, timeUs: 0 });
  cSeq++;
  for (let i = 1; out.length < packets; i++) {
    const client = i % 2 === 1;
    const [a, b] = client ? [c, s] : [s, c];
    const len = client ? (i % 7) * 100 : 0;
    const options: ExportSegment['options'] = i % 5 === 0 ? { ts: { val: i, ecr: i - 1 }, sack: i % 10 === 0 ? [[cSeq - 300, cSeq - 200]] : undefined } : undefined;
    out.push({ src: a.src, dst: b.src, srcPort: a.srcPort, dstPort: b.srcPort, seq: client ? cSeq : sSeq, ack: client ? sSeq : cSeq, flags: i % 11 === 0 ? ['PSH', 'ACK', 'URG'] : ['ACK'], win: (i * 37) & 0xffff, len, label: len > 0 && i % 3 === 0 ? `GET /${i} HTTP/1.1` : undefined, options, timeUs: i * 1_234_567 });
    if (client) cSeq = (cSeq + len) >>> 0;
  }
  return out;
}

test('the segment store gives back every field of every packet, across page boundaries', () => {
  const bytes = writePcap(longConnection(10_000));
  const { packets } = readCapture(bytes);
  const conns = groupConnections(packets);
  assert.equal(conns.length, 1);
  const st = conns[0].segments;
  assert.equal(st.length, packets.length);
  assert.ok(st.byteLength <= 56 * (packets.length + 4096), `${st.byteLength} bytes for ${packets.length} segments`);
  const field = (p: TcpPacket): unknown[] => [p.packet, p.offset, p.sec, p.nsec, p.seq, p.ack, p.flags, p.window, p.urgent, p.payloadLength, p.options];
  let i = 0;
  for (const s of st) {
    const p = packets[i];
    assert.deepEqual([s.packet, s.offset, s.sec, s.nsec, s.seq, s.ack, s.flags, s.window, s.urgent, s.payloadLength, s.options], field(p), `segment ${i}`);
    assert.equal(s.dir, p.src === '10.0.0.1' ? 0 : 1);
    assert.deepEqual(st.at(i)?.seq, p.seq);
    i++;
  }
  assert.equal(st.at(-1)?.packet, packets[packets.length - 1].packet);
  assert.equal(st.at(packets.length), undefined);
  // Annotations written through a view land in the store.
  const v = st.at(5000);
  assert.ok(v);
  v.rtx = true;
  v.gapBefore = 123;
  assert.equal(st.at(5000)?.rtx, true);
  assert.equal(st.at(5000)?.gapBefore, 123);
  assert.equal(st.at(5001)?.rtx, undefined);
  v.rtx = undefined;
  v.gapBefore = undefined;
  assert.equal(st.at(5000)?.rtx, undefined);
  assert.equal(st.at(5000)?.gapBefore, undefined);
  // forEach, slice and move behave as on an array of the same segments.
  const plain = (x: FlowSegment): unknown[] => [x.packet, x.seq, x.ack, x.flags, x.dir, x.options, x.label, x.gapBefore, x.rtx];
  const arr = [...st].map(plain);
  const seen: unknown[][] = [];
  st.forEach((x, j) => {
    assert.equal(x.packet, packets[j].packet);
    seen.push(plain(x));
  });
  assert.deepEqual(seen, arr);
  assert.deepEqual(st.slice(4090, 4100).map(plain), arr.slice(4090, 4100));
  assert.deepEqual(st.slice(-3).map(plain), arr.slice(-3));
  assert.deepEqual(st.slice(0, 4).map(plain), arr.slice(0, 4));
  st.at(4093)!.gapBefore = 9;
  arr[4093] = plain(st.at(4093)!);
  for (const [from, to] of [[4097, 4093], [4093, 4097], [10, 3], [0, 9_999], [9_999, 0]]) {
    const [x] = arr.splice(from, 1);
    arr.splice(to, 0, x);
    st.move(from, to);
    assert.deepEqual([...st].map(plain), arr, `move(${from}, ${to})`);
  }
  assert.ok(arr.some((x) => x[6] !== undefined) && arr.some((x) => x[5] && (x[5] as { sack?: unknown }).sack), 'labels and SACK blocks moved along');
  // The whole import through the store still writes one line per segment.
  assert.equal(importCapture(bytes).segments, packets.length);
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s), cwd: process.cwd(), env: {} });
  return { code, out, err };
}

test('tcpflow import streams a capture file to stdout or -o with the text of importCapture', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-stream-'));
  try {
    for (const f of ['zeek__tls_tls1.2.pcap', 'chrissanders-packets__tcp_dupack.pcapng']) {
      const file = path.join(PCAP_DIR, f);
      const want = importCapture(readPcap(f)).text;
      const r = await cli(['import', file]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, want, f);
      const out = path.join(dir, `${f}.tcpflow`);
      const w = await cli(['import', file, '-o', out, '--stats']);
      assert.equal(w.code, 0, w.err);
      assert.equal(fs.readFileSync(out, 'utf8'), want, f);
      assert.match(w.err, /packets\/s, peak RSS \d+(\.\d)? MB/);
    }
    // Larger than what the CLI holds back before opening the output (1 MiB of text).
    const big = path.join(dir, 'long.pcap');
    const bytes = writePcap(longConnection(30_000));
    fs.writeFileSync(big, bytes);
    const want = importCapture(bytes, { absolute: true }).text;
    assert.ok(want.length > 1 << 20, `${want.length} characters`);
    const out = path.join(dir, 'long.tcpflow');
    const r = await cli(['import', big, '--absolute', '-o', out]);
    assert.equal(r.code, 0, r.err);
    assert.equal(fs.readFileSync(out, 'utf8'), want);
    const s = await cli(['import', big, '--absolute']);
    assert.equal(s.out, want);
    // No matching connection: nothing written, as before.
    const none = path.join(dir, 'none.tcpflow');
    const n = await cli(['import', path.join(PCAP_DIR, 'zeek__http_get.pcap'), '--port', '9', '-o', none]);
    assert.equal(n.code, 1);
    assert.equal(fs.existsSync(none), false);
    const e = await cli(['import', path.join(PCAP_DIR, 'zeek__http_get.pcap'), '--port', '9']);
    assert.equal(e.code, 1);
    assert.equal(e.out, '');
    assert.match(e.err, /no TCP connection matched \(1 found\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
