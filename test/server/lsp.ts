/**
 * A real LSP client for the server tests: builds the server with esbuild (the same options as
 * scripts/build.mjs) into a temporary directory, starts it as a child process and talks to it
 * over stdio or Node IPC. Tests only see the protocol.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import {
  ClientCapabilities,
  IPCMessageReader,
  IPCMessageWriter,
  InitializeParams,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentContentChangeEvent,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const ROOT = path.resolve(__dirname, '../..');

let built: Promise<{ dir: string; node: string; browser: string }> | undefined;

/** Bundle src/server/node.ts and src/server/browser.ts once per test process. */
export function buildServer(): Promise<{ dir: string; node: string; browser: string }> {
  built ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-server-'));
    const node = path.join(dir, 'server.js');
    const browser = path.join(dir, 'server-browser.js');
    const common = { bundle: true, sourcemap: false, logLevel: 'warning' as const, legalComments: 'none' as const, absWorkingDir: ROOT };
    await Promise.all([
      build({ ...common, entryPoints: ['src/server/node.ts'], outfile: node, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'] }),
      build({ ...common, entryPoints: ['src/server/browser.ts'], outfile: browser, platform: 'browser', format: 'iife', target: 'es2020', mainFields: ['browser', 'module', 'main'] }),
    ]);
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return { dir, node, browser };
  })();
  return built;
}

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: { workspaceEdit: { documentChanges: true }, inlayHint: { refreshSupport: true } },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: true } },
    rename: { prepareSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, dataSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

export interface StartOptions {
  transport?: 'stdio' | 'ipc';
  locale?: string;
  settings?: unknown;
  capabilities?: ClientCapabilities;
  /** Answer workspace/configuration with this (enables the capability). */
  configuration?: () => unknown;
  /** More initializationOptions (beside `settings`). */
  init?: Record<string, unknown>;
}

interface Waiter {
  uri: string;
  version?: number;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export class Client {
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  readonly docs = new Map<string, TextDocument>();
  /** Text of every version sent, per document. */
  readonly texts = new Map<string, Map<number, string>>();
  private waiters: Waiter[] = [];
  readonly requestsFromServer: string[] = [];
  stderr = '';

  private constructor(
    readonly conn: ProtocolConnection,
    readonly proc: ChildProcess,
  ) {}

  static async start(opts: StartOptions = {}): Promise<Client> {
    const { node } = await buildServer();
    let proc: ChildProcess;
    let conn: ProtocolConnection;
    if (opts.transport === 'ipc') {
      proc = fork(node, ['--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
      conn = createProtocolConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    } else {
      proc = spawn(process.execPath, [node, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    }
    const c = new Client(conn, proc);
    proc.stderr?.on('data', (d: Buffer) => (c.stderr += d.toString()));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => c.onPublish(p));
    conn.onRequest('workspace/configuration', (params: { items: unknown[] }) => {
      c.requestsFromServer.push('workspace/configuration');
      const value = opts.configuration ? opts.configuration() : null;
      return params.items.map(() => value);
    });
    for (const m of ['workspace/inlayHint/refresh', 'workspace/semanticTokens/refresh', 'client/registerCapability', 'window/workDoneProgress/create']) {
      conn.onRequest(m, () => {
        c.requestsFromServer.push(m);
        return null;
      });
    }
    conn.onNotification('window/logMessage', () => {});
    conn.listen();
    const caps: ClientCapabilities = JSON.parse(JSON.stringify(opts.capabilities ?? FULL_CAPABILITIES));
    if (opts.configuration) caps.workspace = { ...caps.workspace, configuration: true, didChangeConfiguration: { dynamicRegistration: true } };
    const params: InitializeParams = {
      processId: process.pid,
      rootUri: null,
      capabilities: caps,
      locale: opts.locale ?? 'en',
      initializationOptions: opts.settings || opts.init ? { ...opts.init, ...(opts.settings ? { settings: opts.settings } : {}) } : undefined,
      workspaceFolders: null,
    };
    await conn.sendRequest('initialize', params);
    await conn.sendNotification('initialized', {});
    return c;
  }

  private onPublish(p: PublishDiagnosticsParams): void {
    const list = this.published.get(p.uri);
    if (list) list.push(p);
    else this.published.set(p.uri, [p]);
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) w.resolve(p);
      else still.push(w);
    }
    this.waiters = still;
  }

  /** The next publication for a document (for a given version, if asked). */
  waitForDiagnostics(uri: string, version?: number, timeoutMs = 30000): Promise<PublishDiagnosticsParams> {
    const have = this.published.get(uri)?.find((p) => version !== undefined && p.version === version);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        uri,
        version,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  async open(uri: string, text: string, languageId = 'tcpflow'): Promise<TextDocument> {
    const doc = TextDocument.create(uri, languageId, 1, text);
    this.docs.set(uri, doc);
    this.texts.set(uri, new Map([[1, text]]));
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return doc;
  }

  /** Send incremental changes (applied in order) as one didChange; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const doc = this.docs.get(uri)!;
    const version = doc.version + 1;
    const next = TextDocument.update(doc, changes, version);
    this.docs.set(uri, next);
    this.texts.get(uri)!.set(version, next.getText());
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Replace the text between two offsets of the current version. */
  replace(uri: string, start: number, end: number, text: string): TextDocumentContentChangeEvent {
    const doc = this.docs.get(uri)!;
    return { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text };
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  text(uri: string): string {
    return this.docs.get(uri)!.getText();
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        this.proc.kill();
        resolve();
      }, 3000);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.conn.dispose();
  }
}

/** Apply LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const doc = TextDocument.create('file:///apply', 'tcpflow', 0, text);
  return TextDocument.applyEdits(doc, edits);
}

export function positionOf(text: string, needle: string, delta = 0, occurrence = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= occurrence; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`'${needle}' not found`);
  }
  return TextDocument.create('file:///p', 'x', 0, text).positionAt(idx + delta);
}
