/**
 * The parser reads plain segment lines (flags and `key=number` fields) straight from the
 * characters (`fastSegmentBody`) and everything else token by token. Both must give the same
 * parse: statements (key order, spans, and properties present with `undefined` included),
 * comments and syntax issues. Compared with `fastLines: false` on lines built from the pieces
 * the fast path decides on — flag and field words in any case, numbers at and past every limit,
 * blanks, `=` with spaces, full-width `＝`, commas, expressions, modifiers, labels, repeated
 * fields, comments, every line end — and on every example and corpus import.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from '../../src/core/index';
import { importCapture } from '../../src/core/import/capture';
import { pcapFiles, prng, readPcap } from '../import/helpers';

const ROOT = path.resolve(__dirname, '../..');

/** The parse as text: key order kept, `undefined` properties marked. */
function serial(text: string, fastLines: boolean, start = 0, end = text.length): string {
  return JSON.stringify(parse(text, start, end, { fastLines }), (_k, v: unknown) => (v === undefined ? '\u0000undefined' : v));
}

function same(text: string, what: string): void {
  assert.equal(serial(text, true), serial(text, false), `${what}: ${JSON.stringify(text)}`);
}

const WORDS = [
  'SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'syn', 'ack', 'Ack', 'aCK', 'fin', 'psh', 'SYNACK', 'ACKs', 'ACK1', 'AC',
  'seq=1', 'seq=0', 'Seq=100', 'SEQ=4294967295', 'seq=4294967296', 'seq=9999999999', 'seq=12345678901', 'seq=007', 'seq=x', 'seq=x+1', 'seq=1+1', 'seq=1 + 1', 'seq=1 -1', 'seq=(1)', 'seq=-1', 'seq=0x10', 'seq=1.5', 'seq =1', 'seq= 1', 'seq', 'seq=',
  'ack=1', 'ack=4294967295', 'ACK=1', 'ACK=0', 'ACK=x+1', 'Ack=5', 'ack =1', 'SYN=1', 'syn=0', 'FIN=1',
  'len=0', 'len=100', 'len=2147483647', 'len=2147483648', 'LEN=5', 'len=-1',
  'win=65535', 'win=4294967295', 'win=4294967296', 'WIN=0', 'mss=1460', 'mss=4294967296', 'wscale=14', 'wscale=15', 'WScale=7', 'wscale=', 'window=5',
  'lost', 'dup', 'rtx', 'old', 'dropped', 'delay=d1', 'sackOK', 'ts=1/2', 'http "GET / HTTP/1.1"', 'tls1.3 ClientHello', '"data"', '[SYN, ACK]',
  ',', ';', '+', '/', '＝', '，', '→', '★', '_x', '客户', 'x1',
];
const GAPS = [' ', ' ', ' ', '  ', '\t', '', ',', ', ', ' \u3000', '\u00a0'];
const ENDS = ['', '\n', '\r\n', '\r', '  # pkt 4, 0.000300s', '# c', ' // c', '//c', ' #', '\n\n', ' ;', ';x', '  \n', ' \t', '   ', ' /x', '/'];
/** Words the fast path takes (each field once per line). */
const PLAIN = ['SYN', 'ACK', 'FIN', 'PSH', 'RST', 'ack', 'Syn', 'seq=1', 'ack=1', 'len=100', 'win=65535', 'mss=1460', 'wscale=7', 'Seq=4294967295'];

/** A segment line, and whether it is of the plainest form (only PLAIN words, blanks, no repeats). */
function line(r: () => number): { text: string; plain: boolean } {
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const from = pick(['C', 'S', 'client1', '客户端']);
  const arrow = pick([' -> ', '->', ' → ', ' - > ']);
  const to = pick(['S', 'C', '']);
  let body = '';
  let plain = to !== '' && arrow !== ' - > ';
  const keys = new Set<string>();
  const n = Math.floor(r() * 7);
  for (let i = 0; i < n; i++) {
    const gap = i === 0 ? '' : r() < 0.6 ? pick([' ', '\t', '  ']) : pick(GAPS);
    const word = r() < 0.6 ? pick(PLAIN) : pick(WORDS);
    const key = word.includes('=') ? word.slice(0, word.indexOf('=')).toLowerCase() : '';
    if (!PLAIN.includes(word) || (gap !== '' && gap.trim() !== '') || (i > 0 && gap === '') || (key && keys.has(key))) plain = false;
    if (key) keys.add(key);
    body += gap + word;
  }
  return { text: `${from}${arrow}${to}${n > 0 ? pick([' ', ' ', '\t']) : ''}${body}${pick(ENDS)}`, plain };
}

describe('segment lines read straight from the characters', () => {
  it('parse as the token loop parses them (20,000 generated lines, alone and in texts)', () => {
    const r = prng(0x9293);
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      const { text, plain } = line(r);
      same(text, `line ${i}`);
      if (plain) fast++;
    }
    // The generator must reach the fast path often, not only its refusals.
    assert.ok(fast >= 2000, `only ${fast} lines of the plainest form`);
    for (let i = 0; i < 500; i++) {
      const lines: string[] = [];
      for (let j = 0; j < 20; j++) lines.push(line(r).text.replace(/[\r\n]+$/, ''));
      const text = lines.join(i % 3 === 0 ? '\r\n' : '\n');
      same(text, `text ${i}`);
      // A range of lines, as the incremental parse and analyzeFindings read them.
      const from = text.indexOf('\n', text.length >> 2) + 1;
      const to = text.indexOf('\n', text.length >> 1) + 1;
      if (from > 0 && to > from) assert.equal(serial(text, true, from, to), serial(text, false, from, to), `text ${i}, lines from ${from} to ${to}`);
    }
  });

  it('parse every example and every corpus capture import as the token loop does', () => {
    for (const f of fs.readdirSync(path.join(ROOT, 'examples')).sort()) if (f.endsWith('.tcpflow')) same(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'), f);
    for (const f of pcapFiles()) same(importCapture(readPcap(f)).text, f);
  });
});
