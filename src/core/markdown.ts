/**
 * ```tcpflow (and, when asked, ```mermaid) fences inside Markdown notes. A fence's content keeps
 * its offset in the Markdown text, so findings map back by adding `contentStart`.
 */
export type FenceLanguage = 'tcpflow' | 'mermaid';

export interface Fence {
  /** The fence's language id (always `tcpflow` unless other languages were asked for). */
  lang: FenceLanguage;
  /** Offset of the first character of the block's content (the line after the opening fence). */
  contentStart: number;
  /** Offset one past the content (the start of the closing fence line, or the end of text). */
  contentEnd: number;
  content: string;
  /** Info string after the language id, e.g. `expect=TF3001` in the docs. */
  info: string;
  /** Offsets of the opening fence line. */
  openStart: number;
  openEnd: number;
  closed: boolean;
}

const OPEN = /^( {0,3})(`{3,}|~{3,})[ \t]*(tcpflow|mermaid)\b([^\n\r]*)$/;

export interface FenceOptions {
  /** Languages whose fences are returned (default: `['tcpflow']`). */
  languages?: readonly FenceLanguage[];
}

export function extractFences(markdown: string, options: FenceOptions = {}): Fence[] {
  const languages = options.languages ?? ['tcpflow'];
  const fences: Fence[] = [];
  let pos = 0;
  const len = markdown.length;
  let open: { lang: FenceLanguage; marker: string; indent: number; contentStart: number; info: string; openStart: number; openEnd: number } | undefined;
  let otherFence: string | undefined;
  while (pos <= len) {
    let end = markdown.indexOf('\n', pos);
    if (end < 0) end = len;
    const lineEnd = end > pos && markdown.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const line = markdown.slice(pos, lineEnd);
    if (open) {
      const t = line.trimStart();
      if (t.startsWith(open.marker[0].repeat(open.marker.length)) && t.replace(/[`~]/g, '').trim() === '' && line.length - t.length <= 3) {
        fences.push({ lang: open.lang, contentStart: open.contentStart, contentEnd: pos, content: markdown.slice(open.contentStart, pos), info: open.info, openStart: open.openStart, openEnd: open.openEnd, closed: true });
        open = undefined;
      }
    } else if (otherFence) {
      const t = line.trimStart();
      if (t.startsWith(otherFence) && t.replace(/[`~]/g, '').trim() === '') otherFence = undefined;
    } else {
      const m = OPEN.exec(line);
      if (m && languages.includes(m[3] as FenceLanguage)) {
        open = { lang: m[3] as FenceLanguage, marker: m[2], indent: m[1].length, contentStart: Math.min(end + 1, len), info: m[4].trim(), openStart: pos, openEnd: lineEnd };
      } else {
        const other = /^ {0,3}(`{3,}|~{3,})/.exec(line);
        if (other) otherFence = other[1];
      }
    }
    if (end >= len) break;
    pos = end + 1;
  }
  if (open) fences.push({ lang: open.lang, contentStart: open.contentStart, contentEnd: len, content: markdown.slice(open.contentStart), info: open.info, openStart: open.openStart, openEnd: open.openEnd, closed: false });
  return fences;
}

/**
 * The marker comments around a diagram `tcpflow render --materialize` writes under a ```tcpflow
 * block (src/core/materialize.ts). The ```mermaid block between them is that flow drawn, not a
 * diagram of the note's own: checking it would report the block's findings twice.
 */
export const MATERIALIZE_BEGIN = '<!-- tcpflow:begin';
export const MATERIALIZE_END = '<!-- tcpflow:end -->';

/** Is the fence opening at `openStart` the generated diagram right under a begin marker? */
export function isGeneratedFence(markdown: string, openStart: number): boolean {
  if (openStart < 2) return false;
  const prevEnd = markdown.charCodeAt(openStart - 2) === 13 ? openStart - 2 : openStart - 1;
  const prevStart = markdown.lastIndexOf('\n', prevEnd - 1) + 1;
  return markdown.slice(prevStart, prevEnd).trimStart().startsWith(MATERIALIZE_BEGIN);
}
