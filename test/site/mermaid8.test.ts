/**
 * `mermaidVersion`: sites that pin an old Mermaid (Hexo NexT: 8) get no syntax newer than that.
 * Every example flow, through the site plugin with `mermaidVersion: 8`, is rendered by the real
 * Mermaid 8.14 (npm `mermaid8`, an alias of mermaid@8.14.0) in Chromium; the default output,
 * which writes the title the Mermaid 10 way, is what Mermaid 8 rejects.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../webview/browser';
import { tcpflowSitePlugin, SitePluginOptions } from '../../src/markdown/site';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const MERMAID8 = path.join(ROOT, 'node_modules', 'mermaid8', 'dist', 'mermaid.min.js');

/** The diagram text the plugin writes for a flow, read back out of its HTML as Mermaid reads it. */
function diagramOf(flow: string, options: SitePluginOptions): string {
  const md = new MarkdownIt();
  tcpflowSitePlugin(md as never, options);
  const html = md.render('```tcpflow\n' + flow + '```\n');
  const m = /<pre class="mermaid">([^]*?)<\/pre>/.exec(html);
  assert.ok(m, html);
  return m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

let browser: Browser | undefined;
let page: Page;

async function mermaid8Renders(text: string): Promise<string> {
  return page.evaluate(async (t) => {
    const m = (window as unknown as { mermaid: { initialize(o: object): void; parse(t: string): void; render(id: string, t: string, cb: (svg: string) => void): void } }).mermaid;
    m.initialize({ startOnLoad: false, securityLevel: 'strict' });
    try {
      m.parse(t);
      const svg = await new Promise<string>((resolve) => m.render(`d${Math.random().toString(36).slice(2)}`, t, resolve));
      return svg.includes('<svg') ? 'ok' : 'no svg';
    } catch (e) {
      return String((e as { str?: string; message?: string }).str ?? (e as Error).message ?? e).split('\n')[0];
    }
  }, text);
}

describe('mermaidVersion 8', { skip: chromiumMissing() ?? (fs.existsSync(MERMAID8) ? undefined : 'mermaid8 is not installed') }, () => {
  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: fs.readFileSync(MERMAID8, 'utf8') });
  });
  after(async () => browser?.close());

  it('every example renders in Mermaid 8.14', async () => {
    const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.tcpflow')).sort();
    assert.ok(files.length >= 10);
    for (const f of files) {
      const flow = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
      assert.equal(await mermaid8Renders(diagramOf(flow, { mermaidVersion: 8 })), 'ok', f);
    }
  });

  it('a titled flow written for Mermaid 10 is what Mermaid 8 cannot read', async () => {
    const flow = 'title "Handshake: the first two"\nclient C\nserver S\nC -> S SYN seq=x\n';
    assert.notEqual(await mermaid8Renders(diagramOf(flow, { mermaidVersion: 10 })), 'ok');
    assert.equal(await mermaid8Renders(diagramOf(flow, { mermaidVersion: 8 })), 'ok');
  });
});
