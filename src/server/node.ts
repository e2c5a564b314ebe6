/**
 * Node entry of the language server (bundled to dist/server.js). The transport comes from the
 * command line as the LSP libraries define it: `--node-ipc` (what the VS Code client uses),
 * `--stdio`, `--socket=PORT` or `--pipe=NAME`.
 */
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
