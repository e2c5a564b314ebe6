/**
 * Differential test of the syntax layer: the output of `parse` (statements, spans, syntax
 * findings, comments) and the token stream of `Scanner` (kind, span, value, spaceBefore,
 * unterminated, scan errors, comments) must stay exactly what the reference implementation
 * produced when the golden files under test/core/golden/parse/ were written. Optimisations of
 * src/core/syntax/ must not change behaviour; this test fails if they do.
 *
 * Inputs: every examples/*.tcpflow, every ```tcpflow block of docs/*.md, the study notes under
 * /work/shared/corpus/notes/ (whole files: prose, Chinese punctuation, code blocks; skipped when
 * the corpus is absent), generated bench flows, and a few thousand seeded random texts
 * (mutations of the examples, token soups, Unicode and UTF-16 garbage, CRLF and full-width
 * variants).
 *
 * Small inputs are stored in full (readable diffs); large and random ones as SHA-256 digests of
 * the same canonical serialisation. Serialisation keeps key order and marks properties that are
 * present with the value `undefined`, so even the object shapes must match.
 *
 * Regenerate (only with a parser whose behaviour is known to be right):
 *   TCPFLOW_UPDATE_GOLDEN=1 node --import tsx --test test/core/parser-equivalence.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Mutation, mutate } from './mutate';
import { extractFences, LineIndex, parse, Scanner } from '../../src/core/index';
import { generateFlow } from '../../bench/core';

const ROOT = path.resolve(__dirname, '../..');
const GOLDEN = path.join(__dirname, 'golden', 'parse');
const EXAMPLES_DIR = path.join(ROOT, 'examples');
const DOCS_DIR = path.join(ROOT, 'docs');
const NOTES_DIR = '/work/shared/corpus/notes';
const UPDATE = process.env.TCPFLOW_UPDATE_GOLDEN === '1';
const SEED = 0x5eed_9293;

// ---- canonical serialisation -----------------------------------------------------------------

const UNDEFINED = '\u0000undefined';

/** JSON with key order kept and `undefined`-valued properties marked (so shapes must match). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? UNDEFINED : v));
}

function sha256(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

/** Everything `parse` returns except the input text itself. */
function parseSnapshot(text: string): unknown {
  const r = parse(text);
  assert.equal(r.file.text, text);
  return {
    statements: r.file.statements,
    comments: r.file.comments.map((c) => ({ start: c.start, end: c.end, text: c.text })),
    issues: r.issues,
  };
}

/** The token stream as the language server's formatter and completion see it. */
function scanSnapshot(text: string): unknown {
  const errors: unknown[] = [];
  const sc = new Scanner(text, (kind, start, end, t) => errors.push([kind, start, end, t]));
  const tokens: unknown[] = [];
  for (let i = 0; ; i++) {
    assert.ok(i <= text.length + 1, 'the scanner does not advance');
    const k = sc.next();
    const t = sc.token;
    assert.equal(k, t.kind);
    tokens.push([t.kind, t.start, t.end, t.value, t.spaceBefore, t.unterminated]);
    if (k === 0) break; // TokenKind.EOF
  }
  return { tokens, errors, comments: sc.comments.map((c) => ({ start: c.start, end: c.end, text: c.text })) };
}

function snapshot(text: string): { parse: unknown; scan: unknown } {
  return { parse: parseSnapshot(text), scan: scanSnapshot(text) };
}

/** Digest of a large input's snapshot without building one giant string. */
function digest(text: string): string {
  const r = parse(text);
  const h = crypto.createHash('sha256');
  for (const s of r.file.statements) h.update(canonical(s)).update('\n');
  h.update('#comments\n');
  for (const c of r.file.comments) h.update(canonical({ start: c.start, end: c.end, text: c.text })).update('\n');
  h.update('#issues\n').update(canonical(r.issues));
  h.update('#scan\n').update(canonical(scanSnapshot(text)));
  return h.digest('hex');
}

// ---- golden files ------------------------------------------------------------------------------

function goldenPath(name: string): string {
  return path.join(GOLDEN, name);
}

/** Compare with (or, when updating, write) a golden JSON file. */
function golden(name: string, actual: unknown): void {
  const file = goldenPath(name);
  const text = JSON.stringify(JSON.parse(canonical(actual)), null, 1) + '\n';
  if (UPDATE) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  assert.ok(fs.existsSync(file), `missing golden file ${path.relative(ROOT, file)}`);
  const expected = fs.readFileSync(file, 'utf8');
  if (text !== expected) {
    // deepEqual gives a readable diff of the first difference.
    assert.deepEqual(JSON.parse(text), JSON.parse(expected), `${name} differs from the reference parser`);
    assert.fail(`${name} differs from the reference parser (formatting only?)`);
  }
}

// ---- inputs ------------------------------------------------------------------------------------

const examples = fs
  .readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.tcpflow'))
  .sort()
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8') }));

const docs = fs
  .readdirSync(DOCS_DIR)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => ({ name: f, fences: extractFences(fs.readFileSync(path.join(DOCS_DIR, f), 'utf8')).map((x) => x.content) }))
  .filter((d) => d.fences.length > 0);

const notes = fs.existsSync(NOTES_DIR)
  ? fs
      .readdirSync(NOTES_DIR)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => ({ name: f, text: fs.readFileSync(path.join(NOTES_DIR, f), 'utf8') }))
  : [];

// Random texts (same spirit as property.test.ts, fixed seed).
const NAMES = ['C', 'S', 'A', 'B', 'C1', 'S2', '客户端', '服务器', '_n', 'x', 'y', 'client1', 'Ωμέγα', '𝒳'];
const TOKENS = [
  ...['client', 'Client', 'SERVER', 'server', 'endpoint', 'host', 'title', 'note', 'phase', 'wait', 'deliver', 'msl', 'MSL', 'numbers', 'relative', 'absolute', 'Relative'],
  ...['open', 'connect', 'listen', 'close', 'shutdown', 'abort', 'state', 'start', 'state=', 'start='],
  ...['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'syn', 'Ack', 'ack', 'Fin'],
  ...['seq=', 'ack=', 'Seq=', 'Ack=', 'ACK=', 'SYN=', 'FIN=0', 'SYN=1', 'ACK=1', 'ACK=x+1', 'len=', 'win=', 'Win=', 'mss=', 'wscale=', 'sackOK', 'SACK_PERM', 'sackperm', 'ts=', 'tsval=', 'isn=', 'iss=', 'backlog=', 'window=', 'delay=', 'delay', 'delayed'],
  ...['lost', 'dup', 'dropped', 'rtx', 'old', 'duplicate', 'retransmit', 'retransmission', 'loss', 'drop', 'LOST'],
  ...['http', 'https', 'HTTP', 'tls', 'TLS', 'tls1.2', 'TLS1.3', 'tls1.3', 'tls1.4', 'tls12', 'tls13', 'tls1', 'keep-alive', 'keepalive', 'keep', 'alive', 'close'],
  ...['ClientHello', 'serverhello', 'Certificate', 'ServerHelloDone', 'Finished', 'ApplicationData', 'Alert', 'HelloRetryRequest'],
  ...['ESTABLISHED', 'SYN-SENT', 'FIN-WAIT-1', 'SYN_RECEIVED', 'TIME_WAIT', 'CLOSED', 'LISTEN', 'established', 'FIN-WAIT-2x'],
  ...NAMES,
  ...['0', '1', '2', '100', '1000', '65535', '65536', '4294967295', '4294967296', '0x12d687', '0X1F', '0xffffffff', '0x1ffffffff', '0x', '99999999999999999999', '1.5', '1.', '.5', '007', '1e3', '9007199254740993'],
  ...['10.0.0.1', '10.0.0.1:80', '192.168.1.2:52528', '[2001:db8::1]', '[2001:db8::1]:443', '[::]', '[::', '1.2.3', '1.2.3.4.5', '256.1.1.1:99999'],
  ...['2MSL', '30s', '200ms', 'RTO', 'timeout', '1.5min', '2h', '10us', '0.5', '3sec', '2 m', '5 parsecs'],
  ...['->', '→', ':', ',', '=', '+', '-', '/', '(', ')', '[', ']', ';', '，', '：', '＝', '＋', '－', '（', '）', '、', '；', '- >', '>', '\u3000'],
  ...['"GET / HTTP/1.1"', '"HTTP/1.1 200 OK"', '"a \\" b"', '"\\\\"', '"\\n"', '"unterminated', '"#not a comment"', '“curly”', '“open', '""', '"数据"'],
  ...['# comment', '// comment', '#', '//', '/', '$', '@', '\\', '`', '~', '!', '?', '%', '&', '*', '{', '}', '|', '<', '^', '\u0000', '\u200b', '\ud800', '\udc00', '😀', 'é', 'ß', 'e\u0301', '٣', '\u00a0', '\ufeff'],
];
const SEPARATORS = [' ', ' ', ' ', '', '\t', '\n', '\n', ', ', '\r\n', '\r', '\u3000', '\u00a0', '\ufeff', '  '];
const tokenSoup = fc
  .array(fc.tuple(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }), fc.constantFrom(...SEPARATORS)), { maxLength: 80 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));
const unicodeText = fc.string({ unit: 'binary', maxLength: 200 });
const utf16Text = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 150 });
const asciiText = fc.string({ unit: fc.oneof(fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)), fc.constantFrom('\n', '\r', '\t')), maxLength: 200 });


const exampleLines = examples.flatMap((e) => e.text.split('\n')).filter((l) => l.trim() !== '');
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: fc.oneof(fc.constantFrom(...exampleLines), tokenSoup.map((s) => s.replace(/[\r\n]/g, ' ')), fc.string({ unit: 'binary', maxLength: 40 })) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    kind: fc.constant('number' as const),
    which: fc.nat(),
    value: fc.oneof(fc.nat().map(String), fc.constantFrom('0', '4294967295', '4294967296', '18446744073709551616', '0x0', '0xffffffff', '1.5', '-1', '00', '', 'x', '1.2.3.4'), fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String)),
  }),
  fc.record({ kind: fc.constant('chars' as const), at: fc.nat(), chars: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.constantFrom(...TOKENS), fc.constantFrom('"', '#', '//', '(', '\n', '\r', '->', '=', ',', '[', ']', '“', '\ud800', '=', ' ')) }),
  fc.record({ kind: fc.constant('whole' as const), how: fc.constantFrom('crlf' as const, 'cr' as const, 'fullwidth' as const, 'upper' as const, 'lower' as const, 'nospace' as const, 'tabs' as const) }),
);



/** The random cases, deterministic for a given seed and fast-check version. */
function randomCases(): { family: string; texts: string[] }[] {
  const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number, salt: number): T[] => fc.sample(arb, { seed: SEED + salt, numRuns });
  const families: { family: string; texts: string[] }[] = [];
  examples.forEach((ex, i) => {
    families.push({ family: `mutations of ${ex.name}`, texts: sample(fc.array(mutation, { minLength: 1, maxLength: 8 }), 250, i).map((ms) => mutate(ex.text, ms)) });
  });
  families.push({ family: 'token soups', texts: sample(tokenSoup, 1000, 100) });
  families.push({ family: 'full Unicode', texts: sample(unicodeText, 300, 101) });
  families.push({ family: 'UTF-16 units', texts: sample(utf16Text, 300, 102) });
  families.push({ family: 'printable ASCII', texts: sample(asciiText, 300, 103) });
  return families;
}

// ---- tests -------------------------------------------------------------------------------------

describe('parser equivalence with the golden snapshots of the reference parser', () => {
  it('finds the inputs', () => {
    assert.ok(examples.length > 0, 'no examples');
    assert.ok(docs.some((d) => d.name === 'language.md' && d.fences.length > 0), 'no ```tcpflow blocks in docs/language.md');
  });

  for (const ex of examples) {
    it(`examples/${ex.name}`, () => golden(`examples/${ex.name}.json`, snapshot(ex.text)));
  }

  for (const d of docs) {
    it(`docs/${d.name}: ${d.fences.length} tcpflow block(s)`, () => golden(`docs/${d.name}.json`, d.fences.map((f) => snapshot(f))));
  }

  it('edge texts', () => {
    const edge = ['', '\n', '\r', '\r\n', '\n\n\r\r\n', '\ufeff', '#', '//', '/', '"', '“', '\ud800', '\udc00x', 'client C\ud800', 'title "abc\\', 'title "\\"', 'C -> S SYN seq=(', 'C -> S SYN seq=' + '('.repeat(100), 'C -> S SYN seq=' + '('.repeat(40) + 'x' + ')'.repeat(40), 'client C\nC -> ', '[', '[2001:db8::1', '0x', 'tls1.', 'tls1.2x', 'C -> S tls1.2 ClientHello', 'C -> S TLS1.3, Finished', 'C -> S tls 1.3 Finished', 'wait 2', 'A -> B ACK=', 'ACK=1', 'C：ESTABLISHED，S：CLOSED', 'C － ＞ S', 'C → S SYN，seq＝x＋1', '客户端 -> 服务器 SYN seq=1 “你好”', 'note C, S: 文本', 'note C S', 'msl 2MSL', 'msl 1.5min', 'wait 0.5', 'wait 2 m', 'numbers Absolute'];
    // Words that are also Object.prototype keys (the unit and option tables are plain objects).
    edge.push('wait 2constructor', 'wait 2 __proto__', 'msl 3constructor', 'client C constructor=5', 'client C __proto__=1', 'client C toString=1', 'C -> S SYN constructor', 'C -> S SYN __proto__', 'C -> S hasOwnProperty', 'C -> S valueOf=1');
    golden('edge.json', edge.map((t) => ({ text: t, ...snapshot(t) })));
  });

  it('bench flow of 120 segments (in full)', () => golden('bench-120.json', snapshot(generateFlow(120))));

  it('bench flows of 10,000 and 100,000 segments (digests)', () => {
    golden('bench-large.json', [10_000, 100_000].map((n) => ({ segments: n, digest: digest(generateFlow(n)) })));
  });

  it('study notes of the corpus, whole files (digests)', (t) => {
    if (notes.length === 0) {
      t.skip(`${NOTES_DIR} is absent`);
      return;
    }
    const actual = notes.map((n) => ({ name: n.name, input: sha256(n.text), digest: digest(n.text) }));
    if (UPDATE) {
      golden('notes.json', actual);
      return;
    }
    const expected = JSON.parse(fs.readFileSync(goldenPath('notes.json'), 'utf8')) as typeof actual;
    for (const a of actual) {
      const e = expected.find((x) => x.name === a.name && x.input === a.input);
      if (!e) continue; // a note that changed or appeared since the golden file was written
      assert.equal(a.digest, e.digest, `notes/${a.name} parses differently`);
    }
  });

  it('LineIndex: line starts as the reference loop finds them (LF, CRLF, CR, mixed)', () => {
    const reference = (text: string): number[] => {
      const starts = [0];
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
      return starts;
    };
    const texts = [...examples.map((e) => e.text), ...randomCases().flatMap((f) => f.texts), generateFlow(120), '', '\n', '\r', '\r\n', 'a\r\n\nb\rc\n', '\n\n'];
    for (const t of texts) for (const v of [t, t.replace(/\n/g, '\r\n')]) assert.deepEqual([...new LineIndex(v).lineStarts], reference(v), JSON.stringify(v.slice(0, 80)));
  });

  it('random texts: mutations of the examples, token soups, Unicode and UTF-16 garbage (digests)', () => {
    const families = randomCases();
    const actual = families.map((f) => ({ family: f.family, cases: f.texts.map((t) => `${sha256(t).slice(0, 16)} ${sha256(canonical(snapshot(t))).slice(0, 24)}`) }));
    if (UPDATE) {
      golden('random.json', actual);
      return;
    }
    const expected = JSON.parse(fs.readFileSync(goldenPath('random.json'), 'utf8')) as typeof actual;
    assert.deepEqual(actual.map((f) => f.family), expected.map((f) => f.family));
    let total = 0;
    for (let i = 0; i < families.length; i++) {
      const exp = expected[i].cases;
      const act = actual[i].cases;
      assert.equal(act.length, exp.length, `${families[i].family}: number of cases`);
      for (let j = 0; j < act.length; j++) {
        const [inA] = act[j].split(' ');
        const [inE] = exp[j].split(' ');
        assert.equal(inA, inE, `${families[i].family} #${j}: the generated input changed (fast-check version?); regenerate the golden files with the reference parser`);
        if (act[j] !== exp[j]) assert.fail(`${families[i].family} #${j} parses differently: ${JSON.stringify(families[i].texts[j])}`);
        total++;
      }
    }
    assert.ok(total >= 3000, `only ${total} random cases`);
  });
});
