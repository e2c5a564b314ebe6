/**
 * Golden output of the capture importer: for every corpus capture, the `.tcpflow` text and the
 * warnings under several option sets and for truncated copies, compared byte for byte with
 * test/import/golden/<capture>.txt. The files were written by the importer before it streamed
 * its output, so they pin the text down across that change.
 *
 * When the emitted text changes on purpose, regenerate with
 *   UPDATE_GOLDEN=1 node --import tsx --test test/import/golden.test.ts
 * and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importCapture } from '../../src/core/import/capture';
import { GOLDEN_OPTIONS, pcapFiles, readPcap, truncations } from './helpers';

const GOLDEN_DIR = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function goldenText(name: string): string {
  const bytes = readPcap(name);
  let out = '';
  const section = (title: string, r: ReturnType<typeof importCapture>): void => {
    out += `### ${title}\n${r.text}### warnings ${JSON.stringify(r.warnings)}\n### counts connections=${r.connections} found=${r.found} segments=${r.segments}\n`;
  };
  for (const o of GOLDEN_OPTIONS) section(`options ${JSON.stringify(o)}`, importCapture(bytes, o));
  for (const t of truncations(bytes)) section(`truncated to ${t.length} bytes`, importCapture(t));
  return out;
}

test('every corpus capture imports to its golden text under several options and truncations', () => {
  if (UPDATE) mkdirSync(GOLDEN_DIR, { recursive: true });
  for (const f of pcapFiles()) {
    const file = join(GOLDEN_DIR, `${f}.txt`);
    const got = goldenText(f);
    if (UPDATE) writeFileSync(file, got);
    assert.ok(existsSync(file), `golden file missing for ${f} (run with UPDATE_GOLDEN=1)`);
    assert.equal(got, readFileSync(file, 'utf8'), f);
  }
});
