/**
 * The extension side of the preview (src/extension/preview.ts) against a small in-memory
 * stand-in for the `vscode` module: what it registers, what it posts to the webview and when,
 * and what it does with the webview's messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../src/core/index';
import { renderMermaid } from '../../src/core/render/mermaid';
import { Panel, Position, Selection, Uri, loadPreview, openReady, setup, sleep, type Range } from './vscode-fake';

const ROOT = path.resolve(__dirname, '..', '..');
const SKETCH = fs.readFileSync(path.join(ROOT, 'test', 'render', 'fixtures', 'sketch.tcpflow'), 'utf8');

test('registers the commands, the serializer and the settings of contrib/preview.json', async () => {
  const { fake, manager, subscriptions } = setup();
  const contrib = JSON.parse(fs.readFileSync(path.join(ROOT, 'contrib', 'preview.json'), 'utf8')) as {
    commands: { command: string; category: string }[];
    keybindings: { command: string; key: string; mac: string; when: string }[];
    configuration: { properties: Record<string, { enum?: string[]; enumDescriptions?: string[] }> };
    menus: Record<string, { command: string }[]>;
  };
  assert.deepEqual([...fake.commands.keys()].sort(), contrib.commands.map((c) => c.command).sort());
  assert.deepEqual([...fake.commands.keys()].sort(), ['tcpflow.copyMermaid', 'tcpflow.exportPng', 'tcpflow.exportSvg', 'tcpflow.openPreview', 'tcpflow.openPreviewToSide']);
  for (const c of contrib.commands) assert.equal(c.category, 'tcpflow');
  for (const menu of Object.values(contrib.menus)) for (const item of menu) assert.ok(fake.commands.has(item.command), item.command);
  assert.ok(contrib.keybindings.some((k) => k.key === 'ctrl+k v' && k.mac === 'cmd+k v' && k.when === 'editorLangId == tcpflow'));
  assert.ok(fake.serializers.has('tcpflow.preview'));
  assert.ok(subscriptions.includes(manager));
  fake.open('/notes/sketch.tcpflow', SKETCH);
  await openReady(fake);
  const read = new Set(fake.configReads);
  // The preview's settings, and the language the diagram is written in (contrib/server.json).
  assert.deepEqual([...read].sort(), [...Object.keys(contrib.configuration.properties), 'tcpflow.language'].sort());
  for (const p of Object.values(contrib.configuration.properties)) if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length);
  manager.dispose();
  assert.equal(fake.commands.size, 0);
});

test('opens one panel with the page, the policy and a fresh nonce, then posts the diagram', async () => {
  const { fake, manager } = setup();
  const editor = fake.open('/notes/sketch.tcpflow', SKETCH);
  editor.selection = new Selection(new Position(11, 0), new Position(11, 0));
  const panel = await openReady(fake);
  assert.equal(panel.viewType, 'tcpflow.preview');
  assert.equal(panel.webview.options.enableScripts, true);
  assert.deepEqual(
    (panel.webview.options.localResourceRoots as Uri[]).map((u) => u.path),
    ['/ext/dist', '/ext/media'],
  );
  const nonce = /script-src 'nonce-([^']+)'/.exec(panel.webview.html)?.[1];
  assert.ok(nonce && nonce.length >= 24);
  assert.ok(panel.webview.html.includes(`<script type="module" nonce="${nonce}" src="https://fake.webview/ext/dist/webview/main.js"></script>`));
  assert.ok(panel.webview.html.includes("img-src vscode-webview://fake data:; style-src vscode-webview://fake 'unsafe-inline'"));
  assert.equal(panel.title, 'Preview sketch.tcpflow');
  assert.deepEqual(panel.posted[0], { command: 'theme', kind: 'dark' });
  const update = panel.posted[1];
  assert.equal(update.command, 'update');
  assert.equal(update.mermaid, renderMermaid(analyze(SKETCH)).text);
  assert.equal(update.highlight, 11);
  assert.equal(update.uri, 'file:///notes/sketch.tcpflow');
  // Opening again reuses the panel; a new panel after closing gets a new nonce.
  await fake.commands.get('tcpflow.openPreview')?.();
  assert.equal(fake.panels.length, 1);
  panel.dispose();
  const again = await openReady(fake);
  assert.equal(fake.panels.length, 2);
  assert.notEqual(/script-src 'nonce-([^']+)'/.exec(again.webview.html)?.[1], nonce);
  manager.dispose();
});

test('an edit redraws at once when the build is quick or small beside the drawing; else it waits for a pause as long as one build', () => {
  const { fake } = setup();
  const { editDelay } = loadPreview(fake.api);
  assert.equal(editDelay(0), 0);
  assert.equal(editDelay(12), 0);
  assert.equal(editDelay(29.9), 0);
  assert.equal(editDelay(30), 30);
  assert.equal(editDelay(80.4), 80);
  assert.equal(editDelay(154), 150);
  assert.equal(editDelay(2_000), 150);
  // A build that is small beside the page's drawing is paced by the drawing alone.
  assert.equal(editDelay(50, 1_000), 0);
  assert.equal(editDelay(50, 200), 0);
  assert.equal(editDelay(50, 199), 50);
  assert.equal(editDelay(154, 330), 150);
});

/** Wait until `pred` holds (at most 5 s). */
async function until(pred: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(2);
  }
}

test('one update at a time: edits while the webview draws are built once it answers; unchanged diagrams and errors', async () => {
  const { fake, manager } = setup();
  const editor = fake.open('/notes/sketch.tcpflow', SKETCH);
  const panel = await openReady(fake);
  panel.answerUpdates = false;
  const updates = () => panel.posted.filter((m) => m.command === 'update');
  const start = updates().length;
  const edit = (text: string) => {
    editor.document.text = text;
    fake.ev.changeDoc.fire({ document: editor.document });
  };
  // The first edit is posted without waiting for more.
  edit(SKETCH.replace('len=78', 'len=70'));
  await until(() => updates().length === start + 1);
  const drawing = updates()[start];
  assert.ok(String(drawing.mermaid).includes('len=70'));
  // While the webview draws it, edits are held, and only the latest is built.
  edit(SKETCH.replace('len=78', 'len=71'));
  await sleep(30);
  edit(SKETCH.replace('len=78', 'len=72'));
  await sleep(60);
  assert.equal(updates().length, start + 1);
  // An answer to an older update changes nothing.
  panel.receive.fire({ command: 'rendered', version: Number(drawing.version) - 1, skipped: false, mermaidMs: 1, totalMs: 1, theme: 'dark' });
  await sleep(30);
  assert.equal(updates().length, start + 1);
  panel.answer(drawing);
  await until(() => updates().length === start + 2);
  const next = updates()[start + 1];
  assert.ok(String(next.mermaid).includes('len=72'));
  assert.ok(Number(next.version) > Number(drawing.version));
  await sleep(30);
  assert.equal(updates().length, start + 2);
  panel.answer(next);
  // A trailing comment changes nothing drawn: nothing is posted.
  const count = panel.posted.length;
  edit(editor.document.text.replace('seq=x  ', 'seq=x  # same diagram '));
  await sleep(60);
  assert.equal(panel.posted.length, count);
  // A syntax error is posted as an error (it needs no answer).
  edit(editor.document.text + '\nC -> S ACK "unterminated\n');
  await until(() => panel.posted.length === count + 1);
  const last = panel.posted[count];
  assert.equal(last.command, 'error');
  assert.match(String(last.banner), /^Line \d+, column \d+: TF1001 /);
  // A failed render is an answer too.
  edit(SKETCH.replace('len=78', 'len=73'));
  await until(() => updates().length === start + 3);
  edit(SKETCH.replace('len=78', 'len=74'));
  await sleep(30);
  assert.equal(updates().length, start + 3);
  panel.receive.fire({ command: 'renderFailed', version: updates()[start + 2].version, message: 'boom' });
  await until(() => updates().length === start + 4);
  assert.ok(String(updates()[start + 3].mermaid).includes('len=74'));
  manager.dispose();
});

test('a reloaded page ends the wait for an answer: the latest text is posted when it is ready', async () => {
  const { fake, manager } = setup();
  const editor = fake.open('/notes/sketch.tcpflow', SKETCH);
  const panel = await openReady(fake);
  panel.answerUpdates = false;
  const updates = () => panel.posted.filter((m) => m.command === 'update');
  const start = updates().length;
  editor.document.text = SKETCH.replace('len=78', 'len=70');
  fake.ev.changeDoc.fire({ document: editor.document });
  await until(() => updates().length === start + 1);
  editor.document.text = SKETCH.replace('len=78', 'len=71');
  fake.ev.changeDoc.fire({ document: editor.document });
  await sleep(30);
  assert.equal(updates().length, start + 1);
  // The page was discarded and loaded again (hidden, then shown): it says ready.
  panel.receive.fire({ command: 'ready' });
  await until(() => updates().length === start + 2);
  assert.ok(String(updates()[start + 1].mermaid).includes('len=71'));
  manager.dispose();
});

test('the cursor is highlighted, and a click reveals and selects its line', async () => {
  const { fake, manager } = setup();
  const editor = fake.open('/notes/sketch.tcpflow', SKETCH);
  const panel = await openReady(fake);
  fake.ev.selection.fire({ textEditor: editor, selections: [new Selection(new Position(7, 3), new Position(7, 3))] });
  assert.deepEqual(panel.posted[panel.posted.length - 1], { command: 'highlight', line: 7 });
  panel.receive.fire({ command: 'reveal', line: 15 });
  await sleep(10);
  assert.equal(fake.shown.length, 1);
  const sel = fake.shown[0].selection as Range;
  assert.deepEqual([sel.start.line, sel.start.character, sel.end.line, sel.end.character], [15, 0, 15, editor.document.text.split('\n')[15].length]);
  // Out-of-range lines are ignored.
  panel.receive.fire({ command: 'reveal', line: 999 });
  await sleep(10);
  assert.equal(fake.shown.length, 1);
  manager.dispose();
});

test('follows the active .tcpflow editor and the theme', async () => {
  const { fake, manager } = setup();
  fake.open('/notes/sketch.tcpflow', SKETCH);
  const panel = await openReady(fake);
  const other = fake.open('/notes/other.tcpflow', 'title "other"\nclient A\nserver B\nA -> B SYN seq=1\n');
  fake.ev.activeEditor.fire(other);
  await sleep(20);
  const last = panel.posted[panel.posted.length - 1];
  assert.equal(last.uri, 'file:///notes/other.tcpflow');
  assert.ok(String(last.mermaid).includes('title other'));
  assert.equal(panel.title, 'Preview other.tcpflow');
  fake.ev.theme.fire({ kind: 4 });
  assert.deepEqual(panel.posted[panel.posted.length - 1], { command: 'theme', kind: 'high-contrast-light' });
  // Settings changes redraw with the new settings.
  fake.config['tcpflow.preview.autonumber'] = true;
  fake.ev.config.fire({ affectsConfiguration: (s: string) => s === 'tcpflow.preview' });
  await sleep(20);
  assert.ok(String(panel.posted[panel.posted.length - 1].mermaid).includes('autonumber'));
  manager.dispose();
});

test('export asks the webview, then saves where the user says', async () => {
  const { fake, manager } = setup();
  fake.open('/notes/sketch.tcpflow', SKETCH);
  const panel = await openReady(fake);
  fake.setSaveTarget(Uri.file('/out/sketch.png'));
  const done = fake.commands.get('tcpflow.exportPng')?.() as Promise<void>;
  await sleep(5);
  const request = panel.posted[panel.posted.length - 1];
  assert.equal(request.command, 'export');
  assert.equal(request.format, 'png');
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  panel.receive.fire({ command: 'exported', id: request.id, format: 'png', data: `data:image/png;base64,${png.toString('base64')}` });
  await done;
  assert.equal(fake.written.length, 1);
  assert.equal(fake.written[0].uri.path, '/out/sketch.png');
  assert.deepEqual(Buffer.from(fake.written[0].bytes), png);
  // SVG: written as text; a cancelled dialog writes nothing.
  fake.setSaveTarget(undefined);
  const svgDone = fake.commands.get('tcpflow.exportSvg')?.() as Promise<void>;
  await sleep(5);
  const r2 = panel.posted[panel.posted.length - 1];
  panel.receive.fire({ command: 'exported', id: r2.id, format: 'svg', data: '<svg/>' });
  await svgDone;
  assert.equal(fake.written.length, 1);
  manager.dispose();
});

test('copy puts the whole flow as Mermaid on the clipboard', async () => {
  const { fake, manager } = setup();
  fake.open('/notes/sketch.tcpflow', SKETCH);
  await fake.commands.get('tcpflow.copyMermaid')?.();
  assert.equal(fake.clipboard(), renderMermaid(analyze(SKETCH)).text);
  manager.dispose();
});

test('a restored panel shows the document it showed before', async () => {
  const { fake, manager } = setup();
  fake.open('/notes/sketch.tcpflow', SKETCH);
  fake.open('/notes/other.tcpflow', 'client A\nserver B\nA -> B SYN seq=1\n');
  const panel = new Panel('tcpflow.preview', {});
  await fake.serializers.get('tcpflow.preview')?.deserializeWebviewPanel(panel, { uri: 'file:///notes/sketch.tcpflow', zoom: 1.5 });
  assert.ok(panel.webview.html.includes('Content-Security-Policy'));
  assert.equal((panel.webview.options as { enableScripts?: boolean }).enableScripts, true);
  panel.receive.fire({ command: 'ready' });
  await sleep(20);
  const update = panel.posted.find((m) => m.command === 'update');
  assert.equal(update?.uri, 'file:///notes/sketch.tcpflow');
  manager.dispose();
});

test('in Chinese: the page, the title and the messages follow the display language; the diagram follows tcpflow.language', async () => {
  const { fake, manager } = setup();
  fake.api.env.language = 'zh-cn';
  fake.setBundle(JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>);
  await fake.commands.get('tcpflow.openPreview')?.();
  assert.deepEqual(fake.messages, ['tcpflow：请先打开一个 .tcpflow 文件再预览。']);
  fake.open('/notes/sketch.tcpflow', SKETCH);
  const panel = await openReady(fake);
  assert.equal(panel.title, '预览 sketch.tcpflow');
  assert.match(panel.webview.html, /<html lang="zh-CN">/);
  assert.match(panel.webview.html, /id="zoom-fit" title="适应宽度 \(F\)" aria-label="适应宽度"/);
  const first = panel.posted.find((m) => m.command === 'update');
  assert.equal(first?.locale, 'zh-cn');
  // The setting overrides the display language; the preview redraws at once.
  const count = panel.posted.length;
  fake.config['tcpflow.language'] = 'en';
  fake.ev.config.fire({ affectsConfiguration: (s: string) => s === 'tcpflow.language' });
  await sleep(20);
  assert.equal(panel.posted.length, count + 1);
  assert.equal(panel.posted[count].locale, 'en');
  // A file that cannot be drawn: the banner is in the setting's language.
  fake.config['tcpflow.language'] = 'zh-cn';
  const editor = fake.open('/notes/broken.tcpflow', 'client C\nserver S\nC -> S SYN seq="\n');
  fake.ev.activeEditor.fire(editor);
  await sleep(20);
  const error = panel.posted[panel.posted.length - 1];
  assert.equal(error.command, 'error');
  assert.match(String(error.banner), /^第 3 行，第 \d+ 列/);
  manager.dispose();
});
