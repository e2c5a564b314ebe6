/**
 * Snippets: every body, with its placeholders at their defaults (what Tab-through-and-accept
 * inserts), checks with no error and no warning, and every scenario the notes teach has one.
 * The Markdown snippet's block is checked as a note.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, checkNote } from '../src/core/index';

const ROOT = path.resolve(__dirname, '..');

interface Snippet {
  prefix: string[];
  description: string;
  body: string[];
}

function load(file: string): Record<string, Snippet> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', file), 'utf8')) as Record<string, Snippet>;
}

/** A snippet body as inserted when every placeholder keeps its default. */
export function expand(body: string[]): string {
  return body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '') + '\n';
}

describe('snippets', () => {
  const tcpflow = load('tcpflow.json');

  for (const [name, s] of Object.entries(tcpflow)) {
    it(`${name} checks clean`, () => {
      const a = analyze(expand(s.body));
      assert.deepEqual(a.findings.map((f) => `${f.code} ${f.message}`), []);
      assert.ok(a.model.events.length > 0, 'the snippet draws something');
    });
  }

  it('covers every scenario of the notes, each prefix unique, each with a description', () => {
    const prefixes = Object.values(tcpflow).flatMap((s) => s.prefix);
    for (const p of ['handshake', 'handshake-concrete', 'teardown', 'simultaneous-open', 'simultaneous-close', 'rst', 'half-close', 'http', 'tls12', 'tls13', 'syn-queue', 'lesson']) assert.ok(prefixes.includes(p), p);
    assert.equal(new Set(prefixes).size, prefixes.length, 'no prefix twice');
    for (const s of Object.values(tcpflow)) assert.ok(s.description.length > 10);
  });

  it('the Markdown snippet inserts a tcpflow block that checks clean as a note', () => {
    const md = load('markdown.json');
    for (const s of Object.values(md)) {
      const note = `# 握手\n\n${expand(s.body)}`;
      const r = checkNote(note);
      assert.equal(r.blocks.length, 1);
      assert.deepEqual(r.findings.map((f) => f.code), []);
    }
  });

  it('package.json contributes both snippet files', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets: { language: string; path: string }[] } };
    assert.deepEqual(pkg.contributes.snippets, [
      { language: 'tcpflow', path: './snippets/tcpflow.json' },
      { language: 'markdown', path: './snippets/markdown.json' },
    ]);
  });
});
