/**
 * Editor features through the protocol: code actions, hover, inlay hints, completion,
 * symbols, folding, navigation, rename, formatting and semantic tokens.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, applyEdits, positionOf } from './lsp';

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
type Edit = { range: Range; newText: string };
type Action = { title: string; kind?: string; isPreferred?: boolean; diagnostics?: { code: string }[]; edit: { documentChanges: { textDocument: { version: number }; edits: Edit[] }[] } };

const TEARDOWN = [
  'title "four-way teardown"',
  'client C',
  'server S',
  '',
  '# handshake',
  '# with symbolic numbers',
  'C -> S SYN seq=x',
  'S -> C SYN ACK seq=y ack=x+1',
  'C -> S ACK seq=x+1 ack=y+1',
  '',
  'phase "Teardown"',
  'C -> S FIN ACK seq=u ack=y+1      # u binds to C\'s next number',
  'S -> C ACK seq=v ack=u+1',
  'S -> C FIN ACK seq=w ack=u+1',
  'C -> S ACK seq=u+1 ack=w+1',
  'C: TIME_WAIT, S: CLOSED',
  '',
].join('\n');

/** Two wrong acks (TF3001) and a wrong seq (TF3002), each with a comment after it. */
const MISTAKES = [
  'client C',
  'server S',
  'C -> S SYN seq=1000              # opens',
  'S -> C SYN ACK seq=5000 ack=1000 # wrong ack',
  'C -> S ACK seq=1001 ack=5000     # wrong ack again',
  'C -> S PSH ACK seq=1002 ack=5001 len=10 # wrong seq',
  '',
].join('\n');

let c: Client;
before(async () => {
  c = await Client.start();
});
after(async () => {
  await c.stop();
});

async function open(name: string, text: string, languageId = 'tcpflow'): Promise<string> {
  const uri = `file:///f/${name}`;
  await c.open(uri, text, languageId);
  await c.waitForDiagnostics(uri, 1);
  return uri;
}

function docEdits(a: Action): Edit[] {
  return a.edit.documentChanges[0].edits;
}

describe('code actions', () => {
  it('offers the finding\'s fix as the preferred quick fix, from the diagnostic\'s data', async () => {
    const uri = await open('mistakes.tcpflow', MISTAKES);
    const diags = c.published.get(uri)![0].diagnostics;
    assert.deepEqual(diags.map((d) => d.code), ['TF3001', 'TF3001', 'TF3002']);
    const actions = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: diags[0].range, context: { diagnostics: [diags[0]], only: ['quickfix'] } });
    const fix = actions.find((a) => a.isPreferred)!;
    assert.equal(fix.title, 'Set ack to 1001');
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.diagnostics![0].code, 'TF3001');
    assert.equal(fix.edit.documentChanges[0].textDocument.version, 1);
    assert.equal(applyEdits(MISTAKES, docEdits(fix)), MISTAKES.replace('ack=1000 #', 'ack=1001 #'));
    const all = actions.find((a) => a.title === 'Fix all TF3001 problems in file')!;
    assert.equal(all.kind, 'quickfix');
    const fixed = applyEdits(MISTAKES, docEdits(all));
    assert.equal(fixed, MISTAKES.replace('ack=1000 #', 'ack=1001 #').replace('ack=5000     #', 'ack=5001     #'));
    assert.ok(!actions.some((a) => a.kind === 'source.fixAll'), 'only quick fixes were asked for');
  });

  it('finds fixes in the range even when the client sends no diagnostics', async () => {
    const uri = 'file:///f/mistakes.tcpflow';
    const actions = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: positionOf(MISTAKES, 'seq=1002', 5), end: positionOf(MISTAKES, 'seq=1002', 5) }, context: { diagnostics: [] } });
    const fix = actions.find((a) => a.isPreferred)!;
    assert.equal(fix.title, 'Set seq to 1001');
    assert.equal(fix.diagnostics![0].code, 'TF3002');
    assert.ok(!actions.some((a) => a.title.startsWith('Fix all TF3002')), 'one TF3002 only: no fix-all for it');
  });

  it('source.fixAll fixes the whole file and keeps every comment', async () => {
    const uri = 'file:///f/mistakes.tcpflow';
    const actions = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll');
    const fixed = applyEdits(MISTAKES, docEdits(actions[0]));
    for (const comment of ['# opens', '# wrong ack', '# wrong ack again', '# wrong seq']) assert.ok(fixed.includes(comment), comment);
    const v = await c.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }, text: fixed }]);
    assert.deepEqual((await c.waitForDiagnostics(uri, v)).diagnostics, []);
  });

  it('ignores data from an older version and recomputes', async () => {
    const uri = await open('stale.tcpflow', MISTAKES);
    const old = c.published.get(uri)![0].diagnostics;
    const v = await c.change(uri, [c.replace(uri, 0, 0, '# moved down a line\n')]);
    await c.waitForDiagnostics(uri, v);
    const range = { start: { line: 4, character: 0 }, end: { line: 4, character: 40 } };
    const actions = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [old[0]], only: ['quickfix'] } });
    const fix = actions.find((a) => a.isPreferred)!;
    assert.equal(fix.edit.documentChanges[0].textDocument.version, v);
    assert.equal(applyEdits(c.text(uri), docEdits(fix)), c.text(uri).replace('ack=1000 #', 'ack=1001 #'));
  });
});

describe('hover', () => {
  let uri: string;
  before(async () => {
    uri = await open('teardown.tcpflow', TEARDOWN);
  });
  const hover = async (needle: string, delta = 0, occurrence = 0) =>
    (await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEARDOWN, needle, delta, occurrence) }))?.contents.value;

  it('on a segment: both endpoints before → after, SND.NXT, RCV.NXT and why the numbers are what they are', async () => {
    const h = (await hover('S -> C SYN ACK', 1))!;
    assert.match(h, /\*\*S → C\*\* `SYN, ACK`/);
    assert.match(h, /\*\*S\*\* \(sends\): SYN_RCVD → SYN_RCVD · SND\.NXT \? → y\+1 · RCV\.NXT x\+1/);
    assert.match(h, /\*\*C\*\* \(receives\): SYN_SENT → ESTABLISHED · SND\.NXT x\+1 · RCV\.NXT \? → y\+1/);
    assert.match(h, /ack = x\+1 because C's SYN at line 7 takes one sequence number\./);
  });

  it('on a FIN: the state changes of the teardown', async () => {
    const h = (await hover('C -> S FIN', 1))!;
    assert.match(h, /\*\*C\*\* \(sends\): ESTABLISHED → FIN_WAIT_1/);
    assert.match(h, /\*\*S\*\* \(receives\): ESTABLISHED → CLOSE_WAIT/);
  });

  it('on a flag and on a state name: the meaning and the RFC 9293 section', async () => {
    assert.match((await hover('FIN ACK seq=u'))!, /^FIN: .*sequence number.*\(RFC 9293 §3\.1, §3\.6\)$/);
    const st = (await hover('TIME_WAIT'))!;
    assert.match(st, /^TIME_WAIT \(TIME-WAIT\): .*\(RFC 9293 §3\.3\.2, §3\.10\.8\)/);
    assert.match(st, /The checker agrees: C is TIME_WAIT here\./);
  });

  it('on a sequence-number name and on an endpoint', async () => {
    assert.match((await hover('seq=u', 4))!, /\*\*u\*\* = `x\+1` \(bound at line 12\), 3 uses/);
    assert.match((await hover('client C', 7))!, /\*\*C\*\* — client, starts in CLOSED/);
  });

  it('on a deliver line and on a call: the delayed arrival and the state change', async () => {
    const text = ['client A', 'server B', 'A -> B SYN seq=100', 'B -> A SYN ACK seq=300 ack=101', 'A -> B ACK seq=101 ack=301', 'A close', 'A -> B FIN ACK seq=101 ack=301 delay=f', 'deliver f', ''].join('\n');
    const u2 = await open('deliver.tcpflow', text);
    const at = async (needle: string, d = 0) => (await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: u2 }, position: positionOf(text, needle, d) })).contents.value;
    const seg = await at('A -> B FIN', 1);
    assert.match(seg, /\*\*B\*\* \(receives it later, at line 8\): ESTABLISHED → CLOSE_WAIT/);
    const del = await at('deliver f', 2);
    assert.match(del, /\*\*A → B\*\* `ACK, FIN`/);
    assert.match(del, /\*\*B\*\* \(receives it at line 8\): ESTABLISHED → CLOSE_WAIT/);
    assert.equal(await at('A close', 3), 'A: ESTABLISHED → ESTABLISHED');
    const hints = await c.request<{ position: { line: number }; label: string }[]>('textDocument/inlayHint', { textDocument: { uri: u2 }, range: { start: { line: 6, character: 0 }, end: { line: 8, character: 0 } } });
    assert.deepEqual(hints.map((h) => `${h.position.line} ${h.label}`), ['6 ⇒ A: FIN_WAIT_1, B: in flight', '7 ⇒ B: CLOSE_WAIT']);
  });

  it('nothing on a blank line or a comment', async () => {
    assert.equal(await hover('# handshake', 3), undefined);
  });

  it('on a read: the bytes the application takes, RCV.USER and the window it may advertise now', async () => {
    const text = ['client C', 'server S rcvbuf=1000', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001', 'C -> S PSH ACK seq=1001 ack=5001 len=800', 'S read 300', 'S -> C ACK seq=5001 ack=1801 win=500', ''].join('\n');
    const u3 = await open('read.tcpflow', text);
    const at = async (needle: string, d = 0) => (await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: u3 }, position: positionOf(text, needle, d) })).contents.value;
    const read = await at('S read', 3);
    assert.match(read, /S's application reads 300 bytes from its receive buffer \(RFC 9293 §3\.10\.3\)/);
    assert.match(read, /RCV\.USER 800 → 500 \/ RCV\.BUFF 1000/);
    assert.match(read, /at most 500 \(RCV\.BUFF - RCV\.USER, RFC 9293 §3\.8\.6\.2\.2\)/);
    assert.match(await at('C -> S PSH', 1), /\*\*S\*\* \(receives\): ESTABLISHED → ESTABLISHED · .* · RCV\.USER 0 → 800 \/ RCV\.BUFF 1000/);
    const hints = await c.request<{ position: { line: number }; label: string }[]>('textDocument/inlayHint', { textDocument: { uri: u3 }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    assert.deepEqual(hints.filter((h) => h.position.line === 6).map((h) => `${h.position.line} ${h.label}`), ['6 ⇒ S: RCV.USER 500 / RCV.BUFF 1000']);
  });
});

describe('inlay hints', () => {
  const RELATIVE = ['client C isn=1000', 'server S isn=5000', 'numbers relative', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1', ''].join('\n');
  const whole = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };
  type Hint = { position: { line: number; character: number }; label: string };
  const labels = (hs: Hint[]) => hs.map((h) => `${h.position.line}:${h.position.character} ${h.label}`);

  it('the state each endpoint reaches and the value of symbolic numbers', async () => {
    const uri = await open('hints.tcpflow', TEARDOWN);
    const hints = labels(await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: whole }));
    assert.ok(hints.includes('6:16 ⇒ C: SYN_SENT, S: SYN_RCVD'), hints.join('\n'));
    assert.ok(hints.includes('11:28 ⇒ C: FIN_WAIT_1, S: CLOSE_WAIT'), hints.join('\n'));
    assert.ok(hints.includes('11:20 = x+1'), 'u is x+1');
    assert.ok(hints.includes('12:24 = x+2'), 'u+1 is x+2');
    assert.ok(hints.includes('14:26 ⇒ C: TIME_WAIT, S: CLOSED'), hints.join('\n'));
    assert.ok(!hints.some((h) => h.startsWith('7:19 ')), 'y is written as it is: no hint');
  });

  it('in a ```tcpflow block of a note, one hint at the end of each segment line, never inside it', async () => {
    const note = ['# 挥手', '', '```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x+1 ack=y+1', 'C -> S FIN ACK seq=u ack=y+1', '```', ''].join('\n');
    const uri = await open('hints.md', note, 'markdown');
    const hints = await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: whole });
    const lines = note.split('\n');
    for (const h of hints) assert.equal(h.position.character, lines[h.position.line].length, `at the end of line ${h.position.line}: ${h.label}`);
    assert.deepEqual(labels(hints).filter((l) => l.startsWith('8:')), ['8:28 ⇒ C: FIN_WAIT_1, S: CLOSE_WAIT · seq=x+1']);
    assert.equal(new Set(hints.map((h) => h.position.line)).size, hints.length, 'one hint per line');
  });

  it('the absolute value of relative numbers', async () => {
    const uri = await open('relative.tcpflow', RELATIVE);
    const hints = labels(await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: whole }));
    assert.ok(hints.includes('3:16 = 1000'), hints.join('\n'));
    assert.ok(hints.includes('4:26 = 1001'), hints.join('\n'));
    assert.ok(hints.includes('4:20 = 5000'), hints.join('\n'));
    assert.ok(hints.includes('5:16 = 1001'), hints.join('\n'));
    assert.ok(hints.includes('5:22 = 5001'), hints.join('\n'));
  });

  it('only in the requested range', async () => {
    const uri = 'file:///f/relative.tcpflow';
    const hints = await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 4, character: 0 }, end: { line: 4, character: 40 } } });
    assert.ok(hints.length > 0);
    assert.ok(hints.every((h) => h.position.line === 4));
  });

  it('follow the settings, from initialization options and from workspace/configuration', async () => {
    const off = await Client.start({ settings: { inlayHints: { states: false, values: false } } });
    try {
      await off.open('file:///off.tcpflow', RELATIVE);
      assert.deepEqual(await off.request('textDocument/inlayHint', { textDocument: { uri: 'file:///off.tcpflow' }, range: whole }), []);
    } finally {
      await off.stop();
    }
    let config: unknown = { inlayHints: { states: false, values: true } };
    const cfg = await Client.start({ configuration: () => config });
    try {
      const uri = 'file:///cfg.tcpflow';
      await cfg.open(uri, RELATIVE);
      await cfg.waitForDiagnostics(uri, 1);
      const first = labels(await cfg.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: whole }));
      assert.ok(first.length > 0 && first.every((l) => / = \d+$/.test(l)), first.join('\n'));
      config = { inlayHints: { states: true, values: false } };
      await cfg.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      for (let i = 0; i < 50 && !cfg.requestsFromServer.includes('workspace/inlayHint/refresh'); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(cfg.requestsFromServer.includes('workspace/inlayHint/refresh'));
      assert.ok(cfg.requestsFromServer.includes('client/registerCapability'), 'registers for configuration changes');
      const second = labels(await cfg.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: whole }));
      assert.ok(second.length > 0 && second.every((l) => l.includes('⇒')), second.join('\n'));
    } finally {
      await cfg.stop();
    }
  });
});

describe('completion', () => {
  type Item = { label: string; detail?: string; sortText?: string; preselect?: boolean; textEdit?: Edit; documentation?: { value: string } };
  async function complete(text: string, atEnd = true, pos?: { line: number; character: number }): Promise<Item[]> {
    const uri = `file:///f/complete-${Math.random().toString(36).slice(2)}.tcpflow`;
    await c.open(uri, text);
    const lines = text.split('\n');
    const last = text.endsWith('\n') ? lines.length - 2 : lines.length - 1;
    const position = pos ?? { line: last, character: atEnd ? lines[last].length : 0 };
    const r = await c.request<Item[] | { items: Item[] } | null>('textDocument/completion', { textDocument: { uri }, position });
    await c.close(uri);
    if (!r) return [];
    const items = Array.isArray(r) ? r : r.items;
    return [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
  }
  const HS = ['client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001'];

  it('after seq=: the value the protocol expects first, with the reason', async () => {
    const items = await complete([...HS, 'C -> S ACK seq='].join('\n'));
    assert.equal(items[0].label, '1001');
    assert.equal(items[0].preselect, true);
    assert.equal(items[0].detail, 'expected seq: SND.NXT of C');
    assert.match(items[0].documentation!.value, /SND\.NXT/);
  });

  it('after ack=: the expected acknowledgment number, also when the ACK flag is not typed yet', async () => {
    assert.equal((await complete([...HS, 'C -> S ACK seq=1001 ack='].join('\n')))[0].label, '5001');
    assert.equal((await complete([...HS, 'C -> S PSH ack='].join('\n')))[0].label, '5001');
    const partial = await complete([...HS, 'C -> S ACK seq=1001 ack=50'].join('\n'));
    assert.equal(partial[0].label, '5001');
    assert.equal(partial[0].textEdit!.range.start.character, 'C -> S ACK seq=1001 ack='.length, 'replaces what was typed of the value');
  });

  it('between fields: seq=… and ack=… first, then flags', async () => {
    const items = await complete([...HS, 'C -> S ACK '].join('\n'));
    assert.deepEqual(items.slice(0, 2).map((i) => i.label), ['seq=1001', 'ack=5001']);
    assert.ok(items.some((i) => i.label === 'FIN'));
    assert.ok(!items.some((i) => i.label === 'ACK'), 'ACK is already on the line');
  });

  it('uses the notes\' names and relative numbers', async () => {
    const sym = await complete(['client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x+1 ack='].join('\n'));
    assert.equal(sym[0].label, 'y+1');
    assert.ok(sym.some((i) => i.label === 'x') && sym.some((i) => i.label === 'y'));
    const rel = await complete(['client C isn=1000', 'server S', 'numbers relative', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq='].join('\n'));
    assert.equal(rel[0].label, '1');
  });

  it('offers a fresh name for a new ISN', async () => {
    const items = await complete(['client C', 'server S', 'C -> S SYN seq='].join('\n'));
    assert.equal(items[0].label, 'x');
    assert.match(items[0].detail!, /new name/);
  });

  it('the expected value only depends on what comes before the line', async () => {
    const text = [...HS, 'C -> S ACK seq=', 'C -> S ACK seq=1001 ack=5001', 'client Late'].join('\n');
    const items = await complete(text, true, { line: 4, character: 'C -> S ACK seq='.length });
    assert.equal(items[0].label, '1001');
  });

  it('states after an assertion colon, the computed state first', async () => {
    const items = await complete([...HS, 'S: '].join('\n'));
    assert.equal(items[0].label, 'SYN_RCVD');
    assert.equal(items.length, 11);
  });

  it('statement starts, receivers, calls and delayed ids', async () => {
    const start = (await complete([...HS, ''].join('\n'), false, { line: 4, character: 0 })).map((i) => i.label);
    assert.ok(start.includes('C') && start.includes('S') && start.includes('client') && start.includes('wait'));
    assert.deepEqual((await complete([...HS, 'C -> '].join('\n'))).map((i) => i.label), ['S']);
    const call = (await complete([...HS, 'C '].join('\n'))).map((i) => i.label);
    assert.ok(call.includes('->') && call.includes('close'));
    assert.ok(call.includes('read') && call.includes('accept'));
    assert.ok((await complete(['client C', 'server S rcv'].join('\n'))).some((i) => i.label === 'rcvbuf='));
    const delayed = (await complete(['client C', 'server S', 'C -> S SYN seq=1 delay=first', 'deliver '].join('\n'))).map((i) => i.label);
    assert.deepEqual(delayed, ['first']);
  });

  it('nothing inside a comment', async () => {
    assert.deepEqual(await complete([...HS, 'C -> S ACK # seq='].join('\n')), []);
  });
});

describe('symbols, folding, navigation, rename', () => {
  const TWO = ['client A', 'client B', 'server S', 'A -> S SYN seq=x', 'B -> S SYN seq=x', 'S -> A SYN ACK seq=y ack=x+1', 'A -> S ACK seq=x+1 ack=y+1', ''].join('\n');
  it('document symbols: endpoints, connections, phases', async () => {
    const uri = await open('symbols.tcpflow', TEARDOWN);
    const syms = await c.request<{ name: string; kind: number; detail?: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(syms.map((s) => `${s.kind} ${s.name}`), ['5 C', '5 S', '11 C ↔ S', '3 Teardown']);
    assert.equal(syms[2].detail, '7 segments');
  });

  it('folding: the phase and the comment block', async () => {
    const ranges = await c.request<{ startLine: number; endLine: number; kind?: string }[]>('textDocument/foldingRange', { textDocument: { uri: 'file:///f/symbols.tcpflow' } });
    assert.deepEqual(ranges, [
      { startLine: 10, endLine: 15, kind: 'region' },
      { startLine: 4, endLine: 5, kind: 'comment' },
    ]);
  });

  it('definition and references of an endpoint and of a name', async () => {
    const uri = await open('two.tcpflow', TWO);
    const def = await c.request<{ range: Range }>('textDocument/definition', { textDocument: { uri }, position: positionOf(TWO, 'S -> A', 0) });
    assert.deepEqual(def.range.start, { line: 2, character: 7 });
    const refs = await c.request<{ range: Range }[]>('textDocument/references', { textDocument: { uri }, position: positionOf(TWO, 'x+1', 0), context: { includeDeclaration: true } });
    // A's x: its definition on line 3 and two uses; B's x on line 4 is another name.
    assert.deepEqual(refs.map((r) => `${r.range.start.line}:${r.range.start.character}`), ['3:15', '5:25', '6:15']);
    const noDecl = await c.request<{ range: Range }[]>('textDocument/references', { textDocument: { uri }, position: positionOf(TWO, 'seq=x', 4), context: { includeDeclaration: false } });
    assert.equal(noDecl.length, 2);
  });

  it('rename of an endpoint and of a name, refused when invalid or taken', async () => {
    const uri = 'file:///f/two.tcpflow';
    const prep = await c.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri }, position: positionOf(TWO, 'S -> A') });
    assert.equal(prep.placeholder, 'S');
    const edit = await c.request<{ changes: Record<string, Edit[]> }>('textDocument/rename', { textDocument: { uri }, position: positionOf(TWO, 'S -> A'), newName: '服务器' });
    const renamed = applyEdits(TWO, edit.changes[uri]);
    assert.equal(renamed, TWO.replace(/\bS\b/g, '服务器'));
    const sym = await c.request<{ changes: Record<string, Edit[]> }>('textDocument/rename', { textDocument: { uri }, position: positionOf(TWO, 'x+1'), newName: 'isnA' });
    const out = applyEdits(TWO, sym.changes[uri]);
    assert.ok(out.includes('A -> S SYN seq=isnA') && out.includes('B -> S SYN seq=x') && out.includes('ack=isnA+1') && out.includes('seq=isnA+1'));
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: positionOf(TWO, 'S -> A'), newName: 'A' }), /already used/);
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: positionOf(TWO, 'S -> A'), newName: 'client' }), /cannot be used as a name/);
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: positionOf(TWO, 'S -> A'), newName: '1x' }), /cannot be used as a name/);
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: positionOf(TWO, 'x+1'), newName: 'y' }), /already used|change what the file means/);
  });
});

describe('formatting', () => {
  const MESSY = [
    'title   "demo"   # the title',
    'client C 10.0.0.1:5000',
    'server  S',
    '# a comment line',
    '   # an indented comment   ',
    'C->S [SYN] seq=x    # first',
    'S  ->  C   SYN,ACK  seq=y ack=x+1 # second',
    'C -> S ACK seq=x+1 ack=y+1 len=3 "abc"   # third',
    'C :ESTABLISHED ,S: ESTABLISHED',
    '',
    'C -> S FIN ACK seq=x+4 ack=y+1',
    'S -> C ACK seq=y+1 ack=x+5 lost',
    'C -> S ACK seq=oops(',
  ].join('\n');
  const WANT = [
    'title "demo"                                   # the title',
    'client C 10.0.0.1:5000',
    'server S',
    '# a comment line',
    '# an indented comment',
    'C -> S  [SYN]     seq=x                        # first',
    'S -> C  SYN, ACK  seq=y   ack=x+1              # second',
    'C -> S  ACK       seq=x+1 ack=y+1 len=3 "abc"  # third',
    'C: ESTABLISHED, S: ESTABLISHED',
    '',
    'C -> S  FIN ACK  seq=x+4 ack=y+1',
    'S -> C  ACK      seq=y+1 ack=x+5 lost',
    'C -> S ACK seq=oops(',
  ].join('\n');

  it('aligns columns, keeps every comment, leaves a broken line alone', async () => {
    const uri = await open('messy.tcpflow', MESSY);
    const edits = await c.request<Edit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.equal(applyEdits(MESSY, edits), WANT);
  });

  it('is idempotent', async () => {
    const uri = await open('formatted.tcpflow', WANT);
    assert.deepEqual(await c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
  });

  it('aligns Chinese names by display width', async () => {
    const text = ['client 客户端', 'server 服务器', '客户端 -> 服务器 SYN=1, seq=x # 一', '服务器 -> 客户端 SYN=1, ACK=1, seq=y, ack=x+1 # 二', ''].join('\n');
    const uri = await open('zh.tcpflow', text);
    const edits = await c.request<Edit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const out = applyEdits(text, edits).split('\n');
    assert.equal(out[2], '客户端 -> 服务器  SYN=1,         seq=x           # 一');
    assert.equal(out[3], '服务器 -> 客户端  SYN=1, ACK=1,  seq=y, ack=x+1  # 二');
  });
});

describe('semantic tokens', () => {
  const LEGEND = ['keyword', 'class', 'variable', 'enumMember', 'property', 'number', 'string', 'comment', 'enum', 'modifier', 'operator', 'event', 'type', 'function'];

  /** The server's tokens for `text`, each as `word:type` (`+decl` when the declaration modifier is set). */
  async function tokens(name: string, text: string): Promise<string[]> {
    const uri = await open(name, text);
    const r = await c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const lines = text.split('\n');
    const out: string[] = [];
    let line = 0;
    let ch = 0;
    for (let i = 0; i < r.data.length; i += 5) {
      const [dl, dc, len, type, mods] = r.data.slice(i, i + 5);
      line += dl;
      ch = dl ? dc : ch + dc;
      out.push(`${lines[line].slice(ch, ch + len)}:${LEGEND[type]}${mods ? '+decl' : ''}`);
    }
    return out;
  }

  it('classifies names, flags, fields, numbers, strings and comments', async () => {
    assert.deepEqual(await tokens('tokens.tcpflow', 'client C\nserver S\nC -> S SYN seq=x len=2 "hi" lost # c\nS: SYN_RCVD\n'), [
      'client:keyword', 'C:class+decl', 'server:keyword', 'S:class+decl',
      'C:class', '->:operator', 'S:class', 'SYN:enumMember', 'seq:property', 'x:variable+decl', 'len:property', '2:number', '"hi":string', 'lost:modifier', '# c:comment',
      'S:class', 'SYN_RCVD:enum',
    ]);
  });

  it('classifies rcvbuf= and a read with its count and peer', async () => {
    const out = await tokens('tokens-read.tcpflow', 'client C\nserver S rcvbuf=100\nS read 10 C\n');
    assert.deepEqual(out.slice(4), ['rcvbuf:property', '100:number', 'S:class', 'read:function', '10:number', 'C:class']);
  });
});
