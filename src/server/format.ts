/**
 * Document formatting. Within each group of lines (lines not separated by a blank line), segment
 * lines are laid out in aligned columns — sender, arrow, receiver, flags, seq, ack, the rest —
 * and trailing comments start in one column. Other statements get single spaces between words
 * and a space after commas. Comment-only lines lose their indentation only.
 *
 * Nothing is ever reordered or dropped: a line the parser had trouble with, or one holding two
 * statements, is left exactly as it is, and the whole result is checked before it is returned —
 * the same tokens and comments in the same order and the same findings — or the formatter
 * refuses. Formatting its own output changes nothing.
 */
import type { TextEdit } from 'vscode-languageserver';
import { analyze } from '../core/index';
import type { ast } from '../core/index';
import { Scanner, TokenKind } from '../core/index';
import type { FlowUnit } from './documents';

interface Tok {
  kind: TokenKind;
  start: number;
  end: number;
  space: boolean;
}

interface Line {
  /** Document (and unit) line. */
  line: number;
  raw: string;
  kind: 'blank' | 'comment' | 'verbatim' | 'segment' | 'statement';
  /** Segment lines: text of each column. */
  cols?: string[];
  /** Statement lines: the code part. */
  code?: string;
  comment?: string;
  out?: string;
}

/**
 * The only whitespace the formatter owns is the ASCII space and tab between words and at the end
 * of a line. A line holding any other (a byte-order mark, U+3000 typed with a Chinese input
 * method, U+00A0) is kept as it is, and a comment loses only trailing spaces and tabs.
 */
const FOREIGN_SPACE = /[^\S \t]/;
const trimLayout = (s: string): string => s.replace(/[ \t]+$/, '');

/** Parser issues (not checker findings) make a line verbatim. */
const SYNTAX_CODES = new Set(['TF1001', 'TF1002', 'TF1003', 'TF1004', 'TF1005', 'TF1006', 'TF1009', 'TF1010']);

const GAP = [0, 1, 1, 2, 2, 1, 1];
const COLUMNS = 7;

/** Columns a character takes in a monospaced editor font (East Asian wide and full-width take two). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0x303e) ||
      (c >= 0x3041 && c <= 0x33ff) ||
      (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xa000 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd)
    )
      w += 2;
    else if (c >= 0x300 && c <= 0x36f) w += 0;
    else w += 1;
  }
  return w;
}

function pad(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

function scanLine(raw: string): { toks: Tok[]; comment?: { start: number; text: string } } {
  const sc = new Scanner(raw);
  const toks: Tok[] = [];
  for (let k = sc.next(); k !== TokenKind.EOF; k = sc.next()) {
    const tk = sc.token;
    toks.push({ kind: tk.kind, start: tk.start, end: tk.end, space: tk.spaceBefore });
  }
  const c = sc.comments[0];
  return { toks, comment: c ? { start: c.start, text: c.text } : undefined };
}

/** Words of a line joined with normalised spacing. */
function join(raw: string, toks: Tok[], colonSpace: boolean): string {
  let out = '';
  let prev: Tok | undefined;
  for (const tk of toks) {
    const txt = raw.slice(tk.start, tk.end);
    if (!prev) out = txt;
    else {
      let sep = tk.space ? ' ' : '';
      if (tk.kind === TokenKind.Comma || tk.kind === TokenKind.RBracket) sep = '';
      else if (prev.kind === TokenKind.Comma) sep = ' ';
      else if (prev.kind === TokenKind.LBracket) sep = '';
      else if (colonSpace && tk.kind === TokenKind.Colon) sep = '';
      else if (colonSpace && prev.kind === TokenKind.Colon) sep = ' ';
      out += sep + txt;
    }
    prev = tk;
  }
  return out;
}

function segmentColumns(raw: string, toks: Tok[], st: ast.SegmentStmt, base: number): string[] {
  const inside = (s: ast.Span | undefined, tk: Tok) => !!s && tk.start >= s.start - base && tk.end <= s.end - base;
  const natural = (tk: Tok): number | 'prev' | 'next' => {
    if (inside(st.from, tk)) return 0;
    if (inside(st.arrow, tk)) return 1;
    if (inside(st.to, tk)) return 2;
    if (st.flags.some((f) => inside(f, tk))) return 3;
    if (inside(st.seq, tk)) return 4;
    if (inside(st.ack, tk) || inside(st.ackFlagValue, tk)) return 5;
    if (tk.kind === TokenKind.Comma || tk.kind === TokenKind.RBracket || tk.kind === TokenKind.Plus || tk.kind === TokenKind.Slash) return 'prev';
    if (tk.kind === TokenKind.LBracket) return 'next';
    return 6;
  };
  const nat = toks.map(natural);
  const cols: Tok[][] = Array.from({ length: COLUMNS }, () => []);
  let col = 0;
  for (let i = 0; i < toks.length; i++) {
    let n = nat[i];
    if (n === 'next') {
      let j = i + 1;
      while (j < toks.length && typeof nat[j] !== 'number') j++;
      n = j < toks.length ? (nat[j] as number) : col;
    }
    if (n === 'prev') n = col;
    col = Math.max(col, n);
    cols[col].push(toks[i]);
  }
  return cols.map((c) => join(raw, c, false));
}

function renderSegment(cols: string[], widths: number[]): string {
  let s = '';
  for (let c = 0; c < COLUMNS; c++) {
    if (widths[c] === 0) continue;
    const piece = cols[c] ?? '';
    if (s !== '') s += ' '.repeat(GAP[c]);
    s += c < COLUMNS - 1 ? pad(piece, widths[c]) : piece;
  }
  return trimLayout(s);
}

function signature(text: string): string {
  const sc = new Scanner(text);
  const parts: string[] = [];
  for (let k = sc.next(); k !== TokenKind.EOF; k = sc.next()) {
    const tk = sc.token;
    parts.push(k === TokenKind.Newline ? '\n' : `${k}:${text.slice(tk.start, tk.end)}`);
  }
  for (const c of sc.comments) parts.push(`#${trimLayout(c.text)}`);
  return parts.join('\u0000');
}

export type FormatResult = { edits: TextEdit[] } | { refused: string };

export function formatUnit(u: FlowUnit): FormatResult {
  const a = u.analysis;
  const text = a.text;
  const li = a.lines;
  const byLine = new Map<number, ast.Statement[]>();
  for (const st of a.file.statements) {
    const l = li.positionAt(st.start).line;
    const list = byLine.get(l);
    if (list) list.push(st);
    else byLine.set(l, [st]);
  }
  const bad = new Set<number>();
  for (const f of a.findings) {
    if (!SYNTAX_CODES.has(f.code)) continue;
    const l0 = li.positionAt(f.start).line;
    const l1 = li.positionAt(f.end).line;
    for (let l = l0; l <= l1; l++) bad.add(l);
  }
  const last = Math.min(u.lastLine, li.lineCount - 1);
  const lines: Line[] = [];
  for (let l = u.firstLine; l <= last; l++) {
    const start = li.lineStarts[l];
    const raw = text.slice(start, li.lineEnd(l));
    const { toks, comment } = scanLine(raw);
    const line: Line = { line: l, raw, kind: 'verbatim' };
    const stmts = byLine.get(l) ?? [];
    if (FOREIGN_SPACE.test(comment ? raw.slice(0, comment.start) : raw)) {
      // Whitespace the formatter does not own: the line stays as written.
    } else if (toks.length === 0) {
      if (comment) {
        line.kind = 'comment';
        line.comment = trimLayout(comment.text);
      } else line.kind = 'blank';
    } else if (stmts.length === 1 && !bad.has(l) && !toks.some((tk) => tk.kind === TokenKind.Semicolon || tk.kind === TokenKind.Unknown)) {
      const st = stmts[0];
      line.comment = comment ? trimLayout(comment.text) : undefined;
      if (st.kind === 'segment') {
        line.kind = 'segment';
        line.cols = segmentColumns(raw, toks, st, start);
      } else {
        line.kind = 'statement';
        line.code = join(raw, toks, st.kind === 'assert');
      }
    }
    lines.push(line);
  }
  // Lay out each group of consecutive non-blank lines.
  for (let i = 0; i < lines.length; ) {
    if (lines[i].kind === 'blank') {
      lines[i].out = '';
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j].kind !== 'blank') j++;
    const group = lines.slice(i, j);
    const widths = new Array<number>(COLUMNS).fill(0);
    for (const g of group) if (g.kind === 'segment') g.cols!.forEach((c, k) => (widths[k] = Math.max(widths[k], displayWidth(c))));
    for (const g of group) if (g.kind === 'segment') g.code = renderSegment(g.cols!, widths);
    let commentCol = 0;
    for (const g of group) if ((g.kind === 'segment' || g.kind === 'statement') && g.comment) commentCol = Math.max(commentCol, displayWidth(g.code!) + 2);
    for (const g of group) {
      if (g.kind === 'verbatim') g.out = g.raw;
      else if (g.kind === 'comment') g.out = u.indent + g.comment!;
      else g.out = u.indent + (g.comment ? pad(g.code!, commentCol) + g.comment : g.code!);
    }
    i = j;
  }
  // Check the result keeps everything before offering it.
  const content = text.slice(u.contentStart, u.contentEnd);
  let rebuilt = '';
  let pos = u.contentStart;
  for (const g of lines) {
    const s = li.lineStarts[g.line];
    rebuilt += text.slice(pos, s) + g.out;
    pos = s + g.raw.length;
  }
  rebuilt += text.slice(pos, u.contentEnd);
  if (signature(rebuilt) !== signature(content)) return { refused: 'tokens or comments would change' };
  const padding = text.slice(0, u.contentStart);
  const again = analyze(padding + rebuilt, { locale: a.locale });
  const codes = (fs: { code: string }[]) => fs.map((f) => f.code).join(',');
  if (codes(again.findings) !== codes(a.findings) || again.file.statements.length !== a.file.statements.length) return { refused: 'the findings would change' };
  const edits: TextEdit[] = [];
  for (const g of lines) {
    if (g.out === g.raw) continue;
    edits.push({ range: { start: { line: g.line, character: 0 }, end: { line: g.line, character: g.raw.length } }, newText: g.out! });
  }
  return { edits };
}
