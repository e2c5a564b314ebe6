/**
 * Never lose data: `-o` of render, import and export never replaces the input, replaces an
 * existing file only with --force, leaves the old file when the run fails or is interrupted, and
 * reports file-system errors in one line (exit 2), never as an internal error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const CAPTURE = path.join(ROOT, 'test', 'oracle', 'fixtures');
const FLOW = 'client C\nserver S\nC -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x+1\nC -> S ACK seq=x+1 ack=y+1\n';

let dir: string;

const run = (...argv: string[]): ReturnType<typeof runCli> => runCli(dir, argv);

const read = (f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');
const leftovers = (): string[] => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

function someCapture(): string {
  const f = fs.readdirSync(CAPTURE).find((n) => /\.pcapng?$/.test(n));
  assert.ok(f, 'a capture fixture');
  return path.join(CAPTURE, f);
}

describe('-o never loses data', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-out-'));
    fs.writeFileSync(path.join(dir, 'f.tcpflow'), FLOW);
    fs.copyFileSync(someCapture(), path.join(dir, 'x.pcapng'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('render -o onto its own input is refused, even with --force, and the source is kept', async () => {
    for (const extra of [[], ['--force']]) {
      const r = await run('render', 'f.tcpflow', '-o', 'f.tcpflow', ...extra);
      assert.equal(r.code, 2);
      assert.match(r.err, /^tcpflow: cannot write f\.tcpflow: it is the input file/);
      assert.equal(read('f.tcpflow'), FLOW);
    }
  });

  it('import x.pcapng -o x.pcapng keeps the capture', async () => {
    const before = fs.readFileSync(path.join(dir, 'x.pcapng'));
    const r = await run('import', 'x.pcapng', '-o', 'x.pcapng', '--force');
    assert.equal(r.code, 2);
    assert.match(r.err, /it is the input file/);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'x.pcapng')), before);
  });

  it('an existing output is kept unless --force', async () => {
    fs.writeFileSync(path.join(dir, 'out.mmd'), 'precious');
    const r = await run('render', 'f.tcpflow', '-o', 'out.mmd');
    assert.equal(r.code, 2);
    assert.match(r.err, /^tcpflow: out\.mmd exists; add --force to replace it/);
    assert.equal(read('out.mmd'), 'precious');
    assert.equal((await run('render', 'f.tcpflow', '-o', 'out.mmd', '--force')).code, 0);
    assert.match(read('out.mmd'), /^sequenceDiagram/);
    fs.writeFileSync(path.join(dir, 'out.tcpflow'), 'precious');
    assert.equal((await run('import', 'x.pcapng', '-o', 'out.tcpflow')).code, 2);
    assert.equal(read('out.tcpflow'), 'precious');
    assert.equal((await run('import', 'x.pcapng', '-o', 'out.tcpflow', '--force')).code, 0);
    assert.match(read('out.tcpflow'), /^(#|client|server|endpoint)/m);
    fs.writeFileSync(path.join(dir, 'out.pcap'), 'precious');
    assert.equal((await run('export', 'f.tcpflow', '-o', 'out.pcap')).code, 2);
    assert.equal(read('out.pcap'), 'precious');
    assert.deepEqual(leftovers(), []);
  });

  it('check reports 130,000 findings of one file without overflowing the stack', async () => {
    fs.writeFileSync(path.join(dir, 'many.tcpflow'), 'client C\n'.repeat(130_000));
    const r = await run('check', 'many.tcpflow', '--format', 'json');
    assert.equal(r.code, 1, r.err);
    assert.equal((JSON.parse(r.out) as unknown[]).length, 129_999, 'every duplicate declaration reported');
  });

  it('file-system errors are one clear line and exit 2', async () => {
    const missing = await run('render', 'f.tcpflow', '-o', 'no/such/dir/out.mmd');
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'tcpflow: cannot write no/such/dir/out.mmd: no such folder\n');
    fs.mkdirSync(path.join(dir, 'adir'));
    const folder = await run('export', 'f.tcpflow', '-o', 'adir');
    assert.equal(folder.code, 2);
    assert.equal(folder.err.split('\n').filter(Boolean).pop(), 'tcpflow: cannot write adir: it is a folder');
    const imp = await run('import', 'x.pcapng', '-o', 'no/where.tcpflow');
    assert.equal(imp.err, 'tcpflow: cannot write no/where.tcpflow: no such folder\n');
    for (const r of [missing, folder, imp]) assert.doesNotMatch(r.err, /internal error|at .*\.ts/);
  });

  it('a run interrupted with Ctrl-C while writing leaves the old file in place and no temporary file', async () => {
    fs.writeFileSync(path.join(dir, 'old.tcpflow'), 'the old flow\n');
    // A process that writes half of its output and is then interrupted, as Ctrl-C does.
    const script = [
      `const { OutputFile } = require(${JSON.stringify(path.join(ROOT, 'src', 'cli', 'output.ts'))});`,
      "const out = OutputFile.open('old.tcpflow', process.cwd(), [], true);",
      "out.write('client C\\n');",
      "process.stdout.write(require('node:fs').readdirSync('.').filter((f) => f.endsWith('.tmp')).join(',') + '\\n');",
      "process.kill(process.pid, 'SIGINT');",
      'setTimeout(() => {}, 10000);',
    ].join('\n');
    // tsx from this repository (the child runs in a folder outside it).
    const tsx = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;
    const child = spawn(process.execPath, ['--import', tsx, '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.match(stdout, /^\.old\.tcpflow\.\d+\.tmp$/m, 'the text went to a temporary file beside the target');
    assert.equal(code, 130);
    assert.equal(read('old.tcpflow'), 'the old flow\n');
    assert.deepEqual(leftovers(), []);
  });
});
