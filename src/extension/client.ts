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
import { logChannel, showServerError } from './log';

let client: LanguageClient | undefined;

export async function startClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  if (client) return client;
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] } },
  };
  const c = new LanguageClient(SERVER_ID, vscode.l10n.t('tcpflow Language Server'), serverOptions, clientOptions(context));
  client = c;
  context.subscriptions.push({ dispose: () => void stopClient() });
  const started = Date.now();
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    // Also during a window reload: the failure is logged and shown, never only thrown into the host's log.
    const reason = e instanceof Error ? e.message : String(e);
    logChannel().error(`tcpflow: the language server failed to start: ${reason}`);
    showServerError(vscode.l10n.t('tcpflow: the language server failed to start: {0}', reason));
    throw e;
  }
  logChannel().info(`tcpflow: language server ${module} started in ${Date.now() - started} ms`);
  return c;
}

export async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.isRunning()) await c.stop();
}
