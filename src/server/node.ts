/**
 * Node entry of the language server (bundled to dist/server.js). The transport comes from the
 * command line as the LSP libraries define it: `--node-ipc` (what the VS Code client uses),
 * `--stdio`, `--socket=PORT` or `--pipe=NAME`. Over stdio the messages are read by
 * `LenientStreamReader`, which skips a malformed header or body instead of going deaf.
 *
 * Nothing a client sends may end the process: an exception that escapes a handler (or a
 * rejected promise nobody awaited) is logged to the client's console and the server goes on.
 */
import { Connection, ProposedFeatures, StreamMessageWriter, createConnection } from 'vscode-languageserver/node';
import { LenientStreamReader } from './reader';
import { startServer } from './server';
import { CONNECTION_OPTIONS } from './guard';

const connection: Connection = process.argv.includes('--stdio')
  ? createConnection(ProposedFeatures.all, new LenientStreamReader(process.stdin), new StreamMessageWriter(process.stdout), CONNECTION_OPTIONS)
  : createConnection(ProposedFeatures.all, CONNECTION_OPTIONS);

const report = (what: string, e: unknown): void => {
  try {
    connection.console.error(`tcpflow: ${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } catch {
    // The connection itself is gone; nothing left to tell.
  }
};
process.on('uncaughtException', (e) => report('uncaught exception', e));
process.on('unhandledRejection', (e) => report('unhandled rejection', e));

startServer(connection);
