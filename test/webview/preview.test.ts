/**
 * The preview webview in Chromium: the real page and policy (src/webview/html.ts), the real
 * bundle (src/webview/main.ts with Mermaid, built here with esbuild), served from 127.0.0.1,
 * fed the messages the extension posts (built by the same core functions).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { analyze } from '../../src/core/index';
import { DEFAULT_PREVIEW_SETTINGS, PreviewSession, buildPreviewMessage, type PreviewSettings, type UpdateMessage } from '../../src/core/render/preview';
import { ROOT, chromiumMissing, deliver, deliverAndWait, launchChromium, openPage, posted, startHarness, waitForPost, webviewFiles, type Harness } from './browser';
import { INJECTION_PAYLOADS } from './payloads';
import { bigFlow } from '../render/flows';

const skip = chromiumMissing();
const SKETCH = fs.readFileSync(path.join(ROOT, 'test', 'render', 'fixtures', 'sketch.tcpflow'), 'utf8');

let browser: Browser;
let harness: Harness;
let version = 0;

before(async () => {
  if (skip) return;
  [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

interface Watched {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
  violations: () => Promise<string[]>;
}

async function openPreview(h: Harness = harness, viewport = { width: 900, height: 700 }): Promise<Watched> {
  const page = await openPage(browser, { viewport });
  const w: Watched = {
    page,
    requests: [],
    dialogs: [],
    errors: [],
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.slice()),
  };
  page.on('request', (r) => w.requests.push(r.url()));
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => w.errors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(h.url);
  await waitForPost(page, (m) => m.command === 'ready');
  return w;
}

function update(text: string, extra: Partial<PreviewSettings> = {}, cursorLine?: number): UpdateMessage {
  const m = buildPreviewMessage(analyze(text), { ...DEFAULT_PREVIEW_SETTINGS, ...extra }, { version: ++version, uri: 'file:///notes/flow.tcpflow', cursorLine });
  assert.equal(m.command, 'update', 'the test text must be drawable');
  return m as UpdateMessage;
}

async function show(page: Page, m: { version: number }): Promise<Record<string, unknown>> {
  const { answer } = await deliverAndWait(page, m);
  return answer;
}

function svgInfo(page: Page) {
  return page.evaluate(() => {
    const svg = document.querySelector('#canvas svg');
    return {
      id: svg?.id ?? '',
      arrows: Number(svg?.getAttribute('data-tf-arrows') ?? -1),
      notes: Number(svg?.getAttribute('data-tf-notes') ?? -1),
      messages: svg ? svg.querySelectorAll('[data-et="message"]').length : -1,
      active: Array.from(document.querySelectorAll('#canvas .tf-active')).map((e) => e.getAttribute('data-tf-line')),
      banner: (document.getElementById('banner') as HTMLElement).hidden ? null : document.getElementById('banner')?.textContent,
      status: document.getElementById('status')?.textContent ?? '',
      messageFill: svg ? getComputedStyle(svg.querySelector('text.messageText') as Element).fill : '',
    };
  });
}

test('the page carries the content security policy and loads only its own files', { skip }, async () => {
  const w = await openPreview();
  try {
    const csp = await w.page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
    assert.match(csp, /^default-src 'none'; img-src http:\/\/127\.0\.0\.1:\d+ data:; style-src http:\/\/127\.0\.0\.1:\d+ 'unsafe-inline'; script-src 'nonce-[A-Za-z0-9+/=]{24}' http:\/\/127\.0\.0\.1:\d+; font-src http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(csp.includes(`'nonce-${harness.nonce}'`));
    await show(w.page, update(SKETCH));
    const origin = new URL(harness.url).origin;
    assert.deepEqual(
      w.requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:')),
      [],
    );
    assert.deepEqual(await w.violations(), []);
    assert.deepEqual(w.errors, []);
  } finally {
    await w.page.close();
  }
});

test('the diagram has one message per segment, and clicks reveal their line', { skip }, async () => {
  const w = await openPreview();
  try {
    const m = update(SKETCH);
    const answer = await show(w.page, m);
    assert.equal(answer.command, 'rendered');
    assert.equal(answer.skipped, false);
    const info = await svgInfo(w.page);
    assert.equal(m.segments, 9);
    assert.equal(info.messages, 9);
    assert.equal(info.arrows, 9);
    assert.equal(info.notes, m.notes.length);
    // Click the middle of each arrow's line: the extension is asked to reveal its source line.
    for (const [i, arrow] of m.arrows.entries()) {
      const before = (await posted(w.page)).length;
      const line = w.page.locator(`#canvas line.tf-line[data-tf-arrow="${i}"]`);
      await line.scrollIntoViewIfNeeded();
      const box = await line.boundingBox();
      assert.ok(box, `arrow ${i} has no box`);
      await w.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const reveal = await waitForPost(w.page, (x) => x.command === 'reveal', before);
      assert.deepEqual(reveal, { command: 'reveal', line: arrow.line });
    }
    // The label of an arrow and a note work too.
    let before = (await posted(w.page)).length;
    await w.page.locator('#canvas text.messageText', { hasText: 'GET / HTTP/1.1' }).click();
    assert.deepEqual(await waitForPost(w.page, (x) => x.command === 'reveal', before), { command: 'reveal', line: 11 });
    before = (await posted(w.page)).length;
    await w.page.locator('#canvas g[data-et="note"]', { hasText: 'CLOSE_WAIT' }).click();
    assert.deepEqual(await waitForPost(w.page, (x) => x.command === 'reveal', before), { command: 'reveal', line: 14 });
  } finally {
    await w.page.close();
  }
});

test('a cursor message highlights the matching arrow and scrolls it into view', { skip }, async () => {
  const w = await openPreview(harness, { width: 700, height: 400 });
  try {
    await show(w.page, update(SKETCH));
    await deliver(w.page, { command: 'highlight', line: 17 });
    await w.page.waitForFunction(() => document.querySelectorAll('#canvas .tf-active').length > 0);
    const info = await svgInfo(w.page);
    assert.ok(info.active.length >= 2 && info.active.every((l) => l === '17'), JSON.stringify(info.active));
    const visible = await w.page.evaluate(() => {
      const el = document.querySelector('#canvas line.tf-active') as Element;
      const r = el.getBoundingClientRect();
      const v = (document.getElementById('viewport') as HTMLElement).getBoundingClientRect();
      return r.top >= v.top && r.bottom <= v.bottom && (document.getElementById('viewport') as HTMLElement).scrollTop > 0;
    });
    assert.ok(visible, 'the highlighted arrow is scrolled into view');
    // A line with no arrow but a note (a state assertion has none; line 2 declares C) highlights the note.
    await deliver(w.page, { command: 'highlight', line: 2 });
    await w.page.waitForFunction(() => Array.from(document.querySelectorAll('#canvas .tf-active')).every((e) => e.getAttribute('data-tf-line') === '2'));
    assert.equal(await w.page.locator('#canvas g.tf-active[data-tf-note]').count(), 1);
    // A blank line highlights nothing.
    await deliver(w.page, { command: 'highlight', line: 10 });
    await w.page.waitForFunction(() => document.querySelectorAll('#canvas .tf-active').length === 0);
  } finally {
    await w.page.close();
  }
});

test('theme changes redraw the diagram in the other theme', { skip }, async () => {
  const w = await openPreview();
  try {
    await show(w.page, update(SKETCH));
    const light = await svgInfo(w.page);
    // The extension's theme message.
    const n = (await posted(w.page)).length;
    await deliver(w.page, { command: 'theme', kind: 'dark' });
    const dark = await waitForPost(w.page, (m) => m.command === 'rendered', n);
    assert.equal(dark.theme, 'dark');
    assert.equal(dark.skipped, false);
    const darkInfo = await svgInfo(w.page);
    assert.notEqual(darkInfo.messageFill, light.messageFill);
    assert.equal(darkInfo.arrows, 9);
    // VS Code switching the body class (high contrast), seen by the MutationObserver.
    const k = (await posted(w.page)).length;
    await w.page.evaluate(() => {
      document.body.className = 'vscode-high-contrast';
    });
    const hc = await waitForPost(w.page, (m) => m.command === 'rendered', k);
    assert.equal(hc.theme, 'high-contrast');
    const j = (await posted(w.page)).length;
    await w.page.evaluate(() => {
      document.body.className = 'vscode-light';
    });
    assert.equal((await waitForPost(w.page, (m) => m.command === 'rendered', j)).theme, 'light');
    assert.equal((await svgInfo(w.page)).messageFill, light.messageFill);
  } finally {
    await w.page.close();
  }
});

test('bad text keeps the last diagram and shows a banner', { skip }, async () => {
  const w = await openPreview();
  try {
    const good = update(SKETCH);
    await show(w.page, good);
    const before = await w.page.evaluate(() => (document.querySelector('#canvas svg') as Element).outerHTML);
    // A syntax error: the extension posts an error instead of a diagram.
    const bad = buildPreviewMessage(analyze(SKETCH.replace('ack=y+1\n', 'ack="y+1\n')), DEFAULT_PREVIEW_SETTINGS, { version: ++version });
    assert.equal(bad.command, 'error');
    await deliver(w.page, bad);
    await w.page.waitForFunction(() => !(document.getElementById('banner') as HTMLElement).hidden);
    let info = await svgInfo(w.page);
    assert.ok(info.banner?.startsWith('Line 9, column'), String(info.banner));
    assert.ok(info.banner?.includes('TF1001'));
    assert.equal(await w.page.evaluate(() => (document.querySelector('#canvas svg') as Element).outerHTML), before);
    // Text Mermaid itself refuses: the previous SVG stays too.
    const broken = { ...good, version: ++version, mermaid: 'sequenceDiagram\n    A->>B: x\n    end\n' };
    const answer = await show(w.page, broken);
    assert.equal(answer.command, 'renderFailed');
    info = await svgInfo(w.page);
    assert.ok(info.banner?.startsWith('The diagram could not be drawn'), String(info.banner));
    assert.equal(await w.page.evaluate(() => (document.querySelector('#canvas svg') as Element).outerHTML), before);
    // The next good text clears the banner.
    await show(w.page, update(SKETCH.replace('len=78', 'len=77')));
    info = await svgInfo(w.page);
    assert.equal(info.banner, null);
    assert.equal(info.arrows, 9);
    assert.deepEqual(w.errors, []);
  } finally {
    await w.page.close();
  }
});

test('updates swap the SVG in place: same diagram text is not redrawn, scroll stays', { skip }, async () => {
  const w = await openPreview(harness, { width: 700, height: 400 });
  try {
    const session = new PreviewSession();
    const first = session.update(analyze(SKETCH), DEFAULT_PREVIEW_SETTINGS, {});
    assert.ok(first && first.command === 'update');
    await show(w.page, first);
    await w.page.evaluate(() => {
      (document.getElementById('viewport') as HTMLElement).scrollTop = 300;
    });
    // A comment line shifts every source line: the webview remaps without redrawing.
    const moved = session.update(analyze('# comment\n' + SKETCH), DEFAULT_PREVIEW_SETTINGS, {});
    assert.ok(moved && moved.command === 'update');
    const answer = await show(w.page, moved);
    assert.equal(answer.skipped, true);
    const n = (await posted(w.page)).length;
    const last = w.page.locator('#canvas line.tf-line[data-tf-arrow="8"]');
    await last.scrollIntoViewIfNeeded();
    const box = await last.boundingBox();
    assert.ok(box);
    await w.page.mouse.click(box.x + box.width / 2, box.y + 1);
    assert.deepEqual(await waitForPost(w.page, (x) => x.command === 'reveal', n), { command: 'reveal', line: 18 });
    // A real change redraws, keeping the scroll position.
    await w.page.evaluate(() => {
      (document.getElementById('viewport') as HTMLElement).scrollTop = 300;
    });
    const changed = session.update(analyze('# comment\n' + SKETCH.replace('"GET / HTTP/1.1"', '"GET /index.html HTTP/1.1"')), DEFAULT_PREVIEW_SETTINGS, {});
    assert.ok(changed && changed.command === 'update');
    assert.equal((await show(w.page, changed)).skipped, false);
    assert.equal(await w.page.evaluate(() => (document.getElementById('viewport') as HTMLElement).scrollTop), 300);
    assert.equal(await w.page.locator('#canvas svg').count(), 1);
  } finally {
    await w.page.close();
  }
});

test('a large flow shows its window and where it is', { skip }, async () => {
  const w = await openPreview();
  try {
    const m = update(bigFlow(10_000), {}, 8_400);
    assert.ok(m.window);
    assert.equal(m.arrows.length, 300);
    await show(w.page, m);
    const info = await svgInfo(w.page);
    assert.equal(info.arrows, 300);
    assert.equal(info.status, m.status);
    assert.match(info.status, /^segments \d{1},\d{3}–\d{1},\d{3} of 10,000$/);
  } finally {
    await w.page.close();
  }
});

test('export gives a standalone SVG and a PNG', { skip }, async () => {
  const w = await openPreview();
  try {
    await show(w.page, update(SKETCH));
    let n = (await posted(w.page)).length;
    await deliver(w.page, { command: 'export', id: 1, format: 'svg' });
    const svg = await waitForPost(w.page, (m) => m.command === 'exported', n);
    assert.equal(svg.id, 1);
    const text = String(svg.data);
    assert.ok(text.startsWith('<svg') && text.includes('xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(!text.includes('tf-hit') && text.includes('SYN, ACK seq=y ack=x+1'));
    n = (await posted(w.page)).length;
    await deliver(w.page, { command: 'export', id: 2, format: 'png' });
    const png = await waitForPost(w.page, (m) => m.command === 'exported', n);
    assert.equal(png.error, undefined);
    const bytes = Buffer.from(String(png.data).replace(/^data:image\/png;base64,/, ''), 'base64');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.length > 10_000);
  } finally {
    await w.page.close();
  }
});

test('script-injection payloads in titles, names, labels and notes run nothing', { skip, timeout: 60_000 }, async () => {
  assert.ok(INJECTION_PAYLOADS.length >= 40);
  const quote = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n\u2028\u2029\u0085]/g, ' ')}"`;
  // Endpoint names can only be letters, digits and `_`: the closest they get is Mermaid and HTML keywords.
  const names = ['script', 'end', 'note', 'click', 'onload', 'participant', 'javascript', 'img'];
  const sources: string[] = [];
  for (let i = 0; i < INJECTION_PAYLOADS.length; i += 8) {
    const batch = INJECTION_PAYLOADS.slice(i, i + 8);
    const [a, b] = [names[(i / 8) % names.length], names[(i / 8 + 1) % names.length]];
    const lines = [`title ${quote(batch[0])}`, `client ${a} 10.0.0.1:1000`, `server ${b} 10.0.0.2:80`, `note ${quote(batch[1] ?? '')}`, `phase ${quote(batch[2] ?? '')}`];
    lines.push(`${a} -> ${b} SYN seq=0 ${quote(batch[3] ?? '')}`, `${b} -> ${a} SYN ACK seq=0 ack=1`);
    lines.push(`note ${a} ${quote(batch[4] ?? '')}`, `${a} -> ${b} PSH ACK seq=1 ack=1 len=4 http ${quote(batch[5] ?? '')}`, `${a} -> ${b} PSH ACK seq=5 ack=1 len=4 ${quote(batch[6] ?? '')}`);
    lines.push(`${a} -> ${b} PSH ACK seq=9 ack=1 len=4 ${quote(batch[7] ?? '')}`);
    sources.push(lines.join('\n'));
  }
  // Every payload also as a title of its own (the one place that is not wrapped).
  for (const p of INJECTION_PAYLOADS) sources.push(`title ${quote(p)}\nclient C\nserver S\nnote ${quote(p)}\nC -> S SYN seq=0 ${quote(p)}`);
  for (const withPolicy of [true, false]) {
    // Without the policy, the escaping and Mermaid's strict mode must hold on their own.
    const h = withPolicy ? harness : await startHarness({ withPolicy: false });
    const w = await openPreview(h);
    try {
      const origin = new URL(h.url).origin;
      const own = new Set([...(await webviewFiles()).keys()].map((name) => `/webview/${name}`));
      for (const src of sources) {
        const m = buildPreviewMessage(analyze(src), DEFAULT_PREVIEW_SETTINGS, { version: ++version });
        assert.equal(m.command, 'update', `not drawable: ${src}`);
        const answer = await show(w.page, m);
        assert.equal(answer.command, 'rendered', `${JSON.stringify(answer)} for ${src}`);
        // Hover and click everything drawn, in case a handler slipped through.
        await w.page.evaluate(() => {
          for (const el of Array.from(document.querySelectorAll('#canvas svg *'))) {
            for (const type of ['mouseover', 'mouseenter', 'focus', 'click']) el.dispatchEvent(new MouseEvent(type, { bubbles: true }));
          }
        });
      }
      await w.page.waitForTimeout(300);
      const state = await w.page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        policy: !!document.querySelector('meta[http-equiv="Content-Security-Policy"]'),
        scripts: document.scripts.length,
        frames: document.querySelectorAll('iframe, object, embed').length,
        handlers: Array.from(document.querySelectorAll('#canvas *')).flatMap((el) => el.getAttributeNames().filter((n) => n.startsWith('on'))),
        links: Array.from(document.querySelectorAll('#canvas a')).length,
      }));
      assert.equal(state.pwned, undefined, 'a payload set window.__pwned');
      assert.equal(state.policy, withPolicy);
      assert.equal(state.scripts, 2, 'only the stand-in API and the webview script');
      assert.equal(state.frames, 0);
      assert.deepEqual(state.handlers, []);
      assert.equal(state.links, 0);
      assert.deepEqual(w.dialogs, []);
      assert.deepEqual(
        w.requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:')),
        [],
      );
      assert.deepEqual(
        // Only the page's own files: the page, its style, its icon, the script and its chunks.
        w.requests.filter((u) => u.startsWith(origin + '/') && !/\/(index\.html|preview\.css|favicon\.ico)$/.test(u) && !own.has(u.slice(origin.length))),
        [],
      );
      if (withPolicy) assert.deepEqual(await w.violations(), []);
      assert.deepEqual(w.errors, []);
    } finally {
      await w.page.close();
      if (!withPolicy) await h.close();
    }
  }
});

test('screenshots of an example in the light and dark themes', { skip }, async () => {
  const w = await openPreview(harness, { width: 1000, height: 1500 });
  try {
    await show(w.page, update(SKETCH, {}, 11));
    // Make the page as tall as the diagram, so that the picture shows all of it.
    const height = await w.page.evaluate(() => Math.ceil((document.getElementById('toolbar') as HTMLElement).offsetHeight + (document.getElementById('canvas') as HTMLElement).scrollHeight + 4));
    await w.page.setViewportSize({ width: 1000, height: Math.min(3000, height) });
    const out = path.join(ROOT, 'docs', 'images');
    fs.mkdirSync(out, { recursive: true });
    await w.page.screenshot({ path: path.join(out, 'preview-light.png') });
    const n = (await posted(w.page)).length;
    await w.page.evaluate(() => {
      document.body.className = 'vscode-dark';
    });
    await waitForPost(w.page, (m) => m.command === 'rendered', n);
    await w.page.screenshot({ path: path.join(out, 'preview-dark.png') });
    for (const f of ['preview-light.png', 'preview-dark.png']) assert.ok(fs.statSync(path.join(out, f)).size > 20_000);
  } finally {
    await w.page.close();
  }
});

test('the preview opens fitted to a narrow pane, stays at 100 % in a wide one, refits on resize, and keeps a zoom the user chose', { skip }, async () => {
  const fit = (page: Page) =>
    page.evaluate(() => {
      const svg = document.querySelector('#canvas svg') as SVGSVGElement;
      const viewport = document.getElementById('viewport') as HTMLElement;
      const lifelines = Array.from(svg.querySelectorAll('line.actor-line'), (l) => l.getBoundingClientRect().right);
      return {
        svgWidth: svg.getBoundingClientRect().width,
        paneWidth: viewport.clientWidth,
        rightmostLifeline: Math.max(...lifelines),
        paneRight: viewport.getBoundingClientRect().right,
        label: document.getElementById('zoom-reset')?.textContent ?? '',
        scrollable: viewport.scrollWidth > viewport.clientWidth,
      };
    });
  const narrow = await openPreview(harness, { width: 420, height: 700 });
  try {
    await show(narrow.page, update(SKETCH));
    const f = await fit(narrow.page);
    assert.ok(f.svgWidth <= f.paneWidth, `the diagram fits the pane: ${JSON.stringify(f)}`);
    assert.ok(f.rightmostLifeline <= f.paneRight, `no lifeline is cut off: ${JSON.stringify(f)}`);
    assert.equal(f.scrollable, false, 'nothing to scroll sideways');
    assert.match(f.label, /^\d+%$/);
    assert.ok(Number(f.label.slice(0, -1)) < 100, `zoomed out below 100 %: ${f.label}`);
    // The pane grows (the user drags the sash): the diagram grows with it, up to 100 %.
    await narrow.page.setViewportSize({ width: 2400, height: 700 });
    await narrow.page.waitForFunction(() => document.getElementById('zoom-reset')?.textContent === '100%');
    // A zoom the user chose is kept through the next render.
    await narrow.page.setViewportSize({ width: 420, height: 700 });
    await narrow.page.waitForFunction(() => document.getElementById('zoom-reset')?.textContent !== '100%');
    await narrow.page.click('#zoom-reset');
    await show(narrow.page, update(SKETCH + 'C -> S ACK seq=x+1 ack=y+1\n'));
    assert.equal((await fit(narrow.page)).label, '100%', 'the user\'s 100 % stays');
  } finally {
    await narrow.page.close();
  }
  const wide = await openPreview(harness, { width: 1800, height: 700 });
  try {
    await show(wide.page, update(SKETCH));
    const f = await fit(wide.page);
    assert.equal(f.label, '100%', 'a diagram narrower than the pane is never enlarged');
  } finally {
    await wide.page.close();
  }
});
