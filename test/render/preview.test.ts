/** The pure half of the preview: update messages, windows of large flows, skipped updates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../src/core/index';
import { bigFlow } from './flows';
import { DEFAULT_PREVIEW_SETTINGS, PreviewSession, buildPreviewMessage, chooseWindow, segmentAtLine, segmentLines, windowStatus } from '../../src/core/render/preview';

const SKETCH = fs.readFileSync(path.join(__dirname, 'fixtures', 'sketch.tcpflow'), 'utf8');

test('generated flows have the asked number of segments', () => {
  for (const n of [1, 2, 3, 10, 11, 100]) assert.equal(analyze(bigFlow(n)).model.events.filter((e) => e.kind === 'segment').length, n);
});

test('an update carries the diagram and its line map', () => {
  const m = buildPreviewMessage(analyze(SKETCH), DEFAULT_PREVIEW_SETTINGS, { version: 7, uri: 'file:///x.tcpflow', cursorLine: 5 });
  assert.equal(m.command, 'update');
  if (m.command !== 'update') return;
  assert.equal(m.version, 7);
  assert.equal(m.segments, 9);
  assert.equal(m.arrows.length, 9);
  assert.equal(m.window, undefined);
  assert.equal(m.status, '');
  assert.equal(m.highlight, 5);
  assert.ok(m.mermaid.startsWith('sequenceDiagram\n'));
});

test('a syntax error yields an error message with the first error, not a diagram', () => {
  const m = buildPreviewMessage(analyze(SKETCH.replace('seq=y  ack=x+1', 'seq=y ack="x+1')), DEFAULT_PREVIEW_SETTINGS, { version: 1 });
  assert.equal(m.command, 'error');
  if (m.command !== 'error') return;
  assert.equal(m.error.line, 7);
  assert.match(m.error.code, /^TF1/);
  assert.match(m.banner, /^Line 8, column \d+: TF1\d{3} /);
  // Protocol mistakes are drawn (with their warnings), not refused.
  assert.equal(buildPreviewMessage(analyze(SKETCH.replace('ack=x+1', 'ack=x+2')), DEFAULT_PREVIEW_SETTINGS, { version: 1 }).command, 'update');
  const zh = buildPreviewMessage(analyze('client C\n%\n', { locale: 'zh-cn' }), DEFAULT_PREVIEW_SETTINGS, { version: 1 });
  assert.ok(zh.command === 'error' && zh.banner.startsWith('第 2 行，第 1 列'));
});

test('windows: whole flow when small, a steady window around the cursor when large', () => {
  assert.equal(chooseWindow(300, 300, 10), undefined);
  assert.deepEqual(chooseWindow(10_000, 300, 4350), { start: 4200, end: 4500 });
  assert.deepEqual(chooseWindow(10_000, 300, 5), { start: 0, end: 300 });
  assert.deepEqual(chooseWindow(10_000, 300, 9_999), { start: 9_700, end: 10_000 });
  // Kept while the focus stays inside, away from the edges...
  assert.deepEqual(chooseWindow(10_000, 300, 4400, { start: 4200, end: 4500 }), { start: 4200, end: 4500 });
  // ...and moved when it nears an edge or leaves.
  assert.deepEqual(chooseWindow(10_000, 300, 4490, { start: 4200, end: 4500 }), { start: 4340, end: 4640 });
  assert.deepEqual(chooseWindow(10_000, 300, 100, { start: 4200, end: 4500 }), { start: 0, end: 300 });
  assert.equal(windowStatus({ start: 4200, end: 4500 }, 10_000, 'en'), 'segments 4,201–4,500 of 10,000');
  assert.equal(windowStatus({ start: 0, end: 300 }, 1_000_000, 'zh-cn'), '报文段 1–300，共 1,000,000 个');
});

test('the cursor line picks the segment drawn at or above it', () => {
  const a = analyze(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'simultaneous-close.tcpflow'), 'utf8'));
  const lines = segmentLines(a);
  // The two crossing FINs are drawn at their `deliver` lines (14 and 15).
  assert.deepEqual(lines, [4, 5, 6, 14, 15, 17, 18]);
  assert.equal(segmentAtLine(lines, 0), 0);
  assert.equal(segmentAtLine(lines, 12), 2);
  assert.equal(segmentAtLine(lines, 14), 3);
  assert.equal(segmentAtLine(lines, 100), 6);
});

test('a large flow is drawn as a window around the cursor', () => {
  const a = analyze(bigFlow(1000));
  const settings = { ...DEFAULT_PREVIEW_SETTINGS, maxMessages: 100 };
  const m = buildPreviewMessage(a, settings, { version: 1, cursorLine: 700 });
  assert.ok(m.command === 'update');
  if (m.command !== 'update') return;
  assert.equal(m.segments, 1000);
  assert.equal(m.arrows.length, 100);
  assert.ok(m.window && m.window.start <= 697 && 697 < m.window.end, JSON.stringify(m.window));
  assert.ok(m.arrows.some((x) => x.line === 700));
  assert.equal(m.status, `segments ${m.window.start + 1}–${m.window.end} of 1,000`);
});

test('a session posts nothing for an edit that changes nothing drawn', () => {
  const s = new PreviewSession();
  const settings = DEFAULT_PREVIEW_SETTINGS;
  const first = s.update(analyze(SKETCH), settings, { uri: 'u' });
  assert.equal(first?.command, 'update');
  // Spacing and a trailing comment on an existing line: same diagram, same lines.
  const spaced = SKETCH.replace('C -> S  SYN            seq=x', 'C  ->  S SYN seq=x   # spaced out');
  assert.equal(s.update(analyze(spaced), settings, { uri: 'u' }), undefined);
  // A comment line above moves every line: the same diagram with a new line map.
  const moved = s.update(analyze('# a new first line\n' + spaced), settings, { uri: 'u' });
  assert.ok(moved && moved.command === 'update');
  if (!moved || moved.command !== 'update' || first?.command !== 'update') return;
  assert.equal(moved.mermaid, first.mermaid);
  assert.deepEqual(
    moved.arrows.map((x) => x.line),
    first.arrows.map((x) => x.line + 1),
  );
  assert.ok(moved.version > first.version);
  // A real change is posted; after an error the next good text is posted even if unchanged.
  const changed = s.update(analyze(spaced.replace('len=78', 'len=79')), settings, { uri: 'u' });
  assert.ok(changed && changed.command === 'update' && changed.mermaid !== first.mermaid);
  assert.equal(s.update(analyze(spaced + '\n%%\n'), settings, { uri: 'u' })?.command, 'error');
  assert.equal(s.update(analyze(spaced.replace('len=78', 'len=79')), settings, { uri: 'u' })?.command, 'update');
});

test('a session keeps its window until the cursor leaves the drawn part', () => {
  const s = new PreviewSession();
  const a = analyze(bigFlow(2000));
  const settings = { ...DEFAULT_PREVIEW_SETTINGS, maxMessages: 300 };
  const m = s.update(a, settings, { cursorLine: 1000 });
  assert.ok(m && m.command === 'update' && m.window);
  if (!m || m.command !== 'update' || !m.window) return;
  const inside = m.arrows[150].line;
  assert.deepEqual(s.cursor(inside), { command: 'highlight', line: inside });
  assert.equal(s.cursor(10), undefined);
  assert.equal(s.cursor(1990), undefined);
  // Small flows always highlight.
  const small = new PreviewSession();
  small.update(analyze(SKETCH), DEFAULT_PREVIEW_SETTINGS, {});
  assert.deepEqual(small.cursor(0), { command: 'highlight', line: 0 });
});

test('thousands of notes are cut short instead of stalling the webview', () => {
  const text = ['client C', 'server S', ...Array.from({ length: 5000 }, (_, i) => `note "remark ${i}"`), 'C -> S SYN seq=1'].join('\n');
  const t0 = performance.now();
  const m = buildPreviewMessage(analyze(text), DEFAULT_PREVIEW_SETTINGS, { version: 1 });
  assert.ok(performance.now() - t0 < 5000);
  assert.ok(m.command === 'update');
  if (m.command !== 'update') return;
  const lines = m.mermaid.trimEnd().split('\n');
  assert.ok(lines.length < 2600, `${lines.length} lines`);
  assert.match(lines[lines.length - 1], /^ {4}Note over C,S: … \d+ more statements are not drawn$/);
  assert.equal(m.notes.length, lines.filter((l) => l.trim().startsWith('Note over')).length);
});
