/**
 * The stdio transport's message reader, lenient where the stock one gives up: a header block
 * without a usable `Content-Length` (`Content-Length: abc`, a missing one, garbage between
 * messages) or a body that is not JSON is reported as an error and skipped, and reading goes on
 * with the next header. A `$/cancelRequest` without an id (which the protocol library cannot
 * take) is dropped, and a message whose handling throws does not stop the ones behind it. The stock reader keeps the bad bytes at the head of its buffer, so every
 * later message was lost and the server went deaf.
 */
import { AbstractMessageReader, DataCallback, Disposable, Message } from 'vscode-languageserver/node';

const CRLF2 = Buffer.from('\r\n\r\n', 'ascii');
const CONTENT_LENGTH = Buffer.from('content-length:', 'ascii');
/** A header block larger than this is not a header: skip it. */
const MAX_HEADER = 8 * 1024;
/** Largest message accepted (a 5 MB document fits many times). */
const MAX_BODY = 256 * 1024 * 1024;

export class LenientStreamReader extends AbstractMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private callback: DataCallback | undefined;

  constructor(private readonly stream: NodeJS.ReadableStream) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer | string): void => {
      this.buffer = Buffer.concat([this.buffer, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk]);
      this.drain();
    };
    const onError = (e: Error): void => this.fireError(e);
    const onClose = (): void => this.fireClose();
    this.stream.on('data', onData);
    this.stream.on('error', onError);
    this.stream.on('end', onClose);
    this.stream.on('close', onClose);
    return Disposable.create(() => {
      this.stream.off('data', onData);
      this.stream.off('error', onError);
      this.stream.off('end', onClose);
      this.stream.off('close', onClose);
      this.callback = undefined;
    });
  }

  private drain(): void {
    for (;;) {
      const end = this.buffer.indexOf(CRLF2);
      if (end < 0) {
        // No complete header yet; a runaway header is cut down to what may still start one.
        if (this.buffer.length > MAX_HEADER) this.skipTo(this.nextHeader(1), 'header too long');
        return;
      }
      const header = this.buffer.subarray(0, end).toString('ascii');
      const length = contentLength(header);
      if (length === undefined) {
        // Resynchronise on a later `Content-Length:` inside this block (garbage glued to a
        // valid header), else drop the whole block.
        const next = this.nextHeader(1);
        this.skipTo(next >= 0 && next < end ? next : end + CRLF2.length, `bad message header: ${JSON.stringify(header.slice(0, 80))}`);
        continue;
      }
      const start = end + CRLF2.length;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      let message: Message;
      try {
        message = JSON.parse(body) as Message;
      } catch {
        this.fireError(new Error(`message body is not JSON (${length} bytes)`));
        continue;
      }
      if (typeof message !== 'object' || message === null) {
        this.fireError(new Error('message body is not a JSON object'));
        continue;
      }
      const m = message as { method?: unknown; params?: unknown };
      if (m.method === '$/cancelRequest') {
        // The protocol library reads `params.id` without looking: a cancel without an id threw.
        const id = (m.params as { id?: unknown } | null | undefined)?.id;
        if (typeof id !== 'number' && typeof id !== 'string') {
          this.fireError(new Error('$/cancelRequest without an id'));
          continue;
        }
      }
      try {
        this.callback?.(message);
      } catch (e) {
        // One message's failure must not strand the ones read after it.
        this.fireError(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }

  /** Offset of the next `Content-Length:` (any case) at or after `from`, or -1. */
  private nextHeader(from: number): number {
    const lower = Buffer.from(this.buffer.toString('latin1').toLowerCase(), 'latin1');
    return lower.indexOf(CONTENT_LENGTH, from);
  }

  private skipTo(offset: number, why: string): void {
    this.buffer = offset < 0 ? Buffer.alloc(0) : this.buffer.subarray(offset);
    this.fireError(new Error(why));
  }
}

/** The value of the one `Content-Length` header, when it is a whole number of bytes. */
function contentLength(header: string): number | undefined {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) return undefined;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d{1,10}$/.test(value)) return undefined;
    length = Number(value);
  }
  return length !== undefined && length <= MAX_BODY ? length : undefined;
}
