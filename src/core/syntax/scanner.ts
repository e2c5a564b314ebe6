/**
 * Hand-written scanner. It never throws and always advances: an unknown character becomes an
 * Unknown token (reported once), an unterminated string still yields a String token.
 * Comments are collected on the side so formatting and quick fixes can keep them.
 *
 * Speed: `next()` allocates nothing for the tokens the language is made of. The current token
 * lives in the `token*` fields; the `token` object and its `value` are made only when asked
 * for. Identifier texts come from a small cache shared by all scanners, so a name written
 * 100,000 times is one string, and its lower-case form (for keyword tests) is cached with it.
 */
import { Comment, Token, TokenKind } from './tokens';

export type ScanErrorKind = 'unterminated-string' | 'invalid-character';
export type ScanErrorCallback = (kind: ScanErrorKind, start: number, end: number, text: string) => void;

/**
 * Full-width punctuation typed with a Chinese input method, mapped to its ASCII twin; any other
 * character maps to itself (→ stays, handled as an arrow).
 */
function fullWidthToAscii(c: number): number {
  if (c < 0x3001) return c;
  switch (c) {
    case 0xff0c: // ，
    case 0x3001: // 、
      return 44;
    case 0xff1a: // ：
      return 58;
    case 0xff1d: // ＝
      return 61;
    case 0xff0b: // ＋
      return 43;
    case 0xff0d: // －
      return 45;
    case 0xff08: // （
      return 40;
    case 0xff09: // ）
      return 41;
    case 0xff1b: // ；
      return 59;
  }
  return c;
}

/** Full-width punctuation or the arrow →: never part of a name, never an unknown character. */
function isPunctuation(c: number): boolean {
  return c === 0x2192 || fullWidthToAscii(c) !== c;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c > 127 && isUnicodeLetter(c));
}

export function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || (c > 127 && isUnicodeLetter(c));
}

const LETTER = /[\p{L}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;
/** Per UTF-16 unit: 0 not yet known, 1 letter, 2 not a letter (so the regex runs once per unit). */
const letterCache = new Uint8Array(0x10000);
function isUnicodeLetter(c: number): boolean {
  if (c >= 0xd800 && c <= 0xdfff) return true; // surrogate halves: part of a supplementary letter
  let known = letterCache[c];
  if (known === 0) {
    known = !isPunctuation(c) && LETTER.test(String.fromCharCode(c)) ? 1 : 2;
    letterCache[c] = known;
  }
  return known === 1;
}

/**
 * Identifier texts recently seen, with their lower-case forms: a direct-mapped cache indexed by
 * a hash of the characters. A miss only costs the slice the scanner would have made anyway.
 */
const NAME_CACHE_SIZE = 1024; // a power of two
const nameCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill('');
const lowerCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill('');

export class Scanner {
  private pos = 0;
  readonly comments: Comment[] = [];

  // The current token (valid after next()). Read these; only the scanner writes them.
  tokenKind: TokenKind = TokenKind.EOF;
  tokenStart = 0;
  tokenEnd = 0;
  /** Whitespace or a comment precedes the current token on the same line. */
  tokenSpaceBefore = false;
  /** The current token is a string without its closing quote. */
  tokenUnterminated = false;

  /** Decoded value of the current String token. */
  private stringValue = '';
  /** Text and lower-case text of the current Ident token, once asked for. */
  private identText: string | undefined;
  private identLower: string | undefined;
  /** Hash of the current Ident token's characters (set by next()). */
  private identHash = 0;
  /** The current token as an object, once asked for. */
  private current: Token | undefined;

  constructor(
    readonly text: string,
    private readonly onError: ScanErrorCallback = () => {},
    /** Where to start scanning (a line start, for a parse that resumes after an edit). */
    start = 0,
    /** Where the text ends for this scanner (a line start: the rest is parsed already). */
    private readonly end = text.length,
    /** Collect the comments (a findings-only check does not need them). */
    private readonly keepComments = true,
  ) {
    this.pos = start;
  }

  /** The current token (valid after next()) as an object. */
  get token(): Token {
    if (this.current === undefined) {
      const t: Token = { kind: this.tokenKind, start: this.tokenStart, end: this.tokenEnd, value: this.tokenValue(), spaceBefore: this.tokenSpaceBefore };
      if (this.tokenUnterminated) t.unterminated = true;
      this.current = t;
    }
    return this.current;
  }

  /** Where this scanner's text ends (see the constructor's `end`). */
  get limit(): number {
    return this.end;
  }

  /**
   * Go on scanning from `pos`, which must be where a token of this line ended (the parser read
   * the text between by itself; see `Parser.fastSegmentBody`). Scans the next token.
   */
  skipTo(pos: number): TokenKind {
    this.pos = pos;
    return this.next();
  }

  /** Remember the scanner's position so that a speculative parse can be undone. */
  mark(): { pos: number; comments: number; token: Token } {
    return { pos: this.pos, comments: this.comments.length, token: this.token };
  }

  reset(m: { pos: number; comments: number; token: Token }): void {
    this.pos = m.pos;
    this.comments.length = m.comments;
    const t = m.token;
    this.setToken(t.kind, t.start, t.end, t.spaceBefore);
    this.tokenUnterminated = t.unterminated === true;
    if (t.kind === TokenKind.String) this.stringValue = t.value;
    if (t.kind === TokenKind.Ident) this.identHash = hashOf(this.text, t.start, t.end);
    this.identText = undefined;
    this.identLower = undefined;
    this.current = t;
  }

  /**
   * The current token's value: identifier text, decoded string value, number text, address
   * (without the brackets of an IPv6 literal), the punctuation as written ('->' for an arrow
   * typed with two characters), '' at a line end or the end of the text.
   */
  tokenValue(): string {
    const text = this.text;
    const start = this.tokenStart;
    const end = this.tokenEnd;
    switch (this.tokenKind) {
      case TokenKind.EOF:
      case TokenKind.Newline:
        return '';
      case TokenKind.Ident:
        return this.identifierText();
      case TokenKind.String:
        return this.stringValue;
      case TokenKind.Address:
        return text.charCodeAt(start) === 91 ? text.slice(start + 1, end - 1) : text.slice(start, end);
      case TokenKind.Arrow:
        return end - start === 2 ? '->' : text[start];
      default:
        return text.slice(start, end);
    }
  }

  /** The current token's source text. */
  tokenText(): string {
    return this.text.slice(this.tokenStart, this.tokenEnd);
  }

  /** Text of the current Ident token (shared with earlier occurrences of the same name). */
  identifierText(): string {
    if (this.identText === undefined) this.lookUpIdentifier();
    return this.identText!;
  }

  /** Lower-case text of the current Ident token, for keyword tests. */
  identifierLower(): string {
    if (this.identLower === undefined) this.lookUpIdentifier();
    return this.identLower!;
  }

  /** `Number(value)` of the current Number token, without making the string when it is short. */
  numberValue(): number {
    const text = this.text;
    const start = this.tokenStart;
    const end = this.tokenEnd;
    // Up to 15 decimal digits the sum below is exact; anything else goes through Number().
    if (end - start <= 15) {
      let n = 0;
      for (let p = start; p < end; p++) {
        const d = text.charCodeAt(p) - 48;
        if (d < 0 || d > 9) return Number(text.slice(start, end));
        n = n * 10 + d;
      }
      return n;
    }
    return Number(text.slice(start, end));
  }

  private lookUpIdentifier(): void {
    const text = this.text;
    const start = this.tokenStart;
    const length = this.tokenEnd - start;
    const slot = (this.identHash ^ length) & (NAME_CACHE_SIZE - 1);
    const cached = nameCache[slot];
    if (cached.length === length && sameText(text, start, cached)) {
      this.identText = cached;
      this.identLower = lowerCache[slot];
      return;
    }
    const s = text.slice(start, start + length);
    const lower = s.toLowerCase();
    nameCache[slot] = s;
    lowerCache[slot] = lower === s ? s : lower;
    this.identText = s;
    this.identLower = lowerCache[slot];
  }

  private setToken(kind: TokenKind, start: number, end: number, space: boolean): TokenKind {
    this.tokenKind = kind;
    this.tokenStart = start;
    this.tokenEnd = end;
    this.tokenSpaceBefore = space;
    return kind;
  }

  /** Scan the next token into the `token*` fields (and `token`) and return its kind. */
  next(): TokenKind {
    const text = this.text;
    const len = this.end;
    this.current = undefined;
    this.identText = undefined;
    this.identLower = undefined;
    this.tokenUnterminated = false;
    let space = false;
    let pos = this.pos;
    for (;;) {
      if (pos >= len) {
        this.pos = len;
        return this.setToken(TokenKind.EOF, len, len, space);
      }
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 0xfeff || c === 0x3000 || c === 0xa0) {
        pos++;
        space = true;
        continue;
      }
      if (c === 35 || (c === 47 && text.charCodeAt(pos + 1) === 47)) {
        const start = pos;
        let end = start;
        while (end < len) {
          const d = text.charCodeAt(end);
          if (d === 10 || d === 13) break;
          end++;
        }
        if (this.keepComments) this.comments.push({ start, end, text: text.slice(start, end) });
        pos = end;
        space = true;
        continue;
      }
      break;
    }
    const start = pos;
    const c = text.charCodeAt(start);
    if (c === 10 || c === 13) {
      this.pos = start + (c === 13 && text.charCodeAt(start + 1) === 10 ? 2 : 1);
      return this.setToken(TokenKind.Newline, start, this.pos, space);
    }
    if (c >= 48 && c <= 57) return this.scanNumberOrAddress(start, space);
    if (isIdentStart(c)) {
      // The hash (for the identifier cache) is made on the way.
      let p = start + 1;
      let h = c;
      for (; p < len; p++) {
        const d = text.charCodeAt(p);
        if (!isIdentPart(d)) break;
        h = (Math.imul(h, 31) + d) | 0;
      }
      // `tls1.2` / `tls1.3` are one word.
      if (p - start === 4 && text.charCodeAt(p) === 46 && isTls1(text, start)) {
        const v = text.charCodeAt(p + 1);
        if ((v === 50 || v === 51) && !isIdentPart(text.charCodeAt(p + 2))) {
          h = (Math.imul(Math.imul(h, 31) + 46, 31) + v) | 0;
          p += 2;
        }
      }
      this.pos = p;
      this.identHash = h;
      return this.setToken(TokenKind.Ident, start, p, space);
    }
    if (c === 34 || c === 0x201c) return this.scanString(start, space, c === 34 ? 34 : 0x201d);
    const mapped = fullWidthToAscii(c);
    switch (mapped) {
      case 45: // -
        if (text.charCodeAt(start + 1) === 62) {
          this.pos = start + 2;
          return this.setToken(TokenKind.Arrow, start, start + 2, space);
        }
        return this.single(TokenKind.Minus, start, space);
      case 0x2192:
        return this.single(TokenKind.Arrow, start, space);
      case 58:
        return this.single(TokenKind.Colon, start, space);
      case 44:
        return this.single(TokenKind.Comma, start, space);
      case 61:
        return this.single(TokenKind.Equals, start, space);
      case 43:
        return this.single(TokenKind.Plus, start, space);
      case 47:
        return this.single(TokenKind.Slash, start, space);
      case 59:
        return this.single(TokenKind.Semicolon, start, space);
      case 40:
        return this.single(TokenKind.LParen, start, space);
      case 41:
        return this.single(TokenKind.RParen, start, space);
      case 93:
        return this.single(TokenKind.RBracket, start, space);
      case 91: {
        // `[2001:db8::1]` is an IPv6 address; `[SYN, ACK]` is a flag list.
        let p = start + 1;
        let colons = 0;
        while (p < len) {
          const d = text.charCodeAt(p);
          if (d === 58) colons++;
          else if (!((d >= 48 && d <= 57) || (d >= 97 && d <= 102) || (d >= 65 && d <= 70) || d === 46)) break;
          p++;
        }
        if (colons >= 2 && text.charCodeAt(p) === 93) {
          this.pos = p + 1;
          return this.setToken(TokenKind.Address, start, p + 1, space);
        }
        return this.single(TokenKind.LBracket, start, space);
      }
    }
    // Unknown characters: report a run of them once, consume whole code points, go on.
    let p = start;
    do {
      const cp = text.codePointAt(p) ?? 0;
      p += cp > 0xffff ? 2 : 1;
    } while (p < len && isUnknownStart(text.charCodeAt(p)));
    this.pos = p;
    this.onError('invalid-character', start, p, text.slice(start, p));
    return this.setToken(TokenKind.Unknown, start, p, space);
  }

  private single(kind: TokenKind, start: number, space: boolean): TokenKind {
    this.pos = start + 1;
    return this.setToken(kind, start, start + 1, space);
  }

  private scanNumberOrAddress(start: number, space: boolean): TokenKind {
    const text = this.text;
    const len = this.end;
    let p = start;
    if (text.charCodeAt(p) === 48 && (text.charCodeAt(p + 1) | 32) === 120) {
      p += 2;
      while (p < len) {
        const d = text.charCodeAt(p) | 32;
        if (!((d >= 48 && d <= 57) || (d >= 97 && d <= 102))) break;
        p++;
      }
      this.pos = p;
      return this.setToken(TokenKind.Number, start, p, space);
    }
    while (p < len && isDigit(text.charCodeAt(p))) p++;
    // Dotted quad?
    if (text.charCodeAt(p) === 46 && isDigit(text.charCodeAt(p + 1))) {
      let q = p;
      let dots = 0;
      while (q < len && (text.charCodeAt(q) === 46 || isDigit(text.charCodeAt(q)))) {
        if (text.charCodeAt(q) === 46) dots++;
        q++;
      }
      if (dots === 3) {
        this.pos = q;
        return this.setToken(TokenKind.Address, start, q, space);
      }
      // A decimal such as 0.5 (durations): keep digits and one dot.
      q = p + 1;
      while (q < len && isDigit(text.charCodeAt(q))) q++;
      p = q;
    }
    this.pos = p;
    return this.setToken(TokenKind.Number, start, p, space);
  }

  private scanString(start: number, space: boolean, close: number): TokenKind {
    const text = this.text;
    const len = this.end;
    let p = start + 1;
    let value = '';
    let chunk = p;
    for (;;) {
      if (p >= len || text.charCodeAt(p) === 10 || text.charCodeAt(p) === 13) {
        value += text.slice(chunk, p);
        this.pos = p;
        this.onError('unterminated-string', start, p, text.slice(start, p));
        this.stringValue = value;
        this.tokenUnterminated = true;
        return this.setToken(TokenKind.String, start, p, space);
      }
      const c = text.charCodeAt(p);
      if (c === close) {
        value += text.slice(chunk, p);
        this.pos = p + 1;
        this.stringValue = value;
        return this.setToken(TokenKind.String, start, p + 1, space);
      }
      if (c === 92 && close === 34 && p + 1 < len && (text.charCodeAt(p + 1) === 34 || text.charCodeAt(p + 1) === 92)) {
        value += text.slice(chunk, p) + text[p + 1];
        p += 2;
        chunk = p;
        continue;
      }
      p++;
    }
  }
}

/** Whether `text` holds `word` at `start` (a plain loop: identifiers are short). */
function sameText(text: string, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (text.charCodeAt(start + i) !== word.charCodeAt(i)) return false;
  return true;
}

/** The identifier hash next() computes while scanning. */
function hashOf(text: string, start: number, end: number): number {
  let h = text.charCodeAt(start);
  for (let p = start + 1; p < end; p++) h = (Math.imul(h, 31) + text.charCodeAt(p)) | 0;
  return h;
}

/** `tls1`, any case, at `start` (the caller knows the word is four characters long). */
function isTls1(text: string, start: number): boolean {
  return (text.charCodeAt(start) | 32) === 116 && (text.charCodeAt(start + 1) | 32) === 108 && (text.charCodeAt(start + 2) | 32) === 115 && text.charCodeAt(start + 3) === 49;
}

/** A character that starts no token (so a run of garbage is reported once). */
function isUnknownStart(c: number): boolean {
  if (c === 32 || c === 9 || c === 10 || c === 13 || c === 35 || c === 34 || c === 0x201c) return false;
  if ((c >= 48 && c <= 57) || isIdentStart(c)) return false;
  if (isPunctuation(c)) return false;
  // - : , = + / ; ( ) [ ]
  return !(c === 45 || c === 58 || c === 44 || c === 61 || c === 43 || c === 47 || c === 59 || c === 40 || c === 41 || c === 91 || c === 93);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
