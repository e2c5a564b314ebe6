/**
 * The whole keystroke path in Chromium: the real extension side (PreviewManager against the
 * vscode stand-in) wired to the real page. An edit that leaves the diagram text as it was draws
 * nothing (nothing is posted, or the page only remaps lines); a changed text draws once; typing
 * faster than the page draws does not queue renders, and the last text is what is shown.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, chromiumMissing, deliverAndWait, launchChromium, startHarness, type Harness } from './browser';
import { openWired, type Wired } from './wired';
import { bigFlow } from '../render/flows';

const skip = chromiumMissing();
const SKETCH = fs.readFileSync(path.join(ROOT, 'test', 'render', 'fixtures', 'sketch.tcpflow'), 'utf8');

let browser: Browser;
let harness: Harness;

before(async () => {
  if (skip) return;
  [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Mark the SVG on screen and count every change under #canvas from now on. */
function watchCanvas(w: Wired): Promise<void> {
  return w.page.evaluate(() => {
    const g = window as unknown as { __canvasChanges: number; __mark: Element | null };
    g.__canvasChanges = 0;
    g.__mark = document.querySelector('#canvas svg');
    new MutationObserver(() => g.__canvasChanges++).observe(document.getElementById('canvas') as HTMLElement, { childList: true });
  });
}

function canvasState(w: Wired): Promise<{ sameSvg: boolean; swaps: number; firstArrowLine: string | null; text: string }> {
  return w.page.evaluate(() => {
    const g = window as unknown as { __canvasChanges: number; __mark: Element | null };
    const svg = document.querySelector('#canvas svg');
    return {
      sameSvg: svg === g.__mark,
      swaps: g.__canvasChanges,
      firstArrowLine: document.querySelector('#canvas [data-tf-arrow="0"]')?.getAttribute('data-tf-line') ?? null,
      text: svg?.textContent ?? '',
    };
  });
}

test('edits that leave the diagram text unchanged render nothing; a changed text renders once', { skip }, async () => {
  const w = await openWired(browser, harness, SKETCH);
  try {
    const renders = await w.renders();
    assert.ok(renders >= 1);
    await watchCanvas(w);
    const lineOfFirstArrow = (await canvasState(w)).firstArrowLine;
    const lines = SKETCH.split('\n');
    const arrowLine = lines.findIndex((l) => l.includes('->'));
    // Nothing drawn changes: the extension posts nothing at all.
    for (const text of [
      lines.map((l, i) => (i === arrowLine ? `${l}   # why` : l)).join('\n'),
      lines.map((l, i) => (i === arrowLine ? l.replace('->', '   ->   ') : l)).join('\n'),
      `${SKETCH}\n\n`,
    ]) {
      const posted = w.panel.posted.length;
      w.edit(text);
      await sleep(250);
      assert.equal(w.panel.posted.length, posted, 'an edit that changes nothing drawn posts nothing');
    }
    // A comment line moves every line: the page remaps them without drawing.
    const from = w.answers.length;
    w.edit(`# a comment\n${SKETCH}`);
    const remap = await w.waitFor(from, (m) => m.command === 'rendered');
    assert.equal(remap.message.skipped, true);
    let state = await canvasState(w);
    assert.equal(state.sameSvg, true);
    assert.equal(state.swaps, 0);
    assert.equal(state.firstArrowLine, String(Number(lineOfFirstArrow) + 1));
    assert.equal(await w.renders(), renders, 'no Mermaid render for an unchanged diagram');
    // The same update delivered to the page again (a repeated message) draws nothing either.
    const again = w.updates()[w.updates().length - 1];
    const repeat = await deliverAndWait(w.page, { ...again, version: Number(again.version) + 1000 });
    assert.equal(repeat.answer.skipped, true);
    assert.equal(await w.renders(), renders);
    // A changed text renders once, and the page shows it.
    const changed = `# a comment\n${SKETCH.replace('"GET / HTTP/1.1"', '"GET /keystroke.html HTTP/1.1"')}`;
    const from2 = w.answers.length;
    w.edit(changed);
    const drawn = await w.waitFor(from2, (m) => m.command === 'rendered');
    assert.equal(drawn.message.skipped, false);
    assert.equal(await w.renders(), renders + 1);
    state = await canvasState(w);
    assert.equal(state.sameSvg, false);
    assert.equal(state.swaps, 1, 'the new SVG replaces the old in one step');
    assert.ok(state.text.includes('GET /keystroke.html HTTP/1.1'));
  } finally {
    await w.close();
  }
});

test('typing faster than the page draws renders the latest text, never a queue of renders', { skip }, async () => {
  const base = bigFlow(200);
  const w = await openWired(browser, harness, base, { config: { 'tcpflow.preview.maxMessages': 1000 } });
  try {
    const renders = await w.renders();
    const posted = w.updates().length;
    const keys = 15;
    for (let i = 1; i <= keys; i++) {
      w.edit(base.replace('title "A long transfer"', `title "A long transfer ${'x'.repeat(i)}"`));
      await sleep(10);
    }
    const last = `A long transfer ${'x'.repeat(keys)}`;
    const done = await w.waitFor(0, (m) => m.command === 'rendered' && w.updates().some((u) => u.version === m.version && String(u.mermaid).includes(`title ${last}`)));
    assert.equal(done.message.skipped, false);
    // Every update posted was drawn one at a time: never two awaiting an answer.
    const updates = w.updates().slice(posted);
    assert.ok(updates.length < keys, `${updates.length} updates for ${keys} keystrokes`);
    for (const u of updates) assert.ok(w.answers.some((a) => a.message.command === 'rendered' && a.message.version === u.version), `update ${String(u.version)} was answered`);
    assert.equal((await w.renders()) - renders, updates.length);
    const title = await w.page.evaluate(() => Array.from(document.querySelectorAll('#canvas svg > text')).map((t) => t.textContent));
    assert.ok(title.includes(last), JSON.stringify(title));
    // Nothing more comes after the last text is drawn.
    await sleep(200);
    assert.equal(w.updates().length, posted + updates.length);
  } finally {
    await w.close();
  }
});

test('a title wider than the diagram is centred and kept inside the picture', { skip }, async () => {
  const title = `A title much wider than this two-party diagram ${'很长的标题 '.repeat(8)}`;
  const w = await openWired(browser, harness, `title "${title}"\nclient C\nserver S\nC -> S SYN seq=0\n`);
  try {
    // Checked after the frame that paints it (the bounding-box safety net runs then).
    const fit = await w.page.evaluate(
      () =>
        new Promise<{ title: number[]; box: number[] }>((resolve) =>
          requestAnimationFrame(() =>
            setTimeout(() => {
              const svg = document.querySelector('#canvas svg') as SVGSVGElement;
              const t = Array.from(svg.children).find((c) => c.tagName === 'text' && !c.getAttribute('class')) as SVGTextElement;
              const b = t.getBBox();
              const vb = svg.viewBox.baseVal;
              resolve({ title: [b.x, b.x + b.width], box: [vb.x, vb.x + vb.width] });
            }, 0),
          ),
        ),
    );
    assert.ok(fit.title[0] >= fit.box[0] - 0.5 && fit.title[1] <= fit.box[1] + 0.5, JSON.stringify(fit));
    const centreOffset = (fit.title[0] + fit.title[1]) / 2 - (fit.box[0] + fit.box[1]) / 2;
    assert.ok(Math.abs(centreOffset) < 2, `title centred: off by ${centreOffset}`);
  } finally {
    await w.close();
  }
});
