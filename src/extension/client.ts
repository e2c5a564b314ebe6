/**
 * Starts the tcpflow language server (dist/server.js) for the desktop extension and connects
 * it to VS Code: .tcpflow files and every Markdown file (the server looks at ```tcpflow blocks
 * only). extension.ts calls startClient on activation and stopClient on deactivation.
 */
import * as vscode from 'vscode';
import { LanguageClient, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SERVER_ID } from '../server/protocol';
import { SERVER_NODE_FLAGS } from '../server/node-flags';
import { clientOptions } from './client-options';

let client: LanguageClient | undefined;

export async function startClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  if (client) return client;
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] } },
  };
  const c = new LanguageClient(SERVER_ID, vscode.l10n.t('tcpflow Language Server'), serverOptions, clientOptions());
  client = c;
  context.subscriptions.push({ dispose: () => void stopClient() });
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    throw e;
  }
  return c;
}

export async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.isRunning()) await c.stop();
}
