/**
 * The locale of what tcpflow writes in VS Code (the preview's diagram and toolbar, the Markdown
 * preview's findings): `tcpflow.language`, or VS Code's display language when it is `auto`. The
 * language server resolves the same setting the same way (`effectiveLocale`). VS Code's own UI
 * strings of the extension (commands, settings, notifications) follow the display language
 * through package.nls.*.json and vscode.l10n.
 */
import * as vscode from 'vscode';
import type { Locale } from '../core/index';
import { SETTINGS_SECTION, effectiveLocale, languageSetting } from '../server/protocol';

export const LANGUAGE_SETTING = `${SETTINGS_SECTION}.language`;

export function tcpflowLocale(): Locale {
  return effectiveLocale(languageSetting(vscode.workspace.getConfiguration(SETTINGS_SECTION).get('language')), vscode.env.language);
}
