/**
 * Payload labels for imported segments: HTTP/1.x start lines, TLS records and handshake
 * messages, and short printable first lines of other text protocols.
 *
 * TLS is parsed as a byte stream per direction (records and handshake messages may span
 * segments); a label goes to the segment in which the record (or handshake message) starts.
 * Gaps and reordering make the parser resynchronise at the next segment that starts with a
 * plausible record header. Only labels are kept, never payload bytes.
 */

export interface TlsRecordLabel {
  /** Record content type: 20 ChangeCipherSpec, 21 Alert, 22 Handshake, 23 ApplicationData, 24 Heartbeat. */
  type: number;
  /** Message names in the language's spelling (ClientHello, Finished, ...). */
  messages: string[];
  /** Names inferred for encrypted TLS 1.3 handshake records (the wire shows ApplicationData). */
  inferred?: boolean;
}

export interface SegmentLabel {
  http?: { startLine: string; connection?: 'close' | 'keep-alive' };
  tls?: { version?: '1.2' | '1.3'; records: TlsRecordLabel[] };
  /** A printable first line of some other text protocol (SSH banner, WHOIS query, SMTP...). */
  text?: string;
  /** Set on the ServerHello's segment: the negotiated version and whether it was a HelloRetryRequest. */
  serverHello?: { version?: '1.2' | '1.3'; hrr: boolean };
}

const HANDSHAKE_NAMES: Record<number, string> = {
  1: 'ClientHello',
  2: 'ServerHello',
  4: 'NewSessionTicket',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
};

/** RFC 8446 §4.1.3: the ServerHello.random of a HelloRetryRequest. */
const HRR_RANDOM = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

function plausibleRecord(b: Uint8Array, i: number): boolean {
  if (b.length - i < 3) return false;
  const t = b[i];
  if (t < 20 || t > 24) return false;
  if (b[i + 1] !== 3 || b[i + 2] > 4) return false;
  if (b.length - i >= 5) {
    const len = (b[i + 3] << 8) | b[i + 4];
    if (len > 18432) return false;
  }
  return true;
}

function startsWithHttp(b: Uint8Array): boolean {
  if (b.length < 5) return false;
  const head = latin1(b, 0, Math.min(b.length, 8));
  if (head.startsWith('HTTP/')) return true;
  return METHODS.some((m) => head.startsWith(`${m} `));
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** HTTP/1.x request or status line at the start of the payload, with the Connection header if visible. */
export function httpLabel(b: Uint8Array): SegmentLabel['http'] | undefined {
  if (!startsWithHttp(b)) return undefined;
  const limit = Math.min(b.length, 8192);
  let eol = -1;
  for (let i = 0; i < limit; i++) {
    if (b[i] === 10) {
      eol = i;
      break;
    }
  }
  if (eol < 0) return undefined;
  let line = latin1(b, 0, eol).replace(/\r$/, '');
  const req = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(line);
  const st = /^HTTP\/\d\.\d \d{3}(?: .*)?$/.test(line);
  if (!req && !st) return undefined;
  if (req && req[2].length > 120) line = `${req[1]} ${req[2].slice(0, 117)}... ${req[3]}`;
  if (line.length > 200) line = line.slice(0, 200);
  let connection: 'close' | 'keep-alive' | undefined;
  // Header lines up to the blank line, as far as they were captured.
  const head = latin1(b, eol + 1, limit);
  for (const h of head.split(/\r?\n/)) {
    if (h === '') break;
    const m = /^connection:\s*(close|keep-alive)\b/i.exec(h);
    if (m) connection = m[1].toLowerCase() as 'close' | 'keep-alive';
  }
  return connection ? { startLine: sanitize(line), connection } : { startLine: sanitize(line) };
}

/** Printable first line (3..60 characters) of a text protocol, or undefined. */
export function textLabel(b: Uint8Array): string | undefined {
  const max = 60;
  let i = 0;
  for (; i < b.length && i <= max; i++) {
    const c = b[i];
    if (c === 10 || c === 13) break;
    if (c < 0x20 || c > 0x7e) return undefined;
  }
  const terminated = i < b.length && (b[i] === 10 || b[i] === 13);
  if (i < 3) return undefined;
  if (!terminated && !(i === b.length)) {
    // Longer than `max` without a line end: still text if the next bytes are printable.
    if (i > max) return `${sanitize(latin1(b, 0, max - 3))}...`;
    return undefined;
  }
  return sanitize(latin1(b, 0, i));
}

/** Make text safe inside a double-quoted tcpflow string (single line). */
export function sanitize(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** Stream labeler for one direction of one connection. */
export class DirectionLabeler {
  private mode: 'unknown' | 'tls' | 'http' | 'other' | 'lost' = 'unknown';
  private next: number | undefined; // raw sequence number expected next
  // TLS record layer
  private hdr: number[] = [];
  private recRemaining = 0;
  private recType = 0;
  private recTarget: TlsRecordLabel | undefined;
  private encrypted = false; // ChangeCipherSpec seen in this direction
  private recEncrypted = false; // the current handshake record is encrypted
  // TLS handshake layer (inside plaintext handshake records)
  private hsHdr: number[] = [];
  private hsRemaining = 0;
  private hsLost = false;
  private shBody: number[] | undefined;
  private shTarget: { label: SegmentLabel; record: TlsRecordLabel; index: number } | undefined;

  /**
   * Label one segment. `seq` is the raw sequence number of the first payload byte, `payload`
   * the captured bytes and `length` the payload length on the wire.
   */
  segment(seq: number, payload: Uint8Array, length: number): SegmentLabel | undefined {
    if (length <= 0) return undefined;
    const label: SegmentLabel = {};
    const rel = this.next === undefined ? 0 : (seq - this.next) | 0;
    if (this.next !== undefined && rel < 0) {
      // Old data (retransmission or reordering): label it on its own, leave the stream alone.
      this.standalone(payload, label);
      return finish(label);
    }
    if (this.next !== undefined && rel > 0) this.skip(rel);
    if (this.mode === 'unknown') {
      if (plausibleRecord(payload, 0)) this.mode = 'tls';
      else if (startsWithHttp(payload)) this.mode = 'http';
      else if (payload.length > 0) this.mode = 'other';
    } else if (this.mode === 'lost' && plausibleRecord(payload, 0)) {
      this.resetTls();
      this.mode = 'tls';
    }
    if (this.mode === 'tls') this.feedTls(payload, label);
    else if (this.mode === 'http' || this.mode === 'other') {
      const h = httpLabel(payload);
      if (h) label.http = h;
      else if (this.mode === 'other') {
        const t = textLabel(payload);
        if (t) label.text = t;
      }
    }
    if (payload.length < length) this.skip(length - payload.length);
    this.next = (seq + length) >>> 0;
    return finish(label);
  }

  private resetTls(): void {
    this.hdr = [];
    this.recRemaining = 0;
    this.recTarget = undefined;
    this.hsHdr = [];
    this.hsRemaining = 0;
    this.hsLost = false;
    this.shBody = undefined;
    this.shTarget = undefined;
  }

  /** n bytes of the stream were not seen. */
  private skip(n: number): void {
    if (this.mode !== 'tls') return;
    if (this.hdr.length === 0 && this.recRemaining >= n) {
      this.recRemaining -= n;
      if (this.recType === 22) this.hsLost = true;
      return;
    }
    this.resetTls();
    this.mode = 'lost';
  }

  private standalone(payload: Uint8Array, label: SegmentLabel): void {
    if (plausibleRecord(payload, 0)) {
      const tmp = new DirectionLabeler();
      tmp.mode = 'tls';
      tmp.encrypted = this.encrypted;
      tmp.feedTls(payload, label);
      return;
    }
    const h = httpLabel(payload);
    if (h) label.http = h;
    else if (this.mode === 'other' || this.mode === 'unknown') {
      const t = textLabel(payload);
      if (t) label.text = t;
    }
  }

  private feedTls(b: Uint8Array, label: SegmentLabel): void {
    let i = 0;
    while (i < b.length) {
      if (this.recRemaining === 0) {
        const need = 5 - this.hdr.length;
        const take = Math.min(need, b.length - i);
        for (let k = 0; k < take; k++) this.hdr.push(b[i + k]);
        i += take;
        if (this.hdr.length < 5) return;
        const [type, v0, v1, l0, l1] = this.hdr;
        this.hdr = [];
        const len = (l0 << 8) | l1;
        if (type < 20 || type > 24 || v0 !== 3 || v1 > 4 || len > 18432) {
          this.resetTls();
          this.mode = 'lost';
          return;
        }
        this.recType = type;
        this.recRemaining = len;
        const rec: TlsRecordLabel = { type, messages: [] };
        (label.tls ??= { records: [] }).records.push(rec);
        this.recTarget = rec;
        if (type === 20) {
          rec.messages.push('ChangeCipherSpec');
          this.encrypted = true;
        } else if (type === 21) rec.messages.push('Alert');
        else if (type === 23) rec.messages.push('ApplicationData');
        else if (type === 22 && this.encrypted && !this.looksPlaintext(b, i, len)) {
          rec.messages.push('Finished'); // encrypted handshake message after ChangeCipherSpec (TLS 1.2)
          this.recEncrypted = true;
        } else this.recEncrypted = false;
        continue;
      }
      const n = Math.min(this.recRemaining, b.length - i);
      if (this.recType === 22 && !this.recEncrypted && this.recTarget) this.feedHandshake(b, i, i + n, label, this.recTarget);
      this.recRemaining -= n;
      i += n;
    }
  }

  /**
   * A handshake record after ChangeCipherSpec is encrypted in TLS 1.2, but TLS 1.3's
   * compatibility ChangeCipherSpec is followed by plaintext (a second ClientHello after a
   * HelloRetryRequest): accept it as plaintext when it starts with a known handshake header
   * whose length fits the record.
   */
  private looksPlaintext(b: Uint8Array, i: number, recLen: number): boolean {
    if (b.length - i < 4 || recLen < 4) return false;
    const t = b[i];
    const len = (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
    return HANDSHAKE_NAMES[t] !== undefined && t !== 20 && len + 4 <= recLen;
  }

  private feedHandshake(b: Uint8Array, start: number, end: number, label: SegmentLabel, rec: TlsRecordLabel): void {
    if (this.hsLost) return;
    let i = start;
    while (i < end) {
      if (this.hsRemaining === 0) {
        const take = Math.min(4 - this.hsHdr.length, end - i);
        for (let k = 0; k < take; k++) this.hsHdr.push(b[i + k]);
        i += take;
        if (this.hsHdr.length < 4) return;
        const [t, a, c, d] = this.hsHdr;
        this.hsHdr = [];
        this.hsRemaining = (a << 16) | (c << 8) | d;
        const name = HANDSHAKE_NAMES[t];
        if (name) rec.messages.push(name);
        if (t === 2) {
          this.shBody = [];
          this.shTarget = { label, record: rec, index: rec.messages.length - 1 };
          if (this.hsRemaining === 0) this.finishServerHello();
        }
        continue;
      }
      const n = Math.min(this.hsRemaining, end - i);
      if (this.shBody && this.shBody.length < 2048) {
        for (let k = 0; k < n && this.shBody.length < 2048; k++) this.shBody.push(b[i + k]);
      }
      this.hsRemaining -= n;
      i += n;
      if (this.hsRemaining === 0 && this.shBody) this.finishServerHello();
    }
  }

  private finishServerHello(): void {
    const body = this.shBody ?? [];
    const target = this.shTarget;
    this.shBody = undefined;
    this.shTarget = undefined;
    if (!target) return;
    const info = parseServerHello(body);
    target.label.serverHello = info;
    if (info.hrr) target.record.messages[target.index] = 'HelloRetryRequest';
  }
}

/** Version and HelloRetryRequest-ness from a ServerHello body (without the 4-byte header). */
export function parseServerHello(body: number[] | Uint8Array): { version?: '1.2' | '1.3'; hrr: boolean } {
  if (body.length < 38) return { hrr: false };
  const legacy = (body[0] << 8) | body[1];
  let hrr = true;
  for (let k = 0; k < 32; k++) if (body[2 + k] !== HRR_RANDOM[k]) hrr = false;
  let p = 34;
  const sidLen = body[p];
  p += 1 + sidLen + 2 + 1; // session id, cipher suite, compression method
  let version: '1.2' | '1.3' | undefined = legacy === 0x0303 ? '1.2' : undefined;
  if (p + 2 <= body.length) {
    const extEnd = Math.min(body.length, p + 2 + ((body[p] << 8) | body[p + 1]));
    p += 2;
    while (p + 4 <= extEnd) {
      const type = (body[p] << 8) | body[p + 1];
      const len = (body[p + 2] << 8) | body[p + 3];
      if (type === 43 && len === 2 && p + 6 <= extEnd) {
        const v = (body[p + 4] << 8) | body[p + 5];
        if (v === 0x0304) version = '1.3';
        else if (v === 0x0303) version = '1.2';
      }
      p += 4 + len;
    }
  }
  if (hrr) version = '1.3';
  return version ? { version, hrr } : { hrr };
}

function finish(label: SegmentLabel): SegmentLabel | undefined {
  return label.http || label.tls || label.text || label.serverHello ? label : undefined;
}
