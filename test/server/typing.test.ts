/**
 * Typing through the protocol, as VS Code's client asks for it (`holdSyntaxWhileTyping`): the
 * syntax finding of the line being typed waits until the user pauses (about HOLD_MS after the
 * check) or leaves the line; other findings and other lines are published at once. Also
 * `tcpflow/statesAt`, which the status bar asks for.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { Client } from './lsp';
import { HOLD_MS } from '../../src/server/typing';

const DELAY = 20;
const HEAD = 'client C\nserver S\n';

const codesAt = (p: PublishDiagnosticsParams): string[] => p.diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every publication of `uri` for `version`, once `count` of them have come. */
async function publications(c: Client, uri: string, version: number, count: number, timeoutMs = 5000): Promise<PublishDiagnosticsParams[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = (c.published.get(uri) ?? []).filter((p) => p.version === version);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`${got.length} publications of v${version} of ${uri}, wanted ${count}: ${JSON.stringify(got.map(codesAt))}`);
    await sleep(10);
  }
}

describe('typing: a line being typed is no syntax error yet', () => {
  let c: Client;
  before(async () => {
    c = await Client.start({ settings: { diagnostics: { delay: DELAY } }, init: { holdSyntaxWhileTyping: true } });
  });
  after(async () => {
    await c.stop();
  });

  const insert = (uri: string, line: number, character: number, text: string): Promise<number> =>
    c.change(uri, [{ range: { start: { line, character }, end: { line, character } }, text }]);

  it('holds TF1010 on the typed line, then publishes it after the pause', async () => {
    const uri = 'file:///t/pause.tcpflow';
    await c.open(uri, HEAD);
    assert.deepEqual(codesAt(await c.waitForDiagnostics(uri, 1)), []);
    const typedAt = Date.now();
    const v = await insert(uri, 2, 0, 'S');
    const first = await c.waitForDiagnostics(uri, v);
    assert.deepEqual(codesAt(first), [], 'nothing while the line is fresh');
    const firstAt = Date.now();
    const [, second] = await publications(c, uri, v, 2);
    const secondAt = Date.now();
    assert.deepEqual(codesAt(second), ['TF1010@2'], 'the finding comes after the pause');
    assert.ok(firstAt - typedAt < HOLD_MS, `the first publication came at once (${firstAt - typedAt} ms)`);
    assert.ok(secondAt - typedAt >= HOLD_MS - 50, `the held finding waited about ${HOLD_MS} ms (${secondAt - typedAt} ms)`);
    assert.ok(secondAt - typedAt < HOLD_MS + 1500, `and not much longer (${secondAt - typedAt} ms)`);
  });

  it('publishes the held finding as soon as the cursor leaves the line (statesAt from the status bar)', async () => {
    const uri = 'file:///t/leave.tcpflow';
    await c.open(uri, HEAD);
    await c.waitForDiagnostics(uri, 1);
    const v = await insert(uri, 2, 0, 'S');
    assert.deepEqual(codesAt(await c.waitForDiagnostics(uri, v)), []);
    const left = Date.now();
    await c.conn.sendRequest('tcpflow/statesAt', { textDocument: { uri }, position: { line: 0, character: 0 } });
    const [, second] = await publications(c, uri, v, 2);
    assert.deepEqual(codesAt(second), ['TF1010@2']);
    assert.ok(Date.now() - left < HOLD_MS - 100, `published on leaving, before the pause would have (${Date.now() - left} ms)`);
  });

  it('a line break ends the line: its finding is published at once', async () => {
    const uri = 'file:///t/enter.tcpflow';
    await c.open(uri, HEAD);
    await c.waitForDiagnostics(uri, 1);
    await insert(uri, 2, 0, 'S');
    const v = await insert(uri, 2, 1, '\n');
    const first = await c.waitForDiagnostics(uri, v);
    assert.deepEqual(codesAt(first), ['TF1010@2']);
  });

  it('holds only syntax findings of the typed line: a wrong ack there and a syntax error elsewhere are published at once', async () => {
    const uri = 'file:///t/other.tcpflow';
    await c.open(uri, `${HEAD}oops\nC -> S SYN seq=100\nS -> C SYN ACK seq=300 ack=10\n`);
    await c.waitForDiagnostics(uri, 1);
    const v = await insert(uri, 4, 'S -> C SYN ACK seq=300 ack=10'.length, '0');
    const first = await c.waitForDiagnostics(uri, v);
    assert.deepEqual(codesAt(first).sort(), ['TF1010@2', 'TF3001@4']);
  });

  it('a client that does not ask gets every finding at once', async () => {
    const plain = await Client.start({ settings: { diagnostics: { delay: DELAY } } });
    try {
      const uri = 'file:///t/plain.tcpflow';
      await plain.open(uri, HEAD);
      await plain.waitForDiagnostics(uri, 1);
      const v = await plain.change(uri, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'S' }]);
      assert.deepEqual(codesAt(await plain.waitForDiagnostics(uri, v)), ['TF1010@2']);
    } finally {
      await plain.stop();
    }
  });
});

describe('tcpflow/statesAt', () => {
  let c: Client;
  before(async () => {
    c = await Client.start();
  });
  after(async () => {
    await c.stop();
  });

  it('gives every endpoint\'s state after the statement on the line, in .tcpflow files and Markdown blocks', async () => {
    const flow = `${HEAD}C -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x+1\nC -> S ACK seq=x+1 ack=y+1\n`;
    const uri = 'file:///s/flow.tcpflow';
    await c.open(uri, flow);
    const at = async (u: string, line: number): Promise<string> => {
      const r = (await c.conn.sendRequest('tcpflow/statesAt', { textDocument: { uri: u }, position: { line, character: 0 } })) as { line: number; states: { endpoint: string; state: string }[] } | null;
      return r ? r.states.map((s) => `${s.endpoint}: ${s.state}`).join(', ') : 'null';
    };
    assert.equal(await at(uri, 0), 'C: CLOSED, S: LISTEN');
    assert.equal(await at(uri, 2), 'C: SYN_SENT, S: SYN_RCVD');
    assert.equal(await at(uri, 3), 'C: ESTABLISHED, S: SYN_RCVD');
    assert.equal(await at(uri, 4), 'C: ESTABLISHED, S: ESTABLISHED');
    const note = ['# Notes', '', '```tcpflow', 'client C', 'server S', 'C -> S SYN seq=1', '```', 'after'].join('\n');
    const md = 'file:///s/note.md';
    await c.open(md, note, 'markdown');
    assert.equal(await at(md, 5), 'C: SYN_SENT, S: SYN_RCVD');
    assert.equal(await at(md, 0), 'null', 'outside a block: nothing');
    assert.equal(await at(md, 7), 'null');
  });
});

describe('completion while typing', () => {
  let c: Client;
  before(async () => {
    c = await Client.start();
  });
  after(async () => {
    await c.stop();
  });

  const HANDSHAKE = `${HEAD}C -> S SYN seq=x\n`;
  /** Labels offered at the end of `last` (the line being typed after HANDSHAKE), best first. */
  async function offered(name: string, last: string, trigger?: string): Promise<string[]> {
    const uri = `file:///c/${name}.tcpflow`;
    const text = HANDSHAKE + last;
    await c.open(uri, text);
    const r = (await c.conn.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: text.split('\n').length - 1, character: last.length },
      context: trigger ? { triggerKind: 2, triggerCharacter: trigger } : { triggerKind: 1 },
    })) as { label: string; sortText?: string }[] | { items: { label: string; sortText?: string }[] } | null;
    const items = r === null ? [] : Array.isArray(r) ? r : r.items;
    return [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);
  }

  it('endpoint names at the start of a line', async () => {
    const labels = await offered('start', 'S');
    assert.deepEqual(labels.slice(0, 2), ['C', 'S'], labels.join(', '));
  });

  it('after the arrow (`>` of `->`): the receivers; after the receiver and a space: the flags; once they are written, the expected seq and ack first', async () => {
    assert.deepEqual(await offered('arrow', 'S ->', '>'), ['C']);
    const body = await offered('body', 'S -> C ', ' ');
    assert.deepEqual(body.slice(0, 4), ['SYN', 'ACK', 'FIN', 'RST'], body.join(', '));
    const synAck = await offered('synack', 'S -> C SYN ACK ', ' ');
    assert.deepEqual(synAck.slice(0, 2), ['seq=y', 'ack=x+1'], synAck.join(', '));
  });

  it('after `ack=` (`=` typed): the expected value first', async () => {
    const labels = await offered('ack', 'S -> C SYN ACK seq=y ack=', '=');
    assert.equal(labels[0], 'x+1', labels.join(', '));
  });
});
