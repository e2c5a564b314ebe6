/**
 * `analyzeSteps` (the sliced analysis the language server runs) gives exactly what `analyze`
 * gives, whatever the slice size, and pauses as often as it says.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeSteps, Analysis } from '../../src/core/index';

const ROOT = path.resolve(__dirname, '../..');

function run(text: string, slice: number): { analysis: Analysis; pauses: number } {
  const steps = analyzeSteps(text, { locale: 'zh-cn' }, slice);
  let pauses = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { analysis: r.value, pauses };
    pauses++;
  }
}

/** What a reader of the analysis sees, as plain data. */
function seen(a: Analysis): unknown {
  return JSON.parse(JSON.stringify({ findings: a.findings, events: a.model.events, symbols: a.model.symbols, finalStates: a.model.finalStates }));
}

describe('analyzeSteps', () => {
  const texts = fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.tcpflow'))
    .map((f) => fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
  // A flow with findings everywhere: wrong numbers, a delayed segment, an RST reply.
  texts.push(
    [
      'client C isn=100',
      'server S isn=900',
      'C -> S SYN seq=100',
      'S -> C SYN ACK seq=900 ack=100',
      'C -> S ACK seq=101 ack=901',
      'C -> S PSH ACK seq=101 ack=901 len=10 delay=d1',
      'C -> S PSH ACK seq=111 ack=901 len=10',
      'deliver d1',
      'S -> C ACK seq=901 ack=999',
      'C: ESTABLISHED, S: CLOSED',
    ].join('\n'),
  );

  it('gives the same analysis as analyze() for every slice size', () => {
    for (const text of texts) {
      const whole = seen(analyze(text, { locale: 'zh-cn' }));
      for (const slice of [1, 2, 7, Infinity]) assert.deepEqual(seen(run(text, slice).analysis), whole, `slice ${slice}`);
    }
  });

  it('pauses after parsing and after every slice of statements', () => {
    const text = texts[texts.length - 1];
    const statements = analyze(text).file.statements.length;
    assert.equal(run(text, 1).pauses, 1 + statements - 1);
    assert.equal(run(text, 4).pauses, 1 + Math.ceil(statements / 4) - 1);
    assert.equal(run(text, Infinity).pauses, 0);
  });
});
