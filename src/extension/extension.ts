/**
 * Desktop entry point: starts the language server, the preview and the Markdown-preview plugin.
 * Everything here wires adapters together; no TCP knowledge lives in this folder.
 */
import * as vscode from 'vscode';
import { startClient, stopClient } from './client';
import { PreviewManager } from './preview';
import { tcpflowMarkdownPlugin, type MarkdownIt } from '../markdown/plugin';
import { registerImportCommand } from './import';
import { LANGUAGE_SETTING, tcpflowLocale } from './locale';
import { logChannel } from './log';
import { BlockLenses } from './codelens';
import { registerWalkthroughCommands } from './walkthrough';
import { StateStatus } from './status';

export async function activate(context: vscode.ExtensionContext): Promise<{ extendMarkdownIt(md: MarkdownIt): MarkdownIt }> {
  const started = Date.now();
  new PreviewManager(context);
  registerImportCommand(context);
  BlockLenses.register(context);
  registerWalkthroughCommands(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The Markdown preview's findings are written at render time, in the locale of that moment.
      // (No Markdown extension, no preview to refresh: nothing to do then.)
      if (e.affectsConfiguration(LANGUAGE_SETTING)) vscode.commands.executeCommand('markdown.preview.refresh').then(undefined, () => undefined);
    }),
  );
  // A server that cannot start has been logged and shown (client.ts); the preview, Import Capture
  // and the Markdown preview work without it, so the activation goes on.
  const client = await startClient(context).catch(() => undefined);
  if (client) context.subscriptions.push(new StateStatus(client));
  logChannel().info(`tcpflow ${String((context.extension.packageJSON as { version?: unknown }).version)} activated in ${Date.now() - started} ms (VS Code ${vscode.version}, ${vscode.env.language})`);
  return {
    extendMarkdownIt(md: MarkdownIt): MarkdownIt {
      return md.use(tcpflowMarkdownPlugin, { locale: tcpflowLocale });
    },
  };
}

export function deactivate(): Promise<void> {
  return stopClient();
}
