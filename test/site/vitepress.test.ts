/**
 * The site plugin in a real VitePress build: a notes site (under .tmp/, gitignored) that installs
 * this package as `tcpflow`, uses `tcpflow/markdown-it` in its Markdown config and draws
 * `<pre class="mermaid">` with its own client-side Mermaid. The built page is opened in Chromium:
 * the diagram is drawn, the findings are listed, and no text from the note reaches the page as
 * HTML (an `<img onerror>` label, a `</pre><script>` label and a Vue `{{ }}` stay text).
 * Needs `npm run build` (dist/markdown-it-tcpflow.cjs) and Debian's chromium.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../webview/browser';

const ROOT = path.resolve(__dirname, '..', '..');
const SITE = path.join(ROOT, '.tmp', 'vitepress-site');
const OUT = path.join(SITE, '.vitepress', 'dist');

const NOTE = [
  '# 三次握手',
  '',
  '```tcpflow',
  'title "三次握手"',
  'client C',
  'server S',
  'C -> S SYN seq=x',
  'S -> C SYN ACK seq=y ack=x+1',
  'C -> S ACK seq=x+1 ack=y+1',
  '```',
  '',
  '## 写错的确认号',
  '',
  '```tcpflow',
  'client C',
  'server S',
  'C -> S SYN seq=x',
  'S -> C SYN ACK seq=y ack=x',
  '```',
  '',
  '## 标签里的 HTML',
  '',
  '```tcpflow',
  'client C',
  'server S',
  'C -> S SYN seq=100',
  'S -> C SYN ACK seq=300 ack=101',
  'C -> S ACK seq=101 ack=301',
  'C -> S PSH ACK seq=101 ack=301 "<img src=x onerror=window.__xss=1> {{ 7*6 }}"',
  'S -> C ACK seq=301 ack=160 "</pre><script>window.__xss=2</script>"',
  '```',
  '',
  '```js',
  'const ack = 1;',
  '```',
  '',
].join('\n');

const CONFIG = `import tcpflow from 'tcpflow/markdown-it';
export default {
  title: 'TCP notes',
  markdown: { config: (md) => { md.use(tcpflow, { findings: 'warnings', lang: 'zh-cn' }); } },
};
`;

// The site's own Mermaid, run on every page the way Mermaid plugins for VitePress do.
const THEME = `import DefaultTheme from 'vitepress/theme';
import { nextTick, onMounted, watch } from 'vue';
import { useRoute } from 'vitepress';
export default {
  extends: DefaultTheme,
  setup() {
    const route = useRoute();
    const draw = async () => {
      const { default: mermaid } = await import('mermaid');
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      await mermaid.run({ querySelector: 'pre.mermaid' });
      window.__mermaidDone = true;
    };
    onMounted(draw);
    watch(() => route.path, () => nextTick(draw));
  },
};
`;

let server: http.Server | undefined;
let browser: Browser | undefined;
let base = '';

describe('the markdown-it plugin in a VitePress site', { skip: chromiumMissing() }, () => {
  before(async () => {
    fs.rmSync(SITE, { recursive: true, force: true });
    fs.mkdirSync(path.join(SITE, '.vitepress', 'theme'), { recursive: true });
    fs.mkdirSync(path.join(SITE, 'node_modules'), { recursive: true });
    // The site installed tcpflow from npm: node_modules/tcpflow is this package.
    fs.symlinkSync(ROOT, path.join(SITE, 'node_modules', 'tcpflow'), 'dir');
    fs.writeFileSync(path.join(SITE, 'index.md'), NOTE);
    fs.writeFileSync(path.join(SITE, '.vitepress', 'config.mjs'), CONFIG);
    fs.writeFileSync(path.join(SITE, '.vitepress', 'theme', 'index.mjs'), THEME);
    const built = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vitepress', 'bin', 'vitepress.js'), 'build', SITE], { cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_offline: 'true' } });
    assert.equal(built.status, 0, `vitepress build failed:\n${built.stdout}\n${built.stderr}`);
    server = http.createServer((req, res) => {
      const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
      let file = path.join(OUT, url.endsWith('/') ? `${url}index.html` : url);
      if (!file.startsWith(OUT)) file = path.join(OUT, '404.html');
      if (!fs.existsSync(file) && fs.existsSync(`${file}.html`)) file = `${file}.html`;
      fs.readFile(file, (err, body) => {
        if (err) {
          res.writeHead(404).end();
          return;
        }
        const type = file.endsWith('.html') ? 'text/html; charset=utf-8' : file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
        res.writeHead(200, { 'content-type': type }).end(body);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    server?.close();
    fs.rmSync(SITE, { recursive: true, force: true });
  });

  it('writes the diagram text escaped into <pre class="mermaid"> and the findings as text', () => {
    const html = fs.readFileSync(path.join(OUT, 'index.html'), 'utf8');
    assert.equal((html.match(/<pre class="mermaid">/g) ?? []).length, 3);
    assert.ok(!html.includes('<img src=x'), 'the label reaches the page only escaped');
    assert.ok(!html.includes('<script>window.__xss'), 'the script label reaches the page only escaped');
    assert.match(html, /TF3001 ack 应为 x\+1/);
  });

  it('the page draws every diagram with the site Mermaid, lists the findings, and runs nothing from the note', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { __mermaidDone?: boolean }).__mermaidDone === true, undefined, { timeout: 60_000 });
    const seen = await page.evaluate(() => {
      const blocks = Array.from(document.querySelectorAll('.tcpflow'));
      return {
        blocks: blocks.length,
        svgs: blocks.filter((b) => b.querySelector('pre.mermaid svg')).length,
        arrows: blocks.map((b) => Array.from(b.querySelectorAll('svg .messageText')).map((t) => t.textContent ?? '')),
        findings: Array.from(document.querySelectorAll('.tcpflow-findings li')).map((li) => li.textContent ?? ''),
        injected: document.querySelectorAll('.tcpflow img, .tcpflow script').length,
        xss: (window as unknown as { __xss?: number }).__xss,
        code: document.querySelector('div[class*="language-js"] code')?.textContent ?? '',
      };
    });
    assert.deepEqual(errors, []);
    assert.equal(seen.blocks, 3);
    assert.equal(seen.svgs, 3, 'each block is drawn as an SVG');
    assert.deepEqual(seen.arrows[0], ['SYN seq=x', 'SYN, ACK seq=y ack=x+1', 'ACK seq=x+1 ack=y+1']);
    assert.ok(seen.arrows[2].some((t) => t.includes('<img src=x onerror=window.__xss=1> {{ 7*6 }}')), `the label is drawn as text: ${seen.arrows[2].join(' | ')}`);
    assert.ok(seen.findings.some((f) => f.includes('TF3001')), seen.findings.join(' | '));
    assert.equal(seen.injected, 0);
    assert.equal(seen.xss, undefined);
    assert.match(seen.code, /const ack = 1;/, 'other code blocks are the site’s own');
    await page.close();
  });
});
