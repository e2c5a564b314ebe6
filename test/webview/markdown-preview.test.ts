/**
 * The Markdown preview script (src/markdown/preview.ts, built as the extension ships it) in
 * Chromium: it draws tcpflow's blocks whether they are in the page before it runs, arrive after it
 * without an event (as the preview's content may in newer VS Code), or replace earlier ones on
 * `vscode.markdown.updateContent`; it never touches a block that is not tcpflow's.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { ROOT, chromiumMissing, launchChromium, openPage } from './browser';

const skip = chromiumMissing();
const DIAGRAM = 'sequenceDiagram\n  participant C\n  participant S\n  C->>S: SYN seq=x\n  S->>C: SYN, ACK seq=y ack=x+1';

let browser: Browser;
let script: string;

before(async () => {
  if (skip) return;
  const [b, r] = await Promise.all([
    launchChromium(),
    build({ entryPoints: [path.join(ROOT, 'src', 'markdown', 'preview.ts')], absWorkingDir: ROOT, bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020', minify: true, logLevel: 'silent' }),
  ]);
  browser = b;
  script = r.outputFiles[0].text;
});

after(async () => {
  await browser?.close();
});

/** A page shaped like the preview: the body's theme class, and `html` as its content. */
async function previewPage(html: string): Promise<Page> {
  const page = await openPage(browser);
  await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body class="vscode-light">${html}</body></html>`);
  return page;
}

function block(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<div class="tcpflow-block"><pre data-tcpflow-diagram>${escaped}</pre></div>`;
}

async function drawn(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('.tcpflow-svg svg').length >= n, count, { timeout: 30_000 });
}

test('a block already in the page is drawn', { skip }, async () => {
  const page = await previewPage(block(DIAGRAM));
  await page.addScriptTag({ content: script });
  await drawn(page, 1);
  assert.equal(await page.locator('pre[data-tcpflow-diagram]').count(), 0);
  await page.close();
});

test('content that arrives after the script, with no event, is drawn', { skip }, async () => {
  const page = await previewPage('');
  await page.addScriptTag({ content: script });
  await page.waitForTimeout(200);
  await page.evaluate((html) => {
    const holder = document.createElement('div');
    holder.innerHTML = html;
    document.body.appendChild(holder);
  }, block(DIAGRAM) + block(DIAGRAM.replace('x+1', 'x+2')));
  await drawn(page, 2);
  await page.close();
});

test('content replaced on updateContent is drawn again, and Mermaid blocks of others stay untouched', { skip }, async () => {
  const page = await previewPage(block(DIAGRAM) + '<pre class="mermaid">graph TD; A--&gt;B</pre>');
  await page.addScriptTag({ content: script });
  await drawn(page, 1);
  // Two updates in a row, the second while the first one's draw may still be running.
  await page.evaluate((html) => {
    document.body.innerHTML = html;
    window.dispatchEvent(new Event('vscode.markdown.updateContent'));
    document.body.innerHTML = html + html;
    window.dispatchEvent(new Event('vscode.markdown.updateContent'));
  }, block(DIAGRAM) + '<pre class="mermaid">graph TD; A--&gt;B</pre>');
  await drawn(page, 2);
  assert.equal(await page.locator('pre.mermaid').count(), 2, "the page's own Mermaid blocks are left as they were");
  assert.equal(await page.locator('pre[data-tcpflow-diagram]').count(), 0);
  await page.close();
});

test('a diagram Mermaid rejects is marked with its error, once, and the others are still drawn', { skip }, async () => {
  const page = await previewPage(block('sequenceDiagram\n  C->>: broken') + block(DIAGRAM));
  await page.addScriptTag({ content: script });
  await drawn(page, 1);
  await page.waitForFunction(() => document.querySelector('pre[data-tcpflow-error]') !== null, undefined, { timeout: 30_000 });
  await page.close();
});
