/**
 * Starts the tcpflow language server (dist/server.js) for the desktop extension and connects
 * it to VS Code: .tcpflow files and every Markdown file (the server looks at ```tcpflow blocks
 * only). The lead's extension.ts calls startClient on activation and stopClient on deactivation.
 */
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { DOCUMENT_SELECTOR, SERVER_ID } from '../server/protocol';

let client: LanguageClient | undefined;

export function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannelName: 'tcpflow',
    // Hover text is the server's own Markdown; it never needs commands or HTML.
    markdown: { isTrusted: false, supportHtml: false },
  };
}

export async function startClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  if (client) return client;
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const c = new LanguageClient(SERVER_ID, 'tcpflow Language Server', serverOptions, clientOptions());
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
