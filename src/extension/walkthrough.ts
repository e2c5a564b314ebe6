/**
 * The commands behind the Get Started walkthrough (contributes.walkthroughs): an example flow
 * and an example note opened as new, unsaved documents (so they work in Restricted Mode and in
 * virtual workspaces), and "fix the wrong ack", which puts the cursor on the first tcpflow error of
 * the active editor and opens VS Code's quick fix menu there.
 */
import * as vscode from 'vscode';

/** The textbook handshake with the textbook mistake (the SYN-ACK acknowledges x, not x+1). */
export function exampleFlow(): string {
  return [
    `# ${vscode.l10n.t('Three-way handshake. The second segment has a mistake: find it with the quick fix.')}`,
    'client C 192.168.1.2:52528',
    'server S 10.0.0.1:80',
    '',
    'C -> S  SYN      seq=x',
    'S -> C  SYN ACK  seq=y   ack=x',
    'C -> S  ACK      seq=x+1 ack=y+1',
    'C: ESTABLISHED, S: ESTABLISHED',
    '',
  ].join('\n');
}

/** A study note with a ```tcpflow block, as the notes this tool is for are written. */
export function exampleNote(): string {
  return [
    `# ${vscode.l10n.t('TCP notes: closing a connection')}`,
    '',
    vscode.l10n.t('The client closes first; the server still sends its last data before its own FIN.'),
    '',
    '```tcpflow',
    'client C',
    'server S',
    'C -> S  SYN      seq=x',
    'S -> C  SYN ACK  seq=y   ack=x+1',
    'C -> S  ACK      seq=x+1 ack=y+1',
    'C -> S  FIN ACK  seq=x+1 ack=y+1',
    'S -> C  ACK      seq=y+1 ack=x+2',
    'S -> C  FIN ACK  seq=y+1 ack=x+2',
    'C -> S  ACK      seq=x+2 ack=y+2',
    'C: TIME_WAIT, S: CLOSED',
    '```',
    '',
  ].join('\n');
}

async function openUntitled(language: 'tcpflow' | 'markdown', content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
}

async function fixFirstError(): Promise<void> {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'tcpflow');
  const first = editor && vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === 'tcpflow' && d.severity === vscode.DiagnosticSeverity.Error);
  if (!editor || !first) {
    void vscode.window.showInformationMessage(vscode.l10n.t('tcpflow: no error to fix in this editor. Open the example flow first.'));
    return;
  }
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: first.range, preserveFocus: false });
  // The quick fix menu opens only in a focused editor; coming from the walkthrough's page, the
  // focus may still be on its way to the editor group.
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  await vscode.commands.executeCommand('editor.action.quickFix');
}

export function registerWalkthroughCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tcpflow.openExample', () => openUntitled('tcpflow', exampleFlow())),
    vscode.commands.registerCommand('tcpflow.openExampleNote', () => openUntitled('markdown', exampleNote())),
    vscode.commands.registerCommand('tcpflow.fixFirstError', () => fixFirstError()),
  );
}
