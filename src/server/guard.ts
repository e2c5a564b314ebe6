/**
 * The server must never exit or stop listening because of what a client sends. Two guards:
 *
 * - `guardDocuments(connection)`: the text-synchronisation notifications are checked before
 *   `TextDocuments` sees them. A `didOpen` without a string `text`, a `didChange` whose changes
 *   are not `{ text: string, range? }` with whole-number positions, a non-string URI: logged and
 *   dropped, where they used to throw inside the document store (and a thrown notification
 *   handler in an async path ends a Node process).
 * - `validPosition` / `validDocument` for the requests: a request whose `textDocument.uri` or
 *   `position` is missing or not whole numbers is answered with an LSP `InvalidParams` error.
 *
 * - `CONNECTION_OPTIONS`: params that are not an object become `{}` before any handler sees them.
 *
 * The stdio transport's reader is in `reader.ts`.
 */
import { Connection, ConnectionOptions, ErrorCodes, Message, ResponseError } from 'vscode-languageserver';

type Handler = (params: unknown) => unknown;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff;

export function isPosition(v: unknown): boolean {
  return isObject(v) && isCount(v.line) && isCount(v.character);
}

export function isRange(v: unknown): boolean {
  return isObject(v) && isPosition(v.start) && isPosition(v.end);
}

function isDocumentId(v: unknown): boolean {
  return isObject(v) && typeof v.uri === 'string';
}

/** Why a text-synchronisation notification is unusable, or undefined when it is fine. */
export function syncProblem(method: 'didOpen' | 'didChange' | 'didClose' | 'didSave', params: unknown): string | undefined {
  if (!isObject(params) || !isDocumentId(params.textDocument)) return 'textDocument.uri must be a string';
  const doc = params.textDocument as Record<string, unknown>;
  if (method === 'didOpen') {
    if (typeof doc.text !== 'string') return 'textDocument.text must be a string';
    if (typeof doc.languageId !== 'string') return 'textDocument.languageId must be a string';
    if (typeof doc.version !== 'number' || !Number.isFinite(doc.version)) return 'textDocument.version must be a number';
  }
  if (method === 'didChange') {
    if (typeof doc.version !== 'number' || !Number.isFinite(doc.version)) return 'textDocument.version must be a number';
    if (!Array.isArray(params.contentChanges)) return 'contentChanges must be an array';
    for (const c of params.contentChanges as unknown[]) {
      if (!isObject(c) || typeof c.text !== 'string') return 'each content change needs a string text';
      if (c.range !== undefined && !isRange(c.range)) return 'a content change range needs whole-number positions';
    }
  }
  return undefined;
}

/**
 * A view of the connection for `TextDocuments.listen`: the same connection, with its
 * text-synchronisation registrations wrapped so that unusable notifications never reach the
 * store.
 */
export function guardDocuments(connection: Connection): Connection {
  const wrap =
    (method: 'didOpen' | 'didChange' | 'didClose' | 'didSave', handler: Handler): Handler =>
    (params) => {
      const problem = syncProblem(method, params);
      if (problem) {
        connection.console.error(`tcpflow: ignored textDocument/${method}: ${problem}`);
        return undefined;
      }
      return handler(params);
    };
  return new Proxy(connection, {
    get(target, prop, receiver) {
      switch (prop) {
        case 'onDidOpenTextDocument':
          return (h: Handler) => target.onDidOpenTextDocument(wrap('didOpen', h) as never);
        case 'onDidChangeTextDocument':
          return (h: Handler) => target.onDidChangeTextDocument(wrap('didChange', h) as never);
        case 'onDidCloseTextDocument':
          return (h: Handler) => target.onDidCloseTextDocument(wrap('didClose', h) as never);
        case 'onDidSaveTextDocument':
          return (h: Handler) => target.onDidSaveTextDocument(wrap('didSave', h) as never);
        default: {
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        }
      }
    },
  });
}

/** Throws the LSP error for a request whose document or position is unusable. */
export function requireDocument(params: unknown): void {
  if (!isObject(params) || !isDocumentId(params.textDocument)) throw new ResponseError(ErrorCodes.InvalidParams, 'textDocument.uri must be a string');
}

export function requirePosition(params: unknown): void {
  requireDocument(params);
  if (!isPosition((params as Record<string, unknown>).position)) throw new ResponseError(ErrorCodes.InvalidParams, 'position must have whole-number line and character');
}

export function requireRange(params: unknown): void {
  requireDocument(params);
  if (!isRange((params as Record<string, unknown>).range)) throw new ResponseError(ErrorCodes.InvalidParams, 'range must have whole-number positions');
}

/**
 * Connection options for every transport: a request or notification whose `params` is present
 * but not an object (`null`, a number, a string, an array: LSP passes every parameter by name)
 * reaches the handlers as `{}`. The
 * protocol library reads `params.workDoneToken` before a handler runs, so such a request was
 * answered with a TypeError; as `{}` it gets the handler's `InvalidParams` error.
 */
export const CONNECTION_OPTIONS: ConnectionOptions = {
  messageStrategy: {
    handleMessage(message: Message, next: (message: Message) => void): void {
      const m = message as { method?: unknown; params?: unknown };
      if (typeof m.method === 'string' && 'params' in m && !isObject(m.params)) next({ ...message, params: {} } as Message);
      else next(message);
    },
  },
};
