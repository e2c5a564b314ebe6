/**
 * The real extension side of the preview (`PreviewManager`, against the `vscode` stand-in)
 * wired to the real page in Chromium: what the extension posts reaches the page as VS Code's
 * messages do, and what the page posts comes back to the extension. Used by the end-to-end
 * preview test and the preview benchmark ("keystroke -> new SVG").
 */
import type { Browser, Page } from 'playwright-core';
import { openPage, type Harness } from './browser';
import { setup, type Editor, type Panel } from './vscode-fake';

export interface Answer {
  message: Record<string, unknown>;
  /** `performance.now()` in Node when the message reached the extension. */
  at: number;
}

export interface Wired {
  page: Page;
  panel: Panel;
  editor: Editor;
  /** Everything the page posted, in order. */
  answers: Answer[];
  /** Everything the extension posted, in order, with when it did (Node's clock). */
  sent: Answer[];
  /** Replace the document's text and tell the extension, as an edit does. */
  edit(text: string): void;
  /** The first message from index `from` on that matches `pred`. */
  waitFor(from: number, pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Answer>;
  /** Updates the extension has posted so far. */
  updates(): Record<string, unknown>[];
  /** How many times the page has drawn a diagram (Mermaid numbers its renders in the SVG's id). */
  renders(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Open the preview of a `.tcpflow` document holding `text`; resolves once its first diagram is
 * drawn. `config` holds settings (`tcpflow.preview.maxMessages` and so on).
 */
export async function openWired(browser: Browser, harness: Harness, text: string, opts: { config?: Record<string, unknown>; viewport?: { width: number; height: number } } = {}): Promise<Wired> {
  const { fake, manager } = setup();
  // The harness page has VS Code's light theme class; the extension says the same.
  fake.api.window.activeColorTheme = { kind: 1 };
  Object.assign(fake.config, opts.config ?? {});
  const editor = fake.open('/notes/flow.tcpflow', text);
  await fake.commands.get('tcpflow.openPreviewToSide')?.();
  const panel = fake.panels[fake.panels.length - 1];
  panel.answerUpdates = false;
  const page = await openPage(browser, { viewport: opts.viewport ?? { width: 1200, height: 900 } });
  const answers: Answer[] = [];
  const sent: Answer[] = [];
  let wake: (() => void)[] = [];
  // VS Code's channel, stood in for by the browser's own debugging protocol with nothing on top:
  // each message crosses as JSON text, one way, with no reply awaited, as VS Code sends its
  // webview messages between processes. The page turns it back into an object and hands it on
  // with `window.postMessage` (a structured clone), as VS Code's webview host does.
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Runtime.bindingCalled', (e: { name: string; payload: string }) => {
    if (e.name !== '__toHost') return;
    const message = JSON.parse(e.payload) as Record<string, unknown>;
    answers.push({ message, at: performance.now() });
    panel.receive.fire(message);
    const w = wake;
    wake = [];
    for (const f of w) f();
  });
  // The protocol reports binding calls only to a session with the Runtime domain on.
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: '__toHost' });
  panel.webview.postMessage = (m: Record<string, unknown>) => {
    panel.posted.push(m);
    sent.push({ message: m, at: performance.now() });
    return cdp
      .send('Runtime.evaluate', { expression: `window.postMessage(${JSON.stringify(m)}, '*')` })
      .then(() => true)
      .catch(() => false);
  };
  const waitFor = async (from: number, pred: (m: Record<string, unknown>) => boolean, timeoutMs = 60_000): Promise<Answer> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = answers.slice(from).find((a) => pred(a.message));
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the page did not answer; it said ${JSON.stringify(answers.slice(from).map((a) => a.message)).slice(0, 300)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1_000));
        wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };
  await page.goto(harness.url);
  await waitFor(0, (m) => m.command === 'rendered' && m.skipped === false);
  return {
    page,
    panel,
    editor,
    answers,
    sent,
    edit: (t: string) => {
      editor.document.text = t;
      fake.ev.changeDoc.fire({ document: editor.document });
    },
    waitFor,
    updates: () => panel.posted.filter((m) => m.command === 'update'),
    renders: () => page.evaluate(() => Number(/(\d+)$/.exec(document.querySelector('#canvas svg')?.id ?? '')?.[1] ?? 0)),
    close: async () => {
      manager.dispose();
      await page.close();
    },
  };
}
