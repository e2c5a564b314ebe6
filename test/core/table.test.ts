/** The findings table: unique codes, both locales, a citation for every TCP rule, docs in sync. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_FINDINGS } from '../../src/core/index';
import { findingsDoc } from '../../scripts/findings-doc';

test('codes and ids are unique', () => {
  const codes = ALL_FINDINGS.map((d) => d.code);
  assert.equal(new Set(codes).size, codes.length);
  const ids = ALL_FINDINGS.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('every finding has English and Chinese text with the same placeholders', () => {
  for (const d of ALL_FINDINGS) {
    const ph = (s: string) => [...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');
    assert.ok(d.en && d.zh, d.code);
    assert.match(d.zh, /[\u4e00-\u9fff]/, `${d.code} has Chinese text`);
    assert.equal(ph(d.en), ph(d.zh), `${d.code} placeholders`);
  }
});

test('every state-machine and sequence-space finding cites RFC 9293', () => {
  for (const d of ALL_FINDINGS.filter((x) => /^TF[23]/.test(x.code))) assert.match(d.rule, /^RFC 9293 §\d/, d.code);
  for (const d of ALL_FINDINGS.filter((x) => /^TF5/.test(x.code))) assert.match(d.rule, /^RFC \d+ §/, d.code);
});

test('docs/findings.md is generated from the table', () => {
  const onDisk = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'findings.md'), 'utf8');
  assert.equal(onDisk, findingsDoc(), 'run npm run docs:findings');
});
