/**
 * Properties of the core over generated input (fast-check, fixed seed, bounded runs):
 *
 * (a) any text — full Unicode, raw UTF-16 units (lone surrogates), soups of the language's
 *     tokens, and structured flows built from its statements — parses and checks without
 *     throwing, in bounded time (each call is timed; more than 2 s fails), and every range a
 *     finding carries (its own, its related spans, its fix edits) lies within the text;
 * (b) any mutation of every example (delete, insert, duplicate or swap lines, replace a number,
 *     insert random characters) analyses the same way;
 *     in (a) and (b), the findings-only check (`analyzeFindings`, a line per piece) gives
 *     exactly the findings `analyze` gives;
 * (c) parsing keeps every comment: each `#` comment of the source appears in `file.comments`
 *     with its text and offset (and nothing that is not a comment does).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mutate } from './mutate';
import { ALL_FINDINGS, analyze, analyzeFindings, Analysis, Locale } from '../../src/core/index';
import { asciiText, commentedText, EXAMPLES_DIR, examples, locale, mutation, referenceComments, structuredFlow, tokenSoup, unicodeText, utf16Text } from '../fuzz/generators';

const SEED = 0x7c9f10;
const LIMIT_MS = 2000;
const CODES = new Set(ALL_FINDINGS.map((d) => d.code));

// ---- invariants ------------------------------------------------------------------------

/** Analyse, timing the call; fail when it takes longer than LIMIT_MS. */
function timedAnalyze(text: string, locale: Locale = 'en'): Analysis {
  const t0 = performance.now();
  const a = analyze(text, { locale });
  const dt = performance.now() - t0;
  assert.ok(dt <= LIMIT_MS, `analyze took ${dt.toFixed(0)} ms (limit ${LIMIT_MS} ms) on ${text.length} characters: ${JSON.stringify(text.slice(0, 200))}`);
  return a;
}

function inText(what: string, start: number, end: number, text: string): void {
  assert.ok(Number.isInteger(start) && Number.isInteger(end), `${what}: non-integer range [${start}, ${end})`);
  assert.ok(0 <= start && start <= end && end <= text.length, `${what}: range [${start}, ${end}) outside the text (length ${text.length})`);
}

/** Everything that must hold for any analysis of any text. */
function checkInvariants(text: string, a: Analysis): void {
  assert.equal(a.text, text);
  for (const f of a.findings) {
    const where = `${f.code} '${f.message}'`;
    assert.ok(CODES.has(f.code), `unknown finding code ${f.code}`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0, `${f.code}: empty message`);
    inText(where, f.start, f.end, text);
    for (const r of f.related) inText(`${where} related`, r.span.start, r.span.end, text);
    for (const e of f.fix?.edits ?? []) inText(`${where} fix edit`, e.start, e.end, text);
  }
  for (const ev of a.model.events) {
    if (ev.kind !== 'segment') continue;
    for (const i of ev.findings) assert.ok(Number.isInteger(i) && i >= 0 && i < a.findings.length, `segment event refers to finding #${i}, but there are ${a.findings.length}`);
  }
  // The findings-only check (a line per piece) finds the same.
  assert.deepEqual(analyzeFindings(text, { locale: a.locale, piece: 0 }), a.findings, 'analyzeFindings differs from analyze');
}

function analyzeAndCheck(text: string, locale: Locale = 'en'): Analysis {
  const a = timedAnalyze(text, locale);
  checkInvariants(text, a);
  return a;
}



// ---- (a) any text ----------------------------------------------------------------------

describe('(a) any text parses and checks without throwing, in bounded time, with ranges inside the text', () => {
  const cases: [string, fc.Arbitrary<string>, number][] = [
    ['full Unicode strings', unicodeText, 400],
    ['UTF-16 units including lone surrogates', utf16Text, 300],
    ['printable ASCII with line breaks', asciiText, 400],
    ["soups of the language's tokens", tokenSoup, 500],
    ['structured flows built from statements', structuredFlow, 600],
  ];
  for (const [label, arb, numRuns] of cases) {
    it(label, () => {
      fc.assert(
        fc.property(arb, locale, (text, loc) => {
          analyzeAndCheck(text, loc);
        }),
        { seed: SEED, numRuns },
      );
    });
  }

  it('edge texts: empty, only breaks, only a BOM, lone surrogates at the end, unterminated at EOF', () => {
    const edge = ['', '\n', '\r', '\r\n', '\n\n\r\r\n', '\ufeff', '#', '//', '"', '“', '\ud800', 'client C\ud800', 'title "abc\\', 'title "\\"', 'C -> S SYN seq=(', 'C -> S SYN seq=' + '('.repeat(1000), 'client C\nC -> ', '[', '[2001:db8::1', '0x', 'tls1.', 'wait 2', 'A -> B ACK=', 'ACK=1'];
    for (const text of edge) for (const loc of ['en', 'zh-cn'] as Locale[]) analyzeAndCheck(text, loc);
  });

  it('bounded work on large inputs: finding messages grow linearly with the number of names, not quadratically', () => {
    // N declared endpoints and N segments from undeclared ones; N segments delayed and N
    // deliveries of unknown ids. Every finding may name the input, but the total text of the
    // messages must grow linearly: 4× the input may give about 4× the message text, not 16×.
    const r = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
    const inputs: [string, (n: number) => string][] = [
      ['undeclared endpoints among many declared ones', (n) => [...r(n, (i) => `client C${i}`), ...r(n, (i) => `X${i} -> C0 SYN seq=1`)].join('\n') + '\n'],
      ['unknown deliveries while many segments are in flight', (n) => ['client C', 'server S', ...r(n, (i) => `C -> S SYN seq=1 delay=d${i}`), ...r(n, (i) => `deliver z${i}`)].join('\n') + '\n'],
    ];
    const failures: string[] = [];
    for (const [label, make] of inputs) {
      const size = (n: number) => {
        const text = make(n);
        const a = analyzeAndCheck(text);
        return { chars: text.length, messages: a.findings.reduce((s, f) => s + f.message.length, 0), findings: a.findings.length };
      };
      const small = size(250);
      const big = size(1000);
      const growth = big.messages / small.messages;
      if (!(growth <= 6)) {
        failures.push(
          `${label}: 4× the input (${small.chars} → ${big.chars} chars, ${small.findings} → ${big.findings} findings) gave ${growth.toFixed(1)}× the message text (${small.messages} → ${big.messages} chars); linear growth is ≈ 4×`,
        );
      }
    }
    assert.deepEqual(failures, []);
  });
});

// ---- (b) mutations of the examples -------------------------------------------------------


describe('(b) mutations of every example analyse without throwing', () => {
  it('finds the examples', () => assert.ok(examples.length > 0, `no .tcpflow files in ${EXAMPLES_DIR}`));
  for (const ex of examples) {
    it(ex.name, () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), locale, (ms, loc) => {
          analyzeAndCheck(mutate(ex.text, ms), loc);
        }),
        { seed: SEED, numRuns: 150 },
      );
    });
  }
});

// ---- (c) comments ------------------------------------------------------------------------

function checkComments(text: string): void {
  const a = timedAnalyze(text);
  const got = a.file.comments.map((c) => ({ start: c.start, end: c.end, text: c.text }));
  const expected = referenceComments(text);
  const key = (c: { start: number; text: string }) => `${c.start}:${c.text}`;
  const have = new Set(got.map(key));
  for (const c of expected) {
    if (!c.text.startsWith('#')) continue;
    assert.ok(have.has(key(c)), `comment ${JSON.stringify(c.text)} at offset ${c.start} is missing from file.comments ${JSON.stringify(got)} (text ${JSON.stringify(text)})`);
  }
  for (const c of got) assert.equal(c.text, text.slice(c.start, c.end), `comment text does not match its range: ${JSON.stringify(c)}`);
  assert.deepEqual(got, expected, `file.comments differs from the comments of the text ${JSON.stringify(text)}`);
}

describe('(c) parsing keeps every comment', () => {
  it('examples: every # comment is in file.comments', () => {
    for (const ex of examples) checkComments(ex.text);
  });
  it('statements with strings and trailing comments', () => {
    fc.assert(fc.property(commentedText, (text) => checkComments(text)), { seed: SEED, numRuns: 500 });
  });
  it('mutated examples', () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(mutation, { minLength: 1, maxLength: 6 }), (ex, ms) => checkComments(mutate(ex.text, ms))),
      { seed: SEED, numRuns: 300 },
    );
  });
  it('any text (full Unicode, token soups)', () => {
    fc.assert(fc.property(fc.oneof(unicodeText, tokenSoup, asciiText), (text) => checkComments(text)), { seed: SEED, numRuns: 500 });
  });
});
