/**
 * Recursive-descent parser, one statement per line. It never throws: every syntax error becomes
 * a finding and parsing resumes at the next line, so one pass reports every error.
 */
import * as ast from './ast';
import { Scanner, isIdentPart } from './scanner';
import { TokenKind, tokenNames } from './tokens';
import { PlainBody, fieldNodes, flagItem, readBody, sameLower } from './plain';
import type { Span } from './text';
import { FindingKey } from '../check/findings';

export interface SyntaxIssue {
  key: FindingKey;
  start: number;
  end: number;
  args: string[];
  /** Replacement for a machine-applicable fix, if any. */
  fix?: { start: number; end: number; newText: string; title: string };
}

export interface ParseResult {
  file: ast.File;
  issues: SyntaxIssue[];
}

/**
 * The flag a lower-case word names (ast.FLAG_NAMES), if any. Dispatches on the first letter so
 * that a word such as `seq` costs one comparison, not eight.
 */
function flagNamed(w: string): ast.FlagName | undefined {
  switch (w.charCodeAt(0)) {
    case 97: // a
      return w === 'ack' ? 'ACK' : undefined;
    case 115: // s
      return w === 'syn' ? 'SYN' : undefined;
    case 102: // f
      return w === 'fin' ? 'FIN' : undefined;
    case 112: // p
      return w === 'psh' ? 'PSH' : undefined;
    case 114: // r
      return w === 'rst' ? 'RST' : undefined;
    case 117: // u
      return w === 'urg' ? 'URG' : undefined;
    case 101: // e
      return w === 'ece' ? 'ECE' : undefined;
    case 99: // c
      return w === 'cwr' ? 'CWR' : undefined;
  }
  return undefined;
}
const CALLS = new Map<string, ast.CallName>([
  ['open', 'open'],
  ['connect', 'open'],
  ['listen', 'listen'],
  ['accept', 'accept'],
  ['read', 'read'],
  ['recv', 'read'],
  ['close', 'close'],
  ['shutdown', 'shutdown'],
  ['abort', 'abort'],
]);
const MODIFIERS = new Set<ast.Modifier>(['lost', 'dup', 'dropped', 'rtx', 'old', 'cross']);
// Maps, not plain objects: a word such as `constructor` must not find Object.prototype's.
const MODIFIER_ALIASES = new Map<string, ast.Modifier>([['duplicate', 'dup'], ['retransmit', 'rtx'], ['retransmission', 'rtx'], ['drop', 'dropped'], ['loss', 'lost']]);
export const TLS_MESSAGES = [
  'ClientHello', 'ServerHello', 'HelloRetryRequest', 'EncryptedExtensions', 'Certificate', 'ServerKeyExchange',
  'CertificateRequest', 'ServerHelloDone', 'ClientKeyExchange', 'CertificateVerify', 'ChangeCipherSpec',
  'Finished', 'NewSessionTicket', 'ApplicationData', 'Alert',
];
const TLS_LOOKUP = new Map(TLS_MESSAGES.map((m) => [m.toLowerCase(), m]));
const SEGMENT_WORDS = 'a flag (SYN ACK FIN RST PSH URG), seq=, ack=, len=, win=, mss=, wscale=, sackOK, ts=, tfo, a "label", http, tls, lost, dup, dropped, rtx, old, cross, as or delay=';
const STATEMENT_WORDS = "client, server, endpoint, attacker, title, note, phase, wait, deliver, msl, numbers, or an endpoint name followed by '->', ':' or a call";
const MAX32 = 0xffffffff;
const NO_FLAGS: ast.FlagItem[] = [];
const NO_SPAN: Span = { start: 0, end: 0 };

/** Units of a duration, in milliseconds. (A plain object, looked up with the lower-case unit.) */
const DURATION_FACTORS = new Map<string, number>([['ms', 1], ['s', 1000], ['sec', 1000], ['m', 60000], ['min', 60000], ['h', 3600000], ['us', 0.001]]);
/** Numeric options of an endpoint statement and the field each one sets. */
const ENDPOINT_NUMBERS = new Map<string, keyof ast.EndpointStmt>([['isn', 'isn'], ['iss', 'isn'], ['backlog', 'backlog'], ['acceptq', 'acceptq'], ['rcvbuf', 'rcvbuf'], ['win', 'win'], ['window', 'win'], ['mss', 'mss'], ['wscale', 'wscale']]);

/**
 * Parse `text`, or only its lines from `start` to `end` (both line starts): statements never
 * reach across a line, so a parse of some lines gives the statements, comments and issues a
 * parse of the whole text has on them.
 */
export function parse(text: string, start = 0, end = text.length, options: ParseOptions = {}): ParseResult {
  return new Parser(text, start, end, options.comments ?? true, options.fastLines ?? true).parseFile();
}

export interface ParseOptions {
  /** False leaves `file.comments` empty (for a reader that needs only statements and issues). */
  comments?: boolean;
  /** False reads every segment line token by token, never by `fastSegmentBody`: the reference
   * the fast path is tested against (test/core/parser-fast.test.ts). */
  fastLines?: boolean;
}

const NO_COMMENTS = { comments: false };

/** The words that begin an endpoint declaration (in any case). */
const DECLARATION_WORDS = ['client', 'server', 'endpoint', 'host', 'attacker'];

/**
 * The endpoint declarations of `text`, as `parse(text)` gives them, without parsing the rest:
 * only the lines that can hold one are parsed (those whose first word is a declaration word,
 * and those with a lone CR, which are several lines to the scanner). The checker declares every
 * endpoint before the first statement, so a check of a text read in pieces (`analyzeFindings`)
 * needs them first.
 */
export function parseDeclarations(text: string): ast.EndpointStmt[] {
  const out: ast.EndpointStmt[] = [];
  const n = text.length;
  let cr = -1;
  for (let start = 0; start < n; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? n : nl + 1;
    if (cr < start) cr = text.indexOf('\r', start) >>> 0; // (none: 2^32 - 1, beyond any line)
    let candidate = false;
    while (cr < end) {
      if (text.charCodeAt(cr + 1) !== 10) {
        candidate = true;
        break;
      }
      cr = text.indexOf('\r', cr + 1) >>> 0;
    }
    if (candidate || startsWithDeclarationWord(text, start, end)) {
      for (const st of parse(text, start, end, NO_COMMENTS).file.statements) if (st.kind === 'endpoint') out.push(st);
    }
    start = end;
  }
  return out;
}

/**
 * Is the first word of the line at `start` a declaration word? (A statement ends its line, or a
 * `;` and then an error; the parser skips blanks and `;` or `；` before one.)
 */
function startsWithDeclarationWord(text: string, start: number, end: number): boolean {
  let p = start;
  for (; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c !== 32 && c !== 9 && c !== 0xfeff && c !== 0x3000 && c !== 0xa0 && c !== 59 && c !== 0xff1b) break; // (；: the scanner's ;)
  }
  for (const w of DECLARATION_WORDS) {
    const after = p + w.length;
    if (after <= end && sameLower(text, p, w) && !(after < text.length && isIdentPart(text.charCodeAt(after)))) return true;
  }
  return false;
}

/**
 * The parser reads the current token from the scanner's `token*` fields (no token objects) and
 * keyword-tests identifiers through the scanner's cached lower-case text (no allocation).
 */
class Parser {
  private readonly scanner: Scanner;
  private readonly issues: SyntaxIssue[] = [];
  /** Flags of the segment being parsed, the first `flagCount` entries (copied into an array of the right size at its end). */
  private readonly flags: ast.FlagItem[] = [];
  private flagCount = 0;
  /** End of the last flag of the segment being parsed. */
  private flagsEnd = -1;
  private exprDepth = 0;
  /** What `fastSegmentBody` read (reused from line to line). */
  private readonly body = new PlainBody();

  constructor(
    private readonly text: string,
    start: number,
    end: number,
    keepComments: boolean,
    private readonly fastLines: boolean,
  ) {
    this.scanner = new Scanner(
      text,
      (kind, from, to, t) => {
        if (kind === 'unterminated-string') {
          this.issues.push({ key: 'unterminatedString', start: from, end: to, args: ['"'], fix: { start: to, end: to, newText: '"', title: 'Add the closing quote' } });
        } else {
          this.issues.push({ key: 'invalidCharacter', start: from, end: to, args: [t] });
        }
      },
      start,
      end,
      keepComments,
    );
    this.advance();
  }

  private advance(): TokenKind {
    return this.scanner.next();
  }

  /** Kind of the current token. */
  private k(): TokenKind {
    return this.scanner.tokenKind;
  }

  private atLineEnd(): boolean {
    const k = this.scanner.tokenKind;
    return k === TokenKind.Newline || k === TokenKind.EOF;
  }

  /** The current token for a message: its text in quotes, or 'end of line'. */
  private describe(): string {
    const k = this.scanner.tokenKind;
    if (k === TokenKind.Newline || k === TokenKind.EOF) return tokenNames[k];
    return `'${this.scanner.tokenText()}'`;
  }

  private error(key: FindingKey, start: number, end: number, args: string[], fix?: SyntaxIssue['fix']): void {
    this.issues.push({ key, start, end, args, fix });
  }

  private expectedHere(what: string): void {
    const sc = this.scanner;
    const end = this.atLineEnd() ? sc.tokenStart : sc.tokenEnd;
    this.error('expected', sc.tokenStart, end, [what, this.describe()]);
  }

  /** Skip to the start of the next line. */
  private skipLine(): void {
    while (!this.atLineEnd()) this.advance();
  }

  /** Span of the current token. */
  private span(): Span {
    return { start: this.scanner.tokenStart, end: this.scanner.tokenEnd };
  }

  /** The current token, an identifier, as a name. */
  private name(): ast.Name {
    const sc = this.scanner;
    return { start: sc.tokenStart, end: sc.tokenEnd, text: sc.identifierText() };
  }

  parseFile(): ParseResult {
    const statements: ast.Statement[] = [];
    while (this.k() !== TokenKind.EOF) {
      if (this.k() === TokenKind.Newline || this.k() === TokenKind.Semicolon) {
        this.advance();
        continue;
      }
      const stmt = this.parseStatement();
      if (stmt) statements.push(stmt);
      if (!this.atLineEnd()) {
        if (this.k() === TokenKind.Semicolon) this.advance();
        if (!this.atLineEnd()) {
          this.expectedHere('end of line');
          this.skipLine();
        }
      }
    }
    return { file: { text: this.text, statements, comments: this.scanner.comments }, issues: this.issues };
  }

  private parseStatement(): ast.Statement | undefined {
    const sc = this.scanner;
    const start = sc.tokenStart;
    if (sc.tokenKind !== TokenKind.Ident) {
      this.error('unknownStatement', start, sc.tokenEnd, [sc.tokenText(), STATEMENT_WORDS]);
      this.skipLine();
      return undefined;
    }
    const word = sc.identifierLower();
    // Keywords only count as keywords when they are not used as an endpoint name in a segment or
    // an assertion: peek at what follows.
    switch (word) {
      case 'client':
      case 'server':
      case 'endpoint':
      case 'host':
        return this.parseEndpoint(word === 'host' ? 'endpoint' : (word as ast.EndpointRole));
      case 'attacker':
        // (Only with a name after it: `attacker -> S ...` is an endpoint named attacker.)
        if (this.peekIsName()) return this.parseEndpoint('attacker');
        break;
      case 'title':
        return this.parseTextStatement('title');
      case 'phase':
        return this.parseTextStatement('phase');
      case 'note':
        return this.parseNote();
      case 'wait':
        return this.parseWait();
      case 'msl':
        return this.parseMsl();
      case 'deliver':
        return this.parseDeliver();
      case 'numbers':
        return this.parseNumbers();
    }
    const name = this.name();
    this.advance();
    switch (this.k()) {
      case TokenKind.Arrow:
        return this.parseSegment(name);
      case TokenKind.Colon:
      case TokenKind.Comma:
      case TokenKind.LBracket:
        return this.parseAssert(name);
      case TokenKind.Ident: {
        const call = CALLS.get(sc.identifierLower());
        if (call) {
          const callSpan = this.span();
          this.advance();
          let peer: ast.Name | undefined;
          let bytes: ast.CallStmt['bytes'];
          // `S read [N] [PEER]`: a read may say how many bytes; the peer may come before or after.
          if (call === 'read' && this.k() === TokenKind.Number) bytes = this.readBytes();
          if (this.k() === TokenKind.Ident) {
            peer = this.name();
            this.advance();
          }
          if (call === 'read' && !bytes && this.k() === TokenKind.Number) bytes = this.readBytes();
          let end = callSpan.end;
          if (peer && peer.end > end) end = peer.end;
          if (bytes && bytes.span.end > end) end = bytes.span.end;
          return bytes ? { kind: 'call', endpoint: name, call, callSpan, peer, bytes, start, end } : { kind: 'call', endpoint: name, call, callSpan, peer, start, end };
        }
        break;
      }
    }
    this.error('unknownStatement', name.start, name.end, [name.text, STATEMENT_WORDS]);
    this.skipLine();
    return undefined;
  }

  private restOfLineText(): { text: string; span: Span } | undefined {
    if (this.atLineEnd()) return undefined;
    const sc = this.scanner;
    if (sc.tokenKind === TokenKind.String) {
      const text = sc.tokenValue();
      const span = this.span();
      this.advance();
      return { text, span };
    }
    const start = sc.tokenStart;
    let end = start;
    while (!this.atLineEnd()) {
      end = sc.tokenEnd;
      this.advance();
    }
    return { text: this.text.slice(start, end), span: { start, end } };
  }

  private parseTextStatement(kind: 'title' | 'phase'): ast.TitleStmt | ast.PhaseStmt {
    const start = this.scanner.tokenStart;
    const kwEnd = this.scanner.tokenEnd;
    this.advance();
    const rest = this.restOfLineText();
    if (!rest) this.expectedHere(`the ${kind} text`);
    return { kind, text: rest?.text ?? '', start, end: rest?.span.end ?? kwEnd } as ast.TitleStmt | ast.PhaseStmt;
  }

  private parseNote(): ast.NoteStmt {
    const start = this.scanner.tokenStart;
    let end = this.scanner.tokenEnd;
    this.advance();
    const over: ast.Name[] = [];
    // `note C "text"` / `note C, S "text"` / `note "text"` / `note free words`
    if (this.k() === TokenKind.Ident) {
      // Names only count as targets when a string follows the name list.
      const mark = this.scanner.mark();
      const names: ast.Name[] = [];
      let ok = false;
      for (;;) {
        if (this.k() !== TokenKind.Ident) break;
        names.push(this.name());
        this.advance();
        if (this.k() === TokenKind.Comma) {
          this.advance();
          continue;
        }
        if (this.k() === TokenKind.String || this.k() === TokenKind.Colon) ok = true;
        break;
      }
      if (ok) {
        for (const n of names) over.push(n);
        if (this.k() === TokenKind.Colon) this.advance();
      } else {
        // Rewind: the words are the note text.
        this.scanner.reset(mark);
      }
    }
    const rest = this.restOfLineText();
    if (!rest) this.expectedHere('the note text');
    end = rest?.span.end ?? end;
    return { kind: 'note', over, text: rest?.text ?? '', start, end };
  }

  private parseDuration(): { d: ast.Duration; span: Span } | undefined {
    const sc = this.scanner;
    const start = sc.tokenStart;
    const end = sc.tokenEnd;
    if (sc.tokenKind === TokenKind.Ident) {
      const w = sc.identifierLower();
      if (w === 'msl') {
        this.advance();
        return { d: { msl: 1 }, span: { start, end } };
      }
      if (w === 'rto' || w === 'timeout') {
        this.advance();
        return { d: { rto: true }, span: { start, end } };
      }
      this.expectedHere('a duration (2MSL, 30s, 200ms, RTO)');
      return undefined;
    }
    if (sc.tokenKind !== TokenKind.Number) {
      this.expectedHere('a duration (2MSL, 30s, 200ms, RTO)');
      return undefined;
    }
    const n = sc.numberValue();
    this.advance();
    // Unit must touch the number: `2MSL`, `30s`, `200ms`; a space is tolerated.
    if (this.k() === TokenKind.Ident) {
      const unit = sc.identifierLower();
      const unitEnd = sc.tokenEnd;
      if (unit === 'msl') {
        this.advance();
        return { d: { msl: n }, span: { start, end: unitEnd } };
      }
      const factor = DURATION_FACTORS.get(unit);
      if (factor !== undefined) {
        this.advance();
        return { d: { ms: n * factor }, span: { start, end: unitEnd } };
      }
    }
    // Bare number: seconds.
    return { d: { ms: n * 1000 }, span: { start, end } };
  }

  private parseWait(): ast.WaitStmt | undefined {
    const start = this.scanner.tokenStart;
    this.advance();
    const d = this.parseDuration();
    if (!d) {
      this.skipLine();
      return undefined;
    }
    return { kind: 'wait', duration: d.d, durationSpan: d.span, start, end: d.span.end };
  }

  private parseMsl(): ast.MslStmt | undefined {
    const start = this.scanner.tokenStart;
    this.advance();
    const d = this.parseDuration();
    if (!d || d.d.ms === undefined) {
      if (d) this.error('expected', d.span.start, d.span.end, ['a time such as 30s or 2min', `'${this.text.slice(d.span.start, d.span.end)}'`]);
      this.skipLine();
      return undefined;
    }
    return { kind: 'msl', ms: d.d.ms, start, end: d.span.end };
  }

  private parseDeliver(): ast.DeliverStmt | undefined {
    const start = this.scanner.tokenStart;
    this.advance();
    if (this.k() !== TokenKind.Ident) {
      this.expectedHere('the id of a delayed segment');
      this.skipLine();
      return undefined;
    }
    const id = this.name();
    this.advance();
    return { kind: 'deliver', id, start, end: id.end };
  }

  private parseNumbers(): ast.NumbersStmt | undefined {
    const sc = this.scanner;
    const start = sc.tokenStart;
    this.advance();
    const w = sc.tokenKind === TokenKind.Ident ? sc.identifierLower() : '';
    if (w !== 'relative' && w !== 'absolute') {
      this.expectedHere("'relative' or 'absolute'");
      this.skipLine();
      return undefined;
    }
    const end = sc.tokenEnd;
    this.advance();
    return { kind: 'numbers', mode: w, start, end };
  }

  private parseEndpoint(role: ast.EndpointRole): ast.EndpointStmt | undefined {
    const sc = this.scanner;
    const roleSpan = this.span();
    this.advance();
    if (this.k() !== TokenKind.Ident) {
      this.expectedHere('an endpoint name');
      this.skipLine();
      return undefined;
    }
    const name = this.name();
    this.advance();
    const stmt: ast.EndpointStmt = { kind: 'endpoint', role, roleSpan, name, start: roleSpan.start, end: name.end };
    while (!this.atLineEnd() && this.k() !== TokenKind.Semicolon) {
      const kind = sc.tokenKind;
      const tStart = sc.tokenStart;
      const tEnd = sc.tokenEnd;
      if (kind === TokenKind.Comma) {
        this.advance();
        continue;
      }
      if (kind === TokenKind.Address) {
        const value = sc.tokenValue();
        let host = value;
        let port: number | undefined;
        let end = tEnd;
        this.advance();
        if (this.k() === TokenKind.Colon && !sc.tokenSpaceBefore) {
          this.advance();
          if (this.k() === TokenKind.Number) {
            port = this.uint('port', 65535);
            end = sc.tokenEnd;
            this.advance();
          } else this.expectedHere('a port number');
        }
        if (value.includes(':')) host = `[${value}]`;
        stmt.address = { host, port, span: { start: tStart, end } };
        stmt.end = end;
        continue;
      }
      if (kind === TokenKind.Ident) {
        const w = sc.identifierLower();
        const field = ENDPOINT_NUMBERS.get(w);
        if (field) {
          const f = this.numberField(field === 'isn' ? MAX32 : w === 'wscale' ? 14 : MAX32, w);
          if (f) {
            (stmt as unknown as Record<string, unknown>)[field] = f;
            stmt.end = f.end;
          }
          continue;
        }
        if (w === 'state' || w === 'start') {
          this.advance();
          if (this.k() === TokenKind.Equals) this.advance();
        }
        if (this.k() === TokenKind.Ident) {
          const st = this.stateText();
          stmt.startState = st;
          stmt.end = st.span.end;
          continue;
        }
      }
      this.error('unknownWord', tStart, tEnd, [this.text.slice(tStart, tEnd), 'an address, a start state, isn=, backlog=, acceptq=, rcvbuf=, win=, mss= or wscale=']);
      // Past the word reported, unless `state` already was (then the line may have ended: a
      // statement never reaches into the next line).
      if (sc.tokenStart === tStart) this.advance();
    }
    return stmt;
  }

  /** A state name, possibly written with hyphens: `FIN-WAIT-1`, `SYN_SENT`. */
  private stateText(): { text: string; span: Span } {
    const sc = this.scanner;
    const start = sc.tokenStart;
    let end = sc.tokenEnd;
    this.advance();
    while (
      !sc.tokenSpaceBefore &&
      (sc.tokenKind === TokenKind.Minus || ((sc.tokenKind === TokenKind.Ident || sc.tokenKind === TokenKind.Number) && this.text.charCodeAt(sc.tokenStart - 1) === 45))
    ) {
      end = sc.tokenEnd;
      this.advance();
    }
    return { text: this.text.slice(start, end), span: { start, end } };
  }

  /** The current token, a number, as an integer in [0, max]; reports and gives 0 otherwise. */
  private uint(what: string, max: number): number {
    const sc = this.scanner;
    const n = sc.numberValue();
    if (!Number.isSafeInteger(n) || n < 0 || n > max) {
      this.error('badNumber', sc.tokenStart, sc.tokenEnd, [sc.tokenValue(), what, String(max)]);
      return 0;
    }
    return n;
  }

  /** The byte count of `S read N`, on the current token (a number). */
  private readBytes(): { value: number; span: Span } {
    const span = this.span();
    const value = this.uint('byte count', MAX32);
    this.advance();
    return { value, span };
  }

  /** `key=NUMBER` with the current token on the key. */
  private numberField(max: number, what: string): ast.Field<number> | undefined {
    const sc = this.scanner;
    const keyStart = sc.tokenStart;
    const keyEnd = sc.tokenEnd;
    this.advance();
    if (this.k() !== TokenKind.Equals) {
      this.expectedHere(`'=' after ${what}`);
      return undefined;
    }
    this.advance();
    if (this.k() !== TokenKind.Number) {
      this.expectedHere(`a number for ${what}`);
      return undefined;
    }
    const valueStart = sc.tokenStart;
    const valueEnd = sc.tokenEnd;
    const value = this.uint(what, max);
    this.advance();
    return { key: { start: keyStart, end: keyEnd }, valueSpan: { start: valueStart, end: valueEnd }, value, start: keyStart, end: valueEnd };
  }

  private parseExpr(): ast.Expr | undefined {
    if (this.exprDepth > 32) {
      this.expectedHere('at most 32 nested parentheses');
      this.skipLine();
      return undefined;
    }
    // parseExprInner never throws, so the depth needs no try/finally.
    this.exprDepth++;
    const e = this.parseExprInner();
    this.exprDepth--;
    return e;
  }

  private parseExprInner(): ast.Expr | undefined {
    const sc = this.scanner;
    const start = sc.tokenStart;
    let end = start;
    let offset = 0;
    let symbol: ast.Name | undefined;
    let hasLiteral = false;
    let sign = 1;
    let first = true;
    for (;;) {
      if (!first) {
        if (sc.tokenKind === TokenKind.Plus) sign = 1;
        else if (sc.tokenKind === TokenKind.Minus) sign = -1;
        else break;
        this.advance();
      } else if (sc.tokenKind === TokenKind.Minus) {
        sign = -1;
        this.advance();
      }
      first = false;
      const kind = sc.tokenKind;
      if (kind === TokenKind.Number) {
        const n = sc.numberValue();
        if (!Number.isSafeInteger(n) || n > MAX32) this.error('badNumber', sc.tokenStart, sc.tokenEnd, [sc.tokenValue(), 'sequence number', String(MAX32)]);
        offset = (offset + sign * (n % 0x100000000)) >>> 0;
        hasLiteral = true;
        end = sc.tokenEnd;
        this.advance();
      } else if (kind === TokenKind.Ident) {
        if (symbol) this.error('twoSymbols', sc.tokenStart, sc.tokenEnd, [symbol.text, sc.identifierText()]);
        else if (sign < 0) this.error('expected', sc.tokenStart, sc.tokenEnd, ['a name added, not subtracted (write x+1 or x-1)', `'-${sc.identifierText()}'`]);
        else symbol = this.name();
        end = sc.tokenEnd;
        this.advance();
      } else if (kind === TokenKind.LParen) {
        this.advance();
        const inner = this.parseExpr();
        if (inner) {
          if (inner.symbol) {
            if (symbol) this.error('twoSymbols', inner.symbol.start, inner.symbol.end, [symbol.text, inner.symbol.text]);
            else symbol = inner.symbol;
          }
          offset = (offset + sign * inner.offset) >>> 0;
          hasLiteral = hasLiteral || inner.hasLiteral;
        }
        if (sc.tokenKind === TokenKind.RParen) {
          end = sc.tokenEnd;
          this.advance();
        } else this.expectedHere("')'");
      } else {
        this.expectedHere('a number or a name');
        return undefined;
      }
    }
    return { start, end, symbol, offset, hasLiteral };
  }

  private parseSegment(from: ast.Name): ast.SegmentStmt {
    const sc = this.scanner;
    const arrow = this.span();
    this.advance();
    let to: ast.Name;
    if (this.k() === TokenKind.Ident) {
      to = this.name();
      this.advance();
    } else {
      this.expectedHere('the receiving endpoint');
      to = { start: arrow.end, end: arrow.end, text: '' };
    }
    // `flags` and `flagsSpan` are placeholders until the end of the line.
    const seg: ast.SegmentStmt = {
      kind: 'segment', from, to, arrow, flags: NO_FLAGS, flagsSpan: NO_SPAN, modifiers: [], start: from.start, end: to.end,
    };
    let inBrackets = false;
    this.flagCount = 0;
    this.flagsEnd = -1;
    // Most segment lines (every line an import writes) are flags and plain `key=number` fields;
    // they are read straight from the characters. Anything else takes the loop below.
    if (sc.tokenKind === TokenKind.Ident && this.fastLines) this.fastSegmentBody(seg);
    while (!this.atLineEnd() && sc.tokenKind !== TokenKind.Semicolon) {
      const tStart = sc.tokenStart;
      const tEnd = sc.tokenEnd;
      switch (sc.tokenKind) {
        case TokenKind.Comma:
        case TokenKind.Plus:
        case TokenKind.Slash:
          this.advance();
          continue;
        case TokenKind.LBracket:
          inBrackets = true;
          this.advance();
          continue;
        case TokenKind.RBracket:
          if (inBrackets) {
            inBrackets = false;
            seg.end = tEnd;
            this.advance();
            continue;
          }
          break;
        case TokenKind.String: {
          if (seg.label) this.error('duplicateField', tStart, tEnd, ['label']);
          seg.label = { text: sc.tokenValue(), span: { start: tStart, end: tEnd } };
          seg.end = tEnd;
          this.advance();
          continue;
        }
        case TokenKind.Ident: {
          const end = this.segmentWord(seg);
          if (end >= 0) {
            if (end > seg.end) seg.end = end;
            continue;
          }
          this.error('unknownWord', tStart, tEnd, [sc.identifierText(), SEGMENT_WORDS]);
          this.advance();
          if (this.k() === TokenKind.Equals) {
            this.advance();
            this.skipValue();
          }
          continue;
        }
      }
      this.error('unknownWord', tStart, tEnd, [this.text.slice(tStart, tEnd), SEGMENT_WORDS]);
      this.advance();
    }
    if (this.flagCount > 0) {
      seg.flags = this.flags.slice(0, this.flagCount);
      seg.flagsSpan = { start: this.flags[0].start, end: this.flagsEnd };
    } else {
      seg.flags = [];
      seg.flagsSpan = { start: to.end, end: to.end };
    }
    return seg;
  }

  /**
   * The body of a segment line read straight from the characters, when it holds only flag words
   * (`SYN`, `ack`) and fields `seq=`, `ack=`, `len=`, `win=`, `mss=`, `wscale=` with a plain
   * decimal number, separated by blanks, then maybe a comment: the commonest line by far. It
   * makes exactly the nodes the token loop makes for such a line (in the same order, with the
   * same spans) and leaves the scanner after the last of them. On anything else (another word,
   * punctuation, an expression, a number out of range, a repeated field, `=` after a flag) it
   * changes nothing and returns false: the token loop reads the line and reports what it must.
   * The current token is the first of the body, an identifier.
   */
  private fastSegmentBody(seg: ast.SegmentStmt): boolean {
    const body = this.body;
    const last = readBody(this.text, this.scanner.tokenStart, this.scanner.limit, body);
    if (last < 0) return false;
    for (let i = 0; i < body.flagCount; i++) this.addFlag(flagItem(body, i));
    fieldNodes(body, seg);
    if (last > seg.end) seg.end = last;
    this.scanner.skipTo(last);
    return true;
  }

  /**
   * Parse one word of a segment body (the current token, an identifier). Returns the end offset
   * of what it consumed, or -1 if the word is unknown (nothing consumed). A flag also moves
   * `flagsEnd`.
   */
  private segmentWord(seg: ast.SegmentStmt): number {
    const sc = this.scanner;
    const tStart = sc.tokenStart;
    const tEnd = sc.tokenEnd;
    const w = sc.identifierLower();
    const flag = w.length === 3 ? flagNamed(w) : undefined; // every flag name has three letters
    const next = this.peekIsEquals();
    // `ACK` in capitals (or any flag name) followed by `=`: bit style, `SYN=1`.
    if (flag && next && !(w === 'ack' && sc.identifierText() !== 'ACK')) {
      this.advance(); // name
      this.advance(); // '='
      const vStart = sc.tokenStart;
      const vEnd = sc.tokenEnd;
      if (sc.tokenKind === TokenKind.Number && vEnd - vStart === 1 && (this.text.charCodeAt(vStart) === 48 || this.text.charCodeAt(vStart) === 49)) {
        const set = this.text.charCodeAt(vStart) === 49;
        this.advance();
        this.addFlag({ flag, set, bitStyle: true, start: tStart, end: vEnd });
        return vEnd;
      }
      if (flag === 'ACK') {
        // `ACK=x+1`: the number written into the flag.
        const key = { start: tStart, end: tEnd };
        const e = this.parseExpr();
        if (!e) return key.end;
        seg.ackFlagValue = { key, valueSpan: { start: e.start, end: e.end }, value: e, start: key.start, end: e.end };
        return e.end;
      }
      // Nothing after the '=' on this line: the finding sits at the line end, and the statement
      // stops there (it never takes in the line break).
      const end = this.atLineEnd() ? vStart : vEnd;
      this.error('expected', vStart, end, [`0 or 1 for the ${flag} flag`, this.describe()]);
      this.skipValue();
      return end;
    }
    if (flag && !next) {
      this.advance();
      this.addFlag({ flag, set: true, bitStyle: false, start: tStart, end: tEnd });
      return tEnd;
    }
    switch (w) {
      case 'seq':
      case 'ack': {
        if (!next) return -1;
        this.advance();
        this.advance();
        const e = this.parseExpr();
        if (!e) {
          this.skipValue();
          return tEnd;
        }
        const field: ast.Field<ast.Expr> = { key: { start: tStart, end: tEnd }, valueSpan: { start: e.start, end: e.end }, value: e, start: tStart, end: e.end };
        if (w === 'seq') {
          if (seg.seq) this.error('duplicateField', tStart, e.end, [w]);
          else seg.seq = field;
        } else {
          if (seg.ack) this.error('duplicateField', tStart, e.end, [w]);
          else seg.ack = field;
        }
        return e.end;
      }
      case 'len':
      case 'win':
      case 'mss':
      case 'wscale': {
        const f = this.numberField(w === 'wscale' ? 14 : w === 'mss' || w === 'win' ? 0xffffffff : 0x7fffffff, w);
        if (!f) {
          this.skipValue();
          return tEnd;
        }
        const existing = w === 'len' ? seg.len : w === 'win' ? seg.win : w === 'mss' ? seg.mss : seg.wscale;
        if (existing) this.error('duplicateField', f.start, f.end, [w]);
        else if (w === 'len') seg.len = f;
        else if (w === 'win') seg.win = f;
        else if (w === 'mss') seg.mss = f;
        else seg.wscale = f;
        return f.end;
      }
      case 'sackok':
      case 'sack_perm':
      case 'sackperm':
        this.advance();
        seg.sackOk = { start: tStart, end: tEnd };
        return tEnd;
      case 'ts':
      case 'tsval': {
        const key = { start: tStart, end: tEnd };
        this.advance();
        if (this.k() !== TokenKind.Equals) {
          this.expectedHere("'=' after ts");
          return key.end;
        }
        this.advance();
        if (this.k() !== TokenKind.Number) {
          this.expectedHere('a timestamp value');
          return key.end;
        }
        const valueStart = sc.tokenStart;
        const val = this.uint('timestamp', MAX32);
        let end = sc.tokenEnd;
        let ecr = 0;
        this.advance();
        if (this.k() === TokenKind.Slash) {
          this.advance();
          if (this.k() === TokenKind.Number) {
            ecr = this.uint('timestamp echo', MAX32);
            end = sc.tokenEnd;
            this.advance();
          } else this.expectedHere('the echoed timestamp');
        }
        seg.ts = { key, valueSpan: { start: valueStart, end }, value: { val, ecr }, start: key.start, end };
        return end;
      }
      case 'as': {
        // `as NAME`: the spoofed source of a third party's segment.
        const key = { start: tStart, end: tEnd };
        this.advance();
        if (this.k() !== TokenKind.Ident) {
          this.expectedHere('the endpoint whose address is spoofed (as C)');
          return key.end;
        }
        const who = this.name();
        this.advance();
        if (seg.as) this.error('duplicateField', tStart, who.end, [w]);
        else seg.as = who;
        return who.end;
      }
      case 'tfo':
      case 'fastopen': {
        // RFC 7413 §4.1.1: `tfo` (cookie request) or `tfo=COOKIE` (a number or a name).
        const key = { start: tStart, end: tEnd };
        this.advance();
        if (seg.tfo) this.error('duplicateField', tStart, tEnd, [w]);
        if (this.k() !== TokenKind.Equals) {
          seg.tfo ??= { span: key };
          return key.end;
        }
        this.advance();
        if (this.atLineEnd() || (this.k() !== TokenKind.Number && this.k() !== TokenKind.Ident)) {
          this.expectedHere('a Fast Open cookie (tfo=0x4f1c2a9e)');
          return key.end;
        }
        const cs = sc.tokenStart;
        const ce = sc.tokenEnd;
        this.advance();
        seg.tfo ??= { span: { start: tStart, end: ce }, cookie: this.text.slice(cs, ce).toLowerCase(), cookieSpan: { start: cs, end: ce } };
        return ce;
      }
      case 'delay':
      case 'delayed': {
        const key = { start: tStart, end: tEnd };
        this.advance();
        if (this.k() === TokenKind.Equals) this.advance();
        if (this.k() !== TokenKind.Ident) {
          this.expectedHere('an id for the delayed segment (delay=old1)');
          return key.end;
        }
        const id = this.name();
        this.advance();
        seg.delay = { key, valueSpan: { start: id.start, end: id.end }, value: id, start: key.start, end: id.end };
        return id.end;
      }
      case 'http':
      case 'https':
        return this.parseHttp(seg);
      case 'tls':
      case 'tls12':
      case 'tls13':
      case 'tls1.2':
      case 'tls1.3':
        return this.parseTls(seg, w === 'tls12' || w === 'tls1.2' ? '1.2' : w === 'tls13' || w === 'tls1.3' ? '1.3' : undefined);
    }
    const mod = MODIFIERS.has(w as ast.Modifier) ? (w as ast.Modifier) : MODIFIER_ALIASES.get(w);
    if (mod) {
      this.advance();
      seg.modifiers.push({ name: mod, span: { start: tStart, end: tEnd } });
      return tEnd;
    }
    return -1;
  }

  private addFlag(item: ast.FlagItem): void {
    this.flags[this.flagCount++] = item;
    this.flagsEnd = item.end;
  }

  private skipValue(): void {
    const sc = this.scanner;
    while (!this.atLineEnd() && sc.tokenKind !== TokenKind.Comma && !(sc.tokenKind === TokenKind.Ident && sc.tokenSpaceBefore)) this.advance();
  }

  /** Whether `=` follows the current token (after optional spaces). */
  /** Is the next token (after blanks) a name? (The raw text, as `peekIsEquals` reads it.) */
  private peekIsName(): boolean {
    const text = this.text;
    let p = this.scanner.tokenEnd;
    while (p < text.length && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
    return p > this.scanner.tokenEnd && p < text.length && /[\p{L}_]/u.test(text[p]);
  }

  private peekIsEquals(): boolean {
    // The scanner has no lookahead buffer; peek at the raw text.
    let p = this.scanner.tokenEnd;
    const text = this.text;
    while (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9) p++;
    const c = text.charCodeAt(p);
    return c === 61 || c === 0xff1d;
  }

  /** `http "start line" [close | keep-alive]`; returns the end offset. */
  private parseHttp(seg: ast.SegmentStmt): number {
    const sc = this.scanner;
    const kw = this.span();
    this.advance();
    if (this.k() !== TokenKind.String) {
      this.expectedHere('the HTTP start line in quotes, e.g. "GET / HTTP/1.1"');
      return kw.end;
    }
    const startLine = sc.tokenValue();
    const lineStart = sc.tokenStart;
    const lineEnd = sc.tokenEnd;
    this.advance();
    let end = lineEnd;
    let connection: 'close' | 'keep-alive' | undefined;
    if (this.k() === TokenKind.Ident) {
      const w = sc.identifierLower();
      if (w === 'close') {
        connection = 'close';
        end = sc.tokenEnd;
        this.advance();
      } else if (w === 'keep' || w === 'keepalive') {
        const st = sc.tokenStart;
        end = sc.tokenEnd;
        this.advance();
        if (this.k() === TokenKind.Minus && w === 'keep') {
          this.advance();
          if (this.k() === TokenKind.Ident && sc.identifierLower() === 'alive') {
            end = sc.tokenEnd;
            this.advance();
          } else this.error('expected', st, end, ["'keep-alive'", `'${this.text.slice(st, end)}'`]);
        }
        connection = 'keep-alive';
      }
    }
    if (seg.app) this.error('duplicateField', kw.start, end, ['http/tls']);
    else seg.app = { kind: 'http', span: { start: kw.start, end }, startLine, connection };
    if (!seg.label) seg.label = { text: startLine, span: { start: lineStart, end: lineEnd } };
    return end;
  }

  /** `tls[version] Message, Message…`; returns the end offset. */
  private parseTls(seg: ast.SegmentStmt, version: '1.2' | '1.3' | undefined): number {
    const sc = this.scanner;
    const kw = this.span();
    this.advance();
    // `tls 1.2` (and `TLS1.2` written apart from its version) reads the version as a number.
    if (!version && this.k() === TokenKind.Number && !sc.tokenSpaceBefore) {
      const v = sc.tokenValue();
      if (v === '1.2' || v === '1.3') {
        version = v;
        this.advance();
      }
    }
    const messages: { name: string; span: Span }[] = [];
    let end = kw.end;
    while (this.k() === TokenKind.Ident || this.k() === TokenKind.Comma) {
      if (this.k() === TokenKind.Comma) {
        this.advance();
        continue;
      }
      const m = TLS_LOOKUP.get(sc.identifierLower());
      if (!m) break;
      messages.push({ name: m, span: this.span() });
      end = sc.tokenEnd;
      this.advance();
    }
    if (messages.length === 0) this.expectedHere(`a TLS message (${TLS_MESSAGES.slice(0, 6).join(', ')}, ...)`);
    if (seg.app) this.error('duplicateField', kw.start, end, ['http/tls']);
    else seg.app = { kind: 'tls', span: { start: kw.start, end }, version, messages };
    return end;
  }

  private parseAssert(first: ast.Name): ast.AssertStmt | undefined {
    const items: ast.StateRef[] = [];
    let endpoint = first;
    const pending: ast.Name[] = [];
    for (;;) {
      let peer: ast.Name | undefined;
      if (this.k() === TokenKind.LBracket) {
        this.advance();
        if (this.k() === TokenKind.Ident) {
          peer = this.name();
          this.advance();
        } else this.expectedHere('the peer endpoint');
        if (this.k() === TokenKind.RBracket) this.advance();
        else this.expectedHere("']'");
      }
      if (this.k() === TokenKind.Comma) {
        // `C, S: ESTABLISHED` — several endpoints, one state.
        pending.push(endpoint);
        this.advance();
        if (this.k() !== TokenKind.Ident) {
          this.expectedHere('an endpoint name');
          this.skipLine();
          return undefined;
        }
        endpoint = this.name();
        this.advance();
        continue;
      }
      if (this.k() !== TokenKind.Colon) {
        this.expectedHere("':' and a state");
        this.skipLine();
        return items.length ? { kind: 'assert', items, start: first.start, end: items[items.length - 1].end } : undefined;
      }
      this.advance();
      if (this.k() !== TokenKind.Ident) {
        this.expectedHere('a state name such as ESTABLISHED');
        this.skipLine();
        return items.length ? { kind: 'assert', items, start: first.start, end: items[items.length - 1].end } : undefined;
      }
      const state = this.stateText();
      for (const e of [...pending, endpoint]) items.push({ endpoint: e, peer: e === endpoint ? peer : undefined, state, start: e.start, end: state.span.end });
      pending.length = 0;
      if (this.k() === TokenKind.Comma) {
        this.advance();
        if (this.k() === TokenKind.Ident) {
          endpoint = this.name();
          this.advance();
          continue;
        }
        this.expectedHere('an endpoint name');
      }
      break;
    }
    return { kind: 'assert', items, start: first.start, end: items[items.length - 1].end };
  }
}
