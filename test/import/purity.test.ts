import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const DIR = join(__dirname, '../../src/core/import');

test('src/core/import uses no vscode and no Node built-ins (runs in a browser)', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 6);
  for (const f of files) {
    const src = readFileSync(join(DIR, f), 'utf8');
    for (const m of src.matchAll(/^\s*(?:import|export)\b[^;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/gm)) {
      const spec = m[1] ?? m[2];
      assert.ok(spec.startsWith('./'), `${f} imports '${spec}'`);
    }
    assert.doesNotMatch(src, /\brequire\(|\bBuffer\b|\bprocess\.|\b__dirname\b/, f);
  }
});
