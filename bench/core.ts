/**
 * Core benchmark: parse + check (`analyze`) throughput on generated flows of 10,000 and 100,000
 * segments.
 *
 * The flows look like long study notes of real traffic: two servers and eight clients, every
 * connection with a three-way handshake (window and MSS options), bulk data in both directions,
 * rounds with a lost segment, two duplicate ACKs and a fast retransmission (`lost`, `rtx`), a
 * four-way teardown with `close` calls and state assertions, and a final `wait 2MSL`. All
 * numbers are concrete (one connection starts just below 2^32, so its sequence numbers wrap).
 * The generated flow must check with zero findings: the benchmark asserts it, so the figures
 * always measure the clean path, not error reporting.
 *
 * Method: one warm-up phase per size (JIT), then at least 5 measured runs; the median is
 * reported as segments per second, with the 100k/10k time ratio (linear growth gives ≈ 10).
 * Aim: ≥ 1,000,000 segments/s.
 *
 * Run alone with `node --import tsx bench/core.ts`; `bench/run.ts` calls `benchCore()`.
 */
import * as os from 'node:os';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { analyze, parse } from './shipped';

export const AIM_SEGMENTS_PER_SECOND = 1_000_000;
const SIZES = [10_000, 100_000];
const MSS = 1448;
const MOD = 0x100000000;

export interface CoreBenchRow {
  segments: number;
  lines: number;
  bytes: number;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  segmentsPerSecond: number;
  /** Median of parse alone (the rest of analyze is the checker). */
  parseMs: number;
  /** Parse alone: megabytes (10^6 UTF-16 units) of text per second, from the median. */
  parseMegabytesPerSecond: number;
  /** Heap retained by one Analysis, per segment (undefined when GC could not be forced). */
  heapBytesPerSegment?: number;
}

export interface CoreBenchResult {
  rows: CoreBenchRow[];
  /** Median time at 100k divided by median time at 10k (linear growth ≈ 10). */
  ratio: number;
  /** The same ratio for parse alone. */
  parseRatio: number;
  aim: number;
  aimMet: boolean;
}

let last: CoreBenchResult | undefined;

/** The figures of the last `benchCore()` run (for the summary in bench/run.ts). */
export function lastCoreResult(): CoreBenchResult | undefined {
  return last;
}

const u32 = (n: number): number => ((n % MOD) + MOD) % MOD;

interface Conn {
  client: string;
  server: string;
  /** Client's and server's next sequence numbers (unwrapped; printed modulo 2^32). */
  c: number;
  s: number;
  blocks: string[][];
}

/**
 * A flow of exactly `segments` segments over several connections, interleaved block by block
 * (a handshake, a data round or a teardown at a time) the way a capture interleaves them.
 */
export function generateFlow(segments: number, connections = 8): string {
  const servers = [
    { name: 'S1', addr: '10.0.0.1:80' },
    { name: 'S2', addr: '10.0.0.2:443' },
  ];
  const fixedPerConn = 3 + 4; // handshake + teardown
  if (segments < fixedPerConn * connections) throw new Error(`generateFlow: ${segments} segments is too few for ${connections} connections`);
  const conns: Conn[] = [];
  for (let i = 0; i < connections; i++) {
    // Connection 0 starts just below 2^32 so its numbers wrap; the others are spread out.
    const isnC = i === 0 ? MOD - 5000 : 1_000_000 + i * 7_919_777;
    const isnS = i === 0 ? 3_000_000_000 : 500_000_000 + i * 13_131_313;
    conns.push({ client: `C${i + 1}`, server: servers[i % servers.length].name, c: isnC, s: isnS, blocks: [] });
  }

  const remaining = segments - fixedPerConn * connections;
  conns.forEach((k, i) => {
    const { client: C, server: S } = k;
    const seg = (from: string, to: string, rest: string) => `${from} -> ${to}  ${rest}`;
    // Handshake.
    const hs: string[] = [];
    hs.push(seg(C, S, `SYN      seq=${u32(k.c)} win=64240 mss=1460`));
    hs.push(seg(S, C, `SYN ACK  seq=${u32(k.s)} ack=${u32(k.c + 1)} win=65535 mss=1460`));
    k.c += 1;
    k.s += 1;
    hs.push(seg(C, S, `ACK      seq=${u32(k.c)} ack=${u32(k.s)} win=64240`));
    hs.push(`${C}: ESTABLISHED, ${S}[${C}]: ESTABLISHED`);
    k.blocks.push(hs);

    let budget = Math.floor(remaining / connections) + (i < remaining % connections ? 1 : 0);
    let round = 0;
    const upload = (): string[] => {
      const b = [seg(C, S, `PSH ACK  seq=${u32(k.c)} ack=${u32(k.s)} len=${MSS}`), seg(S, C, `ACK      seq=${u32(k.s)} ack=${u32(k.c + MSS)}`)];
      k.c += MSS;
      return b;
    };
    const download = (): string[] => {
      const b = [seg(S, C, `PSH ACK  seq=${u32(k.s)} ack=${u32(k.c)} len=${MSS}`), seg(C, S, `ACK      seq=${u32(k.c)} ack=${u32(k.s + MSS)}`)];
      k.s += MSS;
      return b;
    };
    // A lost segment, two duplicate ACKs, the fast retransmission, one ACK for everything.
    const loss = (): string[] => {
      const a = k.c;
      const b = [
        `# round ${round}: segment ${u32(a + MSS)} is lost`,
        seg(C, S, `ACK      seq=${u32(a)} ack=${u32(k.s)} len=${MSS}`),
        seg(C, S, `ACK      seq=${u32(a + MSS)} ack=${u32(k.s)} len=${MSS}   lost`),
        seg(S, C, `ACK      seq=${u32(k.s)} ack=${u32(a + MSS)}`),
        seg(C, S, `ACK      seq=${u32(a + 2 * MSS)} ack=${u32(k.s)} len=${MSS}            # queued`),
        seg(S, C, `ACK      seq=${u32(k.s)} ack=${u32(a + MSS)}                  # duplicate ACK`),
        seg(C, S, `ACK      seq=${u32(a + 3 * MSS)} ack=${u32(k.s)} len=${MSS}`),
        seg(S, C, `ACK      seq=${u32(k.s)} ack=${u32(a + MSS)}                  # duplicate ACK`),
        seg(C, S, `ACK      seq=${u32(a + MSS)} ack=${u32(k.s)} len=${MSS}   rtx     # fast retransmission`),
        seg(S, C, `ACK      seq=${u32(k.s)} ack=${u32(a + 4 * MSS)}`),
      ];
      k.c += 4 * MSS;
      return b;
    };
    const cycle: [number, () => string[]][] = [
      [9, loss],
      [2, upload],
      [2, download],
      [2, upload],
      [2, download],
    ];
    let next = 0;
    while (budget >= 2) {
      let [size, make] = cycle[next % cycle.length];
      next++;
      if (size > budget) [size, make] = [2, upload];
      k.blocks.push(make());
      budget -= size;
      round++;
    }
    if (budget === 1) {
      // One data segment left over: the teardown's ACK covers it.
      k.blocks.push([seg(C, S, `PSH ACK  seq=${u32(k.c)} ack=${u32(k.s)} len=100`)]);
      k.c += 100;
    }

    // Four-way teardown: the client closes first.
    const td: string[] = [];
    td.push(`${C} close`);
    td.push(seg(C, S, `FIN ACK  seq=${u32(k.c)} ack=${u32(k.s)}`));
    td.push(`${C}: FIN_WAIT_1`);
    td.push(seg(S, C, `ACK      seq=${u32(k.s)} ack=${u32(k.c + 1)}`));
    td.push(`${C}: FIN_WAIT_2, ${S}[${C}]: CLOSE_WAIT`);
    td.push(`${S} close ${C}`);
    td.push(seg(S, C, `FIN ACK  seq=${u32(k.s)} ack=${u32(k.c + 1)}`));
    td.push(seg(C, S, `ACK      seq=${u32(k.c + 1)} ack=${u32(k.s + 1)}`));
    td.push(`${C}: TIME_WAIT, ${S}[${C}]: CLOSED`);
    k.blocks.push(td);
  });

  const out: string[] = [`title "Generated: ${segments} segments over ${connections} connections"`, ''];
  for (const s of servers) out.push(`server ${s.name} ${s.addr}`);
  conns.forEach((k, i) => out.push(`client ${k.client} 192.168.1.${10 + i}:${40000 + i}`));
  out.push('');
  const longest = Math.max(...conns.map((k) => k.blocks.length));
  for (let b = 0; b < longest; b++) {
    if (b === 1) out.push('', 'phase "Bulk data with losses"');
    for (const k of conns) if (b < k.blocks.length) out.push(...k.blocks[b]);
  }
  out.push('', 'phase "After 2MSL"', 'wait 2MSL');
  out.push(conns.map((k) => `${k.client}: CLOSED`).join(', '));
  return out.join('\n') + '\n';
}

export function countSegments(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (/^\S+ -> /.test(line)) n++;
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en');

/** A way to force a full GC without --expose-gc (for the retained-heap figure). */
function gcFunction(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

function retainedBytes(text: string, gc: (() => void) | undefined): number | undefined {
  if (!gc) return undefined;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const keep = analyze(text);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (keep.findings.length < 0) console.log(keep); // keep the analysis alive until measured
  return after - before;
}

/**
 * The clean path only: the generated flow must check with zero findings. (A function of its
 * own, so that its analysis is garbage before the timed runs.)
 */
function assertClean(text: string, size: number): void {
  const first = analyze(text);
  const eventSegments = first.model.events.filter((e) => e.kind === 'segment').length;
  if (first.findings.length !== 0) {
    const sample = first.findings.slice(0, 5).map((f) => `  ${f.code} @${first.lines.positionAt(f.start).line + 1}: ${f.message}`);
    throw new Error(`generated ${size}-segment flow has ${first.findings.length} finding(s), expected 0:\n${sample.join('\n')}`);
  }
  if (eventSegments !== size) throw new Error(`analyze saw ${eventSegments} segments, wanted ${size}`);
  console.log(`  ${fmtInt(size)} segments: ${fmtInt(text.length / 1024)} KiB, ${fmtInt(text.split('\n').length)} lines, findings: ${first.findings.length} (must be 0)`);
}

export async function benchCore(): Promise<void> {
  console.log('core: parse + check (analyze) throughput on generated flows');
  console.log(`aim: ≥ ${fmtInt(AIM_SEGMENTS_PER_SECOND)} segments/s; time should grow linearly (100k/10k ratio ≈ 10)`);
  const load = os.loadavg()[0];
  console.log(`machine: ${os.cpus().length} CPU(s), load average ${load.toFixed(2)}, Node ${process.version}${load > os.cpus().length ? ' (busy machine: figures are noisy)' : ''}`);
  const gc = gcFunction();
  const rows: CoreBenchRow[] = [];
  for (const size of SIZES) {
    const text = generateFlow(size);
    const segments = countSegments(text);
    if (segments !== size) throw new Error(`generator produced ${segments} segments, wanted ${size}`);
    assertClean(text, size);

    // Warm-up: at least 3 runs and at least ~300k segments' worth, so the JIT has settled.
    const warmups = Math.max(3, Math.ceil(300_000 / size));
    const runs = size >= 100_000 ? 7 : 15;

    // Parse alone first, from a collected heap (the analyses' garbage would otherwise be
    // collected during the parse runs and counted against them).
    gc?.();
    for (let i = 0; i < warmups; i++) parse(text);
    const parseTimes: number[] = [];
    for (let i = 0; i < Math.max(7, Math.min(runs, 11)); i++) {
      const t0 = performance.now();
      parse(text);
      parseTimes.push(performance.now() - t0);
    }

    for (let i = 0; i < warmups; i++) analyze(text);
    const times: number[] = [];
    let sink = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const a = analyze(text);
      times.push(performance.now() - t0);
      sink += a.findings.length;
    }
    if (sink !== 0) throw new Error('findings appeared in a measured run');
    const med = median(times);
    const heap = retainedBytes(text, gc);
    rows.push({
      segments: size,
      lines: text.split('\n').length,
      bytes: text.length,
      runs,
      medianMs: med,
      minMs: Math.min(...times),
      maxMs: Math.max(...times),
      segmentsPerSecond: size / (med / 1000),
      parseMs: median(parseTimes),
      parseMegabytesPerSecond: text.length / 1e6 / (median(parseTimes) / 1000),
      heapBytesPerSegment: heap === undefined ? undefined : heap / size,
    });
  }

  const head = ['segments', 'runs', 'median ms', 'min ms', 'max ms', 'parse ms', 'parse MB/s', 'segments/s', `aim ${fmtInt(AIM_SEGMENTS_PER_SECOND)}/s`, 'heap B/segment'];
  const table = rows.map((r) => [
    fmtInt(r.segments),
    String(r.runs),
    r.medianMs.toFixed(1),
    r.minMs.toFixed(1),
    r.maxMs.toFixed(1),
    r.parseMs.toFixed(1),
    r.parseMegabytesPerSecond.toFixed(1),
    fmtInt(r.segmentsPerSecond),
    r.segmentsPerSecond >= AIM_SEGMENTS_PER_SECOND ? 'met' : 'MISSED',
    r.heapBytesPerSegment === undefined ? 'n/a' : fmtInt(r.heapBytesPerSegment),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(line(head));
  for (const t of table) console.log(line(t));
  const small = rows.find((r) => r.segments === 10_000)!;
  const big = rows.find((r) => r.segments === 100_000)!;
  const ratio = big.medianMs / small.medianMs;
  const parseRatio = big.parseMs / small.parseMs;
  console.log(`  time ratio 100k/10k: ${ratio.toFixed(2)} (linear ≈ 10${ratio > 13 ? '; growth is worse than linear' : ''}); parse alone: ${parseRatio.toFixed(2)}`);
  const aimMet = rows.every((r) => r.segmentsPerSecond >= AIM_SEGMENTS_PER_SECOND);
  console.log('  (median of the measured runs after warm-up; parse ms = parse alone (scanner + parser), the rest of analyze is the checker;');
  console.log('   parse MB/s = millions of characters of text parsed per second;');
  console.log('   heap B/segment = heap retained by one Analysis divided by its segments)');
  console.log(`  aim ≥ ${fmtInt(AIM_SEGMENTS_PER_SECOND)} segments/s: ${aimMet ? 'met at every size' : 'MISSED (see the table)'}`);
  last = { rows, ratio, parseRatio, aim: AIM_SEGMENTS_PER_SECOND, aimMet };
}

if (require.main === module) {
  benchCore().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
