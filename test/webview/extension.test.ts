/**
 * The extension side of the preview (src/extension/preview.ts) against a small in-memory
 * stand-in for the `vscode` module: what it registers, what it posts to the webview and when,
 * and what it does with the webview's messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';
import { analyze } from '../../src/core/index';
import { renderMermaid } from '../../src/core/render/mermaid';

const ROOT = path.resolve(__dirname, '..', '..');
const SKETCH = fs.readFileSync(path.join(ROOT, 'test', 'render', 'fixtures', 'sketch.tcpflow'), 'utf8');

type Listener<T> = (e: T) => unknown;
class Emitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

class Uri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    const m = /^(\w+):\/\/(.*)$/.exec(s);
    return m ? new Uri(m[1], m[2]) : new Uri('file', s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  with(change: { path?: string }): Uri {
    return new Uri(this.scheme, change.path ?? this.path);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}
class Selection extends Range {
  get active(): Position {
    return this.end;
  }
}

class Doc {
  languageId = 'tcpflow';
  constructor(
    readonly uri: Uri,
    public text: string,
  ) {}
  getText(): string {
    return this.text;
  }
  get lineCount(): number {
    return this.text.split('\n').length;
  }
  lineAt(line: number): { range: Range } {
    const l = this.text.split('\n')[line] ?? '';
    return { range: new Range(new Position(line, 0), new Position(line, l.length)) };
  }
}

interface Editor {
  document: Doc;
  viewColumn: number;
  selection: Selection;
  revealRange(r: Range): void;
}

class Panel {
  readonly posted: Record<string, unknown>[] = [];
  readonly receive = new Emitter<unknown>();
  readonly viewState = new Emitter<unknown>();
  readonly disposed = new Emitter<void>();
  title = '';
  visible = true;
  iconPath: unknown;
  webview = {
    html: '',
    options: {} as Record<string, unknown>,
    cspSource: 'vscode-webview://fake',
    asWebviewUri: (u: Uri) => `https://fake.webview${u.path}`,
    postMessage: (m: Record<string, unknown>) => {
      this.posted.push(m);
      return Promise.resolve(true);
    },
    onDidReceiveMessage: this.receive.event,
  };
  onDidChangeViewState = this.viewState.event;
  onDidDispose = this.disposed.event;
  constructor(
    readonly viewType: string,
    options: Record<string, unknown>,
  ) {
    this.webview.options = options;
  }
  reveal(): void {}
  dispose(): void {
    this.disposed.fire();
  }
}

function fakeVscode() {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const serializers = new Map<string, { deserializeWebviewPanel(p: Panel, s: unknown): Promise<void> }>();
  const panels: Panel[] = [];
  const docs = new Map<string, Doc>();
  const configReads: string[] = [];
  const config: Record<string, unknown> = {};
  const written: { uri: Uri; bytes: Uint8Array }[] = [];
  const shown: { doc: Doc; selection?: Range }[] = [];
  const messages: string[] = [];
  let clipboard = '';
  let saveTarget: Uri | undefined;
  /** The runtime bundle VS Code would load for its display language (none: English). */
  let bundle: Record<string, string> | undefined;
  const ev = {
    changeDoc: new Emitter<{ document: Doc }>(),
    activeEditor: new Emitter<Editor | undefined>(),
    selection: new Emitter<{ textEditor: Editor; selections: Selection[] }>(),
    config: new Emitter<{ affectsConfiguration(s: string): boolean }>(),
    theme: new Emitter<{ kind: number }>(),
    closeDoc: new Emitter<Doc>(),
  };
  const win = {
    activeTextEditor: undefined as Editor | undefined,
    visibleTextEditors: [] as Editor[],
    activeColorTheme: { kind: 2 },
    registerWebviewPanelSerializer: (viewType: string, s: { deserializeWebviewPanel(p: Panel, st: unknown): Promise<void> }) => {
      serializers.set(viewType, s);
      return { dispose() {} };
    },
    createWebviewPanel: (viewType: string, _title: string, _col: unknown, options: Record<string, unknown>) => {
      const p = new Panel(viewType, options);
      panels.push(p);
      return p;
    },
    onDidChangeActiveTextEditor: ev.activeEditor.event,
    onDidChangeTextEditorSelection: ev.selection.event,
    onDidChangeActiveColorTheme: ev.theme.event,
    showInformationMessage: (m: string) => messages.push(m),
    showWarningMessage: (m: string) => messages.push(m),
    showErrorMessage: (m: string) => messages.push(m),
    setStatusBarMessage: (m: string) => messages.push(m),
    showTextDocument: async (doc: Doc, opts: { selection?: Range }) => {
      shown.push({ doc, selection: opts.selection });
      return { document: doc, viewColumn: 1, selection: new Selection(new Position(0, 0), new Position(0, 0)), revealRange() {} } as Editor;
    },
    showSaveDialog: async () => saveTarget,
  };
  const api = {
    Uri,
    Position,
    Range,
    Selection,
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    ColorThemeKind: { Light: 1, Dark: 2, HighContrast: 3, HighContrastLight: 4 },
    TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        commands.set(id, fn);
        return { dispose: () => commands.delete(id) };
      },
    },
    window: win,
    workspace: {
      onDidChangeTextDocument: ev.changeDoc.event,
      onDidChangeConfiguration: ev.config.event,
      onDidCloseTextDocument: ev.closeDoc.event,
      getConfiguration: (section: string) => ({
        get: <T>(key: string, def: T): T => {
          configReads.push(`${section}.${key}`);
          return (config[`${section}.${key}`] as T | undefined) ?? def;
        },
      }),
      openTextDocument: async (u: Uri) => {
        const d = docs.get(u.toString());
        if (!d) throw new Error(`no document ${u.toString()}`);
        return d;
      },
      fs: {
        writeFile: async (uri: Uri, bytes: Uint8Array) => {
          written.push({ uri, bytes });
        },
      },
    },
    l10n: {
      t: (message: string, ...args: (string | number)[]) => (bundle?.[message] ?? message).replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)])),
    },
    env: {
      language: 'en',
      clipboard: {
        writeText: async (t: string) => {
          clipboard = t;
        },
      },
    },
  };
  const open = (p: string, text: string): Editor => {
    const doc = new Doc(Uri.file(p), text);
    docs.set(doc.uri.toString(), doc);
    const editor: Editor = { document: doc, viewColumn: 1, selection: new Selection(new Position(0, 0), new Position(0, 0)), revealRange() {} };
    win.activeTextEditor = editor;
    win.visibleTextEditors = [editor];
    return editor;
  };
  return { api, commands, serializers, panels, configReads, config, written, shown, messages, ev, open, clipboard: () => clipboard, setBundle: (b: Record<string, string> | undefined) => (bundle = b), setSaveTarget: (u: Uri | undefined) => (saveTarget = u) };
}

/** Load src/extension/preview.ts with `vscode` resolved to the stand-in. */
function loadPreview(api: unknown): typeof import('../../src/extension/preview') {
  const M = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = M._load;
  M._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return api;
    return original.call(this, request, parent, isMain);
  };
  try {
    // Every module of the extension that imports `vscode` is loaded afresh with this stand-in.
    const dir = path.join(ROOT, 'src', 'extension') + path.sep;
    for (const cached of Object.keys(require.cache)) if (cached.startsWith(dir)) delete require.cache[cached];
    const file = require.resolve('../../src/extension/preview');
    return require(file) as typeof import('../../src/extension/preview');
  } finally {
    M._load = original;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup() {
  const fake = fakeVscode();
  const { PreviewManager } = loadPreview(fake.api);
  const subscriptions: { dispose(): void }[] = [];
  const context = { extensionUri: Uri.file('/ext'), subscriptions };
  const manager = new PreviewManager(context as never);
  return { fake, manager, subscriptions };
}

async function openReady(fake: ReturnType<typeof fakeVscode>, command = 'tcpflow.openPreviewToSide'): Promise<Panel> {
  await fake.commands.get(command)?.();
  const panel = fake.panels[fake.panels.length - 1];
  panel.receive.fire({ command: 'ready' });
  await sleep(20);
  return panel;
}

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

test('edits are debounced; edits that change nothing are not posted; errors are', async () => {
  const { fake, manager } = setup();
  const editor = fake.open('/notes/sketch.tcpflow', SKETCH);
  const panel = await openReady(fake);
  const count = () => panel.posted.length;
  const start = count();
  // Three quick edits: one update, about 150 ms after the last.
  for (const len of [70, 71, 72]) {
    editor.document.text = SKETCH.replace('len=78', `len=${len}`);
    fake.ev.changeDoc.fire({ document: editor.document });
    await sleep(30);
  }
  assert.equal(count(), start);
  await sleep(200);
  assert.equal(count(), start + 1);
  assert.ok(String(panel.posted[count() - 1].mermaid).includes('len=72'));
  // A trailing comment changes nothing drawn: nothing is posted.
  editor.document.text = editor.document.text.replace('seq=x  ', 'seq=x  # same diagram ');
  fake.ev.changeDoc.fire({ document: editor.document });
  await sleep(220);
  assert.equal(count(), start + 1);
  // A syntax error is posted as an error.
  editor.document.text += '\nC -> S ACK "unterminated\n';
  fake.ev.changeDoc.fire({ document: editor.document });
  await sleep(220);
  const last = panel.posted[count() - 1];
  assert.equal(last.command, 'error');
  assert.match(String(last.banner), /^Line \d+, column \d+: TF1001 /);
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
