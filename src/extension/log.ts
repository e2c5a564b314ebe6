/**
 * The `tcpflow` output channel and what it shows: the extension's own lines (activation, server
 * start, crashes), everything the language server logs, and, when `tcpflow.trace.server` is not
 * `off`, the traffic between VS Code and the server.
 *
 * vscode-languageclient 10 writes its trace at the log channel's Trace level and traces only when
 * that channel's level is Trace, so the setting alone would show nothing at the default level
 * (Info). The client gets a view of the channel (`traceChannel`) whose level reads as Trace while
 * the setting asks for a trace, and which writes the traffic as ordinary lines.
 */
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../server/protocol';

export const TRACE_SETTING = `${SETTINGS_SECTION}.trace.server`;

let channel: vscode.LogOutputChannel | undefined;

/** The one `tcpflow` log channel of the window. */
export function logChannel(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('tcpflow', { log: true });
  return channel;
}

function tracing(): boolean {
  const v = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>('trace.server', 'off');
  return v === 'messages' || v === 'verbose';
}

/** The channel as the language client's `traceOutputChannel`; see the file's comment. */
export function traceChannel(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const log = logChannel();
  const changed = new vscode.EventEmitter<vscode.LogLevel>();
  const level = (): vscode.LogLevel => (tracing() ? vscode.LogLevel.Trace : log.logLevel);
  context.subscriptions.push(
    changed,
    log.onDidChangeLogLevel(() => changed.fire(level())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(TRACE_SETTING)) changed.fire(level());
    }),
  );
  return new Proxy(log, {
    get(target, prop) {
      if (prop === 'logLevel') return level();
      if (prop === 'onDidChangeLogLevel') return changed.event;
      if (prop === 'trace') return (message: string) => (tracing() ? target.appendLine(message) : target.trace(message));
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** An error notification with a button that shows the log. */
export function showServerError(message: string): void {
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window.showErrorMessage(message, showLog).then((choice) => {
    if (choice === showLog) logChannel().show(true);
  });
}
