/**
 * Diagrams for readers without tcpflow: under every ```tcpflow block of a Markdown note, a
 * generated ```mermaid block between two marker comments. GitHub, Obsidian, Typora and most
 * blog engines draw ```mermaid themselves, so the note reads well everywhere.
 *
 *     ```tcpflow
 *     C -> S SYN seq=x
 *     ```
 *
 *     <!-- tcpflow:begin (generated from the tcpflow block above by `tcpflow render --materialize`; edits here are overwritten) -->
 *     ```mermaid
 *     sequenceDiagram
 *     ...
 *     ```
 *     <!-- tcpflow:end -->
 *
 * Pure text in, text out: every byte outside the generated regions is kept, a second run over
 * its own output changes nothing, and a generated region whose tcpflow block is gone is removed.
 */
import { analyze } from './index';
import type { Locale } from './check/findings';
import { extractFences, MATERIALIZE_BEGIN, MATERIALIZE_END } from './markdown';
import { renderMermaid, RenderOptions } from './render/mermaid';

export { MATERIALIZE_BEGIN, MATERIALIZE_END };
const BEGIN_LINE = `${MATERIALIZE_BEGIN} (generated from the tcpflow block above by \`tcpflow render --materialize\`; edits here are overwritten) -->`;

export interface MaterializeOptions {
  locale?: Locale;
  render?: RenderOptions;
}

export interface MaterializeResult {
  /** The note with every generated block up to date. */
  text: string;
  /** ```tcpflow blocks that have (now) a generated diagram under them. */
  blocks: number;
  /** Generated regions written anew: inserted, refreshed or removed (0 when the note was current). */
  changed: number;
  /** Generated regions removed because no tcpflow block stands above them any more. */
  removed: number;
}

/** A generated region: from the start of its begin line to the end of its end line (with its line break). */
interface Region {
  start: number;
  end: number;
}

export function materialize(markdown: string, options: MaterializeOptions = {}): MaterializeResult {
  const eol = markdown.includes('\r\n') ? '\r\n' : '\n';
  const regions = findRegions(markdown);
  const edits: { start: number; end: number; text: string }[] = [];
  const claimed = new Set<Region>();
  let blocks = 0;
  let changed = 0;
  for (const fence of extractFences(markdown)) {
    if (!fence.closed) continue;
    blocks++;
    const close = lineEnd(markdown, fence.contentEnd);
    const diagram = renderMermaid(analyze(fence.content, { locale: options.locale, checkpointEvery: Number.MAX_SAFE_INTEGER }), options.render).text.replace(/\n+$/, '');
    const block = [BEGIN_LINE, '```mermaid', ...diagram.split('\n'), '```', MATERIALIZE_END].join(eol) + eol;
    // The closing fence at the very end of the note gets a line break first.
    const at = close.withBreak > close.end ? close.withBreak : close.end;
    const lead = close.withBreak > close.end ? eol : eol + eol;
    // The region under this block: the first thing after it, blank lines aside.
    const region = regions.find((r) => !claimed.has(r) && r.start >= at && markdown.slice(at, r.start).trim() === '');
    const end = region ? region.end : at;
    if (region) claimed.add(region);
    const wanted = lead + block;
    if (markdown.slice(at, end) !== wanted) {
      edits.push({ start: at, end, text: wanted });
      changed++;
    }
  }
  let removed = 0;
  for (const r of regions) {
    if (claimed.has(r)) continue;
    // Remove the region with the blank line the writer put above it.
    const prev = r.start > 0 ? markdown.lastIndexOf('\n', r.start - 2) + 1 : 0;
    const start = r.start > 0 && markdown.slice(prev, r.start).trim() === '' ? prev : r.start;
    edits.push({ start, end: r.end, text: '' });
    removed++;
    changed++;
  }
  edits.sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let pos = 0;
  for (const e of edits) {
    parts.push(markdown.slice(pos, e.start), e.text);
    pos = e.end;
  }
  parts.push(markdown.slice(pos));
  return { text: parts.join(''), blocks, changed, removed };
}

/**
 * The generated regions of a note, in order: a begin marker line outside any fenced code block,
 * up to the next end marker line outside one. Markers shown inside a code block (documentation
 * about this very feature) are text, not regions; an unterminated begin marker is left alone.
 */
function findRegions(text: string): Region[] {
  const out: Region[] = [];
  let fence: string | undefined;
  let begin: number | undefined;
  let pos = 0;
  while (pos < text.length) {
    const { end, withBreak } = lineEnd(text, pos);
    const line = text.slice(pos, end);
    const t = line.trimStart();
    const indent = line.length - t.length;
    if (fence) {
      if (indent <= 3 && t.startsWith(fence) && t.replace(/[`~]/g, '').trim() === '') fence = undefined;
    } else {
      const open = indent <= 3 ? /^(`{3,}|~{3,})/.exec(t) : null;
      if (open) fence = open[1];
      else if (indent <= 3 && t.startsWith(MATERIALIZE_BEGIN)) begin = pos;
      else if (begin !== undefined && t.trimEnd() === MATERIALIZE_END) {
        out.push({ start: begin, end: withBreak });
        begin = undefined;
      }
    }
    pos = withBreak;
  }
  return out;
}

function lineEnd(text: string, at: number): { end: number; withBreak: number } {
  const nl = text.indexOf('\n', at);
  if (nl < 0) return { end: text.length, withBreak: text.length };
  const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
  return { end, withBreak: nl + 1 };
}
