/**
 * The preview page in both languages, in Chromium: the toolbar as html.ts writes it for a locale,
 * relabelled when an update arrives in the other one (`tcpflow.language` changed), and the
 * page's own messages (banner, export error) in the page's language.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { analyze, type Locale } from '../../src/core/index';
import { DEFAULT_PREVIEW_SETTINGS, buildPreviewMessage, type UpdateMessage } from '../../src/core/render/preview';
import { WEBVIEW_STRINGS } from '../../src/webview/strings';
import { chromiumMissing, deliverAndWait, launchChromium, openPage, startHarness, waitForPost, type Harness } from './browser';
import { bigFlow } from '../render/flows';

const skip = chromiumMissing();
let browser: Browser;
let zh: Harness;
let version = 0;

before(async () => {
  if (skip) return;
  [browser, zh] = await Promise.all([launchChromium(), startHarness({ locale: 'zh-cn' })]);
});

after(async () => {
  await browser?.close();
  await zh?.close();
});

async function open(h: Harness): Promise<{ page: Page; errors: string[] }> {
  const page = await openPage(browser, { viewport: { width: 900, height: 700 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(h.url);
  await waitForPost(page, (m) => m.command === 'ready');
  return { page, errors };
}

function update(locale: Locale): UpdateMessage {
  const m = buildPreviewMessage(analyze(bigFlow(40), { locale }), { ...DEFAULT_PREVIEW_SETTINGS, maxMessages: 10 }, { version: ++version, cursorLine: 0 });
  assert.equal(m.command, 'update');
  return m as UpdateMessage;
}

function toolbar(page: Page) {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    toolbar: document.getElementById('toolbar')?.getAttribute('aria-label'),
    buttons: ['zoom-out', 'zoom-reset', 'zoom-in', 'zoom-fit'].map((id) => `${document.getElementById(id)?.getAttribute('title')} | ${document.getElementById(id)?.getAttribute('aria-label')}`),
    status: document.getElementById('status')?.textContent,
    banner: (document.getElementById('banner') as HTMLElement).hidden ? null : document.getElementById('banner')?.textContent,
  }));
}

const ZH_BUTTONS = ['缩小 (-) | 缩小', '实际大小 (0) | 实际大小', '放大 (+) | 放大', '适应宽度 (F) | 适应宽度'];
const EN_BUTTONS = ['Zoom out (-) | Zoom out', 'Actual size (0) | Actual size', 'Zoom in (+) | Zoom in', 'Fit to width (F) | Fit to width'];

test('a page made in Chinese: toolbar, export error, status and banner in Chinese; an English update relabels it', { skip }, async () => {
  const { page, errors } = await open(zh);
  try {
    assert.deepEqual(await toolbar(page), { lang: 'zh-CN', title: 'tcpflow 预览', toolbar: '时序图', buttons: ZH_BUTTONS, status: '', banner: null });
    // Nothing drawn yet: the export error is the page's own message.
    await page.evaluate(() => window.postMessage({ command: 'export', id: 7, format: 'svg' }, '*'));
    const exported = await waitForPost(page, (m) => m.command === 'exported' && m.id === 7);
    assert.equal(exported.error, '还没有可导出的时序图。');

    const zhUpdate = update('zh-cn');
    assert.equal((await deliverAndWait(page, zhUpdate)).answer.command, 'rendered');
    let seen = await toolbar(page);
    assert.equal(seen.status, '报文段 1–10，共 40 个');
    assert.deepEqual(seen.buttons, ZH_BUTTONS);

    // Mermaid refuses a text: the banner is in the page's language.
    const broken = { ...zhUpdate, version: ++version, mermaid: 'sequenceDiagram\n    A->>B: x\n    end\n' };
    assert.equal((await deliverAndWait(page, broken)).answer.command, 'renderFailed');
    seen = await toolbar(page);
    assert.ok(seen.banner?.startsWith('无法绘制时序图：'), String(seen.banner));

    // tcpflow.language switched to English: the next update brings the locale with it.
    assert.equal((await deliverAndWait(page, update('en'))).answer.command, 'rendered');
    seen = await toolbar(page);
    assert.deepEqual({ ...seen, status: undefined }, { lang: 'en', title: 'tcpflow preview', toolbar: 'Diagram', buttons: EN_BUTTONS, status: undefined, banner: null });
    assert.equal(seen.status, 'segments 1–10 of 40');
    // And back.
    assert.equal((await deliverAndWait(page, update('zh-cn'))).answer.command, 'rendered');
    assert.deepEqual((await toolbar(page)).buttons, ZH_BUTTONS);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('every string of the page has both languages and the same placeholders', () => {
  for (const [key, [en, zhText]] of Object.entries(WEBVIEW_STRINGS)) {
    assert.ok(en.trim() && zhText.trim(), key);
    assert.match(zhText, /\p{Script=Han}/u, `${key}: Chinese text`);
    assert.deepEqual((zhText.match(/\{\d+\}/g) ?? []).sort(), (en.match(/\{\d+\}/g) ?? []).sort(), key);
  }
});
