/**
 * The web build in a real browser: Chromium loads the language server's browser bundle
 * (dist/server-browser.js, what vscode.dev and github.dev run) in a dedicated Worker, and a page
 * speaks LSP to it: diagnostics for a .tcpflow file and for a note's TCP mermaid diagram, in
 * English and Chinese, and a hover. No Node API exists there, so anything the server needs from
 * Node would fail here. Needs `npm run build` and Debian's chromium.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, serve, type Served } from '../webview/browser';

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server-browser.js');
const FLOW = 'client C\nserver S\nC -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x\n';
const NOTE = ['# 握手', '', '```mermaid', 'sequenceDiagram', '  C->>S: SYN=1, seq=x', '  S->>C: SYN=1, ACK=1, seq=y, ack=x', '```', ''].join('\n');

interface Lsp {
  start(locale: string): Promise<unknown>;
  open(uri: string, languageId: string, text: string): Promise<void>;
  diagnostics(uri: string): { code?: unknown; message: string; range: { start: { line: number; character: number } } }[] | undefined;
  request(method: string, params: unknown): Promise<unknown>;
}

let browser: Browser | undefined;
let served: Served | undefined;

async function page(locale: string): Promise<Page> {
  const p = await browser!.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${served!.url}/`);
  await p.waitForFunction(() => 'lsp' in window);
  await p.evaluate((l) => (window as unknown as { lsp: Lsp }).lsp.start(l), locale);
  assert.deepEqual(errors, []);
  return p;
}

async function diagnosticsOf(p: Page, uri: string, languageId: string, text: string): Promise<{ code?: unknown; message: string; range: { start: { line: number; character: number } } }[]> {
  await p.evaluate(([u, l, t]) => (window as unknown as { lsp: Lsp }).lsp.open(u, l, t), [uri, languageId, text]);
  const handle = await p.waitForFunction((u) => (window as unknown as { lsp: Lsp }).lsp.diagnostics(u), uri, { timeout: 20_000 });
  return (await handle.jsonValue()) as { code?: unknown; message: string; range: { start: { line: number; character: number } } }[];
}

describe('the language server in a browser worker', { skip: chromiumMissing() ?? (fs.existsSync(SERVER) ? undefined : 'dist/server-browser.js is missing (npm run build)') }, () => {
  before(async () => {
    const client = await build({ entryPoints: [path.join(__dirname, 'client-page.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020', logLevel: 'silent', absWorkingDir: ROOT, mainFields: ['browser', 'module', 'main'] });
    served = await serve({
      '/': { type: 'text/html; charset=utf-8', body: '<!doctype html><html><body><script src="/client.js"></script></body></html>' },
      '/client.js': { type: 'text/javascript', body: client.outputFiles[0].text },
      '/server-browser.js': { type: 'text/javascript', body: fs.readFileSync(SERVER) },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await served?.close();
  });

  it('checks a .tcpflow file and a note\'s mermaid diagram, and answers a hover', async () => {
    const p = await page('en');
    const flow = await diagnosticsOf(p, 'vscode-vfs://github/notes/flow.tcpflow', 'tcpflow', FLOW);
    assert.deepEqual(flow.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['TF3001', 3, 25]]);
    assert.match(flow[0].message, /^ack should be x\+1/);
    const note = await diagnosticsOf(p, 'vscode-vfs://github/notes/handshake.md', 'markdown', NOTE);
    assert.deepEqual(note.map((d) => [d.code, d.range.start.line]), [['TF3001', 5]]);
    const hover = (await p.evaluate(() => (window as unknown as { lsp: Lsp }).lsp.request('textDocument/hover', { textDocument: { uri: 'vscode-vfs://github/notes/flow.tcpflow' }, position: { line: 2, character: 1 } }))) as { contents: { value: string } };
    assert.match(hover.contents.value, /SYN_SENT/);
    await p.close();
  });

  it('speaks Chinese to a zh-cn client', async () => {
    const p = await page('zh-cn');
    const flow = await diagnosticsOf(p, 'vscode-vfs://github/notes/zh.tcpflow', 'tcpflow', FLOW);
    assert.match(flow[0].message, /^ack 应为 x\+1/);
    await p.close();
  });
});
