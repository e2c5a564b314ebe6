/**
 * The browser variant of client.ts for vscode.dev and other web hosts: the server
 * (dist/server-browser.js) runs in a web worker and talks to the client by messages.
 */
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { SERVER_ID } from '../server/protocol';
import { clientOptions } from './client-options';

let client: LanguageClient | undefined;

export async function startClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  if (client) return client;
  const main = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server-browser.js');
  const worker = new Worker(main.toString(true));
  const c = new LanguageClient(SERVER_ID, vscode.l10n.t('tcpflow Language Server'), worker, clientOptions());
  client = c;
  context.subscriptions.push({ dispose: () => void stopClient() });
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    worker.terminate();
    throw e;
  }
  return c;
}

export async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.isRunning()) await c.stop();
}
