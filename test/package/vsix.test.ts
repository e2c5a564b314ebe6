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

const root = path.resolve(__dirname, '..', '..');

/**
 * A copy of the project's files (tracked and new, not ignored; no tests) with node_modules linked,
 * where the production build and the packaging run, so that the suites running beside this one
 * never read a dist/ being rewritten.
 */
function stage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-vsix-stage-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter((f) => f && !f.startsWith('test/') && f !== 'node_modules' && fs.lstatSync(path.join(root, f), { throwIfNoEntry: false })?.isFile());
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

test('vsce packages the extension with its bundles and nothing else', { timeout: 240_000 }, () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-vsix-')), 'tcpflow.vsix');
  const dir = stage();
  try {
    execFileSync('node', ['scripts/build.mjs', '--production'], { cwd: dir, stdio: 'pipe' });
    execFileSync(path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', out], { cwd: dir, stdio: 'pipe', env: { ...process.env, VSCE_STORE: 'file' } });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
