/**
 * TCP drawn as ```mermaid sequence diagrams in Markdown notes, through the protocol: diagnostics
 * at the diagram's own characters, quick fixes that edit the mermaid text, fix-all across
 * ```tcpflow and mermaid blocks, hover, inlay hints at line ends, "Convert to tcpflow", nothing
 * for diagrams that are not about TCP or that `tcpflow render --materialize` generated, the
 * `tcpflow.markdown.enable` setting, and Chinese.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { Client, FULL_CAPABILITIES, applyEdits, positionOf } from './lsp';
import { messageOf } from './expected';
import { analyze, checkMermaid, checkNote, extractFences, mermaidToTcpflow, readMermaid } from '../../src/core/index';
import { LABELLED } from '../notes/labelled';

/** Real study notes (read-only, shared); the tests that read them skip when it is absent. */
const NOTES_DIR = '/work/shared/corpus/notes';
const corpusNotes = (): { name: string; text: string }[] =>
  fs.existsSync(NOTES_DIR)
    ? fs
        .readdirSync(NOTES_DIR)
        .filter((f) => /\.(md|markdown)$/i.test(f))
        .sort()
        .map((name) => ({ name, text: fs.readFileSync(path.join(NOTES_DIR, name), 'utf8') }))
    : [];
import { materialize } from '../../src/core/materialize';

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
type Edit = { range: Range; newText: string };
type Action = { title: string; kind?: string; isPreferred?: boolean; diagnostics?: { code: string }[]; edit: { documentChanges: { textDocument: { version: number }; edits: Edit[] }[] } };
type Hint = { position: { line: number; character: number }; label: string; paddingLeft?: boolean };
type Hover = { contents: { kind: string; value: string }; range: Range } | null;

const CAPS = JSON.parse(JSON.stringify(FULL_CAPABILITIES));
CAPS.textDocument.codeAction.codeActionLiteralSupport.codeActionKind.valueSet.push('refactor', 'refactor.rewrite');

/** The handshake of docs/notes.md, its second segment's ack wrong (x instead of x+1), then a teardown. */
const HANDSHAKE = [
  '# 三次握手',
  '',
  'The client opens; the server answers.',
  '',
  '```mermaid',
  'sequenceDiagram',
  '  participant C as 客户端',
  '  participant S as 服务端',
  '  C->>S: SYN=1, seq=x',
  '  Note over C: SYN_SENT',
  '  S->>C: SYN=1, ACK=1, seq=y, ack=x',
  '  C->>S: ACK=1, seq=x+1, ack=y+1',
  '  C->>S: FIN=1, seq=u',
  '  S-->>C: ACK=1, seq=v, ack=u+1',
  '  S->>C: FIN=1, ACK=1, seq=w, ack=u+1',
  '  C->>S: ACK=1, seq=u+1, ack=w+1',
  '```',
  '',
  'Then the teardown.',
  '',
].join('\n');

/** What the core says about a note, in the shape of published diagnostics. */
function expectedNote(md: string, locale: 'en' | 'zh-cn' = 'en'): { code: string; range: Range; message: string }[] {
  const doc = TextDocument.create('file:///x.md', 'markdown', 0, md);
  return checkNote(md, { locale }).findings.map((f) => ({ code: f.code, range: { start: doc.positionAt(f.start), end: doc.positionAt(f.end) }, message: f.message }));
}

/** Published diagnostics in that shape; the rule the server appends to a message that cites none is cut off. */
function simple(ds: Diagnostic[]): { code: string; range: Range; message: string }[] {
  return ds.map((d) => ({ code: String(d.code), range: d.range, message: messageOf(d).replace(/ \(RFC \d+ §[\d.]+\)$/, '') }));
}

let c: Client;
let n = 0;
before(async () => {
  c = await Client.start({ capabilities: CAPS });
});
after(async () => {
  await c.stop();
});

async function open(text: string, client = c): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = `file:///notes/${++n}.md`;
  await client.open(uri, text, 'markdown');
  return { uri, diagnostics: (await client.waitForDiagnostics(uri, 1)).diagnostics };
}

async function actionsAt(uri: string, range: Range, diagnostics: Diagnostic[] = [], only?: string[], client = c): Promise<Action[]> {
  return client.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } });
}

async function hints(uri: string, client = c): Promise<Hint[]> {
  return client.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } } });
}

async function hover(uri: string, text: string, needle: string, delta = 0, client = c): Promise<Hover> {
  return client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, delta) });
}

function edits(a: Action): Edit[] {
  return a.edit.documentChanges[0].edits;
}

/** Apply a workspace edit to the client's document and wait for the diagnostics of the result. */
async function apply(uri: string, a: Action): Promise<Diagnostic[]> {
  const list = edits(a);
  assert.equal(a.edit.documentChanges[0].textDocument.version, c.docs.get(uri)!.version, 'the edit is for the current version');
  const v = await c.change(uri, [...list].sort((x, y) => y.range.start.line - x.range.start.line || y.range.start.character - x.range.start.character).map((e) => ({ range: e.range, text: e.newText })));
  return (await c.waitForDiagnostics(uri, v)).diagnostics;
}

describe('diagnostics on mermaid diagrams', () => {
  it('reports a wrong ack at its line and column in the .md, with the code, the rule and the SYN as related information', async () => {
    const { diagnostics } = await open(HANDSHAKE);
    assert.equal(diagnostics.length, 1);
    const d = diagnostics[0];
    assert.equal(d.code, 'TF3001');
    assert.equal(d.severity, 1);
    assert.equal(d.source, 'tcpflow');
    // Line 11 (0-based 10), column 35 (0-based 34): the `x` of `ack=x`, as `tcpflow check` says.
    assert.deepEqual(d.range, { start: { line: 10, character: 34 }, end: { line: 10, character: 35 } });
    assert.deepEqual(d.range.start, positionOf(HANDSHAKE, 'ack=x\n', 4));
    assert.match(messageOf(d), /^ack should be x\+1: C's SYN at line 9 takes one sequence number \(RFC 9293 §3\.4\)\.$/);
    assert.equal(d.relatedInformation!.length, 1);
    assert.equal(d.relatedInformation![0].location.range.start.line, 8, 'the SYN the message names, on the document\'s line 9');
    assert.deepEqual(simple(diagnostics), expectedNote(HANDSHAKE));
  });

  it('reports every block of a note in document order, ```tcpflow and mermaid alike, as the core does', async () => {
    const md = [
      '```tcpflow',
      'client A',
      'server B',
      'A -> B SYN seq=100',
      'B -> A SYN ACK seq=300 ack=100',
      '```',
      '',
      '```mermaid',
      'sequenceDiagram',
      '  c ->> s : 1. SYN',
      '  Note left of c : SYN_SEND',
      '  s ->> c : 2. SYN + ACK',
      '```',
      '',
      '```mermaid',
      'sequenceDiagram',
      '    C->>S: SYN seq=x',
      '    S->>C: SYN seq=y, ack=x+1',
      '```',
      '',
    ].join('\n');
    const { diagnostics } = await open(md);
    assert.deepEqual(diagnostics.map((d) => d.code), ['TF3001', 'TF1008', 'TF3005']);
    assert.deepEqual(simple(diagnostics), expectedNote(md));
    assert.deepEqual(diagnostics[1].range, { start: positionOf(md, 'SYN_SEND'), end: positionOf(md, 'SYN_SEND', 8) });
  });

  it('follows edits: lines added above a diagram move its diagnostics, a fixed diagram loses them', async () => {
    const { uri } = await open(HANDSHAKE);
    let v = await c.change(uri, [c.replace(uri, 0, 0, 'Intro.\n\n')]);
    let ds = (await c.waitForDiagnostics(uri, v)).diagnostics;
    assert.deepEqual(simple(ds), expectedNote(c.text(uri)));
    assert.equal(ds[0].range.start.line, 12);
    // Prose typed on a line before the diagram: same lines, the same diagnostics.
    v = await c.change(uri, [c.replace(uri, 5, 5, ' more words')]);
    ds = (await c.waitForDiagnostics(uri, v)).diagnostics;
    assert.deepEqual(simple(ds), expectedNote(c.text(uri)));
    const at = c.text(uri).indexOf('ack=x\n') + 5;
    v = await c.change(uri, [c.replace(uri, at, at, '+1')]);
    assert.deepEqual((await c.waitForDiagnostics(uri, v)).diagnostics, []);
  });

  it('every corpus note: the diagnostics are the core\'s checkNote findings, at the same places', { skip: !fs.existsSync(NOTES_DIR) }, async () => {
    let diagrams = 0;
    for (const note of corpusNotes()) {
      const { diagnostics } = await open(note.text);
      assert.deepEqual(simple(diagnostics), expectedNote(note.text), note.name);
      diagrams += checkNote(note.text).blocks.filter((b) => b.reading?.tcp).length;
    }
    assert.ok(diagrams >= 5, `the corpus has TCP diagrams (${diagrams})`);
  });

  it('gives nothing for a diagram that is not about TCP, a flowchart, or the diagram generated under a ```tcpflow block', async () => {
    const http = ['```mermaid', 'sequenceDiagram', '  participant B as Browser', '  participant W as Web server', '  B->>W: GET /index.html HTTP/1.1', '  W-->>B: 200 OK', '  s ->> s : listen()', '```', ''].join('\n');
    const flowchart = ['```mermaid', 'flowchart LR', '  A[SYN seq=x] --> B[SYN ACK ack=x]', '```', ''].join('\n');
    // The generated diagram draws the block's flow, wrong ack included (TF3001 once, on the block).
    const generated = materialize(['# n', '', '```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x', '```', ''].join('\n')).text;
    assert.ok(generated.includes('<!-- tcpflow:begin') && generated.includes('S->>C: ⚠ SYN, ACK seq=y ack=x'));
    const generatedAlone = generated.slice(generated.indexOf('<!-- tcpflow:begin'));
    const generatedFence = extractFences(generatedAlone, { languages: ['mermaid'] })[0];
    assert.ok(readMermaid(generatedAlone, generatedFence.contentStart, generatedFence.contentEnd).tcp, 'read alone, the generated diagram is about TCP');
    for (const [md, needle] of [[http, 'GET'], [flowchart, 'SYN seq'], [generatedAlone, 'SYN, ACK']]) {
      const { uri, diagnostics } = await open(md);
      assert.deepEqual(diagnostics, [], md);
      assert.deepEqual(await hints(uri), []);
      assert.equal(await hover(uri, md, needle, 1), null);
      assert.deepEqual(await actionsAt(uri, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }), []);
    }
    const both = await open(generated);
    assert.deepEqual(both.diagnostics.map((d) => [d.code, d.range.start.line]), [['TF3001', 6]], 'only the block\'s own finding');
  });

  it('respects tcpflow.markdown.enable = false, and maxProblems across blocks', async () => {
    const off = await Client.start({ capabilities: CAPS, settings: { markdown: { enable: false } } });
    try {
      const { uri, diagnostics } = await open(HANDSHAKE, off);
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(await hints(uri, off), []);
      assert.equal(await hover(uri, HANDSHAKE, 'S->>C: SYN', 2, off), null);
    } finally {
      await off.stop();
    }
    const few = await Client.start({ capabilities: CAPS, settings: { diagnostics: { maxProblems: 2 } } });
    try {
      const wrong = (i: number) => ['```mermaid', 'sequenceDiagram', `  C->>S: SYN=1, seq=x${i}`, `  S->>C: SYN=1, ACK=1, seq=y, ack=x${i}`, '```', ''].join('\n');
      const { diagnostics } = await open([wrong(1), wrong(2), wrong(3)].join('\n'), few);
      assert.deepEqual(diagnostics.map((d) => d.code), ['TF3001', 'TF3001', undefined]);
      assert.match(messageOf(diagnostics[2]), /^1 more problems are not shown/);
    } finally {
      await few.stop();
    }
  });
});

describe('quick fixes on mermaid diagrams', () => {
  it('fixes the ack in the note\'s notation: the diagnostic goes, the note is the corrected diagram', async () => {
    const { uri, diagnostics } = await open(HANDSHAKE);
    const actions = await actionsAt(uri, diagnostics[0].range, diagnostics, ['quickfix']);
    const fix = actions.find((a) => a.isPreferred)!;
    assert.equal(fix.title, 'Set ack to x+1');
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.diagnostics![0].code, 'TF3001');
    const after = await apply(uri, fix);
    assert.deepEqual(after, []);
    assert.equal(c.text(uri), HANDSHAKE.replace('seq=y, ack=x\n', 'seq=y, ack=x+1\n'));
  });

  it('adds a missing ACK flag as the note writes its flags', async () => {
    const md = ['```mermaid', 'sequenceDiagram', '  C->>S: SYN=1，seq=x', '  S->>C: SYN=1，seq=y，ack=x+1', '```', ''].join('\n');
    const { uri, diagnostics } = await open(md);
    assert.deepEqual(diagnostics.map((d) => d.code), ['TF3005']);
    const fix = (await actionsAt(uri, diagnostics[0].range, diagnostics, ['quickfix'])).find((a) => a.isPreferred)!;
    assert.deepEqual(await apply(uri, fix), []);
    assert.equal(c.text(uri), md.replace('SYN=1，seq=y', 'SYN=1，ACK=1，seq=y'));
  });

  it('fix-all in file fixes ```tcpflow blocks and mermaid diagrams together', async () => {
    const md = [
      '```tcpflow',
      'client A',
      'server B',
      'A -> B SYN seq=100',
      'B -> A SYN ACK seq=300 ack=100',
      '```',
      '',
      '```mermaid',
      'sequenceDiagram',
      '  C->>S: SYN=1, seq=x',
      '  S->>C: SYN=1, ACK=1, seq=y, ack=x',
      '```',
      '',
    ].join('\n');
    const { uri, diagnostics } = await open(md);
    assert.deepEqual(diagnostics.map((d) => d.code), ['TF3001', 'TF3001']);
    const actions = await actionsAt(uri, diagnostics[1].range, [diagnostics[1]]);
    const byCode = actions.find((a) => a.title === 'Fix all TF3001 problems in file')!;
    const all = actions.find((a) => a.kind === 'source.fixAll')!;
    const fixed = md.replace('ack=100', 'ack=101').replace('seq=y, ack=x\n', 'seq=y, ack=x+1\n');
    assert.equal(applyEdits(md, edits(byCode)), fixed);
    assert.equal(applyEdits(md, edits(all)), fixed);
    assert.deepEqual(await apply(uri, all), []);
    assert.equal(c.text(uri), fixed);
  });
});

describe('hover and inlay hints on mermaid diagrams', () => {
  let uri: string;
  before(async () => {
    ({ uri } = await open(HANDSHAKE));
  });

  it('hover on a message: both endpoints\' states before and after, SND.NXT and RCV.NXT, and why the numbers are what they are', async () => {
    const h = (await hover(uri, HANDSHAKE, 'S->>C: SYN', 2))!;
    assert.equal(h.contents.kind, 'markdown');
    const lines = h.contents.value.split('\n');
    assert.equal(lines[0], '**S → C** `SYN, ACK`');
    assert.ok(lines.includes('- **S** (sends): SYN_RCVD → SYN_RCVD · SND.NXT ? → y+1 · RCV.NXT x+1'), h.contents.value);
    assert.ok(lines.includes('- **C** (receives): SYN_SENT → ESTABLISHED · SND.NXT x+1 · RCV.NXT ? → y+1'), h.contents.value);
    assert.match(h.contents.value, /ack = x\+1 because C's SYN at line 9 takes one sequence number\./);
    assert.deepEqual(h.range, { start: { line: 10, character: 2 }, end: { line: 10, character: 35 } }, 'the whole message');
  });

  it('hover on a number name, a flag, a state note and a participant; nothing on prose', async () => {
    const u = (await hover(uri, HANDSHAKE, 'seq=u', 4))!;
    assert.match(u.contents.value, /^\*\*u\*\* = `x\+1` \(bound at line 13\), 3 uses/);
    assert.match(u.contents.value, /- \*\*C\*\* \(sends\): ESTABLISHED → FIN_WAIT_1/);
    assert.match(u.contents.value, /- \*\*S\*\* \(receives\): ESTABLISHED → CLOSE_WAIT/);
    const fin = (await hover(uri, HANDSHAKE, 'FIN=1, seq=u', 1))!;
    assert.match(fin.contents.value, /FIN/);
    assert.deepEqual(fin.range.start, positionOf(HANDSHAKE, 'FIN=1, seq=u'));
    const note = (await hover(uri, HANDSHAKE, 'SYN_SENT', 2))!;
    assert.match(note.contents.value, /The checker agrees: C is SYN_SENT here\./);
    const participant = (await hover(uri, HANDSHAKE, 'participant S', 12))!;
    assert.match(participant.contents.value, /^\*\*S\*\* — server, starts in LISTEN/);
    assert.equal(await hover(uri, HANDSHAKE, 'The client opens', 3), null);
    assert.equal(await hover(uri, HANDSHAKE, 'sequenceDiagram', 3), null);
  });

  it('inlay hints: one per message, at the end of its line, the states that changed and the computed numbers', async () => {
    const hs = await hints(uri);
    const doc = TextDocument.create('file:///h.md', 'markdown', 0, HANDSHAKE);
    const lineEnd = (line: number) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '').length;
    for (const h of hs) {
      assert.equal(h.position.character, lineEnd(h.position.line), `hint '${h.label}' at the end of line ${h.position.line}`);
      assert.equal(h.paddingLeft, true);
      assert.ok(h.label.length <= 48, `short: '${h.label}'`);
    }
    assert.deepEqual(
      hs.map((h) => `${h.position.line}: ${h.label}`),
      [
        '8: ⇒ C: SYN_SENT, S: SYN_RCVD',
        '10: ⇒ C: ESTABLISHED',
        '11: ⇒ S: ESTABLISHED',
        '12: ⇒ C: FIN_WAIT_1, S: CLOSE_WAIT · seq=x+1',
        '13: ⇒ C: FIN_WAIT_2 · seq=y+1 ack=x+2',
        '14: ⇒ S: LAST_ACK, C: TIME_WAIT · seq=y+1 ack=x+2',
        '15: ⇒ S: CLOSED · seq=x+2 ack=y+2',
      ],
    );
    // A range asks for its lines only.
    const some = await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 11, character: 0 }, end: { line: 13, character: 0 } } });
    assert.deepEqual(some.map((h) => h.position.line), [11, 12]);
  });

  it('inlay hints follow the settings, and mark a lost segment', async () => {
    const md = ['```mermaid', 'sequenceDiagram', '  C->>S: SYN seq=1000', '  S->>C: SYN ACK seq=5000 ack=1001', '  C-xS: ACK seq=1001 ack=5001', '```', ''].join('\n');
    const statesOnly = await Client.start({ capabilities: CAPS, settings: { inlayHints: { values: false } } });
    try {
      const { uri: u } = await open(md, statesOnly);
      assert.deepEqual((await hints(u, statesOnly)).map((h) => h.label), ['⇒ C: SYN_SENT, S: SYN_RCVD', '⇒ C: ESTABLISHED', '⇒ S: lost']);
    } finally {
      await statesOnly.stop();
    }
  });

  it('no completion, rename, outline entry, folding, formatting or semantic tokens inside a diagram', async () => {
    const at = positionOf(HANDSHAKE, 'C->>S: FIN', 2);
    assert.equal(await c.request('textDocument/completion', { textDocument: { uri }, position: at }), null);
    assert.equal(await c.request('textDocument/prepareRename', { textDocument: { uri }, position: positionOf(HANDSHAKE, 'seq=u', 4) }), null);
    assert.equal(await c.request('textDocument/definition', { textDocument: { uri }, position: positionOf(HANDSHAKE, 'seq=u', 4) }), null);
    assert.deepEqual(await c.request('textDocument/documentSymbol', { textDocument: { uri } }), []);
    assert.deepEqual(await c.request('textDocument/foldingRange', { textDocument: { uri } }), []);
    assert.deepEqual(await c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
    assert.deepEqual(await c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } }), { data: [] });
  });
});

describe('Convert to tcpflow', () => {
  /** Open a note, convert its diagram, and compare the findings before and after. */
  async function convert(md: string, at: string): Promise<{ uri: string; before: Diagnostic[]; after: Diagnostic[]; action: Action }> {
    const { uri, diagnostics } = await open(md);
    const pos = positionOf(md, at);
    const actions = await actionsAt(uri, { start: pos, end: pos }, [], ['refactor.rewrite']);
    assert.equal(actions.length, 1, JSON.stringify(actions));
    return { uri, before: diagnostics, action: actions[0], after: await apply(uri, actions[0]) };
  }

  it('replaces the diagram by the equivalent ```tcpflow block, which has the same findings', async () => {
    const { uri, before, after, action } = await convert(HANDSHAKE, 'sequenceDiagram');
    assert.equal(action.title, 'Convert to tcpflow');
    assert.equal(action.kind, 'refactor.rewrite');
    const text = c.text(uri);
    assert.equal(
      text,
      [
        '# 三次握手',
        '',
        'The client opens; the server answers.',
        '',
        '```tcpflow',
        'client C  # 客户端',
        'server S  # 服务端',
        'C -> S SYN seq=x  # SYN=1, seq=x',
        'C: SYN_SENT',
        'S -> C SYN ACK seq=y ack=x  # SYN=1, ACK=1, seq=y, ack=x',
        'C -> S ACK seq=x+1 ack=y+1  # ACK=1, seq=x+1, ack=y+1',
        'C -> S FIN ACK seq=u ack=y+1  # FIN=1, seq=u',
        'S -> C ACK seq=v ack=u+1  # ACK=1, seq=v, ack=u+1',
        'S -> C FIN ACK seq=w ack=u+1  # FIN=1, ACK=1, seq=w, ack=u+1',
        'C -> S ACK seq=u+1 ack=w+1  # ACK=1, seq=u+1, ack=w+1',
        '```',
        '',
        'Then the teardown.',
        '',
      ].join('\n'),
    );
    assert.deepEqual(after.map((d) => d.code), before.map((d) => d.code));
    assert.equal(after[0].range.start.line, 9, 'on the converted segment');
    assert.equal(messageOf(after[0]), "ack should be x+1: C's SYN at line 8 takes one sequence number (RFC 9293 §3.4).");
    // The tcpflow block is a block like any other: hover works on it.
    assert.match((await hover(uri, text, 'S -> C SYN ACK', 2))!.contents.value, /^\*\*S → C\*\*/);
  });

  it('keeps the same findings for every diagram of the notes docs and the reader\'s notations', async () => {
    const diagrams = [
      ['sequenceDiagram', '  c ->> s : 1. SYN', '  Note left of c : SYN_SEND', '  s ->> c : 2. SYN + ACK', '  Note left of c : ESTABLISHED'],
      ['sequenceDiagram', '  C->>S: SYN seq=x', '  S->>C: SYN seq=y, ack=x+1', '  C->>S: SYN seq=x+1, ack=y+1'],
      ['sequenceDiagram', '  participant 客户端', '  participant 服务端', '  客户端->>服务端: SYN', '  服务端-->>客户端: SYN+ACK', '  客户端--x服务端: ACK', '  Note right of 服务端: SYN_RCVD'],
      ['sequenceDiagram', '  A->>B: [SYN] Seq=0', '  B->>A: [SYN, ACK] Seq=0 Ack=1', '  A->>B: [ACK] Seq=1 Ack=1', '  A->>B: [FIN] Seq=1', '  B->>A: [ACK] Seq=1 Ack=2'],
      ['sequenceDiagram', '  C->>S: FIN=1, seq=u', '  S->>C: ACK=1, seq=v, ack=u+1', '  S->>C: FIN=1, ACK=1, seq=w, ack=u+1', '  C->>S: ACK 丢失', '  C->>S: ACK=1, seq=u+1, ack=w+1'],
    ];
    for (const lines of diagrams) {
      const md = ['Prose.', '', '```mermaid', ...lines, '```', ''].join('\r\n');
      const { uri, before, after } = await convert(md, 'sequenceDiagram');
      const text = c.text(uri);
      assert.ok(text.startsWith('Prose.\r\n\r\n```tcpflow\r\n'), JSON.stringify(text));
      assert.ok(!/[^\r]\n/.test(text), 'the note\'s CRLF line ends are kept');
      assert.deepEqual(after.map((d) => d.code), before.map((d) => d.code), text);
      // And the core agrees on the block alone.
      const block = extractFences(text)[0].content;
      assert.deepEqual(analyze(block).findings.map((f) => f.code), before.map((d) => d.code));
    }
  });

  it('converting every TCP diagram of every corpus note keeps the note\'s findings', { skip: !fs.existsSync(NOTES_DIR) }, async () => {
    let converted = 0;
    for (const note of corpusNotes()) {
      const { uri, diagnostics } = await open(note.text);
      let now = diagnostics;
      for (;;) {
        const text = c.text(uri);
        const block = checkNote(text).blocks.find((b) => b.reading?.tcp);
        if (!block) break;
        const at = c.docs.get(uri)!.positionAt(block.fence.contentStart);
        const actions = await actionsAt(uri, { start: at, end: at }, [], ['refactor.rewrite']);
        assert.equal(actions.length, 1, `${note.name}: one Convert action at line ${at.line}`);
        now = await apply(uri, actions[0]);
        converted++;
      }
      const codes = (ds: Diagnostic[]) => ds.map((d) => String(d.code)).sort();
      assert.deepEqual(codes(now), codes(diagnostics), note.name);
    }
    assert.ok(converted >= 5, `diagrams converted: ${converted}`);
  });

  it('the labelled diagrams: the converted block has the diagram\'s findings', () => {
    let tcp = 0;
    for (const l of LABELLED) {
      const r = checkMermaid(l.diagram);
      if (!r.reading.tcp) continue;
      tcp++;
      assert.deepEqual(analyze(mermaidToTcpflow(r.reading)).findings.map((f) => f.code).sort(), r.findings.map((f) => f.code).sort(), l.name);
    }
    assert.ok(tcp >= 40, `${tcp} TCP diagrams`);
  });

  it('is offered on the fences too, keeps an indented block\'s indentation, and is not offered outside', async () => {
    const md = ['- A list item:', '', '  ```mermaid', '  sequenceDiagram', '    C->>S: SYN seq=x', '    S->>C: SYN ACK seq=y ack=x+1', '  ```', '', 'After.', ''].join('\n');
    const { uri } = await open(md);
    for (const line of [2, 6]) assert.equal((await actionsAt(uri, { start: { line, character: 0 }, end: { line, character: 0 } }, [], ['refactor'])).length, 1, `line ${line}`);
    assert.deepEqual(await actionsAt(uri, { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }), []);
    const [a] = await actionsAt(uri, { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, [], ['refactor.rewrite']);
    assert.deepEqual(await apply(uri, a), []);
    assert.equal(c.text(uri), ['- A list item:', '', '  ```tcpflow', '  client C', '  server S', '  C -> S SYN seq=x  # SYN seq=x', '  S -> C SYN ACK seq=y ack=x+1  # SYN ACK seq=y ack=x+1', '  ```', '', 'After.', ''].join('\n'));
    // Only asked for quick fixes: no refactoring.
    assert.deepEqual(await actionsAt(uri, { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, [], ['quickfix']), []);
  });
});

describe('in Chinese', () => {
  let zh: Client;
  before(async () => {
    zh = await Client.start({ capabilities: CAPS, locale: 'zh-cn' });
  });
  after(async () => {
    await zh.stop();
  });

  it('diagnostics, quick fix, hover, inlay hints and Convert to tcpflow speak Chinese', async () => {
    const { uri, diagnostics } = await open(HANDSHAKE, zh);
    assert.deepEqual(simple(diagnostics), expectedNote(HANDSHAKE, 'zh-cn'));
    assert.match(messageOf(diagnostics[0]), /^ack 应为 x\+1/);
    const actions = await actionsAt(uri, diagnostics[0].range, diagnostics, undefined, zh);
    assert.ok(actions.some((a) => a.isPreferred && /x\+1/.test(a.title) && /[\u4e00-\u9fff]/.test(a.title)), JSON.stringify(actions.map((a) => a.title)));
    assert.ok(actions.some((a) => a.kind === 'refactor.rewrite' && a.title === '转换为 tcpflow'));
    const h = (await hover(uri, HANDSHAKE, 'S->>C: SYN', 2, zh))!;
    assert.ok(h.contents.value.includes('- **C**（接收）：SYN_SENT → ESTABLISHED'), h.contents.value);
    const md = ['```mermaid', 'sequenceDiagram', '  C->>S: SYN seq=1000', '  S->>C: SYN ACK seq=5000 ack=1001', '  C-xS: ACK seq=1001 ack=5001', '```', ''].join('\n');
    const lost = await open(md, zh);
    assert.deepEqual((await hints(lost.uri, zh)).map((x) => x.label), ['⇒ C: SYN_SENT, S: SYN_RCVD', '⇒ C: ESTABLISHED', '⇒ S: 丢失']);
  });
});
