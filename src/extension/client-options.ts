/** Client options shared by the desktop (IPC) and web (worker) language clients. */
import * as vscode from 'vscode';
import { DOCUMENT_SELECTOR, SETTINGS_SECTION, languageSetting, type InitializationOptions } from '../server/protocol';

export function clientOptions() {
  // The client sends `vscode.env.language` as the LSP locale; the server starts in the language
  // the setting asks for, and follows its changes through workspace/configuration.
  const initializationOptions: InitializationOptions = {
    settings: { language: languageSetting(vscode.workspace.getConfiguration(SETTINGS_SECTION).get('language')) },
    displayLanguage: vscode.env.language,
  };
  return {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannelName: 'tcpflow',
    initializationOptions,
    // Hover text is the server's own Markdown; it never needs commands or HTML.
    markdown: { isTrusted: false, supportHtml: false },
  };
}
