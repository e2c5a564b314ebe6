/**
 * Preview benchmark: the time from a text change to the new SVG in Chromium, beside Mermaid's
 * own render time for the same diagram text.
 *
 * "End to end" is what the extension and the webview do after the debounce: analyse the text
 * and build the message (Node), then in the page receive it, render with Mermaid, measure, map
 * lines and swap the SVG in (timed inside the page, from `postMessage` to the webview's answer).
 * "Mermaid alone" is `mermaid.render` on the same text in a bare page. The 150 ms debounce is
 * not included.
 *
 * Run alone with `node --import tsx bench/preview.ts`; `bench/run.ts` calls `benchPreview()`.
 */
import { analyze } from '../src/core/index';
import { DEFAULT_PREVIEW_SETTINGS, PreviewSession, buildPreviewMessage, type PreviewSettings, type UpdateMessage } from '../src/core/render/preview';
import { chromiumMissing, deliverAndWait, launchChromium, mermaidPage, openPage, startHarness, waitForPost } from '../test/webview/browser';
import { bigFlow } from '../test/render/flows';

const RUNS = 11;

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

export async function benchPreview(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`preview benchmark skipped: ${missing}`);
    return;
  }
  const [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
  try {
    const page = await openPage(browser, { viewport: { width: 1200, height: 900 } });
    await page.goto(harness.url);
    await waitForPost(page, (m) => m.command === 'ready');
    const bare = await mermaidPage(browser);
    let version = 0;

    const everything: PreviewSettings = { ...DEFAULT_PREVIEW_SETTINGS, maxMessages: Number.MAX_SAFE_INTEGER };
    const rows: string[][] = [];
    const widths = [34, 9, 11, 13, 14, 7];
    const header = ['flow', 'core ms', 'webview ms', 'end-to-end ms', 'Mermaid alone', 'ratio'];

    const measure = async (label: string, base: string, settings: PreviewSettings, cursorLine?: number): Promise<void> => {
      const core: number[] = [];
      const view: number[] = [];
      const total: number[] = [];
      const texts: string[] = [];
      for (let i = 0; i <= RUNS; i++) {
        const text = variant(base, i);
        const t0 = performance.now();
        const m = buildPreviewMessage(analyze(text), settings, { version: ++version, cursorLine });
        const t1 = performance.now();
        if (m.command !== 'update') throw new Error(`${label}: not drawable`);
        const { answer, elapsedMs } = await deliverAndWait(page, m);
        if (answer.command !== 'rendered' || answer.skipped) throw new Error(`${label}: ${JSON.stringify(answer)}`);
        // The first run warms Mermaid up; it is not counted.
        if (i === 0) continue;
        core.push(t1 - t0);
        view.push(elapsedMs);
        total.push(t1 - t0 + elapsedMs);
        texts.push(m.mermaid);
      }
      const alone = await bare.evaluate(async (all) => {
        const w = window as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> } };
        const out: number[] = [];
        let n = 0;
        await w.mermaid.render('warm', all[0]);
        for (const t of all) {
          const s = performance.now();
          await w.mermaid.render(`bench-${n++}`, t);
          out.push(performance.now() - s);
        }
        return out;
      }, texts);
      const e2e = median(total);
      const own = median(alone);
      rows.push([label, ms(median(core)), ms(median(view)), ms(e2e), ms(own), `${(e2e / own).toFixed(2)}x`]);
    };

    for (const n of [10, 100, 1000]) await measure(`${n.toLocaleString('en-US')} segments`, bigFlow(n), everything);
    await measure('1,000 segments, window of 300', bigFlow(1000), DEFAULT_PREVIEW_SETTINGS, 1000);
    await measure('10,000 segments, window of 300', bigFlow(10_000), DEFAULT_PREVIEW_SETTINGS, 5000);

    console.log(`\npreview: text change to new SVG in Chromium (median of ${RUNS} runs, debounce not included)`);
    console.log(pad(header, widths));
    console.log(pad(widths.map((w) => '-'.repeat(w)), widths));
    for (const r of rows) console.log(pad(r, widths));
    console.log('core = analyse + build the message (Node); webview = receive, render, map lines, swap (page);');
    console.log('ratio = end-to-end / Mermaid alone on the same text.');

    // Edits that leave the diagram unchanged.
    const session = new PreviewSession();
    const base = bigFlow(100);
    const first = session.update(analyze(base), DEFAULT_PREVIEW_SETTINGS, {});
    if (!first || first.command !== 'update') throw new Error('no first update');
    await deliverAndWait(page, first);
    const lines = base.split('\n');
    const edits: [string, string][] = [
      ['trailing comment', lines.map((l, i) => (i === 10 ? `${l}   # why this ACK` : l)).join('\n')],
      ['extra spaces', lines.map((l, i) => (i === 20 ? l.replace(' -> ', '   ->   ') : l)).join('\n')],
      ['blank line at the end', `${base}\n\n`],
      ['comment line inserted (lines move)', lines.map((l, i) => (i === 5 ? `# a comment\n${l}` : l)).join('\n')],
    ];
    console.log('\npreview: edits that leave the diagram text unchanged (100 segments)');
    let redraws = 0;
    for (const [name, text] of edits) {
      const t0 = performance.now();
      const m = session.update(analyze(text), DEFAULT_PREVIEW_SETTINGS, {});
      const t1 = performance.now();
      if (!m) {
        console.log(`  ${name.padEnd(36)} nothing posted (${ms(t1 - t0)} ms in the extension), 0 redraws`);
        continue;
      }
      if (m.command !== 'update') throw new Error(`${name}: ${m.command}`);
      const { answer, elapsedMs } = await deliverAndWait(page, m as UpdateMessage);
      if (!answer.skipped) redraws++;
      console.log(`  ${name.padEnd(36)} ${answer.skipped ? 'line map updated, no redraw' : 'REDRAWN'} (${ms(t1 - t0 + elapsedMs)} ms)`);
    }
    console.log(`  redraws: ${redraws} of ${edits.length} edits`);
  } finally {
    await browser.close();
    await harness.close();
  }
}

if (require.main === module) {
  benchPreview().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
