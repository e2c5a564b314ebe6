/**
 * Plain segment lines read into numbers (syntax/plain.ts) and checked by header prediction
 * (`Checker.predicted`): the reader takes a line only when the parser makes exactly the segment
 * it describes, with no issue, and the findings-only check gives the same findings whether it
 * predicts or takes every line the long way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeFindings, parse } from '../../src/core/index';
import { PlainSegment, plainSegmentStmt, readPlainSegment } from '../../src/core/syntax/plain';
import { importCapture } from '../../src/core/import/capture';
import { pcapFiles, prng, readPcap } from '../import/helpers';

/** What the reader makes of `text`'s first line: the line's tree, or undefined when it is not plain. */
function read(text: string, limit = text.length): { stmt: ReturnType<typeof plainSegmentStmt>; next: number } | undefined {
  const p = new PlainSegment(text);
  const next = readPlainSegment(p, 0, limit);
  return next < 0 ? undefined : { stmt: plainSegmentStmt(p), next };
}

/** The parse of `text`'s first line, as the reader must give it. */
function parsedLine(text: string, end: number): ReturnType<typeof parse> {
  return parse(text, 0, end);
}

const NAMES = ['C', 'S', 'client1', 'Srv_2', '_x', '客户端', 'note', 'Wait', 'attacker', 'tls1.2', 'x9'];
const ARROWS = [' -> ', '->', ' -> ', '\t->\t', ' → ', ' - > ', ' =>'];
const WORDS = [
  'ACK', 'ack', 'SYN', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'Psh', 'seq=1', 'seq=4294967295', 'seq=4294967296', 'ack=0', 'ACK=1', 'ack=x+1', 'len=100', 'len=2147483648',
  'win=65535', 'mss=1460', 'wscale=14', 'wscale=15', 'seq =5', 'seq= 5', 'ack=1+1', 'lost', 'dup', '"data"', 'http', 'ts=1/2', 'delay=d', 'as', 'SYN=1', '[ACK]', ',', 'x',
];
const PLAIN_WORDS = ['ACK', 'ack', 'SYN', 'FIN', 'PSH', 'Psh', 'seq=1', 'ack=0', 'len=100', 'win=65535', 'mss=1460', 'wscale=14', 'seq=4294967295'];
const GAPS = [' ', ' ', '  ', '\t', '', ',', '\u3000', '\u00a0'];
const ENDS = ['', '\n', '\r\n', '\r', '  # pkt 4, 0.3s\n', '# c', ' // c\n', '//c', ' /x', ' ;', '; S -> C ACK', '\rS -> C ACK\n', ' #a\rb\n'];

describe('plain segment lines', () => {
  it('reads a plain line into the tree the parser makes (random lines, 4,000)', () => {
    const r = prng(20261205);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
    let taken = 0;
    for (let i = 0; i < 4000; i++) {
      // Mostly plain pieces, so that about half the lines are plain and the rest differ from a
      // plain one in a piece or two.
      const often = <T>(plain: readonly T[], any: readonly T[]): T => (r() < 0.85 ? pick(plain) : pick(any));
      let body = '';
      const n = Math.floor(r() * 6);
      for (let k = 0; k < n; k++) body += (k === 0 ? ' ' : often([' ', '  ', '\t'], GAPS)) + often(PLAIN_WORDS, WORDS);
      const lead = often(['', ' '], ['\t', ';', '\u3000']);
      const text = lead + often(['C', 'S'], NAMES) + often([' -> ', '->'], ARROWS) + often(['C', 'S'], NAMES) + body + often(['\n', '  # pkt 4, 0.3s\n', ''], ENDS) + pick(['', 'C -> S ACK seq=1 ack=1\n']);
      const got = read(text);
      if (!got) continue;
      taken++;
      const ref = parsedLine(text, got.next);
      assert.equal(ref.issues.length, 0, `no issue on a plain line: ${JSON.stringify(text)}`);
      assert.equal(ref.file.statements.length, 1, JSON.stringify(text));
      assert.deepEqual(got.stmt, ref.file.statements[0], JSON.stringify(text));
      // The next line starts after the line break.
      const nl = text.indexOf('\n');
      assert.equal(got.next, nl < 0 ? text.length : nl + 1, JSON.stringify(text));
    }
    // (The generator makes plain lines often enough for the comparison to mean something.)
    assert.ok(taken > 1000, `plain lines read: ${taken}`);
  });

  it('takes the lines an import writes, and gives up on what the parser must read', () => {
    for (const line of ['C -> S ACK seq=1 ack=101 len=100 win=65535  # pkt 6, 0.000500s', 'S->C SYN ACK seq=0 ack=1 mss=1460 wscale=7', 'A -> B', 'C -> S ack psh seq=9 ack=9\r\n']) {
      assert.ok(read(line), line);
    }
    for (const line of [
      'note -> S ACK', // a keyword first
      'C -> S ACK seq=1\rS -> C ACK', // a lone CR is a line break to the scanner
      'C -> tls1.2 ACK',
      'C -> 客户端 ACK',
      '客户端 -> S ACK',
      'C -> S ACK seq=x',
      'C -> S ACK seq=1 seq=2',
      'C -> S SYN=1',
      'C -> S ACK=1',
      'C -> S ACK, seq=1',
      'C -> S ACK lost',
      'C -> S ACK "hi"',
      'C → S ACK',
      'C -> S ACK seq=1 # a\rb',
    ]) {
      assert.equal(read(line), undefined, line);
    }
  });

  it('never reads past the end of the part being read', () => {
    const text = 'C -> S ACK seq=1\nS -> C ACK seq=1 ack=2\n';
    // Cut mid-line: the reader gives up (the parser stops at the cut).
    assert.equal(read(text, 12), undefined);
    assert.ok(read(text, 17));
  });
});

describe('header prediction', () => {
  /**
   * Findings of the findings-only check with and without prediction, and of `analyze`; and the
   * model `analyze` builds (every event as its JSON, the final states, the symbols) with and
   * without plain rows.
   */
  function same(text: string, what: string): void {
    const predicted = analyzeFindings(text);
    assert.deepEqual(predicted, analyzeFindings(text, { plainLines: false }), what);
    const a = analyze(text);
    const b = analyze(text, { plainLines: false });
    assert.deepEqual(predicted, a.findings, what);
    assert.deepEqual(a.findings, b.findings, what);
    assert.equal(JSON.stringify(a.model.events), JSON.stringify(b.model.events), what);
    assert.equal(JSON.stringify(a.model.finalStates), JSON.stringify(b.model.finalStates), what);
    assert.equal(JSON.stringify(a.model.symbols), JSON.stringify(b.model.symbols), what);
    assert.equal(JSON.stringify([...a.model.endpointRefs]), JSON.stringify([...b.model.endpointRefs]), what);
    assert.equal(JSON.stringify(a.file.comments), JSON.stringify(b.file.comments), what);
  }

  it('gives the findings of the long way on every corpus capture', () => {
    for (const f of pcapFiles()) same(importCapture(readPcap(f)).text, path.basename(f));
  });

  it('gives the findings of the long way on plain flows with every kind of mistake (600 random flows)', () => {
    const r = prng(5);
    for (let i = 0; i < 600; i++) {
      const lines = ['client C isn=100', 'server S isn=300', r() < 0.5 ? 'numbers relative' : '# absolute', 'C -> S SYN seq=100', 'S -> C SYN ACK seq=300 ack=101', 'C -> S ACK seq=101 ack=301'];
      let c = 101;
      let s = 301;
      const rel = lines[2] === 'numbers relative';
      const num = (v: number, isn: number): number => (rel ? v - isn : v);
      for (let k = 0; k < 40; k++) {
        const fromC = r() < 0.6;
        const len = r() < 0.5 ? 0 : Math.floor(r() * 3) * 50;
        let seq = fromC ? c : s;
        let ack = fromC ? s : c;
        // A mistake now and then: a wrong number, a lost segment, a window, a flag, a `wait`.
        const m = r();
        if (m < 0.04) seq += 1;
        else if (m < 0.08) ack -= 1;
        const flags = m < 0.1 ? 'ACK FIN' : m < 0.12 ? 'PSH' : m < 0.2 ? 'PSH ACK' : 'ACK';
        const win = m > 0.95 ? ' win=0' : m > 0.9 ? ' win=100' : '';
        const mod = m > 0.12 && m < 0.14 ? ' lost' : '';
        const from = fromC ? 'C' : 'S';
        lines.push(`${from} -> ${fromC ? 'S' : 'C'} ${flags} seq=${num(seq, fromC ? 100 : 300)} ack=${num(ack, fromC ? 300 : 100)}${len ? ` len=${len}` : ''}${win}${mod}  # ${k}`);
        if (!mod) {
          if (fromC) c = seq + len + (flags.includes('FIN') ? 1 : 0);
          else s = seq + len + (flags.includes('FIN') ? 1 : 0);
        }
        if (r() < 0.02) lines.push(r() < 0.5 ? 'C: ESTABLISHED' : 'S read');
      }
      same(lines.join('\n') + '\n', `flow ${i}`);
    }
  });

  it('gives the findings of the long way on the bundled examples', () => {
    const dir = path.resolve(__dirname, '../../examples');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.tcpflow'))) same(fs.readFileSync(path.join(dir, f), 'utf8'), f);
  });
});
