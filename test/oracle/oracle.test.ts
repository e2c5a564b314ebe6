/**
 * The Linux kernel as the oracle (docs/oracle.md): every capture in test/oracle/fixtures is a
 * real conversation, so it must import, check with no error and no warning, and end in the
 * states `ss -tan` showed. Where the project disagrees with the kernel today, pending.json says
 * why, and lists the disagreements exactly: the test fails when they change, and when a pending
 * fixture starts to agree (then remove its entry).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, analyzeFindings } from '../../src/core/index';
import { importCapture } from '../../src/core/import/capture';
import { readCapture } from '../../src/core/import/pcap';
import { compareFixture, FIXTURES, loadExpectation, SS_TO_MODEL } from './compare';

interface Pending {
  /** Why the kernel is right and where the project goes wrong (flow lines, findings, RFC sections). */
  reason: string;
  /** The disagreements as compareFixture signs them, in its order. */
  disagreements: string[];
}

const pending = JSON.parse(readFileSync(join(__dirname, 'pending.json'), 'utf8')) as Record<string, Pending>;
const names = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.pcapng'))
  .map((f) => f.slice(0, -'.pcapng'.length))
  .sort();

test('the fixture set is whole and small', () => {
  assert.ok(names.length >= 12, `only ${names.length} fixtures`);
  let bytes = 0;
  for (const f of readdirSync(FIXTURES)) bytes += readFileSync(join(FIXTURES, f)).length;
  assert.ok(bytes < 1 << 20, `fixtures take ${bytes} bytes`);
  for (const n of names) {
    const e = loadExpectation(n);
    assert.equal(e.scenario, n);
    assert.ok(e.snapshots.length >= 1 && e.snapshots[e.snapshots.length - 1].label === 'end', `${n}: the last snapshot is "end"`);
    assert.ok(!e.snapshots[e.snapshots.length - 1].unseen, `${n}: the end states are always compared`);
    for (const s of e.snapshots) for (const k of s.sockets) assert.ok(k.state in SS_TO_MODEL, `${n}: ss state ${k.state} has no model state`);
  }
  for (const p of Object.keys(pending)) assert.ok(names.includes(p), `pending.json names ${p}, which is no fixture`);
});

test('ss snapshots and packets share one clock: every snapshot falls within its capture', () => {
  for (const n of names) {
    const { packets } = readCapture(new Uint8Array(readFileSync(join(FIXTURES, `${n}.pcapng`))));
    assert.ok(packets.length > 0, n);
    const first = packets[0].sec + packets[0].nsec / 1e9;
    const last = packets[packets.length - 1].sec + packets[packets.length - 1].nsec / 1e9;
    // The capture starts before the scenario and stops 0.3 s after its last snapshot.
    for (const s of loadExpectation(n).snapshots) assert.ok(s.time >= first - 1 && s.time <= last + 10, `${n}: snapshot "${s.label}" at ${s.time}, capture ${first}..${last}`);
  }
});

test('analyzeFindings gives analyze\'s findings on every kernel capture', () => {
  for (const n of names) {
    const text = importCapture(new Uint8Array(readFileSync(join(FIXTURES, `${n}.pcapng`)))).text;
    const sign = (f: { code: string; start: number; end: number; message: string }) => `${f.code} ${f.start}-${f.end} ${f.message}`;
    assert.deepEqual(analyzeFindings(text).map(sign), analyze(text).findings.map(sign), n);
  }
});

for (const name of names) {
  test(`kernel oracle: ${name}`, () => {
    const o = compareFixture(name);
    const p = pending[name];
    // (Only a pending fixture the importer says it cannot write as a flow compares no endpoint.)
    assert.ok(o.rows.length > 0 || (p && o.disagreements.some((d) => d.startsWith('import: '))), `${name}: no endpoint compared`);
    const shown = `${o.expectation.title}\n${o.details.join('\n')}`;
    if (!p) {
      assert.deepEqual(o.disagreements, [], `${name} disagrees with the kernel:\n${shown}`);
      return;
    }
    assert.notEqual(o.disagreements.length, 0, `${name} now agrees with the kernel: remove it from test/oracle/pending.json`);
    assert.deepEqual(o.disagreements, p.disagreements, `${name}: the disagreements changed; update test/oracle/pending.json if this is progress:\n${shown}`);
  });
}

test('the comparison fails on a state the model does not reach and on a socket it lacks', () => {
  const e = loadExpectation('half-close');
  const end = e.snapshots[e.snapshots.length - 1];
  const tw = end.sockets.find((s) => s.state === 'TIME-WAIT');
  assert.ok(tw, 'half-close ends with the client in TIME-WAIT');
  assert.deepEqual(compareFixture('half-close', e).disagreements, []);
  const wrong = structuredClone(e);
  const last = wrong.snapshots[wrong.snapshots.length - 1];
  last.sockets = last.sockets.map((s) => ({ ...s, state: s.state === 'TIME-WAIT' ? 'CLOSE-WAIT' : s.state }));
  last.sockets.push({ state: 'ESTAB', local: '127.0.0.1:1', peer: '127.0.0.1:2' });
  const o = compareFixture('half-close', wrong);
  assert.deepEqual(o.disagreements, [`state end C: ss CLOSE-WAIT, model TIME_WAIT`, 'socket 127.0.0.1:1 127.0.0.1:2 not in the model']);
  // A server socket that is gone while its listener is also gone must be CLOSED, not LISTEN.
  const gone = structuredClone(e);
  for (const s of gone.snapshots) s.listening = false;
  assert.ok(compareFixture('half-close', gone).rows.every((r) => r.expected !== 'CLOSED or LISTEN'));
});

test('the comparison fails on a capture the importer cannot read whole', () => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'half-close.pcapng')));
  // Cut inside the fourth packet: the importer warns about the truncated record.
  const { packets } = readCapture(bytes);
  const cut = bytes.slice(0, packets[3].offset + 30);
  const o = compareFixture('half-close', loadExpectation('half-close'), cut);
  assert.ok(o.disagreements.some((d) => d.startsWith('import: ')), o.disagreements.join('\n'));
  assert.ok(o.disagreements.some((d) => d.startsWith('state end ')), 'a capture cut short cannot end as the kernel did');
});
