/**
 * Desktop entry point: starts the language server, the preview and the Markdown-preview plugin.
 * Everything here wires adapters together; no TCP knowledge lives in this folder.
 */
import * as vscode from 'vscode';
import { startClient, stopClient } from './client';
import { PreviewManager } from './preview';
import { tcpflowMarkdownPlugin, type MarkdownIt } from '../markdown/plugin';
import { registerImportCommand } from './import';

export async function activate(context: vscode.ExtensionContext): Promise<{ extendMarkdownIt(md: MarkdownIt): MarkdownIt }> {
  new PreviewManager(context);
  registerImportCommand(context);
  await startClient(context);
  return {
    extendMarkdownIt(md: MarkdownIt): MarkdownIt {
      return md.use(tcpflowMarkdownPlugin, { locale: vscode.env.language });
    },
  };
}

export function deactivate(): Promise<void> {
  return stopClient();
}
