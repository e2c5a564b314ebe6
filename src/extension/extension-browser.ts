/**
 * Web entry point (vscode.dev, github.dev): the language server runs in a worker; the preview,
 * Import Capture (which reads through `vscode.workspace.fs`) and the Markdown-preview plugin are
 * the desktop ones.
 */
import * as vscode from 'vscode';
import { startClient, stopClient } from './client-browser';
import { PreviewManager } from './preview';
import { tcpflowMarkdownPlugin, type MarkdownIt } from '../markdown/plugin';
import { registerImportCommand } from './import';
import { BlockLenses } from './codelens';
import { registerWalkthroughCommands } from './walkthrough';
import { StateStatus } from './status';

export async function activate(context: vscode.ExtensionContext): Promise<{ extendMarkdownIt(md: MarkdownIt): MarkdownIt }> {
  new PreviewManager(context);
  registerImportCommand(context);
  BlockLenses.register(context);
  registerWalkthroughCommands(context);
  const client = await startClient(context).catch(() => undefined);
  if (client) context.subscriptions.push(new StateStatus(client));
  return {
    extendMarkdownIt(md: MarkdownIt): MarkdownIt {
      return md.use(tcpflowMarkdownPlugin, { locale: vscode.env.language });
    },
  };
}

export function deactivate(): Promise<void> {
  return stopClient();
}
