/**
 * Code actions. Every finding with a fix offers it as the preferred quick fix; when several
 * findings of one code have fixes, "Fix all <code> problems in file" applies them together, and
 * source.fixAll applies every fix in the file (```tcpflow blocks and mermaid diagrams of a note
 * alike). Fixes that would touch a comment are never offered (convert.ts `lspFix`), and fixes
 * combined into one edit never overlap.
 *
 * On a mermaid diagram about TCP, "Convert to tcpflow" (refactor.rewrite) replaces the block by
 * the equivalent ```tcpflow block (`mermaidToTcpflow`: the same findings); undo brings the
 * diagram back.
 */
import { CodeAction, CodeActionKind, Diagnostic, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { mermaidToTcpflow } from '../core/index';
import type { Finding, Locale } from '../core/index';
import type { MermaidUnit, Snapshot, Unit } from './documents';
import { DiagnosticData, SOURCE, findingToDiagnostic, lspFix, toRange } from './convert';
import { t } from './l10n';

export interface ActionRequest {
  uri: string;
  version: number;
  range: Range;
  diagnostics: Diagnostic[];
  only?: string[];
  documentChanges: boolean;
  relatedInformation: boolean;
  locale: Locale;
}

interface Fixable {
  unit: Unit;
  finding: Finding;
  range: Range;
  title: string;
  edits: TextEdit[];
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function intersects(x: Range, y: Range): boolean {
  return !before(x.end, y.start) && !before(y.end, x.start);
}

function kindWanted(kind: string, only: string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function workspaceEdit(req: ActionRequest, edits: TextEdit[]): WorkspaceEdit {
  if (req.documentChanges) return { documentChanges: [{ textDocument: { uri: req.uri, version: req.version }, edits }] };
  return { changes: { [req.uri]: edits } };
}

/** All fixes of a list that can be applied together: in order, skipping any that overlaps one already taken. */
export function combine(fixables: Fixable[]): TextEdit[] {
  const taken: { unit: Unit; start: number; end: number }[] = [];
  const edits: TextEdit[] = [];
  const sorted = [...fixables].sort((x, y) => x.finding.start - y.finding.start);
  for (const f of sorted) {
    const raw = f.finding.fix!.edits;
    const clash = raw.some((e) => taken.some((k) => k.unit === f.unit && ((e.start < k.end && e.end > k.start) || e.start === k.start)));
    if (clash) continue;
    for (const e of raw) taken.push({ unit: f.unit, start: e.start, end: e.end });
    for (const e of f.edits) edits.push(e);
  }
  return edits;
}

export function codeActions(snap: Snapshot, req: ActionRequest): CodeAction[] {
  const fixables: Fixable[] = [];
  for (const u of snap.units) {
    for (const f of u.analysis.findings) {
      const fix = lspFix(u, f.fix);
      if (fix) fixables.push({ unit: u, finding: f, range: toRange(u, f.start, f.end), title: fix.title, edits: fix.edits });
    }
  }
  const actions: CodeAction[] = [];
  const covered = new Set<string>();
  const keyOf = (code: string, r: Range) => `${code}@${r.start.line}:${r.start.character}`;

  // Quick fixes for the diagnostics the client sent, straight from their data when current.
  for (const d of req.diagnostics) {
    if (d.source !== SOURCE || typeof d.code !== 'string') continue;
    const data = d.data as DiagnosticData | undefined;
    if (!data || data.version !== req.version || !data.fix) continue;
    covered.add(keyOf(d.code, d.range));
    actions.push({ title: data.fix.title, kind: CodeActionKind.QuickFix, isPreferred: true, diagnostics: [d], edit: workspaceEdit(req, data.fix.edits) });
  }
  // And for findings in the range that the client did not send (or sent for an older version).
  for (const f of fixables) {
    if (!intersects(f.range, req.range) || covered.has(keyOf(f.finding.code, f.range))) continue;
    covered.add(keyOf(f.finding.code, f.range));
    const diag = findingToDiagnostic(req.uri, snap.version, f.unit, f.finding, req.relatedInformation);
    actions.push({ title: f.title, kind: CodeActionKind.QuickFix, isPreferred: true, diagnostics: [diag], edit: workspaceEdit(req, f.edits) });
  }
  // Fix all of one code, offered on any finding of that code.
  const byCode = new Map<string, Fixable[]>();
  for (const f of fixables) {
    const list = byCode.get(f.finding.code);
    if (list) list.push(f);
    else byCode.set(f.finding.code, [f]);
  }
  for (const [code, list] of byCode) {
    if (list.length < 2 || !list.some((f) => intersects(f.range, req.range))) continue;
    actions.push({ title: t(req.locale, 'fixAllCode', code), kind: CodeActionKind.QuickFix, edit: workspaceEdit(req, combine(list)) });
  }
  if (fixables.length > 0 && kindWanted(CodeActionKind.SourceFixAll, req.only)) {
    actions.push({ title: t(req.locale, 'fixAll'), kind: CodeActionKind.SourceFixAll, edit: workspaceEdit(req, combine(fixables)) });
  }
  if (kindWanted(CodeActionKind.RefactorRewrite, req.only)) {
    for (const u of snap.units) {
      if (u.lang !== 'mermaid') continue;
      // Anywhere on the block, its fences included.
      const open = u.firstLine - 1;
      const close = u.fence.closed ? u.lastLine + 1 : u.lastLine;
      if (req.range.end.line < open || req.range.start.line > close) continue;
      const edits = convertEdits(u);
      if (edits) actions.push({ title: t(req.locale, 'convertToTcpflow'), kind: CodeActionKind.RefactorRewrite, edit: workspaceEdit(req, edits) });
    }
  }
  return actions.filter((x) => kindWanted(x.kind ?? '', req.only));
}

/**
 * The edits that turn a mermaid block into the equivalent ```tcpflow block: the language word of
 * the opening fence (and the info string after it, which was Mermaid's), and the content. The
 * fence characters, the indentation and the line ends stay the note's.
 */
export function convertEdits(u: MermaidUnit): TextEdit[] | undefined {
  const m = /^([ \t]*(?:`{3,}|~{3,})[ \t]*)mermaid/.exec(u.openLine);
  if (!m) return undefined;
  const openLine = u.firstLine - 1;
  const content = u.analysis.text.slice(u.contentStart, u.contentEnd);
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const body = mermaidToTcpflow(u.reading)
    .split('\n')
    .map((line) => (line ? u.indent + line : line))
    .join(eol);
  return [
    { range: { start: { line: openLine, character: m[1].length }, end: { line: openLine, character: u.openLine.length } }, newText: 'tcpflow' },
    { range: toRange(u, u.contentStart, u.contentEnd), newText: body },
  ];
}
