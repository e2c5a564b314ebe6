/**
 * The importer's account of what one capture point cannot see (src/core/import/inflight.ts):
 * segments that crossed in flight (`delay=` / `deliver`), copies the receiver never took (`lost`),
 * stand-ins for bytes the capture missed. Each capture is written with writePcap; the imported
 * flow must say the right thing and check without findings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/core/index';
import { importCapture } from '../../src/core/import/capture';
import { ExportSegment, writePcap } from '../../src/core/import/pcapwrite';

const C = { host: '10.7.0.1', port: 40000 };
const S = { host: '10.7.0.2', port: 80 };
type Side = typeof C;

/** Numbers relative to ISNs 1000 (C) and 5000 (S); time in ms. */
function seg(from: Side, flags: string[], seq: number, ack: number, len: number, ms: number): ExportSegment {
  const to = from === C ? S : C;
  const base = from === C ? 1000 : 5000;
  const peer = from === C ? 5000 : 1000;
  return { src: from.host, dst: to.host, srcPort: from.port, dstPort: to.port, seq: base + seq, ack: flags.includes('ACK') ? peer + ack : 0, flags, win: 65535, len, timeUs: Math.round(ms * 1000) };
}

const open = (): ExportSegment[] => [seg(C, ['SYN'], 0, 0, 0, 0), seg(S, ['SYN', 'ACK'], 0, 1, 0, 10), seg(C, ['ACK'], 1, 1, 0, 20)];

/** Import, and return the body lines (segments, deliver) without comments, plus the findings. */
function imported(segments: ExportSegment[]): { lines: string[]; text: string; findings: string[] } {
  const text = importCapture(writePcap(segments)).text;
  const lines = text
    .split('\n')
    .filter((l) => / -> |^deliver /.test(l))
    .map((l) => l.replace(/\s+#.*$/, '').replace(/ win=65535/, ''));
  return { lines, text, findings: analyze(text).findings.map((f) => `${f.key}: ${f.message}`) };
}

test('data that crossed the peer\'s segment is delivered late, before the ACK that covers it', () => {
  const r = imported([...open(), seg(C, ['ACK'], 1, 1, 100, 30), seg(S, ['ACK'], 1, 1, 50, 31), seg(S, ['ACK'], 51, 101, 0, 40), seg(C, ['ACK'], 101, 51, 0, 50)]);
  assert.deepEqual(r.lines.slice(3), ['C -> S ACK seq=1 ack=1 len=100 cross', 'S -> C ACK seq=1 ack=1 len=50 cross', 'S -> C ACK seq=51 ack=101', 'C -> S ACK seq=101 ack=51']);
  assert.deepEqual(r.findings, []);
});

test('FINs that cross: the one the peer acknowledged late is delivered late', () => {
  const r = imported([...open(), seg(C, ['FIN', 'ACK'], 1, 1, 0, 30), seg(S, ['FIN', 'ACK'], 1, 1, 0, 31), seg(S, ['ACK'], 2, 2, 0, 40), seg(C, ['ACK'], 2, 2, 0, 41)]);
  assert.deepEqual(r.lines.slice(3), ['C -> S FIN ACK seq=1 ack=1 cross', 'S -> C FIN ACK seq=1 ack=1 cross', 'S -> C ACK seq=2 ack=2', 'C -> S ACK seq=2 ack=2']);
  assert.deepEqual(r.findings, []);
});

test('a segment the receiver never took, sent again before it was acknowledged, is lost', () => {
  const r = imported([...open(), seg(C, ['ACK'], 1, 1, 100, 30), seg(S, ['ACK'], 1, 1, 10, 31), seg(C, ['ACK'], 1, 11, 100, 300), seg(S, ['ACK'], 11, 101, 0, 310)]);
  assert.deepEqual(r.lines.slice(3), ['C -> S ACK seq=1 ack=1 len=100 lost', 'S -> C ACK seq=1 ack=1 len=10', 'C -> S ACK seq=1 ack=11 len=100 rtx', 'S -> C ACK seq=11 ack=101']);
  assert.deepEqual(r.findings, []);
});

test('later segments of the same sender keep its order behind a late one', () => {
  const r = imported([
    ...open(),
    seg(C, ['ACK'], 1, 1, 100, 30),
    seg(S, ['ACK'], 1, 1, 10, 31),
    seg(C, ['ACK'], 101, 1, 100, 32),
    seg(S, ['ACK'], 11, 201, 0, 40),
  ]);
  // (S's 10 bytes crossed C's second segment too, which still acknowledges 1: they arrive at the end.)
  assert.deepEqual(r.lines.slice(3), [
    'C -> S ACK seq=1 ack=1 len=100 delay=p4',
    'S -> C ACK seq=1 ack=1 len=10 delay=p5',
    'C -> S ACK seq=101 ack=1 len=100 delay=p6',
    'deliver p4',
    'deliver p6',
    'S -> C ACK seq=11 ack=201',
    'deliver p5',
  ]);
  assert.deepEqual(r.findings.filter((f) => f.startsWith('wrong')), []);
});

test('bytes the capture missed get a stand-in without numbers; a later copy makes it lost', () => {
  const r = imported([...open(), seg(C, ['ACK'], 1, 1, 100, 30), seg(C, ['ACK'], 201, 1, 100, 31), seg(S, ['ACK'], 1, 101, 0, 40), seg(C, ['ACK'], 101, 1, 100, 41), seg(S, ['ACK'], 1, 301, 0, 50)]);
  assert.deepEqual(r.lines.slice(3), ['C -> S ACK seq=1 ack=1 len=100', 'C -> S ACK len=100 lost', 'C -> S ACK seq=201 ack=1 len=100', 'S -> C ACK seq=1 ack=101', 'C -> S ACK seq=101 ack=1 len=100', 'S -> C ACK seq=1 ack=301']);
  assert.match(r.text, /C -> S ACK len=100 lost {2}# not captured: bytes 101-201, inferred from the sequence numbers/);
  assert.match(r.text, /note C "previous segment not captured \(100 bytes missing\)"/);
  assert.deepEqual(r.findings, []);
});

test('bytes the capture missed and the receiver acknowledged: the stand-in is delivered', () => {
  const r = imported([...open(), seg(C, ['ACK'], 1, 1, 100, 30), seg(C, ['ACK'], 201, 1, 100, 31), seg(S, ['ACK'], 1, 301, 0, 40)]);
  assert.deepEqual(r.lines.slice(3), ['C -> S ACK seq=1 ack=1 len=100', 'C -> S ACK len=100', 'C -> S ACK seq=201 ack=1 len=100', 'S -> C ACK seq=1 ack=301']);
  assert.deepEqual(r.findings, []);
});

test('never acknowledged in the capture: delivered after the last segment', () => {
  const r = imported([...open(), seg(C, ['ACK'], 1, 1, 100, 30), seg(S, ['ACK'], 1, 1, 10, 31)]);
  assert.deepEqual(r.lines.slice(3), ['C -> S ACK seq=1 ack=1 len=100 delay=p4', 'S -> C ACK seq=1 ack=1 len=10', 'deliver p4']);
  assert.deepEqual(r.findings, []);
});

test('an answer captured before the segment it acknowledges: the send order is restored', () => {
  // The SYN,ACK is captured 0.3 ms before the SYN it answers (two capture queues).
  const r = imported([seg(S, ['SYN', 'ACK'], 0, 1, 0, 0), seg(C, ['SYN'], 0, 0, 0, 0.3), seg(C, ['ACK'], 1, 1, 0, 0.5), seg(C, ['ACK'], 1, 1, 10, 0.6), seg(S, ['ACK'], 1, 11, 0, 20)]);
  assert.deepEqual(r.lines, ['C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1', 'C -> S ACK seq=1 ack=1 len=10', 'S -> C ACK seq=1 ack=11']);
  assert.match(r.text, /C -> S SYN seq=0 win=65535 {2}# pkt 2, 0\.000300s; captured after pkt 1, which acknowledges it: written first/);
  assert.deepEqual(r.findings, []);
});

test('a retransmission the peer acknowledged long before is not moved', () => {
  // Mid-connection: S acknowledges C's bytes 1-100 (sent before the capture); C resends them 1 s later.
  const r = imported([seg(S, ['ACK'], 1, 101, 0, 0), seg(C, ['ACK'], 1, 1, 100, 1000)]);
  assert.deepEqual(r.lines.map((l) => l.slice(0, 6)), ['S -> C', 'C -> S']);
  assert.doesNotMatch(r.text, /written first/);
});

test('a SYN,ACK the capture missed, which the client\'s next segment acknowledges, gets a stand-in', () => {
  const r = imported([seg(C, ['SYN'], 0, 0, 4, 0), seg(C, ['FIN', 'ACK'], 5, 1, 0, 10000)]);
  assert.deepEqual(r.lines, ['C -> S SYN seq=0 len=4', 'S -> C SYN ACK', 'C -> S FIN ACK seq=5 ack=1']);
  assert.match(r.text, /S -> C SYN ACK {2}# not captured: the next segment acknowledges this SYN,ACK/);
  assert.deepEqual(r.findings.filter((f) => !f.startsWith('dataOnSyn')), []);
});

test('a FIN sent again before anything acknowledged it: the first copy is lost', () => {
  const r = imported([...open(), seg(C, ['FIN', 'ACK'], 1, 1, 0, 30), seg(C, ['FIN', 'ACK'], 1, 1, 0, 230), seg(S, ['ACK'], 1, 2, 0, 231), seg(S, ['FIN', 'ACK'], 1, 2, 0, 300), seg(C, ['ACK'], 2, 2, 0, 301)]);
  assert.deepEqual(r.lines.slice(3), ['C -> S FIN ACK seq=1 ack=1 lost', 'C -> S FIN ACK seq=1 ack=1 rtx', 'S -> C ACK seq=1 ack=2', 'S -> C FIN ACK seq=1 ack=2', 'C -> S ACK seq=2 ack=2']);
  assert.match(r.text, /lost {2}# pkt 4, [^\n]*not taken by the receiver: sent again before anything acknowledged it/);
  assert.deepEqual(r.findings, []);
});

test('a FIN sent again after its ACK was captured: that ACK never arrived', () => {
  const r = imported([
    ...open(),
    seg(C, ['FIN', 'ACK'], 1, 1, 0, 30),
    seg(S, ['ACK'], 1, 2, 0, 31),
    seg(S, ['FIN', 'ACK'], 1, 2, 0, 40),
    seg(C, ['ACK'], 2, 2, 0, 41),
    seg(S, ['FIN', 'ACK'], 1, 2, 0, 250),
    seg(C, ['ACK'], 2, 2, 0, 251),
  ]);
  assert.deepEqual(r.lines.slice(3), ['C -> S FIN ACK seq=1 ack=1', 'S -> C ACK seq=1 ack=2', 'S -> C FIN ACK seq=1 ack=2', 'C -> S ACK seq=2 ack=2 lost', 'S -> C FIN ACK seq=1 ack=2 rtx', 'C -> S ACK seq=2 ack=2']);
  assert.match(r.text, /never arrived: the peer sent the FIN it acknowledges again/);
  assert.deepEqual(r.findings, []);
  // The same close with the ACK taken (no FIN again) keeps every segment delivered.
  const plain = imported([...open(), seg(C, ['FIN', 'ACK'], 1, 1, 0, 30), seg(S, ['ACK'], 1, 2, 0, 31), seg(S, ['FIN', 'ACK'], 1, 2, 0, 40), seg(C, ['ACK'], 2, 2, 0, 41)]);
  assert.equal(plain.lines.filter((l) => / lost$| delay=/.test(l)).length, 0);
});

test('a SYN,ACK sent again crosses the client\'s SYN sent again; the client\'s ACK crosses the server\'s next SYN,ACK', () => {
  const r = imported([
    seg(C, ['SYN'], 0, 0, 0, 0),
    seg(S, ['SYN', 'ACK'], 0, 1, 0, 1),
    seg(S, ['SYN', 'ACK'], 0, 1, 0, 1000),
    seg(C, ['SYN'], 0, 0, 0, 1000.02),
    seg(C, ['ACK'], 1, 1, 0, 1000.03),
    seg(S, ['SYN', 'ACK'], 0, 1, 0, 1000.05),
    seg(C, ['ACK'], 1, 1, 0, 1000.06),
    seg(C, ['FIN', 'ACK'], 1, 1, 0, 1010),
    seg(S, ['FIN', 'ACK'], 1, 2, 0, 1011),
    seg(C, ['ACK'], 2, 2, 0, 1012),
  ]);
  // (The first crossing pair is written `cross`; the second, right after it, keeps `delay=` /
  // `deliver`, since two runs of `cross` lines next to each other would be one.)
  assert.deepEqual(r.lines.slice(0, 8), [
    'C -> S SYN seq=0',
    'S -> C SYN ACK seq=0 ack=1 lost',
    'S -> C SYN ACK seq=0 ack=1 rtx cross',
    'C -> S SYN seq=0 rtx cross',
    'C -> S ACK seq=1 ack=1 delay=p5',
    'S -> C SYN ACK seq=0 ack=1 rtx',
    'deliver p5',
    'C -> S ACK seq=1 ack=1',
  ]);
  assert.deepEqual(r.findings, []);
});

test('a SYN sent again with the same ISN before any answer: the earlier copies are lost', () => {
  const r = imported([seg(C, ['SYN'], 0, 0, 0, 0), seg(C, ['SYN'], 0, 0, 0, 1000), seg(C, ['SYN'], 0, 0, 0, 3000), seg(S, ['SYN', 'ACK'], 0, 1, 0, 3001), seg(C, ['ACK'], 1, 1, 0, 3002)]);
  assert.deepEqual(r.lines, ['C -> S SYN seq=0 lost', 'C -> S SYN seq=0 rtx lost', 'C -> S SYN seq=0 rtx', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1']);
  assert.deepEqual(r.findings, []);
});

test('a simultaneous open: the SYNs cross, then the SYN,ACKs cross; the second opener starts CLOSED', () => {
  const r = imported([
    seg(C, ['SYN'], 0, 0, 0, 0),
    seg(S, ['SYN'], 0, 0, 0, 0.001),
    seg(S, ['SYN', 'ACK'], 0, 1, 0, 0.01),
    seg(C, ['SYN', 'ACK'], 0, 1, 0, 0.011),
    seg(S, ['ACK'], 1, 1, 0, 0.02),
    seg(C, ['ACK'], 1, 1, 0, 0.021),
    seg(C, ['FIN', 'ACK'], 1, 1, 0, 10),
    seg(S, ['FIN', 'ACK'], 1, 2, 0, 11),
    seg(C, ['ACK'], 2, 2, 0, 12),
  ]);
  assert.match(r.text, /^client C 10\.7\.0\.1:40000 /m);
  assert.match(r.text, /^endpoint S CLOSED 10\.7\.0\.2:80 {2}# also sent a SYN of its own: a simultaneous open/m);
  assert.deepEqual(r.lines.slice(0, 7), [
    'C -> S SYN seq=0 cross',
    'S -> C SYN seq=0 cross',
    'S -> C SYN ACK seq=0 ack=1 rtx delay=p3',
    'C -> S SYN ACK seq=0 ack=1 rtx',
    'deliver p3',
    'S -> C ACK seq=1 ack=1',
    'C -> S ACK seq=1 ack=1',
  ]);
  assert.deepEqual(r.findings, []);
});
