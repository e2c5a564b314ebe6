/**
 * Import benchmark: the capture reader and the checker against tshark.
 *
 * 1. Reading. A capture of 1,000,000 packets written with `writePcap` (ten connections of
 *    100,000 packets one after the other: handshake, 100-byte data segments each answered by an
 *    ACK, teardown; one connection's numbers wrap past 2^32). Timed, in a fresh process: the
 *    streaming reader alone (`CaptureReader`, TCP headers decoded, nothing kept; best of 3) and
 *    the whole `importCapture` (reader, connection tracking, payload labels, `.tcpflow` text);
 *    and `tshark -r F -T fields -e tcp.seq -e tcp.ack`. Packets per second each and the ratio to
 *    tshark; aim: importCapture >= 3x tshark. (Fresh processes, because in this one the big
 *    capture's heap and the other benchmarks' type feedback slowed the same code down up to 6x.)
 * 2. Checking. A 100,000-segment flow (the text importCapture writes for one such connection)
 *    timed through `analyzeFindings` (what `tcpflow check` runs) and `analyze` (tree and model
 *    too, as the editor needs), each the best of 5 after a warm-up in a fresh process; and a
 *    real `tcpflow check flow.tcpflow` (bundled as the build does), JIT cold, best of 3
 *    processes.
 *    Against tshark's TCP analysis of its exported capture (`exportSegments` -> `writePcap`;
 *    `tshark -o tcp.analyze_sequence_numbers:TRUE -T fields -e tcp.analysis.flags`), whose
 *    start-up is measured on a three-packet capture. Aim: analyzeFindings' rate >= 10x
 *    tshark's rate, both without start-up; the whole commands' ratio is printed beside it.
 *    The flow must check with no finding.
 * 3. Memory. A ~1 GB capture (1,400-byte segments) written to os.tmpdir() in chunks and read back
 *    through a file stream by the streaming reader, then by the whole `importCaptureAsync`; peak
 *    RSS sampled every 20 ms and after every chunk. Then a real `tcpflow import big.pcap -o F`
 *    (src/cli bundled by esbuild as the build does) in a child process whose wrapper prints
 *    `process.resourceUsage().maxRSS` when the command is done: the peak RSS of the whole CLI,
 *    and packets/s. `BENCH_BASELINE=<git revision>` also bundles that revision's CLI (from
 *    `git archive`) and runs it on the same file, for a before/after comparison; both texts
 *    must be identical. Takes about a minute (mostly writing the file); `BENCH_BIG=0` skips it.
 *    The files are deleted afterwards.
 *
 * Without tshark the tshark columns say so and only our figures are printed.
 * Run alone with `node --import tsx bench/import.ts`; `bench/run.ts` calls `benchImport()`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { ExportSegment } from '../src/core/import/pcapwrite';
import { analyze, exportSegments, importCapture, importCaptureAsync, CaptureReader, writePcap } from './shipped';

const run = promisify(execFile);
const TSHARK = '/usr/bin/tshark';
const hasTshark = fs.existsSync(TSHARK);

export const AIM_READ_RATIO = 3;
export const AIM_CHECK_RATIO = 10;
const READ_PACKETS = 1_000_000;
const CONNECTIONS = 10;
const CHECK_SEGMENTS = 100_000;
const BIG_BYTES = 1024 ** 3;

// ---------------------------------------------------------------- generated traffic

/**
 * One connection of about `packets` packets: handshake, `len`-byte data segments from the
 * client each acknowledged by the server, four-way teardown. Times advance 100 µs per packet.
 */
export function* connection(index: number, packets: number, len: number, startUs: number): Generator<ExportSegment> {
  const c = { host: `10.1.${index >> 8}.${(index & 0xff) + 1}`, port: 40000 + index };
  const s = { host: '10.2.0.1', port: 443 };
  // One connection starts just below 2^32 so that its numbers wrap.
  const cIsn = index === 1 ? 0xffffffff - 30_000 : (0x10000000 + index * 7_919_993) >>> 0;
  const sIsn = (0x70000000 + index * 104_729) >>> 0;
  let t = startUs;
  const mk = (from: 'c' | 's', flags: string[], seq: number, ack: number, n: number, opts?: ExportSegment['options']): ExportSegment => {
    const [a, b] = from === 'c' ? [c, s] : [s, c];
    t += 100;
    return { src: a.host, dst: b.host, srcPort: a.port, dstPort: b.port, seq: seq >>> 0, ack: ack >>> 0, flags, win: 65535, len: n, options: opts, timeUs: t };
  };
  yield mk('c', ['SYN'], cIsn, 0, 0, { mss: 1460 });
  yield mk('s', ['SYN', 'ACK'], sIsn, cIsn + 1, 0, { mss: 1460 });
  yield mk('c', ['ACK'], cIsn + 1, sIsn + 1, 0);
  let cNxt = cIsn + 1;
  const sNxt = sIsn + 1;
  const pairs = Math.max(1, Math.ceil((packets - 7) / 2));
  for (let i = 0; i < pairs; i++) {
    yield mk('c', ['ACK'], cNxt, sNxt, len);
    cNxt += len;
    yield mk('s', ['ACK'], sNxt, cNxt, 0);
  }
  yield mk('c', ['FIN', 'ACK'], cNxt, sNxt, 0);
  yield mk('s', ['ACK'], sNxt, cNxt + 1, 0);
  yield mk('s', ['FIN', 'ACK'], sNxt, cNxt + 1, 0);
  yield mk('c', ['ACK'], cNxt + 1, sNxt + 1, 0);
}

function* traffic(total: number, conns: number, len: number): Generator<ExportSegment> {
  const per = Math.ceil(total / conns);
  let t = 0;
  for (let i = 0; i < conns; i++) {
    for (const s of connection(i, per, len, t)) {
      t = s.timeUs;
      yield s;
    }
  }
}

/** A pcap of the segments, written in batches (each batch's global header dropped but the first). */
function* pcapChunks(segments: Iterable<ExportSegment>, batch = 20_000): Generator<Uint8Array> {
  let buf: ExportSegment[] = [];
  let first = true;
  for (const s of segments) {
    buf.push(s);
    if (buf.length === batch) {
      const b = writePcap(buf);
      yield first ? b : b.subarray(24);
      first = false;
      buf = [];
    }
  }
  if (buf.length > 0 || first) {
    const b = writePcap(buf);
    yield first ? b : b.subarray(24);
  }
}

function concat(chunks: Iterable<Uint8Array>): Uint8Array {
  const list = [...chunks];
  const out = new Uint8Array(list.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of list) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

// ---------------------------------------------------------------- measuring

let gcFn: (() => void) | undefined | null = null;
/** A full GC without --expose-gc (as bench/core.ts does), so that RSS baselines are comparable. */
function forceGc(): void {
  if (gcFn === null) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const g = vm.runInNewContext('gc') as unknown;
      gcFn = typeof g === 'function' ? (g as () => void) : undefined;
    } catch {
      gcFn = undefined;
    }
  }
  gcFn?.();
  gcFn?.();
}

function ms(t0: number): number {
  return performance.now() - t0;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const secs = (m: number): string => `${(m / 1000).toFixed(2)} s`;

async function tsharkTime(args: string[]): Promise<{ ms: number; lines: number } | undefined> {
  if (!hasTshark) return undefined;
  const t0 = performance.now();
  const { stdout } = await run(TSHARK, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const elapsed = ms(t0);
  let lines = 0;
  for (let i = stdout.indexOf('\n'); i >= 0; i = stdout.indexOf('\n', i + 1)) lines++;
  return { ms: elapsed, lines };
}

export interface ImportBenchResult {
  packets: number;
  captureBytes: number;
  readerMs: number;
  importMs: number;
  tsharkReadMs?: number;
  readRatio?: number;
  checkSegments: number;
  /** Best warm `analyzeFindings` (what `tcpflow check` runs) and `analyze` of the flow. */
  findingsMs: number;
  analyzeMs: number;
  /** `tcpflow check` in a fresh process: from loading the CLI to its exit code, and the whole process. */
  cliMs: number;
  cliProcessMs: number;
  tsharkAnalysisMs?: number;
  /** tshark's time on a three-packet capture (its start-up). */
  tsharkStartMs?: number;
  /** tshark's time without its start-up over analyzeFindings' (the aim's ratio). */
  checkRatio?: number;
  big?: { bytes: number; packets: number; ms: number; peakRssMb: number; baseRssMb: number; cli?: CliRun; baseline?: CliRun };
}

/** One `tcpflow import` of the big capture in a child process. */
export interface CliRun {
  ms: number;
  /** process.resourceUsage().maxRSS of the child, in MB (MiB). */
  peakRssMb: number;
  packetsPerSecond: number;
  textBytes: number;
  sha256: string;
}

let last: ImportBenchResult | undefined;
export function lastImportResult(): ImportBenchResult | undefined {
  return last;
}

async function readBench(dir: string): Promise<Pick<ImportBenchResult, 'packets' | 'captureBytes' | 'readerMs' | 'importMs' | 'tsharkReadMs' | 'readRatio'>> {
  const t0 = performance.now();
  const bytes = concat(pcapChunks(traffic(READ_PACKETS, CONNECTIONS, 100)));
  const genMs = ms(t0);
  const file = path.join(dir, 'read-1m.pcap');
  fs.writeFileSync(file, bytes);

  // Timed in a fresh process: in this one, the big capture's heap and the other benchmarks'
  // type feedback were measured too (the reader ran up to 6x slower after them).
  const { readerMs, importMs, tcp, segments, textBytes } = inChild<{ readerMs: number; importMs: number; tcp: number; segments: number; textBytes: number }>(
    dir,
    `const bytes = new Uint8Array(require('node:fs').readFileSync(${JSON.stringify(file)}));
let tcp = 0;
const readerMs = best(3, () => {
  tcp = 0;
  const r = new core.CaptureReader(() => tcp++);
  r.push(bytes);
  r.end();
});
let t0 = performance.now();
const r = core.importCapture(bytes);
const importMs = performance.now() - t0;
result({ readerMs, importMs, tcp, segments: r.segments, textBytes: r.text.length });
`,
  );
  if (tcp < READ_PACKETS || segments !== tcp) throw new Error(`generated capture: ${tcp} TCP packets read, ${segments} imported (want >= ${READ_PACKETS})`);
  const ts = await tsharkTime(['-n', '-r', file, '-T', 'fields', '-e', 'tcp.seq', '-e', 'tcp.ack']);
  if (ts && ts.lines !== tcp) throw new Error(`tshark printed ${ts.lines} lines for ${tcp} packets`);

  console.log(`capture: ${fmt(tcp)} packets, ${(bytes.length / 1e6).toFixed(1)} MB, ${CONNECTIONS} connections (written by writePcap in ${secs(genMs)})`);
  console.log(`  streaming reader   ${secs(readerMs).padStart(9)}  ${fmt(tcp / (readerMs / 1000)).padStart(11)} packets/s  (best of 3)`);
  console.log(`  importCapture      ${secs(importMs).padStart(9)}  ${fmt(tcp / (importMs / 1000)).padStart(11)} packets/s  (${(textBytes / 1e6).toFixed(1)} MB of .tcpflow text)`);
  if (ts) {
    console.log(`  tshark -e tcp.seq -e tcp.ack  ${secs(ts.ms).padStart(9)}  ${fmt(tcp / (ts.ms / 1000)).padStart(11)} packets/s`);
    console.log(`  ratio: importCapture ${(ts.ms / importMs).toFixed(1)}x tshark, reader ${(ts.ms / readerMs).toFixed(1)}x (aim >= ${AIM_READ_RATIO}x: ${ts.ms / importMs >= AIM_READ_RATIO ? 'met' : 'MISSED'})`);
  } else console.log('  tshark: not installed (/usr/bin/tshark), no comparison');
  fs.rmSync(file, { force: true });
  return { packets: tcp, captureBytes: bytes.length, readerMs, importMs, tsharkReadMs: ts?.ms, readRatio: ts ? ts.ms / importMs : undefined };
}

async function checkBench(dir: string): Promise<Pick<ImportBenchResult, 'checkSegments' | 'findingsMs' | 'analyzeMs' | 'cliMs' | 'cliProcessMs' | 'tsharkAnalysisMs' | 'tsharkStartMs' | 'checkRatio'>> {
  const capture = writePcap([...connection(3, CHECK_SEGMENTS, 100, 0)]);
  const text = importCapture(capture).text;
  // The command itself in a fresh process, as CI runs it (best of 3 processes, each JIT cold),
  // before the in-process runs fill this process's heap.
  const flowFile = path.join(dir, 'check-100k.tcpflow');
  fs.writeFileSync(flowFile, text);
  const wrapper = bundleCli(path.resolve(__dirname, '..'), dir, 'check');
  let cliMs = Infinity;
  let cliProcessMs = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const { stderr } = await run(process.execPath, [wrapper, 'check', flowFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
    cliProcessMs = Math.min(cliProcessMs, ms(t0));
    const child = /BENCH-CHILD (\{.*\})/.exec(stderr);
    if (!child) throw new Error(`no figures from tcpflow check:\n${stderr.slice(-2000)}`);
    const cli = JSON.parse(child[1]) as { code: number; ms: number };
    if (cli.code !== 0) throw new Error(`tcpflow check exited with ${cli.code}:\n${stderr.slice(-2000)}`);
    cliMs = Math.min(cliMs, cli.ms);
  }
  // The steady rate, once the JIT has compiled the code (as in the language server, or a check
  // of many files): a warm-up, then the best of 5, in a fresh process of its own. (In this
  // process the other benchmarks' heap and type feedback would be measured too.)
  const steady = steadyCheck(dir, flowFile);
  const { findingsMs, analyzeMs } = steady;
  if (steady.findings !== 0) throw new Error(`analyzeFindings found ${steady.findings} findings in the flow; the benchmark measures the clean path`);
  const a = analyze(text);
  let segments = 0;
  for (const e of a.model.events) if (e.kind === 'segment') segments++;
  if (a.findings.length !== 0) throw new Error(`the ${segments}-segment flow has ${a.findings.length} findings; the benchmark measures the clean path`);
  const exported = exportSegments(a);

  const file = path.join(dir, 'check-100k.pcap');
  fs.writeFileSync(file, writePcap(exported));
  const tsharkArgs = (f: string) => ['-n', '-r', f, '-o', 'tcp.analyze_sequence_numbers:TRUE', '-T', 'fields', '-e', 'tcp.analysis.flags'];
  const ts = await tsharkTime(tsharkArgs(file));
  // tshark's start-up: the same command on a capture of the handshake alone.
  const tiny = path.join(dir, 'check-3.pcap');
  fs.writeFileSync(tiny, writePcap(exported.slice(0, 3)));
  let tsStart: number | undefined;
  for (let i = 0; i < 3 && ts; i++) {
    const t = await tsharkTime(tsharkArgs(tiny));
    if (t) tsStart = Math.min(tsStart ?? Infinity, t.ms);
  }
  fs.rmSync(file, { force: true });
  fs.rmSync(tiny, { force: true });
  const rate = (m: number) => fmt(segments / (m / 1000)).padStart(11);
  console.log(`flow: ${fmt(segments)} segments, ${(text.length / 1e6).toFixed(1)} MB of text (imported), no findings`);
  console.log(`  analyzeFindings    ${secs(findingsMs).padStart(9)}  ${rate(findingsMs)} segments/s  (what tcpflow check runs: findings only; best of 5 after a warm-up, in a fresh process)`);
  console.log(`  analyze            ${secs(analyzeMs).padStart(9)}  ${rate(analyzeMs)} segments/s  (tree and model too, as the editor; the same way)`);
  console.log(`  tcpflow check      ${secs(cliMs).padStart(9)}  ${rate(cliMs)} segments/s  (a fresh process, JIT cold, best of 3; ${secs(cliProcessMs)} with Node's start-up)`);
  let checkRatio: number | undefined;
  if (ts && tsStart !== undefined) {
    const tsWork = Math.max(1, ts.ms - tsStart);
    checkRatio = tsWork / findingsMs;
    console.log(`  tshark TCP analysis ${secs(ts.ms).padStart(8)}  ${rate(ts.ms)} segments/s  (exported capture, -e tcp.analysis.flags; ${secs(tsStart)} of it is start-up: ${fmt(segments / (tsWork / 1000))} segments/s without it)`);
    console.log(`  ratio, rates without start-up: analyzeFindings ${checkRatio.toFixed(1)}x tshark (aim >= ${AIM_CHECK_RATIO}x: ${checkRatio >= AIM_CHECK_RATIO ? 'met' : 'MISSED'}), analyze ${(tsWork / analyzeMs).toFixed(1)}x`);
    console.log(`  ratio, whole commands: tcpflow check ${(ts.ms / cliProcessMs).toFixed(1)}x tshark (${secs(cliProcessMs)} against ${secs(ts.ms)})`);
  } else console.log('  tshark: not installed, no comparison');
  return { checkSegments: segments, findingsMs, analyzeMs, cliMs, cliProcessMs, tsharkAnalysisMs: ts?.ms, tsharkStartMs: tsStart, checkRatio };
}

/**
 * `analyzeFindings` and `analyze` of a flow file, each warmed up and then the best of 5, the
 * findings-only check first (in a fresh process).
 */
function steadyCheck(dir: string, flowFile: string): { findingsMs: number; analyzeMs: number; findings: number } {
  return inChild(
    dir,
    `const text = require('node:fs').readFileSync(${JSON.stringify(flowFile)}, 'utf8');
let findings = -1;
const findingsMs = best(6, () => (findings = core.analyzeFindings(text).length));
const analyzeMs = best(6, () => core.analyze(text));
result({ findingsMs, analyzeMs, findings });
`,
  );
}

/**
 * Run `body` in a fresh Node process, with `core` (the core bundled as it ships, as
 * bench/shipped.ts bundles it), `best(runs, fn)` and `result(value)` in scope; returns the value.
 */
function inChild<T>(dir: string, body: string): T {
  const core = path.join(dir, 'child-core.cjs');
  if (!fs.existsSync(core)) buildSync({ entryPoints: [path.join(__dirname, 'shipped-entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: core, logLevel: 'warning', legalComments: 'none' });
  const script = path.join(dir, 'child.cjs');
  fs.writeFileSync(
    script,
    `const core = require(${JSON.stringify(core)});
function best(runs, fn) {
  let b = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}
function result(value) {
  process.stdout.write(JSON.stringify(value));
}
${body}`,
  );
  return JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 1 << 26 })) as T;
}

/**
 * Bundle a CLI (src/cli/main.ts under `root`) and a wrapper that runs `main(argv)` and then
 * prints the child's time and peak RSS as one JSON line on stderr.
 */
function bundleCli(root: string, dir: string, name: string): string {
  const cli = path.join(dir, `${name}-cli.cjs`);
  buildSync({ entryPoints: [path.join(root, 'src', 'cli', 'main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'warning', legalComments: 'none' });
  const wrapper = path.join(dir, `${name}-run.cjs`);
  fs.writeFileSync(
    wrapper,
    `const t0 = performance.now();
require(${JSON.stringify(cli)}).main(process.argv.slice(2)).then((code) => {
  const ms = performance.now() - t0;
  process.stderr.write('\\nBENCH-CHILD ' + JSON.stringify({ code, ms, maxRssKb: process.resourceUsage().maxRSS }) + '\\n');
  process.exitCode = code;
});
`,
  );
  return wrapper;
}

async function runCli(wrapper: string, capture: string, out: string, packets: number): Promise<CliRun> {
  const { stderr } = await run(process.execPath, [wrapper, 'import', capture, '-o', out], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /BENCH-CHILD (\{.*\})/.exec(stderr);
  if (!m) throw new Error(`no figures from the child:\n${stderr.slice(-2000)}`);
  const r = JSON.parse(m[1]) as { code: number; ms: number; maxRssKb: number };
  if (r.code !== 0) throw new Error(`tcpflow import exited with ${r.code}:\n${stderr.slice(-2000)}`);
  const hash = createHash('sha256');
  let textBytes = 0;
  for await (const chunk of fs.createReadStream(out, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    textBytes += (chunk as Buffer).length;
  }
  fs.rmSync(out, { force: true });
  return { ms: r.ms, peakRssMb: r.maxRssKb / 1024, packetsPerSecond: packets / (r.ms / 1000), textBytes, sha256: hash.digest('hex') };
}

/** The CLI of the working tree and, with BENCH_BASELINE, of an older revision, on the big capture. */
async function cliBench(dir: string, file: string, packets: number): Promise<{ cli: CliRun; baseline?: CliRun }> {
  const root = path.join(__dirname, '..');
  const show = (label: string, r: CliRun): void =>
    console.log(`  ${label}: ${secs(r.ms)}, ${fmt(r.packetsPerSecond)} packets/s, peak RSS ${r.peakRssMb.toFixed(0)} MB (maxRSS of the child), ${(r.textBytes / 1e6).toFixed(0)} MB of text`);
  const cli = await runCli(bundleCli(root, dir, 'current'), file, path.join(dir, 'big-current.tcpflow'), packets);
  show('tcpflow import -o F (child process)', cli);
  const rev = process.env.BENCH_BASELINE;
  if (!rev) return { cli };
  const old = path.join(dir, 'baseline');
  fs.mkdirSync(old);
  const tar = execFileSync('git', ['-C', root, 'archive', rev, 'src'], { maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', old], { input: tar });
  const baseline = await runCli(bundleCli(old, dir, 'baseline'), file, path.join(dir, 'big-baseline.tcpflow'), packets);
  show(`the same with ${rev}`, baseline);
  console.log(
    `    peak RSS ${baseline.peakRssMb.toFixed(0)} MB -> ${cli.peakRssMb.toFixed(0)} MB, ${fmt(baseline.packetsPerSecond)} -> ${fmt(cli.packetsPerSecond)} packets/s, text ${cli.sha256 === baseline.sha256 ? 'identical' : 'DIFFERENT'}`,
  );
  if (cli.sha256 !== baseline.sha256) throw new Error(`the text differs from ${rev}'s`);
  return { cli, baseline };
}

async function bigBench(dir: string): Promise<ImportBenchResult['big']> {
  const file = path.join(dir, 'big-1g.pcap');
  try {
    // Write ~1 GB in chunks: 1,400-byte data segments (1,470-byte records) each followed by a
    // bare ACK (70 bytes): 770 bytes per packet on average.
    const packets = Math.ceil(BIG_BYTES / 770);
    let t0 = performance.now();
    const fd = fs.openSync(file, 'w');
    let written = 0;
    try {
      for (const chunk of pcapChunks(traffic(packets, 8, 1400))) {
        fs.writeSync(fd, chunk);
        written += chunk.length;
      }
    } finally {
      fs.closeSync(fd);
    }
    const writeMs = ms(t0);
    const mb = (b: number): number => b / 1024 / 1024;
    /** Run `fn` while sampling RSS every 20 ms and whenever `tick` is called; peak and baseline. */
    const watch = async (fn: (tick: () => void) => Promise<void>): Promise<{ ms: number; base: number; peak: number }> => {
      forceGc();
      const base = process.memoryUsage().rss;
      let peak = base;
      const tick = (): void => {
        const r = process.memoryUsage().rss;
        if (r > peak) peak = r;
      };
      const timer = setInterval(tick, 20);
      const t1 = performance.now();
      try {
        await fn(tick);
      } finally {
        clearInterval(timer);
      }
      tick();
      return { ms: ms(t1), base, peak };
    };
    let tcp = 0;
    const reader = await watch(async (tick) => {
      const r = new CaptureReader(() => tcp++);
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
        r.push(chunk as Buffer);
        tick();
      }
      r.end();
    });
    console.log(`big capture: ${(written / 1e9).toFixed(2)} GB, ${fmt(tcp)} packets (written in chunks to ${dir} in ${secs(writeMs)})`);
    console.log(`  streaming reader from a file stream: ${secs(reader.ms)}, ${fmt(tcp / (reader.ms / 1000))} packets/s, ${(written / 1e6 / (reader.ms / 1000)).toFixed(0)} MB/s`);
    console.log(`    RSS before ${mb(reader.base).toFixed(0)} MB, peak ${mb(reader.peak).toFixed(0)} MB (+${mb(reader.peak - reader.base).toFixed(0)} MB)`);
    let segments = 0;
    let textMb = 0;
    const full = await watch(async (tick) => {
      async function* chunks(): AsyncGenerator<Uint8Array> {
        for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
          tick();
          yield chunk as Buffer;
        }
      }
      const r = await importCaptureAsync(chunks());
      segments = r.segments;
      textMb = r.text.length / 1e6;
    });
    console.log(`  importCaptureAsync (whole import: per-segment metadata and the text): ${secs(full.ms)}, ${fmt(segments / (full.ms / 1000))} packets/s`);
    console.log(`    RSS before ${mb(full.base).toFixed(0)} MB, peak ${mb(full.peak).toFixed(0)} MB (+${mb(full.peak - full.base).toFixed(0)} MB for ${fmt(segments)} segments, ${textMb.toFixed(0)} MB of text)`);
    const { cli, baseline } = await cliBench(dir, file, tcp);
    const readMs = reader.ms;
    const peak = reader.peak;
    const baseRss = reader.base;
    return { bytes: written, packets: tcp, ms: readMs, peakRssMb: mb(peak), baseRssMb: mb(baseRss), cli, baseline };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export async function benchImport(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-bench-'));
  try {
    // The big capture first, so that its RSS baseline is not inflated by the other parts.
    let big: ImportBenchResult['big'];
    if (process.env.BENCH_BIG !== '0') big = await bigBench(dir);
    else console.log('big capture: skipped (BENCH_BIG=0)');
    const read = await readBench(dir);
    const check = await checkBench(dir);
    last = { ...read, ...check, big };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchImport().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
