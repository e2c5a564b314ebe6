/**
 * `materialize`: a generated ```mermaid block under every ```tcpflow block of a note, refreshed
 * when the flow changes, removed when the block is gone, and every other byte of the note kept.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { materialize, MATERIALIZE_BEGIN, MATERIALIZE_END } from '../../src/core/materialize';
import { analyze } from '../../src/core/index';
import { renderMermaid } from '../../src/core/render/mermaid';

const FLOW = 'client C\nserver S\nC -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x+1\n';
const NOTE = `# 三次握手\n\n第一次握手：\n\n\`\`\`tcpflow\n${FLOW}\`\`\`\n\n后面的文字。\n`;

/** The note with every generated region (and the blank line put above it) cut out. */
function withoutRegions(text: string): string {
  return text.replace(new RegExp(`\\r?\\n${escape(MATERIALIZE_BEGIN)}[^]*?${escape(MATERIALIZE_END)}\\r?\\n`, 'g'), '');
}
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('materialize', () => {
  it('writes the diagram of each block under it, between markers, and keeps every other byte', () => {
    const r = materialize(NOTE);
    assert.equal(r.blocks, 1);
    assert.equal(r.changed, 1);
    assert.equal(withoutRegions(r.text), NOTE);
    const diagram = renderMermaid(analyze(FLOW)).text.replace(/\n+$/, '');
    assert.ok(r.text.includes('```tcpflow\n' + FLOW + '```\n\n' + MATERIALIZE_BEGIN), 'the region follows the block after one blank line');
    assert.ok(r.text.includes('```mermaid\n' + diagram + '\n```\n' + MATERIALIZE_END + '\n\n后面的文字。\n'));
  });

  it('changes no byte on a second run', () => {
    const once = materialize(NOTE).text;
    const twice = materialize(once);
    assert.equal(twice.text, once);
    assert.equal(twice.changed, 0);
    assert.equal(twice.blocks, 1);
  });

  it('refreshes a stale diagram when the flow changes, and only that region', () => {
    const once = materialize(NOTE).text;
    const edited = once.replace('ack=x+1', 'ack=x+2');
    const r = materialize(edited);
    assert.equal(r.changed, 1, 'the stale region is rewritten');
    assert.equal(withoutRegions(r.text), withoutRegions(edited));
    assert.equal(r.text, materialize(NOTE.replace('ack=x+1', 'ack=x+2')).text);
  });

  it('removes a region whose tcpflow block was deleted, giving back the note as it was', () => {
    const once = materialize(NOTE).text;
    const gone = once.replace('```tcpflow\n' + FLOW + '```\n', 'A paragraph instead.\n');
    const r = materialize(gone);
    assert.equal(r.removed, 1);
    assert.equal(r.blocks, 0);
    assert.equal(r.text, NOTE.replace('```tcpflow\n' + FLOW + '```\n', 'A paragraph instead.\n'));
  });

  it('handles several blocks, CRLF notes and a block closing the file without a line break', () => {
    const crlf = `a\r\n\r\n\`\`\`tcpflow\r\n${FLOW.replace(/\n/g, '\r\n')}\`\`\`\r\nb\r\n\r\n\`\`\`tcpflow\r\nclient A\r\n\`\`\``;
    const r = materialize(crlf);
    assert.equal(r.blocks, 2);
    assert.equal(r.changed, 2);
    assert.ok(!/[^\r]\n/.test(r.text), 'every line break stays CRLF');
    assert.equal(materialize(r.text).text, r.text);
    assert.equal(materialize(r.text).changed, 0);
    assert.ok(r.text.startsWith(crlf.slice(0, crlf.indexOf('b\r\n'))));
  });

  it('leaves markers shown inside a code block alone and skips an unclosed block', () => {
    const doc = `\`\`\`markdown\n${MATERIALIZE_BEGIN} -->\nnot a region\n${MATERIALIZE_END}\n\`\`\`\n\n\`\`\`tcpflow\nclient C\n`;
    const r = materialize(doc);
    assert.equal(r.text, doc);
    assert.equal(r.changed, 0);
    assert.equal(r.blocks, 0);
  });

  it('keeps hand-written mermaid blocks and text around the region', () => {
    const doc = `\`\`\`mermaid\nsequenceDiagram\nA->>B: hi\n\`\`\`\n\n\`\`\`tcpflow\n${FLOW}\`\`\`\n\`\`\`mermaid\nsequenceDiagram\nB->>A: yo\n\`\`\`\n`;
    const r = materialize(doc);
    assert.equal(withoutRegions(r.text), doc);
    assert.equal(materialize(r.text).text, r.text);
  });

  it('round-trips the corpus notes: a second run changes nothing, and cutting the regions gives the note back', (t) => {
    const dir = '/work/shared/corpus/notes';
    if (!fs.existsSync(dir)) return t.skip('corpus not present');
    for (const name of fs.readdirSync(dir)) {
      const note = fs.readFileSync(path.join(dir, name), 'utf8');
      const once = materialize(note);
      assert.equal(materialize(once.text).changed, 0, name);
      assert.equal(withoutRegions(once.text), note, name);
    }
  });
});
