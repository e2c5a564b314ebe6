/**
 * Preview benchmark: keystroke -> new SVG, beside Mermaid's own render of the same text in the
 * same page, in Chromium.
 *
 * "Keystroke -> SVG" runs the real extension side (`PreviewManager` from src/extension/preview.ts,
 * against the vscode stand-in of the tests) wired to the real webview page: the clock starts
 * when the document changes and stops when the page's answer ("rendered": the new SVG is in the
 * page, sized and mapped to its lines) reaches the extension. It holds the wait the extension
 * chooses (`editDelay`: none while a diagram builds quickly), the analysis and the diagram text
 * (Node), both messages between Node and the page, and the page's work.
 * "Mermaid alone" is `mermaid.render` of the same text in the same page, by a second Mermaid
 * instance loaded there with the same configuration (src/webview/mermaid-config.ts), timed in
 * the page. The two alternate run by run, so that the machine's load falls on both alike.
 * Neither includes the browser's painting of the SVG.
 *
 * The transport (test/webview/wired.ts) stands in for VS Code's channel between the extension
 * host and the webview, and is counted in "keystroke -> SVG": an update goes from Node to the
 * page as JSON text over Chromium's debugging protocol (one `Runtime.evaluate`, no reply
 * awaited) and the page hands it to the webview's listener with `window.postMessage`, a
 * structured clone, as VS Code's webview host does; the page's answer comes back as JSON text
 * through a protocol binding (one notification). Each way is one message, as in VS Code.
 * The first runs of each row are not counted: they bring both sides' JIT to the state of
 * steady typing (the extension's analysis and Mermaid alike).
 *
 * Run alone with `node --import tsx bench/preview.ts` (`PREVIEW_ROWS=10` for the 10-message row
 * alone, `10,100,1000,10000` for any of the rows, without the unchanged-text and burst parts);
 * `bench/run.ts` calls `benchPreview()`.
 */
import { analyze } from '../src/core/index';
import { DEFAULT_PREVIEW_SETTINGS, buildPreviewMessage } from '../src/core/render/preview';
import { mermaidConfig } from '../src/webview/mermaid-config';
import { chromiumMissing, launchChromium, startHarness, type Harness } from '../test/webview/browser';
import { openWired } from '../test/webview/wired';
import { Position, Selection } from '../test/webview/vscode-fake';
import { bigFlow } from '../test/render/flows';
import type { Browser } from 'playwright-core';

const RUNS = 11;
/** Runs not counted, per row: 30 up to 100 messages, 3 above (where one run is long). */
const warmRuns = (messages: number): number => (messages <= 100 ? 30 : 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function ms(x: number): string {
  return x < 10 ? x.toFixed(1) : x.toFixed(0);
}

/** The flow with its title changed, so that every run has new diagram text. */
function variant(text: string, i: number): string {
  return text.replace(/^title "([^"]*)"/, (_m, t: string) => `title "${t} (run ${i})"`);
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

interface Row {
  label: string;
  /** Document change to the update posted (the extension's wait and build). */
  extension: number;
  /** Message in to SVG in place, page clock. */
  page: number;
  /** Document change to the page's answer back in the extension. */
  keystroke: number;
  alone: number;
  /** Medians of the run-by-run ratios (each keystroke against the Mermaid render beside it). */
  ratio: number;
  ours: number;
  transport: number;
  /** Of `page`, Mermaid's render in the webview. */
  pageMermaid: number;
  /** Median run-by-run (extension + page - the webview's Mermaid) / Mermaid alone. */
  added: number;
}

async function measure(browser: Browser, harness: Harness, label: string, base: string, config: Record<string, unknown>, runs: number, warm: number, cursorLine?: number): Promise<Row> {
  const w = await openWired(browser, harness, base, { config });
  if (cursorLine !== undefined) w.editor.selection = new Selection(new Position(cursorLine, 0), new Position(cursorLine, 0));
  try {
    await w.page.evaluate((c) => {
      const m = (window as unknown as { mermaid: { initialize(c: object): void } }).mermaid;
      m.initialize(c);
    }, mermaidConfig('light') as unknown as Record<string, unknown>);
    const settings = { ...DEFAULT_PREVIEW_SETTINGS, maxMessages: Number(config['tcpflow.preview.maxMessages'] ?? DEFAULT_PREVIEW_SETTINGS.maxMessages) };
    const extension: number[] = [];
    const page: number[] = [];
    const keystroke: number[] = [];
    const alone: number[] = [];
    const ratio: number[] = [];
    const ours: number[] = [];
    const transport: number[] = [];
    const pageMermaid: number[] = [];
    const added: number[] = [];
    for (let i = 0; i < warm + runs; i++) {
      const text = variant(base, i);
      const m = buildPreviewMessage(analyze(text), settings, { version: 0, cursorLine });
      if (m.command !== 'update') throw new Error(`${label}: not drawable`);
      const bare = async (): Promise<number> =>
        w.page.evaluate(
          async ([t, id]) => {
            const mm = (window as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
            const s = performance.now();
            await mm.render(id, t);
            return performance.now() - s;
          },
          [m.mermaid, `bare-${i}`] as const,
        );
      const key = async (): Promise<{ total: number; extension: number; page: number; pageMermaid: number; mermaid: string }> => {
        const from = w.answers.length;
        const t0 = performance.now();
        w.edit(text);
        const a = await w.waitFor(from, (x) => x.command === 'rendered' || x.command === 'renderFailed');
        if (a.message.command !== 'rendered' || a.message.skipped) throw new Error(`${label}: ${JSON.stringify(a.message)}`);
        const update = w.sent.find((x) => x.message.command === 'update' && x.message.version === a.message.version);
        if (!update) throw new Error(`${label}: no update for the answer`);
        return { total: a.at - t0, extension: update.at - t0, page: Number(a.message.totalMs), pageMermaid: Number(a.message.mermaidMs), mermaid: String(update.message.mermaid) };
      };
      let k: { total: number; extension: number; page: number; pageMermaid: number; mermaid: string };
      let own: number;
      if (i % 2 === 0) {
        k = await key();
        own = await bare();
      } else {
        own = await bare();
        k = await key();
      }
      if (k.mermaid !== m.mermaid) throw new Error(`${label}: the page drew other text than the yardstick`);
      if (i < warm) continue;
      extension.push(k.extension);
      page.push(k.page);
      keystroke.push(k.total);
      alone.push(own);
      ratio.push(k.total / own);
      ours.push((k.extension + k.page) / own);
      transport.push(k.total - k.extension - k.page);
      pageMermaid.push(k.pageMermaid);
      added.push((k.extension + k.page - k.pageMermaid) / own);
    }
    return { label, extension: median(extension), page: median(page), keystroke: median(keystroke), alone: median(alone), ratio: median(ratio), ours: median(ours), transport: median(transport), pageMermaid: median(pageMermaid), added: median(added) };
  } finally {
    await w.close();
  }
}

export async function benchPreview(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`preview benchmark skipped: ${missing}`);
    return;
  }
  const [browser, harness] = await Promise.all([launchChromium(), startHarness({ bareMermaid: true })]);
  try {
    const all = { 'tcpflow.preview.maxMessages': Number.MAX_SAFE_INTEGER };
    const rows: Row[] = [];
    // `PREVIEW_ROWS=10` (or `10,100`) times only those rows, for repeating one on a busy machine.
    const only = process.env.PREVIEW_ROWS?.split(',').map(Number);
    for (const n of [10, 100, 1000]) {
      if (!only || only.includes(n)) rows.push(await measure(browser, harness, `${n.toLocaleString('en-US')} messages`, bigFlow(n), all, n < 1000 ? RUNS * 2 - 1 : RUNS, warmRuns(n)));
    }
    if (!only || only.includes(10_000)) rows.push(await measure(browser, harness, '10,000 segments, window of 300', bigFlow(10_000), {}, RUNS, warmRuns(300), 5000));

    const widths = [30, 9, 7, 8, 9, 13, 13, 6, 6, 6];
    const header = ['flow', 'extension', 'page', 'Mermaid', 'transport', 'keystroke→SVG', 'Mermaid alone', 'ratio', 'ours', 'added'];
    console.log(`\npreview: keystroke to new SVG in Chromium, beside Mermaid's own render in the same page (medians, ms; ${RUNS * 2 - 1} runs up to 100 messages after ${warmRuns(100)} not counted, ${RUNS} above after ${warmRuns(1000)})`);
    console.log(pad(header, widths));
    console.log(pad(widths.map((x) => '-'.repeat(x)), widths));
    const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
    for (const r of rows) console.log(pad([r.label, ms(r.extension), ms(r.page), ms(r.pageMermaid), ms(r.transport), ms(r.keystroke), ms(r.alone), `${r.ratio.toFixed(2)}x`, `${r.ours.toFixed(2)}x`, pct(r.added)], widths));
    console.log('extension = document change to the update posted (its wait, analysis, diagram text); page = message in to');
    console.log('SVG in place (page clock), Mermaid = the webview\'s own Mermaid render within it; transport = the rest: Node');
    console.log('to page and back (JSON text over the debugging protocol, one message each way, then postMessage in the page;');
    console.log('VS Code has its own channel); Mermaid alone = the yardstick, beside each keystroke.');
    console.log('ratio = keystroke→SVG / Mermaid alone; ours = (extension + page) / Mermaid alone; added = (extension + page -');
    console.log('Mermaid) / Mermaid alone, what the path adds to Mermaid\'s work. Each is the median of run-by-run values.');
    console.log('A build over 30 ms and over a quarter of the last drawing waits for a typing pause as long as one build');
    console.log('(at most 150 ms): the windowed row includes that wait.');

    if (only) return;
    await unchanged(browser, harness);
    await burst(browser, harness);
  } finally {
    await browser.close();
    await harness.close();
  }
}

/** Edits that leave the diagram as it was: what is posted and what is redrawn. */
async function unchanged(browser: Browser, harness: Harness): Promise<void> {
  const base = bigFlow(100);
  const w = await openWired(browser, harness, base);
  try {
    const lines = base.split('\n');
    const edits: [string, string][] = [
      ['trailing comment', lines.map((l, i) => (i === 10 ? `${l}   # why this ACK` : l)).join('\n')],
      ['extra spaces', lines.map((l, i) => (i === 20 ? l.replace(' -> ', '   ->   ') : l)).join('\n')],
      ['blank line at the end', `${base}\n\n`],
      ['comment line inserted (lines move)', lines.map((l, i) => (i === 5 ? `# a comment\n${l}` : l)).join('\n')],
    ];
    console.log('\npreview: edits that leave the diagram text unchanged (100 segments)');
    const before = await w.renders();
    for (const [name, text] of edits) {
      const posted = w.updates().length;
      const from = w.answers.length;
      const t0 = performance.now();
      w.edit(text);
      // Quick builds go at once; give the extension time to decide, then look.
      await new Promise((r) => setTimeout(r, 150));
      if (w.updates().length === posted) {
        console.log(`  ${name.padEnd(36)} nothing posted`);
        continue;
      }
      const a = await w.waitFor(from, (x) => x.command === 'rendered');
      console.log(`  ${name.padEnd(36)} ${a.message.skipped ? 'line map updated, no redraw' : 'REDRAWN'} (${ms(a.at - t0)} ms)`);
    }
    console.log(`  Mermaid renders in the page: ${(await w.renders()) - before} for ${edits.length} edits`);
  } finally {
    await w.close();
  }
}

function renderedText(text: string): string {
  const m = buildPreviewMessage(analyze(text), DEFAULT_PREVIEW_SETTINGS, { version: 0 });
  if (m.command !== 'update') throw new Error('not drawable');
  return m.mermaid;
}

/** Typing faster than the page draws: renders are not queued, and the last text is shown. */
async function burst(browser: Browser, harness: Harness): Promise<void> {
  const base = bigFlow(100);
  const w = await openWired(browser, harness, base);
  try {
    const before = await w.renders();
    const posted = w.updates().length;
    const keys = 20;
    const final = base.replace('title "A long transfer"', `title "A long transfer ${'x'.repeat(keys)}"`);
    let lastKey = 0;
    for (let i = 1; i <= keys; i++) {
      w.edit(base.replace('title "A long transfer"', `title "A long transfer ${'x'.repeat(i)}"`));
      lastKey = performance.now();
      if (i < keys) await new Promise((r) => setTimeout(r, 25));
    }
    const want = renderedText(final);
    const a = await w.waitFor(0, (x) => x.command === 'rendered' && w.updates().some((u) => u.version === x.version && u.mermaid === want));
    console.log(`\npreview: ${keys} keystrokes 25 ms apart (100 segments): ${w.updates().length - posted} updates posted, ${(await w.renders()) - before} renders; the last text drawn ${ms(a.at - lastKey)} ms after the last key`);
  } finally {
    await w.close();
  }
}

if (require.main === module) {
  benchPreview().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
