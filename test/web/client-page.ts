/**
 * The page side of test/web/worker.test.ts, bundled for Chromium: starts the browser build of the
 * language server (dist/server-browser.js) as a dedicated Worker, the way VS Code for the Web
 * does, and speaks LSP to it with the protocol library's browser reader and writer. The test
 * drives it through `window.lsp`.
 */
import { BrowserMessageReader, BrowserMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/browser';

interface Published {
  uri: string;
  diagnostics: { code?: unknown; message: string; range: { start: { line: number; character: number } } }[];
}

const worker = new Worker('/server-browser.js');
const connection = createProtocolConnection(new BrowserMessageReader(worker), new BrowserMessageWriter(worker));
const published: Published[] = [];
connection.onNotification('textDocument/publishDiagnostics', (p: Published) => {
  published.push(p);
});
connection.onRequest('workspace/configuration', () => [null]);
connection.listen();

(window as unknown as { lsp: object }).lsp = {
  async start(locale: string): Promise<unknown> {
    const r = await connection.sendRequest('initialize', { processId: null, rootUri: null, locale, capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } } });
    await connection.sendNotification('initialized', {});
    return r;
  },
  async open(uri: string, languageId: string, text: string): Promise<void> {
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  },
  diagnostics(uri: string): Published['diagnostics'] | undefined {
    for (let i = published.length - 1; i >= 0; i--) if (published[i].uri === uri) return published[i].diagnostics;
    return undefined;
  },
  request(method: string, params: unknown): Promise<unknown> {
    return connection.sendRequest(method, params);
  },
};
