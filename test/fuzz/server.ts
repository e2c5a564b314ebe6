/**
 * The language server in this process, for fuzzing its protocol at a million messages: the
 * server's own `startServer` on a connection made exactly as `src/server/node.ts` makes the
 * stdio one (`LenientStreamReader` in, `StreamMessageWriter` out), over in-memory streams. The
 * client side writes raw bytes (framing is the caller's) and reads the server's frames back.
 *
 * What a process would have died of shows here as a failure: an exception that escapes to the
 * event loop (`uncaughtException`, `unhandledRejection`, watched while the server runs), a
 * request left unanswered, or an answer or log line that carries a JavaScript error (a handler
 * that threw instead of validating its params).
 */
import { PassThrough } from 'node:stream';
import { ProposedFeatures, StreamMessageWriter, createConnection } from 'vscode-languageserver/node';
import { LenientStreamReader } from '../../src/server/reader';
import { startServer } from '../../src/server/server';
import { CONNECTION_OPTIONS } from '../../src/server/guard';

export interface Frame {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

/** A JavaScript error's name where a reason in words belongs. */
const JS_ERROR = /\b(TypeError|RangeError|ReferenceError|SyntaxError|InternalError|Maximum call stack)\b|Cannot read propert|is not a function|is not iterable|of undefined|of null/;

export class InProcessServer {
  private readonly toServer = new PassThrough();
  private readonly fromServer = new PassThrough();
  private buffer = Buffer.alloc(0);
  private readonly waiting = new Map<number, (f: Frame) => void>();
  private nextId = 1_000_000;
  /** Problems seen since the last `takeProblems()`. */
  private problems: string[] = [];
  /** Answers the server's own requests (workspace/configuration, refreshes). */
  answerServer: (f: Frame) => unknown = () => null;
  private readonly onUncaught = (e: unknown): void => {
    this.problems.push(`uncaught: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  };

  constructor() {
    this.fromServer.on('data', (d: Buffer) => this.read(d));
    const connection = createConnection(ProposedFeatures.all, new LenientStreamReader(this.toServer), new StreamMessageWriter(this.fromServer), CONNECTION_OPTIONS);
    process.on('uncaughtException', this.onUncaught);
    process.on('unhandledRejection', this.onUncaught);
    startServer(connection);
  }

  static async start(init: { capabilities?: unknown; initializationOptions?: unknown; locale?: string } = {}): Promise<InProcessServer> {
    const s = new InProcessServer();
    const r = await s.request('initialize', { processId: null, rootUri: null, capabilities: init.capabilities ?? {}, initializationOptions: init.initializationOptions, locale: init.locale });
    if (!r.result) throw new Error(`initialize failed: ${JSON.stringify(r.error)}`);
    s.notify('initialized', {});
    return s;
  }

  private read(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString('ascii'));
      if (!m) {
        this.problems.push(`the server wrote an unframed message: ${JSON.stringify(this.buffer.subarray(0, 80).toString())}`);
        this.buffer = this.buffer.subarray(end + 4);
        continue;
      }
      const len = Number(m[1]);
      if (this.buffer.length < end + 4 + len) return;
      const body = this.buffer.subarray(end + 4, end + 4 + len).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + len);
      let f: Frame;
      try {
        f = JSON.parse(body) as Frame;
      } catch {
        this.problems.push(`the server wrote a body that is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
        continue;
      }
      this.receive(f);
    }
  }

  private receive(f: Frame): void {
    if (f.method === undefined) {
      if (typeof f.id === 'number' && this.waiting.has(f.id)) {
        this.waiting.get(f.id)!(f);
        this.waiting.delete(f.id);
      }
      if (f.error && JS_ERROR.test(f.error.message)) this.problems.push(`answer ${String(f.id)} is a JavaScript error: ${f.error.message}`);
      return;
    }
    if (f.id !== undefined && f.id !== null) {
      this.send({ jsonrpc: '2.0', id: f.id, result: this.answerServer(f) });
      return;
    }
    if (f.method === 'window/logMessage') {
      const msg = String((f.params as { message?: unknown } | undefined)?.message ?? '');
      if (JS_ERROR.test(msg) || /handler .* failed|uncaught|unhandled/i.test(msg)) this.problems.push(`logged: ${msg.slice(0, 600)}`);
    }
  }

  /** Bytes to the server as they are. */
  raw(bytes: string | Buffer): void {
    this.toServer.write(bytes);
  }

  send(msg: object): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.raw(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** A request with an id of ours; resolves with the answer, rejects after `timeoutMs`. */
  request(method: string, params: unknown, timeoutMs = 30_000): Promise<Frame> {
    const id = this.nextId++;
    return this.expect(id, `${method} #${id}`, timeoutMs, () => this.send({ jsonrpc: '2.0', id, method, params }));
  }

  /** Wait for the answer to request `id`, which `write` sends. */
  expect(id: number, what: string, timeoutMs: number, write: () => void): Promise<Frame> {
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, (f) => {
        clearTimeout(timer);
        resolve(f);
      });
      write();
    });
  }

  newId(): number {
    return this.nextId++;
  }

  takeProblems(): string[] {
    const p = this.problems;
    this.problems = [];
    return p;
  }

  stop(): void {
    process.off('uncaughtException', this.onUncaught);
    process.off('unhandledRejection', this.onUncaught);
    this.toServer.end();
    this.fromServer.end();
  }
}
