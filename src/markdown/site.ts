/**
 * markdown-it plugin for the sites notes are published with (VitePress, VuePress 2, Hexo with a
 * markdown-it renderer, Docusaurus/MkDocs through their markdown-it bridges): a ```tcpflow fence
 * becomes the Mermaid text of its diagram in `<pre class="mermaid">` for the site's own
 * client-side Mermaid, followed by the block's findings as a list.
 *
 *     import tcpflow from 'tcpflow/markdown-it';
 *     md.use(tcpflow, { findings: 'errors', lang: 'zh-cn', mermaidVersion: 8 });
 *
 * Every piece of note text is HTML-escaped (Mermaid decodes the entities before parsing), and the
 * wrapper carries `v-pre` so Vue-based sites (VitePress, VuePress) do not read `{{ }}` in a label
 * as a template expression. Nothing from the note reaches the page as markup.
 *
 * Bundled from site-entry.ts to dist/markdown-it-tcpflow.cjs, exported as the package subpath
 * `tcpflow/markdown-it`.
 */
import { analyze, localeFor } from '../core/index';
import { renderMermaid, RenderOptions } from '../core/render/mermaid';
import { severityWord, type FenceToken, type MarkdownIt } from './plugin';

export interface SitePluginOptions {
  /** Class of the `<pre>` holding the diagram text: what the site's Mermaid looks for (default `mermaid`). */
  className?: string;
  /** Which findings to list under the diagram: `off`, `errors`, or `warnings` (errors and warnings; the default). */
  findings?: 'off' | 'errors' | 'warnings';
  /** Language of the findings and of the diagram's own notes: `en` (default) or `zh-cn`. */
  lang?: string;
  /** The oldest Mermaid major version the site runs (Hexo NexT pins 8): no newer syntax is written. Default 10. */
  mermaidVersion?: number;
  /** How numbers and states are drawn, as in `tcpflow render`. */
  render?: Pick<RenderOptions, 'numbers' | 'states' | 'autonumber'>;
}

type SiteMarkdownIt = Omit<MarkdownIt, 'use'>;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function tcpflowSitePlugin(md: SiteMarkdownIt, options: SitePluginOptions = {}): void {
  const locale = localeFor(options.lang ?? 'en');
  const className = (options.className ?? 'mermaid').replace(/[^A-Za-z0-9_ -]/g, '') || 'mermaid';
  const shown = options.findings ?? 'warnings';
  const fallback = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, opts, env, self) => {
    const token: FenceToken = tokens[idx];
    if (token.info.trim().split(/\s+/)[0] !== 'tcpflow') return fallback ? fallback(tokens, idx, opts, env, self) : self.renderToken(tokens, idx, opts);
    const firstLine = token.map ? token.map[0] + 1 : 0;
    const analysis = analyze(token.content, { locale, lineOffset: firstLine });
    const diagram = renderMermaid(analysis, { ...options.render, mermaidVersion: options.mermaidVersion ?? 10 }).text;
    const items =
      shown === 'off'
        ? ''
        : analysis.findings
            .filter((f) => f.severity === 'error' || (shown === 'warnings' && f.severity === 'warning'))
            .map((f) => {
              const p = analysis.lines.positionAt(f.start);
              return `<li class="tcpflow-${f.severity}">${escapeHtml(`${firstLine + p.line + 1}:${p.character + 1} ${severityWord(f.severity, locale)} ${f.code} ${f.message}`)}</li>`;
            })
            .join('');
    const list = items ? `<ul class="tcpflow-findings">${items}</ul>` : '';
    return `<div class="tcpflow" v-pre><pre class="${className}">${escapeHtml(diagram)}</pre>${list}</div>\n`;
  };
}
