/**
 * Notes benchmark: typing in a study note whose ```tcpflow blocks VS Code's Markdown preview
 * shows, in Chromium.
 *
 * The note is the bundled examples (examples/*.tcpflow), each a ```tcpflow block under a
 * paragraph. Its HTML is made as the preview makes it (markdown-it with the extension's plugin);
 * the page is shaped like the preview (the body's theme class, `.markdown-body`) and runs the
 * Markdown preview script as the extension ships it (src/markdown/preview.ts). Each keystroke's
 * HTML goes in the way VS Code's preview puts it in: morphdom over the content, every element
 * equal to its new version left alone, then `vscode.markdown.updateContent`.
 *
 * Two kinds of keystroke, each typed letter by letter: in a paragraph (the blocks are unchanged)
 * and in one block (its flow's title). For each: the note's render to HTML with the plugin (in
 * Node, as the extension host does it at every change), Mermaid renders per keystroke (the
 * script's scratch elements, counted in the page) and the time from the update to every block
 * showing the drawing of its current text (page clock; the page's work, one task after another).
 *
 * `BENCH_BASELINE=<git revision>` runs that revision's plugin and preview script on the same
 * keystrokes, in the same browser, for a before/after comparison.
 *
 * Run alone with `node --import tsx bench/notes.ts`; `bench/run.ts` calls `benchNotes()`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import MarkdownIt from 'markdown-it';
import type { Browser, Page } from 'playwright-core';
import { tcpflowMarkdownPlugin } from '../src/markdown/plugin';
import { ROOT, chromiumMissing, launchChromium, morphdomBundle, openPage } from '../test/webview/browser';

const KEYS = 12;

interface Keys {
  /** The note's render to HTML (Node). */
  html: number;
  renders: number;
  ms: number;
}

interface Figures {
  label: string;
  blocks: number;
  firstMs: number;
  firstRenders: number;
  prose: Keys;
  block: Keys;
}

type Plugin = typeof tcpflowMarkdownPlugin;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The bundled examples, by file name: read once. */
let examples: [string, string][] | undefined;

/**
 * The note: a heading, then each example under a paragraph about it. The first paragraph is
 * `prose`, and the first example's title ends with `title` (the keystrokes type into both).
 */
function note(prose: string, title: string): string {
  const dir = path.join(ROOT, 'examples');
  examples ??= fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.tcpflow'))
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8').trimEnd()]);
  const parts = ['# Study notes', ''];
  examples.forEach(([f, text], i) => {
    const flow = i > 0 ? text : /^title /m.test(text) ? text.replace(/^title "([^"]*)"/m, `title "$1${title}"`) : `title "${title}"\n${text}`;
    parts.push(`${i === 0 ? prose : 'Another case'} (${f}):`, '', '```tcpflow', flow, '```', '');
  });
  return parts.join('\n');
}

async function bundle(entry: string, cwd: string): Promise<string> {
  const r = await build({ entryPoints: [entry], absWorkingDir: cwd, nodePaths: [path.join(ROOT, 'node_modules')], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020', minify: true, legalComments: 'none', logLevel: 'silent', mainFields: ['browser', 'module', 'main'] });
  return r.outputFiles[0].text;
}

/** Every block shows a drawing of its current text (in its shadow root, or, as older scripts did, in its place). */
const SETTLED = `Array.from(document.querySelectorAll('.tcpflow-block')).every((b) => !!(b.shadowRoot && b.shadowRoot.querySelector('.tcpflow-svg svg')) || (!b.querySelector('pre[data-tcpflow-diagram]') && !!b.querySelector('.tcpflow-svg svg')))`;

async function page(browser: Browser, script: string, morph: string, html: string): Promise<Page> {
  const p = await openPage(browser, { viewport: { width: 1000, height: 800 } });
  await p.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body class="vscode-light"><div class="markdown-body">${html}</div></body></html>`);
  // (What tsx makes of the functions handed to the page refers to this helper.)
  await p.evaluate('globalThis.__name = globalThis.__name || ((f) => f);');
  await p.evaluate(
    ([lib, settled]) => {
      const w = window as unknown as { renders: number; settled: () => boolean };
      new Function(lib)();
      w.renders = 0;
      w.settled = new Function(`return ${settled};`) as () => boolean;
      new MutationObserver((records) => {
        for (const r of records) for (const n of Array.from(r.addedNodes)) if (n instanceof Element && n.id.startsWith('dtcpflow-md-')) w.renders++;
      }).observe(document.body, { childList: true });
    },
    [morph, SETTLED] as const,
  );
  // The preview script, as the preview loads it: after the page's content.
  await p.addScriptTag({ content: script });
  return p;
}

/** Put `html` in as VS Code's preview does; resolves with the ms until every block is drawn, and the renders it took. */
function update(p: Page, html: string): Promise<{ ms: number; renders: number }> {
  return p.evaluate(async (content) => {
    const w = window as unknown as { renders: number; settled: () => boolean; morphdom: (a: Element, b: Element, o: object) => void };
    const before = w.renders;
    const next = document.createElement('div');
    next.className = 'markdown-body';
    next.innerHTML = content;
    const t0 = performance.now();
    w.morphdom(document.querySelector('.markdown-body')!, next, { childrenOnly: true, onBeforeElUpdated: (from: Element, to: Element) => !from.isEqualNode(to) });
    window.dispatchEvent(new Event('vscode.markdown.updateContent'));
    // The script works in tasks after the change: look after each task until all is drawn, and
    // two tasks more (a late pass would still count its renders).
    for (let quiet = 0; quiet < 3; ) {
      await new Promise((r) => setTimeout(r, 0));
      if (w.settled()) quiet++;
    }
    return { ms: performance.now() - t0, renders: w.renders - before };
  }, html);
}

async function measure(browser: Browser, label: string, plugin: Plugin, script: string, morph: string): Promise<Figures> {
  const md = new MarkdownIt();
  md.use(plugin, { locale: 'en' });
  const prose = 'The handshake, as the kernel does it';
  const p = await page(browser, script, morph, '');
  try {
    const first = await update(p, md.render(note(prose, '')));
    const blocks = await p.evaluate(() => document.querySelectorAll('.tcpflow-block').length);
    const run = async (make: (i: number) => string): Promise<Keys> => {
      const html: number[] = [];
      const ms: number[] = [];
      const renders: number[] = [];
      for (let i = 1; i <= KEYS; i++) {
        const t0 = performance.now();
        const text = md.render(make(i));
        html.push(performance.now() - t0);
        const r = await update(p, text);
        ms.push(r.ms);
        renders.push(r.renders);
      }
      // Back to the note as it was, not counted.
      await update(p, md.render(note(prose, '')));
      return { html: median(html), renders: median(renders), ms: median(ms) };
    };
    const typed = ' and why'.slice(0, KEYS);
    const proseKeys = await run((i) => note(prose + typed.slice(0, i).padEnd(i, 'x'), ''));
    const blockKeys = await run((i) => note(prose, ` ${'abcdefghijkl'.slice(0, i)}`));
    return { label, blocks, firstMs: first.ms, firstRenders: first.renders, prose: proseKeys, block: blockKeys };
  } finally {
    await p.close();
  }
}

export async function benchNotes(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`notes benchmark skipped: ${missing}`);
    return;
  }
  const browser = await launchChromium();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-notes-bench-'));
  try {
    const morph = await morphdomBundle();
    const sides: [string, Plugin, string][] = [['this tree', tcpflowMarkdownPlugin, await bundle(path.join(ROOT, 'src', 'markdown', 'preview.ts'), ROOT)]];
    const rev = process.env.BENCH_BASELINE;
    if (rev) {
      const tar = execFileSync('git', ['-C', ROOT, 'archive', rev, 'src'], { maxBuffer: 1 << 28 });
      execFileSync('tar', ['-x', '-C', scratch], { input: tar });
      const out = path.join(scratch, 'plugin.cjs');
      await build({ entryPoints: [path.join(scratch, 'src', 'markdown', 'plugin.ts')], absWorkingDir: scratch, bundle: true, outfile: out, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const old = require(out) as { tcpflowMarkdownPlugin: Plugin };
      sides.push([rev, old.tcpflowMarkdownPlugin, await bundle(path.join(scratch, 'src', 'markdown', 'preview.ts'), scratch)]);
    }
    const rows: Figures[] = [];
    for (const [label, plugin, script] of sides) rows.push(await measure(browser, label, plugin, script, morph));
    const ms = (x: number): string => (x < 10 ? x.toFixed(1) : x.toFixed(0));
    const count = (n: number): string => `${n} render${n === 1 ? '' : 's'}`;
    console.log(`\nnotes: typing in a study note in VS Code's Markdown preview, in Chromium (${rows[0].blocks} tcpflow blocks; medians of ${KEYS} keystrokes)`);
    console.log(`${'revision'.padEnd(10)}  ${'first show'.padStart(17)}  ${'key in prose: HTML, page'.padStart(32)}  ${'key in a block: HTML, page'.padStart(32)}`);
    for (const r of rows) {
      const cell = (x: Keys): string => `${ms(x.html)} ms, ${ms(x.ms)} ms, ${count(x.renders)}`.padStart(32);
      console.log(`${r.label.padEnd(10)}  ${`${ms(r.firstMs)} ms, ${count(r.firstRenders)}`.padStart(17)}  ${cell(r.prose)}  ${cell(r.block)}`);
    }
    console.log('HTML = the note rendered by markdown-it with the plugin (Node, as the extension host does at each change);');
    console.log('page = from the update to every block showing the drawing of its text (page clock); a render is one');
    console.log('Mermaid render of a block. A keystroke in prose leaves every block as it was; one in a block changes it.');
  } finally {
    await browser.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchNotes().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
