/**
 * `analyzeFindings` (the findings-only check: the text parsed and checked a piece of lines at a
 * time, no model kept) gives exactly `analyze(text).findings`: the same findings, in the same
 * order, with the same messages, related spans and fixes. Compared on every example, the docs'
 * blocks, the flows imported from every corpus capture and packetdrill script, the corpus notes'
 * blocks, flows written to reach what only the findings-only check does differently (the last
 * event an assertion names, RST warnings withdrawn by a later RST, declarations found ahead of
 * the statements), and chains of random edits of them, in both locales, with pieces of one line
 * and of the default size.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeFindings, extractFences, Locale, parse } from '../../src/core/index';
import { parseDeclarations } from '../../src/core/syntax/parser';
import { importCapture } from '../../src/core/import/capture';
import { importPacketdrill } from '../../src/core/import/packetdrill';
import { CORPUS, pcapFiles, pktFiles, prng, readPcap } from '../import/helpers';
import { BUFFER_FLOW, RICH_FLOW, edit } from './mutate';

const ROOT = path.resolve(__dirname, '../..');

/** Flows aimed at the findings-only check's own bookkeeping. */
const AIMED = [
  // An assertion fails after each kind of last event: send, arrival, delivery, call, wait.
  ['client C', 'server S', 'C -> S SYN seq=0', 'S: LISTEN', 'C: ESTABLISHED', 'S -> C SYN ACK seq=0 ack=1 delay=d', 'C: CLOSED', 'deliver d', 'C: SYN_SENT'],
  ['client C', 'server S', 'C -> S SYN seq=0 dup', 'S: CLOSED', 'S close', 'S: LISTEN', 'C abort', 'C: SYN_SENT'],
  ['client C isn=1', 'server S isn=1', 'msl 1s', 'C -> S SYN seq=1', 'S -> C SYN ACK seq=1 ack=2', 'C -> S ACK seq=2 ack=2', 'C -> S FIN ACK seq=2 ack=2', 'S -> C ACK seq=2 ack=3', 'S -> C FIN ACK seq=2 ack=3', 'C -> S ACK seq=3 ack=3', 'wait 2MSL', 'C: TIME_WAIT', 'S: ESTABLISHED'],
  // A listener's full SYN queue, then a state asked of it.
  ['server S backlog=1', 'client A', 'client B', 'A -> S SYN seq=0', 'B -> S SYN seq=0', 'S: ESTABLISHED', 'S[B]: SYN_RCVD'],
  // RST owed, then written (withdrawn) or not (kept); a delayed segment refused late.
  ['client C', 'server S', 'C -> S ACK seq=5 ack=5', 'S -> C RST seq=5'],
  ['client C', 'server S', 'C -> S ACK seq=5 ack=5', 'S -> C ACK seq=1 ack=1', 'S -> C RST seq=5'],
  ['client C', 'server S', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1', 'C -> S RST seq=1', 'C -> S ACK seq=1 ack=1 len=5 delay=late', 'S -> C RST seq=1', 'deliver late', 'S -> C RST seq=1'],
  ['client C', 'server S', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1', 'C -> S RST seq=1', 'C -> S ACK seq=1 ack=1 len=5 delay=late', 'deliver late', 'S -> C ACK seq=1 ack=1'],
  // The segment that decides an RST owed at a late delivery was sent while it was in flight.
  ['client C', 'server S', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1', 'C -> S RST seq=1', 'C -> S ACK seq=1 ack=1 len=5 delay=late', 'S -> C RST seq=1', 'deliver late', 'S -> C SYN seq=0'],
  ['client C', 'server S', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1', 'C -> S RST seq=1', 'C -> S ACK seq=1 ack=1 len=5 delay=late', 'S -> C SYN seq=0', 'deliver late', 'S -> C RST seq=1'],
  // Declarations late, twice, after a `;`, in any case, and a keyword that is part of a name.
  ['C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'client C', 'server S', 'server S'],
  ['C -> S SYN seq=0', ' ;; CLIENT C', 'Server S isn=7; S -> C SYN ACK seq=0 ack=1', 'clients -> S SYN', 'hostname: LISTEN', '  endpoint E', 'E -> C SYN seq=0', 'C -> S ACK; client D'],
  // Undelivered and unknown delayed segments, a duplicate delay name.
  ['client C', 'server S', 'C -> S SYN seq=0 delay=a', 'C -> S SYN seq=0 delay=a', 'deliver b', 'S: LISTEN'],
].map((lines) => lines.join('\n'));

function corpusTexts(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  out.push({ name: 'RICH_FLOW', text: RICH_FLOW });
  out.push({ name: 'BUFFER_FLOW', text: BUFFER_FLOW });
  AIMED.forEach((text, i) => out.push({ name: `aimed ${i}`, text }));
  for (const f of fs.readdirSync(path.join(ROOT, 'examples')).sort()) if (f.endsWith('.tcpflow')) out.push({ name: f, text: fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8') });
  extractFences(fs.readFileSync(path.join(ROOT, 'docs', 'language.md'), 'utf8')).forEach((fence, i) => out.push({ name: `docs/language.md block ${i}`, text: fence.content }));
  for (const f of pcapFiles()) out.push({ name: f, text: importCapture(readPcap(f)).text });
  for (const f of pktFiles()) {
    try {
      out.push({ name: path.basename(f), text: importPacketdrill(fs.readFileSync(f, 'utf8')).text });
    } catch {
      // (The one script that does not import is covered by the importer's tests.)
    }
  }
  const notes = path.join(CORPUS, 'notes');
  for (const f of fs.readdirSync(notes).sort()) {
    extractFences(fs.readFileSync(path.join(notes, f), 'utf8')).forEach((fence, i) => out.push({ name: `${f} block ${i}`, text: fence.content }));
  }
  return out;
}

function same(text: string, what: string, locale: Locale, lineOffset = 0): void {
  const want = analyze(text, { locale, lineOffset }).findings;
  for (const piece of [0, 100, undefined]) {
    const got = analyzeFindings(text, { locale, lineOffset, piece });
    assert.deepEqual(got, want, `${what} (${locale}, pieces of ${piece ?? 'default'})`);
  }
}

describe('analyzeFindings (the findings-only check)', () => {
  const texts = corpusTexts();

  it('gives the findings of analyze on every example, docs block, corpus import and note block', () => {
    let withFindings = 0;
    for (const { name, text } of texts) {
      same(text, name, 'en');
      same(text, name, 'zh-cn', 3);
      if (analyze(text).findings.length > 0) withFindings++;
    }
    assert.ok(texts.length >= 130, `${texts.length} texts`);
    // The comparison must see findings, not only clean flows.
    assert.ok(withFindings >= 30, `only ${withFindings} texts have findings`);
  });

  it('gives the findings of analyze after random edits', () => {
    let compared = 0;
    let findings = 0;
    const chosen = texts.filter((t, i) => i < 20 || i % 7 === 0);
    chosen.forEach(({ name, text: start }, t) => {
      const r = prng(7000 + t);
      let text = start;
      for (let i = 0; i < 30; i++) {
        text = edit(text, r);
        const locale: Locale = i % 3 === 0 ? 'zh-cn' : 'en';
        const want = analyze(text, { locale }).findings;
        assert.deepEqual(analyzeFindings(text, { locale, piece: i % 2 ? 0 : 40 }), want, `${name}, edit ${i}:\n${text}`);
        findings += want.length;
        compared++;
      }
    });
    assert.ok(compared >= 1000, `${compared} comparisons`);
    assert.ok(findings >= compared, `${findings} findings in ${compared} texts`);
  });

  it('finds every declaration the parser finds (parseDeclarations), wherever and however written', () => {
    const texts = [
      'C -> S SYN seq=0\n# the client and the server\nclient C\nserver S\n',
      'C -> S SYN seq=0\r# a lone CR before\rclient C\nserver S # host',
      'note "server S"\n  ;；CLIENT C\nhostname -> S SYN\nHost H\nattac\u212Aer M\n', // the Kelvin sign lowers to k
      'x\rattac\u212Aer M\nclient C\rserver S',
      'servers -> S ACK\nclient\nserver S\n',
    ];
    for (const text of texts) {
      const all = parse(text).file.statements.filter((st) => st.kind === 'endpoint');
      assert.deepEqual(parseDeclarations(text), all, JSON.stringify(text));
    }
  });

  it('reads texts with CR and CRLF line ends and none at the end', () => {
    for (const text of [RICH_FLOW, BUFFER_FLOW, ...AIMED]) {
      for (const eol of ['\r\n', '\r']) same(text.replace(/\n/g, eol), `line ends ${JSON.stringify(eol)}`, 'en');
      same(`${text}\n`, 'final line end', 'en');
    }
    same('', 'empty text', 'en');
    same('\n\n# only a comment', 'comment only', 'en');
  });
});
