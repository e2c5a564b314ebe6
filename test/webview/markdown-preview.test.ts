/**
 * The Markdown preview script (src/markdown/preview.ts, built as the extension ships it) in
 * Chromium: it draws tcpflow's blocks whether they are in the page before it runs, arrive after it
 * without an event (as the preview's content may in newer VS Code), or replace earlier ones on
 * `vscode.markdown.updateContent`; it never touches a block that is not tcpflow's. Updates are
 * also made the way VS Code's preview makes them (morphdom over the content, an element equal to
 * its new version left alone): a block an edit did not change is neither drawn again nor touched,
 * and a block that was drawn once, anywhere, is shown again without Mermaid.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { ROOT, chromiumMissing, launchChromium, morphdomBundle, openPage } from './browser';

const skip = chromiumMissing();
const DIAGRAM = 'sequenceDiagram\n  participant C\n  participant S\n  C->>S: SYN seq=x\n  S->>C: SYN, ACK seq=y ack=x+1';

let browser: Browser;
let script: string;
let morphdomScript: string;

before(async () => {
  if (skip) return;
  const bundle = (entry: Parameters<typeof build>[0]) => build({ ...entry, absWorkingDir: ROOT, bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020', minify: true, logLevel: 'silent' });
  const [b, r, m] = await Promise.all([launchChromium(), bundle({ entryPoints: [path.join(ROOT, 'src', 'markdown', 'preview.ts')] }), morphdomBundle()]);
  browser = b;
  script = r.outputFiles[0].text;
  morphdomScript = m;
});

after(async () => {
  await browser?.close();
});

/**
 * A page shaped like the preview: the body's theme class, and `html` as its content in
 * `.markdown-body`. The page counts Mermaid's renders (each adds its scratch element
 * `#dtcpflow-md-N` to the body).
 */
async function previewPage(html: string): Promise<Page> {
  const page = await openPage(browser);
  await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body class="vscode-light"><div class="markdown-body">${html}</div></body></html>`);
  // (What tsx makes of the functions handed to the page refers to this helper.)
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f);');
  await page.evaluate(() => {
    const w = window as unknown as { renders: number };
    w.renders = 0;
    new MutationObserver((records) => {
      for (const r of records) for (const n of Array.from(r.addedNodes)) if (n instanceof Element && n.id.startsWith('dtcpflow-md-')) w.renders++;
    }).observe(document.body, { childList: true });
  });
  return page;
}

function block(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<div class="tcpflow-block"><pre class="tcpflow-diagram" data-tcpflow-diagram="">${escaped}</pre><ul class="tcpflow-findings"><li>2:1 warning W1 a finding</li></ul></div>`;
}

/** What each tcpflow block shows: its drawing's labels, an error, and whether its Mermaid text is visible. */
interface BlockView {
  svg: boolean;
  labels: string[];
  error: string;
  textVisible: boolean;
  findingsVisible: boolean;
  /** The SVG element is the one marked by `mark()` (not made again). */
  marked: boolean;
}

function blocks(page: Page): Promise<BlockView[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.tcpflow-block'), (b) => {
      const root = b.shadowRoot;
      const svg = root?.querySelector('.tcpflow-svg svg');
      const visible = (e: Element | null) => !!e && (e as HTMLElement).offsetParent !== null;
      return {
        svg: !!svg,
        labels: svg ? Array.from(svg.querySelectorAll('text.messageText'), (t) => t.textContent ?? '') : [],
        error: root?.querySelector('.tcpflow-error')?.textContent ?? '',
        textVisible: visible(b.querySelector('pre[data-tcpflow-diagram]')),
        findingsVisible: visible(b.querySelector('ul.tcpflow-findings')),
        marked: !!svg && (svg as unknown as { tfMark?: boolean }).tfMark === true,
      };
    }),
  );
}

/** Mark every drawn SVG element, to tell later whether it is still the same one. */
function mark(page: Page): Promise<void> {
  return page.evaluate(() => {
    for (const b of Array.from(document.querySelectorAll('.tcpflow-block'))) {
      const svg = b.shadowRoot?.querySelector('.tcpflow-svg svg');
      if (svg) (svg as unknown as { tfMark?: boolean }).tfMark = true;
    }
  });
}

function renders(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { renders: number }).renders);
}

async function drawn(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => Array.from(document.querySelectorAll('.tcpflow-block')).filter((b) => b.shadowRoot?.querySelector('.tcpflow-svg svg')).length >= n, count, { timeout: 30_000 });
}

/**
 * Update the content the way VS Code's preview does: the new HTML morphed into `.markdown-body`
 * (children only), every element equal to its new version (`isEqualNode`, which does not look
 * into shadow roots) left as it is; then the preview's event.
 */
async function vscodeUpdate(page: Page, html: string): Promise<{ marked: boolean; textVisible: boolean }[]> {
  return page.evaluate(
    ([lib, content]) => {
      const w = window as unknown as { morphdom?: (from: Element, to: Element, o: object) => void };
      if (!w.morphdom) new Function(lib)();
      const next = document.createElement('div');
      next.className = 'markdown-body';
      next.innerHTML = content;
      w.morphdom!(document.querySelector('.markdown-body')!, next, { childrenOnly: true, onBeforeElUpdated: (from: Element, to: Element) => !from.isEqualNode(to) });
      window.dispatchEvent(new Event('vscode.markdown.updateContent'));
      // What each block shows right after the update, before the script's next pass.
      return Array.from(document.querySelectorAll('.tcpflow-block'), (b) => ({
        marked: (b.shadowRoot?.querySelector('.tcpflow-svg svg') as unknown as { tfMark?: boolean } | null)?.tfMark === true,
        textVisible: (b.querySelector('pre[data-tcpflow-diagram]') as HTMLElement | null)?.offsetParent != null,
      }));
    },
    [morphdomScript, html] as const,
  );
}

/** Let the script run its passes (it draws in tasks after a change). */
function settle(page: Page): Promise<void> {
  return page.waitForTimeout(300);
}

test('a block already in the page is drawn; its findings still show and its Mermaid text does not', { skip }, async () => {
  const page = await previewPage(block(DIAGRAM));
  await page.addScriptTag({ content: script });
  await drawn(page, 1);
  const [b] = await blocks(page);
  assert.deepEqual({ svg: b.svg, textVisible: b.textVisible, findingsVisible: b.findingsVisible, error: b.error }, { svg: true, textVisible: false, findingsVisible: true, error: '' });
  assert.ok(b.labels.some((l) => l.includes('SYN')), b.labels.join(' | '));
  // The block's own elements are as the plugin made them.
  assert.equal(await page.locator('.markdown-body pre[data-tcpflow-diagram]').count(), 1);
  await page.close();
});

test('content that arrives after the script, with no event, is drawn', { skip }, async () => {
  const page = await previewPage('');
  await page.addScriptTag({ content: script });
  await page.waitForTimeout(200);
  await page.evaluate((html) => {
    const holder = document.createElement('div');
    holder.innerHTML = html;
    document.querySelector('.markdown-body')!.appendChild(holder);
  }, block(DIAGRAM) + block(DIAGRAM.replace('x+1', 'x+2')));
  await drawn(page, 2);
  assert.equal(await renders(page), 2);
  await page.close();
});

test('content replaced on updateContent is shown again from the drawings kept, and Mermaid blocks of others stay untouched', { skip }, async () => {
  const page = await previewPage(block(DIAGRAM) + '<pre class="mermaid">graph TD; A--&gt;B</pre>');
  await page.addScriptTag({ content: script });
  await drawn(page, 1);
  assert.equal(await renders(page), 1);
  // Two updates in a row, the second while the first one's pass may still be running.
  await page.evaluate((html) => {
    const body = document.querySelector('.markdown-body')!;
    body.innerHTML = html;
    window.dispatchEvent(new Event('vscode.markdown.updateContent'));
    body.innerHTML = html + html;
    window.dispatchEvent(new Event('vscode.markdown.updateContent'));
  }, block(DIAGRAM) + '<pre class="mermaid">graph TD; A--&gt;B</pre>');
  await drawn(page, 2);
  assert.equal(await renders(page), 1, 'the same text is not given to Mermaid again');
  assert.equal(await page.locator('pre.mermaid').count(), 2, "the page's own Mermaid blocks are left as they were");
  assert.equal(await page.locator('pre.mermaid svg').count(), 0);
  await page.close();
});

test('a diagram Mermaid rejects shows its error above its text, is tried once, and the others are still drawn', { skip }, async () => {
  const broken = block('sequenceDiagram\n  C->>: broken');
  const page = await previewPage(broken + block(DIAGRAM));
  await page.addScriptTag({ content: script });
  await drawn(page, 1);
  await page.waitForFunction(() => !!document.querySelector('.tcpflow-block')?.shadowRoot?.querySelector('.tcpflow-error:not([hidden])'), undefined, { timeout: 30_000 });
  const [bad, good] = await blocks(page);
  assert.ok(bad.error.length > 0 && !bad.svg && bad.textVisible && bad.findingsVisible, JSON.stringify(bad));
  assert.ok(good.svg && !good.error, JSON.stringify(good));
  assert.equal(await renders(page), 2);
  // The same content again, as a new update: nothing is tried again.
  await vscodeUpdate(page, `<p>more</p>${broken}${block(DIAGRAM)}`);
  await settle(page);
  assert.equal(await renders(page), 2);
  assert.ok((await blocks(page))[0].error.length > 0);
  await page.close();
});

test("an edit elsewhere in the note leaves the drawn blocks alone: VS Code's update finds them equal", { skip }, async () => {
  const A = DIAGRAM;
  const B = DIAGRAM.replace('x+1', 'x+2');
  const page = await previewPage(`<p>one</p>${block(A)}${block(B)}`);
  await page.addScriptTag({ content: script });
  await drawn(page, 2);
  await mark(page);
  await vscodeUpdate(page, `<p>one two</p>${block(A)}${block(B)}`);
  await settle(page);
  assert.equal(await page.locator('.markdown-body p').textContent(), 'one two', 'the update went in');
  assert.deepEqual((await blocks(page)).map((b) => [b.svg, b.marked, b.textVisible]), [[true, true, false], [true, true, false]], 'the same drawings, Mermaid text still hidden');
  assert.equal(await renders(page), 2);
  await page.close();
});

test('an edit of one block redraws that block alone, and its old drawing stays until the new one is in', { skip }, async () => {
  const A = DIAGRAM;
  const B = DIAGRAM.replace('x+1', 'x+2');
  const A2 = `${A}\n  C->>S: ACK seq=x+1 ack=y+1`;
  const page = await previewPage(`${block(A)}${block(B)}`);
  await page.addScriptTag({ content: script });
  await drawn(page, 2);
  await mark(page);
  // Right after the update, before any pass: the old drawing, and no Mermaid text.
  const right = await vscodeUpdate(page, `${block(A2)}${block(B)}`);
  assert.deepEqual([right[0].marked, right[0].textVisible], [true, false], 'no flash of Mermaid text');
  await page.waitForFunction(() => (document.querySelector('.tcpflow-block')?.shadowRoot?.querySelectorAll('.tcpflow-svg text.messageText').length ?? 0) === 3, undefined, { timeout: 30_000 });
  const after = await blocks(page);
  assert.deepEqual(after.map((b) => b.marked), [false, true], 'the edited block is drawn anew, the other kept');
  assert.equal(await renders(page), 3);
  // Undo: the earlier drawing comes back without Mermaid.
  await vscodeUpdate(page, `${block(A)}${block(B)}`);
  await page.waitForFunction(() => (document.querySelector('.tcpflow-block')?.shadowRoot?.querySelectorAll('.tcpflow-svg text.messageText').length ?? 0) === 2, undefined, { timeout: 30_000 });
  assert.equal(await renders(page), 3);
  await page.close();
});

test('a block that moves, comes back or repeats another is shown without Mermaid', { skip }, async () => {
  const A = DIAGRAM;
  const B = DIAGRAM.replace('x+1', 'x+2');
  const page = await previewPage(`${block(A)}${block(B)}`);
  await page.addScriptTag({ content: script });
  await drawn(page, 2);
  await vscodeUpdate(page, `${block(B)}`);
  await settle(page);
  await vscodeUpdate(page, `${block(B)}<p>x</p>${block(A)}${block(A)}`);
  await drawn(page, 3);
  await settle(page);
  const views = await blocks(page);
  assert.deepEqual(views.map((b) => b.svg), [true, true, true]);
  assert.ok(views[0].labels.some((l) => l.includes('x+2')) && views[1].labels.some((l) => l.includes('x+1')), JSON.stringify(views.map((v) => v.labels)));
  assert.equal(await renders(page), 2);
  await page.close();
});

test("a change of VS Code's theme draws every block in the new theme once; going back needs no Mermaid", { skip }, async () => {
  const page = await previewPage(`${block(DIAGRAM)}${block(DIAGRAM.replace('x+1', 'x+2'))}`);
  await page.addScriptTag({ content: script });
  await drawn(page, 2);
  const fill = (): Promise<string> => page.evaluate(() => getComputedStyle(document.querySelector('.tcpflow-block')!.shadowRoot!.querySelector('.tcpflow-svg rect.actor')!).fill);
  const light = await fill();
  await page.evaluate(() => document.body.classList.replace('vscode-light', 'vscode-dark'));
  await page.waitForFunction((before) => getComputedStyle(document.querySelector('.tcpflow-block')!.shadowRoot!.querySelector('.tcpflow-svg rect.actor')!).fill !== before, light, { timeout: 30_000 });
  await settle(page);
  assert.equal(await renders(page), 4);
  await page.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-light'));
  await page.waitForFunction((before) => getComputedStyle(document.querySelector('.tcpflow-block')!.shadowRoot!.querySelector('.tcpflow-svg rect.actor')!).fill === before, light, { timeout: 30_000 });
  assert.equal(await renders(page), 4);
  await page.close();
});

test('a long note shows its diagrams one by one, those in view first, and the page answers between them', { skip }, async () => {
  const count = 8;
  const flows = Array.from({ length: count }, (_, i) => DIAGRAM.replace('SYN seq=x', `SYN seq=${100 + i}`));
  const page = await previewPage(flows.map((f) => `<p style="height: 900px">Case</p>${block(f)}`).join(''));
  const inView = 5;
  await page.evaluate((i) => document.querySelectorAll('.tcpflow-block')[i].scrollIntoView(), inView);
  await page.addScriptTag({ content: script });
  // Looked at from a timer of the page's own: it runs only when the script lets the page go on.
  const between = await page.waitForFunction(
    (n) => {
      const drawn = Array.from(document.querySelectorAll('.tcpflow-block')).filter((b) => b.shadowRoot?.querySelector('.tcpflow-svg svg')).length;
      return drawn >= 1 && drawn < n ? drawn : false;
    },
    count,
    { polling: 5, timeout: 30_000 },
  );
  assert.ok(Number(await between.jsonValue()) < count);
  await drawn(page, count);
  // Mermaid numbers its renders: the block in view was drawn first.
  const order = await page.evaluate(() => Array.from(document.querySelectorAll('.tcpflow-block'), (b) => Number(/(\d+)$/.exec(b.shadowRoot?.querySelector('.tcpflow-svg svg')?.id ?? '')?.[1])));
  assert.equal(Math.min(...order), order[inView], `render numbers by block: ${order.join(', ')}`);
  const rest = order.filter((_, i) => i !== inView);
  assert.deepEqual(rest, [...rest].sort((a, b) => a - b), 'the others in the note\'s order');
  await page.close();
});
