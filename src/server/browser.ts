/**
 * Web-worker entry of the language server (bundled to dist/server-browser.js) for vscode.dev
 * and other browser hosts: the client posts LSP messages to the worker and reads its replies.
 */
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { startServer } from './server';
import { CONNECTION_OPTIONS } from './guard';

// Inside a dedicated worker `self` is the worker's global scope, which the reader and writer
// use like a message port.
const scope = self as unknown as Worker;
startServer(createConnection(new BrowserMessageReader(scope), new BrowserMessageWriter(scope), CONNECTION_OPTIONS));
