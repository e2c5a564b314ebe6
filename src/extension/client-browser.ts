/**
 * The browser variant of client.ts for vscode.dev and other web hosts: the server
 * (dist/server-browser.js) runs in a web worker and talks to the client by messages.
 */
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { SERVER_ID } from '../server/protocol';
import { clientOptions } from './client-options';
import { logChannel, showServerError } from './log';

let client: LanguageClient | undefined;

export async function startClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  if (client) return client;
  const main = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server-browser.js');
  const worker = new Worker(main.toString(true));
  const c = new LanguageClient(SERVER_ID, vscode.l10n.t('tcpflow Language Server'), worker, clientOptions(context));
  client = c;
  context.subscriptions.push({ dispose: () => void stopClient() });
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    worker.terminate();
    const reason = e instanceof Error ? e.message : String(e);
    logChannel().error(`tcpflow: the language server failed to start: ${reason}`);
    showServerError(vscode.l10n.t('tcpflow: the language server failed to start: {0}', reason));
    throw e;
  }
  logChannel().info('tcpflow: language server started in a web worker');
  return c;
}

export async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.isRunning()) await c.stop();
}
