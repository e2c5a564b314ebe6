/**
 * The statement table (src/core/syntax/table.ts): what an analysis keeps of its statements.
 * Segments are kept as rows and parsed again from their line when asked for; every tree so made
 * must be the one a parse of the whole text gives, on any text (CR, CRLF, several statements on
 * a line, errors), and the table of an edited text (rows kept, moved, parsed) must read the same.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, parse, statementTable, StatementTable } from '../../src/core/index';
import { prng as rng } from '../import/helpers';
import { RICH_FLOW, edit } from './mutate';

const ROOT = path.resolve(__dirname, '../..');

function texts(): string[] {
  const out = [RICH_FLOW, RICH_FLOW.replace(/\n/g, '\r\n'), RICH_FLOW.replace(/\n/g, '\r')];
  out.push('client C\nserver S\nC -> S SYN seq=1; S -> C SYN ACK seq=9 ack=2 ; C -> S ACK seq=2 ack=10\n  C -> S ACK seq=2 ack=10 len=5 # c\n\tS -> C ACK seq=10 ack=7\n');
  out.push('client C\nserver S\nC -> S SYN seq=1 bogus=3\nC -> S "unterminated\nC -> ; -> S\n');
  for (const f of fs.readdirSync(path.join(ROOT, 'examples')).sort()) if (f.endsWith('.tcpflow')) out.push(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
  return out;
}

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('statement table', () => {
  it('gives back every statement and comment a whole parse gives, segments parsed again from their line', () => {
    for (const text of texts()) {
      const whole = parse(text).file;
      const a = analyze(text);
      const t = statementTable(a.file);
      assert.equal(t.count, whole.statements.length);
      // One at a time, in reverse (no fresh piece to lean on), then all.
      for (let i = t.count - 1; i >= 0; i--) assert.deepEqual(plain(t.statement(i)), plain(whole.statements[i]), `row ${i} of:\n${text}`);
      assert.deepEqual(plain(a.file.statements), plain(whole.statements));
      assert.deepEqual(plain(a.file.comments), plain(whole.comments));
      // The same object every time it is asked for; the events read theirs from it.
      for (let i = 0; i < t.count; i++) assert.equal(t.statement(i), a.file.statements[i]);
      for (const ev of a.model.events) if (ev.kind === 'segment') assert.equal(ev.stmt.start, ev.start);
    }
  });

  it('reads the same after edits (rows kept, moved and parsed)', () => {
    const r = rng(7);
    for (const start of texts().slice(0, 3)) {
      let text = start;
      let last = analyze(text, { checkpointEvery: 3 });
      for (let i = 0; i < 30; i++) {
        text = edit(text, r);
        last = analyze(text, { checkpointEvery: 3, previous: last });
        const whole = parse(text).file;
        assert.deepEqual(plain(last.file.statements), plain(whole.statements), `edit ${i}:\n${text}`);
        assert.deepEqual(plain(last.file.comments), plain(whole.comments), `edit ${i}:\n${text}`);
      }
    }
  });

  it('keeps no segment tree after an analysis, and a plain tree gets a table of its own', () => {
    const lines = ['client C', 'server S', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1'];
    for (let i = 0; i < 2000; i++) lines.push(`C -> S ACK seq=${1 + 10 * i} ack=1 len=10`, `S -> C ACK seq=1 ack=${11 + 10 * i}`);
    const text = lines.join('\n') + '\n';
    const t = statementTable(analyze(text).file) as unknown as { nodes: Map<number, unknown> };
    assert.equal(t.nodes.size, 2, 'only the two declarations are kept as trees');
    const file = parse('client C\nserver S\nC -> S SYN\n').file;
    const own = statementTable(file);
    assert.ok(own instanceof StatementTable);
    assert.equal(own, statementTable(file));
    assert.equal(own.statement(2), file.statements[2]);
  });
});
