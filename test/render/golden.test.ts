/**
 * Golden tests of the Mermaid renderer: every `examples/*.tcpflow` and every fixture here is
 * rendered and compared with `golden/<name>.mmd` (a few also with other options). Then every
 * output goes through Mermaid's own parser and renderer in Chromium, and the drawn SVG must
 * have exactly the arrows and notes the renderer says it drew, in the same order.
 *
 * Refresh the goldens after an intended change with `UPDATE_GOLDEN=1`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../src/core/index';
import type { Locale } from '../../src/core/index';
import { renderMermaid, type RenderOptions, type RenderResult } from '../../src/core/render/mermaid';
import { chromiumMissing, launchChromium, mermaidPage, mermaidParse } from '../webview/browser';

const ROOT = path.resolve(__dirname, '..', '..');
const GOLDEN = path.join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Case {
  name: string;
  file: string;
  options: RenderOptions;
  locale?: Locale;
}

const VARIANTS: Record<string, { options: RenderOptions; locale?: Locale }> = {
  absolute: { options: { numbers: 'absolute' } },
  relative: { options: { numbers: 'relative' } },
  'states-off': { options: { states: 'off' } },
  'states-always': { options: { states: 'always', autonumber: true } },
  zh: { options: {}, locale: 'zh-cn' },
};

/** Which sources also get which variants. */
const VARIANT_SOURCES: Record<string, string[]> = {
  'fixture-sketch': ['absolute', 'relative', 'states-off', 'states-always', 'zh'],
  'handshake-concrete': ['absolute', 'relative'],
  'capture-relative': ['absolute', 'relative'],
  'fixture-network-events': ['relative', 'states-always'],
  'fixture-mistakes': ['zh'],
  'fixture-receive-buffer': ['zh', 'states-always'],
};

function sources(): { name: string; file: string }[] {
  const list: { name: string; file: string }[] = [];
  // Examples keep their name; fixtures get a prefix so that they never collide with one.
  for (const [dir, prefix] of [
    [path.join(ROOT, 'examples'), ''],
    [path.join(__dirname, 'fixtures'), 'fixture-'],
  ] as const) {
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.tcpflow')) list.push({ name: prefix + f.replace(/\.tcpflow$/, ''), file: path.join(dir, f) });
  }
  return list;
}

function cases(): Case[] {
  const out: Case[] = [];
  const seen = new Set<string>();
  for (const s of sources()) {
    // A fixture with the name of an example would overwrite its golden.
    assert.ok(!seen.has(s.name), `two sources are called ${s.name}`);
    seen.add(s.name);
    out.push({ name: s.name, file: s.file, options: {} });
    for (const v of VARIANT_SOURCES[s.name] ?? []) out.push({ name: `${s.name}.${v}`, file: s.file, options: VARIANTS[v].options, locale: VARIANTS[v].locale });
  }
  return out;
}

const rendered = new Map<string, RenderResult>();

function render(c: Case): RenderResult {
  let r = rendered.get(c.name);
  if (!r) {
    r = renderMermaid(analyze(fs.readFileSync(c.file, 'utf8'), { locale: c.locale ?? 'en' }), c.options);
    rendered.set(c.name, r);
  }
  return r;
}

test('the sketch fixture is the sketch from the issue', () => {
  const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'sketch.tcpflow'), 'utf8');
  assert.match(text, /^title "Three-way handshake, one request, four-way teardown"/);
  assert.equal(render({ name: 'fixture-sketch', file: path.join(__dirname, 'fixtures', 'sketch.tcpflow'), options: {} }).segments, 9);
});

test('every example and fixture matches its golden Mermaid text', async (t) => {
  const all = cases();
  assert.ok(all.length >= 20, `expected examples and fixtures, found ${all.length} cases`);
  if (UPDATE) fs.mkdirSync(GOLDEN, { recursive: true });
  for (const c of all) {
    await t.test(c.name, () => {
      const r = render(c);
      const golden = path.join(GOLDEN, `${c.name}.mmd`);
      if (UPDATE) {
        fs.writeFileSync(golden, r.text);
        return;
      }
      assert.ok(fs.existsSync(golden), `no golden for ${c.name}: run UPDATE_GOLDEN=1 node --import tsx --test test/render/golden.test.ts`);
      assert.equal(r.text, fs.readFileSync(golden, 'utf8'), `${c.name} differs from ${path.relative(ROOT, golden)} (UPDATE_GOLDEN=1 refreshes it)`);
    });
  }
  if (UPDATE) {
    // Goldens whose source is gone would linger unnoticed.
    const names = new Set(all.map((c) => c.name));
    for (const f of fs.readdirSync(GOLDEN)) if (f.endsWith('.mmd') && !names.has(f.replace(/\.mmd$/, ''))) fs.rmSync(path.join(GOLDEN, f));
  }
});

test('no golden is left without a source', () => {
  const names = new Set(cases().map((c) => c.name));
  const orphans = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.mmd') && !names.has(f.replace(/\.mmd$/, '')));
  assert.deepEqual(orphans, []);
});

test('every output is accepted by Mermaid and draws exactly the arrows and notes reported', { skip: chromiumMissing(), timeout: 120_000 }, async () => {
  const all = cases();
  const browser = await launchChromium();
  try {
    const page = await mermaidPage(browser);
    const results = all.map(render);
    const parsed = await mermaidParse(page, results.map((r) => r.text));
    const parseFailures = all.map((c, i) => (parsed[i] === undefined ? undefined : `${c.name}: ${parsed[i]}`)).filter((x) => x !== undefined);
    assert.deepEqual(parseFailures, []);

    const drawn = await page.evaluate(async (texts) => {
      const w = window as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> } };
      const out: { error?: string; arrows: number; notes: number; ordered: boolean; messageTexts: string[] }[] = [];
      let n = 0;
      for (const t of texts) {
        try {
          const { svg } = await w.mermaid.render(`golden-${n++}`, t);
          const host = document.getElementById('out') as HTMLDivElement;
          host.innerHTML = svg;
          const id = (e: Element): number => Number((e.getAttribute('data-id') ?? '').replace(/\D/g, ''));
          const messages = Array.from(host.querySelectorAll('[data-et="message"]'));
          const notes = Array.from(host.querySelectorAll('g[data-et="note"]'));
          // Drawing order (data-id) must agree with document order and go down the page.
          const ys = messages.map((m) => Number(m.getAttribute('y1') ?? m.getAttribute('y') ?? 0));
          const ordered = messages.every((m, i) => i === 0 || (id(m) > id(messages[i - 1]) && ys[i] > ys[i - 1]));
          out.push({ arrows: messages.length, notes: notes.length, ordered, messageTexts: Array.from(host.querySelectorAll('text.messageText')).map((x) => x.textContent ?? '') });
        } catch (e) {
          out.push({ error: String(e instanceof Error ? e.message : e), arrows: -1, notes: -1, ordered: false, messageTexts: [] });
        }
      }
      return out;
    }, results.map((r) => r.text));

    const problems: string[] = [];
    all.forEach((c, i) => {
      const d = drawn[i];
      const r = results[i];
      if (d.error) problems.push(`${c.name}: render failed: ${d.error}`);
      else {
        if (d.arrows !== r.arrows.length) problems.push(`${c.name}: ${d.arrows} arrows drawn, ${r.arrows.length} reported`);
        if (d.notes !== r.notes.length) problems.push(`${c.name}: ${d.notes} notes drawn, ${r.notes.length} reported`);
        if (!d.ordered) problems.push(`${c.name}: arrows not drawn in order`);
        if (d.messageTexts.length !== r.arrows.length) problems.push(`${c.name}: ${d.messageTexts.length} message texts for ${r.arrows.length} arrows`);
        // No entity code or placeholder may survive into what the reader sees.
        for (const m of d.messageTexts) if (/#\d+;|\uFB02\u00B0|\u00B6\u00DF/.test(m) && !/#\d+;/.test(fs.readFileSync(c.file, 'utf8'))) problems.push(`${c.name}: raw entity in "${m}"`);
      }
    });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
