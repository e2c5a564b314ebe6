/** Web entry point (vscode.dev): the language server runs in a worker; the preview is the same. */
import * as vscode from 'vscode';
import { startClient, stopClient } from './client-browser';
import { PreviewManager } from './preview';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  new PreviewManager(context);
  await startClient(context);
}

export function deactivate(): Promise<void> {
  return stopClient();
}
