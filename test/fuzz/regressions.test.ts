/**
 * What the fuzz targets found, each as the minimal input fast-check shrank it to: the server
 * answering a TypeError for params it should have refused, a rewritten note finding that cited
 * another rule than its own, and packetdrill scripts imported into text that does not parse.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes } from 'vscode-languageserver';
import { analyze, analyzeFindings, checkNote } from '../../src/core/index';
import { importPacketdrill, PacketdrillImportError } from '../../src/core/import/packetdrill';
import { InProcessServer } from './server';

const syntax = (text: string): string[] => analyze(text).findings.filter((f) => f.code.startsWith('TF1')).map((f) => `${f.code} ${f.message}`);

describe('server: params of the wrong shape get InvalidParams, never a JavaScript error', () => {
  const URI = 'file:///regress/a.tcpflow';
  let s: InProcessServer;
  before(async () => {
    s = await InProcessServer.start();
    s.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'tcpflow', version: 1, text: 'client C\nserver S\nC -> S SYN seq=x\n' } });
    await s.request('textDocument/documentSymbol', { textDocument: { uri: URI } });
  });
  after(() => s.stop());

  const cases: [string, unknown][] = [
    ['textDocument/hover', null],
    ['textDocument/hover', 5],
    ['textDocument/definition', []],
    ['textDocument/semanticTokens/range', { textDocument: { uri: URI } }],
    ['textDocument/inlayHint', { textDocument: { uri: URI }, range: null }],
    ['textDocument/codeAction', { textDocument: { uri: URI }, range: null, context: null }],
    ['textDocument/rename', { textDocument: { uri: URI }, position: { line: 2, character: 0 }, newName: null }],
  ];
  for (const [method, params] of cases) {
    it(`${method} with ${JSON.stringify(params)}`, async () => {
      const r = await s.request(method, params);
      assert.equal(r.error?.code, ErrorCodes.InvalidParams, JSON.stringify(r));
      assert.deepEqual(s.takeProblems(), []);
    });
  }

  it('codeAction and references read a null context as none', async () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } };
    const a = await s.request('textDocument/codeAction', { textDocument: { uri: URI }, range, context: null });
    assert.ok(Array.isArray(a.result), JSON.stringify(a));
    const b = await s.request('textDocument/codeAction', { textDocument: { uri: URI }, range, context: { diagnostics: [null, 5, { range: null }], only: 7 } });
    assert.ok(Array.isArray(b.result), JSON.stringify(b));
    const r = await s.request('textDocument/references', { textDocument: { uri: URI }, position: { line: 2, character: 0 }, context: null });
    assert.ok(Array.isArray(r.result), JSON.stringify(r));
    assert.deepEqual(s.takeProblems(), []);
  });

  it('a notification with array params ($/setTrace []) logs no handler failure', async () => {
    s.notify('$/setTrace', []);
    await s.request('textDocument/documentSymbol', { textDocument: { uri: URI } });
    assert.deepEqual(s.takeProblems(), []);
  });
});

describe('notes: a loss written in words on a delivered arrow cites the finding\'s own rule', () => {
  it('in English and Chinese', () => {
    const md = '```mermaid\nsequenceDiagram\nC->>A: ACK 丢失\n```\n';
    for (const locale of ['en', 'zh-cn'] as const) {
      const f = checkNote(md, { locale }).findings.find((x) => x.code === 'TF2009');
      assert.ok(f, 'TF2009 reported');
      assert.ok(f.rule && f.message.includes(f.rule), `${f.message} names ${f.rule}`);
    }
  });
});

describe('packetdrill: what the importer writes parses', () => {
  const head = '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n';
  it('a payload length above 2^31 - 1 is an import error at its line', () => {
    assert.throws(() => importPacketdrill(`${head}+0 < S 0:0(2147483648) win 65535\n`), (e: unknown) => e instanceof PacketdrillImportError && e.line === 4 && /payload length 2147483648/.test(e.message));
  });
  it('an MSS its 16-bit field cannot hold is kept as a comment', () => {
    const r = importPacketdrill('0 < S 0:0(0) <mss 99999999999>\n');
    assert.deepEqual(syntax(r.text), []);
    assert.match(r.text, /mss 99999999999/);
  });
  it('a time of 1e21 seconds and more is written without an exponent', () => {
    const r = importPacketdrill(`${head}+0 < S 0:0(0) win 65535\n+0 > S. 0:0(0) ack 1\n+999999999999999934464.00 < . 1:1(0) ack 1 win 65535\n`);
    assert.deepEqual(syntax(r.text), []);
    assert.match(r.text, /^wait \d{22}s$/m);
  });
  it('a line break inside an option stays inside its comment', () => {
    const r = importPacketdrill(`${head}+0 < S 0:0(0) win 65535\n+0 > S. 0:0(0) ack 1 win 65535 <m\rss 1460,sackOK>\n`);
    assert.deepEqual(syntax(r.text), []);
  });
  it('--local_ip==ADDR (not an address) is skipped with a warning', () => {
    const r = importPacketdrill(`--local_ip==192.168.0.2\n--remote_ip=10.248.0.2\n${head}+0 < S 0:0(0) win 65535\n`);
    assert.deepEqual(syntax(r.text), []);
    assert.ok(r.warnings.some((w) => /--local_ip does not give an IPv4 or IPv6 address/.test(w.message)), JSON.stringify(r.warnings));
    assert.match(r.text, /10\.248\.0\.2/);
  });
});

describe('checker: accept on a listener a peer has only opened toward', () => {
  it('reports an empty accept queue instead of throwing (analyze and analyzeFindings)', () => {
    const text = 'client C\nserver S\nC open S\nS accept\n';
    const a = analyze(text);
    assert.deepEqual(analyzeFindings(text), a.findings);
    assert.ok(a.findings.some((f) => f.code === 'TF2006' && /S accept|accept/.test(f.message)), a.findings.map((f) => `${f.code} ${f.message}`).join(' | '));
    assert.deepEqual(checkNote('```tcpflow\n' + text + '```\n').findings.map((f) => f.code), a.findings.map((f) => f.code));
  });
});

describe('parser: an endpoint line ending in `state` does not read on into the next line', () => {
  for (const text of ['client x state\nclient C\n', 'client x state;\nclient C\n', '\nclient client start=\nclient C\nserver S\nC -> S SYN seq=0\n']) {
    it(JSON.stringify(text), () => {
      const a = analyze(text);
      assert.deepEqual(analyzeFindings(text, { piece: 0 }), a.findings);
      assert.ok(a.file.statements.some((s) => s.kind === 'endpoint' && s.name.text === 'C'), 'the second line declares C');
    });
  }
});

describe('findings-only check: a declaration after a full-width semicolon (；) is found', () => {
  for (const text of ['； client client Ⰰ ', '；client C\nserver S\nC -> S SYN seq=1\n', 'C -> S SYN seq=1\n；；server S\n；client C\n']) {
    it(JSON.stringify(text), () => {
      assert.deepEqual(analyzeFindings(text, { piece: 0 }), analyze(text).findings);
      assert.deepEqual(analyzeFindings(text), analyze(text).findings);
    });
  }
});

describe('parser: a bit-style flag with nothing after its `=` ends the statement at the line end', () => {
  for (const text of ['client C\nserver S\nC -> S FIN=//1\nC -> S ACK\n', 'client C\nserver S\nC -> S SYN=# note\nC -> S ACK\n', 'client C\nserver S\nC -> S RST=\r\nC -> S ACK\n']) {
    it(JSON.stringify(text), () => {
      const a = analyze(text);
      for (const s of a.file.statements) assert.doesNotMatch(text.slice(s.start, s.end), /[\r\n]/, `${s.kind} stays on its line`);
      const f = a.findings.find((x) => x.code === 'TF1002' || x.message.includes('0 or 1'));
      assert.ok(f, 'the missing value is reported');
      assert.doesNotMatch(text.slice(f.start, f.end), /[\r\n]/, 'the finding is not on the line break');
      assert.deepEqual(analyzeFindings(text, { piece: 0 }), a.findings);
    });
  }
});

describe('checker: the last event of a socket connected to itself is its own arrival', () => {
  it('names the state after the arrival in both checks (found by the checker fuzz target)', () => {
    const text = 'C -> C SYN=1, ACK=0, FIN=0 \nclient C 192.168.1.2:52528      \nS: CLOSE_WAIT, C: FIN_WAIT_2';
    const a = analyze(text);
    assert.deepEqual(analyzeFindings(text, { piece: 0 }), a.findings);
    assert.ok(a.findings.some((f) => f.message.includes('(C → C SYN ⇒ C SYN_RCVD)')), a.findings.map((f) => f.message).join(' | '));
  });
});

describe('checker: a segment written `as` its own sender answers a pending RST in both checks', () => {
  it('withdraws the warning the same way (found by the checker fuzz target)', () => {
    const text = 'client C\nserver S\nC -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x+1\nC -> S ACK seq=x+1 ack=y+1\nS -> C [SYN, RST] "GET / HTTP/1.1"\nC -> S ACK=0 as C ack=0\n';
    const a = analyze(text);
    assert.deepEqual(analyzeFindings(text, { piece: 0 }), a.findings);
    assert.deepEqual(analyzeFindings(text), a.findings);
    assert.ok(!a.findings.some((f) => f.code === 'TF2008'), 'the challenge ACK C writes answers the RST');
  });
});

describe('checker: an RST a receiver owes, written by it `as` another endpoint, is judged alike in both checks', () => {
  it('keys the spoofed segment by its writer in the findings-only check too (found by the checker fuzz target)', () => {
    const text = 'numbers relative\nclient C\nserver S backlog=1\nclient A\nC -> A [SYN] \nA -> C [RST] as S\n';
    const a = analyze(text);
    assert.deepEqual(analyzeFindings(text, { piece: 0 }), a.findings);
    assert.deepEqual(analyzeFindings(text), a.findings);
  });
});
