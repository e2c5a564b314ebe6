/**
 * Small read-only helpers over the core's model: find the statement or event at an offset,
 * and spell a computed value. They never decide anything about TCP; they only look up what
 * the checker recorded.
 */
import { statementTable, TableFile } from '../core/index';
import type { FlowEvent, SegmentEvent, SymbolInfo, ast } from '../core/index';
import type { SeqValue } from '../core/index';
import type { View } from './documents';

interface Index {
  /** Events by their statement (a segment's of a table, whose tree is made on demand: by its start offset). */
  byStmt: Map<ast.Statement, FlowEvent>;
  byStart: Map<number, SegmentEvent>;
}

const indexes = new WeakMap<View, Index>();

function index(a: View): Index {
  let ix = indexes.get(a);
  if (!ix) {
    const byStmt = new Map<ast.Statement, FlowEvent>();
    const byStart = new Map<number, SegmentEvent>();
    const table = a.file instanceof TableFile;
    for (const ev of a.model.events) {
      if (ev.kind === 'segment' && table) byStart.set(ev.start, ev);
      else byStmt.set(ev.stmt, ev);
    }
    ix = { byStmt, byStart };
    indexes.set(a, ix);
  }
  return ix;
}

/** The statement whose span holds `offset` (ends inclusive), by binary search. */
export function statementAt(a: View, offset: number): ast.Statement | undefined {
  const t = statementTable(a.file);
  let lo = 0;
  let hi = t.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (offset < t.start[mid]) hi = mid - 1;
    else if (offset > t.end[mid]) lo = mid + 1;
    else return t.statement(mid);
  }
  return undefined;
}

/** Index of the first statement that starts at or after `offset`. */
export function firstStatementFrom(a: View, offset: number): number {
  return statementTable(a.file).firstFrom(offset);
}

export function eventOf(a: View, stmt: ast.Statement): FlowEvent | undefined {
  const ix = index(a);
  return stmt.kind === 'segment' && ix.byStart.size > 0 ? ix.byStart.get(stmt.start) : ix.byStmt.get(stmt);
}

/** The segment event a statement shows: the segment itself, or the one a `deliver` delivers. */
export function segmentOf(a: View, stmt: ast.Statement): SegmentEvent | undefined {
  const ev = eventOf(a, stmt);
  if (!ev) return undefined;
  if (ev.kind === 'segment') return ev;
  if (ev.kind === 'deliver') return ev.segment;
  return undefined;
}

export function within(s: { start: number; end: number }, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}

/** One-based line of an offset, as the core counts lines in its messages. */
export function lineNo(a: View, offset: number): number {
  return a.lines.positionAt(offset).line + 1;
}

/** Value written as `n` or `name`, `name+n`, `name-n`. */
function spell(name: string, off: number): string {
  const d = off | 0;
  return d === 0 ? name : d > 0 ? `${name}+${d}` : `${name}-${-d}`;
}

/**
 * A value in terms of the name that stands for its root (the ISN the notes call `x`), so that
 * `u+1` reads `x+2`; falls back to `fallback` (the checker's own spelling) when no name has that
 * root. Absolute values read as numbers.
 */
export function canonicalValue(a: View, connection: string, v: SeqValue | undefined, fallback: string): string {
  if (!v) return fallback;
  if (v.root === 0) return String(v.off >>> 0);
  let root: SymbolInfo | undefined;
  for (const s of a.model.symbols) {
    if (s.connection === connection && s.value.root === v.root && s.value.off === 0) {
      root = s;
      break;
    }
  }
  return root ? spell(root.name, v.off) : fallback;
}

/** The symbol (sequence-number name) at an offset: its definition or one of its uses. */
export function symbolAt(a: View, offset: number): { symbol: SymbolInfo; span: ast.Span } | undefined {
  for (const s of a.model.symbols) {
    if (within(s.def, offset)) return { symbol: s, span: s.def };
    for (const r of s.refs) if (within(r, offset)) return { symbol: s, span: r };
  }
  return undefined;
}

/** The endpoint name at an offset, with all its references (declaration first). */
export function endpointAt(a: View, offset: number): { name: string; span: ast.Span; refs: ast.Span[] } | undefined {
  for (const [name, refs] of a.model.endpointRefs) {
    for (const r of refs) if (within(r, offset)) return { name, span: r, refs };
  }
  return undefined;
}

/** Statements of kind `phase` with the end of the region each one starts. */
export function phases(a: View, contentEnd: number): { stmt: ast.PhaseStmt; end: number }[] {
  const out: { stmt: ast.PhaseStmt; end: number }[] = [];
  const st = a.file.statements;
  let open: ast.PhaseStmt | undefined;
  let lastEnd = 0;
  for (const s of st) {
    if (s.kind === 'phase') {
      if (open) out.push({ stmt: open, end: lastEnd });
      open = s;
    }
    lastEnd = s.end;
  }
  if (open) {
    // The region also covers comments after the last statement.
    let end = lastEnd;
    for (const c of a.file.comments) if (c.start > end && c.end <= contentEnd) end = c.end;
    out.push({ stmt: open, end });
  }
  return out;
}
