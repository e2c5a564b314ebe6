/**
 * CodeLens over every ```tcpflow block of a Markdown note: "Open Preview" (the tcpflow preview of
 * that block, beside the note) and "Copy Mermaid" (the block's diagram as Mermaid text). Only
 * the fences are read here; drawing and copying are the preview's commands.
 */
import * as vscode from 'vscode';
import { extractFences } from '../core/index';

export class BlockLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('tcpflow.markdown', doc.uri).get<boolean>('enable', true)) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const f of extractFences(doc.getText())) {
      const open = doc.positionAt(f.openStart);
      const range = new vscode.Range(open, open);
      const line = doc.positionAt(f.contentStart).line;
      lenses.push(
        new vscode.CodeLens(range, { command: 'tcpflow.openPreviewToSide', title: vscode.l10n.t('Open Preview'), tooltip: vscode.l10n.t('Draw this ```tcpflow block in the tcpflow preview'), arguments: [doc.uri, line] }),
        new vscode.CodeLens(range, { command: 'tcpflow.copyMermaid', title: vscode.l10n.t('Copy Mermaid'), tooltip: vscode.l10n.t('Copy the diagram of this block as Mermaid text'), arguments: [doc.uri, line] }),
      );
    }
    return lenses;
  }

  refresh(): void {
    this.changed.fire();
  }

  static register(context: vscode.ExtensionContext): void {
    const lenses = new BlockLenses();
    context.subscriptions.push(
      lenses.changed,
      vscode.languages.registerCodeLensProvider({ language: 'markdown' }, lenses),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tcpflow.markdown.enable')) lenses.refresh();
      }),
    );
  }
}
