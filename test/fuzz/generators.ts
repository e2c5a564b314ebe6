/**
 * The generators every fuzz and property test draws from (fast-check arbitraries, and the byte
 * mutations of captures). One module, so that the property tests (test/core/property.test.ts,
 * test/server/format-property.test.ts, test/server/protocol-fuzz.test.ts,
 * test/import/pcap.test.ts) and the fuzz harness (test/fuzz/targets.ts) exercise the same inputs.
 *
 * Grammar-aware first: flows built from the language's statements, notes with ```tcpflow and
 * ```mermaid blocks written in the notations of docs/notes.md, packetdrill lines, pcap/pcapng
 * files rebuilt with mutated header fields, LSP messages with the shapes the server reads; then
 * token soups, any Unicode text and random bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ALL_STATES, Locale } from '../../src/core/index';
import { Mutation, mutate as mutateText } from '../core/mutate';
import {
  ClassicFile, PCAP_DIR, PKT_DIR, ethAddVlan, ethToLoop, ethToRaw, ethToSll, ethToSll2, parseClassic, parseNg, pktFiles, writeClassic, writeNg,
} from '../import/helpers';

const ROOT = path.resolve(__dirname, '../..');

// ---- the language's words ----------------------------------------------------------------

export const NAMES = ['C', 'S', 'A', 'B', 'C1', 'S2', '客户端', '服务器', '_n', 'x', 'y', 'client1'];
export const SYMBOLS = ['x', 'y', 'u', 'v', 'w', 'C', 'ISN_C'];
export const STATE_WORDS = [...ALL_STATES, 'SYN-SENT', 'FIN-WAIT-1', 'SYN-RECEIVED', 'SYN_SEND', 'SYN_REVD', 'FIN_WAIT1', 'established', 'HALF_OPEN', 'TIME-WAIT'];
export const FLAG_WORDS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'syn', 'Ack'];
export const TLS_WORDS = ['ClientHello', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'EncryptedExtensions', 'CertificateVerify', 'NewSessionTicket', 'ApplicationData', 'Alert', 'HelloRetryRequest'];
export const NUMBERS = ['0', '1', '2', '100', '1000', '1001', '5000', '65535', '4294967295', '4294967296', '0x12d687', '0xffffffff', '0x1ffffffff', '99999999999999999999', '1.5', '007'];

/** The language's tokens, one per entry (for token soups). */
export const TOKENS = [
  ...['client', 'server', 'endpoint', 'host', 'title', 'note', 'phase', 'wait', 'deliver', 'msl', 'numbers', 'relative', 'absolute'],
  ...['open', 'connect', 'listen', 'close', 'shutdown', 'abort', 'state', 'start', 'accept', 'cross', 'as', 'tfo', 'cookie'],
  ...FLAG_WORDS,
  ...['seq=', 'ack=', 'Seq=', 'Ack=', 'ACK=', 'len=', 'win=', 'Win=', 'mss=', 'wscale=', 'sackOK', 'SACK_PERM', 'ts=', 'isn=', 'iss=', 'backlog=', 'acceptq=', 'delay=', 'delay', 'window='],
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
export const SEPARATORS = [' ', ' ', ' ', '', '\t', '\n', '\n', ', ', '\r\n', '\r', '\u3000', '\u00a0', '\ufeff', '  '];

// ---- any text ------------------------------------------------------------------------------

/** Any text over all of Unicode (well-formed code points). */
export const unicodeText = fc.string({ unit: 'binary', maxLength: 300, size: 'medium' });
/** Any sequence of UTF-16 units, lone surrogates included. */
export const utf16Text = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200, size: 'medium' });
/** Printable ASCII with line breaks: where most syntax lives. */
export const asciiText = fc.string({ unit: fc.oneof(fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)), fc.constantFrom('\n', '\r', '\t')), maxLength: 300, size: 'medium' });
/** A soup of the language's tokens with arbitrary separators. */
export const tokenSoup = fc
  .array(fc.tuple(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }), fc.constantFrom(...SEPARATORS)), { maxLength: 120 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

// ---- structured flows: plausible lines, so the checker (not only the parser) is exercised ----

export const name = fc.constantFrom(...NAMES.slice(0, 6), ...NAMES.slice(0, 6), ...NAMES);
export const num = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('0', '1', '100', '101', '1000', '1001', '5000', '5001', '4294967295') }, { weight: 2, arbitrary: fc.nat({ max: 6000 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom(...NUMBERS) });
export const expr: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: num },
  { weight: 3, arbitrary: fc.constantFrom(...SYMBOLS) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...SYMBOLS), fc.constantFrom('+', '-', '＋'), fc.nat({ max: 3000 })).map(([s, o, n]) => `${s}${o}${n}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SYMBOLS), fc.nat({ max: 9 }), fc.nat({ max: 9 })).map(([s, a, b]) => `(${s}+${a})-${b}`) },
  { weight: 1, arbitrary: fc.constantFrom('x+y', '-x', '(', 'x+', '((((((x))))))', '(x', 'x)', '1-2', '0-1', '--1', '+1') },
  { weight: 1, arbitrary: fc.nat({ max: 40 }).map((d) => '('.repeat(d) + 'x+1' + ')'.repeat(d)) },
);
export const flags = fc.oneof(
  fc.subarray(['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR']).chain((fl) => fc.constantFrom(' ', ', ', '+', '/').map((sep) => fl.join(sep))),
  fc.subarray(['SYN', 'ACK', 'FIN', 'RST']).map((fl) => `[${fl.join(', ')}]`),
  fc.tuple(fc.constantFrom('0', '1'), fc.constantFrom('0', '1'), fc.constantFrom('0', '1')).map(([s, a, f]) => `SYN=${s}, ACK=${a}, FIN=${f}`),
  expr.map((e) => `ACK=${e}`),
);
export const field = fc.oneof(
  expr.map((e) => `seq=${e}`),
  expr.map((e) => `ack=${e}`),
  expr.map((e) => `Seq=${e}`),
  num.map((n) => `len=${n}`),
  num.map((n) => `win=${n}`),
  fc.constantFrom('mss=1460', 'wscale=7', 'wscale=15', 'sackOK', 'ts=1/2', 'ts=5', 'ts=', 'win=', 'len=-1', 'len=x'),
  fc.constantFrom('"GET / HTTP/1.1"', '"payload"', '"数据"', '"a # b"', '"x\\"y"'),
  fc.constantFrom('http "GET / HTTP/1.1"', 'http "GET / HTTP/1.0" keep-alive', 'http "HTTP/1.1 200 OK" close', 'http "HTTP/1.0 200 OK"', 'http'),
  fc.subarray(TLS_WORDS, { minLength: 1, maxLength: 4 }).chain((m) => fc.constantFrom('tls', 'tls1.2', 'tls1.3').map((k) => `${k} ${m.join(' ')}`)),
  fc.constantFrom('lost', 'dup', 'dropped', 'rtx', 'old', 'delay=d1', 'delay=d2', 'delay d1', 'cross', 'as C', 'as S', 'tfo', 'cookie=abc'),
);
export const segment = fc
  .tuple(name, fc.constantFrom('->', '→', '->', '->'), name, flags, fc.array(field, { maxLength: 6 }), fc.constantFrom(' ', ', ', '  '))
  .map(([a, arrow, b, f, fields, sep]) => `${a} ${arrow} ${b} ${f} ${fields.join(sep)}`);
export const statement = fc.oneof(
  { weight: 10, arbitrary: segment },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('client', 'server', 'endpoint', 'host'), name, fc.constantFrom('', '10.0.0.1:80', '[2001:db8::1]:443', 'isn=1000', 'backlog=1', 'backlog=0', 'acceptq=1', 'LISTEN', 'CLOSED', 'win=100', 'wscale=2', 'state=SYN_SENT')).map((p) => p.join(' ')) },
  { weight: 3, arbitrary: fc.array(fc.tuple(name, fc.option(name, { nil: undefined }), fc.constantFrom(...STATE_WORDS)), { minLength: 1, maxLength: 3 }).map((items) => items.map(([n, p, s]) => (p ? `${n}[${p}]: ${s}` : `${n}: ${s}`)).join(', ')) },
  { weight: 2, arbitrary: fc.tuple(name, fc.constantFrom('open', 'connect', 'listen', 'close', 'shutdown', 'abort', 'accept'), fc.constantFrom('', ...NAMES.slice(0, 4))).map((p) => p.join(' ')) },
  { weight: 2, arbitrary: fc.constantFrom('wait 2MSL', 'wait 30s', 'wait 200ms', 'wait RTO', 'wait', 'wait 1MSL', 'msl 30s', 'msl 2MSL', 'msl', 'deliver d1', 'deliver d2', 'deliver', 'numbers relative', 'numbers absolute', 'numbers') },
  { weight: 1, arbitrary: fc.constantFrom('title "T"', 'title', 'title free words', 'note "n"', 'note C "over C"', 'note C, S: text', 'note C S', 'phase "P"', 'phase') },
);
const PRELUDES = [['client C', 'server S'], ['client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x+1 ack=y+1'], ['numbers relative', 'client C', 'server S backlog=1', 'client A'], []];
export const structuredFlow = fc
  .tuple(fc.constantFrom(...PRELUDES), fc.array(statement, { maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([prelude, body, nl]) => [...prelude, ...body].join(nl) + nl);

export const locale = fc.constantFrom<Locale>('en', 'zh-cn');

// ---- the examples and their mutations -------------------------------------------------------

export const EXAMPLES_DIR = path.join(ROOT, 'examples');
export const examples = fs
  .readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.tcpflow'))
  .sort()
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8') }));
export const exampleLines = examples.flatMap((e) => e.text.split('\n')).filter((l) => l.trim() !== '');

/** Edits for `mutate` (test/core/mutate.ts), inserting lines from `lines` among others. */
export function mutationOf(lines: fc.Arbitrary<string>): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: fc.oneof(lines, tokenSoup.map((s) => s.replace(/[\r\n]/g, ' ')), fc.string({ unit: 'binary', maxLength: 40 })) }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
    fc.record({
      kind: fc.constant('number' as const),
      which: fc.nat(),
      value: fc.oneof(fc.nat().map(String), fc.constantFrom('0', '4294967295', '4294967296', '18446744073709551616', '0x0', '0xffffffff', '1.5', '-1', '00', ''), fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String)),
    }),
    fc.record({ kind: fc.constant('chars' as const), at: fc.nat(), chars: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.constantFrom('"', '#', '//', '(', '\n', '\r', '->', '=', ',', '[', ']', '“', '\ud800')) }),
    fc.record({ kind: fc.constant('whole' as const), how: fc.constantFrom('crlf' as const, 'cr' as const, 'fullwidth' as const, 'upper' as const, 'lower' as const, 'nospace' as const, 'tabs' as const) }),
  );
}

/** Mutations of a flow: lines of the examples, generated statements, soups, any text. */
export const mutation: fc.Arbitrary<Mutation> = mutationOf(fc.oneof(fc.constantFrom(...exampleLines), statement));

// ---- comments --------------------------------------------------------------------------------

/**
 * The comments of a text, by the rules of docs/language.md, independently of the scanner: `#`
 * (or `//`) outside a string starts a comment that runs to the end of the line; a string opens
 * with `"` (escapes `\"` and `\\`) or `“` (closed by `”`) and never spans lines.
 */
export function referenceComments(text: string): { start: number; end: number; text: string }[] {
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
/** Lines of statements with strings and trailing comments. */
export const commentedText = fc.tuple(fc.array(commentedLine, { maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r')).map(([ls, nl]) => ls.join(nl));

/** Any flow text: every kind above, weighted toward the structured ones. */
export const anyFlowText = fc.oneof(
  { weight: 4, arbitrary: structuredFlow },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...examples.map((e) => e.text)), fc.array(mutation, { minLength: 1, maxLength: 8 })).map(([t, ms]) => mutateText(t, ms)) },
  { weight: 2, arbitrary: commentedText },
  { weight: 2, arbitrary: tokenSoup },
  { weight: 1, arbitrary: unicodeText },
  { weight: 1, arbitrary: utf16Text },
  { weight: 1, arbitrary: asciiText },
);

// ---- formatting --------------------------------------------------------------------------------

/** Lines the formatter has work on (alignment, comments, Chinese), and characters it must keep. */
export const FORMAT_LINES = [
  'client C 10.0.0.2:5000',
  'server S',
  'C -> S SYN seq=x',
  'S  ->  C SYN ACK seq=y   ack=x+1   # 第二次握手',
  'C -> S ACK seq=x+1 ack=y+1',
  'C:ESTABLISHED,S:ESTABLISHED',
  'C -> S PSH ACK seq=x+1 ack=y+1 len=5 "hello"',
  '# 只有注释',
  '',
  'wait 2MSL',
  'note C "文字 text"',
];
export const FORMAT_SPECIAL = ['\u3000', '\u00a0', '\ufeff', ' ', '\t', '，', '\u2003'];

/** Flows made of `lines` with special characters dropped in anywhere and perhaps a BOM. */
export function layoutText(lines: fc.Arbitrary<string> = fc.constantFrom(...FORMAT_LINES)): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(lines, { minLength: 1, maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...FORMAT_SPECIAL)), { maxLength: 6 }), fc.boolean())
    .map(([ls0, inserts, bom]) => {
      const ls = [...ls0];
      for (const [li, at, ch] of inserts) {
        const i = li % ls.length;
        const pos = at % (ls[i].length + 1);
        ls[i] = ls[i].slice(0, pos) + ch + ls[i].slice(pos);
      }
      return (bom ? '\ufeff' : '') + ls.join('\n') + '\n';
    });
}

// ---- Markdown notes with ```tcpflow and ```mermaid blocks --------------------------------------

const PARTICIPANT_NAMES = ['C', 'S', 'Client', 'Server', 'A', 'B', '客户端', '服务端', 'c', 'srv'];
/** Message texts in the notations notes use (docs/notes.md). */
const noteLabel = fc.oneof(
  fc.tuple(fc.subarray(['SYN', 'ACK', 'FIN', 'RST', 'PSH']), fc.array(fc.tuple(fc.constantFrom('seq', 'ack', 'Seq', 'Ack', 'len', 'win'), fc.oneof(expr, num)), { maxLength: 3 }), fc.constantFrom(', ', ' ', '，'))
    .map(([fl, fs_, sep]) => [...fl.map((f) => `${f}=1`), ...fs_.map(([k, v]) => `${k}=${v}`)].join(sep)),
  fc.tuple(fc.subarray(['SYN', 'ACK', 'FIN', 'RST', 'PSH']), fc.nat({ max: 5000 }), fc.nat({ max: 5000 })).map(([fl, s, a]) => `[${fl.join(', ')}] Seq=${s} Ack=${a}`),
  fc.tuple(fc.nat({ max: 9 }), fc.subarray(['SYN', 'ACK', 'FIN']), fc.option(expr, { nil: undefined })).map(([n, fl, e]) => `${n}. ${fl.join('+')}${e ? ` seq=${e}` : ''}`),
  fc.constantFrom('SYN', 'SYN, ACK', 'ACK', 'FIN', 'FIN, ACK', 'RST', 'SYN=1, seq=x', 'SYN=1, ACK=1, seq=y, ack=x+1', 'ACK=1, seq=x+1, ack=y+1', 'FIN=1, seq=u', 'ACK=1, ack=u+1', 'ACK 丢失', '第一次握手 SYN', 'data', 'GET / HTTP/1.1', 'seq=x（丢失）', ''),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' ')),
);
const mermaidLine = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...PARTICIPANT_NAMES), fc.constantFrom('->>', '-->>', '-x', '--x', '->', '-->', '-)', '->>+', '-->>-'), fc.constantFrom(...PARTICIPANT_NAMES), fc.constantFrom(': ', ':', ' : ', '：'), noteLabel).map(([a, arr, b, colon, l]) => `${a}${arr}${b}${colon}${l}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('over', 'left of', 'right of'), fc.constantFrom(...PARTICIPANT_NAMES), fc.oneof(fc.constantFrom(...STATE_WORDS, '状态：已建立', 'State: SYN_SENT', '时间等待', 'wait 2MSL'), noteLabel)).map(([w, p, t]) => `Note ${w} ${p}: ${t}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('participant', 'actor'), fc.constantFrom(...PARTICIPANT_NAMES), fc.option(fc.constantFrom('客户端', '服务端', 'Client', 'a b', ''), { nil: undefined })).map(([k, p, a]) => (a === undefined ? `${k} ${p}` : `${k} ${p} as ${a}`)) },
  { weight: 1, arbitrary: fc.constantFrom('autonumber', 'loop retry', 'end', 'alt ok', 'else', 'rect rgb(0,0,0)', '%% comment', 'title T', '```', 'Note over C,S: 四次挥手', 'activate C', 'sequenceDiagram') },
);
export const mermaidBlock = fc
  .tuple(fc.constantFrom('sequenceDiagram', 'sequenceDiagram', '  sequenceDiagram', 'graph TD', ''), fc.array(mermaidLine, { maxLength: 16 }), fc.constantFrom('', '  ', '\t'))
  .map(([head, ls, indent]) => [head, ...ls.map((l) => indent + l)].join('\n'));
const noteSection = fc.oneof(
  { weight: 3, arbitrary: mermaidBlock.map((b) => '```mermaid\n' + b + '\n```') },
  { weight: 3, arbitrary: structuredFlow.map((f) => '```tcpflow\n' + f + '```') },
  { weight: 1, arbitrary: fc.constantFrom('# TCP 三次握手', 'Some prose about TCP.', '- list item', '> quote', '<!-- tcpflow:begin -->', '<!-- tcpflow:end -->', '~~~mermaid', '````tcpflow', '```', '    indented code', '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);
export const NOTES_DIR = '/work/shared/corpus/notes';
export const corpusNotes = fs.existsSync(NOTES_DIR) ? fs.readdirSync(NOTES_DIR).filter((f) => f.endsWith('.md')).sort().map((f) => fs.readFileSync(path.join(NOTES_DIR, f), 'utf8')) : [];
const noteLines = fc.oneof(mermaidLine, statement, fc.constantFrom('```mermaid', '```tcpflow', '```', 'sequenceDiagram'));
/** A Markdown note: generated sections, or a corpus note with its lines mutated. */
export const noteText = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.array(noteSection, { maxLength: 6 }), fc.constantFrom('\n', '\n\n', '\r\n')).map(([ss, nl]) => ss.join(nl) + nl) },
  ...(corpusNotes.length ? [{ weight: 2, arbitrary: fc.tuple(fc.constantFrom(...corpusNotes), fc.array(mutationOf(noteLines), { maxLength: 6 })).map(([t, ms]) => mutateText(t, ms)) }] : []),
);

// ---- packetdrill scripts ---------------------------------------------------------------------

export const packetdrillScripts = fs.existsSync(PKT_DIR) ? pktFiles().map((f) => fs.readFileSync(f, 'utf8')) : [];
const pdTime = fc.constantFrom('0', '+0', '+.1', '+0.00', '+1', '*', '0.100', '+0...0', '+.1...0.2', '-1', '+x', '');
const pdFlags = fc.constantFrom('S', 'S.', '.', 'P.', 'F.', 'R', 'R.', 'SEW', 'S.E', 'FP.', 'U.', 'SW', 'X', '');
const pdPacket = fc
  .tuple(pdTime, fc.constantFrom('<', '>', '<>', ''), pdFlags, fc.nat({ max: 5000 }), fc.nat({ max: 2000 }), fc.option(fc.nat({ max: 5000 }), { nil: undefined }), fc.option(fc.constantFrom('win 65535', 'win 0', 'win 257', 'win -1', 'win'), { nil: undefined }), fc.option(fc.constantFrom('<mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 8>', '<mss 1000,nop,nop,sackOK>', '<FO abcd,nop,nop>', '<nop,nop,TS val 100 ecr 200>', '<sack 1:2>', '<', '<mss>', '<mss 99999999999>'), { nil: undefined }))
  .map(([t, dir, fl, seq, len, ack, win, opts]) => [t, dir, fl, `${seq}:${seq + len}(${len})`, ack === undefined ? '' : `ack ${ack}`, win ?? '', opts ?? ''].filter(Boolean).join(' '));
const pdCall = fc.constantFrom(
  '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3', '+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0', '+0 bind(3, ..., ...) = 0', '+0 listen(3, 1) = 0', '+0 accept(3, ..., ...) = 4',
  '+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)', '+0 write(4, ..., 1000) = 1000', '+0 read(4, ..., 1000) = 1000', '+0 close(4) = 0', '+0 shutdown(4, SHUT_WR) = 0',
  '+0 sendto(4, ..., 1000, MSG_FASTOPEN, ..., ...) = 1000', '+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0', '+0 %{ assert tcpi_state == TCP_ESTABLISHED, tcpi_state }%', '`sysctl -w net.ipv4.tcp_fastopen=1`',
  '--tolerance_usecs=10000', '--mss=1000', '#ifdef FreeBSD', '#ifndef Linux', '#else', '#endif', '#define X 1', '+0 tcpdrop(4) = 0', '+0 < udp (10)', '+0 < icmp unreachable port', '// comment', '/* c */', '%{', '}%', '+0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 5',
);
const pdLine = fc.oneof({ weight: 4, arbitrary: pdPacket }, { weight: 3, arbitrary: pdCall }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' ')) });
/** A packetdrill script: a corpus one mutated with packetdrill lines, or lines generated afresh. */
export const packetdrillText = fc.oneof(
  ...(packetdrillScripts.length ? [{ weight: 3, arbitrary: fc.tuple(fc.constantFrom(...packetdrillScripts), fc.array(mutationOf(pdLine), { minLength: 1, maxLength: 6 })).map(([t, ms]) => mutateText(t, ms)) }] : []),
  { weight: 2, arbitrary: fc.array(pdLine, { maxLength: 25 }).map((ls) => ls.join('\n') + '\n') },
);
export const packetdrillDefines = fc.option(fc.subarray(['FreeBSD', 'Linux', 'STANDARD', 'X']), { nil: undefined });

// ---- captures: bytes mutated, and files rebuilt with mutated header fields ----------------------

export function pcapFileNames(dir = PCAP_DIR): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort() : [];
}
/** The corpus captures and the oracle's fixtures (test/oracle/fixtures). */
export const captures: { name: string; bytes: Uint8Array }[] = [
  ...pcapFileNames().map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(PCAP_DIR, f))) })),
  ...pcapFileNames(path.join(ROOT, 'test/oracle/fixtures')).map((f) => ({ name: `oracle/${f}`, bytes: new Uint8Array(fs.readFileSync(path.join(ROOT, 'test/oracle/fixtures', f))) })),
];

/** One deterministic mutation of a capture's bytes, driven by `rnd`. */
export function mutateBytes(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const pick = Math.floor(rnd() * 7);
  const at = Math.floor(rnd() * bytes.length);
  switch (pick) {
    case 0: // truncate
      return bytes.slice(0, at);
    case 1: {
      // flip bytes
      const b = bytes.slice();
      const n = 1 + Math.floor(rnd() * 16);
      for (let i = 0; i < n; i++) b[Math.floor(rnd() * b.length)] ^= 1 + Math.floor(rnd() * 255);
      return b;
    }
    case 2: {
      // overwrite a 32-bit field with an extreme value
      const b = bytes.slice();
      const vals = [0, 0xffffffff, 0x7fffffff, 0x80000000, 12, 13, 16, 1 << 20];
      const v = vals[Math.floor(rnd() * vals.length)];
      if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at & ~3, v, rnd() < 0.5);
      return b;
    }
    case 3: {
      // delete a range
      const end = Math.min(bytes.length, at + Math.floor(rnd() * 200));
      const out = new Uint8Array(bytes.length - (end - at));
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(end), at);
      return out;
    }
    case 4: {
      // duplicate a range
      const len = Math.floor(rnd() * 300);
      const part = bytes.subarray(at, at + len);
      const out = new Uint8Array(bytes.length + part.length);
      out.set(bytes.subarray(0, at));
      out.set(part, at);
      out.set(bytes.subarray(at), at + part.length);
      return out;
    }
    case 5: {
      // random garbage appended or spliced in
      const g = new Uint8Array(1 + Math.floor(rnd() * 500));
      for (let i = 0; i < g.length; i++) g[i] = Math.floor(rnd() * 256);
      const out = new Uint8Array(bytes.length + g.length);
      out.set(bytes.subarray(0, at));
      out.set(g, at);
      out.set(bytes.subarray(at), at + g.length);
      return out;
    }
    default: {
      // corrupt several header-ish bytes in the first 200
      const b = bytes.slice();
      for (let i = 0; i < 8; i++) b[Math.floor(rnd() * Math.min(200, b.length))] = Math.floor(rnd() * 256);
      return b;
    }
  }
}

const EXTREMES = [0, 1, 2, 3, 4, 5, 13, 14, 15, 16, 19, 20, 40, 60, 64, 65, 127, 128, 255, 256, 1500, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff];
/** An extreme value for a field, or a nearby one. */
const extreme = fc.oneof(fc.constantFrom(...EXTREMES), fc.nat());

/** Fields of an Ethernet/IPv4-or-IPv6/TCP frame, as offsets and widths. */
const FRAME_FIELDS: [offset: number, width: 1 | 2 | 4][] = [
  [12, 2], // ethertype
  [14, 1], // IP version/IHL
  [16, 2], // IPv4 total length / IPv6 payload length
  [18, 1], // IPv6 payload length (low)
  [20, 1], // IPv4 flags+fragment / IPv6 next header
  [20, 2], // IPv4 fragment offset
  [23, 1], // IPv4 protocol
  [34, 2], // TCP source port
  [36, 2], // TCP destination port
  [38, 4], // TCP seq
  [42, 4], // TCP ack
  [46, 1], // TCP data offset
  [47, 1], // TCP flags
  [48, 2], // TCP window
  [54, 1], // first TCP option kind
  [55, 1], // first TCP option length
  [56, 1],
  [57, 1],
  [60, 1], // IPv6 TCP data offset region / later options
  [66, 1], // (IPv6) TCP data offset
  [67, 1], // (IPv6) TCP flags
];

/** What to change in a capture rebuilt from its parts (see `rebuildCapture`). */
export interface CaptureEdit {
  /** Header fields: pcap magic's byte order and resolution, snaplen, link type; pcapng tsresol. */
  le?: boolean;
  nano?: boolean;
  snaplen?: number;
  linkType?: number;
  tsresol?: number;
  /** Per record: which record, then a frame field set or the record's lengths/time changed. */
  records: { which: number; field: number; value: number; orig?: number; time?: number }[];
  /** Frames moved to another link layer (Ethernet only). */
  link?: 'raw' | 'loop' | 'loop-be' | 'sll' | 'sll2' | 'vlan';
  /** Records dropped or repeated. */
  drop: number[];
  repeat: number[];
  block?: 'spb' | 'opb';
}

export const captureEdit: fc.Arbitrary<CaptureEdit> = fc.record(
  {
    le: fc.boolean(),
    nano: fc.boolean(),
    snaplen: extreme,
    linkType: fc.constantFrom(0, 1, 1, 1, 9, 12, 101, 105, 108, 113, 127, 228, 229, 276, 0xffff, 0xffffffff),
    tsresol: fc.constantFrom(0, 3, 6, 9, 0x80 | 10, 0x80 | 63, 63, 64, 255),
    records: fc.array(fc.record({ which: fc.nat(), field: fc.nat(), value: extreme, orig: fc.option(extreme, { nil: undefined }), time: fc.option(extreme, { nil: undefined }) }, { requiredKeys: ['which', 'field', 'value'] }), { maxLength: 6 }),
    link: fc.constantFrom('raw' as const, 'loop' as const, 'loop-be' as const, 'sll' as const, 'sll2' as const, 'vlan' as const),
    drop: fc.array(fc.nat(), { maxLength: 3 }),
    repeat: fc.array(fc.nat(), { maxLength: 3 }),
    block: fc.constantFrom('spb' as const, 'opb' as const),
  },
  { requiredKeys: ['records', 'drop', 'repeat'] },
);

function setField(d: Uint8Array, offset: number, width: 1 | 2 | 4, value: number): Uint8Array {
  if (offset + width > d.length) return d;
  const out = d.slice();
  const dv = new DataView(out.buffer);
  if (width === 1) dv.setUint8(offset, value & 0xff);
  else if (width === 2) dv.setUint16(offset, value & 0xffff);
  else dv.setUint32(offset, value >>> 0);
  return out;
}

const LINKS: Record<NonNullable<CaptureEdit['link']>, [linkType: number, f: (d: Uint8Array) => Uint8Array]> = {
  raw: [101, ethToRaw],
  loop: [0, (d) => ethToLoop(d, false)],
  'loop-be': [108, (d) => ethToLoop(d, true)],
  sll: [113, ethToSll],
  sll2: [276, ethToSll2],
  vlan: [1, (d) => ethAddVlan(d, [100, 200])],
};

/**
 * A capture parsed into its header and records (test/import/helpers.ts, independent of src/),
 * changed as `edit` says, and written out again: the reader sees well-framed files whose fields
 * are wrong, which byte mutations seldom reach.
 */
export function rebuildCapture(bytes: Uint8Array, edit: CaptureEdit): Uint8Array {
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) : 0;
  const pickList = <T>(xs: T[]): T[] => {
    let out = xs.filter((_, i) => !edit.drop.some((d) => xs.length > 0 && d % xs.length === i));
    for (const r of edit.repeat) if (out.length) out = [...out, out[r % out.length]];
    return out;
  };
  if (magic === 0x0a0d0d0a) {
    const ng = parseNg(bytes);
    if (ng.interfaces.length === 0) return bytes;
    let packets = pickList(ng.packets);
    const wasEth = ng.interfaces.map((i) => i.linkType === 1);
    const interfaces = ng.interfaces.map((i) => ({ ...i }));
    if (edit.link) {
      const [lt, f] = LINKS[edit.link];
      packets = packets.map((p) => (wasEth[p.iface] ? { ...p, data: f(p.data) } : p));
      interfaces.forEach((i, k) => wasEth[k] && (i.linkType = lt));
    }
    if (edit.linkType !== undefined) interfaces[0].linkType = edit.linkType & 0xffff;
    if (edit.snaplen !== undefined) interfaces[0].snaplen = edit.snaplen >>> 0;
    if (edit.tsresol !== undefined) interfaces[0].tsresol = edit.tsresol;
    packets = packets.map((p, i) => {
      let q = { ...p, block: edit.block && i % 3 === 0 ? edit.block : p.block };
      for (const r of edit.records) {
        if (packets.length === 0 || r.which % packets.length !== i) continue;
        const [off, w] = FRAME_FIELDS[r.field % FRAME_FIELDS.length];
        q = { ...q, data: setField(q.data, off, w, r.value) };
        if (r.orig !== undefined) q.orig = r.orig >>> 0;
        if (r.time !== undefined) q.ts = BigInt(r.time >>> 0) << BigInt(r.time % 33);
        if (r.field % 7 === 0) q.iface = r.value % (interfaces.length + 2);
      }
      return q;
    });
    return writeNg(interfaces, packets, { le: edit.le });
  }
  let f: ClassicFile;
  try {
    f = parseClassic(bytes);
  } catch {
    return bytes;
  }
  let records = pickList(f.records);
  let linkType = f.linkType;
  if (edit.link && f.linkType === 1) {
    const [lt, conv] = LINKS[edit.link];
    records = records.map((r) => ({ ...r, data: conv(r.data) }));
    linkType = lt;
  }
  records = records.map((r0, i) => {
    let r = r0;
    for (const e of edit.records) {
      if (records.length === 0 || e.which % records.length !== i) continue;
      const [off, w] = FRAME_FIELDS[e.field % FRAME_FIELDS.length];
      r = { ...r, data: setField(r.data, off, w, e.value) };
      if (e.orig !== undefined) r.orig = e.orig >>> 0;
      if (e.time !== undefined) r = { ...r, sec: e.time >>> 0, frac: (e.time * 7) >>> 0 };
    }
    return r;
  });
  return writeClassic({ le: edit.le ?? f.le, nano: edit.nano ?? f.nano, snaplen: edit.snaplen === undefined ? f.snaplen : edit.snaplen >>> 0, linkType: edit.linkType === undefined ? linkType : edit.linkType >>> 0, records });
}

/** A capture to import: a corpus capture rebuilt with mutated fields and/or its bytes mutated. */
export const captureBytes: fc.Arbitrary<Uint8Array> = captures.length
  ? fc
      .tuple(fc.nat({ max: captures.length - 1 }), fc.option(captureEdit, { nil: undefined }), fc.nat({ max: 3 }), fc.integer())
      .map(([i, edit, rounds, seed]) => {
        let b = captures[i].bytes;
        if (edit) b = rebuildCapture(b, edit);
        let s = seed >>> 0;
        const rnd = (): number => {
          s = (s + 0x6d2b79f5) >>> 0;
          let t = s;
          t = Math.imul(t ^ (t >>> 15), t | 1);
          t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
          return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
        for (let k = 0; k < rounds; k++) b = mutateBytes(b, rnd);
        return b;
      })
  : fc.uint8Array({ maxLength: 2000 });

/** Import options: every filter and numbering, with values in and out of range. */
export const captureOptions = fc.record(
  {
    conn: fc.constantFrom(0, 1, 2, 3, 99, -1),
    port: fc.constantFrom(0, 80, 443, 22, 65535, 70000),
    host: fc.constantFrom('10.0.0.1', '192.168.1.1', '::1', '[2001:db8::1]', '', 'not an address'),
    absolute: fc.boolean(),
    waitThresholdMs: fc.constantFrom(-1, 0, 1, 200, 1e9),
    timestamps: fc.constantFrom('syn' as const, 'all' as const, 'none' as const),
    title: fc.string({ unit: 'binary', maxLength: 20 }),
  },
  { requiredKeys: [] },
);

// ---- LSP messages --------------------------------------------------------------------------------

export const LSP_METHODS = [
  'textDocument/hover', 'textDocument/completion', 'textDocument/codeAction', 'textDocument/documentSymbol', 'textDocument/inlayHint', 'textDocument/formatting',
  'textDocument/references', 'textDocument/definition', 'textDocument/prepareRename', 'textDocument/rename', 'textDocument/foldingRange', 'textDocument/semanticTokens/full',
  'textDocument/semanticTokens/range', 'tcpflow/statesAt', 'textDocument/didChange', 'textDocument/didOpen', 'textDocument/didClose', 'textDocument/didSave', '$/cancelRequest',
  'workspace/didChangeConfiguration', 'no/such/method', '$/setTrace', 'initialized',
];
/** The methods that are notifications (sent without an id). */
export const isNotification = (method: string): boolean => /^(textDocument\/did|\$\/|workspace\/|initialized$)/.test(method);

export const FUZZ_URIS = ['file:///fuzz/a.tcpflow', 'file:///fuzz/b.md', 'untitled:Untitled-1', 'file:///fuzz/c.txt'];
const count = fc.oneof(fc.constantFrom(0, 1, 2, 5, 40, -1, -3, 0.5, 1e9, 2 ** 31, 2 ** 31 - 1, 2 ** 53, -0), fc.integer({ min: -5, max: 60 }));
const position = fc.oneof({ weight: 4, arbitrary: fc.record({ line: count, character: count }) }, { weight: 1, arbitrary: fc.constantFrom(null, {}, { line: 'x', character: [] }, { line: 1 }, 0, 'here') });
const range = fc.oneof({ weight: 4, arbitrary: fc.record({ start: position, end: position }) }, { weight: 1, arbitrary: fc.constantFrom(null, {}, { start: null, end: null }, []) });
const uri = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FUZZ_URIS) }, { weight: 1, arbitrary: fc.constantFrom(null, 42, '', 'file:///nowhere.tcpflow', 'not a uri', {}) });
/** Any JSON value, small. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constant(null), fc.boolean(), fc.integer({ min: -500, max: 500 }), fc.string({ maxLength: 10 }), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('uri', 'text', 'line', 'character', 'range', 'position', 'version', 'tcpflow', 'language'), tie('v'), { maxKeys: 3 })),
})).v;
const docText = fc.oneof(structuredFlow, noteText, fc.constantFrom(...examples.map((e) => e.text)), tokenSoup);
const contentChange = fc.oneof({ weight: 4, arbitrary: fc.record({ range, text: fc.oneof(fc.constantFrom('', 'x', '\n', 'C -> S ACK ', '```mermaid\n', '\r\n', '😀'), statement) }, { requiredKeys: ['text'] }) }, { weight: 1, arbitrary: jsonValue });
const textDocument = fc.oneof({ weight: 6, arbitrary: fc.record({ uri, version: fc.oneof(count, fc.constant(null)), languageId: fc.constantFrom('tcpflow', 'markdown', 'plaintext', null), text: fc.oneof({ weight: 5, arbitrary: docText }, { weight: 1, arbitrary: fc.constantFrom(null, 5, undefined) }) }, { requiredKeys: ['uri'] }) }, { weight: 1, arbitrary: jsonValue });
/** Params with the fields every method reads, each possibly wrong, missing or out of range. */
export const lspParams: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ textDocument, position, range, contentChanges: fc.oneof(fc.array(contentChange, { maxLength: 3 }), jsonValue), context: fc.oneof(fc.record({ diagnostics: fc.oneof(fc.constant([]), jsonValue), only: fc.oneof(fc.constant(['quickfix']), jsonValue), includeDeclaration: fc.boolean() }, { requiredKeys: [] }), jsonValue), options: fc.oneof(fc.constant({ tabSize: 2, insertSpaces: true }), jsonValue), newName: fc.oneof(fc.constantFrom('D', '', 'a b', '客户端', '->'), jsonValue), id: fc.oneof(fc.nat({ max: 50 }), jsonValue), settings: fc.oneof(fc.record({ tcpflow: fc.record({ language: fc.constantFrom('en', 'zh-cn', 'auto', 'fr', 5), diagnostics: fc.oneof(fc.record({ delay: fc.constantFrom('auto', 0, 5, '10', -1, null), maxProblems: fc.constantFrom(0, 1, 1000, -1, 'x') }, { requiredKeys: [] }), jsonValue), inlayHints: jsonValue, markdown: jsonValue }, { requiredKeys: [] }) }), jsonValue), value: jsonValue }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: jsonValue },
);
/** How a message is framed on the wire: well, or wrongly in one of the ways clients go wrong. */
export type Framing = 'ok' | 'bad-length' | 'no-length' | 'short' | 'long' | 'garbage-before' | 'not-json' | 'json-array' | 'two-headers' | 'split';
export interface LspMessage {
  method: string;
  id?: number | string | null | object;
  params: unknown;
  framing: Framing;
  jsonrpc?: unknown;
}
export const lspMessage: fc.Arbitrary<LspMessage> = fc.record(
  {
    method: fc.constantFrom(...LSP_METHODS),
    id: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(null, 'str-id', {}, 1.5, -1) }),
    params: lspParams,
    framing: fc.oneof({ weight: 12, arbitrary: fc.constant('ok' as const) }, { weight: 1, arbitrary: fc.constantFrom<Framing>('bad-length', 'no-length', 'short', 'long', 'garbage-before', 'not-json', 'json-array', 'two-headers', 'split') }),
    jsonrpc: fc.oneof({ weight: 10, arbitrary: fc.constant('2.0') }, { weight: 1, arbitrary: fc.constantFrom('1.0', null, undefined, 2) }),
  },
  { requiredKeys: ['method', 'params', 'framing'] },
);
