/**
 * `tcpflow render --materialize`: notes rewritten in place with a generated ```mermaid block
 * under each ```tcpflow block, `--check` for CI, and `check` not reporting a generated block's
 * findings a second time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers';
import { MATERIALIZE_BEGIN } from '../src/core/materialize';

const WRONG = '# 握手\n\n```tcpflow\nclient C\nserver S\nC -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x\n```\n\n正文。\n';
const PLAIN = '# 没有流程\n\n```mermaid\nsequenceDiagram\nA->>B: hello\n```\n';

let dir: string;

const run = (...argv: string[]): ReturnType<typeof runCli> => runCli(dir, argv);

describe('render --materialize', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-mat-'));
    fs.mkdirSync(path.join(dir, 'notes', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'notes', 'a.md'), WRONG);
    fs.writeFileSync(path.join(dir, 'notes', 'deep', 'b.md'), WRONG.replace('ack=x\n', 'ack=x+1\n'));
    fs.writeFileSync(path.join(dir, 'notes', 'plain.md'), PLAIN);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--check reports the notes whose diagrams are missing and exits 1, writing nothing', async () => {
    const r = await run('render', '--materialize', '--check', 'notes/**/*.md');
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^notes\/a\.md: 1 generated diagram\(s\) missing or out of date$/m);
    assert.match(r.out, /^notes\/deep\/b\.md: /m);
    assert.doesNotMatch(r.out, /plain\.md/);
    assert.equal(fs.readFileSync(path.join(dir, 'notes', 'a.md'), 'utf8'), WRONG);
  });

  it('writes the diagrams, keeps every other byte, and a second run changes nothing', async () => {
    const r = await run('render', '--materialize', 'notes');
    assert.equal(r.code, 0, r.err);
    const a = fs.readFileSync(path.join(dir, 'notes', 'a.md'), 'utf8');
    assert.ok(a.startsWith(WRONG.slice(0, WRONG.indexOf('\n正文'))));
    assert.ok(a.includes(MATERIALIZE_BEGIN));
    assert.ok(a.endsWith('<!-- tcpflow:end -->\n\n正文。\n'));
    assert.equal(fs.readFileSync(path.join(dir, 'notes', 'plain.md'), 'utf8'), PLAIN);
    const again = await run('render', '--materialize', 'notes');
    assert.equal(again.code, 0);
    assert.equal(again.out, '');
    assert.equal(fs.readFileSync(path.join(dir, 'notes', 'a.md'), 'utf8'), a);
    const check = await run('render', '--materialize', '--check', 'notes');
    assert.equal(check.code, 0, check.out);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'notes')).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
  });

  it('check reports a block once, not again in its generated diagram', async () => {
    const r = await run('check', 'notes/a.md', '--format', 'json');
    assert.equal(r.code, 1);
    const findings = JSON.parse(r.out) as { code: string; line: number }[];
    assert.deepEqual(findings.map((f) => `${f.code}@${f.line}`), ['TF3001@7']);
  });

  it('a changed flow makes the note stale until it is materialized again', async () => {
    const file = path.join(dir, 'notes', 'a.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('ack=x\n', 'ack=x+1\n'));
    assert.equal((await run('render', '--materialize', '--check', 'notes/a.md')).code, 1);
    assert.equal((await run('render', '--materialize', 'notes/a.md')).code, 0);
    assert.equal((await run('render', '--materialize', '--check', 'notes/a.md')).code, 0);
  });

  it('refuses -o, --check without --materialize, and inputs with no notes (exit 2)', async () => {
    assert.equal((await run('render', '--materialize', 'notes', '-o', 'x.md')).code, 2);
    assert.equal((await run('render', '--check', 'notes/a.md')).code, 2);
    fs.writeFileSync(path.join(dir, 'only.tcpflow'), 'client C\n');
    assert.equal((await run('render', '--materialize', 'only.tcpflow')).code, 2);
    assert.equal((await run('render', '--materialize', 'missing/*.md')).code, 2);
  });
});
