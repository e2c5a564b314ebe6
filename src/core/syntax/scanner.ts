/**
 * Hand-written scanner. It never throws and always advances: an unknown character becomes an
 * Unknown token (reported once), an unterminated string still yields a String token.
 * Comments are collected on the side so formatting and quick fixes can keep them.
 */
import { Comment, Token, TokenKind } from './tokens';

export type ScanErrorKind = 'unterminated-string' | 'invalid-character';
export type ScanErrorCallback = (kind: ScanErrorKind, start: number, end: number, text: string) => void;

/** Full-width punctuation typed with a Chinese input method, mapped to its ASCII twin. */
const FULL_WIDTH: Record<number, number> = {
  0xff0c: 44, // ，
  0xff1a: 58, // ：
  0xff1d: 61, // ＝
  0xff0b: 43, // ＋
  0xff0d: 45, // －
  0xff08: 40, // （
  0xff09: 41, // ）
  0x3001: 44, // 、
  0xff1b: 59, // ；
  0x2192: 0x2192, // → stays, handled as arrow
};

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c > 127 && isUnicodeLetter(c));
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

const LETTER = /[\p{L}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;
function isUnicodeLetter(c: number): boolean {
  if (c >= 0xd800 && c <= 0xdfff) return true; // surrogate halves: part of a supplementary letter
  if (FULL_WIDTH[c] !== undefined) return false;
  return LETTER.test(String.fromCharCode(c));
}

export class Scanner {
  private pos = 0;
  readonly comments: Comment[] = [];
  /** The current token (valid after next()). */
  token: Token = { kind: TokenKind.EOF, start: 0, end: 0, value: '', spaceBefore: false };

  constructor(
    readonly text: string,
    private readonly onError: ScanErrorCallback = () => {},
  ) {}

  /** Remember the scanner's position so that a speculative parse can be undone. */
  mark(): { pos: number; comments: number; token: Token } {
    return { pos: this.pos, comments: this.comments.length, token: this.token };
  }

  reset(m: { pos: number; comments: number; token: Token }): void {
    this.pos = m.pos;
    this.comments.length = m.comments;
    this.token = m.token;
  }

  /** Scan the next token into `token` and return its kind. */
  next(): TokenKind {
    const text = this.text;
    const len = text.length;
    let space = false;
    for (;;) {
      if (this.pos >= len) return this.set(TokenKind.EOF, len, len, '', space);
      const c = text.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 0xfeff || c === 0x3000 || c === 0xa0) {
        this.pos++;
        space = true;
        continue;
      }
      if (c === 35 || (c === 47 && text.charCodeAt(this.pos + 1) === 47)) {
        const start = this.pos;
        let end = start;
        while (end < len) {
          const d = text.charCodeAt(end);
          if (d === 10 || d === 13) break;
          end++;
        }
        this.comments.push({ start, end, text: text.slice(start, end) });
        this.pos = end;
        space = true;
        continue;
      }
      break;
    }
    const start = this.pos;
    const c = text.charCodeAt(start);
    if (c === 10 || c === 13) {
      this.pos += c === 13 && text.charCodeAt(start + 1) === 10 ? 2 : 1;
      return this.set(TokenKind.Newline, start, this.pos, '', space);
    }
    if (c >= 48 && c <= 57) return this.scanNumberOrAddress(start, space);
    if (isIdentStart(c)) {
      let p = start + 1;
      while (p < len && isIdentPart(text.charCodeAt(p))) p++;
      // `tls1.2` / `tls1.3` are one word.
      if (p - start === 4 && text.charCodeAt(p) === 46 && /^tls1$/i.test(text.slice(start, p)) && /[23]/.test(text[p + 1] ?? '') && !isIdentPart(text.charCodeAt(p + 2))) p += 2;
      this.pos = p;
      return this.set(TokenKind.Ident, start, p, text.slice(start, p), space);
    }
    if (c === 34 || c === 0x201c) return this.scanString(start, space, c === 34 ? 34 : 0x201d);
    const mapped = FULL_WIDTH[c] ?? c;
    switch (mapped) {
      case 45: // -
        if (text.charCodeAt(start + 1) === 62) {
          this.pos = start + 2;
          return this.set(TokenKind.Arrow, start, this.pos, '->', space);
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
          return this.set(TokenKind.Address, start, this.pos, text.slice(start + 1, p), space);
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
    this.onError('invalid-character', start, this.pos, text.slice(start, this.pos));
    return this.set(TokenKind.Unknown, start, this.pos, text.slice(start, this.pos), space);
  }

  private single(kind: TokenKind, start: number, space: boolean): TokenKind {
    this.pos = start + 1;
    return this.set(kind, start, this.pos, this.text[start], space);
  }

  private set(kind: TokenKind, start: number, end: number, value: string, space: boolean): TokenKind {
    this.token = { kind, start, end, value, spaceBefore: space };
    return kind;
  }

  private scanNumberOrAddress(start: number, space: boolean): TokenKind {
    const text = this.text;
    const len = text.length;
    let p = start;
    if (text.charCodeAt(p) === 48 && (text.charCodeAt(p + 1) | 32) === 120) {
      p += 2;
      while (p < len) {
        const d = text.charCodeAt(p) | 32;
        if (!((d >= 48 && d <= 57) || (d >= 97 && d <= 102))) break;
        p++;
      }
      this.pos = p;
      return this.set(TokenKind.Number, start, p, text.slice(start, p), space);
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
        return this.set(TokenKind.Address, start, q, text.slice(start, q), space);
      }
      // A decimal such as 0.5 (durations): keep digits and one dot.
      q = p + 1;
      while (q < len && isDigit(text.charCodeAt(q))) q++;
      p = q;
    }
    this.pos = p;
    return this.set(TokenKind.Number, start, p, text.slice(start, p), space);
  }

  private scanString(start: number, space: boolean, close: number): TokenKind {
    const text = this.text;
    const len = text.length;
    let p = start + 1;
    let value = '';
    let chunk = p;
    for (;;) {
      if (p >= len || text.charCodeAt(p) === 10 || text.charCodeAt(p) === 13) {
        value += text.slice(chunk, p);
        this.pos = p;
        this.onError('unterminated-string', start, p, text.slice(start, p));
        this.set(TokenKind.String, start, p, value, space);
        this.token.unterminated = true;
        return TokenKind.String;
      }
      const c = text.charCodeAt(p);
      if (c === close) {
        value += text.slice(chunk, p);
        this.pos = p + 1;
        return this.set(TokenKind.String, start, p + 1, value, space);
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

/** A character that starts no token (so a run of garbage is reported once). */
function isUnknownStart(c: number): boolean {
  if (c === 32 || c === 9 || c === 10 || c === 13 || c === 35 || c === 34 || c === 0x201c) return false;
  if ((c >= 48 && c <= 57) || isIdentStart(c)) return false;
  if (FULL_WIDTH[c] !== undefined) return false;
  return !'-:,=+/;()[]'.includes(String.fromCharCode(c));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
