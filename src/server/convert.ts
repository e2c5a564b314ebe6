/**
 * Core findings and offsets to LSP shapes. Offsets are UTF-16 indices into a unit's text; a
 * unit shares line and column numbers with its document (see documents.ts), so the unit's
 * LineIndex gives LSP positions directly.
 */
import {
  Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity,
  Range,
  TextEdit,
} from 'vscode-languageserver';
import type { Finding, Fix, Severity, Span } from '../core/index';
import type { Snapshot, Unit } from './documents';
import { FINDINGS_DOC_URL } from './protocol';
import { t } from './l10n';
import type { Locale } from '../core/index';

export const SOURCE = 'tcpflow';

export function toRange(u: Unit, start: number, end: number): Range {
  const lines = u.analysis.lines;
  return { start: lines.positionAt(start), end: lines.positionAt(end) };
}

export function spanRange(u: Unit, s: Span): Range {
  return toRange(u, s.start, s.end);
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** What a published diagnostic carries in `data`. */
export interface DiagnosticData {
  /** Document version the diagnostic (and its fix) was computed for. */
  version: number;
  /** The finding's id in the core table. */
  key: string;
  fix?: { title: string; edits: TextEdit[] };
}

/** The rule a finding cites, with any `{n}` placeholder of the table filled from its args. */
export function ruleOf(f: Finding): string {
  return f.rule.replace(/\{(\d+)\}/g, (_m, i: string) => f.args[Number(i)] ?? '');
}

/**
 * A fix in LSP terms, or undefined when it cannot be applied safely: an edit that would touch a
 * comment, or reach outside the unit's own content (the Markdown around a block).
 */
export function lspFix(u: Unit, fix: Fix | undefined): { title: string; edits: TextEdit[] } | undefined {
  if (!fix || fix.edits.length === 0) return undefined;
  const comments = u.analysis.file.comments;
  for (const e of fix.edits) {
    if (e.start < u.contentStart || e.end > u.contentEnd || e.start > e.end) return undefined;
    for (const c of comments) {
      if (e.start < c.end && e.end > c.start) return undefined;
      // An insertion inside a comment would become part of the comment.
      if (e.start === e.end && e.start > c.start && e.start < c.end) return undefined;
    }
  }
  return { title: fix.title, edits: fix.edits.map((e) => ({ range: toRange(u, e.start, e.end), newText: e.newText })) };
}

export function findingToDiagnostic(uri: string, version: number, u: Unit, f: Finding, withRelated: boolean): Diagnostic {
  const rule = ruleOf(f);
  let message = f.message;
  // Messages cite the rule they apply; the few that do not (syntax about states) get the table's.
  if (rule && !/\bRFC \d+/.test(message)) message += ` (${rule})`;
  const d: Diagnostic = {
    range: toRange(u, f.start, f.end),
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: `${FINDINGS_DOC_URL}#${f.code.toLowerCase()}` },
    source: SOURCE,
    message,
  };
  if (withRelated && f.related.length > 0) {
    d.relatedInformation = f.related.map((r): DiagnosticRelatedInformation => ({ location: { uri, range: spanRange(u, r.span) }, message: r.message }));
  }
  const data: DiagnosticData = { version, key: f.key };
  const fix = lspFix(u, f.fix);
  if (fix) data.fix = fix;
  d.data = data;
  return d;
}

export interface DiagnosticOptions {
  relatedInformation: boolean;
  maxProblems: number;
  locale: Locale;
}

export function diagnosticsFor(snap: Snapshot, opts: DiagnosticOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  let hidden = 0;
  let firstHidden: Range | undefined;
  for (const u of snap.units) {
    for (const f of u.analysis.findings) {
      if (out.length < opts.maxProblems) out.push(findingToDiagnostic(snap.uri, snap.version, u, f, opts.relatedInformation));
      else {
        if (hidden === 0) firstHidden = toRange(u, f.start, f.end);
        hidden++;
      }
    }
  }
  if (hidden > 0 && firstHidden) {
    out.push({ range: firstHidden, severity: DiagnosticSeverity.Information, source: SOURCE, message: t(opts.locale, 'moreProblems', hidden) });
  }
  for (const fail of snap.failures) {
    out.push({
      range: { start: { line: fail.firstLine, character: 0 }, end: { line: fail.firstLine, character: 0 } },
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
      message: t(opts.locale, 'checkFailed', fail.message),
    });
  }
  return out;
}
