/**
 * Document symbols (endpoints, connections, phases; one group per Markdown block) and folding
 * ranges (phases and runs of comment lines).
 */
import { DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind } from 'vscode-languageserver';
import type { Locale } from '../core/index';
import { flowUnits, type FlowUnit, type Snapshot } from './documents';
import { spanRange, toRange } from './convert';
import { t } from './l10n';
import { phases } from './modelview';

function unitSymbols(u: FlowUnit, locale: Locale): DocumentSymbol[] {
  const a = u.analysis;
  const out: DocumentSymbol[] = [];
  for (const e of a.model.endpoints) {
    const role = t(locale, e.role === 'client' ? 'roleClient' : e.role === 'server' ? 'roleServer' : 'roleEndpoint');
    out.push({
      name: e.name,
      detail: e.address ? `${role} ${e.address}` : role,
      kind: SymbolKind.Class,
      range: spanRange(u, e.decl),
      selectionRange: spanRange(u, e.decl.name),
    });
  }
  const conns = new Map<string, { start: number; end: number; first: { start: number; end: number }; count: number }>();
  for (const ev of a.model.events) {
    const seg = ev.kind === 'segment' ? ev : ev.kind === 'deliver' ? ev.segment : undefined;
    if (!seg) continue;
    const c = conns.get(seg.connection);
    // (A segment's offsets without its tree.)
    const span = ev.kind === 'segment' ? { start: ev.start, end: ev.end } : ev.stmt;
    if (!c) conns.set(seg.connection, { start: span.start, end: span.end, first: span, count: ev.kind === 'segment' ? 1 : 0 });
    else {
      c.end = Math.max(c.end, span.end);
      if (ev.kind === 'segment') c.count++;
    }
  }
  for (const [key, c] of conns) {
    out.push({
      name: key.split('<->').join(' ↔ '),
      detail: t(locale, 'connectionDetail', c.count),
      kind: SymbolKind.Interface,
      range: toRange(u, c.start, c.end),
      selectionRange: spanRange(u, c.first),
    });
  }
  for (const p of phases(a, u.contentEnd)) {
    out.push({
      name: p.stmt.text || t(locale, 'phaseUnnamed'),
      kind: SymbolKind.Namespace,
      range: toRange(u, p.stmt.start, Math.max(p.end, p.stmt.end)),
      selectionRange: spanRange(u, p.stmt),
    });
  }
  return out;
}

export function documentSymbols(snap: Snapshot, locale: Locale): DocumentSymbol[] {
  // Mermaid diagrams are Markdown's own: the Markdown outline lists them already.
  if (snap.kind === 'tcpflow') return flowUnits(snap).flatMap((u) => unitSymbols(u, locale));
  return flowUnits(snap).map((u) => {
    const open = { line: Math.max(0, u.firstLine - 1), character: 0 };
    const end = u.analysis.lines.positionAt(u.contentEnd);
    return {
      name: u.analysis.model.title ?? t(locale, 'blockName', open.line + 1),
      detail: 'tcpflow',
      kind: SymbolKind.Module,
      range: { start: open, end: end.line < open.line ? open : end },
      selectionRange: { start: open, end: open },
      children: unitSymbols(u, locale),
    };
  });
}

export function foldingRanges(snap: Snapshot): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const u of flowUnits(snap)) {
    const a = u.analysis;
    const line = (o: number) => a.lines.positionAt(o).line;
    for (const p of phases(a, u.contentEnd)) {
      const s = line(p.stmt.start);
      const e = line(Math.max(p.end, p.stmt.end));
      if (e > s) out.push({ startLine: s, endLine: e, kind: FoldingRangeKind.Region });
    }
    let runStart = -1;
    let runEnd = -1;
    const flush = () => {
      if (runStart >= 0 && runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
    };
    for (const c of a.file.comments) {
      const l = line(c.start);
      const lineStart = a.lines.lineStarts[l];
      if (a.text.slice(lineStart, c.start).trim() !== '') continue; // a trailing comment
      if (l === runEnd + 1 && runStart >= 0) runEnd = l;
      else {
        flush();
        runStart = l;
        runEnd = l;
      }
    }
    flush();
  }
  return out;
}
