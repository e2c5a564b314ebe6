/**
 * Real-browser helpers shared by the render tests, the webview tests and the preview benchmark:
 * Debian's Chromium driven by playwright-core, the webview bundle built with esbuild, a local
 * static server, and the harness page (the extension's own HTML and policy, with a stand-in
 * `acquireVsCodeApi` that records what the webview posts).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { previewHtml } from '../../src/webview/html';
import type { Locale } from '../../src/core/index';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (run scripts/install-chromium.sh)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

const bundles = new Map<string, Promise<string>>();

async function bundle(key: string, options: Parameters<typeof build>[0]): Promise<string> {
  let p = bundles.get(key);
  if (!p) {
    p = build({ ...options, bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020', minify: true, legalComments: 'none', logLevel: 'silent', mainFields: ['browser', 'module', 'main'] }).then((r) => {
      const out = r.outputFiles?.[0];
      if (!out) throw new Error(`esbuild produced nothing for ${key}`);
      return out.text;
    });
    bundles.set(key, p);
  }
  return p;
}

let webviewChunks: Promise<Map<string, string>> | undefined;

/**
 * `src/webview/main.ts` bundled with Mermaid as the build script makes `dist/webview/`: an ES
 * module (`main.js`) and its chunks, by file name.
 */
export function webviewFiles(): Promise<Map<string, string>> {
  webviewChunks ??= build({
    entryPoints: [path.join(ROOT, 'src', 'webview', 'main.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    splitting: true,
    entryNames: '[name]',
    outdir: path.join(ROOT, 'dist-test-webview'),
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    mainFields: ['browser', 'module', 'main'],
  }).then((r) => new Map(r.outputFiles.map((f) => [path.basename(f.path), f.text])));
  return webviewChunks;
}

/**
 * morphdom (the library VS Code's Markdown preview updates its content with), exposed as
 * `window.morphdom`: the notes tests and benchmark update a page the way that preview does.
 */
export function morphdomBundle(): Promise<string> {
  return bundle('morphdom', { stdin: { contents: "import morphdom from 'morphdom';\n(window as any).morphdom = morphdom;\n", loader: 'ts', resolveDir: ROOT }, absWorkingDir: ROOT });
}

/** Mermaid alone, exposed as `window.mermaid`, for checking diagram text with its own parser. */
export function mermaidBundle(): Promise<string> {
  return bundle('mermaid', { stdin: { contents: "import mermaid from 'mermaid';\n(window as any).mermaid = mermaid;\n", loader: 'ts', resolveDir: ROOT }, absWorkingDir: ROOT });
}

/**
 * A new page. tsx compiles this file with esbuild's keepNames, which wraps named functions in
 * `__name(...)`; functions handed to `page.evaluate` carry those calls into the page, so the page
 * gets a no-op `__name` first.
 */
export async function openPage(browser: Browser, options: Parameters<Browser['newPage']>[0] = {}): Promise<Page> {
  const page = await browser.newPage(options);
  await page.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
  return page;
}

/** A page with Mermaid loaded (no server needed). */
export async function mermaidPage(browser: Browser): Promise<Page> {
  const page = await openPage(browser);
  await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="out"></div></body></html>');
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f);');
  await page.addScriptTag({ content: await mermaidBundle() });
  await page.evaluate(() => {
    const w = window as unknown as { mermaid: { initialize(c: object): void } };
    w.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
  });
  return page;
}

/** Mermaid's own parser on each text: undefined when accepted, else the error. */
export async function mermaidParse(page: Page, texts: string[]): Promise<(string | undefined)[]> {
  return page.evaluate(async (all) => {
    const w = window as unknown as { mermaid: { parse(t: string): Promise<unknown> } };
    const out: (string | undefined)[] = [];
    for (const t of all) {
      try {
        await w.mermaid.parse(t);
        out.push(undefined);
      } catch (e) {
        out.push(String(e instanceof Error ? e.message : e));
      }
    }
    return out;
  }, texts);
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serve fixed files from 127.0.0.1 on a free port; anything else is a 404. */
export async function serve(files: Record<string, { type: string; body: string | Buffer }>): Promise<Served> {
  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0];
    const f = files[p];
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' });
    res.end(f.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Records what the webview posts; set up before the webview's script runs. A page given a
 * `__toHost` binding (the debugging protocol's `Runtime.addBinding`, see wired.ts) also hands
 * every message to Node as JSON text, as VS Code hands them to the extension.
 */
const STAND_IN = `
window.__posted = [];
window.__state = undefined;
window.acquireVsCodeApi = (() => {
  let taken = false;
  return () => {
    if (taken) throw new Error('acquireVsCodeApi called twice');
    taken = true;
    return {
      postMessage: (m) => {
        const text = JSON.stringify(m);
        if (typeof window.__toHost === 'function') window.__toHost(text);
        const copy = JSON.parse(text);
        window.__posted.push(copy);
        window.dispatchEvent(new CustomEvent('tf-posted', { detail: copy }));
      },
      getState: () => window.__state,
      setState: (s) => { window.__state = s; },
    };
  };
})();
`;

export interface Harness {
  url: string;
  nonce: string;
  close(): Promise<void>;
}

/**
 * The preview page as the extension makes it, served over HTTP so that the policy is the real
 * one (`cspSource` is the server's origin). `withPolicy: false` drops the policy meta tag, to
 * show that the escaping alone also holds; `bareMermaid` adds Mermaid alone as `window.mermaid`.
 */
export async function startHarness(opts: { withPolicy?: boolean; locale?: Locale; bareMermaid?: boolean } = {}): Promise<Harness> {
  const nonce = randomBytes(18).toString('base64');
  const files: Record<string, { type: string; body: string | Buffer }> = {
    ...Object.fromEntries([...(await webviewFiles())].map(([name, text]) => [`/webview/${name}`, { type: 'text/javascript; charset=utf-8', body: text }])),
    '/preview.css': { type: 'text/css; charset=utf-8', body: fs.readFileSync(path.join(ROOT, 'media', 'preview.css')) },
    '/favicon.ico': { type: 'image/svg+xml', body: fs.readFileSync(path.join(ROOT, 'media', 'preview.svg')) },
  };
  // The benchmark's yardstick: a second, separate Mermaid in the same page (`window.mermaid`).
  if (opts.bareMermaid) files['/mermaid.js'] = { type: 'text/javascript; charset=utf-8', body: await mermaidBundle() };
  const server = await serve(files);
  let html = previewHtml({
    cspSource: server.url,
    nonce,
    scriptUri: `${server.url}/webview/main.js`,
    styleUri: `${server.url}/preview.css`,
    beforeScript: `<script nonce="${nonce}">${STAND_IN}</script>\n${opts.bareMermaid ? `<script nonce="${nonce}" src="${server.url}/mermaid.js"></script>\n` : ''}`,
    locale: opts.locale,
  });
  if (opts.withPolicy === false) html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '');
  // VS Code gives the body its theme class; the page itself has none.
  html = html.replace('<body>', '<body class="vscode-light">');
  files['/index.html'] = { type: 'text/html; charset=utf-8', body: html };
  return { url: `${server.url}/index.html`, nonce, close: server.close };
}

/** Messages the webview has posted so far. */
export function posted(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(() => (window as unknown as { __posted: Record<string, unknown>[] }).__posted.slice());
}

/** Post a message to the webview the way VS Code delivers the extension's messages. */
export function deliver(page: Page, message: unknown): Promise<void> {
  return page.evaluate((m) => window.postMessage(m, '*'), message as Record<string, unknown>);
}

/** Wait until the webview posts a message matching `pred`, counting from `from`. */
export async function waitForPost(page: Page, pred: (m: Record<string, unknown>) => boolean, from = 0, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await posted(page);
    const hit = all.slice(from).find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`timed out waiting for a webview message; got ${JSON.stringify(all.slice(from)).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Post an update (or any message carrying a `version`) and wait for the webview's answer to it
 * (`rendered` or `renderFailed`). `elapsedMs` is measured in the page, from posting to answer.
 */
export async function deliverAndWait(page: Page, message: { version: number }, timeoutMs = 60_000): Promise<{ answer: Record<string, unknown>; elapsedMs: number }> {
  return page.evaluate(
    ([m, timeout]) =>
      new Promise<{ answer: Record<string, unknown>; elapsedMs: number }>((resolve, reject) => {
        const started = performance.now();
        const timer = setTimeout(() => reject(new Error('the webview did not answer')), timeout);
        const onPost = (e: Event): void => {
          const d = (e as CustomEvent).detail as Record<string, unknown>;
          if ((d.command === 'rendered' || d.command === 'renderFailed') && d.version === m.version) {
            clearTimeout(timer);
            window.removeEventListener('tf-posted', onPost);
            resolve({ answer: d, elapsedMs: performance.now() - started });
          }
        };
        window.addEventListener('tf-posted', onPost);
        window.postMessage(m, '*');
      }),
    [message, timeoutMs] as const,
  );
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
