/**
 * The web extension (vscode.dev) runs in a browser worker: its bundles must not lean on Node's
 * globals. `npm run build` makes them before the tests run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

for (const file of ['dist/extension-browser.js', 'dist/server-browser.js']) {
  test(`${file} uses no Node-only global or module`, () => {
    const code = fs.readFileSync(path.join(ROOT, file), 'utf8');
    assert.doesNotMatch(code, /\bBuffer\b/, 'Buffer (use TextEncoder / atob)');
    assert.doesNotMatch(code, /\brequire\(["'](node:)?(fs|path|os|child_process|crypto)["']\)/, 'a Node module');
  });
}
