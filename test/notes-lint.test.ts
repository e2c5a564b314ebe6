/**
 * tcpflow where note repositories already lint: a real `markdownlint-cli2` run (from npm) with
 * the `tcpflow/markdownlint` custom rule over a folder of notes, its `--fix`, and the
 * `.pre-commit-hooks.yaml` hook run the way pre-commit runs it (the entry, then the staged files
 * its `files` pattern matches). Needs the bundles of `npm run build`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const CLI2 = path.join(ROOT, 'node_modules', 'markdownlint-cli2', 'markdownlint-cli2-bin.mjs');

const WRONG = ['# 三次握手', '', '第二次握手的确认号写错了：', '', '```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x', '```', ''].join('\n');
const RIGHT = ['# 三次握手', '', '```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x+1 ack=y+1', '```', ''].join('\n');
const WARNING_ONLY = ['# RST', '', '```tcpflow', 'endpoint C ESTABLISHED', 'server S', 'C -> S ACK seq=100 ack=200', '```', ''].join('\n');
const OTHER_CODE = ['# code', '', '```js', 'const ack = x;', '```', ''].join('\n');

let dir: string;

function notes(files: Record<string, string>, config: object): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  // The notes repository has tcpflow installed: node_modules/tcpflow is this package.
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'tcpflow'), 'dir');
  fs.writeFileSync(path.join(dir, '.markdownlint-cli2.jsonc'), JSON.stringify(config, null, 2));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

function cli2(...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI2, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const CONFIG = { customRules: ['tcpflow/markdownlint'], config: { default: false, tcpflow: true } };

describe('markdownlint-cli2 with the tcpflow rule', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-mdl-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports a wrong ack in a note at its line and column with code, message, rule, and exits 1', () => {
    notes({ 'notes/handshake.md': WRONG, 'notes/ok.md': RIGHT, 'notes/code.md': OTHER_CODE }, CONFIG);
    const r = cli2('notes/**/*.md');
    assert.equal(r.code, 1, r.out);
    const lines = r.out.split('\n').filter((l) => l.includes(' tcpflow '));
    assert.equal(lines.length, 1, r.out);
    // Line 9 of the note, column 26: the `x` of ack=x.
    assert.match(lines[0], /^notes\/handshake\.md:9:26 error tcpflow .*TF3001 ack should be x\+1: C's SYN at line 8 takes one sequence number \(RFC 9293 §3\.4\)/);
  });

  it('exits 0 on correct notes and on notes without tcpflow blocks', () => {
    notes({ 'ok.md': RIGHT, 'code.md': OTHER_CODE }, CONFIG);
    const r = cli2('*.md');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Summary: 0 issues/);
  });

  it('speaks Chinese with lang zh-cn and leaves warnings out with warnings: false', () => {
    notes({ 'a.md': WRONG, 'b.md': WARNING_ONLY }, { customRules: ['tcpflow/markdownlint'], config: { default: false, tcpflow: { lang: 'zh-cn' } } });
    const zh = cli2('*.md');
    assert.equal(zh.code, 1, zh.out);
    assert.match(zh.out, /a\.md:9:26 .*TF3001 ack 应为 x\+1/);
    assert.match(zh.out, /b\.md:6:\d+ .*TF2002 /, 'the warning is reported by default');
    notes({ 'a.md': WRONG, 'b.md': WARNING_ONLY }, { customRules: ['tcpflow/markdownlint'], config: { default: false, tcpflow: { warnings: false } } });
    const errorsOnly = cli2('*.md');
    assert.doesNotMatch(errorsOnly.out, /TF2002/);
    assert.match(errorsOnly.out, /TF3001/);
  });

  it('--fix applies the checker fix in the note, and the note is then clean', () => {
    notes({ 'a.md': WRONG }, CONFIG);
    const fixed = cli2('--fix', '*.md');
    assert.equal(fixed.code, 0, fixed.out);
    assert.equal(fs.readFileSync(path.join(dir, 'a.md'), 'utf8'), WRONG.replace('ack=x\n', 'ack=x+1\n'));
  });

  it('keeps its place beside the built-in rules', () => {
    notes({ 'a.md': WRONG.replace('# 三次握手', '#三次握手') }, { customRules: ['tcpflow/markdownlint'] });
    const r = cli2('*.md');
    assert.equal(r.code, 1);
    assert.match(r.out, /MD018/, 'a built-in rule still reports');
    assert.match(r.out, /TF3001/);
  });
});

describe('pre-commit hook', () => {
  const hooks = fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
  const field = (name: string): string => {
    const m = new RegExp(`^\\s+${name}: (.*)$`, 'm').exec(hooks);
    assert.ok(m, `hook field ${name}`);
    return m[1].trim();
  };

  it('declares tcpflow-check as a node hook for notes and flows', () => {
    assert.match(hooks, /^- id: tcpflow-check$/m);
    assert.equal(field('language'), 'node');
    assert.equal(field('entry'), 'tcpflow check');
    const files = new RegExp(field('files'));
    for (const f of ['a.md', 'notes/b.markdown', 'x.tcpflow']) assert.ok(files.test(f), f);
    for (const f of ['a.txt', 'x.tcpflow.bak', 'md']) assert.ok(!files.test(f), f);
  });

  it('runs as pre-commit runs it: the entry with the staged files that match, failing on an error', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-hook-'));
    try {
      fs.writeFileSync(path.join(tmp, 'wrong.md'), WRONG);
      fs.writeFileSync(path.join(tmp, 'right.md'), RIGHT);
      fs.writeFileSync(path.join(tmp, 'readme.txt'), 'not checked');
      const files = new RegExp(field('files'));
      const staged = ['wrong.md', 'right.md', 'readme.txt'].filter((f) => files.test(f));
      assert.deepEqual(staged, ['wrong.md', 'right.md']);
      // `tcpflow` on PATH is this package's bin, as pre-commit's node environment installs it.
      const [command, ...args] = field('entry').split(' ');
      assert.equal(command, 'tcpflow');
      const bin = path.join(ROOT, 'bin', 'tcpflow.js');
      const fail = spawnSync(process.execPath, [bin, ...args, ...staged], { cwd: tmp, encoding: 'utf8' });
      assert.equal(fail.status, 1, fail.stderr);
      assert.match(fail.stdout, /^wrong\.md:9:26 error TF3001 /m);
      const pass = spawnSync(process.execPath, [bin, ...args, 'right.md'], { cwd: tmp, encoding: 'utf8' });
      assert.equal(pass.status, 0, pass.stdout + pass.stderr);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the npm package a hook or a notes repository installs holds the CLI and the rule', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    for (const f of ['bin/tcpflow.js', 'dist/cli.js', 'dist/markdownlint-rule-tcpflow.cjs', '.pre-commit-hooks.yaml', 'docs/findings.md', 'package.json']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/')), files.join(', '));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    assert.equal(pkg.exports['./markdownlint'], './dist/markdownlint-rule-tcpflow.cjs');
  });
});
