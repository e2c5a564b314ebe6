/**
 * The extension in a real VS Code: code-server 4.100.3 (VS Code 1.100.3, installed into
 * .cache/code-server by scripts/install-code-server.sh) on 127.0.0.1, driven by Debian's Chromium
 * through playwright-core, everything offline.
 *
 * The window opens a scratch workspace, with the files the .vsix would hold (as `vsce ls` lists
 * them) as an extension under development and test/vscode/in-host.ts (bundled) as its extension
 * tests: that module runs in the real Node extension host, checks the extension through the
 * `vscode` API, and its outcome comes back through `codeAutomationExit`. While a preview is open
 * it asks this side to look into the webview's frames for the Mermaid SVG. Finally, the extension
 * host's log must hold no warning or error about the extension.
 *
 * Runs on its own after the main suite (scripts/test.sh): it loads dist/, which test/package
 * rebuilds, and it starts a whole VS Code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, chromiumMissing, ROOT } from '../webview/browser';
import { CHECKS, FILES, type BrowserAnswer, type BrowserAsk } from './samples';

const CODE_SERVER = path.join(ROOT, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
/** code-server is killed by `timeout` after this long, whatever happens to this process. */
const LIFETIME_S = 300;
const TEST_TIMEOUT_MS = 240_000;
/** Below the test's timeout, so that the cleanup in `finally` always runs. */
const EXIT_TIMEOUT_MS = 150_000;
const BUNDLES = ['extension.js', 'server.js', 'webview.js'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** The bundles as `npm run build` makes them; built here when missing or older than the sources. */
function ensureBuilt(): void {
  const dist = BUNDLES.map((b) => path.join(ROOT, 'dist', b));
  const built = Math.min(...dist.map((p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0)));
  if (built < Math.max(newest(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'package.json')).mtimeMs)) {
    execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  }
}

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'editor.stickyScroll.enabled': false,
};

interface CodeServer {
  port: number;
  userData: string;
  log(): string;
  stop(): Promise<void>;
}

/** code-server on 127.0.0.1 (a free port), in its own process group, with every directory under `dir`. */
async function startCodeServer(dir: string, workspace: string): Promise<CodeServer> {
  const d = (name: string): string => {
    const p = path.join(dir, name);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  const userData = d('user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
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
  for (const k of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'VSCODE_IPC_HOOK_CLI']) delete env[k];
  const args = ['-k', '5', String(LIFETIME_S), CODE_SERVER,
    '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--user-data-dir', userData, '--extensions-dir', d('extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    workspace];
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
    if (m) return { port: Number(m[1]), userData, log: () => out, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not start:\n${out}`);
    }
    await sleep(50);
  }
}

/** What a frame shows of either webview; evaluated as text so that nothing of tsx's output reaches the page. */
const PROBES: Record<BrowserAsk['kind'], string> = {
  preview: `(() => {
    const canvas = document.getElementById('canvas');
    if (!canvas) return null;
    const svg = canvas.querySelector('svg');
    if (!svg) return { labels: [], error: 'no diagram yet; status: ' + (document.getElementById('status') || {}).textContent };
    const banner = document.getElementById('banner');
    return {
      arrows: Number(svg.getAttribute('data-tf-arrows')),
      labels: Array.from(svg.querySelectorAll('text.messageText'), (t) => t.textContent || ''),
      error: banner && !banner.hidden ? banner.textContent : '',
    };
  })()`,
  markdown: `(() => {
    const block = document.querySelector('.tcpflow-block');
    if (!block) return null;
    const failed = block.querySelector('pre[data-tcpflow-error]');
    return {
      svg: !!block.querySelector('.tcpflow-svg svg'),
      labels: Array.from(block.querySelectorAll('.tcpflow-svg svg text.messageText'), (t) => t.textContent || ''),
      findings: Array.from(block.querySelectorAll('ul.tcpflow-findings li'), (li) => li.textContent || ''),
      error: failed ? failed.getAttribute('data-tcpflow-error') : '',
    };
  })()`,
};

interface Seen {
  arrows?: number;
  svg?: boolean;
  labels: string[];
  findings?: string[];
  error: string | null;
}

function satisfies(ask: BrowserAsk, seen: Seen): boolean {
  const labels = seen.labels.join('\n');
  if (seen.error || !ask.labels.every((l) => labels.includes(l))) return false;
  if (ask.kind === 'preview') return seen.arrows === ask.arrows;
  return seen.svg === true && ask.findings.every((f) => seen.findings?.some((s) => s.includes(f)));
}

/** Look for the webview in every frame of the page (webviews are nested iframes) until it shows what is asked. */
async function lookAt(page: Page, ask: BrowserAsk, timeoutMs = 30_000): Promise<BrowserAnswer> {
  const deadline = Date.now() + timeoutMs;
  let seen: Seen | undefined;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      // A frame may be detached or navigating: it simply holds nothing this time.
      const got = (await frame.evaluate(PROBES[ask.kind]).catch(() => null)) as Seen | null;
      if (!got) continue;
      seen = got;
      if (satisfies(ask, got)) return { ok: true, seen };
    }
    if (Date.now() > deadline) return { ok: false, seen: seen ?? `no frame holds the ${ask.kind} webview; frames: ${page.frames().map((f) => f.url().split('?')[0]).join(', ')}` };
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

/**
 * Warnings and errors about the extension (`[tcpflow.tcpflow] Accessing a window scoped
 * configuration…`, `Activating extension 'tcpflow.tcpflow' failed`). The note about the test
 * module's own `require('vscode')` is not one.
 */
function complaints(userData: string): string[] {
  return extensionHostLog(userData).filter((entry) => /^\S+ \S+ \[(warning|error)\]/.test(entry) && !entry.includes('in-host.js'));
}

/** The files the .vsix would hold (as `vsce ls` lists them), copied into `dir`. */
function stagePackage(dir: string): void {
  const files = execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  assert.ok(files.includes('package.json') && files.includes('dist/extension.js'), files.join(', '));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
}

test('the extension in a real VS Code (code-server 4.100.3)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  assert.ok(fs.existsSync(CODE_SERVER), `${CODE_SERVER} is missing: run scripts/install-code-server.sh`);
  const noBrowser = chromiumMissing();
  assert.ok(!noBrowser, noBrowser);
  ensureBuilt();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-vscode-'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const consoleLines: string[] = [];
  try {
    const workspace = path.join(dir, 'workspace');
    fs.mkdirSync(workspace);
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(workspace, name), text);
    const host = path.join(dir, 'host');
    await build({ entryPoints: [path.join(__dirname, 'in-host.ts')], outfile: path.join(host, 'in-host.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'silent' });

    const extension = path.join(dir, 'extension');
    stagePackage(extension);

    server = await startCodeServer(path.join(dir, 'code-server'), workspace);
    const authority = `127.0.0.1:${server.port}`;
    const remote = (p: string): string => `vscode-remote://${authority}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(extension)],
      ['extensionTestsPath', remote(path.join(host, 'in-host.js'))],
    ]);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text().slice(0, 500)}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    let exitCode: number | undefined;
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      exitCode = code;
    });
    await page.goto(`http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);

    // Until the tests in the extension host finish: answer their questions about the webviews.
    const deadline = Date.now() + EXIT_TIMEOUT_MS;
    const answered = new Set<string>();
    while (exitCode === undefined) {
      assert.ok(Date.now() < deadline, `no exit from the extension tests within ${EXIT_TIMEOUT_MS} ms`);
      for (const f of fs.readdirSync(host)) {
        const m = /^ask-(\d+)\.json$/.exec(f);
        if (!m || answered.has(f)) continue;
        answered.add(f);
        const answer = await lookAt(page, JSON.parse(fs.readFileSync(path.join(host, f), 'utf8')) as BrowserAsk);
        fs.writeFileSync(path.join(host, `answer-${m[1]}.tmp`), JSON.stringify(answer));
        fs.renameSync(path.join(host, `answer-${m[1]}.tmp`), path.join(host, `answer-${m[1]}.json`));
      }
      await sleep(100);
    }

    const reportFile = path.join(host, 'report.json');
    assert.ok(fs.existsSync(reportFile), `the extension tests wrote no report (exit code ${exitCode})`);
    const { results } = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { results: { name: string; ok: boolean; ms: number; error?: string }[] };
    for (const r of results) t.diagnostic(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.ms} ms)${r.error ? `\n${r.error}` : ''}`);
    const failed = results.find((r) => !r.ok);
    assert.equal(failed, undefined, `in VS Code: ${failed?.name}\n${failed?.error}`);
    assert.deepEqual(results.map((r) => r.name), [...CHECKS], 'every check ran');
    assert.equal(exitCode, 0, 'the extension tests exit with 0');
    assert.equal(answered.size, 3, 'the browser looked at the webviews three times');
    assert.deepEqual(complaints(server.userData), [], 'VS Code logged no warning or error about the extension');
  } catch (e) {
    if (page) {
      const shots = path.join(ROOT, 'test-results');
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, 'vscode.png') }).catch(() => undefined);
    }
    t.diagnostic(`browser console (last 80 lines):\n${consoleLines.slice(-80).join('\n')}`);
    if (server) {
      t.diagnostic(`code-server log:\n${server.log().slice(-4000)}`);
      t.diagnostic(`extension host log about the extension:\n${extensionHostLog(server.userData).join('\n')}`);
    }
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
