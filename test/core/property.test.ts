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
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Mutation, mutate } from './mutate';
import { ALL_FINDINGS, ALL_STATES, analyze, analyzeFindings, Analysis, Locale } from '../../src/core/index';

const SEED = 0x7c9f10;
const LIMIT_MS = 2000;
const EXAMPLES_DIR = path.resolve(__dirname, '../../examples');
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

// ---- generators ------------------------------------------------------------------------

const NAMES = ['C', 'S', 'A', 'B', 'C1', 'S2', '客户端', '服务器', '_n', 'x', 'y', 'client1'];
const SYMBOLS = ['x', 'y', 'u', 'v', 'w', 'C', 'ISN_C'];
const STATE_WORDS = [...ALL_STATES, 'SYN-SENT', 'FIN-WAIT-1', 'SYN-RECEIVED', 'SYN_SEND', 'SYN_REVD', 'FIN_WAIT1', 'established', 'HALF_OPEN', 'TIME-WAIT'];
const FLAG_WORDS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'syn', 'Ack'];
const TLS_WORDS = ['ClientHello', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'EncryptedExtensions', 'CertificateVerify', 'NewSessionTicket', 'ApplicationData', 'Alert', 'HelloRetryRequest'];
const NUMBERS = ['0', '1', '2', '100', '1000', '1001', '5000', '65535', '4294967295', '4294967296', '0x12d687', '0xffffffff', '0x1ffffffff', '99999999999999999999', '1.5', '007'];

/** The language's tokens, one per entry (for token soups). */
const TOKENS = [
  ...['client', 'server', 'endpoint', 'host', 'title', 'note', 'phase', 'wait', 'deliver', 'msl', 'numbers', 'relative', 'absolute'],
  ...['open', 'connect', 'listen', 'close', 'shutdown', 'abort', 'state', 'start'],
  ...FLAG_WORDS,
  ...['seq=', 'ack=', 'Seq=', 'Ack=', 'ACK=', 'len=', 'win=', 'Win=', 'mss=', 'wscale=', 'sackOK', 'SACK_PERM', 'ts=', 'isn=', 'iss=', 'backlog=', 'delay=', 'delay', 'window='],
  ...['lost', 'dup', 'dropped', 'rtx', 'old', 'duplicate', 'retransmit', 'loss', 'drop'],
  ...['http', 'https', 'tls', 'tls1.2', 'tls1.3', 'tls12', 'tls13', 'keep-alive', 'keepalive', 'keep', 'alive', 'close'],
  ...TLS_WORDS,
  ...STATE_WORDS,
  ...NAMES,
  ...NUMBERS,
  ...['10.0.0.1', '10.0.0.1:80', '192.168.1.2:52528', '[2001:db8::1]', '[2001:db8::1]:443', '[::]', '1.2.3', '1.2.3.4.5', '256.1.1.1:99999'],
  ...['2MSL', '30s', '200ms', 'RTO', 'MSL', 'timeout', '1.5min', '2h', '10us', '0.5'],
  ...['->', '→', ':', ',', '=', '+', '-', '/', '(', ')', '[', ']', ';', '，', '：', '＝', '＋', '－', '（', '）', '、', '；', '- >', '>'],
  ...['"GET / HTTP/1.1"', '"HTTP/1.1 200 OK"', '"HTTP/1.0 200 OK"', '"GET /a HTTP/1.0"', '"a \\" b"', '"\\\\"', '"unterminated', '"#not a comment"', '“curly”', '“open', '""'],
  ...['# comment', '// comment', '#', '//', '$', '@', '\\', '`', '~', '!', '?', '%', '&', '*', '{', '}', '|', '<', '^', '\u0000', '\u200b', '\ud800', '\udc00', '😀', 'é', 'ß'],
];
const SEPARATORS = [' ', ' ', ' ', '', '\t', '\n', '\n', ', ', '\r\n', '\r', '\u3000', '\u00a0', '\ufeff', '  '];

/** Any text over all of Unicode (well-formed code points). */
const unicodeText = fc.string({ unit: 'binary', maxLength: 300, size: 'medium' });
/** Any sequence of UTF-16 units, lone surrogates included. */
const utf16Text = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200, size: 'medium' });
/** Printable ASCII with line breaks: where most syntax lives. */
const asciiText = fc.string({ unit: fc.oneof(fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)), fc.constantFrom('\n', '\r', '\t')), maxLength: 300, size: 'medium' });
/** A soup of the language's tokens with arbitrary separators. */
const tokenSoup = fc
  .array(fc.tuple(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }), fc.constantFrom(...SEPARATORS)), { maxLength: 120 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

// Structured statements: plausible lines, so the checker (not only the parser) is exercised.
const name = fc.constantFrom(...NAMES.slice(0, 6), ...NAMES.slice(0, 6), ...NAMES);
const num = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('0', '1', '100', '101', '1000', '1001', '5000', '5001', '4294967295') }, { weight: 2, arbitrary: fc.nat({ max: 6000 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom(...NUMBERS) });
const expr: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: num },
  { weight: 3, arbitrary: fc.constantFrom(...SYMBOLS) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...SYMBOLS), fc.constantFrom('+', '-', '＋'), fc.nat({ max: 3000 })).map(([s, o, n]) => `${s}${o}${n}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SYMBOLS), fc.nat({ max: 9 }), fc.nat({ max: 9 })).map(([s, a, b]) => `(${s}+${a})-${b}`) },
  { weight: 1, arbitrary: fc.constantFrom('x+y', '-x', '(', 'x+', '((((((x))))))', '(x', 'x)', '1-2', '0-1', '--1', '+1') },
  { weight: 1, arbitrary: fc.nat({ max: 40 }).map((d) => '('.repeat(d) + 'x+1' + ')'.repeat(d)) },
);
const flags = fc.oneof(
  fc.subarray(['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR']).chain((fl) => fc.constantFrom(' ', ', ', '+', '/').map((sep) => fl.join(sep))),
  fc.subarray(['SYN', 'ACK', 'FIN', 'RST']).map((fl) => `[${fl.join(', ')}]`),
  fc.tuple(fc.constantFrom('0', '1'), fc.constantFrom('0', '1'), fc.constantFrom('0', '1')).map(([s, a, f]) => `SYN=${s}, ACK=${a}, FIN=${f}`),
  expr.map((e) => `ACK=${e}`),
);
const field = fc.oneof(
  expr.map((e) => `seq=${e}`),
  expr.map((e) => `ack=${e}`),
  expr.map((e) => `Seq=${e}`),
  num.map((n) => `len=${n}`),
  num.map((n) => `win=${n}`),
  fc.constantFrom('mss=1460', 'wscale=7', 'wscale=15', 'sackOK', 'ts=1/2', 'ts=5', 'ts=', 'win=', 'len=-1', 'len=x'),
  fc.constantFrom('"GET / HTTP/1.1"', '"payload"', '"数据"', '"a # b"', '"x\\"y"'),
  fc.constantFrom('http "GET / HTTP/1.1"', 'http "GET / HTTP/1.0" keep-alive', 'http "HTTP/1.1 200 OK" close', 'http "HTTP/1.0 200 OK"', 'http'),
  fc.subarray(TLS_WORDS, { minLength: 1, maxLength: 4 }).chain((m) => fc.constantFrom('tls', 'tls1.2', 'tls1.3').map((k) => `${k} ${m.join(' ')}`)),
  fc.constantFrom('lost', 'dup', 'dropped', 'rtx', 'old', 'delay=d1', 'delay=d2', 'delay d1'),
);
const segment = fc
  .tuple(name, fc.constantFrom('->', '→', '->', '->'), name, flags, fc.array(field, { maxLength: 6 }), fc.constantFrom(' ', ', ', '  '))
  .map(([a, arrow, b, f, fields, sep]) => `${a} ${arrow} ${b} ${f} ${fields.join(sep)}`);
const statement = fc.oneof(
  { weight: 10, arbitrary: segment },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('client', 'server', 'endpoint', 'host'), name, fc.constantFrom('', '10.0.0.1:80', '[2001:db8::1]:443', 'isn=1000', 'backlog=1', 'backlog=0', 'LISTEN', 'CLOSED', 'win=100', 'wscale=2', 'state=SYN_SENT')).map((p) => p.join(' ')) },
  { weight: 3, arbitrary: fc.array(fc.tuple(name, fc.option(name, { nil: undefined }), fc.constantFrom(...STATE_WORDS)), { minLength: 1, maxLength: 3 }).map((items) => items.map(([n, p, s]) => (p ? `${n}[${p}]: ${s}` : `${n}: ${s}`)).join(', ')) },
  { weight: 2, arbitrary: fc.tuple(name, fc.constantFrom('open', 'connect', 'listen', 'close', 'shutdown', 'abort'), fc.constantFrom('', ...NAMES.slice(0, 4))).map((p) => p.join(' ')) },
  { weight: 2, arbitrary: fc.constantFrom('wait 2MSL', 'wait 30s', 'wait 200ms', 'wait RTO', 'wait', 'wait 1MSL', 'msl 30s', 'msl 2MSL', 'msl', 'deliver d1', 'deliver d2', 'deliver', 'numbers relative', 'numbers absolute', 'numbers') },
  { weight: 1, arbitrary: fc.constantFrom('title "T"', 'title', 'title free words', 'note "n"', 'note C "over C"', 'note C, S: text', 'note C S', 'phase "P"', 'phase') },
);
const structuredFlow = fc
  .tuple(
    fc.constantFrom(['client C', 'server S'], ['client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x+1 ack=y+1'], ['numbers relative', 'client C', 'server S backlog=1', 'client A'], []),
    fc.array(statement, { maxLength: 30 }),
    fc.constantFrom('\n', '\r\n', '\r'),
  )
  .map(([prelude, body, nl]) => [...prelude, ...body].join(nl) + nl);

const locale = fc.constantFrom<Locale>('en', 'zh-cn');

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


const examples = fs
  .readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.tcpflow'))
  .sort()
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8') }));
const exampleLines = examples.flatMap((e) => e.text.split('\n')).filter((l) => l.trim() !== '');

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: fc.oneof(fc.constantFrom(...exampleLines), statement, tokenSoup.map((s) => s.replace(/[\r\n]/g, ' ')), fc.string({ unit: 'binary', maxLength: 40 })) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    kind: fc.constant('number' as const),
    which: fc.nat(),
    value: fc.oneof(fc.nat().map(String), fc.constantFrom('0', '4294967295', '4294967296', '18446744073709551616', '0x0', '0xffffffff', '1.5', '-1', '00', ''), fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String)),
  }),
  fc.record({ kind: fc.constant('chars' as const), at: fc.nat(), chars: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.constantFrom('"', '#', '//', '(', '\n', '\r', '->', '=', ',', '[', ']', '“', '\ud800')) }),
);


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

/**
 * The comments of a text, by the rules of docs/language.md, independently of the scanner: `#`
 * (or `//`) outside a string starts a comment that runs to the end of the line; a string opens
 * with `"` (escapes `\"` and `\\`) or `“` (closed by `”`) and never spans lines.
 */
function referenceComments(text: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  const n = text.length;
  const isBreak = (c: number) => c === 10 || c === 13;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 0x201c) {
      const close = c === 34 ? 34 : 0x201d;
      i++;
      while (i < n && !isBreak(text.charCodeAt(i))) {
        const d = text.charCodeAt(i);
        if (d === close) {
          i++;
          break;
        }
        if (close === 34 && d === 92 && i + 1 < n && (text.charCodeAt(i + 1) === 34 || text.charCodeAt(i + 1) === 92)) i += 2;
        else i++;
      }
      continue;
    }
    if (c === 35 || (c === 47 && text.charCodeAt(i + 1) === 47)) {
      const start = i;
      while (i < n && !isBreak(text.charCodeAt(i))) i++;
      out.push({ start, end: i, text: text.slice(start, i) });
      continue;
    }
    i++;
  }
  return out;
}

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

/** Comment text: anything but a line break. */
const commentBody = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' '));
/** A well-formed string literal, possibly holding `#` and `//`. */
const stringLiteral = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom('#', '//', '\\"', '\\\\', ' ', 'GET / HTTP/1.1', '“', '”'), fc.string({ unit: 'binary', maxLength: 6 }).map((s) => s.replace(/["\\\r\n]/g, ''))), { maxLength: 6 })
    .map((parts) => `"${parts.join('')}"`),
  fc.string({ unit: 'binary', maxLength: 10 }).map((s) => `“${s.replace(/[”\r\n]/g, '')}#”`),
);
/** A line: a statement (no quotes, no `#`, no `//` outside strings), maybe a string, maybe a comment. */
const commentedLine = fc
  .tuple(
    fc.oneof(statement.map((s) => s.replace(/["“#]/g, ' ').replace(/\/\//g, '/ /').replace(/[\r\n]/g, ' ')), fc.constant(''), fc.constantFrom(...exampleLines).map((l) => l.replace(/#.*$/, '').replace(/"[^"]*"/g, ''))),
    fc.option(stringLiteral, { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom('', ' ', '\t', '   ', '\u3000'), fc.constantFrom('#', '#', '# ', '//', '##'), commentBody), { nil: undefined }),
  )
  .map(([stmt, str, comment]) => `${stmt}${str ? ` ${str}` : ''}${comment ? comment.join('') : ''}`);
const commentedText = fc.tuple(fc.array(commentedLine, { maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r')).map(([ls, nl]) => ls.join(nl));

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
