/**
 * markdown-it plugin for VS Code's Markdown preview: a ```tcpflow fence becomes the Mermaid text
 * of its diagram (escaped, rendered by dist/markdown-preview.js in the preview) plus the list of
 * the block's findings. No HTML from the file reaches the page unescaped.
 */
import { analyze, localeFor } from '../core/index';
import type { Locale, Severity } from '../core/index';
import { renderMermaid } from '../core/render/mermaid';
import { keepRecent } from './recent';

/** The part of markdown-it this plugin uses (kept structural so the plugin needs no runtime import). */
export interface FenceToken {
  info: string;
  content: string;
  map: [number, number] | null;
  /** Attributes other rules set on the token (VS Code's preview: `data-line`, `class="code-line"`, `dir`). */
  attrs?: [string, string][] | null;
}
type FenceRule = (tokens: FenceToken[], idx: number, options: unknown, env: unknown, self: { renderToken(tokens: FenceToken[], idx: number, options: unknown): string }) => string;
export interface MarkdownIt {
  renderer: { rules: { fence?: FenceRule } };
  utils: { escapeHtml(s: string): string };
  use(plugin: (md: MarkdownIt, options: PluginOptions) => void, options: PluginOptions): MarkdownIt;
}

export interface PluginOptions {
  /**
   * The language of the findings: a language tag (`vscode.env.language`), or a function asked at
   * every render, so that a change of `tcpflow.language` shows at the next refresh.
   */
  locale?: string | (() => string);
}

/** Severity words of the findings list, by locale. */
export const SEVERITY_WORDS: Readonly<Record<Severity, readonly [string, string]>> = {
  error: ['error', '错误'],
  warning: ['warning', '警告'],
  info: ['info', '提示'],
};

export function severityWord(severity: Severity, locale: Locale): string {
  return SEVERITY_WORDS[severity][locale === 'zh-cn' ? 1 : 0];
}

/** How many blocks' HTML a plugin keeps (by text, place and language) for the next render. */
const KEPT_BLOCKS = 64;

export function tcpflowMarkdownPlugin(md: MarkdownIt, options: PluginOptions = {}): void {
  const localeOption = options.locale;
  const fallback = md.renderer.rules.fence;
  // The preview renders the whole note at every change; a block whose text, first line and
  // language are as before gets the HTML it got then, without being analysed again.
  const kept = new Map<string, string>();
  md.renderer.rules.fence = (tokens, idx, opts, env, self) => {
    const token = tokens[idx];
    const lang = token.info.trim().split(/\s+/)[0];
    if (lang !== 'tcpflow') return fallback ? fallback(tokens, idx, opts, env, self) : self.renderToken(tokens, idx, opts);
    const locale = localeFor(typeof localeOption === 'function' ? localeOption() : localeOption);
    const attributes = blockAttributes(md, token);
    const key = `${locale}\n${token.map ? token.map[0] : -1}\n${attributes}\n${token.content}`;
    const html = kept.get(key) ?? block(md, token, locale, attributes);
    keepRecent(kept, key, html, KEPT_BLOCKS);
    return html;
  };
}

/**
 * The block's attributes: its class, and the token's source line and direction as VS Code's
 * preview sets them on every block (its scroll sync and "double-click to switch to the editor"
 * find blocks by them). No other attribute a rule or the file may put on the token is written.
 */
function blockAttributes(md: MarkdownIt, token: FenceToken): string {
  const classes = ['tcpflow-block'];
  let rest = '';
  for (const [name, value] of token.attrs ?? []) {
    if (name === 'class') classes.push(value);
    else if (name === 'data-line' || name === 'dir') rest += ` ${name}="${md.utils.escapeHtml(value)}"`;
  }
  return `class="${md.utils.escapeHtml(classes.join(' '))}"${rest}`;
}

/** A tcpflow fence's HTML: its diagram's Mermaid text (escaped), its findings, its source. */
function block(md: MarkdownIt, token: FenceToken, locale: Locale, attributes: string): string {
  const esc = md.utils.escapeHtml;
  const a = analyze(token.content, { locale, lineOffset: token.map ? token.map[0] + 1 : 0 });
  let diagram: string;
  try {
    diagram = renderMermaid(a).text;
  } catch (e) {
    diagram = '';
  }
  const line = token.map ? token.map[0] + 2 : 0;
  const items = a.findings
    .map((f) => {
      const p = a.lines.positionAt(f.start);
      return `<li class="tcpflow-${f.severity}">${esc(`${line + p.line}:${p.character + 1} ${severityWord(f.severity, locale)} ${f.code} ${f.message}`)}</li>`;
    })
    .join('');
  const list = items ? `<ul class="tcpflow-findings">${items}</ul>` : '';
  const source = `<details class="tcpflow-source"><summary>tcpflow</summary><pre><code>${esc(token.content)}</code></pre></details>`;
  return `<div ${attributes}><pre class="tcpflow-diagram" data-tcpflow-diagram="">${esc(diagram)}</pre>${list}${source}</div>\n`;
}
