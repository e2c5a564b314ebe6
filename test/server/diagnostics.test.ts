/**
 * Diagnostics through the protocol: what is published, when, for which version, in which
 * language, for .tcpflow files and for ```tcpflow blocks in Markdown.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { Client, FULL_CAPABILITIES, applyEdits, positionOf } from './lsp';
import { expectedFor, messageOf, simplify } from './expected';

const HANDSHAKE_BAD = [
  'client C 10.0.0.2:5000',
  'server S 10.0.0.1:80',
  'C -> S SYN seq=1000',
  '# the reply',
  'S -> C SYN ACK seq=5000 ack=1000   # should be 1001',
  'C -> S ACK seq=1001 ack=5001',
  '',
].join('\n');

describe('diagnostics', () => {
  let c: Client;
  before(async () => {
    c = await Client.start();
  });
  after(async () => {
    await c.stop();
  });

  it('publishes each finding with code, severity, exact range, message, rule, doc link, related segment and fix', async () => {
    const uri = 'file:///d/handshake.tcpflow';
    await c.open(uri, HANDSHAKE_BAD);
    const p = await c.waitForDiagnostics(uri, 1);
    assert.equal(p.version, 1);
    assert.equal(p.diagnostics.length, 1);
    const d = p.diagnostics[0];
    assert.equal(d.code, 'TF3001');
    assert.equal(d.severity, 1);
    assert.equal(d.source, 'tcpflow');
    assert.deepEqual(d.range, { start: positionOf(HANDSHAKE_BAD, 'ack=1000', 4), end: positionOf(HANDSHAKE_BAD, 'ack=1000', 8) });
    assert.match(messageOf(d), /^ack should be 1001: /);
    assert.match(messageOf(d), /RFC 9293 §3\.4/);
    assert.equal(d.codeDescription?.href, 'https://github.com/tcpflow/tcpflow/blob/main/docs/findings.md#tf3001');
    assert.equal(d.relatedInformation?.length, 1);
    const rel = d.relatedInformation![0];
    assert.equal(rel.location.uri, uri);
    assert.equal(rel.location.range.start.line, 2, 'points at the SYN that set the expectation');
    assert.match(rel.message, /C's SYN at line 3/);
    const data = d.data as { version: number; fix: { title: string; edits: { newText: string }[] } };
    assert.equal(data.version, 1);
    assert.equal(data.fix.title, 'Set ack to 1001');
    assert.equal(applyEdits(HANDSHAKE_BAD, data.fix.edits as never), HANDSHAKE_BAD.replace('ack=1000', 'ack=1001'));
    assert.deepEqual(simplify(p.diagnostics, expectedFor(HANDSHAKE_BAD)), expectedFor(HANDSHAKE_BAD));
  });

  it('follows incremental changes and publishes for the new version', async () => {
    const uri = 'file:///d/incremental.tcpflow';
    await c.open(uri, HANDSHAKE_BAD);
    await c.waitForDiagnostics(uri, 1);
    const at = HANDSHAKE_BAD.indexOf('ack=1000') + 4;
    const v2 = await c.change(uri, [c.replace(uri, at, at + 4, '1001')]);
    const p2 = await c.waitForDiagnostics(uri, v2);
    assert.deepEqual(p2.diagnostics, []);
    // Break a state assertion on a new last line.
    const end = c.text(uri).length;
    const v3 = await c.change(uri, [c.replace(uri, end, end, 'S: LISTEN\n')]);
    const p3 = await c.waitForDiagnostics(uri, v3);
    assert.deepEqual(p3.diagnostics.map((d) => d.code), ['TF2003']);
    assert.deepEqual(simplify(p3.diagnostics, expectedFor(c.text(uri))), expectedFor(c.text(uri)));
  });

  it('debounces a burst of edits and never publishes an intermediate or old version', async () => {
    const uri = 'file:///d/burst.tcpflow';
    await c.open(uri, HANDSHAKE_BAD);
    await c.waitForDiagnostics(uri, 1);
    let last = 1;
    const sends: Promise<number>[] = [];
    for (let i = 0; i < 9; i++) {
      const end = c.text(uri).length;
      sends.push(c.change(uri, [c.replace(uri, end, end, `# edit ${i}\n`)]));
    }
    for (const s of sends) last = await s;
    const p = await c.waitForDiagnostics(uri, last);
    assert.deepEqual(simplify(p.diagnostics, expectedFor(c.text(uri))), expectedFor(c.text(uri)));
    const versions = c.published.get(uri)!.map((x) => x.version);
    assert.deepEqual(versions, [1, last], `published versions ${versions.join(',')}`);
  });

  it('clears diagnostics when a document closes', async () => {
    const uri = 'file:///d/close.tcpflow';
    await c.open(uri, HANDSHAKE_BAD);
    await c.waitForDiagnostics(uri, 1);
    const cleared = c.waitForDiagnostics(uri);
    await c.close(uri);
    const p = await cleared;
    assert.deepEqual(p.diagnostics, []);
  });

  it('answers a request for a closed document with an error and keeps serving', async () => {
    const uri = 'file:///d/gone.tcpflow';
    await c.open(uri, HANDSHAKE_BAD);
    await c.waitForDiagnostics(uri, 1);
    await c.close(uri);
    for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition']) {
      await assert.rejects(c.request(method, { textDocument: { uri }, position: { line: 2, character: 8 } }), (e: Error & { code?: number }) => {
        assert.equal(e.code, -32803);
        assert.match(e.message, /not open/);
        return true;
      });
    }
    await assert.rejects(c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }));
    const other = 'file:///d/alive.tcpflow';
    await c.open(other, HANDSHAKE_BAD);
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: other }, position: positionOf(HANDSHAKE_BAD, 'S -> C') });
    assert.match(hover.contents.value, /S → C/);
  });

  it('limits the number of problems and says how many are hidden', async () => {
    const c2 = await Client.start({ settings: { diagnostics: { maxProblems: 3 } } });
    try {
      const uri = 'file:///d/many.tcpflow';
      const text = 'client C\nserver S\n' + 'C -> S ACK seq=1 ack=1 @\n'.repeat(6);
      await c2.open(uri, text);
      const p = await c2.waitForDiagnostics(uri, 1);
      const total = expectedFor(text).length;
      assert.ok(total > 3);
      assert.equal(p.diagnostics.length, 4);
      assert.equal(p.diagnostics[3].severity, 3);
      assert.match(messageOf(p.diagnostics[3]), new RegExp(`^${total - 3} more problems are not shown`));
    } finally {
      await c2.stop();
    }
  });

  it('leaves out related information when the client cannot show it', async () => {
    const caps = JSON.parse(JSON.stringify(FULL_CAPABILITIES));
    caps.textDocument.publishDiagnostics.relatedInformation = false;
    const c2 = await Client.start({ capabilities: caps });
    try {
      const uri = 'file:///d/norelated.tcpflow';
      await c2.open(uri, HANDSHAKE_BAD);
      const p = await c2.waitForDiagnostics(uri, 1);
      assert.equal(p.diagnostics.length, 1);
      assert.equal(p.diagnostics[0].relatedInformation, undefined);
    } finally {
      await c2.stop();
    }
  });
});

describe('Chinese locale', () => {
  it('gives Chinese messages, fix titles and hover text', async () => {
    const c = await Client.start({ locale: 'zh-CN' });
    try {
      const uri = 'file:///zh/握手.tcpflow';
      const text = ['client 客户端', 'server 服务器', '客户端 -> 服务器 SYN=1, seq=x', '服务器 -> 客户端 SYN=1, ACK=1, seq=y, ack=x   # 错误', ''].join('\n');
      await c.open(uri, text);
      const p = await c.waitForDiagnostics(uri, 1);
      assert.deepEqual(p.diagnostics.map((d) => d.code), ['TF3001']);
      assert.match(messageOf(p.diagnostics[0]), /^ack 应为 x\+1：客户端 在第 3 行的 SYN 占用一个序号/);
      assert.deepEqual(simplify(p.diagnostics, expectedFor(text, 'zh-cn')), expectedFor(text, 'zh-cn'));
      assert.equal((p.diagnostics[0].data as { fix: { title: string } }).fix.title, '将 ack 改为 x+1');
      const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, '服务器 -> 客户端', 1) });
      assert.match(hover.contents.value, /发送/);
      assert.match(hover.contents.value, /ack = x\+1，因为客户端 在第 3 行的 SYN 占用一个序号。/);
      const actions = await c.request<{ title: string }[]>('textDocument/codeAction', { textDocument: { uri }, range: p.diagnostics[0].range, context: { diagnostics: p.diagnostics } });
      assert.equal(actions[0].title, '将 ack 改为 x+1');
      assert.ok(actions.some((a) => a.title === '修复文件中所有 tcpflow 问题'));
    } finally {
      await c.stop();
    }
  });
});

describe('Markdown notes', () => {
  const md = [
    '# TCP notes',
    '',
    'Some prose with `C -> S SYN seq=1` inline code that is not checked.',
    '',
    '```tcpflow',
    'client C',
    'server S',
    'C -> S SYN seq=100',
    'S -> C SYN ACK seq=300 ack=100    # wrong on purpose',
    '```',
    '',
    '```python',
    'print("not tcpflow")',
    '```',
    '',
    '  ```tcpflow',
    '  client A',
    '  server B',
    '  A -> B  SYN  seq=7',
    '  A: SYN_SEND',
    '  ```',
    '',
  ].join('\r\n');
  let c: Client;
  let diags: Diagnostic[];
  const uri = 'file:///notes/tcp.md';
  before(async () => {
    c = await Client.start();
    await c.open(uri, md, 'markdown');
    diags = (await c.waitForDiagnostics(uri, 1)).diagnostics;
  });
  after(async () => {
    await c.stop();
  });

  it('maps findings of every block to the Markdown document', () => {
    assert.deepEqual(diags.map((d) => d.code), ['TF3001', 'TF1008']);
    assert.deepEqual(diags[0].range, { start: positionOf(md, 'ack=100', 4), end: positionOf(md, 'ack=100', 7) });
    assert.match(messageOf(diags[0]), /C's SYN at line 8 /, 'line numbers are the document\'s');
    assert.equal(diags[0].relatedInformation![0].location.range.start.line, 7);
    assert.deepEqual(diags[1].range, { start: positionOf(md, 'SYN_SEND'), end: positionOf(md, 'SYN_SEND', 8) });
  });

  it('quick fixes edit the block in place', async () => {
    const actions = await c.request<{ title: string; isPreferred?: boolean; edit: { documentChanges: { edits: never[] }[] } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diags[1].range,
      context: { diagnostics: [diags[1]], only: ['quickfix'] },
    });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, 'Write SYN_SENT');
    assert.equal(actions[0].isPreferred, true);
    assert.equal(applyEdits(md, actions[0].edit.documentChanges[0].edits), md.replace('A: SYN_SEND', 'A: SYN_SENT'));
  });

  it('hover and completion work inside blocks only', async () => {
    const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(md, 'S -> C SYN ACK', 2) });
    assert.match(h!.contents.value, /S → C/);
    const outside = await c.request('textDocument/hover', { textDocument: { uri }, position: positionOf(md, 'C -> S SYN seq=1`', 2) });
    assert.equal(outside, null);
    const comp = await c.request('textDocument/completion', { textDocument: { uri }, position: positionOf(md, 'Some prose', 4) });
    assert.equal(comp, null);
  });

  it('formatting changes only lines inside blocks and keeps comments', async () => {
    const edits = await c.request<{ range: { start: { line: number } } }[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.ok(edits.length > 0);
    const blockLines = new Set([5, 6, 7, 8, 16, 17, 18, 19]);
    for (const e of edits) assert.ok(blockLines.has(e.range.start.line), `edit on line ${e.range.start.line}`);
    const out = applyEdits(md, edits as never);
    assert.ok(out.includes('# wrong on purpose'));
    assert.ok(out.includes('Some prose with `C -> S SYN seq=1` inline code'));
    assert.ok(out.includes('\r\n  A -> B  SYN  seq=7\r\n'), 'the indented block keeps its indentation');
    assert.ok(out.includes('\r\nS -> C  SYN ACK  seq=300 ack=100  # wrong on purpose\r\n'), JSON.stringify(out));
  });

  it('symbols list each block with its endpoints', async () => {
    const syms = await c.request<{ name: string; children: { name: string }[] }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(syms.length, 2);
    assert.deepEqual(syms[0].children.map((s) => s.name), ['C', 'S', 'C ↔ S']);
    assert.deepEqual(syms[1].children.map((s) => s.name), ['A', 'B', 'A ↔ B']);
  });
});
