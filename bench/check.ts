/**
 * Check benchmark (issue 15, part 1): the goals of the one compact representation, measured side
 * by side in one run.
 *
 * 1. Whole process: `tcpflow check flow.tcpflow` on a 500,000-segment conversation (the text
 *    `importCapture` writes for one connection of 100-byte data segments each acknowledged, as
 *    bench/import.ts makes it), the CLI bundled and minified as `npm pack` ships it and started
 *    through a launcher like bin/tcpflow.js; wall time of the child process, best of 3. Against
 *    tshark's TCP analysis of the same capture (`-o tcp.analyze_sequence_numbers:TRUE -T fields
 *    -e tcp.analysis.flags`), best of 2. Aim: tshark's time / ours >= 10. The CPU time (user plus
 *    system, from /usr/bin/time) of both is printed beside the wall time, and its ratio: on a
 *    busy machine the wall time is mostly waiting for a core.
 * 2. In process, steady (a fresh process, warm-up, best of 6): `analyzeFindings` (what `check`
 *    runs) and `analyze` (findings, tree and model: what the language server runs) of a
 *    100,000-segment flow of the same kind. Aims: analyzeFindings >= 2,000,000 segments/s;
 *    analyze as fast as analyzeFindings (ratio printed). Beside them, `analyze` and then every
 *    segment event's views read as the editor's outline, inlay hints and hover read them ("+
 *    model read"): the model of predicted segments is made when first read, so this is its
 *    whole cost.
 * 3. Editing: `analyze(text, { previous })` after typing into a comment in the middle of a
 *    2,000- and a 50,000-segment flow (bench/server.ts's document), the core's part of the
 *    language server's didChange -> publishDiagnostics; p50 and p95 of the CPU time of 60 edits
 *    (30 at 50,000) after 5 warm-up edits, in a fresh process; and the same with the whole
 *    model read after each edit. (bench/server.ts measures the whole round trip over LSP, one
 *    build at a time.)
 * 4. Start-up: the time `require()` of the minified CLI bundle takes in a fresh process (best of
 *    10), and Node's own start-up (`node -e 0`) beside it. Aim: the bundle loads in < 60 ms.
 *
 * `BENCH_BASELINE=<git revision>` also builds that revision's CLI and core (`git archive`) and
 * measures them in the same rounds, interleaved with the working tree's, for a before/after
 * ratio on a busy machine. `BENCH_SEGMENTS=N` changes the whole-process size.
 *
 * Figures are printed, never asserted (the flows must check clean: a finding is an error).
 * Run alone with `node --import tsx bench/check.ts`; `bench/run.ts` calls `benchCheck()`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { connection } from './import';
import { importCapture, writePcap } from './shipped';

const run = promisify(execFile);
const TSHARK = '/usr/bin/tshark';
const ROOT = path.resolve(__dirname, '..');
export const AIM_TSHARK_RATIO = 10;
export const AIM_SEGMENTS_PER_SECOND = 2_000_000;
export const AIM_LOAD_MS = 60;

const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

interface Build {
  name: string;
  /** A launcher that requires the minified CLI bundle, as bin/tcpflow.js does. */
  launcher: string;
  cli: string;
  /** The core bundled as bench/shipped.ts bundles it. */
  core: string;
}

function build(root: string, dir: string, name: string): Build {
  const out = path.join(dir, name);
  fs.mkdirSync(out, { recursive: true });
  const cli = path.join(out, 'cli.js');
  buildSync({ entryPoints: [path.join(root, 'src', 'cli', 'main.ts')], bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'error', legalComments: 'none' });
  const launcher = path.join(out, 'tcpflow.js');
  fs.writeFileSync(launcher, `'use strict';\nrequire(${JSON.stringify(cli)}).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n`);
  const core = path.join(out, 'core.cjs');
  buildSync({ entryPoints: [path.join(root, 'bench', 'shipped-entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: core, logLevel: 'error', legalComments: 'none' });
  return { name, launcher, cli, core };
}

const TIME = '/usr/bin/time';

/**
 * Run a command: its wall time, and (with /usr/bin/time) the CPU time it used, user plus system,
 * which a busy machine disturbs much less than the wall time.
 */
async function wall(cmd: string, args: string[]): Promise<{ ms: number; cpuMs: number; stdout: string }> {
  const timed = fs.existsSync(TIME);
  const t0 = performance.now();
  const { stdout, stderr } = await run(timed ? TIME : cmd, timed ? ['-f', 'BENCH-CPU %U %S', cmd, ...args] : args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  const m = /BENCH-CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  return { ms, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, stdout };
}

/** `fn` in a fresh process with `core` loaded; prints JSON. */
function child<T>(dir: string, core: string, body: string): T {
  const script = path.join(dir, `child-${process.pid}-${Math.random().toString(36).slice(2)}.cjs`);
  fs.writeFileSync(
    script,
    `const core = require(${JSON.stringify(core)});
function best(runs, fn) { let b = Infinity; for (let i = 0; i < runs; i++) { const t0 = performance.now(); fn(); b = Math.min(b, performance.now() - t0); } return b; }
// What the editor's views read of every segment (outline, inlay hints, hover): both TCBs after it, its numbers' text.
function readModel(a) { let n = 0; for (const ev of a.model.events) { if (ev.kind !== 'segment') continue; const d = ev.deliveries; n += ev.send.after.state.length + (d.length ? d[d.length - 1].after.state.length : 0) + (ev.seq ? ev.seq.text.length : 0) + (ev.ack ? ev.ack.text.length : 0); } return n; }
${body}`,
  );
  try {
    return JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 1 << 26 })) as T;
  } finally {
    fs.rmSync(script, { force: true });
  }
}

interface Row {
  name: string;
  processMs: number;
  processCpuMs: number;
  findingsMs: number;
  analyzeMs: number;
  /** `analyze` and then every segment event's views read (the model made in full). */
  modelMs: number;
  loadMs: number;
  /** p50/p95 CPU ms of a resumed analysis after an edit, by document size; then with the whole model read after it. */
  edit: Record<number, [number, number, number, number]>;
}

const EDIT_SIZES = [2000, 50000];

/** The child's part for the editing figures: resumed analyses after edits in a comment. */
const EDIT_BODY = `
function flow(segments) {
  const out = ['client C 10.0.0.2:5000', 'server S 10.0.0.1:80', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001'];
  let cs = 1001;
  for (let i = 3; i < segments; i += 2) { out.push('C -> S PSH ACK seq=' + cs + ' ack=5001 len=10  # chunk ' + i); cs += 10; if (i + 1 < segments) out.push('S -> C ACK seq=5001 ack=' + cs); }
  return out.join('\\n') + '\\n';
}
const edit = {};
for (const n of ${JSON.stringify(EDIT_SIZES)}) {
  let text = flow(n);
  const mid = text.indexOf('# chunk', text.length >> 1);
  let a = core.analyze(text);
  readModel(a);
  const cpu = [];
  const read = [];
  for (let i = 0; i < (n > 10000 ? 35 : 65); i++) {
    const at = text.indexOf('\\n', mid);
    const next = i % 2 === 0 ? text.slice(0, at) + 'x' + text.slice(at) : text.slice(0, at - 1) + text.slice(at);
    const c0 = process.cpuUsage();
    a = core.analyze(next, { previous: a });
    const c = process.cpuUsage(c0);
    readModel(a);
    const r = process.cpuUsage(c0);
    if (a.findings.length !== 0) throw new Error('findings in the edited flow');
    if (i >= 5) {
      cpu.push((c.user + c.system) / 1000);
      read.push((r.user + r.system) / 1000);
    }
    text = next;
  }
  const p = (xs, q) => xs.sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
  edit[n] = [p(cpu, 0.5), p(cpu, 0.95), p(read, 0.5), p(read, 0.95)];
}
`;

export async function benchCheck(): Promise<void> {
  const segmentsBig = Number(process.env.BENCH_SEGMENTS ?? 500_000);
  const segmentsSteady = 100_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-bench-check-'));
  try {
    const builds = [build(ROOT, dir, 'current')];
    const rev = process.env.BENCH_BASELINE;
    if (rev) {
      const old = path.join(dir, 'baseline-src');
      fs.mkdirSync(old);
      const tar = execFileSync('git', ['-C', ROOT, 'archive', rev, 'src', 'bench/shipped-entry.ts'], { maxBuffer: 1 << 28 });
      execFileSync('tar', ['-x', '-C', old], { input: tar });
      builds.push(build(old, dir, rev));
    }

    const capture = writePcap([...connection(3, segmentsBig, 100, 0)]);
    const captureFile = path.join(dir, 'big.pcap');
    fs.writeFileSync(captureFile, capture);
    const flowFile = path.join(dir, 'big.tcpflow');
    const bigText = importCapture(capture).text;
    fs.writeFileSync(flowFile, bigText);
    const steadyFile = path.join(dir, 'steady.tcpflow');
    fs.writeFileSync(steadyFile, importCapture(writePcap([...connection(3, segmentsSteady, 100, 0)])).text);
    const count = (t: string): number => t.split('\n').filter((l) => / -> /.test(l)).length;
    const bigSegments = count(bigText);
    const steadySegments = count(fs.readFileSync(steadyFile, 'utf8'));
    console.log(`check: ${fmt(bigSegments)}-segment flow (${(bigText.length / 1e6).toFixed(1)} MB) for the whole process, ${fmt(steadySegments)} segments in process; load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} CPU(s), Node ${process.version}`);

    const rows = new Map<string, Row>(builds.map((b) => [b.name, { name: b.name, processMs: Infinity, processCpuMs: Infinity, findingsMs: Infinity, analyzeMs: Infinity, modelMs: Infinity, loadMs: Infinity, edit: {} }]));
    let nodeMs = Infinity;
    // Rounds interleave the builds, so that a busy spell of the machine hits both.
    for (let round = 0; round < 3; round++) {
      for (const b of builds) {
        const row = rows.get(b.name)!;
        const r = await wall(process.execPath, [b.launcher, 'check', flowFile]);
        if (r.stdout.trim() !== '') throw new Error(`${b.name}: tcpflow check reported findings:\n${r.stdout.slice(0, 2000)}`);
        row.processMs = Math.min(row.processMs, r.ms);
        row.processCpuMs = Math.min(row.processCpuMs, r.cpuMs);
        const steady = child<{ findingsMs: number; analyzeMs: number; modelMs: number; n: number; m: number; edit: Record<number, [number, number, number, number]> }>(
          dir,
          b.core,
          `const text = require('node:fs').readFileSync(${JSON.stringify(steadyFile)}, 'utf8');
let n = -1, m = -1;
const findingsMs = best(6, () => (n = core.analyzeFindings(text).length));
const analyzeMs = best(6, () => (m = core.analyze(text).findings.length));
const modelMs = best(3, () => readModel(core.analyze(text)));
${round === 0 ? EDIT_BODY : 'const edit = {};'}
process.stdout.write(JSON.stringify({ findingsMs, analyzeMs, modelMs, n, m, edit }));`,
        );
        if (steady.n !== 0 || steady.m !== 0) throw new Error(`${b.name}: the steady flow has findings (${steady.n}, ${steady.m})`);
        row.findingsMs = Math.min(row.findingsMs, steady.findingsMs);
        row.analyzeMs = Math.min(row.analyzeMs, steady.analyzeMs);
        row.modelMs = Math.min(row.modelMs, steady.modelMs);
        if (round === 0) row.edit = steady.edit;
        for (let i = 0; i < 4; i++) {
          const out = execFileSync(process.execPath, ['-e', `const t0 = performance.now(); require(${JSON.stringify(b.cli)}); process.stdout.write(String(performance.now() - t0));`], { encoding: 'utf8' });
          row.loadMs = Math.min(row.loadMs, Number(out));
        }
      }
      for (let i = 0; i < 3; i++) nodeMs = Math.min(nodeMs, (await wall(process.execPath, ['-e', '0'])).ms);
    }

    let tsharkMs: number | undefined;
    let tsharkCpuMs: number | undefined;
    if (fs.existsSync(TSHARK)) {
      const args = ['-n', '-r', captureFile, '-o', 'tcp.analyze_sequence_numbers:TRUE', '-T', 'fields', '-e', 'tcp.analysis.flags'];
      for (let i = 0; i < 2; i++) {
        const t = await wall(TSHARK, args);
        tsharkMs = Math.min(tsharkMs ?? Infinity, t.ms);
        tsharkCpuMs = Math.min(tsharkCpuMs ?? Infinity, t.cpuMs);
      }
    }

    const head = ['build', 'check process', 'x tshark', 'CPU', 'x tshark CPU', 'analyzeFindings', 'segments/s', 'analyze', 'segments/s', 'analyze/findings', '+ model read', 'bundle load'];
    const table = [...rows.values()].map((r) => [
      r.name,
      secs(r.processMs),
      tsharkMs ? `${(tsharkMs / r.processMs).toFixed(1)}x` : 'n/a',
      secs(r.processCpuMs),
      tsharkCpuMs ? `${(tsharkCpuMs / r.processCpuMs).toFixed(1)}x` : 'n/a',
      `${r.findingsMs.toFixed(0)} ms`,
      fmt(steadySegments / (r.findingsMs / 1000)),
      `${r.analyzeMs.toFixed(0)} ms`,
      fmt(steadySegments / (r.analyzeMs / 1000)),
      (r.analyzeMs / r.findingsMs).toFixed(2),
      `${r.modelMs.toFixed(0)} ms`,
      `${r.loadMs.toFixed(1)} ms`,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
    const line = (cells: string[]): string => '  ' + cells.map((c, i) => c.padStart(widths[i])).join('  ');
    console.log(line(head));
    for (const t of table) console.log(line(t));
    for (const n of EDIT_SIZES) {
      console.log(`  edit in a ${fmt(n)}-segment flow, analyze with previous (CPU ms): ${[...rows.values()].map((r) => `${r.name} p50 ${r.edit[n][0].toFixed(1)}, p95 ${r.edit[n][1].toFixed(1)}`).join('; ')}`);
      console.log(`    and then the whole model read (CPU ms): ${[...rows.values()].map((r) => `${r.name} p50 ${r.edit[n][2].toFixed(1)}, p95 ${r.edit[n][3].toFixed(1)}`).join('; ')}`);
    }
    console.log(`  tshark TCP analysis of the same capture: ${tsharkMs ? `${secs(tsharkMs)} (CPU ${secs(tsharkCpuMs!)})` : 'not installed'}; node -e 0: ${nodeMs.toFixed(0)} ms`);
    const cur = rows.get('current')!;
    console.log(
      `  aims: check process >= ${AIM_TSHARK_RATIO}x tshark: ${tsharkMs ? (tsharkMs / cur.processMs >= AIM_TSHARK_RATIO ? 'met' : 'MISSED') : 'n/a'}; analyzeFindings >= ${fmt(AIM_SEGMENTS_PER_SECOND)}/s: ${steadySegments / (cur.findingsMs / 1000) >= AIM_SEGMENTS_PER_SECOND ? 'met' : 'MISSED'}; analyze/findings ≈ 1: ${cur.analyzeMs / cur.findingsMs <= 1.15 ? 'met' : 'MISSED'}; bundle load < ${AIM_LOAD_MS} ms: ${cur.loadMs < AIM_LOAD_MS ? 'met' : 'MISSED'}`,
    );
    if (rev) {
      const old = rows.get(rev)!;
      console.log(
        `  ${rev} -> working tree: check process ${(old.processMs / cur.processMs).toFixed(2)}x (CPU ${(old.processCpuMs / cur.processCpuMs).toFixed(2)}x), analyzeFindings ${(old.findingsMs / cur.findingsMs).toFixed(2)}x, analyze ${(old.analyzeMs / cur.analyzeMs).toFixed(2)}x, bundle load ${(old.loadMs / cur.loadMs).toFixed(2)}x faster`,
      );
    }
    console.log('  (best of 3 processes / of 6 runs after a warm-up in a fresh process / of 12 loads; the builds interleaved round by round)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchCheck().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
