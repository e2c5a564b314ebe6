/**
 * The model's segment events, arrivals and TCB snapshots are rows of typed-array columns
 * (check/records.ts, check/snapshots.ts); each segment event is a thin record that reads them.
 * What a reader sees must be what the object-per-segment model showed: a small flow with a
 * redrawn arrival, a lost segment and its retransmission, a delayed, an out-of-order and a
 * duplicated segment, a buffer and a read is checked field by field, and the JSON of its model
 * and of every example and conformance flow's model is compared with golden files written by the
 * object-per-segment checker (in full for the small flow, as SHA-256 digests for the others).
 * Resuming after an edit at every line cuts the tables back exactly.
 *
 * Update the golden files (after a change of the model that is meant) with
 *   TCPFLOW_UPDATE_GOLDEN=1 node --import tsx --test test/core/model-columns.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, Analysis } from '../../src/core/index';
import type { SegmentEvent } from '../../src/core/model';
import { generateFlow } from '../../bench/core';

const ROOT = path.resolve(__dirname, '../..');
const GOLDEN = path.join(__dirname, 'golden', 'model');
const UPDATE = process.env.TCPFLOW_UPDATE_GOLDEN === '1';

const FLOW = `client C isn=100
server S isn=300 rcvbuf=1000
C -> S  SYN      seq=100
S -> C  SYN ACK  seq=300 ack=555
C -> S  RST      seq=555
C: SYN_SENT
S -> C  SYN ACK  seq=300 ack=101
C -> S  ACK      seq=101 ack=301
C -> S  ACK      seq=101 ack=301 len=100 lost
C -> S  ACK      seq=101 ack=301 len=100
S -> C  ACK      seq=301 ack=201 win=900
C -> S  ACK      seq=201 ack=301 len=50 delay=late
C -> S  ACK      seq=251 ack=301 len=50 dup
deliver late
S read 150
S -> C  ACK      seq=301 ack=301
C close
`;

/** What a reader of the model sees, as JSON text. */
function modelJson(a: Analysis): string {
  return JSON.stringify({ findings: a.findings, events: a.model.events, finalStates: a.model.finalStates, symbols: a.model.symbols });
}

function golden(name: string, actual: unknown): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(actual, null, 1) + '\n');
    return;
  }
  assert.ok(fs.existsSync(file), `missing golden file ${path.relative(ROOT, file)}`);
  assert.deepEqual(actual, JSON.parse(fs.readFileSync(file, 'utf8')));
}

const sha = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');

function flows(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const dir of ['examples', 'test/conformance', 'test/render/fixtures']) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).sort()) {
      if (f.endsWith('.tcpflow')) out.push({ name: `${dir}/${f}`, text: fs.readFileSync(path.join(ROOT, dir, f), 'utf8') });
    }
  }
  return out;
}

const segments = (a: Analysis): SegmentEvent[] => a.model.events.filter((e): e is SegmentEvent => e.kind === 'segment');

describe('the model kept as columns', () => {
  it('shows the small flow field by field', () => {
    const a = analyze(FLOW);
    assert.deepEqual(
      a.findings.map((f) => f.code),
      ['TF3010'],
    );
    const s = segments(a);
    assert.equal(s.length, 11);
    const line = (n: number): number => FLOW.split('\n').slice(0, n - 1).join('\n').length + (n > 1 ? 1 : 0);

    // The SYN,ACK with a bad ack: its arrival at C in SYN-SENT is redrawn as answered by RST.
    const bad = s[1];
    assert.equal(bad.start, line(4));
    assert.deepEqual([bad.from, bad.to, bad.flags, bad.sendClass, bad.fate], ['S', 'C', ['SYN', 'ACK'], 'new', 'delivered']);
    assert.equal(bad.ack?.text, '101');
    assert.deepEqual(bad.findings, [0]);
    assert.equal(bad.deliveries.length, 1);
    const redrawn = bad.deliveries[0];
    assert.deepEqual([redrawn.outcome, redrawn.duplicate, redrawn.before.state, redrawn.after.state], ['rst', false, 'SYN_SENT', 'SYN_SENT']);
    assert.match(redrawn.note ?? '', /ack=101/);
    assert.deepEqual(redrawn.at, { start: bad.start, end: bad.end });

    // The RST that answers it, then the handshake again.
    assert.deepEqual([s[2].sendClass, s[2].seq?.text, s[2].send.before.state, s[2].deliveries[0].outcome], ['rst-reply', '555', 'SYN_SENT', 'challenge']);
    assert.deepEqual([s[3].send.after.endpoint, s[3].send.after.peer, s[3].send.after.sndNxt, s[3].send.after.iss, s[3].send.after.irs], ['S', 'C', '301', '300', '100']);

    // Lost, then retransmitted.
    assert.deepEqual([s[5].fate, s[5].deliveries.length, s[5].len], ['lost', 0, 100]);
    assert.deepEqual([s[6].sendClass, s[6].fate, s[6].seq?.relative, s[6].deliveries[0].after.rcvUser, s[6].deliveries[0].after.rcvBuf], ['retransmission', 'delivered', 1, 100, 1000]);

    // Delayed: it arrives at `deliver late`, after the duplicated segment that overtook it.
    const late = s[8];
    assert.deepEqual([late.fate, late.delayId, late.deliveries.length], ['delayed', 'late', 1]);
    assert.deepEqual(late.deliveries[0].at, { start: line(14), end: line(14) + 'deliver late'.length });
    assert.deepEqual([late.deliveries[0].before.rcvNxt, late.deliveries[0].after.rcvNxt, late.deliveries[0].after.rcvUser], ['201', '301', 200]);
    const dup = s[9];
    assert.equal(dup.fate, 'duplicated');
    assert.deepEqual(
      dup.deliveries.map((d) => [d.outcome, d.duplicate]),
      [
        ['queued', false],
        ['queued', true],
      ],
    );
    const deliverEvent = a.model.events.find((e) => e.kind === 'deliver');
    assert.ok(deliverEvent && deliverEvent.kind === 'deliver' && deliverEvent.segment?.start === late.start);

    // The seq's explanation and the statement's tree, made when read.
    assert.match(s[4].seq?.why ?? '', /C/);
    assert.equal(s[4].stmt.start, s[4].start);
    assert.deepEqual(
      a.model.finalStates.map((v) => [v.endpoint, v.state]),
      [
        ['C', 'ESTABLISHED'],
        ['S', 'ESTABLISHED'],
      ],
    );
  });

  it('gives the JSON the object-per-segment model gave (small flow in full, en and zh-cn)', () => {
    golden('small.json', {
      en: JSON.parse(modelJson(analyze(FLOW))),
      'zh-cn': JSON.parse(modelJson(analyze(FLOW, { locale: 'zh-cn' }))),
    });
  });

  it('gives the JSON the object-per-segment model gave (every example and conformance flow, and a long generated flow)', () => {
    const digests: Record<string, string> = {};
    for (const f of flows()) {
      digests[`${f.name} en`] = sha(modelJson(analyze(f.text)));
      digests[`${f.name} zh-cn`] = sha(modelJson(analyze(f.text, { locale: 'zh-cn' })));
    }
    digests['generateFlow(3000)'] = sha(modelJson(analyze(generateFlow(3000))));
    golden('digests.json', digests);
  });

  it('reads the same twice (reading makes views, changes nothing)', () => {
    const a = analyze(FLOW);
    assert.equal(modelJson(a), modelJson(a));
  });

  it('is cut back exactly when a check resumes after an edit on any line', () => {
    const lines = FLOW.split('\n');
    for (let i = 0; i < lines.length - 1; i++) {
      const edited = [...lines.slice(0, i), lines[i] + '  # edited', ...lines.slice(i + 1)].join('\n');
      const fresh = modelJson(analyze(edited, { checkpointEvery: 1 }));
      const resumed = modelJson(analyze(edited, { checkpointEvery: 1, previous: analyze(FLOW, { checkpointEvery: 1 }) }));
      assert.equal(resumed, fresh, `edit on line ${i + 1}`);
    }
    // Edits one after another, each resuming from the last.
    let previous = analyze(FLOW, { checkpointEvery: 1 });
    let text = FLOW;
    for (let i = lines.length - 2; i >= 0; i -= 3) {
      const ls = text.split('\n');
      ls[i] += ' # again';
      text = ls.join('\n');
      const next = analyze(text, { checkpointEvery: 1, previous });
      assert.equal(modelJson(next), modelJson(analyze(text, { checkpointEvery: 1 })), `edit on line ${i + 1}`);
      previous = next;
    }
  });
});
