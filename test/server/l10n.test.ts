/**
 * The server's language through the protocol: the client's locale (`initialize`), the
 * `tcpflow.language` setting over it (from `initializationOptions` or `workspace/configuration`),
 * and a change of the setting, which re-checks the open documents in the new language.
 * Diagnostics, hover, inlay hints, the outline and completion are all checked in both languages.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { Client, positionOf } from './lsp';
import { expectedFor, simplify } from './expected';

/** A handshake, lost data, its retransmission, and an ACK with a wrong ack. */
const TEXT = [
  'client C',
  'server S',
  'C -> S SYN seq=x',
  'S -> C SYN ACK seq=y ack=x+1',
  'C -> S ACK seq=x+1 ack=y+1',
  'C -> S PSH ACK seq=x+1 ack=y+1 len=10 lost',
  'C -> S PSH ACK seq=x+1 ack=y+1 len=10',
  'S -> C ACK seq=y+1 ack=x+1',
  '',
].join('\n');

type Hint = { label: string };
type Symbol = { name: string; detail?: string; children?: Symbol[] };

interface Said {
  diagnostics: PublishDiagnosticsParams;
  lostHover: string;
  rtxHover: string;
  hints: string[];
  outline: string[];
  completion: string[];
}

/** Open TEXT under `uri` and collect what the server says about it. */
async function whatItSays(c: Client, uri: string): Promise<Said> {
  await c.open(uri, TEXT);
  const diagnostics = await c.waitForDiagnostics(uri, 1);
  return { diagnostics, ...(await features(c, uri)) };
}

async function features(c: Client, uri: string): Promise<Omit<Said, 'diagnostics'>> {
  const hover = async (occurrence: number) =>
    (await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEXT, 'C -> S PSH', 1, occurrence) })).contents.value;
  const hints = await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } } });
  const symbols = await c.request<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  const flat = (s: Symbol[]): string[] => s.flatMap((x) => [`${x.name}: ${x.detail ?? ''}`, ...flat(x.children ?? [])]);
  // At the start of the empty last line: the endpoints, with their roles.
  const items = await c.request<{ items: { label: string; detail?: string }[] } | { label: string; detail?: string }[]>('textDocument/completion', { textDocument: { uri }, position: { line: 8, character: 0 } });
  const completion = (Array.isArray(items) ? items : items.items).map((i) => `${i.label}: ${i.detail ?? ''}`);
  return { lostHover: await hover(0), rtxHover: await hover(1), hints: hints.map((h) => h.label), outline: flat(symbols), completion };
}

function assertChinese(s: Omit<Said, 'diagnostics'>, d?: PublishDiagnosticsParams): void {
  if (d) assert.deepEqual(simplify(d.diagnostics, expectedFor(TEXT, 'zh-cn')), expectedFor(TEXT, 'zh-cn'));
  assert.match(s.lostHover, /- \*\*C\*\*（发送）：ESTABLISHED → ESTABLISHED/);
  assert.match(s.lostHover, /- \*\*S\*\*：收不到（已丢失）/);
  assert.match(s.rtxHover, /`ACK, PSH` · len 10 · 重传/);
  assert.match(s.rtxHover, /- \*\*S\*\*（接收）：ESTABLISHED → ESTABLISHED/);
  assert.match(s.rtxHover, /ack = y\+1，因为 S 在第 4 行的 SYN 占用一个序号。$/);
  assert.ok(s.hints.includes('⇒ C: ESTABLISHED, S: 丢失'), s.hints.join('\n'));
  assert.ok(s.outline.some((x) => x.startsWith('C: 客户端')), s.outline.join('\n'));
  assert.ok(s.outline.some((x) => /: 6 个报文段$/.test(x)), s.outline.join('\n'));
  assert.ok(s.completion.includes('C: 端点（客户端）') && s.completion.includes('S: 端点（服务器）'), s.completion.join('\n'));
}

function assertEnglish(s: Omit<Said, 'diagnostics'>, d?: PublishDiagnosticsParams): void {
  if (d) assert.deepEqual(simplify(d.diagnostics, expectedFor(TEXT, 'en')), expectedFor(TEXT, 'en'));
  assert.match(s.lostHover, /- \*\*C\*\* \(sends\): ESTABLISHED → ESTABLISHED/);
  assert.match(s.lostHover, /\*\*S\*\*: never receives it \(lost\)/);
  assert.match(s.rtxHover, /`ACK, PSH` · len 10 · retransmission/);
  assert.match(s.rtxHover, /\*\*S\*\* \(receives\)/);
  assert.ok(s.hints.includes('⇒ C: ESTABLISHED, S: lost'), s.hints.join('\n'));
  assert.ok(s.outline.some((x) => x.startsWith('C: client')), s.outline.join('\n'));
  assert.ok(s.outline.some((x) => /: 6 segments$/.test(x)), s.outline.join('\n'));
  assert.ok(s.completion.includes('C: endpoint (client)') && s.completion.includes('S: endpoint (server)'), s.completion.join('\n'));
}

/** Wait until the last publication for `uri` passes `ok`. */
async function publishedUntil(c: Client, uri: string, ok: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = c.published.get(uri) ?? [];
    const last = list[list.length - 1];
    if (last && ok(last)) return last;
    if (Date.now() > until) throw new Error(`no such publication for ${uri}; last: ${JSON.stringify(last?.diagnostics.map((d) => d.message))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const chineseMessage = (p: PublishDiagnosticsParams): boolean => p.diagnostics.length === 1 && String(p.diagnostics[0].message).startsWith('ack 应为 x+11：');
const englishMessage = (p: PublishDiagnosticsParams): boolean => p.diagnostics.length === 1 && String(p.diagnostics[0].message).startsWith('ack should be x+11: ');

describe('the server speaks the client’s language', () => {
  it('a client in zh-cn gets Chinese diagnostics, hover, inlay hints and outline', async () => {
    const c = await Client.start({ locale: 'zh-cn' });
    try {
      const said = await whatItSays(c, 'file:///l10n/zh.tcpflow');
      assertChinese(said, said.diagnostics);
    } finally {
      await c.stop();
    }
  });

  it('a client in en (or any other language) gets English', async () => {
    for (const locale of ['en', 'de']) {
      const c = await Client.start({ locale });
      try {
        const said = await whatItSays(c, `file:///l10n/${locale}.tcpflow`);
        assertEnglish(said, said.diagnostics);
      } finally {
        await c.stop();
      }
    }
  });

  it('tcpflow.language: en over a zh-cn client, from workspace/configuration', async () => {
    const c = await Client.start({ locale: 'zh-cn', configuration: () => ({ language: 'en' }) });
    try {
      const said = await whatItSays(c, 'file:///l10n/override-en.tcpflow');
      assertEnglish(said, said.diagnostics);
    } finally {
      await c.stop();
    }
  });

  it('tcpflow.language: zh-cn over an en client, from initializationOptions when the client has no configuration', async () => {
    const c = await Client.start({ locale: 'en', settings: { language: 'zh-cn' } });
    try {
      const said = await whatItSays(c, 'file:///l10n/override-zh.tcpflow');
      assertChinese(said, said.diagnostics);
    } finally {
      await c.stop();
    }
  });

  it('an invalid tcpflow.language reads as auto', async () => {
    const c = await Client.start({ locale: 'zh-CN', configuration: () => ({ language: 'fr' }) });
    try {
      const said = await whatItSays(c, 'file:///l10n/invalid.tcpflow');
      assertChinese(said, said.diagnostics);
    } finally {
      await c.stop();
    }
  });

  it('a change of tcpflow.language re-checks the open documents and refreshes the inlay hints', async () => {
    const settings: { language: string } = { language: 'auto' };
    const c = await Client.start({ locale: 'en', configuration: () => settings });
    try {
      const uri = 'file:///l10n/switch.tcpflow';
      const md = 'file:///l10n/notes.md';
      const said = await whatItSays(c, uri);
      assertEnglish(said, said.diagnostics);
      await c.open(md, ['# Notes', '', '```tcpflow', TEXT, '```', ''].join('\n'), 'markdown');
      await publishedUntil(c, md, englishMessage);

      settings.language = 'zh-cn';
      const refreshes = c.requestsFromServer.filter((m) => m === 'workspace/inlayHint/refresh').length;
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      // Both open documents are published again, in Chinese, with no edit.
      const zh = await publishedUntil(c, uri, chineseMessage);
      assert.equal(zh.version, 1);
      assert.deepEqual(simplify(zh.diagnostics, expectedFor(TEXT, 'zh-cn')), expectedFor(TEXT, 'zh-cn'));
      await publishedUntil(c, md, chineseMessage);
      assertChinese(await features(c, uri));
      assert.ok(c.requestsFromServer.filter((m) => m === 'workspace/inlayHint/refresh').length > refreshes, 'the client is asked to refresh its inlay hints');

      // Back to auto: the client's own language (en) again.
      settings.language = 'auto';
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await publishedUntil(c, uri, englishMessage);
      await publishedUntil(c, md, englishMessage);
      assertEnglish(await features(c, uri));
    } finally {
      await c.stop();
    }
  });

  it('a client that pushes its settings (no workspace/configuration) switches too', async () => {
    const c = await Client.start({ locale: 'en' });
    try {
      const uri = 'file:///l10n/pushed.tcpflow';
      const said = await whatItSays(c, uri);
      assertEnglish(said, said.diagnostics);
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { tcpflow: { language: 'zh-cn' } } });
      await publishedUntil(c, uri, chineseMessage);
      assertChinese(await features(c, uri));
    } finally {
      await c.stop();
    }
  });
});
