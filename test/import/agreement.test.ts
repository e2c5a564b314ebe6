/**
 * Agreement with Wireshark's TCP analysis. For every capture of the corpus: importCapture ->
 * analyze -> analysisFlags (src/core/import/wireshark.ts, the one mapping from the checker's model
 * to `tcp.analysis.*`), compared frame by frame with what tshark sets. Prints precision and recall
 * per flag and fails below the floors in FLOORS (chosen from the measured figures; the reasons for
 * every remaining difference are in docs/wireshark.md).
 *
 * Two more sets are measured the same way and printed: small synthetic captures written with
 * writePcap for the flags the corpus lacks (zero-window probe, ACK of unseen data, port reuse,
 * spurious retransmission), and the exports of examples/*.tcpflow.
 *
 * `TCPFLOW_VERBOSE=1` also prints every differing frame. Without tshark the comparisons skip;
 * the mapping's own tests still run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { analyze } from '../../src/core/index';
import { exportSegments } from '../../src/core/export';
import { importCapture } from '../../src/core/import/capture';
import { ExportSegment, writePcap } from '../../src/core/import/pcapwrite';
import { FLAGS, Flag, analysisFlags, packetRef, tsharkField } from '../../src/core/import/wireshark';
import { NO_TSHARK, PCAP_DIR, TSHARK, hasTshark, pcapFiles } from './helpers';

const run = promisify(execFile);
const VERBOSE = !!process.env.TCPFLOW_VERBOSE;

/**
 * Floors over the whole corpus: the measured figures rounded down to 0.05 (docs/wireshark.md,
 * "Agreement on the corpus"). A precision floor applies when tcpflow flags at least one frame, a
 * recall floor when tshark does. No recall floor where the measured recall is 0 (reused_ports:
 * an RFC 9293 verdict, see the doc). Raise the floors when the agreement improves.
 */
export const FLOORS: Partial<Record<Flag, { precision?: number; recall?: number }>> = {
  retransmission: { precision: 1, recall: 0.9 },
  fast_retransmission: { precision: 1, recall: 0.5 },
  spurious_retransmission: { precision: 1, recall: 1 },
  out_of_order: { precision: 1, recall: 1 },
  lost_segment: { precision: 1, recall: 1 },
  ack_lost_segment: { precision: 1 },
  duplicate_ack: { precision: 1, recall: 0.8 },
  zero_window: { precision: 1, recall: 1 },
  zero_window_probe: { precision: 1 },
  keep_alive: { precision: 1, recall: 1 },
  window_update: { precision: 1, recall: 0.5 },
  reused_ports: { precision: 1 },
};

// ---------------------------------------------------------------- tshark

async function tsharkFlags(path: string): Promise<Map<number, Set<Flag>>> {
  const { stdout } = await run(
    TSHARK,
    ['-n', '-r', path, '-Y', 'tcp && !icmp && !icmpv6', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f',
      '-e', 'frame.number', ...FLAGS.flatMap((f) => ['-e', tsharkField(f)])],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const out = new Map<number, Set<Flag>>();
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const cols = line.split('\t');
    out.set(Number(cols[0]), new Set(FLAGS.filter((_, i) => (cols[i + 1] ?? '') !== '')));
  }
  return out;
}

/** Run `fn` over `items`, `width` at a time. */
async function pool<T, R>(items: T[], width: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------- comparison

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

interface Agreement {
  counts: Record<Flag, Counts>;
  /** "FP|FN flag file #frame" lines. */
  diffs: string[];
  frames: number;
  files: number;
}

function emptyCounts(): Record<Flag, Counts> {
  return Object.fromEntries(FLAGS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Record<Flag, Counts>;
}

function compare(name: string, theirs: Map<number, Set<Flag>>, ours: Map<number, Set<Flag>>, into: Agreement): void {
  into.files++;
  for (const [frame, tf] of theirs) {
    into.frames++;
    const of = ours.get(frame) ?? new Set<Flag>();
    for (const f of FLAGS) {
      const t = tf.has(f);
      const o = of.has(f);
      if (t && o) into.counts[f].tp++;
      else if (o) {
        into.counts[f].fp++;
        into.diffs.push(`FP ${f} ${name} #${frame}`);
      } else if (t) {
        into.counts[f].fn++;
        into.diffs.push(`FN ${f} ${name} #${frame}`);
      }
    }
  }
  for (const frame of ours.keys()) if (!theirs.has(frame)) into.diffs.push(`frame #${frame} of ${name} is not a TCP frame for tshark`);
}

const ratio = (a: number, b: number): number | undefined => (b === 0 ? undefined : a / b);
const pct = (x: number | undefined): string => (x === undefined ? '   n/a' : x.toFixed(2).padStart(6));

export function precision(c: Counts): number | undefined {
  return ratio(c.tp, c.tp + c.fp);
}
export function recall(c: Counts): number | undefined {
  return ratio(c.tp, c.tp + c.fn);
}

function table(title: string, a: Agreement, floors: typeof FLOORS = {}): string[] {
  const lines = [
    `${title}: ${a.files} captures, ${a.frames} TCP frames`,
    `${'flag'.padEnd(24)} ${'tshark'.padStart(6)} ${'ours'.padStart(5)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)} ${'prec'.padStart(6)} ${'recall'.padStart(6)}  floor`,
  ];
  for (const f of FLAGS) {
    const c = a.counts[f];
    const fl = floors[f];
    const floor = fl ? `P>=${fl.precision ?? '-'} R>=${fl.recall ?? '-'}` : '';
    lines.push(
      `${f.padEnd(24)} ${String(c.tp + c.fn).padStart(6)} ${String(c.tp + c.fp).padStart(5)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)} ${pct(precision(c))} ${pct(recall(c))}  ${floor}`,
    );
  }
  return lines;
}

async function measure(captures: { name: string; path: string; bytes: Uint8Array }[]): Promise<Agreement> {
  const theirs = await pool(captures, 3, (c) => tsharkFlags(c.path));
  const a: Agreement = { counts: emptyCounts(), diffs: [], frames: 0, files: 0 };
  captures.forEach((c, i) => {
    const r = importCapture(c.bytes);
    compare(c.name, theirs[i], analysisFlags(analyze(r.text)), a);
  });
  return a;
}

// ---------------------------------------------------------------- synthetic captures

const C = { host: '10.9.0.1', port: 40000 };
const S = { host: '10.9.0.2', port: 80 };
type Side = typeof C;

/** Segment builder: numbers relative to ISNs 1000 (C) and 5000 (S); time in ms. */
function seg(from: Side, flags: string[], seq: number, ack: number, len: number, ms: number, win = 65535): ExportSegment {
  const to = from === C ? S : C;
  const base = from === C ? 1000 : 5000;
  const peer = from === C ? 5000 : 1000;
  return { src: from.host, dst: to.host, srcPort: from.port, dstPort: to.port, seq: base + seq, ack: flags.includes('ACK') ? peer + ack : 0, flags, win, len, timeUs: Math.round(ms * 1000) };
}

function handshake(): ExportSegment[] {
  return [seg(C, ['SYN'], 0, 0, 0, 0), seg(S, ['SYN', 'ACK'], 0, 1, 0, 10), seg(C, ['ACK'], 1, 1, 0, 20)];
}

/** Small captures for flags the corpus lacks, each with what Wireshark is expected to flag. */
export const SYNTHETIC: { name: string; segments: ExportSegment[] }[] = [
  {
    // Data reordered by the network: #5 opens a gap, #6 fills it 1 ms later (< iRTT).
    name: 'reorder',
    segments: [...handshake(), seg(C, ['ACK'], 1, 1, 100, 21), seg(C, ['ACK'], 201, 1, 100, 22), seg(C, ['ACK'], 101, 1, 100, 23), seg(S, ['ACK'], 1, 301, 0, 40)],
  },
  {
    // The capture misses C's first 100 bytes (#4 is not written); S acknowledges them.
    name: 'ack-of-unseen-data',
    segments: [...handshake(), seg(C, ['ACK'], 1, 1, 100, 21), seg(S, ['ACK'], 1, 201, 0, 40)].filter((_, i) => i !== 3),
  },
  {
    // A full connection, then a new SYN on the same ports with another ISN.
    name: 'port-reuse',
    segments: [
      ...handshake(),
      seg(C, ['FIN', 'ACK'], 1, 1, 0, 30), seg(S, ['FIN', 'ACK'], 1, 2, 0, 40), seg(C, ['ACK'], 2, 2, 0, 50),
      { ...seg(C, ['SYN'], 0, 0, 0, 5000), seq: 777777 },
    ],
  },
  {
    // The receiver closes its window; the sender probes with one byte; the window reopens.
    name: 'zero-window-probe',
    segments: [
      ...handshake(),
      seg(C, ['ACK'], 1, 1, 100, 21), seg(S, ['ACK'], 1, 101, 0, 30, 0),
      seg(C, ['ACK'], 101, 1, 1, 530), seg(S, ['ACK'], 1, 101, 0, 540, 0),
      seg(S, ['ACK'], 1, 101, 0, 900, 65535), seg(C, ['ACK'], 101, 1, 100, 901),
    ],
  },
  {
    // Data acknowledged, then sent again a second later: a spurious retransmission.
    name: 'spurious-retransmission',
    segments: [...handshake(), seg(C, ['ACK'], 1, 1, 100, 21), seg(S, ['ACK'], 1, 101, 0, 30), seg(C, ['ACK'], 1, 1, 100, 1021)],
  },
];

// ---------------------------------------------------------------- tests

test('analysisFlags on a hand-written flow with packet comments', () => {
  const text = [
    'numbers relative',
    'client C 10.0.0.1:40000',
    'server S 10.0.0.2:80',
    'C -> S SYN seq=0 win=1000  # pkt 1, 0.000s',
    'S -> C SYN ACK seq=0 ack=1 win=1000  # pkt 2, 0.010s',
    'C -> S ACK seq=1 ack=1 win=1000  # pkt 3, 0.020s',
    'C -> S ACK seq=1 ack=1 len=100 win=1000  # pkt 4, 0.021s',
    'C -> S ACK seq=101 ack=1 len=100 win=1000 lost  # pkt 5, 0.022s',
    'S -> C ACK seq=1 ack=101 win=1000  # pkt 6, 0.031s',
    'C -> S ACK seq=201 ack=1 len=100 win=1000  # pkt 7, 0.032s',
    'S -> C ACK seq=1 ack=101 win=1000  # pkt 8, 0.041s',
    'C -> S ACK seq=301 ack=1 len=100 win=1000  # pkt 9, 0.042s',
    'S -> C ACK seq=1 ack=101 win=1000  # pkt 10, 0.051s',
    'C -> S ACK seq=101 ack=1 len=100 win=1000 rtx  # pkt 11, 0.052s',
    'S -> C ACK seq=1 ack=401 win=1000  # pkt 12, 0.061s',
    'wait 10s',
    'C -> S ACK seq=400 ack=1 win=1000  # pkt 13, 10.061s',
    'S -> C ACK seq=1 ack=401 win=1000  # pkt 14, 10.071s',
    'S -> C ACK seq=1 ack=401 win=0  # pkt 15, 10.080s',
    'wait 1s',
    'C -> S ACK seq=401 ack=1 len=1 win=1000  # pkt 16, 11.080s',
    'S -> C ACK seq=1 ack=401 win=0  # pkt 17, 11.090s',
    'S -> C ACK seq=1 ack=401 win=2000  # pkt 18, 11.100s',
    'C -> S ACK seq=401 ack=1 len=1 win=1000  # pkt 19, 11.101s',
    'S -> C ACK seq=1 ack=402 win=2000  # pkt 20, 11.110s',
    'C -> S FIN ACK seq=402 ack=1 win=1000  # pkt 21, 11.200s',
    'S -> C FIN ACK seq=1 ack=403 win=2000  # pkt 22, 11.210s',
    'C -> S ACK seq=403 ack=2 win=1000  # pkt 23, 11.220s',
    'wait 2MSL',
    'C -> S SYN seq=5000 win=1000  # pkt 24, 300.000s',
    'S -> C ACK seq=1 ack=1 win=1000',
  ].join('\n');
  const a = analyze(text);
  assert.deepEqual(a.findings.filter((f) => f.severity === 'error').map((f) => f.key), []);
  const got = Object.fromEntries([...analysisFlags(a)].sort((x, y) => x[0] - y[0]).map(([k, v]) => [k, [...v].sort().join(' ')]));
  assert.deepEqual(got, {
    8: 'duplicate_ack',
    10: 'duplicate_ack',
    11: 'fast_retransmission retransmission',
    13: 'keep_alive',
    // 14 re-acknowledges the keep-alive: same ack and window, but nothing outstanding (RFC 5681 §2 (a)).
    15: 'zero_window',
    16: 'zero_window_probe',
    17: 'zero_window',
    18: 'window_update',
    19: 'retransmission', // the refused probe byte again: S's ACKs at 15 and 17 changed the window, so no duplicates
    24: 'reused_ports',
  });
});

test('packetRef reads the importer comment of the segment line only', () => {
  const text = 'client C\nserver S\nC -> S SYN seq=0  # pkt 7, 1.500000s; keep-alive\nS -> C SYN ACK seq=0 ack=1\n# pkt 9, 2s\n';
  const a = analyze(text);
  const segs = a.model.events.filter((e) => e.kind === 'segment');
  assert.deepEqual(packetRef(a, segs[0].stmt), { frame: 7, time: 1.5, comment: '# pkt 7, 1.500000s; keep-alive' });
  assert.equal(packetRef(a, segs[1].stmt), undefined);
});

test('analysisFlags on imported synthetic captures (no tshark needed)', () => {
  const expected: Record<string, Record<number, string>> = {
    // The importer writes a stand-in for the bytes missing before 5 (lost: 6 brings them), so the
    // checker keeps the wire's numbers and S's ack=301 acknowledges data C has sent.
    reorder: { 5: 'lost_segment', 6: 'out_of_order' },
    'ack-of-unseen-data': { 4: 'ack_lost_segment' },
    'port-reuse': { 7: 'reused_ports' },
    // 9 resends the refused probe byte with new data: a repacketized retransmission for the checker
    // (the byte was sent), not for Wireshark, which does not count a probe's byte (docs/wireshark.md).
    'zero-window-probe': { 5: 'zero_window', 6: 'zero_window_probe', 7: 'zero_window', 8: 'window_update', 9: 'retransmission' },
    // Acknowledged data sent again (rtx, below SND.UNA): the ACK had not reached C yet.
    'spurious-retransmission': { 6: 'retransmission spurious_retransmission' },
  };
  for (const s of SYNTHETIC) {
    const r = importCapture(writePcap(s.segments));
    const got = Object.fromEntries([...analysisFlags(analyze(r.text))].map(([k, v]) => [k, [...v].sort().join(' ')]));
    assert.deepEqual(got, expected[s.name], s.name);
  }
});

test('agreement with tshark tcp.analysis flags over the corpus', { skip: hasTshark ? false : NO_TSHARK }, async (t) => {
  const files = pcapFiles();
  assert.ok(files.length > 0, 'corpus is empty');
  const a = await measure(files.map((f) => ({ name: f, path: join(PCAP_DIR, f), bytes: new Uint8Array(readFileSync(join(PCAP_DIR, f))) })));
  const lines = table('corpus', a, FLOORS);
  for (const l of lines) t.diagnostic(l);
  if (VERBOSE) console.log([...lines, ...a.diffs].join('\n'));
  const below: string[] = [];
  for (const f of FLAGS) {
    const fl = FLOORS[f];
    if (!fl) continue;
    const p = precision(a.counts[f]);
    const r = recall(a.counts[f]);
    if (fl.precision !== undefined && p !== undefined && p < fl.precision) below.push(`${f}: precision ${pct(p).trim()} < ${fl.precision}`);
    if (fl.recall !== undefined && r !== undefined && r < fl.recall) below.push(`${f}: recall ${pct(r).trim()} < ${fl.recall}`);
  }
  assert.deepEqual(below, [], `below the floors:\n${below.join('\n')}\n${a.diffs.join('\n')}`);
});

test('agreement with tshark on synthetic captures and on the exported examples (printed)', { skip: hasTshark ? false : NO_TSHARK }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpflow-agree-'));
  try {
    const write = (name: string, bytes: Uint8Array): { name: string; path: string; bytes: Uint8Array } => {
      const path = join(dir, `${name}.pcap`);
      writeFileSync(path, bytes);
      return { name, path, bytes };
    };
    const synthetic = await measure(SYNTHETIC.map((s) => write(s.name, writePcap(s.segments))));
    const exDir = join(__dirname, '../../examples');
    const examples = await measure(
      readdirSync(exDir)
        .filter((f) => f.endsWith('.tcpflow'))
        .sort()
        .map((f) => write(f, writePcap(exportSegments(analyze(readFileSync(join(exDir, f), 'utf8')))))),
    );
    const lines = [...table('synthetic', synthetic), ...synthetic.diffs, ...table('exported examples', examples), ...examples.diffs];
    for (const l of lines) t.diagnostic(l);
    if (VERBOSE) console.log(lines.join('\n'));
    // The synthetic captures isolate one behaviour each: the mapping agrees with tshark on all of
    // them except one difference of definition (docs/wireshark.md, "Every remaining difference").
    const known = ['FP retransmission zero-window-probe #9'];
    const unexpected = synthetic.diffs.filter((d) => !known.includes(d));
    assert.deepEqual(unexpected, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
