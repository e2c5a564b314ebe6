/**
 * Plain segment lines read straight from the characters, into numbers: no token, no tree.
 *
 * A plain line is `NAME -> NAME` and a body of flag words (`SYN`, `ack`) and fields `seq=`,
 * `ack=`, `len=`, `win=`, `mss=`, `wscale=` with a plain decimal number, separated by blanks, then
 * maybe a comment: every line an import writes, and most lines of a long flow. `readBody` is the
 * parser's fast path for such a body (it then makes the nodes the token loop would make);
 * `readPlainSegment` reads a whole plain line into a `PlainSegment` (flags as bits, fields as
 * numbers, offsets of the parts), which the findings-only check reads without any tree
 * (`analyzeFindings`). Whatever is not plain is left to the parser, which reports what it must:
 * both readers give up on the first character they do not expect, and change nothing then.
 */
import type * as ast from './ast';

/** The fields `readBody` reads (their order in `PlainSegment.value`). */
export const enum PlainField {
  Seq,
  Ack,
  Len,
  Win,
  Mss,
  Wscale,
}
/** The largest value of each field, as the parser has it (`wscale` at most 14, RFC 7323 §2.3). */
const FIELD_MAX = [0xffffffff, 0xffffffff, 0x7fffffff, 0xffffffff, 0xffffffff, 14];

/** Flag bits, in `ast.FLAG_NAMES` order (SYN 1, ACK 2, FIN 4, RST 8, PSH 16, URG 32, ECE 64, CWR 128). */
export const enum FlagBit {
  SYN = 1,
  ACK = 2,
  FIN = 4,
  RST = 8,
  PSH = 16,
  URG = 32,
  ECE = 64,
  CWR = 128,
}

/** A word of the body: a flag (its index in `ast.FLAG_NAMES`, or -1), a field (or -1), or (`ack`) both. */
const NONE = -1;
const W_ACK = 0;
const W_SEQ = 1;
const W_LEN = 2;
const W_WIN = 3;
const W_MSS = 4;
const W_WSCALE = 5;
const W_SYN = 6;
const W_FIN = 7;
const W_RST = 8;
const W_PSH = 9;
const W_URG = 10;
const W_ECE = 11;
const W_CWR = 12;
/** Per word: its flag's index in `ast.FLAG_NAMES` (or NONE). */
const WORD_FLAG = [1, NONE, NONE, NONE, NONE, NONE, 0, 2, 3, 4, 5, 6, 7];
/** Per word: its field (or NONE). */
const WORD_FIELD = [PlainField.Ack, PlainField.Seq, PlainField.Len, PlainField.Win, PlainField.Mss, PlainField.Wscale, NONE, NONE, NONE, NONE, NONE, NONE, NONE];

/** The three-letter word of these lower-case character codes, if the body reader knows it (else NONE). */
function word3(a: number, b: number, c: number): number {
  switch (a) {
    case 97: // a
      return b === 99 && c === 107 ? W_ACK : NONE;
    case 115: // s
      return b === 101 && c === 113 ? W_SEQ : b === 121 && c === 110 ? W_SYN : NONE;
    case 108: // l
      return b === 101 && c === 110 ? W_LEN : NONE;
    case 119: // w
      return b === 105 && c === 110 ? W_WIN : NONE;
    case 109: // m
      return b === 115 && c === 115 ? W_MSS : NONE;
    case 102: // f
      return b === 105 && c === 110 ? W_FIN : NONE;
    case 114: // r
      return b === 115 && c === 116 ? W_RST : NONE;
    case 112: // p
      return b === 115 && c === 104 ? W_PSH : NONE;
    case 117: // u
      return b === 114 && c === 103 ? W_URG : NONE;
    case 101: // e
      return b === 99 && c === 101 ? W_ECE : NONE;
    case 99: // c
      return b === 119 && c === 114 ? W_CWR : NONE;
  }
  return NONE;
}

/** Does `text` hold `lower` at `start`, in any case (`lower` is lower-case letters)? */
export function sameLower(text: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((text.charCodeAt(start + i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/** At most this many flag words in a body read here (more: the parser reads the line). */
const MAX_FLAGS = 16;

/**
 * What `readBody` read: the flags in the order written (index into `ast.FLAG_NAMES` and offsets),
 * the fields in the order written (which, key and value offsets), and each field's value.
 * Reused from line to line.
 */
export class PlainBody {
  flagCount = 0;
  readonly flagName = new Uint8Array(MAX_FLAGS);
  readonly flagStart = new Int32Array(MAX_FLAGS);
  readonly flagEnd = new Int32Array(MAX_FLAGS);
  /** Flags as bits (`FlagBit`). */
  flags = 0;
  fieldCount = 0;
  /** Fields seen, one bit per `PlainField`. */
  fields = 0;
  readonly fieldKind = new Uint8Array(6);
  readonly keyStart = new Int32Array(6);
  readonly keyEnd = new Int32Array(6);
  readonly valueStart = new Int32Array(6);
  readonly valueEnd = new Int32Array(6);
  /** By `PlainField`: the value (when its bit is in `fields`). */
  readonly value = new Float64Array(6);
  /** End of the body's last word or number (its start when the body is empty). */
  end = 0;
}

/**
 * Read a segment body from `p` (its first character after blanks) to the line end or a comment:
 * only flag words and `key=digits` fields, separated by blanks. Returns the offset after its last
 * word or number (where the parser's scanner goes on), or -1 to give up: another word or
 * character, an expression, a number out of range, a repeated field, a flag written bit style
 * (`SYN=1`), `ACK=` in capitals. `limit` is where the text (or the part being parsed) ends.
 */
export function readBody(text: string, p: number, limit: number, out: PlainBody): number {
  // (Characters are read with no bounds check: every loop stops at a line break, which comes
  // before any line start `limit` may be, and past the text's end `charCodeAt` gives NaN, which
  // ends a line here (`c !== c`). A line end found past `limit` gives up.)
  out.flagCount = 0;
  out.flags = 0;
  out.fieldCount = 0;
  out.fields = 0;
  let last = p;
  for (;;) {
    let c = text.charCodeAt(p);
    while (c === 32 || c === 9) c = text.charCodeAt(++p);
    if (c === 10 || c === 13 || c === 35 || c !== c || (c === 47 && text.charCodeAt(p + 1) === 47)) break;
    // A word of ASCII letters, one the fast path knows. (Whatever follows a word that is not a
    // blank, `=` or the line end — a digit, `_`, a letter of another script — is no word's
    // start: the next step gives up.)
    const ws = p;
    while ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) c = text.charCodeAt(++p);
    const we = p;
    const n = we - ws;
    let q = p;
    while (c === 32 || c === 9) c = text.charCodeAt(++q);
    // (`=` after blanks: a flag written bit style gives up below; a field finds no digits.)
    const equals = c === 61;
    const word = n === 3 ? word3(text.charCodeAt(ws) | 32, text.charCodeAt(ws + 1) | 32, text.charCodeAt(ws + 2) | 32) : n === 6 && sameLower(text, ws, 'wscale') ? W_WSCALE : NONE;
    if (word === NONE) return -1;
    const flag = WORD_FLAG[word];
    if (flag !== NONE && !equals) {
      const i = out.flagCount;
      if (i === MAX_FLAGS) return -1;
      out.flagName[i] = flag;
      out.flagStart[i] = ws;
      out.flagEnd[i] = we;
      out.flagCount = i + 1;
      out.flags |= 1 << flag;
      last = p = we;
      continue;
    }
    // `key=digits`; `ACK=` in capitals and `SYN=1` style are bit flags: the token loop.
    if (!equals || (flag !== NONE && (word !== W_ACK || (text.charCodeAt(ws) === 65 && text.charCodeAt(ws + 1) === 67 && text.charCodeAt(ws + 2) === 75)))) return -1;
    const field = WORD_FIELD[word];
    if (field === NONE) return -1;
    const max = FIELD_MAX[field];
    const vs = p + 1;
    let v = 0;
    q = vs;
    c = text.charCodeAt(q);
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = text.charCodeAt(++q);
    }
    const ve = q;
    // (A long run of digits only grows: past the largest value it gives up. Whatever follows
    // the number that is not a blank or the line end — `+ x` continuing an expression, `.5`,
    // `,` — is no word's start: the next step gives up.)
    if (ve === vs || v > max) return -1;
    if (out.fields & (1 << field)) return -1; // repeated: reported by the token loop
    out.fields |= 1 << field;
    const i = out.fieldCount++;
    out.fieldKind[i] = field;
    out.keyStart[i] = ws;
    out.keyEnd[i] = we;
    out.valueStart[i] = vs;
    out.valueEnd[i] = ve;
    out.value[field] = v;
    last = p = ve;
  }
  if (p > limit) return -1;
  out.end = last;
  return last;
}

/** The words that begin a statement that is not a segment (the parser's keywords, any case). */
const KEYWORDS = ['client', 'server', 'endpoint', 'host', 'title', 'phase', 'note', 'wait', 'msl', 'deliver', 'numbers'];

/** Is the name from `start` to `end` one of the `KEYWORDS`, in any case? */
function isKeyword(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 3 || n > 8) return false;
  for (const w of KEYWORDS) if (w.length === n && sameLower(text, start, w)) return true;
  return false;
}

/**
 * A plain segment line (see the top of this file), as `readPlainSegment` read it: reused from
 * line to line of one text.
 */
export class PlainSegment extends PlainBody {
  constructor(readonly text: string) {
    super();
  }
  /** The first CR at or after the last comment looked at (2^32 - 1: none). */
  cr = -1;
  /** The statement's offsets (the sender's name to the end of its body). */
  start = 0;
  /** Where the next line starts (after the line break, or the end of the text). */
  lineEnd = 0;
  fromEnd = 0;
  arrowStart = 0;
  toStart = 0;
  toEnd = 0;
  /** The statement's end: the end of the body, or of the receiver's name when it has none. */
  stmtEnd = 0;
  /** The line's comment (`#` or `//` to the line end), or -1 for none. */
  commentStart = -1;
  commentEnd = -1;
}

/**
 * The shape of line header prediction takes (the checker's `predicted`): ACK, maybe PSH, and no
 * other flag; `seq=` and `ack=`, maybe `len=` and `win=`, and no other field.
 */
export function ackOnlyShape(b: PlainBody): boolean {
  return (b.flags & ~FlagBit.PSH) === FlagBit.ACK && (b.fields & ACK_ONLY_FIELDS) === b.fields && (b.fields & SEQ_AND_ACK) === SEQ_AND_ACK;
}
const ACK_ONLY_FIELDS = (1 << PlainField.Seq) | (1 << PlainField.Ack) | (1 << PlainField.Len) | (1 << PlainField.Win);
const SEQ_AND_ACK = (1 << PlainField.Seq) | (1 << PlainField.Ack);

/** The end of an ASCII name starting at `p` (`[A-Za-z_][A-Za-z0-9_]*`), or -1 if none starts there. */
function asciiName(text: string, p: number): number {
  let c = text.charCodeAt(p);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) return -1;
  do c = text.charCodeAt(++p);
  while ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95);
  // A name that goes on in another script (or `tls1.2`), is no plain name.
  return c >= 128 || c === 46 ? -1 : p;
}

/**
 * Read the line of `out.text` that starts at `lineStart` as a plain segment line into `out`. Returns where the
 * next line starts, or -1 when the line is not plain (nothing else is known then). Names are
 * ASCII; a line break is LF or CRLF (a lone CR, a line break to the scanner, is not plain).
 */
export function readPlainSegment(out: PlainSegment, lineStart: number, limit: number): number {
  // (No bounds checks, as in `readBody`; the line end is checked against `limit` at the end.)
  const text = out.text;
  let p = lineStart;
  let c = text.charCodeAt(p);
  while (c === 32 || c === 9) c = text.charCodeAt(++p);
  const fromStart = p;
  const fromEnd = asciiName(text, p);
  if (fromEnd < 0) return -1;
  p = fromEnd;
  c = text.charCodeAt(p);
  while (c === 32 || c === 9) c = text.charCodeAt(++p);
  if (c !== 45 || text.charCodeAt(p + 1) !== 62) return -1;
  const arrowStart = p;
  p += 2;
  c = text.charCodeAt(p);
  while (c === 32 || c === 9) c = text.charCodeAt(++p);
  const toStart = p;
  const toEnd = asciiName(text, p);
  if (toEnd < 0) return -1;
  p = toEnd;
  c = text.charCodeAt(p);
  // After the receiver: a blank, a comment or the line end (`S,` or `S/` is the token loop's).
  if (!(c === 32 || c === 9 || c === 10 || c === 13 || c === 35 || c !== c || (c === 47 && text.charCodeAt(p + 1) === 47))) return -1;
  const last = readBody(text, p, limit, out);
  if (last < 0) return -1;
  // The rest of the line: blanks, then maybe a comment, then the line break.
  p = last;
  c = text.charCodeAt(p);
  while (c === 32 || c === 9) c = text.charCodeAt(++p);
  let commentStart = -1;
  if (c === 35 || c === 47) {
    commentStart = p;
    // A comment runs to the line break: the next LF, unless a CR comes first.
    const nl = text.indexOf('\n', p);
    const stop = nl < 0 ? text.length : nl;
    if (out.cr < p) out.cr = text.indexOf('\r', p) >>> 0; // (none: 2^32 - 1, beyond any line)
    p = out.cr < stop ? out.cr : stop;
    c = text.charCodeAt(p);
  }
  let lineEnd: number;
  if (c !== c) lineEnd = p; // the end of the text
  else if (c === 10) lineEnd = p + 1;
  else if (c === 13 && text.charCodeAt(p + 1) === 10) lineEnd = p + 2;
  else return -1;
  if (p > limit) return -1;
  if (lineEnd > limit) lineEnd = limit;
  // A keyword first is another statement (`note -> …` is no segment).
  if (isKeyword(text, fromStart, fromEnd)) return -1;
  out.start = fromStart;
  out.fromEnd = fromEnd;
  out.arrowStart = arrowStart;
  out.toStart = toStart;
  out.toEnd = toEnd;
  out.lineEnd = lineEnd;
  out.stmtEnd = out.flagCount + out.fieldCount > 0 ? last : toEnd;
  out.commentStart = commentStart;
  out.commentEnd = commentStart < 0 ? -1 : p;
  return lineEnd;
}

const NO_MODIFIERS: ast.SegmentStmt['modifiers'] = [];

/**
 * The tree of the plain line `p` read, as `parse` makes it: the same nodes with the same offsets
 * (tested against the parser in test/core/plain.test.ts).
 */
export function plainSegmentStmt(p: PlainSegment): ast.SegmentStmt {
  const text = p.text;
  const from: ast.Name = { start: p.start, end: p.fromEnd, text: text.slice(p.start, p.fromEnd) };
  const to: ast.Name = { start: p.toStart, end: p.toEnd, text: text.slice(p.toStart, p.toEnd) };
  const seg: ast.SegmentStmt = {
    kind: 'segment', from, to, arrow: { start: p.arrowStart, end: p.arrowStart + 2 }, flags: [], flagsSpan: { start: p.toEnd, end: p.toEnd }, modifiers: NO_MODIFIERS.slice(), start: p.start, end: p.stmtEnd,
  };
  bodyNodes(p, seg);
  return seg;
}

/** Flag `i` of the body `b` read, as the parser's node. */
export function flagItem(b: PlainBody, i: number): ast.FlagItem {
  return { flag: FLAG_NAME[b.flagName[i]], set: true, bitStyle: false, start: b.flagStart[i], end: b.flagEnd[i] };
}

/** Put the flags and fields of the body `b` read into `seg`, in the order written. */
function bodyNodes(b: PlainBody, seg: ast.SegmentStmt): void {
  if (b.flagCount > 0) {
    const flags: ast.FlagItem[] = new Array(b.flagCount);
    for (let i = 0; i < b.flagCount; i++) flags[i] = flagItem(b, i);
    seg.flags = flags;
    seg.flagsSpan = { start: b.flagStart[0], end: b.flagEnd[b.flagCount - 1] };
  }
  fieldNodes(b, seg);
}

/** Put the fields of the body `b` read into `seg`. */
export function fieldNodes(b: PlainBody, seg: ast.SegmentStmt): void {
  for (let i = 0; i < b.fieldCount; i++) {
    const kind = b.fieldKind[i] as PlainField;
    const vs = b.valueStart[i];
    const ve = b.valueEnd[i];
    const v = b.value[kind];
    const key = { start: b.keyStart[i], end: b.keyEnd[i] };
    switch (kind) {
      case PlainField.Seq:
      case PlainField.Ack: {
        const e: ast.Expr = { start: vs, end: ve, symbol: undefined, offset: v >>> 0, hasLiteral: true };
        const f: ast.Field<ast.Expr> = { key, valueSpan: { start: vs, end: ve }, value: e, start: key.start, end: ve };
        if (kind === PlainField.Seq) seg.seq = f;
        else seg.ack = f;
        break;
      }
      default: {
        const f: ast.Field<number> = { key, valueSpan: { start: vs, end: ve }, value: v, start: key.start, end: ve };
        if (kind === PlainField.Len) seg.len = f;
        else if (kind === PlainField.Win) seg.win = f;
        else if (kind === PlainField.Mss) seg.mss = f;
        else seg.wscale = f;
      }
    }
  }
}

const FLAG_NAME: readonly ast.FlagName[] = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR'];
