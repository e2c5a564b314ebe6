/** The Markdown-preview plugin with the real markdown-it: fences become escaped diagrams and findings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { tcpflowMarkdownPlugin, type MarkdownIt as PluginHost } from '../src/markdown/plugin';
import { tcpflowSitePlugin } from '../src/markdown/site';

function render(md: string, locale = 'en'): string {
  const it = new MarkdownIt();
  (it as unknown as PluginHost).use(tcpflowMarkdownPlugin, { locale });
  return it.render(md);
}

test('a tcpflow fence becomes the escaped Mermaid text of its diagram', () => {
  const html = render(['# Notes', '', '```tcpflow', 'title "<script>alert(1)</script>"', 'client C', 'server S', 'C -> S SYN seq=x', '```', ''].join('\n'));
  assert.match(html, /<pre class="tcpflow-diagram" data-tcpflow-diagram="">sequenceDiagram/);
  assert.ok(!html.includes('<script>'), 'no raw script tag from the file');
  assert.match(html, /&lt;|#60;/);
});

test('findings are listed with the Markdown file\'s line numbers, in the chosen language', () => {
  const md = ['# Notes', '', 'Prose.', '', '```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x', '```', ''].join('\n');
  const html = render(md);
  assert.match(html, /<li class="tcpflow-error">9:26 error TF3001 ack should be x\+1: C('|&#39;)s SYN at line 8/);
  assert.match(render(md, 'zh-cn'), /ack 应为 x\+1/);
});

test('other fences are left to markdown-it', () => {
  const html = render('```js\nlet a = 1;\n```\n');
  assert.match(html, /<pre><code class="language-js">/);
});

test('the findings list follows the locale asked at each render (tcpflow.language may change between renders)', () => {
  const md = ['```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x', '```', ''].join('\n');
  let locale = 'zh-cn';
  const it = new MarkdownIt();
  (it as unknown as PluginHost).use(tcpflowMarkdownPlugin, { locale: () => locale });
  assert.match(it.render(md), /<li class="tcpflow-error">5:26 错误 TF3001 ack 应为 x\+1：/);
  locale = 'en';
  assert.match(it.render(md), /<li class="tcpflow-error">5:26 error TF3001 ack should be x\+1: /);
});

test('the published-site plugin writes the severity in the language of its findings', () => {
  const md = ['```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x', '```', ''].join('\n');
  const site = (lang: string): string => {
    const it = new MarkdownIt();
    tcpflowSitePlugin(it as unknown as Parameters<typeof tcpflowSitePlugin>[0], { lang });
    return it.render(md);
  };
  assert.match(site('zh-cn'), /<li class="tcpflow-error">5:26 错误 TF3001 ack 应为 x\+1：/);
  assert.match(site('en'), /<li class="tcpflow-error">5:26 error TF3001 ack should be x\+1: /);
});

/** Stands in for VS Code 1.121+'s built-in mermaid-markdown-features: ```mermaid becomes a `.mermaid` div. */
function builtinMermaid(md: InstanceType<typeof MarkdownIt>): void {
  const fallback = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) =>
    tokens[idx].info.trim() === 'mermaid' ? `<div class="mermaid">${md.utils.escapeHtml(tokens[idx].content)}</div>` : fallback(tokens, idx, options, env, self);
}

test('a mermaid fence is never tcpflow\'s: without VS Code\'s Mermaid it stays code, with it, it is Mermaid\'s alone, whichever plugin comes first', () => {
  const note = ['```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', '```', '', '```mermaid', 'flowchart LR', '  A[客户端] --> B', '```', ''].join('\n');
  const mermaidPart = (html: string): string => html.slice(html.indexOf('</div>\n') + '</div>\n'.length);
  const plain = render(note);
  assert.equal(mermaidPart(plain), new MarkdownIt().render(note.slice(note.indexOf('```mermaid'))), 'markdown-it renders the mermaid fence as without tcpflow');
  for (const order of ['tcpflow first', 'Mermaid first']) {
    const it = new MarkdownIt();
    if (order === 'Mermaid first') it.use(builtinMermaid);
    (it as unknown as PluginHost).use(tcpflowMarkdownPlugin, { locale: 'en' });
    if (order === 'tcpflow first') it.use(builtinMermaid);
    const html = it.render(note);
    assert.equal((html.match(/class="tcpflow-block"/g) ?? []).length, 1, `${order}: one tcpflow block`);
    assert.equal((html.match(/class="mermaid"/g) ?? []).length, 1, `${order}: one Mermaid block, drawn by its own renderer`);
    const tcpflowBlock = html.slice(html.indexOf('<div class="tcpflow-block">'), html.indexOf('</details></div>'));
    assert.doesNotMatch(tcpflowBlock, /\bmermaid\b(?!-)/i, `${order}: tcpflow's block carries no mermaid class`);
  }
});

test('the Markdown preview script renders only tcpflow\'s blocks', async () => {
  const { readFileSync } = await import('node:fs');
  const source = readFileSync(`${__dirname}/../src/markdown/preview.ts`, 'utf8');
  // Every query, match and look upwards names one of tcpflow's own selectors: its block, and the
  // Mermaid text the plugin puts in it.
  const constant = (name: string): string | undefined => new RegExp(`const ${name} = (?:'([^']*)'|\`([^\`]*)\`)`).exec(source)?.slice(1).find((x) => x !== undefined);
  assert.equal(constant('BLOCK'), '.tcpflow-block');
  assert.equal(constant('DIAGRAM'), 'pre[data-tcpflow-diagram]');
  assert.equal(constant('BLOCK_TEXT'), '${BLOCK} > ${DIAGRAM}');
  assert.equal(constant('OWN_TEXT'), ':scope > ${DIAGRAM}');
  const selectors = [...source.matchAll(/\b(?:querySelector(?:All)?|matches|closest)(?:<[^>]*>)?\(\s*([^)]*)\)/g)].map((m) => m[1].trim());
  assert.ok(selectors.length >= 4, 'the script queries the page');
  assert.deepEqual([...new Set(selectors)].sort(), ['BLOCK', 'BLOCK_TEXT', 'OWN_TEXT']);
  assert.match(source, /startOnLoad: false/, 'its Mermaid never scans the page for .mermaid on its own');
  const code = source.replace(/^import .*$/gm, '');
  assert.doesNotMatch(code, /['"`.]mermaid['"`\s]/, 'no mermaid class or fence named');
});

test('a block rendered again (the preview renders the whole note at each change) is as a fresh render makes it: text, place and language', () => {
  const flow = ['```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x', '```', ''];
  let locale = 'en';
  const it = new MarkdownIt();
  (it as unknown as PluginHost).use(tcpflowMarkdownPlugin, { locale: () => locale });
  const fresh = (md: string): string => render(md, locale);
  const notes = [
    ['# Notes', '', ...flow].join('\n'),
    // Prose changed above the block, lines the same.
    ['# Notes on TCP', '', ...flow].join('\n'),
    // Two lines more above it: its findings move down.
    ['# Notes', '', 'Prose.', '', ...flow].join('\n'),
    // The block itself changed.
    ['# Notes', '', ...flow.map((l) => l.replace('ack=x', 'ack=x+1'))].join('\n'),
    // Back to the first note: its block as it was.
    ['# Notes', '', ...flow].join('\n'),
  ];
  for (const lang of ['en', 'zh-cn', 'en']) {
    locale = lang;
    for (const md of notes) assert.equal(it.render(md), fresh(md), `${lang}: ${JSON.stringify(md.slice(0, 40))}`);
  }
  locale = 'en';
  assert.match(it.render(notes[2]), /<li class="tcpflow-error">9:26 error TF3001/);
  assert.doesNotMatch(it.render(notes[3]), /tcpflow-error/);
});

test("a block carries the source line, class and direction VS Code's preview puts on every block, and no other attribute", () => {
  const it = new MarkdownIt();
  // As VS Code's preview does: every block token gets its source line, `code-line` and `dir`.
  it.core.ruler.push('lines', (state) => {
    for (const t of state.tokens) {
      if (!t.map || t.type === 'inline') continue;
      t.attrSet('data-line', String(t.map[0]));
      t.attrJoin('class', 'code-line');
      t.attrJoin('dir', 'auto');
    }
  });
  // Another rule (or the file, through an attributes plugin) may put anything on the token.
  it.core.ruler.push('hostile', (state) => {
    for (const t of state.tokens) if (t.type === 'fence') t.attrSet('onclick', 'alert(1)');
  });
  (it as unknown as PluginHost).use(tcpflowMarkdownPlugin, { locale: 'en' });
  const flow = ['```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', '```', ''];
  const html = it.render(['# Notes', '', ...flow].join('\n'));
  assert.match(html, /<div class="tcpflow-block code-line" data-line="2" dir="auto"><pre class="tcpflow-diagram"/);
  assert.doesNotMatch(html, /onclick/);
  // Moved down two lines, the same plugin writes the new line.
  assert.match(it.render(['# Notes', '', 'Prose.', '', ...flow].join('\n')), /<div class="tcpflow-block code-line" data-line="4" dir="auto">/);
});
