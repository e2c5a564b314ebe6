/**
 * The status bar item: every endpoint's TCP state after the statement on the cursor's line, in a
 * .tcpflow file or inside a ```tcpflow block of a Markdown note (`C: SYN_SENT · S: SYN_RCVD`),
 * asked of the language server (`tcpflow/statesAt`). A click opens the preview of that flow. The
 * item is hidden in any other file, outside the blocks of a note, and while the server is down.
 */
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { STATES_AT_METHOD, type StatesAtParams, type StatesAtResult } from '../server/states';

const DELAY_MS = 80;

export function formatStates(r: StatesAtResult): string {
  return r.states.map((s) => `${s.peer ? `${s.endpoint}[${s.peer}]` : s.endpoint}: ${s.state}`).join(' · ');
}

export class StateStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tcpflow.states', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0;
  /** When the active document last changed: a cursor moved by typing waits for the server's next check. */
  private editedAt = 0;

  constructor(private readonly client: BaseLanguageClient) {
    this.item.name = vscode.l10n.t('tcpflow: TCP states');
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document && e.contentChanges.length > 0) this.editedAt = Date.now();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor !== vscode.window.activeTextEditor) return;
        // Typing moves the cursor too; the diagnostics of the edit bring the update then, so the
        // server is not asked to analyse every keystroke ahead of its own debounce.
        if (Date.now() - this.editedAt < 100) return;
        this.schedule(DELAY_MS);
      }),
      // States change with the text; the diagnostics come when the server has read the edit.
      vscode.languages.onDidChangeDiagnostics((e) => {
        const doc = vscode.window.activeTextEditor?.document;
        if (doc && e.uris.some((u) => u.toString() === doc.uri.toString())) this.schedule(DELAY_MS);
      }),
    );
    this.schedule(0);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, ms);
  }

  private async update(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const doc = editor?.document;
    const id = ++this.asked;
    if (!editor || !doc || (doc.languageId !== 'tcpflow' && doc.languageId !== 'markdown') || !this.client.isRunning()) {
      this.item.hide();
      return;
    }
    const position = editor.selection.active;
    const params: StatesAtParams = { textDocument: { uri: doc.uri.toString() }, position: { line: position.line, character: position.character } };
    let r: StatesAtResult | null;
    try {
      r = await this.client.sendRequest<StatesAtResult | null>(STATES_AT_METHOD, params);
    } catch {
      r = null;
    }
    if (id !== this.asked) return; // a newer question is on its way
    if (!r || r.states.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(pulse) ${formatStates(r)}`;
    this.item.tooltip = vscode.l10n.t('TCP states after line {0}. Click to open the preview.', r.line + 1);
    this.item.command = { command: 'tcpflow.openPreviewToSide', title: vscode.l10n.t('Open Preview'), arguments: [doc.uri, position.line] };
    this.item.show();
  }
}
