/**
 * What the published diagnostics must be, computed straight from the core for comparison (the
 * tests never call the server's own conversion code).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { analyze, Locale } from '../../src/core/index';

export interface Simple {
  code: string;
  severity: number;
  range: string;
  message: string;
}

const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

function r(range: Diagnostic['range']): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

export function expectedFor(text: string, locale: Locale = 'en'): Simple[] {
  const a = analyze(text, { locale });
  const doc = TextDocument.create('file:///x', 'tcpflow', 0, text);
  return a.findings.map((f) => ({
    code: f.code,
    severity: SEVERITY[f.severity],
    range: r({ start: doc.positionAt(f.start), end: doc.positionAt(f.end) }),
    message: f.message,
  }));
}

/** A diagnostic's message as text (LSP 3.18 also allows Markdown content). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** Published diagnostics in the same shape; a rule the server appended to a message is cut off. */
export function simplify(ds: Diagnostic[], expected?: Simple[]): Simple[] {
  return ds.map((d, i) => {
    let message = messageOf(d);
    const want = expected?.[i]?.message;
    if (want !== undefined && message !== want && message.startsWith(want) && /^ \(RFC [^)]*\)$/.test(message.slice(want.length))) message = want;
    return { code: String(d.code), severity: d.severity ?? 0, range: r(d.range), message };
  });
}
