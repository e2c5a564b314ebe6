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
import { layoutText } from '../fuzz/generators';

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
  const text = layoutText();
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
