/**
 * Formatting keeps every character that is not layout whitespace it owns (ASCII spaces and tabs):
 * a byte-order mark, U+3000 typed with a Chinese input method, U+00A0 in a comment or a label,
 * comments, labels and Chinese text all survive, in order. A property test over generated flows
 * with those characters dropped in anywhere; formatting twice changes nothing more.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, flowUnits } from '../../src/server/documents';
import { formatUnit } from '../../src/server/format';

const LINES = [
  'client C 10.0.0.2:5000',
  'server S',
  'C -> S SYN seq=x',
  'S  ->  C SYN ACK seq=y   ack=x+1   # 第二次握手',
  'C -> S ACK seq=x+1 ack=y+1',
  'C:ESTABLISHED,S:ESTABLISHED',
  'C -> S PSH ACK seq=x+1 ack=y+1 len=5 "hello"',
  '# 只有注释',
  '',
  'wait 2MSL',
  'note C "文字 text"',
];
const SPECIAL = ['\u3000', '\u00a0', '\ufeff', ' ', '\t', '，', '\u2003'];

function format(text: string): string {
  const doc = TextDocument.create('file:///p.tcpflow', 'tcpflow', 1, text);
  const snap = new Analyzer('en').snapshot(doc, 'tcpflow', true);
  const unit = flowUnits(snap)[0];
  if (!unit) return text;
  const r = formatUnit(unit);
  if ('refused' in r) return text;
  return TextDocument.applyEdits(doc, r.edits);
}

const layoutless = (s: string): string => s.replace(/[ \t]/g, '');

it('formatting keeps every character but ASCII spaces and tabs, and is stable', () => {
  const text = fc
    .tuple(
      fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 12 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...SPECIAL)), { maxLength: 6 }),
      fc.boolean(),
    )
    .map(([lines, inserts, bom]) => {
      const ls = [...lines];
      for (const [li, at, ch] of inserts) {
        const i = li % ls.length;
        const pos = at % (ls[i].length + 1);
        ls[i] = ls[i].slice(0, pos) + ch + ls[i].slice(pos);
      }
      return (bom ? '\ufeff' : '') + ls.join('\n') + '\n';
    });
  fc.assert(
    fc.property(text, (t) => {
      const once = format(t);
      assert.equal(layoutless(once), layoutless(t), 'only ASCII spaces and tabs may change');
      assert.equal(format(once), once, 'formatting its own output changes nothing');
    }),
    { numRuns: 400, seed: 0x7cf10 },
  );
});

it('keeps a byte-order mark, U+3000 and a trailing U+00A0 the way they were written', () => {
  for (const t of ['\ufeffclient C\nserver S\n', 'client C\nC\u3000->\u3000S SYN seq=x\n', 'client C  # 注释\u00a0\n', 'client C\nnote C "a\u00a0b"\n']) {
    assert.equal(layoutless(format(t)), layoutless(t), JSON.stringify(t));
  }
  assert.equal(format('client   C   # 注释\u00a0  \n'), 'client C  # 注释\u00a0\n', 'only the ASCII spaces after the comment go');
});
