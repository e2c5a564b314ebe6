/**
 * Resuming after an edit (`analyze(text, { previous })`: parse from the first changed line,
 * check from the last checkpoint before it) gives exactly what a fresh analysis gives: syntax
 * tree, comments, findings, events, symbols, references and final states, for random edits
 * anywhere in the text, one after another as an editor makes them, with checkpoints close
 * together so that every kind of state is restored somewhere.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, Analysis, AnalyzeOptions } from '../../src/core/index';
import { prng as rng } from '../import/helpers';
import { BUFFER_FLOW, RICH_FLOW, edit } from './mutate';

const ROOT = path.resolve(__dirname, '../..');

/** Everything a reader of an analysis can see, as plain data. */
function seen(a: Analysis): unknown {
  const m = a.model;
  return JSON.parse(
    JSON.stringify({
      findings: a.findings,
      syntaxFindings: a.syntaxFindings,
      statements: a.file.statements,
      comments: a.file.comments,
      events: m.events,
      symbols: m.symbols,
      endpoints: m.endpoints,
      refs: [...m.endpointRefs].map(([k, v]) => [k, v.map((s) => [s.start, s.end])]),
      finalStates: m.finalStates,
      title: m.title,
      // Lazy texts: make them, so that they are compared too.
      why: m.events.map((e) => (e.kind === 'segment' ? [e.seq?.why, e.ack?.why, e.seq?.text, e.ack?.text, e.send.after.sndNxt, e.deliveries.map((d) => d.after.rcvNxt)] : null)),
    }),
  );
}


function texts(): string[] {
  const out = [RICH_FLOW, BUFFER_FLOW];
  for (const f of fs.readdirSync(path.join(ROOT, 'examples')).sort()) if (f.endsWith('.tcpflow')) out.push(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
  return out;
}

describe('analyze with previous (resuming after an edit)', () => {
  it('equals a fresh analysis after every edit of a chain, checkpoints every 1-5 statements', () => {
    let compared = 0;
    let resumed = 0;
    texts().forEach((start, t) => {
      for (const every of [1, 2, 5]) {
        const r = rng(1000 * t + every);
        const opts: AnalyzeOptions = { locale: t % 2 ? 'zh-cn' : 'en', checkpointEvery: every };
        let text = start;
        let last = analyze(text, opts);
        for (let i = 0; i < 40; i++) {
          const next = edit(text, r);
          const fresh = analyze(next, opts);
          const before = last;
          last = analyze(next, { ...opts, previous: before });
          if (last.model.events.length > 0 && last.model.events[0] === before.model.events[0]) resumed++;
          assert.deepEqual(seen(last), seen(fresh), `text ${t}, checkpoints every ${every}, edit ${i}:\n${next}`);
          text = next;
          compared++;
        }
      }
    });
    assert.ok(compared >= 600, `${compared} comparisons`);
    assert.ok(resumed > compared / 3, `only ${resumed} of ${compared} analyses resumed`);
  });

  it('resumes a long flow from the checkpoint before the edit', () => {
    const lines = ['client C', 'server S', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1'];
    for (let i = 0; i < 3000; i++) lines.push(`C -> S ACK seq=${1 + 10 * i} ack=1 len=10`, `S -> C ACK seq=1 ack=${11 + 10 * i}`);
    const text = lines.join('\n') + '\n';
    const first = analyze(text);
    // Break an ack near the end: the events before the edit are the previous objects.
    const at = text.lastIndexOf('ack=1 len=10') + 4;
    const broken = text.slice(0, at) + '7' + text.slice(at + 1);
    const keep = first.model.events.slice(0, 5000);
    const next = analyze(broken, { previous: first });
    assert.deepEqual(seen(next), seen(analyze(broken)));
    assert.ok(keep.every((e, i) => next.model.events[i] === e), 'the events before the last checkpoint are reused');
    assert.equal(next.findings.length, 1);
  });

  it('an edit on the last line keeps a finding at the end of the text once', () => {
    const text = 'client A\nserver B\nA -> B SYN seq=1\nA: SYN_SENT,';
    for (const next of [text + ' ', text + '\n', text.slice(0, -1), text + ' B: LISTEN']) {
      assert.deepEqual(seen(analyze(next, { previous: analyze(text) })), seen(analyze(next)), JSON.stringify(next));
    }
  });

  it('keeps a statement whose span ends after its line break (an error at the end of the line)', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = `client A${eol}server B${eol}A -> B SYN=${eol}A -> B SYN seq=1${eol}`;
      const next = text.replace('seq=1', 'seq=2');
      const resumed = analyze(next, { previous: analyze(text) });
      assert.deepEqual(seen(resumed), seen(analyze(next)));
      assert.equal(resumed.file.statements.length, 4);
    }
  });

  it('starts afresh when an endpoint declaration changes or the options differ', () => {
    const text = RICH_FLOW;
    const a = analyze(text, { checkpointEvery: 1 });
    const renamed = text.replace('client D', 'client E');
    const b = analyze(renamed, { checkpointEvery: 1, previous: a });
    assert.notEqual(b.model.events[0], a.model.events[0]);
    assert.deepEqual(seen(b), seen(analyze(renamed, { checkpointEvery: 1 })));
    const c = analyze(renamed, { checkpointEvery: 1, locale: 'zh-cn', previous: b });
    assert.deepEqual(seen(c), seen(analyze(renamed, { checkpointEvery: 1, locale: 'zh-cn' })));
  });

  it('puts back an arrival that a later RST redrew (an unacceptable ACK in SYN_SENT, RFC 9293 §3.10.7.3)', () => {
    const head = ['client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=999', 'note over C: answered below'];
    const withRst = [...head, 'C -> S RST seq=999 dropped', 'C: SYN_SENT'].join('\n') + '\n';
    const withAck = [...head, 'C -> S ACK seq=1001 ack=5001', 'C: ESTABLISHED'].join('\n') + '\n';
    for (const [from, to] of [[withRst, withAck], [withAck, withRst]]) {
      const resumed = analyze(to, { checkpointEvery: 1, previous: analyze(from, { checkpointEvery: 1 }) });
      assert.deepEqual(seen(resumed), seen(analyze(to, { checkpointEvery: 1 })));
    }
  });
});
