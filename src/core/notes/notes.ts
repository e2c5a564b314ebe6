/**
 * A Markdown note checked whole: every ```tcpflow block and every ```mermaid sequence diagram
 * about TCP. All spans, related spans and fix edits are offsets into the Markdown text.
 */
import { extractFences, Fence, isGeneratedFence } from '../markdown';
import { LineIndex } from '../syntax/text';
import type { Finding, Locale } from '../check/findings';
import { analyzeFindings } from '../index';
import { checkMermaid, MermaidReading } from './mermaid';

export interface NoteBlock {
  fence: Fence;
  /** For a mermaid block: how it was read (`reading.tcp` false: not about TCP, not checked). */
  reading?: MermaidReading;
  /** This block's findings, offsets into the Markdown text. */
  findings: Finding[];
}

export interface NoteCheck {
  blocks: NoteBlock[];
  /** Every block's findings, in block order. */
  findings: Finding[];
}

/** Move a finding of a fence's content to the Markdown text. */
export function shiftFinding(f: Finding, by: number): Finding {
  if (by === 0) return f;
  const fix = f.fix && { ...f.fix, edits: f.fix.edits.map((e) => ({ ...e, start: e.start + by, end: e.end + by })) };
  return { ...f, start: f.start + by, end: f.end + by, fix, related: f.related.map((r) => ({ ...r, span: { start: r.span.start + by, end: r.span.end + by } })) };
}

export function checkNote(markdown: string, options: { locale?: Locale } = {}): NoteCheck {
  const locale = options.locale ?? 'en';
  const blocks: NoteBlock[] = [];
  let lines: LineIndex | undefined;
  for (const fence of extractFences(markdown, { languages: ['tcpflow', 'mermaid'] })) {
    lines ??= new LineIndex(markdown);
    if (fence.lang === 'tcpflow') {
      const lineOffset = lines.positionAt(fence.contentStart).line;
      blocks.push({ fence, findings: analyzeFindings(fence.content, { locale, lineOffset }).map((f) => shiftFinding(f, fence.contentStart)) });
    } else if (!isGeneratedFence(markdown, fence.openStart)) {
      const r = checkMermaid(markdown, fence.contentStart, fence.contentEnd, { locale, lines });
      blocks.push({ fence, reading: r.reading, findings: r.findings });
    }
  }
  return { blocks, findings: blocks.flatMap((b) => b.findings) };
}
