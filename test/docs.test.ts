/**
 * The documentation and the examples are checked like notes:
 *
 * - every ```tcpflow block of docs/language.md: a block with an empty info string must analyse
 *   with zero findings; a block marked `expect=TF3001,TF2003` must produce exactly those codes
 *   (as a multiset: order free, counts exact);
 * - every examples/*.tcpflow file analyses with zero findings of any severity.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_FINDINGS, analyze, extractFences, LineIndex } from '../src/core/index';
import type { Analysis, Fence } from '../src/core/index';

const ROOT = path.resolve(__dirname, '..');
const LANGUAGE_MD = path.join(ROOT, 'docs', 'language.md');
const EXAMPLES = path.join(ROOT, 'examples');
const KNOWN_CODES = new Set(ALL_FINDINGS.map((d) => d.code));

/** `CODE @ line:col message`, positions 1-based in the analysed text. */
function describeFindings(a: Analysis, lineShift = 0): string {
  if (a.findings.length === 0) return '(none)';
  return a.findings
    .map((f) => {
      const p = a.lines.positionAt(f.start);
      return `\n  ${f.code} ${f.severity} @ ${p.line + 1 + lineShift}:${p.character + 1} ${f.message}`;
    })
    .join('');
}

/** What a fence's info string asks for: zero findings, or exactly these codes. */
function expectationOf(info: string): { codes: string[] } {
  const words = info.split(/\s+/).filter((w) => w !== '');
  let codes: string[] | undefined;
  for (const w of words) {
    const m = /^expect=(.*)$/.exec(w);
    if (!m) throw new Error(`unknown word '${w}' in the info string '${info}': write nothing, or expect=CODE,CODE`);
    if (codes) throw new Error(`expect= is given twice in the info string '${info}'`);
    codes = m[1].split(',').map((c) => c.trim());
    if (codes.length === 0 || codes.some((c) => c === '')) throw new Error(`empty code in the info string '${info}'`);
    for (const c of codes) if (!KNOWN_CODES.has(c)) throw new Error(`expect= names ${c}, which is not a finding code (typo?)`);
  }
  return { codes: codes ?? [] };
}

const sorted = (xs: string[]) => [...xs].sort();

describe('docs/language.md: every ```tcpflow block', () => {
  const markdown = fs.readFileSync(LANGUAGE_MD, 'utf8');
  const mdLines = new LineIndex(markdown);
  const fences: Fence[] = extractFences(markdown);

  it('has tcpflow blocks to check', () => {
    assert.ok(fences.length > 0, 'docs/language.md has no ```tcpflow block: the extraction is broken or the examples were removed');
  });

  it('every tcpflow block is closed', () => {
    const open = fences.filter((f) => !f.closed).map((f) => `line ${mdLines.positionAt(f.openStart).line + 1}`);
    assert.deepEqual(open, [], 'unclosed ```tcpflow blocks');
  });

  for (const fence of fences) {
    const openLine = mdLines.positionAt(fence.openStart).line + 1;
    const firstLine = fence.content.split(/\r?\n/).find((l) => l.trim() !== '') ?? '(empty)';
    const label = `line ${openLine}${fence.info ? ` [${fence.info}]` : ''}: ${firstLine.trim().slice(0, 60)}`;
    it(label, () => {
      const { codes } = expectationOf(fence.info);
      const a = analyze(fence.content);
      const got = a.findings.map((f) => f.code);
      // Lines in the message are lines of language.md.
      const shift = mdLines.positionAt(fence.contentStart).line;
      if (codes.length === 0) assert.deepEqual(got, [], `block at docs/language.md:${openLine} must check clean; findings:${describeFindings(a, shift)}`);
      else assert.deepEqual(sorted(got), sorted(codes), `block at docs/language.md:${openLine} must produce exactly ${codes.join(',')}; findings:${describeFindings(a, shift)}`);
    });
  }
});

describe('examples/*.tcpflow check clean (no error, warning or info)', () => {
  const files = fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.tcpflow'))
    .sort();

  it('has examples', () => assert.ok(files.length > 0, 'examples/ has no .tcpflow files'));

  for (const file of files) {
    it(file, () => {
      const a = analyze(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
      assert.deepEqual(
        a.findings.map((f) => `${f.code} ${f.severity}`),
        [],
        `examples/${file} must check clean; findings:${describeFindings(a)}`,
      );
    });
  }
});
