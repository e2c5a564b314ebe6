/**
 * The statements of a text as a table: one row per statement, its kind and its offsets in
 * typed arrays (struct of arrays), and the comments' offsets beside them. A segment — nearly
 * every row of a long flow — keeps no object: the checker reads it while the piece of text it
 * came from is fresh, and anything later (hover, the preview, the formatter) gets it again by
 * parsing its one line (statements never reach across a line). Every other statement is kept as
 * its tree. This keeps what an analysis retains per segment to a few numbers, so that the
 * analysis the editor keeps costs about what the findings-only check costs.
 *
 * A plain segment line of the shape header prediction takes (`ACK seq= ack= len= win=`, see
 * `syntax/plain.ts`) is not even parsed: its row holds its flags, fields and numbers in columns
 * beside the offsets, which the checker reads (`plainRow`); its tree, when something asks for it,
 * is made from its line like any segment's.
 */
import type * as ast from './ast';
import type { Comment } from './tokens';
import { parse, SyntaxIssue } from './parser';
import { PlainField, PlainSegment, ackOnlyShape, readPlainSegment } from './plain';

/** Row kinds: the statement kinds, as small numbers. */
export const enum RowKind {
  Segment = 1,
  Endpoint,
  Assert,
  Call,
  Wait,
  Msl,
  Deliver,
  Title,
  Note,
  Phase,
  Numbers,
}

const KIND_CODE: Record<ast.Statement['kind'], RowKind> = {
  segment: RowKind.Segment,
  endpoint: RowKind.Endpoint,
  assert: RowKind.Assert,
  call: RowKind.Call,
  wait: RowKind.Wait,
  msl: RowKind.Msl,
  deliver: RowKind.Deliver,
  title: RowKind.Title,
  note: RowKind.Note,
  phase: RowKind.Phase,
  numbers: RowKind.Numbers,
};

/** Columns per plain row: bytes (flags, fields), numbers (seq, ack, len, win), offsets (three name ends). */
const BITS = 2;
const NUMS = 4;
const OFFS = 3;

/** Characters parsed at a time while the table fills (then rounded up to a line end). */
const PIECE = 1 << 12;

/** A growable Int32Array column. */
function grow(a: Int32Array, n: number): Int32Array {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

function growU32(a: Uint32Array, n: number): Uint32Array {
  if (n <= a.length) return a;
  const b = new Uint32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

function growBytes(a: Uint8Array, n: number): Uint8Array {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

export class StatementTable {
  /** Rows so far (the table may still be filling, see `has`). */
  count = 0;
  kind: Uint8Array = new Uint8Array(64);
  start: Int32Array = new Int32Array(64);
  end: Int32Array = new Int32Array(64);
  /**
   * Plain rows: a segment line of the shape header prediction takes (`ackOnlyShape`), read into
   * numbers with no tree (`syntax/plain.ts`). `plain[i]` is 1 for such a row, and its flags,
   * fields, values and the offsets of its names are in the columns below (0 elsewhere).
   */
  plain: Uint8Array = new Uint8Array(64);
  /** Per plain row, `BITS` bytes (flags, fields), `NUMS` numbers (seq, ack, len, win) and `OFFS` offsets (the sender's name end, the receiver's name start and end). */
  private pBits: Uint8Array = new Uint8Array(64 * BITS);
  private pNums: Uint32Array = new Uint32Array(64 * NUMS);
  private pOffs: Int32Array = new Int32Array(64 * OFFS);
  /** Statements kept as trees, by row: every row that is not a segment, and segments asked for by `statement` (none for a plain row). */
  private readonly nodes = new Map<number, ast.Statement>();
  /** The trees of the last rows parsed, `fresh[i - freshBase]` (none for a plain row), until the next piece replaces them. */
  private fresh: readonly (ast.Statement | undefined)[] = [];
  private freshBase = 0;
  commentCount = 0;
  commentStart: Int32Array = new Int32Array(16);
  commentEnd: Int32Array = new Int32Array(16);
  /** Syntax issues in source order (of the pieces parsed so far). */
  readonly issues: SyntaxIssue[] = [];
  /** Where the next piece starts, while the table is filling. */
  private next: number;
  private statementsCache?: ast.Statement[];
  /** The plain line reader of this text (made at the first piece). */
  private reader?: PlainSegment;
  private commentsCache?: Comment[];

  constructor(
    readonly text: string,
    /** Keep the comments' offsets. */
    private readonly keepComments = true,
    filling = true,
    /** False parses every line, plain ones too (the reference header prediction is tested against). */
    private readonly plainRows = true,
    /** Rows to make room for at once (the text's line count, when known: a table has no more rows than lines). */
    rows = 0,
  ) {
    this.next = filling ? 0 : text.length;
    if (rows > 64) {
      this.room(rows);
      // (Comments too: an import writes one on every line.)
      this.commentStart = new Int32Array(rows);
      this.commentEnd = new Int32Array(rows);
    }
  }

  /** A table of statements already parsed (a tree built elsewhere, such as a Markdown note's diagram): every row keeps its tree. */
  static of(file: ast.File): StatementTable {
    const t = new StatementTable(file.text, false, false);
    for (const st of file.statements) t.push(st, true);
    for (const c of file.comments) t.pushComment(c.start, c.end);
    return t;
  }

  /** Is there a row `i`? Parses more of the text while the table is filling. */
  has(i: number): boolean {
    while (i >= this.count && this.next < this.text.length) this.parsePiece();
    return i < this.count;
  }

  /** Parse the rest of the text. */
  complete(): this {
    while (this.next < this.text.length) this.parsePiece();
    return this;
  }

  get filling(): boolean {
    return this.next < this.text.length;
  }

  /**
   * The next piece of lines: a plain line of the predicted shape becomes a plain row (no tree),
   * the lines between them are parsed, their trees fresh until the next piece.
   */
  private parsePiece(): void {
    const text = this.text;
    const from = this.next;
    const nl = text.indexOf('\n', from + PIECE);
    const to = nl < 0 ? text.length : nl + 1;
    this.next = to;
    this.freshBase = this.count;
    const fresh: (ast.Statement | undefined)[] = [];
    this.fresh = fresh;
    const p = (this.reader ??= new PlainSegment(text));
    let pending = from;
    for (let at = from; at < to; ) {
      const next = this.plainRows ? readPlainSegment(p, at, to) : -1;
      if (next >= 0 && ackOnlyShape(p)) {
        if (pending < at) this.parseTrees(pending, at, fresh);
        this.pushPlain(p);
        fresh.push(undefined);
        at = pending = next;
        continue;
      }
      const nl = text.indexOf('\n', at);
      at = nl < 0 || nl >= to ? to : nl + 1;
    }
    if (pending < to) this.parseTrees(pending, to, fresh);
  }

  /** Parse lines `[from, to)` into rows; their trees go to `fresh`. */
  private parseTrees(from: number, to: number, fresh: (ast.Statement | undefined)[]): void {
    const { file, issues } = parse(this.text, from, to, this.keepComments ? undefined : NO_COMMENTS);
    for (const i of issues) this.issues.push(i);
    for (const st of file.statements) {
      this.push(st, st.kind !== 'segment');
      fresh.push(st);
    }
    for (const c of file.comments) this.pushComment(c.start, c.end);
  }

  /** Append the plain row `p` read (and its comment). */
  private pushPlain(p: PlainSegment): void {
    const i = this.count++;
    this.room(i + 1);
    this.kind[i] = RowKind.Segment;
    this.start[i] = p.start;
    this.end[i] = p.stmtEnd;
    this.plain[i] = 1;
    this.pBits[i * BITS] = p.flags;
    this.pBits[i * BITS + 1] = p.fields;
    const v = p.value;
    const n = i * NUMS;
    this.pNums[n] = v[PlainField.Seq];
    this.pNums[n + 1] = v[PlainField.Ack];
    this.pNums[n + 2] = p.fields & (1 << PlainField.Len) ? v[PlainField.Len] : 0;
    this.pNums[n + 3] = p.fields & (1 << PlainField.Win) ? v[PlainField.Win] : 0;
    this.pOffs[i * OFFS] = p.fromEnd;
    this.pOffs[i * OFFS + 1] = p.toStart;
    this.pOffs[i * OFFS + 2] = p.toEnd;
    this.statementsCache = undefined;
    if (this.keepComments && p.commentStart >= 0) this.pushComment(p.commentStart, p.commentEnd);
  }

  /**
   * Row `i`'s numbers into `out` when it is a plain row (as `readPlainSegment` read its line: the
   * fields, flags, values and offsets header prediction reads); false otherwise.
   */
  plainRow(i: number, out: PlainSegment): boolean {
    if (this.plain[i] !== 1) return false;
    out.flags = this.pBits[i * BITS];
    out.fields = this.pBits[i * BITS + 1];
    const v = out.value;
    const n = i * NUMS;
    v[PlainField.Seq] = this.pNums[n];
    v[PlainField.Ack] = this.pNums[n + 1];
    v[PlainField.Len] = this.pNums[n + 2];
    v[PlainField.Win] = this.pNums[n + 3];
    out.start = this.start[i];
    out.stmtEnd = this.end[i];
    out.fromEnd = this.pOffs[i * OFFS];
    out.toStart = this.pOffs[i * OFFS + 1];
    out.toEnd = this.pOffs[i * OFFS + 2];
    return true;
  }

  /** Room for `n` rows in every column. */
  private room(n: number): void {
    if (n <= this.kind.length) return;
    this.kind = growBytes(this.kind, n);
    this.start = grow(this.start, n);
    this.end = grow(this.end, n);
    this.plain = growBytes(this.plain, n);
    this.pBits = growBytes(this.pBits, n * BITS);
    this.pNums = growU32(this.pNums, n * NUMS);
    this.pOffs = grow(this.pOffs, n * OFFS);
  }

  /** Append a row; `keep`: keep its tree (segments are parsed again when asked for). */
  push(st: ast.Statement, keep: boolean): void {
    const i = this.count++;
    this.room(i + 1);
    this.kind[i] = KIND_CODE[st.kind];
    this.start[i] = st.start;
    this.end[i] = st.end;
    if (keep) this.nodes.set(i, st);
    this.statementsCache = undefined;
  }

  pushComment(start: number, end: number): void {
    const i = this.commentCount++;
    if (i >= this.commentStart.length) {
      this.commentStart = grow(this.commentStart, i + 1);
      this.commentEnd = grow(this.commentEnd, i + 1);
    }
    this.commentStart[i] = start;
    this.commentEnd[i] = end;
    this.commentsCache = undefined;
  }

  /**
   * Row `i`'s tree for a reader that does not keep it (the checker): the fresh tree of the piece
   * just parsed, the kept one, or its line parsed again.
   */
  peek(i: number): ast.Statement {
    const kept = this.nodes.get(i);
    if (kept) return kept;
    const f = i - this.freshBase;
    const fresh = f >= 0 && f < this.fresh.length ? this.fresh[f] : undefined;
    return fresh ?? this.reparse(i);
  }

  /** Row `i`'s tree, the same object every time it is asked for (kept from then on). */
  statement(i: number): ast.Statement {
    let st = this.nodes.get(i);
    if (!st) this.nodes.set(i, (st = this.peek(i)));
    return st;
  }

  /** The statements as a list (every segment's tree is made and kept: for adapters that walk them all). */
  statements(): ast.Statement[] {
    if (this.statementsCache) return this.statementsCache;
    this.complete();
    const out: ast.Statement[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.statement(i);
    return (this.statementsCache = out);
  }

  comments(): Comment[] {
    if (this.commentsCache) return this.commentsCache;
    this.complete();
    const out: Comment[] = new Array(this.commentCount);
    for (let i = 0; i < this.commentCount; i++) {
      const start = this.commentStart[i];
      const end = this.commentEnd[i];
      out[i] = { start, end, text: this.text.slice(start, end) };
    }
    return (this.commentsCache = out);
  }

  /** Index of the first row that starts at or after `offset`. */
  firstFrom(offset: number): number {
    this.complete();
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.start[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Parse row `i`'s line again, and the lines after it up to a piece's length: a reader going
   * down the rows (the check resumed after an edit) then finds them fresh, one parse per piece
   * rather than per line. (A line break is LF, CRLF or a lone CR, as the scanner has it.)
   */
  private reparse(i: number): ast.Statement {
    const text = this.text;
    const at = this.start[i];
    let lineStart = at;
    for (let c = text.charCodeAt(lineStart - 1); lineStart > 0 && c !== 10 && c !== 13; c = text.charCodeAt(--lineStart - 1));
    let lineEnd = text.length;
    for (let p = at; p < text.length; p++) {
      const c = text.charCodeAt(p);
      if (c === 10) {
        lineEnd = p + 1;
        break;
      }
      if (c === 13) {
        lineEnd = text.charCodeAt(p + 1) === 10 ? p + 2 : p + 1;
        break;
      }
    }
    // (Up to the first LF after a piece's length; a lone CR before it ends a line as well.)
    const nl = lineEnd - lineStart >= PIECE ? -1 : text.indexOf('\n', lineStart + PIECE);
    const to = nl < 0 ? lineEnd : nl + 1;
    const statements = parse(text, lineStart, to, NO_COMMENTS).file.statements;
    for (let k = 0; k < statements.length; k++) {
      if (statements[k].start === at) {
        this.fresh = statements;
        this.freshBase = i - k;
        return statements[k];
      }
    }
    throw new Error(`tcpflow: no statement at offset ${at} when parsed again`);
  }

  /**
   * The table of an edited text: rows `[0, keep)` of `old` (the lines before the edit), the rows
   * of `mid` (the edited lines, parsed), and rows `[tail, old.count)` of `old` moved by `delta`
   * (the lines after it). Comments likewise: those of `old` before `offset`, `mid`'s, and those
   * of `old` from `tailOld` on, moved. Kept trees after the edit are moved (`shift`); segments'
   * trees are not carried over (parsed again from the new text when asked for).
   */
  static join(text: string, old: StatementTable, keep: number, mid: ast.File, tail: number, delta: number, offset: number, tailOld: number, shift: (st: ast.Statement) => void): StatementTable {
    const t = new StatementTable(text, old.keepComments, false);
    old.complete();
    const n = keep + mid.statements.length + (old.count - tail);
    t.room(n);
    t.kind.set(old.kind.subarray(0, keep));
    t.start.set(old.start.subarray(0, keep));
    t.end.set(old.end.subarray(0, keep));
    t.plain.set(old.plain.subarray(0, keep));
    t.pBits.set(old.pBits.subarray(0, keep * BITS));
    t.pNums.set(old.pNums.subarray(0, keep * NUMS));
    t.pOffs.set(old.pOffs.subarray(0, keep * OFFS));
    const moved = keep + mid.statements.length - tail;
    for (const [i, node] of old.nodes) {
      if (node.kind === 'segment') continue;
      if (i < keep) t.nodes.set(i, node);
      else if (i >= tail) {
        if (delta !== 0) shift(node);
        t.nodes.set(i + moved, node);
      }
    }
    t.count = keep;
    t.freshBase = keep;
    t.fresh = mid.statements;
    for (const st of mid.statements) t.push(st, st.kind !== 'segment');
    for (let i = tail; i < old.count; i++) {
      const j = t.count++;
      t.kind[j] = old.kind[i];
      t.start[j] = old.start[i] + delta;
      t.end[j] = old.end[i] + delta;
      if (old.plain[i] === 1) {
        t.plain[j] = 1;
        t.pBits.set(old.pBits.subarray(i * BITS, (i + 1) * BITS), j * BITS);
        t.pNums.set(old.pNums.subarray(i * NUMS, (i + 1) * NUMS), j * NUMS);
        for (let k = 0; k < OFFS; k++) t.pOffs[j * OFFS + k] = old.pOffs[i * OFFS + k] + delta;
      }
    }
    for (let i = 0; i < old.commentCount && old.commentStart[i] < offset; i++) t.pushComment(old.commentStart[i], old.commentEnd[i]);
    for (const c of mid.comments) t.pushComment(c.start, c.end);
    for (let i = 0; i < old.commentCount; i++) if (old.commentStart[i] >= tailOld) t.pushComment(old.commentStart[i] + delta, old.commentEnd[i] + delta);
    return t;
  }
}

const NO_COMMENTS = { comments: false };

const tables = new WeakMap<ast.File, StatementTable>();

/**
 * The statement table of a parsed file: its own, or (a tree built elsewhere, such as a note's
 * diagram) one made once and kept with it. Adapters look statements up through it by offset, and
 * so make only the trees they show.
 */
export function statementTable(file: ast.File): StatementTable {
  if (file instanceof TableFile) return file.table.complete();
  let t = tables.get(file);
  if (!t) tables.set(file, (t = StatementTable.of(file)));
  return t;
}

/**
 * A parsed file whose statements live in a `StatementTable`: `statements` and `comments` are
 * made from it on first read (an adapter that walks them all pays for the trees then).
 */
export class TableFile implements ast.File {
  constructor(
    readonly text: string,
    readonly table: StatementTable,
  ) {}
  get statements(): ast.Statement[] {
    return this.table.statements();
  }
  get comments(): Comment[] {
    return this.table.comments();
  }
}
