/**
 * The formatter lays out the Fast Open option (`tfo`, `tfo=COOKIE`) and `cross` like any other word,
 * and `rcvbuf=` and `S read N` like the other declarations and calls.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, flowUnits } from '../../src/server/documents';
import { formatUnit } from '../../src/server/format';

function format(text: string): string {
  const doc = TextDocument.create('file:///p.tcpflow', 'tcpflow', 1, text);
  const snap = new Analyzer('en').snapshot(doc, 'tcpflow', true);
  const r = formatUnit(flowUnits(snap)[0]);
  assert.ok(!('refused' in r), 'the formatter refused');
  return TextDocument.applyEdits(doc, r.edits);
}

it('formats tfo and cross lines into the columns, and formatting twice changes nothing', () => {
  const text = [
    'client C',
    'server S',
    'C ->  S SYN   seq=0  tfo',
    'S -> C   SYN ACK seq=0 ack=1   tfo=0x4F1c  # a cookie',
    'C -> S ACK seq=1 ack=1',
    'C -> S  FIN ACK seq=1 ack=1    cross',
    'S -> C FIN ACK seq=1 ack=1 cross',
    '',
  ].join('\n');
  const once = format(text);
  assert.equal(
    once,
    [
      'client C',
      'server S',
      'C -> S  SYN      seq=0       tfo',
      'S -> C  SYN ACK  seq=0 ack=1 tfo=0x4F1c  # a cookie',
      'C -> S  ACK      seq=1 ack=1',
      'C -> S  FIN ACK  seq=1 ack=1 cross',
      'S -> C  FIN ACK  seq=1 ack=1 cross',
      '',
    ].join('\n'),
  );
  assert.equal(format(once), once);
});

it('formats rcvbuf= and read lines, keeping their comments, and formatting twice changes nothing', () => {
  const text = ['client C', 'server  S   rcvbuf=1000', 'C -> S SYN seq=0', 'S   read    300   C   # the application reads', 'S read', '  S recv 5', ''].join('\n');
  const once = format(text);
  assert.equal(once, ['client C', 'server S rcvbuf=1000', 'C -> S  SYN  seq=0', 'S read 300 C  # the application reads', 'S read', 'S recv 5', ''].join('\n'));
  assert.equal(format(once), once);
});
