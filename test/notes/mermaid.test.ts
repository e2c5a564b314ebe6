/**
 * The mermaid reader (`src/core/notes/`): the ways notes write segments, states and losses; the
 * findings at the Markdown file's line and column; fixes that are edits of the mermaid text in
 * the note's own notation (applied, the diagram is clean); diagrams and messages that are not
 * TCP; the converter to tcpflow giving the same findings.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, checkMermaid, checkNote, extractFences, LineIndex, mermaidToTcpflow, readLabel, readMermaid } from '../../src/core/index';
import type { Finding } from '../../src/core/index';

const diagram = (...l: string[]): string => ['sequenceDiagram', ...l].join('\n') + '\n';

/** `CODE @ line:col` (1-based) of each finding. */
function where(text: string, findings: Finding[]): string[] {
  const li = new LineIndex(text);
  return findings.map((f) => {
    const p = li.positionAt(f.start);
    return `${f.code} @ ${p.line + 1}:${p.character + 1}`;
  });
}

function codes(text: string): string[] {
  return checkMermaid(text).findings.map((f) => f.code);
}

/** Apply every fix's edits (back to front) to the text. */
function applyFix(text: string, f: Finding): string {
  assert.ok(f.fix, `${f.code} has a fix`);
  let out = text;
  for (const e of [...f.fix.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

function label(s: string) {
  const r = readLabel(s, 0, s.length);
  return {
    flags: r.flags.map((f) => (f.set ? f.flag : `${f.flag}=0`)).join(' '),
    seq: r.seq && s.slice(r.seq.valueSpan.start, r.seq.valueSpan.end),
    ack: r.ack && s.slice(r.ack.valueSpan.start, r.ack.valueSpan.end),
    segment: r.segment,
  };
}

describe('message text read as a segment', () => {
  const cases: [string, string, string | undefined, string | undefined][] = [
    ['SYN=1, seq=x', 'SYN', 'x', undefined],
    ['SYN+ACK seq=y ack=x+1', 'SYN ACK', 'y', 'x+1'],
    ['[SYN, ACK] Seq=0 Ack=1', 'SYN ACK', '0', '1'],
    ['1. SYN', 'SYN', undefined, undefined],
    ['2. SYN + ACK', 'SYN ACK', undefined, undefined],
    ['ACK=1 ack=y+1', 'ACK', undefined, 'y+1'],
    ['FIN=1,seq=u', 'FIN', 'u', undefined],
    ['SYN=1 ACK=1 seq=y ack=x+1', 'SYN ACK', 'y', 'x+1'],
    ['SYN=1，ACK=1，seq=y，ack=x+1', 'SYN ACK', 'y', 'x+1'],
    ['SYN=1, ACK=0, seq=x', 'SYN ACK=0', 'x', undefined],
    ['ACK ack = x + 1', 'ACK', undefined, 'x + 1'],
    ['ACK seq=x+1', 'ACK', 'x+1', undefined],
    ['SYN(seq=1000)', 'SYN', '1000', undefined],
    ['SYN-ACK(seq=2000, ack=1001)', 'SYN ACK', '2000', '1001'],
    ['SYN/ACK', 'SYN ACK', undefined, undefined],
    ['SYN seq=ISN_C', 'SYN', 'ISN_C', undefined],
    ['ACK 第三次握手', 'ACK', undefined, undefined],
    ['Seq=0x4ce45751 Ack=0xc112f694 [ACK]', 'ACK', '0x4ce45751', '0xc112f694'],
  ];
  for (const [text, flags, seq, ack] of cases) {
    it(text, () => assert.deepEqual(label(text), { flags, seq, ack, segment: true }));
  }
  it('ACK=x+1 is the flag written with the number (the seeds\' mix-up)', () => {
    const r = readLabel('ACK=x+1', 0, 7);
    assert.equal(r.flags.length, 0);
    assert.ok(r.ackFlagValue);
  });
  for (const text of ['listen()', 'accept()', 'close()', 'POST /login HTTP/1.1', 'HTTP/1.1 200 OK (Set-Cookie: sessionid=ABC123XYZ)', '返回已就绪的 socket', 'Data: "Hello"', '3. 建立连接并正常释放', 'put', '']) {
    it(`'${text}' is no segment`, () => assert.equal(readLabel(text, 0, text.length).segment, false));
  }
});

describe('mermaid diagrams checked', () => {
  it('a wrong ack is found at its line and column in the Markdown file, and its fix edits the mermaid text', () => {
    const md = ['# Handshake', '', 'Prose.', '', '```mermaid', 'sequenceDiagram', '  participant C as 客户端', '  participant S as 服务端', '  C->>S: SYN=1, seq=x', '  S->>C: SYN=1, ACK=1, seq=y, ack=x', '  C->>S: ACK=1, seq=x+1, ack=y+1', '```', ''].join('\n');
    const r = checkNote(md);
    assert.deepEqual(where(md, r.findings), ['TF3001 @ 10:35']);
    const f = r.findings[0];
    assert.match(f.message, /ack should be x\+1: C's SYN at line 9/);
    assert.equal(f.expected, 'x+1');
    assert.equal(f.actual, 'x');
    const fixed = applyFix(md, f);
    assert.match(fixed, /S->>C: SYN=1, ACK=1, seq=y, ack=x\+1\n/);
    assert.deepEqual(checkNote(fixed).findings, []);
  });

  it('the messages are in the chosen language', () => {
    const t = diagram('C->>S: SYN seq=x', 'S->>C: SYN+ACK seq=y ack=x');
    assert.match(checkMermaid(t, 0, t.length, { locale: 'zh-cn' }).findings[0].message, /ack 应为 x\+1/);
  });

  const flagFixes: [string, string][] = [
    ['S->>C: SYN=1, seq=y, ack=x+1', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1'],
    ['S->>C: SYN=1，seq=y，ack=x+1', 'S->>C: SYN=1，ACK=1，seq=y，ack=x+1'],
    ['S->>C: SYN=1 seq=y ack=x+1', 'S->>C: SYN=1 ACK=1 seq=y ack=x+1'],
    ['S->>C: SYN seq=y ack=x+1', 'S->>C: SYN ACK seq=y ack=x+1'],
    ['S->>C: [SYN] Seq=y Ack=x+1', 'S->>C: [SYN, ACK] Seq=y Ack=x+1'],
    ['S->>C: SYN=1, ACK=0, seq=y, ack=x+1', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1'],
  ];
  for (const [wrong, right] of flagFixes) {
    it(`a SYN-ACK without the ACK flag is fixed in the note's notation: ${wrong}`, () => {
      const t = diagram('C->>S: SYN=1, seq=x', wrong, 'C->>S: ACK=1, seq=x+1, ack=y+1');
      const r = checkMermaid(t);
      assert.deepEqual(r.findings.map((f) => f.code), ['TF3005']);
      const fixed = applyFix(t, r.findings[0]);
      assert.equal(fixed.split('\n')[2], right);
      assert.deepEqual(codes(fixed), []);
    });
  }

  it('the ACK flag written with the number (ACK=x+1) is fixed to ACK=1, ack=x+1', () => {
    const t = diagram('C->>S: SYN=1, seq=x', 'S->>C: SYN=1, ACK=x+1, seq=y', 'C->>S: ACK=1, seq=x+1, ack=y+1');
    const r = checkMermaid(t);
    assert.deepEqual(r.findings.map((f) => f.code), ['TF3007']);
    assert.equal(applyFix(t, r.findings[0]).split('\n')[2], 'S->>C: SYN=1, ACK=1, ack=x+1, seq=y');
  });

  it('correct diagrams in every notation give no finding', () => {
    const clean = [
      diagram('participant C as 客户端', 'participant S as 服务端', 'C->>S: SYN=1, seq=x', 'Note left of C: SYN_SENT', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1', 'Note right of S: SYN_RCVD', 'C->>S: ACK=1, seq=x+1, ack=y+1', 'Note over C: ESTABLISHED', 'Note over S: ESTABLISHED'),
      diagram('C->>S: [SYN] Seq=0', 'S->>C: [SYN, ACK] Seq=0 Ack=1', 'C->>S: [ACK] Seq=1 Ack=1', 'C->>S: [FIN, ACK] Seq=1 Ack=1', 'S->>C: [ACK] Seq=1 Ack=2', 'S->>C: [FIN, ACK] Seq=1 Ack=2', 'C->>S: [ACK] Seq=2 Ack=2'),
      // The textbook teardown: the first FIN without ACK (notes leave it out), the ACK's ack left out.
      diagram('C->>S: SYN=1, seq=x', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1', 'C->>S: ACK=1, seq=x+1, ack=y+1', 'C->>S: FIN=1, seq=u', 'Note left of C: FIN_WAIT_1', 'S->>C: ACK=1, seq=v, ack=u+1', 'Note right of S: CLOSE_WAIT', 'S->>C: FIN=1, ACK=1, seq=w, ack=u+1', 'Note right of S: LAST_ACK', 'C->>S: ACK=1, seq=u+1, ack=w+1', 'Note left of C: TIME_WAIT', 'Note right of S: CLOSED'),
      diagram('autonumber', '%% a comment', 'actor C as Client', 'box 服务端', 'participant S as Server', 'end', 'rect rgb(200, 220, 255)', 'C ->> S : SYN seq = x', 'end', 'loop 重试', 'S-->>C: SYN+ACK seq=y ack = x + 1', 'end', 'alt ok', 'C->>S: ACK seq=x+1 ack=y+1', 'else 失败', 'Note over C: 超时', 'end', 'par', 'activate S', 'deactivate S', 'end', 'critical x', 'opt y', 'end', 'end'),
      diagram('C->>S: 1. SYN', 'Note left of C: State: SYN_SENT', 'S->>C: 2. SYN + ACK', 'Note right of S: 服务端状态 SYN_RCVD', 'C->>S: 3. ACK', 'Note left of C: 客户端状态：已建立'),
      // A teardown drawn without numbers, with async arrows.
      diagram('C->>S: SYN', 'S->>C: SYN+ACK', 'C->>S: ACK', 'C-)S: FIN', 'Note over C: FIN_WAIT_1', 'S-)C: ACK', 'Note over C: FIN_WAIT_2', 'S-)C: FIN', 'Note over S: LAST_ACK', 'C-)S: ACK', 'Note over C: TIME_WAIT', 'Note over S: CLOSED'),
      // A server drawn first and a lost SYN-ACK retransmitted.
      diagram('participant S as Server', 'participant C as Client', 'C->>S: SYN seq=100', 'S--xC: SYN ACK seq=300 ack=101', 'S->>C: SYN ACK seq=300 ack=101 (重传)', 'C->>S: ACK seq=101 ack=301'),
    ];
    for (const t of clean) assert.deepEqual(codes(t), [], t);
  });

  it('a diagram that is not about TCP, and messages that are not segments, give nothing', () => {
    const http = diagram('participant B as Browser', 'participant W as Web', 'B->>W: GET /index.html HTTP/1.1', 'W-->>B: HTTP/1.1 200 OK', 'Note over B: ESTABLISHED');
    const r = readMermaid(http);
    assert.equal(r.tcp, false);
    assert.deepEqual(checkMermaid(http).findings, []);
    const calls = diagram('s ->> s : bind()', 's ->> s : listen()', 'c ->> s : 1. SYN', 's ->> c : 2. SYN + ACK', 'c ->> s : 3. ACK', 's ->> s : accept()', 'c ->> s : GET / HTTP/1.1', 'c ->> c : close()');
    assert.equal(readMermaid(calls).segments, 3);
    assert.deepEqual(codes(calls), []);
    assert.equal(readMermaid('graph TD\n  A-->B: SYN\n').tcp, false);
    assert.equal(readMermaid('').tcp, false);
  });

  it('the model gives each arrow\'s states, at the arrow in the Markdown text (for hover and inlay hints)', () => {
    const md = '# n\n\n```mermaid\n' + diagram('C->>S: SYN seq=x', 'S->>C: SYN+ACK seq=y ack=x+1') + '```\n';
    const r = checkMermaid(md, md.indexOf('sequenceDiagram'), md.lastIndexOf('```'));
    const segs = (r.model?.events ?? []).filter((e) => e.kind === 'segment');
    assert.deepEqual(
      segs.map((e) => (e.kind === 'segment' ? `${md.slice(e.stmt.start, e.stmt.end)} => ${e.send.after.state}` : '')),
      ['C->>S: SYN seq=x => SYN_SENT', 'S->>C: SYN+ACK seq=y ack=x+1 => SYN_RCVD'],
    );
    // A teardown alone: the handshake the reader assumes has empty spans and is listed.
    const t = readMermaid(diagram('C->>S: FIN', 'S->>C: ACK'));
    assert.equal(t.assumedHandshake.length, 3);
    assert.ok(t.assumedHandshake.every((s) => s.start === s.end));
  });

  it('the first sender of a SYN without ACK is the client', () => {
    const r = readMermaid(diagram('participant S', 'participant C', 'C->>S: SYN', 'S->>C: SYN+ACK', 'C->>S: ACK'));
    assert.deepEqual(r.participants.map((p) => `${p.id}:${p.role}`), ['S:server', 'C:client']);
  });

  it('flags without numbers: the order is checked, nothing is said about numbers', () => {
    assert.deepEqual(codes(diagram('C->>S: SYN', 'S->>C: SYN+ACK', 'C->>S: ACK', 'C->>S: FIN', 'S->>C: ACK', 'S->>C: FIN', 'C->>S: ACK')), []);
    // A SYN sent again once established is wrong whatever the numbers (one finding, the
    // sender's: the receiver's challenge ACK is not reported again).
    assert.deepEqual(codes(diagram('C->>S: SYN', 'S->>C: SYN+ACK', 'C->>S: ACK', 'C->>S: SYN')), ['TF2001']);
    // A state note that disagrees with the flow.
    assert.deepEqual(codes(diagram('C->>S: SYN', 'Note left of C: ESTABLISHED')), ['TF2003']);
  });

  it('SYN_SEND is read as SYN_SENT with a warning that names the right spelling, fixed in place', () => {
    const t = diagram('c ->> s : 1. SYN', 'Note left of c : SYN_SEND');
    const r = checkMermaid(t);
    assert.deepEqual(where(t, r.findings), ['TF1008 @ 3:18']);
    assert.match(r.findings[0].message, /'SYN_SEND' means SYN_SENT/);
    assert.deepEqual(codes(applyFix(t, r.findings[0])), []);
    assert.deepEqual(codes(diagram('c ->> s : SYN', 'Note left of c : SYN-SENT')), []);
  });

  it('-x and --x draw a lost segment; a loss written on a delivered arrow is found and fixed to --x', () => {
    assert.deepEqual(codes(diagram('C->>S: SYN', 'S->>C: SYN+ACK', 'C--xS: ACK', 'Note right of S: SYN_RCVD')), []);
    assert.deepEqual(codes(diagram('C->>S: SYN', 'S->>C: SYN+ACK', 'C-->>S: ACK', 'Note right of S: SYN_RCVD')), ['TF2003']);
    const t = diagram('participant A as 主动关闭方', 'participant B as 被动关闭方', 'B->>A: FIN', 'A-->>B: ACK 丢失', 'B->>A: 重传 FIN', 'A-->>B: 再次 ACK');
    const r = checkMermaid(t);
    assert.deepEqual(where(t, r.findings), ['TF2009 @ 5:13']);
    assert.match(r.findings[0].message, /draws it delivered/);
    const fixed = applyFix(t, r.findings[0]);
    assert.match(fixed, /A--xB: ACK 丢失/);
    assert.deepEqual(codes(fixed), []);
  });

  it('real mistakes of the corpus notes, drawn as mermaid, are found', () => {
    // The final handshake segment drawn with SYN (90vFan-My-Learning's notes).
    assert.ok(codes(diagram('C->>S: SYN seq=x', 'S->>C: SYN+ACK seq=y, ack=x+1', 'C->>S: SYN seq=x+1, ack=y+1')).includes('TF2001'));
    // A SYN-ACK without the ACK flag (the same note).
    assert.deepEqual(codes(diagram('C->>S: SYN seq=x', 'S->>C: SYN seq=y, ack=x+1', 'C->>S: ACK seq=x+1, ack=y+1')), ['TF3005']);
    // A teardown that puts the peer's seq+1 in the sequence number (wangshushuo's notes; the seeds 003 and 004).
    const teardown = diagram('C->>S: SYN=1, seq=x', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1', 'C->>S: ACK=1, seq=x+1, ack=y+1', 'C->>S: FIN=1, seq=u', 'S->>C: ACK=1, seq=u+1, ack=u+1');
    const r = checkMermaid(teardown);
    assert.deepEqual(where(teardown, r.findings), ['TF3003 @ 6:19']);
    assert.equal(r.findings[0].expected, 'y+1');
  });

  it('the seeds\' third handshake segment with the client\'s ISN as its seq', () => {
    assert.deepEqual(codes(diagram('C->>S: SYN=1, seq=x', 'S->>C: SYN=1, ACK=1, seq=y, ack=x+1', 'C->>S: ACK=1, seq=x, ack=y+1')), ['TF3002']);
  });

  it('findings and fix edits of every block stay inside that block', () => {
    const md = ['```mermaid', diagram('C->>S: SYN seq=x', 'S->>C: SYN seq=y ack=x').trimEnd(), '```', '', '```tcpflow', 'client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x', '```', ''].join('\n');
    const r = checkNote(md);
    assert.equal(r.blocks.length, 2);
    for (const b of r.blocks) {
      for (const f of b.findings) {
        assert.ok(f.start >= b.fence.contentStart && f.end <= b.fence.contentEnd, f.code);
        for (const e of f.fix?.edits ?? []) assert.ok(e.start >= b.fence.contentStart && e.end <= b.fence.contentEnd);
      }
    }
    assert.deepEqual(where(md, r.findings), ['TF3005 @ 4:18', 'TF3001 @ 4:22', 'TF3001 @ 11:26']);
  });
});

describe('extractFences', () => {
  it('returns mermaid fences only when asked', () => {
    const md = '```mermaid\nsequenceDiagram\n```\n\n```tcpflow\nclient C\n```\n';
    assert.deepEqual(extractFences(md).map((f) => f.lang), ['tcpflow']);
    assert.deepEqual(extractFences(md, { languages: ['tcpflow', 'mermaid'] }).map((f) => f.lang), ['mermaid', 'tcpflow']);
  });
});

describe('mermaidToTcpflow', () => {
  const diagrams = [
    diagram('participant C as 客户端', 'participant S as 服务端', 'C->>S: SYN=1, seq=x', 'S->>C: SYN=1, ACK=1, seq=y, ack=x', 'C->>S: ACK=1, seq=x+1, ack=y+1'),
    diagram('c ->> s : 1. SYN', 'Note left of c : SYN_SEND', 's ->> c : 2. SYN + ACK', 'Note left of c : ESTABLISHED'),
    diagram('C->>S: SYN seq=x', 'S->>C: SYN seq=y, ack=x+1', 'C->>S: SYN seq=x+1, ack=y+1'),
    diagram('participant 客户端', 'participant 服务端', '客户端->>服务端: SYN', '服务端-->>客户端: SYN+ACK', '客户端--x服务端: ACK', 'Note right of 服务端: SYN_RCVD'),
  ];
  it('gives a flow whose findings are the diagram\'s', () => {
    for (const d of diagrams) {
      const r = readMermaid(d);
      const flow = mermaidToTcpflow(r);
      assert.deepEqual(analyze(flow).findings.map((f) => f.code), codes(d), flow);
    }
  });
  it('writes the flow readably', () => {
    assert.equal(
      mermaidToTcpflow(readMermaid(diagrams[0])),
      ['client C  # 客户端', 'server S  # 服务端', 'C -> S SYN seq=x  # SYN=1, seq=x', 'S -> C SYN ACK seq=y ack=x  # SYN=1, ACK=1, seq=y, ack=x', 'C -> S ACK seq=x+1 ack=y+1  # ACK=1, seq=x+1, ack=y+1', ''].join('\n'),
    );
  });
});

describe('bad input', () => {
  it('random edits of the labelled diagrams: no throw, findings and fixes inside their block', async () => {
    const { LABELLED } = await import('./labelled');
    let seed = 0x9293;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const bits = ['->>', '--x', ':', '，', '=', '+', ' ', '\n', 'SYN', 'ACK=', 'seq=', 'ack=x+', 'Note over C: ', 'SYN_SEND', '<br/>', '%%', 'end', '```', '\r\n', '丢失', 'participant ', ' as ', '0x', '4294967296', '(', ')', '[', ']'];
    let checked = 0;
    for (let round = 0; round < 600; round++) {
      let t = LABELLED[rnd(LABELLED.length)].diagram;
      for (let k = 1 + rnd(4); k > 0; k--) {
        const at = rnd(t.length + 1);
        if (rnd(2) === 0) t = t.slice(0, at) + bits[rnd(bits.length)] + t.slice(at);
        else t = t.slice(0, at) + t.slice(at + 1 + rnd(6));
      }
      const md = `# n\n\n\`\`\`mermaid\n${t}\n\`\`\`\ntail\n`;
      const r = checkNote(md);
      for (const b of r.blocks) {
        for (const f of b.findings) {
          assert.ok(f.start >= b.fence.contentStart && f.end <= b.fence.contentEnd && f.start <= f.end, `${f.code} outside its block:\n${md}`);
          for (const e of f.fix?.edits ?? []) assert.ok(e.start >= b.fence.contentStart && e.end <= b.fence.contentEnd, `${f.code} fix outside its block:\n${md}`);
          assert.ok(f.message.length > 0);
        }
        if (b.reading) mermaidToTcpflow(b.reading);
      }
      checked++;
    }
    assert.equal(checked, 600);
  });
});
