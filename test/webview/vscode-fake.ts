/**
 * A small in-memory stand-in for the `vscode` module, enough for the preview panel
 * (src/extension/preview.ts): the extension tests and the preview benchmark load the real
 * `PreviewManager` against it.
 */
import * as path from 'node:path';
import Module from 'node:module';

const ROOT = path.resolve(__dirname, '..', '..');

type Listener<T> = (e: T) => unknown;
export class Emitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

export class Uri {
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

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}
export class Selection extends Range {
  get active(): Position {
    return this.end;
  }
}

export class Doc {
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

export interface Editor {
  document: Doc;
  viewColumn: number;
  selection: Selection;
  revealRange(r: Range): void;
}

export class Panel {
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
      // Like the page: every update is answered once drawn (unless a test holds the answers).
      if (m.command === 'update' && this.answerUpdates) setTimeout(() => this.answer(m), 1);
      return Promise.resolve(true);
    },
    onDidReceiveMessage: this.receive.event,
  };
  /** Answer each posted update with `rendered`, as the webview does (off: the test answers). */
  answerUpdates = true;
  /** Send the webview's answer to update `m`. */
  answer(m: Record<string, unknown>, skipped = false): void {
    this.receive.fire({ command: 'rendered', version: m.version, skipped, mermaidMs: 1, totalMs: 1, theme: 'dark' });
  }
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

export function fakeVscode() {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const serializers = new Map<string, { deserializeWebviewPanel(p: Panel, s: unknown): Promise<void> }>();
  const panels: Panel[] = [];
  const docs = new Map<string, Doc>();
  const configReads: string[] = [];
  const config: Record<string, unknown> = {};
  const written: { uri: Uri; bytes: Uint8Array }[] = [];
  const shown: { doc: Doc; selection?: Range }[] = [];
  const messages: string[] = [];
  const logLines: string[] = [];
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
    createOutputChannel: () => ({
      info: (line: string) => logLines.push(line),
      warn: (line: string) => logLines.push(line),
      error: (line: string) => logLines.push(line),
      appendLine: (line: string) => logLines.push(line),
      show() {},
      dispose() {},
    }),
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
  return { api, commands, serializers, panels, configReads, config, written, shown, messages, logLines, ev, open, clipboard: () => clipboard, setBundle: (b: Record<string, string> | undefined) => (bundle = b), setSaveTarget: (u: Uri | undefined) => (saveTarget = u) };
}

/** Load src/extension/preview.ts with `vscode` resolved to the stand-in. */
export function loadPreview(api: unknown): typeof import('../../src/extension/preview') {
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function setup() {
  const fake = fakeVscode();
  const { PreviewManager } = loadPreview(fake.api);
  const subscriptions: { dispose(): void }[] = [];
  const context = { extensionUri: Uri.file('/ext'), subscriptions };
  const manager = new PreviewManager(context as never);
  return { fake, manager, subscriptions };
}

export async function openReady(fake: ReturnType<typeof fakeVscode>, command = 'tcpflow.openPreviewToSide'): Promise<Panel> {
  await fake.commands.get(command)?.();
  const panel = fake.panels[fake.panels.length - 1];
  panel.receive.fire({ command: 'ready' });
  await sleep(20);
  return panel;
}

