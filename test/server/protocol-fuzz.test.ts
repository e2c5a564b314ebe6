/**
 * The server over raw stdio against a hostile client: malformed headers, bodies that are not
 * JSON, notifications with null or wrongly typed fields, requests with out-of-range or missing
 * positions, and a seeded stream of random messages. After each, the process is alive and a
 * well-formed request is answered. Also: formatting a 5 MB document (an array spread into a call
 * overflowed the stack).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fc from 'fast-check';
import { buildServer } from './lsp';
import { isNotification, lspMessage } from '../fuzz/generators';

interface Reply {
  id?: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
}

/** A client that writes bytes, not messages: framing is the test's own. */
class RawClient {
  private out = Buffer.alloc(0);
  private waiting = new Map<number, (r: Reply) => void>();
  private nextId = 1;
  exited: number | null | undefined;
  readonly stderr: string[] = [];

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.out = Buffer.concat([this.out, d]);
      for (;;) {
        const end = this.out.indexOf('\r\n\r\n');
        if (end < 0) return;
        const m = /Content-Length: (\d+)/i.exec(this.out.subarray(0, end).toString('ascii'));
        assert.ok(m, 'the server frames its messages');
        const len = Number(m[1]);
        if (this.out.length < end + 4 + len) return;
        const msg = JSON.parse(this.out.subarray(end + 4, end + 4 + len).toString('utf8')) as Reply;
        this.out = this.out.subarray(end + 4 + len);
        if (typeof msg.id === 'number' && this.waiting.has(msg.id) && msg.method === undefined) {
          this.waiting.get(msg.id)!(msg);
          this.waiting.delete(msg.id);
        } else if (msg.method !== undefined && msg.id !== undefined) {
          // A request from the server (workspace/configuration, refresh): answer null.
          this.send({ jsonrpc: '2.0', id: msg.id, result: null });
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    child.on('exit', (code) => (this.exited = code));
  }

  static async start(): Promise<RawClient> {
    const { node } = await buildServer();
    const c = new RawClient(spawn(process.execPath, [node, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const init = await c.request('initialize', { processId: null, rootUri: null, capabilities: {} });
    assert.ok(init.result, 'initialized');
    c.notify('initialized', {});
    return c;
  }

  raw(bytes: string | Buffer): void {
    this.child.stdin!.write(bytes);
  }

  send(msg: object): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.raw(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  request(method: string, params: unknown, timeout = 20_000): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} #${id} (server ${this.exited === undefined ? 'alive' : `exited ${String(this.exited)}`})`)), timeout);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** The server is alive and answers a well-formed request about an open document. */
  async answers(uri: string): Promise<void> {
    assert.equal(this.exited, undefined, `the server exited: ${this.stderr.join('')}`);
    const r = await this.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.ok(Array.isArray(r.result), 'symbols of the open document');
  }

  stop(): void {
    this.child.kill();
  }
}

const FLOW = 'client C\nserver S\nC -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x+1\n';
const URI = 'file:///fuzz/a.tcpflow';

describe('the server survives a hostile client', () => {
  let c: RawClient;
  before(async () => {
    c = await RawClient.start();
    c.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'tcpflow', version: 1, text: FLOW } });
    await c.answers(URI);
  });
  after(() => c.stop());

  it('a bad Content-Length, garbage between messages and a body that is not JSON are skipped', async () => {
    c.raw('Content-Length: abc\r\n\r\n{"jsonrpc":"2.0","method":"x"}');
    await c.answers(URI);
    c.raw('\u0000\u0001 hello there\r\n');
    await c.answers(URI);
    c.raw('Content-Length: 7\r\n\r\n{bad: }');
    await c.answers(URI);
    c.raw('X-Nothing: 1\r\n\r\n');
    await c.answers(URI);
    c.raw('Content-Length: 99999999999999\r\n\r\n');
    await c.answers(URI);
  });

  it('notifications with null or wrongly typed fields are ignored', async () => {
    c.notify('textDocument/didOpen', { textDocument: { uri: 'file:///fuzz/null.tcpflow', languageId: 'tcpflow', version: 1, text: null } });
    c.notify('textDocument/didOpen', { textDocument: null });
    c.notify('textDocument/didOpen', null);
    c.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: null });
    c.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: 5 }] });
    c.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: 'x', range: { start: { line: -1, character: 0 }, end: { line: 'a', character: 0 } } }] });
    c.notify('textDocument/didClose', { textDocument: { uri: 42 } });
    c.notify('workspace/didChangeConfiguration', null);
    await c.answers(URI);
    const r = await c.request('textDocument/documentSymbol', { textDocument: { uri: 'file:///fuzz/null.tcpflow' } });
    assert.ok(!Array.isArray(r.result), 'the document with a null text was never opened');
  });

  it('requests with missing or out-of-range positions get an answer (an error or null), never silence', async () => {
    const asks: [string, unknown][] = [
      ['textDocument/hover', { textDocument: { uri: URI }, position: null }],
      ['textDocument/hover', { textDocument: null, position: { line: 0, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri: URI }, position: { line: 1e9, character: 1e9 } }],
      ['textDocument/hover', { textDocument: { uri: URI }, position: { line: -3, character: 0.5 } }],
      ['textDocument/completion', { textDocument: { uri: URI }, position: { line: 'x', character: [] } }],
      ['textDocument/definition', null],
      ['textDocument/codeAction', { textDocument: { uri: URI }, range: null, context: null }],
      ['textDocument/codeAction', { textDocument: { uri: URI }, range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }, context: { diagnostics: null } }],
      ['textDocument/inlayHint', { textDocument: { uri: URI }, range: { start: { line: 0, character: 0 }, end: { line: 1e9, character: 0 } } }],
      ['textDocument/formatting', { textDocument: { uri: URI }, options: null }],
      ['textDocument/rename', { textDocument: { uri: URI }, position: { line: 2, character: 0 }, newName: null }],
      ['textDocument/semanticTokens/range', { textDocument: { uri: URI }, range: { start: null, end: null } }],
      ['no/such/method', { anything: true }],
    ];
    for (const [method, params] of asks) {
      const r = await c.request(method, params);
      assert.ok('result' in r || 'error' in r, `${method} answered`);
      if (r.error) assert.equal(typeof r.error.message, 'string');
    }
    await c.answers(URI);
  });

  it('a seeded stream of random messages leaves it answering', async () => {
    // Well-framed messages with the shapes of test/fuzz/generators.ts (null fields, wrong types,
    // out-of-range positions); the in-process fuzz target (test/fuzz) sends them by the million.
    const messages = fc.sample(lspMessage, { numRuns: 300, seed: 0x5eed });
    const pending: Promise<Reply>[] = [];
    for (const m of messages) {
      if (isNotification(m.method)) c.notify(m.method, m.params);
      else pending.push(c.request(m.method, m.params));
    }
    const replies = await Promise.all(pending);
    assert.ok(replies.every((r) => 'result' in r || 'error' in r));
    // Put the document back as it was (a random didChange may have landed) and ask again.
    c.notify('textDocument/didClose', { textDocument: { uri: URI } });
    c.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'tcpflow', version: 100, text: FLOW } });
    await c.answers(URI);
  });

  it('formats a 5 MB document', async () => {
    const lines = ['client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001'];
    let seq = 1001;
    while (lines.length * 40 < 5 * 1024 * 1024) {
      lines.push(`C   ->   S  PSH  ACK  seq=${seq}  ack=5001 len=10`);
      seq += 10;
    }
    const uri = 'file:///fuzz/big.tcpflow';
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'tcpflow', version: 1, text: lines.join('\n') + '\n' } });
    const r = await c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }, 120_000);
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.ok(Array.isArray(r.result) && r.result.length > 0, 'edits for the whole document');
    await c.answers(URI);
  });
});
