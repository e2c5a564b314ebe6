/**
 * The server under stress and over its other transports: a 5 MB document, binary garbage, a
 * note with a huge mermaid diagram, input that makes the core throw, Node IPC instead of stdio,
 * and the browser build running in a worker. After each, the server must still answer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  DataCallback,
  Disposable,
  Message,
  PublishDiagnosticsParams,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { Client, FULL_CAPABILITIES, buildServer, positionOf } from './lsp';
import { expectedFor, messageOf, simplify } from './expected';

/**
 * A long flow of data segments, each acknowledged. `labelled` gives every data segment a label:
 * such a line is no plain segment line, so it is checked the long way (a tree, no header
 * prediction) and the flow takes several times longer to check.
 */
function bigFlow(bytes: number, labelled = false): string {
  const out = ['client C 10.0.0.2:5000', 'server S 10.0.0.1:80', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001'];
  let cs = 1001;
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const a = `C -> S PSH ACK seq=${cs} ack=5001 len=10${labelled ? ' "0123456789"' : ''}  # chunk ${i}`;
    cs += 10;
    const b = `S -> C ACK seq=5001 ack=${cs}`;
    out.push(a, b);
    size += a.length + b.length + 2;
  }
  return out.join('\n') + '\n';
}

describe('large and hostile input', () => {
  let c: Client;
  before(async () => {
    c = await Client.start();
  });
  after(async () => {
    await c.stop();
  });

  it('checks a 5 MB document, follows an edit at its end, and keeps answering', async () => {
    const text = bigFlow(5 * 1024 * 1024);
    assert.ok(text.length >= 5 * 1024 * 1024);
    const uri = 'file:///big/5mb.tcpflow';
    await c.open(uri, text);
    const p1 = await c.waitForDiagnostics(uri, 1, 60000);
    assert.deepEqual(p1.diagnostics, []);
    // A wrong ack on a new last line.
    const end = text.length;
    const v2 = await c.change(uri, [c.replace(uri, end, end, 'S -> C ACK seq=5001 ack=1\n')]);
    const p2 = await c.waitForDiagnostics(uri, v2, 60000);
    assert.deepEqual(p2.diagnostics.map((d) => d.code), ['TF3001']);
    assert.equal(p2.diagnostics[0].range.start.line, text.split('\n').length - 1);
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 1 } });
    assert.match(hover.contents.value, /S → C/);
    await c.close(uri);
  });

  it('drops the check of a document closed while it was being checked', async () => {
    // (Labelled lines: a check long enough to close the document in its middle.)
    const text = bigFlow(4 * 1024 * 1024, true);
    const uri = 'file:///big/closed-early.tcpflow';
    const opened = Date.now();
    await c.open(uri, text);
    await c.waitForDiagnostics(uri, 1, 60000);
    const checkMs = Date.now() - opened;
    // The next check waits 300 ms (the adaptive delay is capped there; this document takes
    // longer to check) and then runs for over a second: close the document in the middle.
    const t0 = Date.now();
    const v2 = await c.change(uri, [c.replace(uri, 0, 0, '# edited\n')]);
    await new Promise((r) => setTimeout(r, 300 + checkMs / 3));
    await c.close(uri);
    const closedAt = Date.now() - t0;
    const cleared = await c.waitForDiagnostics(uri, undefined, 60000);
    assert.equal(cleared.version, undefined);
    await new Promise((r) => setTimeout(r, 500));
    const seen = c.published.get(uri)!.map((p) => p.version);
    assert.deepEqual(seen, [1, undefined], `published ${seen.join(',')} (a check takes ~${checkMs} ms; close sent after ${closedAt} ms)`);
    assert.ok(!seen.includes(v2));
  });

  it('keeps answering other requests while a long document is being checked', async () => {
    const small = 'file:///big/small-beside.tcpflow';
    await c.open(small, 'client C\nserver S\nC -> S SYN seq=1\nS -> C SYN ACK seq=9 ack=2\n');
    await c.waitForDiagnostics(small, 1);
    const uri = 'file:///big/long-check.tcpflow';
    const text = bigFlow(4 * 1024 * 1024, true);
    let publishedAt = 0;
    const done = c.waitForDiagnostics(uri, 1, 60000).then(() => (publishedAt = performance.now()));
    await c.open(uri, text);
    // Ask about the small document again and again until the long one is published: the check
    // pauses between slices of statements, so several answers come back before it ends.
    const answered: number[] = [];
    while (publishedAt === 0) {
      const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: small }, position: { line: 3, character: 1 } });
      assert.match(hover!.contents.value, /S → C/);
      if (publishedAt === 0) answered.push(performance.now());
    }
    await done;
    assert.ok(answered.length >= 3, `only ${answered.length} hover(s) answered during the check of a ${(text.length / 1e6).toFixed(1)} MB document`);
    await c.close(uri);
    await c.close(small);
  });

  it('survives 5 MB of binary garbage: capped diagnostics, then answers', async () => {
    const garbage = randomBytes(5 * 1024 * 1024).toString('latin1');
    const uri = 'file:///big/garbage.tcpflow';
    await c.open(uri, garbage);
    const p = await c.waitForDiagnostics(uri, 1, 60000);
    assert.equal(p.diagnostics.length, 1001, 'at most maxProblems (1000) plus a note');
    assert.match(messageOf(p.diagnostics[1000]), /more problems are not shown/);
    assert.ok(p.diagnostics.slice(0, 1000).every((d) => typeof d.code === 'string' && d.code.startsWith('TF1')));
    const hover = await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.ok(hover === null || typeof hover === 'object');
    await c.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 3 } });
    await c.close(uri);
    const small = 'file:///big/after.tcpflow';
    await c.open(small, 'client C\nserver S\nC -> S SYN seq=1\nS -> C SYN ACK seq=9 ack=1\n');
    const q = await c.waitForDiagnostics(small, 1);
    assert.deepEqual(q.diagnostics.map((d) => d.code), ['TF3001']);
  });

  it('a note with a 4,000-segment mermaid diagram of wrong numbers and a fence of binary garbage: capped diagnostics, then answers', async () => {
    const lines = ['# A long note', '', '```mermaid', 'sequenceDiagram', '  C->>S: SYN seq=1000', '  S->>C: SYN ACK seq=5000 ack=1001', '  C->>S: ACK seq=1001 ack=5001'];
    for (let i = 0; i < 2000; i++) lines.push('  C->>S: PSH ACK seq=7 ack=5001 Len=10', '  S->>C: ACK seq=5001 ack=3');
    lines.push('```', '', '```mermaid', 'sequenceDiagram', randomBytes(1024 * 1024).toString('latin1').replace(/`/g, "'"), '```', '');
    const md = lines.join('\n');
    const uri = 'file:///big/long-note.md';
    await c.open(uri, md, 'markdown');
    const p = await c.waitForDiagnostics(uri, 1, 60000);
    assert.equal(p.diagnostics.length, 1001, 'at most maxProblems (1000) plus a note');
    assert.deepEqual([...new Set(p.diagnostics.slice(0, 1000).map((d) => d.code))].sort(), ['TF3001', 'TF3002'], 'wrong seqs and acks only');
    const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 4 } });
    assert.match(hover.contents.value, /S → C/);
    const hints = await c.request<unknown[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 5000, character: 0 } } });
    assert.ok(hints.length > 0);
    const actions = await c.request<{ kind: string }[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, context: { diagnostics: [] } });
    assert.ok(actions.some((x) => x.kind === 'refactor.rewrite'));
    await c.close(uri);
  });

  it('answers 200,000 nested parentheses with a finding, not a crash', async () => {
    const text = 'client C\nserver S\nC -> S SYN seq=' + '('.repeat(200000) + '\n';
    const uri = 'file:///big/deep.tcpflow';
    await c.open(uri, text);
    const p = await c.waitForDiagnostics(uri, 1, 60000);
    assert.ok(p.diagnostics.length >= 1);
    assert.ok(p.diagnostics.some((d) => /nested parentheses/.test(messageOf(d))), p.diagnostics.map(messageOf).join(' | '));
    const v = await c.change(uri, [{ range: { start: { line: 2, character: 15 }, end: { line: 2, character: 200015 } }, text: '1' }]);
    assert.deepEqual((await c.waitForDiagnostics(uri, v)).diagnostics, []);
    await c.close(uri);
  });
});

describe('transports', () => {
  const TEXT = 'client C\nserver S\nC -> S SYN seq=1000\nS -> C SYN ACK seq=5000 ack=1000 # off by one\n';

  it('works over Node IPC (what the VS Code client uses)', async () => {
    const c = await Client.start({ transport: 'ipc' });
    try {
      const uri = 'file:///ipc/a.tcpflow';
      await c.open(uri, TEXT);
      const p = await c.waitForDiagnostics(uri, 1);
      assert.deepEqual(simplify(p.diagnostics, expectedFor(TEXT)), expectedFor(TEXT));
      const h = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEXT, 'S -> C', 1) });
      assert.match(h.contents.value, /ack = 1001 because C's SYN at line 3/);
    } finally {
      await c.stop();
    }
  });

  it('the browser build answers from a worker', async () => {
    const { browser } = await buildServer();
    // A worker that looks like a dedicated web worker to the bundle: `self`, `onmessage`, `postMessage`.
    const boot = `
      const { parentPort } = require('node:worker_threads');
      let handler;
      globalThis.self = globalThis;
      globalThis.postMessage = (m) => parentPort.postMessage(m);
      globalThis.addEventListener = () => {};
      Object.defineProperty(globalThis, 'onmessage', { get: () => handler, set: (h) => { handler = h; } });
      parentPort.on('message', (data) => handler && handler({ data }));
      require(${JSON.stringify(browser)});
    `;
    const worker = new Worker(boot, { eval: true });
    class Reader extends AbstractMessageReader {
      listen(callback: DataCallback): Disposable {
        const h = (m: Message) => callback(m);
        worker.on('message', h);
        return { dispose: () => worker.off('message', h) };
      }
    }
    class Writer extends AbstractMessageWriter {
      async write(msg: Message): Promise<void> {
        worker.postMessage(msg);
      }
      end(): void {}
    }
    const conn = createProtocolConnection(new Reader(), new Writer());
    const published: PublishDiagnosticsParams[] = [];
    const got = new Promise<PublishDiagnosticsParams>((resolve) =>
      conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
        published.push(p);
        resolve(p);
      }),
    );
    conn.listen();
    try {
      await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: FULL_CAPABILITIES, locale: 'zh-cn' });
      await conn.sendNotification('initialized', {});
      const uri = 'file:///web/a.tcpflow';
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'tcpflow', version: 1, text: TEXT } });
      const p = await got;
      assert.equal(p.version, 1);
      assert.deepEqual(simplify(p.diagnostics, expectedFor(TEXT, 'zh-cn')), expectedFor(TEXT, 'zh-cn'));
      const h = await conn.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEXT, 'S -> C', 1) });
      assert.match(h.contents.value, /ack = 1001，因为/);
      // A note with a mermaid diagram: the worker reads it too.
      const note = ['# 握手', '', '```mermaid', 'sequenceDiagram', '  C->>S: SYN=1, seq=x', '  S->>C: SYN=1, ACK=1, seq=y, ack=x', '```', ''].join('\n');
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///web/note.md', languageId: 'markdown', version: 1, text: note } });
      let md: PublishDiagnosticsParams | undefined;
      for (let i = 0; i < 500 && !md; i++) {
        md = published.find((x) => x.uri === 'file:///web/note.md');
        if (!md) await new Promise((r) => setTimeout(r, 10));
      }
      assert.deepEqual(md!.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['TF3001', 5, 34]]);
      assert.match(messageOf(md!.diagnostics[0]), /^ack 应为 x\+1/);
      await conn.sendRequest('shutdown');
    } finally {
      conn.dispose();
      await worker.terminate();
    }
  });
});
