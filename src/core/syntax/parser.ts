/**
 * Recursive-descent parser, one statement per line. It never throws: every syntax error becomes
 * a finding and parsing resumes at the next line, so one pass reports every error.
 */
import * as ast from './ast';
import { Scanner } from './scanner';
import { Token, TokenKind, tokenNames } from './tokens';
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

const FLAGS = new Map<string, ast.FlagName>(ast.FLAG_NAMES.map((f) => [f.toLowerCase(), f]));
const CALLS = new Map<string, ast.CallName>([
  ['open', 'open'],
  ['connect', 'open'],
  ['listen', 'listen'],
  ['close', 'close'],
  ['shutdown', 'shutdown'],
  ['abort', 'abort'],
]);
const MODIFIERS = new Set<ast.Modifier>(['lost', 'dup', 'dropped', 'rtx', 'old']);
const MODIFIER_ALIASES: Record<string, ast.Modifier> = { duplicate: 'dup', retransmit: 'rtx', retransmission: 'rtx', drop: 'dropped', loss: 'lost' };
export const TLS_MESSAGES = [
  'ClientHello', 'ServerHello', 'HelloRetryRequest', 'EncryptedExtensions', 'Certificate', 'ServerKeyExchange',
  'CertificateRequest', 'ServerHelloDone', 'ClientKeyExchange', 'CertificateVerify', 'ChangeCipherSpec',
  'Finished', 'NewSessionTicket', 'ApplicationData', 'Alert',
];
const TLS_LOOKUP = new Map(TLS_MESSAGES.map((m) => [m.toLowerCase(), m]));
const SEGMENT_WORDS = 'a flag (SYN ACK FIN RST PSH URG), seq=, ack=, len=, win=, mss=, wscale=, sackOK, ts=, a "label", http, tls, lost, dup, dropped, rtx, old or delay=';
const STATEMENT_WORDS = "client, server, endpoint, title, note, phase, wait, deliver, msl, numbers, or an endpoint name followed by '->', ':' or a call";
const MAX32 = 0xffffffff;

export function parse(text: string): ParseResult {
  return new Parser(text).parseFile();
}

class Parser {
  private readonly scanner: Scanner;
  private readonly issues: SyntaxIssue[] = [];
  private tok!: Token;

  constructor(private readonly text: string) {
    this.scanner = new Scanner(text, (kind, start, end, t) => {
      if (kind === 'unterminated-string') {
        this.issues.push({ key: 'unterminatedString', start, end, args: ['"'], fix: { start: end, end, newText: '"', title: 'Add the closing quote' } });
      } else {
        this.issues.push({ key: 'invalidCharacter', start, end, args: [t] });
      }
    });
    this.advance();
  }

  private advance(): TokenKind {
    this.scanner.next();
    this.tok = this.scanner.token;
    return this.tok.kind;
  }

  private k(): TokenKind {
    return this.tok.kind;
  }

  private atLineEnd(): boolean {
    return this.tok.kind === TokenKind.Newline || this.tok.kind === TokenKind.EOF;
  }

  private describe(t: Token): string {
    if (t.kind === TokenKind.Newline || t.kind === TokenKind.EOF) return tokenNames[t.kind];
    return `'${this.text.slice(t.start, t.end)}'`;
  }

  private error(key: FindingKey, start: number, end: number, args: string[], fix?: SyntaxIssue['fix']): void {
    this.issues.push({ key, start, end, args, fix });
  }

  private expectedHere(what: string): void {
    const t = this.tok;
    const end = t.kind === TokenKind.Newline || t.kind === TokenKind.EOF ? t.start : t.end;
    this.error('expected', t.start, end, [what, this.describe(t)]);
  }

  /** Skip to the start of the next line. */
  private skipLine(): void {
    while (!this.atLineEnd()) this.advance();
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
    const t = this.tok;
    if (t.kind !== TokenKind.Ident) {
      this.error('unknownStatement', t.start, t.end, [this.text.slice(t.start, t.end), STATEMENT_WORDS]);
      this.skipLine();
      return undefined;
    }
    const word = t.value.toLowerCase();
    // Keywords only count as keywords when they are not used as an endpoint name in a segment or
    // an assertion: peek at what follows.
    const start = t.start;
    switch (word) {
      case 'client':
      case 'server':
      case 'endpoint':
      case 'host':
        return this.parseEndpoint(word === 'host' ? 'endpoint' : (word as ast.EndpointRole));
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
        const call = CALLS.get(this.tok.value.toLowerCase());
        if (call) {
          const callSpan = this.span(this.tok);
          this.advance();
          let peer: ast.Name | undefined;
          if (this.k() === TokenKind.Ident) {
            peer = this.name();
            this.advance();
          }
          return { kind: 'call', endpoint: name, call, callSpan, peer, start, end: this.lastEnd(callSpan, peer) };
        }
        break;
      }
    }
    this.error('unknownStatement', name.start, name.end, [name.text, STATEMENT_WORDS]);
    this.skipLine();
    return undefined;
  }

  private lastEnd(...spans: (Span | undefined)[]): number {
    let end = 0;
    for (const s of spans) if (s && s.end > end) end = s.end;
    return end;
  }

  private span(t: Token): Span {
    return { start: t.start, end: t.end };
  }

  private name(): ast.Name {
    return { start: this.tok.start, end: this.tok.end, text: this.tok.value };
  }

  private restOfLineText(): { text: string; span: Span } | undefined {
    if (this.atLineEnd()) return undefined;
    if (this.k() === TokenKind.String) {
      const t = this.tok;
      this.advance();
      return { text: t.value, span: this.span(t) };
    }
    const start = this.tok.start;
    let end = start;
    while (!this.atLineEnd()) {
      end = this.tok.end;
      this.advance();
    }
    return { text: this.text.slice(start, end), span: { start, end } };
  }

  private parseTextStatement(kind: 'title' | 'phase'): ast.TitleStmt | ast.PhaseStmt {
    const start = this.tok.start;
    const kwEnd = this.tok.end;
    this.advance();
    const rest = this.restOfLineText();
    if (!rest) this.expectedHere(`the ${kind} text`);
    return { kind, text: rest?.text ?? '', start, end: rest?.span.end ?? kwEnd } as ast.TitleStmt | ast.PhaseStmt;
  }

  private parseNote(): ast.NoteStmt {
    const start = this.tok.start;
    let end = this.tok.end;
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
        over.push(...names);
        if (this.k() === TokenKind.Colon) this.advance();
      } else {
        // Rewind: the words are the note text.
        this.scanner.reset(mark);
        this.tok = this.scanner.token;
      }
    }
    const rest = this.restOfLineText();
    if (!rest) this.expectedHere('the note text');
    end = rest?.span.end ?? end;
    return { kind: 'note', over, text: rest?.text ?? '', start, end };
  }

  private parseDuration(): { d: ast.Duration; span: Span } | undefined {
    const t = this.tok;
    if (t.kind === TokenKind.Ident) {
      const w = t.value.toLowerCase();
      if (w === 'msl') {
        this.advance();
        return { d: { msl: 1 }, span: this.span(t) };
      }
      if (w === 'rto' || w === 'timeout') {
        this.advance();
        return { d: { rto: true }, span: this.span(t) };
      }
      this.expectedHere('a duration (2MSL, 30s, 200ms, RTO)');
      return undefined;
    }
    if (t.kind !== TokenKind.Number) {
      this.expectedHere('a duration (2MSL, 30s, 200ms, RTO)');
      return undefined;
    }
    const n = Number(t.value);
    this.advance();
    // Unit must touch the number: `2MSL`, `30s`, `200ms`; a space is tolerated.
    const u = this.tok;
    if (u.kind === TokenKind.Ident) {
      const unit = u.value.toLowerCase();
      const factor: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60000, min: 60000, h: 3600000, us: 0.001 };
      if (unit === 'msl') {
        this.advance();
        return { d: { msl: n }, span: { start: t.start, end: u.end } };
      }
      if (factor[unit] !== undefined) {
        this.advance();
        return { d: { ms: n * factor[unit] }, span: { start: t.start, end: u.end } };
      }
    }
    // Bare number: seconds.
    return { d: { ms: n * 1000 }, span: this.span(t) };
  }

  private parseWait(): ast.WaitStmt | undefined {
    const start = this.tok.start;
    this.advance();
    const d = this.parseDuration();
    if (!d) {
      this.skipLine();
      return undefined;
    }
    return { kind: 'wait', duration: d.d, durationSpan: d.span, start, end: d.span.end };
  }

  private parseMsl(): ast.MslStmt | undefined {
    const start = this.tok.start;
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
    const start = this.tok.start;
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
    const start = this.tok.start;
    this.advance();
    const w = this.k() === TokenKind.Ident ? this.tok.value.toLowerCase() : '';
    if (w !== 'relative' && w !== 'absolute') {
      this.expectedHere("'relative' or 'absolute'");
      this.skipLine();
      return undefined;
    }
    const end = this.tok.end;
    this.advance();
    return { kind: 'numbers', mode: w, start, end };
  }

  private parseEndpoint(role: ast.EndpointRole): ast.EndpointStmt | undefined {
    const roleSpan = this.span(this.tok);
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
      const t = this.tok;
      if (t.kind === TokenKind.Comma) {
        this.advance();
        continue;
      }
      if (t.kind === TokenKind.Address) {
        let host = t.value;
        let port: number | undefined;
        let end = t.end;
        this.advance();
        if (this.k() === TokenKind.Colon && !this.tok.spaceBefore) {
          this.advance();
          if (this.k() === TokenKind.Number) {
            port = this.uint(this.tok, 'port', 65535);
            end = this.tok.end;
            this.advance();
          } else this.expectedHere('a port number');
        }
        if (t.value.includes(':')) host = `[${t.value}]`;
        stmt.address = { host, port, span: { start: t.start, end } };
        stmt.end = end;
        continue;
      }
      if (t.kind === TokenKind.Ident) {
        const w = t.value.toLowerCase();
        const numeric: Record<string, keyof ast.EndpointStmt> = { isn: 'isn', iss: 'isn', backlog: 'backlog', win: 'win', window: 'win', mss: 'mss', wscale: 'wscale' };
        if (numeric[w]) {
          const f = this.numberField(numeric[w] === 'isn' ? MAX32 : w === 'wscale' ? 14 : MAX32, w);
          if (f) {
            (stmt as unknown as Record<string, unknown>)[numeric[w]] = f;
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
      this.error('unknownWord', t.start, t.end, [this.text.slice(t.start, t.end), 'an address, a start state, isn=, backlog=, win=, mss= or wscale=']);
      this.advance();
    }
    return stmt;
  }

  /** A state name, possibly written with hyphens: `FIN-WAIT-1`, `SYN_SENT`. */
  private stateText(): { text: string; span: Span } {
    const start = this.tok.start;
    let end = this.tok.end;
    this.advance();
    while (
      !this.tok.spaceBefore &&
      (this.k() === TokenKind.Minus || ((this.k() === TokenKind.Ident || this.k() === TokenKind.Number) && this.text.charCodeAt(this.tok.start - 1) === 45))
    ) {
      end = this.tok.end;
      this.advance();
    }
    return { text: this.text.slice(start, end), span: { start, end } };
  }

  private uint(t: Token, what: string, max: number): number {
    const n = Number(t.value);
    if (!Number.isSafeInteger(n) || n < 0 || n > max) {
      this.error('badNumber', t.start, t.end, [t.value, what, String(max)]);
      return 0;
    }
    return n;
  }

  /** `key=NUMBER` with the current token on the key. */
  private numberField(max: number, what: string): ast.Field<number> | undefined {
    const key = this.span(this.tok);
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
    const t = this.tok;
    const value = this.uint(t, what, max);
    this.advance();
    return { key, valueSpan: this.span(t), value, start: key.start, end: t.end };
  }

  private exprDepth = 0;

  private parseExpr(): ast.Expr | undefined {
    if (this.exprDepth > 32) {
      this.expectedHere('at most 32 nested parentheses');
      this.skipLine();
      return undefined;
    }
    this.exprDepth++;
    try {
      return this.parseExprInner();
    } finally {
      this.exprDepth--;
    }
  }

  private parseExprInner(): ast.Expr | undefined {
    const start = this.tok.start;
    let end = start;
    let offset = 0;
    let symbol: ast.Name | undefined;
    let hasLiteral = false;
    let sign = 1;
    let first = true;
    for (;;) {
      if (!first) {
        if (this.k() === TokenKind.Plus) sign = 1;
        else if (this.k() === TokenKind.Minus) sign = -1;
        else break;
        this.advance();
      } else if (this.k() === TokenKind.Minus) {
        sign = -1;
        this.advance();
      }
      first = false;
      const t = this.tok;
      if (t.kind === TokenKind.Number) {
        const n = Number(t.value);
        if (!Number.isSafeInteger(n) || n > MAX32) this.error('badNumber', t.start, t.end, [t.value, 'sequence number', String(MAX32)]);
        offset = (offset + sign * (n % 0x100000000)) >>> 0;
        hasLiteral = true;
        end = t.end;
        this.advance();
      } else if (t.kind === TokenKind.Ident) {
        if (symbol) this.error('twoSymbols', t.start, t.end, [symbol.text, t.value]);
        else if (sign < 0) this.error('expected', t.start, t.end, ['a name added, not subtracted (write x+1 or x-1)', `'-${t.value}'`]);
        else symbol = this.name();
        end = t.end;
        this.advance();
      } else if (t.kind === TokenKind.LParen) {
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
        if (this.k() === TokenKind.RParen) {
          end = this.tok.end;
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
    const arrow = this.span(this.tok);
    this.advance();
    let to: ast.Name;
    if (this.k() === TokenKind.Ident) {
      to = this.name();
      this.advance();
    } else {
      this.expectedHere('the receiving endpoint');
      to = { start: arrow.end, end: arrow.end, text: '' };
    }
    const seg: ast.SegmentStmt = {
      kind: 'segment', from, to, arrow, flags: [], flagsSpan: { start: to.end, end: to.end }, modifiers: [], start: from.start, end: to.end,
    };
    let inBrackets = false;
    let flagsEnd = -1;
    while (!this.atLineEnd() && this.k() !== TokenKind.Semicolon) {
      const t = this.tok;
      switch (t.kind) {
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
            seg.end = t.end;
            this.advance();
            continue;
          }
          break;
        case TokenKind.String: {
          if (seg.label) this.error('duplicateField', t.start, t.end, ['label']);
          seg.label = { text: t.value, span: this.span(t) };
          seg.end = t.end;
          this.advance();
          continue;
        }
        case TokenKind.Ident: {
          const consumed = this.segmentWord(seg);
          if (consumed) {
            seg.end = Math.max(seg.end, consumed.end);
            if (consumed.flag) flagsEnd = consumed.end;
            continue;
          }
          this.error('unknownWord', t.start, t.end, [t.value, SEGMENT_WORDS]);
          this.advance();
          if (this.k() === TokenKind.Equals) {
            this.advance();
            this.skipValue();
          }
          continue;
        }
      }
      this.error('unknownWord', t.start, t.end, [this.text.slice(t.start, t.end), SEGMENT_WORDS]);
      this.advance();
    }
    if (seg.flags.length > 0) seg.flagsSpan = { start: seg.flags[0].start, end: flagsEnd };
    return seg;
  }

  /** Parse one word of a segment body; returns the end offset, or undefined if unknown. */
  private segmentWord(seg: ast.SegmentStmt): { end: number; flag?: boolean } | undefined {
    const t = this.tok;
    const raw = t.value;
    const w = raw.toLowerCase();
    const flag = FLAGS.get(w);
    const next = this.peekIsEquals();
    // `ACK` in capitals (or any flag name) followed by `=`: bit style, `SYN=1`.
    if (flag && next && !(w === 'ack' && raw !== 'ACK')) {
      const key = this.span(t);
      this.advance(); // name
      this.advance(); // '='
      const vt = this.tok;
      if (vt.kind === TokenKind.Number && (vt.value === '0' || vt.value === '1')) {
        this.advance();
        seg.flags.push({ flag, set: vt.value === '1', bitStyle: true, start: key.start, end: vt.end });
        return { end: vt.end, flag: true };
      }
      if (flag === 'ACK') {
        // `ACK=x+1`: the number written into the flag.
        const e = this.parseExpr();
        if (!e) return { end: key.end };
        seg.ackFlagValue = { key, valueSpan: { start: e.start, end: e.end }, value: e, start: key.start, end: e.end };
        return { end: e.end };
      }
      this.error('expected', vt.start, vt.end, [`0 or 1 for the ${flag} flag`, this.describe(vt)]);
      this.skipValue();
      return { end: vt.end };
    }
    if (flag && !next) {
      this.advance();
      seg.flags.push({ flag, set: true, bitStyle: false, start: t.start, end: t.end });
      return { end: t.end, flag: true };
    }
    switch (w) {
      case 'seq':
      case 'ack': {
        if (!next) return undefined;
        const key = this.span(t);
        this.advance();
        this.advance();
        const e = this.parseExpr();
        if (!e) {
          this.skipValue();
          return { end: key.end };
        }
        const field: ast.Field<ast.Expr> = { key, valueSpan: { start: e.start, end: e.end }, value: e, start: key.start, end: e.end };
        if (seg[w]) this.error('duplicateField', key.start, e.end, [w]);
        else seg[w] = field;
        return { end: e.end };
      }
      case 'len':
      case 'win':
      case 'mss':
      case 'wscale': {
        const f = this.numberField(w === 'wscale' ? 14 : w === 'mss' || w === 'win' ? 0xffffffff : 0x7fffffff, w);
        if (!f) {
          this.skipValue();
          return { end: t.end };
        }
        if (seg[w]) this.error('duplicateField', f.start, f.end, [w]);
        else seg[w] = f;
        return { end: f.end };
      }
      case 'sackok':
      case 'sack_perm':
      case 'sackperm':
        this.advance();
        seg.sackOk = this.span(t);
        return { end: t.end };
      case 'ts':
      case 'tsval': {
        const key = this.span(t);
        this.advance();
        if (this.k() !== TokenKind.Equals) {
          this.expectedHere("'=' after ts");
          return { end: key.end };
        }
        this.advance();
        if (this.k() !== TokenKind.Number) {
          this.expectedHere('a timestamp value');
          return { end: key.end };
        }
        const vt = this.tok;
        const val = this.uint(vt, 'timestamp', MAX32);
        let end = vt.end;
        let ecr = 0;
        this.advance();
        if (this.k() === TokenKind.Slash) {
          this.advance();
          if (this.k() === TokenKind.Number) {
            ecr = this.uint(this.tok, 'timestamp echo', MAX32);
            end = this.tok.end;
            this.advance();
          } else this.expectedHere('the echoed timestamp');
        }
        seg.ts = { key, valueSpan: { start: vt.start, end }, value: { val, ecr }, start: key.start, end };
        return { end };
      }
      case 'delay':
      case 'delayed': {
        const key = this.span(t);
        this.advance();
        if (this.k() === TokenKind.Equals) this.advance();
        if (this.k() !== TokenKind.Ident) {
          this.expectedHere('an id for the delayed segment (delay=old1)');
          return { end: key.end };
        }
        const id = this.name();
        this.advance();
        seg.delay = { key, valueSpan: { start: id.start, end: id.end }, value: id, start: key.start, end: id.end };
        return { end: id.end };
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
    const mod = MODIFIERS.has(w as ast.Modifier) ? (w as ast.Modifier) : MODIFIER_ALIASES[w];
    if (mod) {
      this.advance();
      seg.modifiers.push({ name: mod, span: this.span(t) });
      return { end: t.end };
    }
    return undefined;
  }

  private skipValue(): void {
    while (!this.atLineEnd() && this.k() !== TokenKind.Comma && !(this.k() === TokenKind.Ident && this.tok.spaceBefore)) this.advance();
  }

  private peekIsEquals(): boolean {
    // The scanner has no lookahead buffer; peek at the raw text after optional spaces.
    let p = this.tok.end;
    const text = this.text;
    while (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9) p++;
    const c = text.charCodeAt(p);
    return c === 61 || c === 0xff1d;
  }

  private parseHttp(seg: ast.SegmentStmt): { end: number } {
    const kw = this.span(this.tok);
    this.advance();
    if (this.k() !== TokenKind.String) {
      this.expectedHere('the HTTP start line in quotes, e.g. "GET / HTTP/1.1"');
      return { end: kw.end };
    }
    const s = this.tok;
    this.advance();
    let end = s.end;
    let connection: 'close' | 'keep-alive' | undefined;
    if (this.k() === TokenKind.Ident) {
      const w = this.tok.value.toLowerCase();
      if (w === 'close') {
        connection = 'close';
        end = this.tok.end;
        this.advance();
      } else if (w === 'keep' || w === 'keepalive') {
        const st = this.tok.start;
        end = this.tok.end;
        this.advance();
        if (this.k() === TokenKind.Minus && w === 'keep') {
          this.advance();
          if (this.k() === TokenKind.Ident && this.tok.value.toLowerCase() === 'alive') {
            end = this.tok.end;
            this.advance();
          } else this.error('expected', st, end, ["'keep-alive'", `'${this.text.slice(st, end)}'`]);
        }
        connection = 'keep-alive';
      }
    }
    if (seg.app) this.error('duplicateField', kw.start, end, ['http/tls']);
    else seg.app = { kind: 'http', span: { start: kw.start, end }, startLine: s.value, connection };
    if (!seg.label) seg.label = { text: s.value, span: this.span(s) };
    return { end };
  }

  private parseTls(seg: ast.SegmentStmt, version: '1.2' | '1.3' | undefined): { end: number } {
    const kw = this.span(this.tok);
    this.advance();
    // `tls1.2` scans as `tls` followed by number `1.2`.
    if (!version && this.k() === TokenKind.Number && !this.tok.spaceBefore && (this.tok.value === '1.2' || this.tok.value === '1.3')) {
      version = this.tok.value as '1.2' | '1.3';
      this.advance();
    }
    const messages: { name: string; span: Span }[] = [];
    let end = kw.end;
    while (this.k() === TokenKind.Ident || this.k() === TokenKind.Comma) {
      if (this.k() === TokenKind.Comma) {
        this.advance();
        continue;
      }
      const m = TLS_LOOKUP.get(this.tok.value.toLowerCase());
      if (!m) break;
      messages.push({ name: m, span: this.span(this.tok) });
      end = this.tok.end;
      this.advance();
    }
    if (messages.length === 0) this.expectedHere(`a TLS message (${TLS_MESSAGES.slice(0, 6).join(', ')}, ...)`);
    if (seg.app) this.error('duplicateField', kw.start, end, ['http/tls']);
    else seg.app = { kind: 'tls', span: { start: kw.start, end }, version, messages };
    return { end };
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
