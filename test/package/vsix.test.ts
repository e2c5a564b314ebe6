/**
 * Builds the real .vsix with @vscode/vsce and checks what ships: the bundles, no node_modules,
 * no source maps, no CDN reference, a manifest VS Code 1.100 accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageVsix } from './pack';

const root = path.resolve(__dirname, '..', '..');

test('vsce packages the extension with its bundles and nothing else', { timeout: 240_000 }, () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-vsix-')), 'tcpflow.vsix');
  packageVsix(out);
  const listing = execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of ['extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/webview/main.js', 'extension/dist/markdown-preview.js', 'extension/dist/server-browser.js', 'extension/package.json', 'extension/syntaxes/tcpflow.tmLanguage.json', 'extension/package.nls.json', 'extension/package.nls.zh-cn.json', 'extension/l10n/bundle.l10n.zh-cn.json']) {
    assert.ok(listing.includes(f), `${f} is in the package`);
  }
  assert.ok(!listing.some((f) => f.includes('node_modules/')), 'no node_modules');
  assert.ok(!listing.some((f) => f.endsWith('.map')), 'no source maps');
  assert.ok(!listing.some((f) => f.startsWith('extension/src/')), 'no sources');
  const manifest = JSON.parse(execFileSync('unzip', ['-p', out, 'extension/package.json'], { encoding: 'utf8' }));
  assert.equal(manifest.engines.vscode, '^1.100.0');
  const chunks = listing.filter((f) => f.startsWith('extension/dist/webview/'));
  assert.ok(chunks.every((f) => /^extension\/dist\/webview\/[\w.-]+\.js$/.test(f)), `only the preview's script and its chunks: ${chunks.join(', ')}`);
  for (const f of chunks) {
    const webview = execFileSync('unzip', ['-p', out, f], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.ok(!/cdn\.jsdelivr|unpkg\.com/.test(webview), `mermaid is bundled, not fetched from a CDN (${f})`);
  }
  // The README is the Marketplace page: every file it links to or shows ships with it.
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const linked = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l));
  assert.ok(linked.length > 5, 'the README links its docs');
  for (const l of linked) assert.ok(listing.includes(`extension/${l}`), `${l}, linked from the README, is in the package`);
  const size = fs.statSync(out).size;
  assert.ok(size < 20 * 1024 * 1024, `package is ${size} bytes`);
});
