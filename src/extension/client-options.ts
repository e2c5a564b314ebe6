/** Client options shared by the desktop (IPC) and web (worker) language clients. */
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, type ErrorHandler, type LanguageClientOptions } from 'vscode-languageclient';
import { DOCUMENT_SELECTOR, SETTINGS_SECTION, languageSetting, type InitializationOptions } from '../server/protocol';
import { logChannel, showServerError, traceChannel } from './log';

/** A server that stops this many times within RESTART_WINDOW_MS is not started again. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

/**
 * What happens when the server's connection fails or closes: every crash is written to the log
 * and shown as an error notification with "Show Log"; the server is started again unless it
 * has stopped MAX_RESTARTS + 1 times in three minutes.
 */
export function serverErrorHandler(): ErrorHandler {
  const stops: number[] = [];
  return {
    error(error, _message, count) {
      logChannel().error(`tcpflow: connection to the language server failed (${count ?? 1}): ${error.message}`);
      return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
    },
    closed() {
      const now = Date.now();
      stops.push(now);
      while (stops.length > 0 && now - stops[0] > RESTART_WINDOW_MS) stops.shift();
      const log = logChannel();
      if (stops.length > MAX_RESTARTS) {
        const message = vscode.l10n.t('tcpflow: the language server stopped {0} times in three minutes and will not be started again.', stops.length);
        log.error(message);
        showServerError(message);
        return { action: CloseAction.DoNotRestart, handled: true };
      }
      const message = vscode.l10n.t('tcpflow: the language server stopped unexpectedly; it is being restarted.');
      log.error(message);
      showServerError(message);
      return { action: CloseAction.Restart, handled: true };
    },
  };
}

export function clientOptions(context: vscode.ExtensionContext): LanguageClientOptions {
  // The client sends `vscode.env.language` as the LSP locale; the server starts in the language
  // the setting asks for, and follows its changes through workspace/configuration.
  const initializationOptions: InitializationOptions = {
    settings: { language: languageSetting(vscode.workspace.getConfiguration(SETTINGS_SECTION).get('language')) },
    displayLanguage: vscode.env.language,
    holdSyntaxWhileTyping: true,
  };
  return {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: logChannel(),
    traceOutputChannel: traceChannel(context),
    initializationOptions,
    errorHandler: serverErrorHandler(),
    // Hover text is the server's own Markdown; it never needs commands or HTML.
    markdown: { isTrusted: false, supportHtml: false },
  };
}
