/** Unit tests of the Mermaid renderer (Node only; Mermaid's own checks are in golden.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyze } from '../../src/core/index';
import { renderMermaid, type RenderOptions } from '../../src/core/render/mermaid';
import { ParticipantIds, displayWidth, mermaidText, wrapText } from '../../src/core/render/escape';

const ROOT = path.resolve(__dirname, '..', '..');
const SKETCH = fs.readFileSync(path.join(__dirname, 'fixtures', 'sketch.tcpflow'), 'utf8');

function render(text: string, opts: RenderOptions = {}, locale: 'en' | 'zh-cn' = 'en') {
  const analysis = analyze(text, { locale });
  return { analysis, ...renderMermaid(analysis, opts) };
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim());
}

function arrowsOf(text: string): string[] {
  return lines(text).filter((l) => /^\S+(->>|-x|--x|-->>)\S+: /.test(l));
}

function notesOf(text: string): string[] {
  return lines(text).filter((l) => l.startsWith('Note over '));
}

test('participants come in declaration order, with name and address', () => {
  const r = render(SKETCH);
  const ps = lines(r.text).filter((l) => l.startsWith('participant '));
  assert.deepEqual(ps, ['participant C as C<br/>192.168.1.2:52528', 'participant S as S<br/>10.0.0.1:80']);
  const v6 = render('client A [2001:db8::1]:443\nserver B\nA -> B SYN seq=1\n');
  assert.ok(v6.text.includes('participant A as A<br/>[2001:db8::1]:443'), v6.text);
  assert.ok(v6.text.includes('participant B\n'));
});

test('the sketch draws one arrow per segment with the labels notes use', () => {
  const r = render(SKETCH);
  assert.equal(r.segments, 9);
  assert.deepEqual(arrowsOf(r.text), [
    'C->>S: SYN seq=x',
    'S->>C: SYN, ACK seq=y ack=x+1',
    'C->>S: ACK seq=x+1 ack=y+1',
    'C->>S: PSH, ACK seq=x+1 ack=y+1 len=78 "GET / HTTP/1.1"',
    'S->>C: ACK seq=y+1 ack=x+79',
    'C->>S: FIN, ACK seq=u ack=y+1',
    'S->>C: ACK seq=v ack=u+1',
    'S->>C: FIN, ACK seq=w ack=u+1',
    'C->>S: ACK seq=u+1 ack=w+1',
  ]);
  // Source lines of the nine segment statements (zero-based).
  assert.deepEqual(
    r.arrows.map((a) => a.line),
    [5, 7, 8, 11, 12, 14, 15, 16, 17],
  );
  assert.deepEqual(
    r.arrows.map((a) => a.segmentIndex),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.ok(r.text.startsWith('sequenceDiagram\n    title Three-way handshake, one request, four-way teardown\n'));
});

test('lost segments are drawn -x, duplicates twice, delayed ones where they arrive', () => {
  const src = [
    'client C',
    'server S',
    'C -> S SYN seq=100',
    'S -> C SYN ACK seq=500 ack=101 dup',
    'C -> S ACK seq=101 ack=501',
    'C -> S PSH ACK seq=101 ack=501 len=10 delay=late',
    'C -> S PSH ACK seq=111 ack=501 len=10 lost',
    'deliver late',
  ].join('\n');
  const r = render(src);
  assert.deepEqual(arrowsOf(r.text), [
    'C->>S: SYN seq=100',
    'S->>C: SYN, ACK seq=500 ack=101',
    'S-->>C: SYN, ACK seq=500 ack=101 (duplicate)',
    'C->>S: ACK seq=101 ack=501',
    'C-xS: PSH, ACK seq=111 ack=501 len=10',
    'C->>S: PSH, ACK seq=101 ack=501 len=10',
  ]);
  // The delayed segment (index 3) is drawn at `deliver` (line 7) and says where it was sent.
  assert.deepEqual(r.arrows[5], { line: 7, segmentIndex: 3 });
  assert.deepEqual(r.arrows[2], { line: 3, segmentIndex: 1 });
  const after = lines(r.text).slice(lines(r.text).indexOf('C->>S: PSH, ACK seq=101 ack=501 len=10') + 1);
  assert.equal(after[0], 'Note over C,S: sent at line 6');
  assert.equal(render(src, {}, 'zh-cn').text.includes('Note over C,S: 第 6 行发出'), true);
});

test('a delayed segment that never arrives is drawn where it was sent', () => {
  const r = render('client C\nserver S\nC -> S SYN seq=1 delay=d\n');
  assert.deepEqual(arrowsOf(r.text), ['C--xS: SYN seq=1 (never delivered)']);
  assert.ok(notesOf(r.text).some((n) => n.includes('TF4005')));
});

test('numbers: as written, absolute, relative to the ISN', () => {
  const concrete = fs.readFileSync(path.join(ROOT, 'examples', 'handshake-concrete.tcpflow'), 'utf8');
  assert.deepEqual(arrowsOf(render(concrete, { numbers: 'relative' }).text), ['A->>B: SYN seq=0', 'B->>A: SYN, ACK seq=0 ack=1', 'A->>B: ACK seq=1 ack=1']);
  assert.deepEqual(arrowsOf(render(concrete, { numbers: 'absolute' }).text), ['A->>B: SYN seq=1234567', 'B->>A: SYN, ACK seq=7654321 ack=1234568', 'A->>B: ACK seq=1234568 ack=7654322']);
  const hex = 'client A\nserver B\nA -> B SYN seq=0x10\nB -> A SYN ACK seq=0x20 ack=0x11\n';
  assert.deepEqual(arrowsOf(render(hex).text), ['A->>B: SYN seq=0x10', 'B->>A: SYN, ACK seq=0x20 ack=0x11']);
  assert.deepEqual(arrowsOf(render(hex, { numbers: 'absolute' }).text), ['A->>B: SYN seq=16', 'B->>A: SYN, ACK seq=32 ack=17']);
  // Symbolic numbers have no absolute value: the symbolic one stays.
  assert.equal(arrowsOf(render(SKETCH, { numbers: 'absolute' }).text)[1], 'S->>C: SYN, ACK seq=y ack=x+1');
  assert.equal(arrowsOf(render(SKETCH, { numbers: 'relative' }).text)[1], 'S->>C: SYN, ACK seq=0 ack=1');
  // An old duplicate below the ISN is a negative offset, not 2^32 - 10.
  const old = fs.readFileSync(path.join(ROOT, 'examples', 'old-duplicate-syn.tcpflow'), 'utf8');
  assert.ok(arrowsOf(render(old, { numbers: 'relative' }).text).includes('C->>S: SYN seq=-10 (old duplicate)'));
});

test('states: off, on change, always', () => {
  const off = render(SKETCH, { states: 'off' });
  const change = render(SKETCH, { states: 'change' });
  const always = render(SKETCH, { states: 'always' });
  const stateNotes = (t: string) => notesOf(t).filter((n) => /: [A-Z_0-9]+$/.test(n) && !/Handshake|Teardown/.test(n));
  assert.equal(stateNotes(off.text).length, 0);
  // Start states (2), then every change: C 5 times, S 5 times, and C CLOSED after 2MSL.
  assert.deepEqual(stateNotes(change.text), [
    'Note over C: CLOSED',
    'Note over S: LISTEN',
    'Note over C: SYN_SENT',
    'Note over S: SYN_RCVD',
    'Note over C: ESTABLISHED',
    'Note over S: ESTABLISHED',
    'Note over C: FIN_WAIT_1',
    'Note over S: CLOSE_WAIT',
    'Note over C: FIN_WAIT_2',
    'Note over S: LAST_ACK',
    'Note over C: TIME_WAIT',
    'Note over S: CLOSED',
    'Note over C: CLOSED',
  ]);
  // Always: both sides after each of the nine segments, plus start states and the wait.
  assert.equal(stateNotes(always.text).length, 2 + 9 * 2 + 1);
  assert.equal(off.arrows.length, 9);
});

test('autonumber and title', () => {
  assert.ok(render(SKETCH, { autonumber: true }).text.includes('\n    autonumber\n'));
  assert.ok(!render(SKETCH).text.includes('autonumber'));
  assert.ok(!render('client C\nserver S\n').text.includes('title'));
});

test('every finding is marked on its arrow and explained in a note', () => {
  const src = 'client C\nserver S\nC -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x+2\nC -> S ACK seq=x+1 ack=y+1\n';
  const r = render(src);
  assert.equal(r.analysis.findings.length, 1);
  const f = r.analysis.findings[0];
  const ls = lines(r.text);
  const i = ls.indexOf('S->>C: ⚠ SYN, ACK seq=y ack=x+2');
  assert.ok(i > 0, r.text);
  assert.ok(ls[i + 1].startsWith(`Note over C,S: ⚠ ${f.code} `), ls[i + 1]);
  const decoded = ls[i + 1]
    .replace(/^Note over C,S: /, '')
    .replace(/<br\/>/g, ' ')
    .replace(/#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)));
  assert.equal(decoded, `⚠ ${f.code} ${f.message}`);
  // Every finding of every example appears in some note, by code.
  for (const f2 of fs.readdirSync(path.join(ROOT, 'examples')).filter((x) => x.endsWith('.tcpflow'))) {
    const rr = render(fs.readFileSync(path.join(ROOT, 'examples', f2), 'utf8'));
    for (const fd of rr.analysis.findings) assert.ok(notesOf(rr.text).some((n) => n.includes(`⚠ ${fd.code} `)), `${f2}: ${fd.code} not drawn`);
  }
  // Findings not about a segment (a wrong state assertion, a syntax error) are notes too.
  // They are placed in source order, each with its own line.
  const loose = render('client C\nserver S\nC: LISTEN\n%%%\n');
  const bySource = [...loose.analysis.findings].sort((a, b) => a.start - b.start);
  assert.ok(bySource.some((x) => x.code.startsWith('TF1')) && bySource.some((x) => x.code === 'TF2003'), JSON.stringify(bySource.map((x) => x.code)));
  assert.deepEqual(
    notesOf(loose.text)
      .filter((n) => n.includes('⚠'))
      .map((n) => /⚠ (TF\d+)/.exec(n)?.[1]),
    bySource.map((x) => x.code),
  );
  assert.deepEqual(
    loose.notes.filter((_, k) => notesOf(loose.text)[k].includes('⚠')).map((n) => n.line),
    bySource.map((x) => loose.analysis.lines.positionAt(x.start).line),
  );
});

test('phases: inferred from the flow, or written with `phase`', () => {
  const r = render(SKETCH);
  const rects = lines(r.text).filter((l) => l.startsWith('rect '));
  assert.deepEqual(rects, ['rect rgba(66, 133, 244, 0.14)', 'rect rgba(52, 168, 83, 0.14)', 'rect rgba(234, 67, 53, 0.13)']);
  assert.deepEqual(
    notesOf(r.text).filter((n) => /Handshake|Data transfer|Teardown/.test(n)),
    ['Note over C,S: Handshake', 'Note over C,S: Data transfer', 'Note over C,S: Teardown'],
  );
  assert.equal(lines(r.text).filter((l) => l === 'end').length, 3);
  const tls = render(fs.readFileSync(path.join(ROOT, 'examples', 'tls13-handshake.tcpflow'), 'utf8'));
  assert.ok(notesOf(tls.text).includes('Note over C,S: TLS handshake'));
  const https = render(fs.readFileSync(path.join(ROOT, 'examples', 'https-handshake.tcpflow'), 'utf8'));
  assert.deepEqual(
    notesOf(https.text).filter((n) => /^Note over C,S: (TCP|TLS|Encrypted)/.test(n)),
    ['Note over C,S: TCP handshake', 'Note over C,S: TLS 1.2 handshake', 'Note over C,S: Encrypted HTTP'],
  );
  assert.equal(lines(https.text).filter((l) => l.startsWith('rect ')).length, 3);
  // zh-cn names the inferred phases in Chinese.
  assert.ok(render(SKETCH, {}, 'zh-cn').text.includes('Note over C,S: 握手'));
  // Every rect colour is translucent, so both themes show through.
  for (const l of lines(https.text + r.text).filter((x) => x.startsWith('rect '))) assert.match(l, /^rect rgba\(\d+, \d+, \d+, 0\.1\d\)$/);
});

test('a window draws only the asked segments, with balanced blocks', () => {
  const src = ['client C', 'server S', 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', 'C -> S ACK seq=1 ack=1'];
  for (let i = 0; i < 40; i++) src.push(`C -> S PSH ACK seq=${1 + i * 10} ack=1 len=10`, `S -> C ACK seq=1 ack=${11 + i * 10}`);
  src.push('C close', `C -> S FIN ACK seq=401 ack=1`, 'S -> C ACK seq=1 ack=402');
  const text = src.join('\n');
  const full = render(text);
  assert.equal(full.segments, 85);
  const w = render(text, { window: { start: 2, end: 12 } });
  assert.equal(w.segments, 85);
  assert.deepEqual(w.window, { start: 2, end: 12 });
  assert.deepEqual(
    w.arrows.map((a) => a.segmentIndex),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  );
  assert.deepEqual(
    w.arrows.map((a) => a.line),
    [4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
  );
  const tail = render(text, { window: { start: 80, end: 85 } });
  assert.deepEqual(
    tail.arrows.map((a) => a.segmentIndex),
    [80, 81, 82, 83, 84],
  );
  assert.ok(tail.text.includes('close()'));
  for (const r of [w, tail, render(text, { window: { start: 0, end: 3 } })]) {
    const ls = lines(r.text);
    assert.equal(ls.filter((l) => l.startsWith('rect ')).length, ls.filter((l) => l === 'end').length);
    assert.equal(arrowsOf(r.text).length, r.arrows.length);
    assert.equal(notesOf(r.text).length, r.notes.length);
  }
  // Out-of-range windows are clamped.
  assert.deepEqual(render(text, { window: { start: -5, end: 1000 } }).window, { start: 0, end: 85 });
});

test('mermaidText writes every special character as an entity code', () => {
  assert.equal(mermaidText('a;b#c:d%e<f>g&h{i}j@k$l`m\\n'), 'a#59;b#35;c#58;d#37;e#60;f#62;g#38;h#123;i#125;j#64;k#36;l#96;m#92;n');
  assert.equal(mermaidText('end -->> C'), 'end --#62;#62; C');
  // A colon stays a colon only before a space or the end, and never after a leading `wrap`.
  assert.equal(mermaidText('seq should be x: see line 3:'), 'seq should be x: see line 3:');
  assert.equal(mermaidText('style:#fff; 10:30 http://x'), 'style#58;#35;fff#59; 10#58;30 http#58;//x');
  assert.equal(mermaidText('wrap: x'), 'wrap#58; x');
  assert.equal(mermaidText(' NoWrap: x'), ' NoWrap#58; x');
  assert.equal(mermaidText('unwrap: x'), 'unwrap: x');
  assert.equal(mermaidText('#35;'), '#35;35#59;');
  assert.equal(mermaidText('中文，标点；'), '中文，标点；');
  assert.equal(mermaidText('one\ntwo\r\nthree\rfour\u2028five'), 'one<br/>two<br/>three<br/>four<br/>five');
  assert.equal(mermaidText('tab\there\u0000\u001b\u007f'), 'tab here\u2400\u241b\u2421');
  assert.equal(mermaidText('\u0085x\u0090'), '<br/>x\ufffd');
  assert.equal(mermaidText('ﬂ°°35¶ß'), '#64258;#176;#176;35#182;#223;');
  assert.equal(mermaidText('\ud800lone'), '\ufffdlone');
  assert.equal(mermaidText('SYN, ACK seq=x+1 "GET / HTTP/1.1" [x] (y) a*b ~!?|^\'_'), 'SYN, ACK seq=x+1 "GET / HTTP/1.1" [x] (y) a*b ~!?|^\'_');
});

test('whatever the text, the output keeps to a few statement shapes', () => {
  const shapes = [
    /^sequenceDiagram$/,
    /^title [^#;%\n]+$/,
    /^autonumber$/,
    /^participant [^\s:;#,<>]+( as [^#;%\n]+)?$/,
    /^Note over [^\s:;#,<>]+(,[^\s:;#,<>]+)?: [^#;%\n]+$/,
    /^[^\s:;#,<>+-]+(->>|-x|--x|-->>)[^\s:;#,<>+-]+: [^#;%\n]+$/,
    /^rect rgba\(\d+, \d+, \d+, [\d.]+\)$/,
    /^end$/,
    /^$/,
  ];
  const str = fc.string({ unit: fc.constantFrom(...'abcXYZ中 ;#:%<>&{}$@`"\\\'-+=*_/()[]ﬂ°¶ß\t\u0000\u2028'.split('')), maxLength: 30 });
  const quote = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n\u2028\u2029\u0085]/g, ' ')}"`;
  fc.assert(
    fc.property(str, str, str, str, (title, note, label, phase) => {
      const src = [`title ${quote(title)}`, 'client C 10.0.0.1:1', 'server S', `note ${quote(note)}`, `phase ${quote(phase)}`, `C -> S SYN seq=1 ${quote(label)}`, `S -> C SYN ACK seq=9 ack=2`, `note S ${quote(note)}`].join('\n');
      const { text } = render(src);
      for (const l of lines(text)) {
        // Entity codes are the only place `#` and `;` may appear.
        const plain = l.replace(/#\d+;/g, 'E');
        assert.ok(
          shapes.some((s) => s.test(plain)),
          `unexpected line: ${JSON.stringify(l)}`,
        );
      }
    }),
    { numRuns: 300, seed: 4 },
  );
});

test('participant ids avoid Mermaid keywords and collisions', () => {
  const ids = new ParticipantIds();
  assert.equal(ids.id('C'), 'C');
  assert.equal(ids.id('客户端'), '客户端');
  assert.equal(ids.id('end'), 'p1');
  assert.equal(ids.id('Note'), 'p2');
  assert.equal(ids.id('p1'), 'p3');
  assert.equal(ids.id('end'), 'p1');
  assert.equal(ids.id('c'), 'p4');
  assert.equal(ParticipantIds.usable('endpoint'), true);
  assert.equal(ParticipantIds.usable('end客户'), false);
  assert.equal(ParticipantIds.usable('_x1'), true);
  assert.equal(ParticipantIds.usable('a-b'), false);
});

test('wrapText breaks at spaces and inside Chinese', () => {
  assert.deepEqual(wrapText('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
  assert.deepEqual(wrapText('一二三四五六', 4), ['一二', '三四', '五六']);
  assert.deepEqual(wrapText('x\ny', 10), ['x', 'y']);
  assert.equal(displayWidth('ab中'), 4);
  for (const l of wrapText('seq should be x+16: C has sent everything before x+16 (SND.NXT); C 的 5 字节数据到此为止', 20)) assert.ok(displayWidth(l) <= 20, l);
});
