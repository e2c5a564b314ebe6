/**
 * The live preview: one webview panel that follows the active `.tcpflow` editor and redraws the
 * flow as a Mermaid sequence diagram on every edit. All the drawing is done by the core
 * (`renderMermaid` via `buildPreviewMessage`); this file only wires VS Code to the webview.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { analyze, extractFences } from '../core/index';
import { renderMermaid } from '../core/render/mermaid';
import { DEFAULT_PREVIEW_SETTINGS, PreviewSession, type ExportedMessage, type FromWebview, type PreviewSettings, type ThemeKind, type ToWebview } from '../core/render/preview';
import { previewHtml } from '../webview/html';
import { LANGUAGE_SETTING, tcpflowLocale } from './locale';
import { logChannel } from './log';

const VIEW_TYPE = 'tcpflow.preview';
/**
 * Edits redraw at once when the diagram is quick to build (or its build is small beside the
 * page's drawing); past `QUICK_BUILD_MS` an edit waits for a pause in typing as long as the last
 * build took, at most `MAX_DEBOUNCE_MS`.
 */
const QUICK_BUILD_MS = 30;
const MAX_DEBOUNCE_MS = 150;
/** An update the webview has not answered within this long is taken as lost. */
const ANSWER_TIMEOUT_MS = 10_000;
const EXPORT_TIMEOUT_MS = 30_000;

interface PanelState {
  uri?: string;
}

/**
 * How long an edit waits before the diagram is rebuilt, given how long the last build took and
 * how long the page took to draw the last diagram (ms): no wait while the build is quick, or
 * small beside the page's drawing (then the drawing paces the builds: one per answer).
 */
export function editDelay(lastBuildMs: number, lastDrawMs = 0): number {
  if (lastBuildMs < QUICK_BUILD_MS || lastBuildMs * 4 <= lastDrawMs) return 0;
  return Math.min(MAX_DEBOUNCE_MS, Math.round(lastBuildMs));
}

function isTcpflow(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && (doc.languageId === 'tcpflow' || doc.uri.path.endsWith('.tcpflow'));
}

function isMarkdown(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.languageId === 'markdown';
}

/**
 * The ```tcpflow block of a note that holds `line` (its fences included), as the text the core
 * analyses: the block's content behind as many empty lines as come before it, so that line N of
 * the analysis is line N of the note (as the language server does it).
 */
export function blockAt(doc: vscode.TextDocument, line: number): { text: string; firstLine: number } | undefined {
  for (const f of extractFences(doc.getText())) {
    const open = doc.positionAt(f.openStart).line;
    const first = doc.positionAt(f.contentStart).line;
    const close = f.closed ? doc.positionAt(f.contentEnd).line : doc.lineCount - 1;
    if (line >= open && line <= close) return { text: '\n'.repeat(first) + f.content, firstLine: first };
  }
  return undefined;
}

/** The preview page's theme for VS Code's colour theme (what the extension tells the page). */
export function themeKind(kind: vscode.ColorThemeKind): ThemeKind {
  switch (kind) {
    case vscode.ColorThemeKind.Dark:
      return 'dark';
    case vscode.ColorThemeKind.HighContrast:
      return 'high-contrast';
    case vscode.ColorThemeKind.HighContrastLight:
      return 'high-contrast-light';
    default:
      return 'light';
  }
}

function readSettings(scope?: vscode.Uri): PreviewSettings {
  const c = vscode.workspace.getConfiguration('tcpflow.preview', scope);
  const numbers = c.get<string>('numbers', DEFAULT_PREVIEW_SETTINGS.numbers);
  const states = c.get<string>('states', DEFAULT_PREVIEW_SETTINGS.states);
  const max = c.get<number>('maxMessages', DEFAULT_PREVIEW_SETTINGS.maxMessages);
  return {
    numbers: numbers === 'absolute' || numbers === 'relative' ? numbers : 'written',
    states: states === 'off' || states === 'always' ? states : 'change',
    autonumber: c.get<boolean>('autonumber', DEFAULT_PREVIEW_SETTINGS.autonumber) === true,
    maxMessages: Number.isFinite(max) && max >= 10 ? Math.floor(max) : DEFAULT_PREVIEW_SETTINGS.maxMessages,
  };
}

export class PreviewManager implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private document: vscode.TextDocument | undefined;
  /** In a Markdown note: a line of the ```tcpflow block the preview shows. */
  private blockLine: number | undefined;
  private ready = false;
  /**
   * When the command that made the panel ran, the panel was made, its page's HTML was set, and the
   * page said ready: the first render's line in the log tells where the time went.
   */
  private invokedAt = 0;
  private createdAt = 0;
  private htmlSetAt = 0;
  private readyAt = 0;
  private firstRenderLogged = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts `schedule` calls: only the latest one's turn builds. */
  private scheduled = 0;
  /**
   * The update the webview is drawing: until it answers, edits only mark `pending`, and the
   * latest text is built when the answer comes (one render at a time, none queued).
   */
  private inFlight: { version: number; timer: ReturnType<typeof setTimeout> } | undefined;
  private pending = false;
  /** How long the last update took to build (analysis and diagram text), ms. */
  private lastBuildMs = 0;
  /** How long the page took to draw the last diagram, ms. */
  private lastDrawMs = 0;
  private readonly session = new PreviewSession();
  private exportId = 0;
  private readonly exports = new Map<number, (m: ExportedMessage) => void>();
  private readonly panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      vscode.commands.registerCommand('tcpflow.openPreview', (uri?: vscode.Uri, line?: number) => this.open(uri, false, line)),
      vscode.commands.registerCommand('tcpflow.openPreviewToSide', (uri?: vscode.Uri, line?: number) => this.open(uri, true, line)),
      vscode.commands.registerCommand('tcpflow.exportSvg', () => this.exportDiagram('svg')),
      vscode.commands.registerCommand('tcpflow.exportPng', () => this.exportDiagram('png')),
      vscode.commands.registerCommand('tcpflow.copyMermaid', (uri?: vscode.Uri, line?: number) => this.copyMermaid(uri, line)),
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.restore(panel, state as PanelState | undefined),
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && e.document === this.document) this.schedule(this.editDelay());
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (this.panel && editor && isTcpflow(editor.document) && editor.document !== this.document) this.show(editor.document);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!this.panel || e.textEditor.document !== this.document) return;
        const line = e.selections[0]?.active.line ?? 0;
        // In a note, the preview follows the cursor into another ```tcpflow block.
        if (this.blockLine !== undefined && isMarkdown(this.document) && blockAt(this.document, line) && blockAt(this.document, line)?.firstLine !== blockAt(this.document, this.blockLine)?.firstLine) {
          this.blockLine = line;
          this.session.reset();
          this.schedule(0);
          return;
        }
        this.onCursor(line);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.panel && (e.affectsConfiguration('tcpflow.preview') || e.affectsConfiguration(LANGUAGE_SETTING))) {
          this.session.reset();
          this.schedule(0);
        }
      }),
      vscode.window.onDidChangeActiveColorTheme((theme) => this.post({ command: 'theme', kind: themeKind(theme.kind) })),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc === this.document) this.document = undefined;
      }),
    );
    context.subscriptions.push(this);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.scheduled++;
    this.answered();
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // ---- panel ----

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist'), vscode.Uri.joinPath(this.context.extensionUri, 'media')],
    };
  }

  private async open(uri: vscode.Uri | undefined, toSide: boolean, line?: number): Promise<void> {
    const invokedAt = Date.now();
    let doc: vscode.TextDocument | undefined;
    if (uri instanceof vscode.Uri) doc = await vscode.workspace.openTextDocument(uri);
    else doc = vscode.window.activeTextEditor?.document;
    // A note: the ```tcpflow block at the given line, or at the cursor.
    let blockLine: number | undefined;
    if (isMarkdown(doc)) {
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
      const at = typeof line === 'number' ? line : editor?.selection.active.line;
      if (at !== undefined && blockAt(doc, at)) blockLine = at;
      else if (at === undefined || !blockAt(doc, at)) {
        const first = extractFences(doc.getText())[0];
        if (first) blockLine = doc.positionAt(first.contentStart).line;
      }
      if (blockLine === undefined) doc = undefined;
    }
    if (!isTcpflow(doc) && blockLine === undefined) doc = vscode.window.visibleTextEditors.map((e) => e.document).find(isTcpflow);
    if (!doc) {
      void vscode.window.showInformationMessage(vscode.l10n.t('tcpflow: open a .tcpflow file to preview it.'));
      return;
    }
    const column = toSide ? vscode.ViewColumn.Beside : (vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.Active);
    if (this.panel) this.panel.reveal(column, toSide);
    else this.attach(vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('tcpflow preview'), { viewColumn: column, preserveFocus: toSide }, this.webviewOptions()), invokedAt);
    this.show(doc, blockLine);
  }

  private async restore(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    if (this.panel) {
      // One preview only: a second restored panel is closed.
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
    let doc: vscode.TextDocument | undefined;
    if (state?.uri) {
      try {
        doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(state.uri));
      } catch {
        doc = undefined;
      }
    }
    if (isMarkdown(doc)) {
      // A note's preview comes back on its first ```tcpflow block.
      const first = extractFences(doc.getText())[0];
      if (first) {
        this.show(doc, doc.positionAt(first.contentStart).line);
        return;
      }
      doc = undefined;
    }
    doc ??= [vscode.window.activeTextEditor?.document, ...vscode.window.visibleTextEditors.map((e) => e.document)].find(isTcpflow);
    if (doc) this.show(doc);
  }

  /** `invokedAt`: when the command that made the panel ran (a restored panel: now). */
  private attach(panel: vscode.WebviewPanel, invokedAt = Date.now()): void {
    this.panel = panel;
    this.ready = false;
    this.invokedAt = invokedAt;
    this.createdAt = Date.now();
    this.firstRenderLogged = false;
    this.session.reset();
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'preview.svg');
    const webview = panel.webview;
    webview.html = previewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', 'preview.css')).toString(),
      locale: tcpflowLocale(),
    });
    this.htmlSetAt = Date.now();
    this.panelDisposables.push(
      webview.onDidReceiveMessage((m: FromWebview) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is discarded; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready = false;
          this.answered();
          for (const d of this.panelDisposables.splice(0)) d.dispose();
          for (const resolve of this.exports.values()) resolve({ command: 'exported', id: -1, format: 'svg', error: vscode.l10n.t('The preview was closed.') });
          this.exports.clear();
        }
      }),
    );
  }

  private show(doc: vscode.TextDocument, blockLine?: number): void {
    if (doc !== this.document || blockLine !== this.blockLine) {
      this.document = doc;
      this.blockLine = blockLine;
      this.session.reset();
    }
    const name = doc.uri.path.split('/').pop() ?? '';
    const block = blockLine !== undefined ? blockAt(doc, blockLine) : undefined;
    if (this.panel) this.panel.title = vscode.l10n.t('Preview {0}', block ? `${name}:${block.firstLine + 1}` : name);
    this.schedule(0);
  }

  private post(m: ToWebview): boolean {
    if (!this.panel || !this.ready) return false;
    void this.panel.webview.postMessage(m);
    return true;
  }

  // ---- updates ----

  private editDelay(): number {
    return editDelay(this.lastBuildMs, this.lastDrawMs);
  }

  /** The webview answered the update in flight (or will never): build what is pending. */
  private answered(version?: number): void {
    const f = this.inFlight;
    if (!f || (version !== undefined && version < f.version)) return;
    clearTimeout(f.timer);
    this.inFlight = undefined;
    if (this.pending && version !== undefined) {
      this.pending = false;
      this.schedule(0);
    } else this.pending = false;
  }

  /**
   * Build and post the update after `delay` ms; with no delay, as soon as the code that reported
   * the change has finished (a microtask: after the other listeners of the same edit, such as the
   * language client's, and without a timer's minimum wait). A later call replaces an earlier one.
   */
  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const turn = ++this.scheduled;
    if (delay <= 0) {
      queueMicrotask(() => {
        if (turn === this.scheduled) this.update();
      });
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (turn === this.scheduled) this.update();
    }, delay);
  }

  private cursorLine(): number | undefined {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    return editor?.selection.active.line;
  }

  private update(): void {
    const doc = this.document;
    if (!this.panel || !this.ready || !doc) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    const started = performance.now();
    const analysis = analyze(this.sourceText(doc), { locale: tcpflowLocale() });
    const message = this.session.update(analysis, readSettings(doc.uri), { uri: doc.uri.toString(), cursorLine: this.cursorLine() });
    this.lastBuildMs = performance.now() - started;
    if (!message || !this.post(message) || message.command !== 'update') return;
    const version = message.version;
    this.inFlight = { version, timer: setTimeout(() => this.answered(version), ANSWER_TIMEOUT_MS) };
  }

  /** The flow the preview draws: the file, or the note's block (padded to keep its line numbers). */
  private sourceText(doc: vscode.TextDocument, blockLine = this.blockLine): string {
    if (blockLine === undefined || !isMarkdown(doc)) return doc.getText();
    return blockAt(doc, blockLine)?.text ?? '';
  }

  private onCursor(line: number): void {
    const message = this.session.cursor(line);
    // In a windowed flow, a cursor outside the drawn part brings a new window.
    if (message) this.post(message);
    else this.schedule(MAX_DEBOUNCE_MS);
  }

  private receive(m: FromWebview): void {
    switch (m.command) {
      case 'ready':
        this.answered();
        this.ready = true;
        this.readyAt = Date.now();
        this.session.reset(true);
        this.post({ command: 'theme', kind: themeKind(vscode.window.activeColorTheme.kind) });
        this.schedule(0);
        break;
      case 'reveal':
        void this.reveal(m.line);
        break;
      case 'exported': {
        const resolve = this.exports.get(m.id);
        if (resolve) {
          this.exports.delete(m.id);
          resolve(m);
        }
        break;
      }
      case 'renderFailed':
        this.answered(m.version);
        void vscode.window.showWarningMessage(vscode.l10n.t('tcpflow: the diagram could not be drawn: {0}', m.message));
        break;
      case 'rendered':
        if (!m.skipped) this.lastDrawMs = m.totalMs;
        this.answered(m.version);
        if (!this.firstRenderLogged && !m.skipped) {
          this.firstRenderLogged = true;
          const since = (t: number): number => t - this.invokedAt;
          logChannel().info(
            `preview: first diagram ${since(Date.now())} ms after the command (panel made at ${since(this.createdAt)} ms, HTML set at ${since(this.htmlSetAt)} ms, ` +
              `page ready at ${since(this.readyAt)} ms; in the page: Mermaid ${Math.round(m.mermaidMs)} ms, update ${Math.round(m.totalMs)} ms)`,
          );
        }
        break;
    }
  }

  private async reveal(line: number): Promise<void> {
    const doc = this.document;
    if (!doc || line < 0 || line >= doc.lineCount) return;
    const range = doc.lineAt(line).range;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, selection: range });
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  // ---- export and copy ----

  private requestExport(format: 'svg' | 'png'): Promise<ExportedMessage> {
    const id = ++this.exportId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.exports.delete(id);
        resolve({ command: 'exported', id, format, error: vscode.l10n.t('The preview did not answer.') });
      }, EXPORT_TIMEOUT_MS);
      this.exports.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.post({ command: 'export', id, format });
    });
  }

  private async exportDiagram(format: 'svg' | 'png'): Promise<void> {
    if (!this.panel || !this.ready || !this.document) {
      void vscode.window.showInformationMessage(vscode.l10n.t('tcpflow: open the preview first (tcpflow: Open Preview).'));
      return;
    }
    const doc = this.document;
    const answer = await this.requestExport(format);
    if (answer.error || !answer.data) {
      void vscode.window.showErrorMessage(vscode.l10n.t('tcpflow: export failed: {0}', answer.error ?? vscode.l10n.t('no data')));
      return;
    }
    const base = doc.uri.path.replace(/\.[^./]*$/, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: doc.uri.with({ path: `${base}.${format}` }),
      filters: format === 'svg' ? { [vscode.l10n.t('SVG image')]: ['svg'] } : { [vscode.l10n.t('PNG image')]: ['png'] },
      saveLabel: vscode.l10n.t('Export {0}', format.toUpperCase()),
    });
    if (!target) return;
    const bytes = format === 'svg' ? new TextEncoder().encode(answer.data) : fromBase64(answer.data.replace(/^data:image\/png;base64,/, ''));
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(vscode.l10n.t('tcpflow: saved {0}', target.path.split('/').pop() ?? ''));
  }

  /** Copies the whole flow's diagram (never just the window the preview shows). */
  private async copyMermaid(uri?: vscode.Uri, line?: number): Promise<void> {
    let doc: vscode.TextDocument | undefined;
    let blockLine: number | undefined;
    if (uri instanceof vscode.Uri) {
      doc = await vscode.workspace.openTextDocument(uri);
      if (isMarkdown(doc) && typeof line === 'number' && blockAt(doc, line)) blockLine = line;
      else if (!isTcpflow(doc)) doc = undefined;
    } else {
      const active = vscode.window.activeTextEditor?.document;
      doc = isTcpflow(active) ? active : this.document;
      if (doc === this.document) blockLine = this.blockLine;
    }
    if (!doc) {
      void vscode.window.showInformationMessage(vscode.l10n.t('tcpflow: open a .tcpflow file first.'));
      return;
    }
    const s = readSettings(doc.uri);
    const text = renderMermaid(analyze(this.sourceText(doc, blockLine), { locale: tcpflowLocale() }), { numbers: s.numbers, states: s.states, autonumber: s.autonumber }).text;
    await vscode.env.clipboard.writeText(text);
    const lines = text.split('\n').filter((l) => l.trim() !== '').length;
    const message = vscode.l10n.t('tcpflow: Mermaid source copied ({0} lines)', lines);
    void vscode.window.showInformationMessage(message);
  }
}

/** Base64 to bytes with what both Node and a browser have (the web extension has no Buffer). */
function fromBase64(b64: string): Uint8Array {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
