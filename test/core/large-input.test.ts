/**
 * Inputs far larger than any study note must not overflow the call stack: no array of unbounded
 * length is spread into a call's arguments (a spread of ~125k elements throws RangeError).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, analyzeFindings, parse } from '../../src/core/index';
import { renderMermaid } from '../../src/core/render/mermaid';

const MANY = 150_000;

function noteOverMany(): string {
  const names: string[] = [];
  for (let i = 0; i < MANY; i++) names.push(`h${i}`);
  return `client C\nserver S\nnote ${names.join(', ')} "everyone"\nC -> S SYN seq=x\n`;
}

test('a note naming 150,000 endpoints parses and checks without overflowing the stack', () => {
  const text = noteOverMany();
  const { file } = parse(text);
  const note = file.statements.find((s) => s.kind === 'note');
  assert.ok(note, 'the note is parsed');
  assert.equal((note as { over: unknown[] }).over.length, MANY);
  const findings = analyzeFindings(text);
  assert.ok(findings.length > 0, 'the undeclared names are reported');
});

test('a note over many declared participants renders spanning the outermost two', () => {
  const decl: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < 2_000; i++) {
    decl.push(`endpoint E${i}`);
    names.push(`E${i}`);
  }
  const text = `${decl.join('\n')}\nnote ${names.join(', ')} "all of them"\n`;
  const out = renderMermaid(analyze(text));
  assert.match(out.text, /Note over \S*E0\S*,\S*E1999\S*: all of them/);
});
