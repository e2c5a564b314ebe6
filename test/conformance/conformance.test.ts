/**
 * The conformance suite: flows written from the text of RFC 9293 (and RFC 5961, RFC 7413), not from
 * the checker, one pair per rule (see flows.ts for the files and their headers). Every flow is
 * analysed in both locales:
 * - an .ok flow must give no error and no warning;
 * - a .bad flow must give exactly one finding, with the expected code, on the expected line, whose
 *   message contains the expected value and cites its rule (`RFC 9293 §…`).
 * Where the checker disagrees with the RFC today, the flow is listed in pending.json with the
 * reason; a pending flow must still disagree (a strict expected failure: when the checker is fixed
 * the test says so, and the entry must go), and any other disagreement fails.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_FINDINGS, analyze } from '../../src/core/index';
import type { Locale } from '../../src/core/index';
import { CONFORMANCE_DIR, Flow, loadFlows, loadPending } from './flows';
import { conformanceDoc } from '../../scripts/conformance-doc';

const LOCALES: Locale[] = ['en', 'zh-cn'];
const KNOWN_CODES = new Set(ALL_FINDINGS.map((d) => d.code));

/** What the checker says about a flow, one line per finding: `TF3001 error line 7: message`. */
function judge(flow: Flow, locale: Locale): { lines: string[]; problems: string[] } {
  const a = analyze(flow.text, { locale });
  const reported = a.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  const lines = reported.map((f) => `${f.code} ${f.severity} line ${a.lines.positionAt(f.start).line + 1}: ${f.message}`);
  const problems: string[] = [];
  if (flow.expect.kind === 'clean') {
    if (reported.length > 0) problems.push(`expected no error and no warning, got ${reported.length}`);
  } else {
    const e = flow.expect;
    if (reported.length !== 1) problems.push(`expected exactly one finding (${e.code} on line ${e.line}), got ${reported.length}`);
    const f = reported[0];
    if (f) {
      const line = a.lines.positionAt(f.start).line + 1;
      if (f.code !== e.code) problems.push(`expected ${e.code}, got ${f.code}`);
      if (line !== e.line) problems.push(`expected the finding on line ${e.line}, got line ${line}`);
      if (!f.message.includes(e.text)) problems.push(`expected the message to name "${e.text}"`);
      if (!/RFC \d+ §\d/.test(f.message)) problems.push('expected the message to cite its rule (RFC nnnn §x.y)');
    }
  }
  return { lines, problems };
}

/** Every disagreement of the checker with the flow's expectation, in both locales. */
function disagreements(flow: Flow): string[] {
  const out: string[] = [];
  for (const locale of LOCALES) {
    const { lines, problems } = judge(flow, locale);
    if (problems.length > 0) out.push(`[${locale}] ${problems.join('; ')}${lines.map((l) => `\n    ${l}`).join('')}`);
  }
  return out;
}

const flows = loadFlows();
const pending = loadPending();

describe('conformance: the flows and their headers', () => {
  it('has the flows (150 or more)', () => assert.ok(flows.length >= 150, `only ${flows.length} flows in test/conformance/`));

  it('every rule has both an .ok and a .bad flow', () => {
    const names = new Set(flows.map((f) => f.file));
    const lonely = flows.filter((f) => !names.has(`${f.section}-${f.slug}.${f.kind === 'ok' ? 'bad' : 'ok'}.tcpflow`)).map((f) => f.file);
    assert.deepEqual(lonely, [], 'flows without their pair');
  });

  it('every expected code is a finding code and every line is in the file', () => {
    const wrong: string[] = [];
    for (const f of flows) {
      if (f.expect.kind !== 'finding') continue;
      if (!KNOWN_CODES.has(f.expect.code)) wrong.push(`${f.file}: ${f.expect.code} is not a finding code`);
      const lines = f.text.split(/\r?\n/);
      const line = lines[f.expect.line - 1] ?? '';
      if (line.trim() === '' || line.trim().startsWith('#')) wrong.push(`${f.file}: line ${f.expect.line} is not a statement of the file`);
      else if (!/#\s*wrong:/.test(line)) wrong.push(`${f.file}: line ${f.expect.line} does not say what is wrong ('# wrong: ...')`);
    }
    assert.deepEqual(wrong, []);
  });

  it('an .ok flow says nothing is wrong, a .bad flow says it once', () => {
    const count = (f: Flow) => f.text.split(/\r?\n/).filter((l) => !l.trim().startsWith('#') && /#\s*wrong:/.test(l)).length;
    const off = flows.filter((f) => count(f) !== (f.kind === 'ok' ? 0 : 1)).map((f) => f.file);
    assert.deepEqual(off, []);
  });

  it('pending.json names existing flows only', () => {
    const names = new Set(flows.map((f) => f.file));
    assert.deepEqual(Object.keys(pending).filter((k) => !names.has(k)), [], 'pending.json lists flows that do not exist');
  });

  it('docs/conformance.md is generated from the flows (npm run docs:conformance)', () => {
    const onDisk = fs.readFileSync(path.join(CONFORMANCE_DIR, '..', '..', 'docs', 'conformance.md'), 'utf8');
    assert.equal(onDisk, conformanceDoc(flows, pending), 'docs/conformance.md is stale: run npm run docs:conformance');
  });
});

describe('conformance: every flow, both locales', () => {
  for (const flow of flows) {
    const reason = pending[flow.file];
    if (reason === undefined) {
      it(flow.file, () => {
        const d = disagreements(flow);
        assert.deepEqual(d, [], `${flow.file} (${flow.rfc}) disagrees with the checker:\n  ${d.join('\n  ')}`);
      });
    } else {
      it(`${flow.file} (pending: the checker disagrees with the RFC)`, () => {
        const d = disagreements(flow);
        assert.ok(
          d.length > 0,
          `${flow.file} now checks as the RFC says: remove it from test/conformance/pending.json and regenerate docs/conformance.md (it was pending because: ${reason})`,
        );
      });
    }
  }
});
