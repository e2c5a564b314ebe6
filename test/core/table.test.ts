/** The findings table: unique codes, both locales, a citation for every TCP rule, docs in sync. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_FINDINGS, ALL_STATES, stateDoc } from '../../src/core/index';
import { PHRASES } from '../../src/core/l10n/strings';
import { strayEnglish } from '../helpers';
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

test('every finding with a rule names it in its message, in both locales', () => {
  for (const d of ALL_FINDINGS.filter((x) => x.rule)) {
    assert.match(d.en, /\(\{\d+\}\)\.$/, `${d.code} en ends with its rule`);
    assert.match(d.zh, /（\{\d+\}）。$/, `${d.code} zh-cn ends with its rule`);
  }
});

test('no Chinese message or phrase holds English words besides names (the allow-list)', () => {
  for (const d of ALL_FINDINGS) assert.deepEqual(strayEnglish(d.zh), [], `${d.code}: ${d.zh}`);
  for (const [key, [, zh]] of Object.entries(PHRASES)) assert.deepEqual(strayEnglish(zh), [], `${key}: ${zh}`);
});

test('a state named in a hover gives the RFC spelling only where it differs', () => {
  assert.match(stateDoc('ESTABLISHED' as never, 'en'), /^ESTABLISHED: /);
  assert.match(stateDoc('SYN_SENT' as never, 'en'), /^SYN_SENT \(SYN-SENT\): /);
  for (const s of ALL_STATES) assert.doesNotMatch(stateDoc(s, 'zh-cn'), /^(\S+) \(\1\)/, s);
});
