/**
 * Application protocols riding on a connection: the TLS 1.2 / 1.3 handshake order
 * (RFC 5246 §7.3, RFC 8446 §2 and §4) and HTTP/1.x connection reuse (RFC 9112 §9).
 * One tracker per connection; it sees every segment its connection carries.
 */
import type * as ast from '../syntax/ast';
import type { FindingKey, Locale } from '../check/findings';
import { TcpState } from '../tcp/states';
import { phrase } from '../l10n/strings';

interface Step {
  /** 'c' = the side that sent ClientHello, 's' = the other. */
  who: 'c' | 's';
  msg: string;
  optional?: boolean;
}

const PREFIX: Step[] = [
  { who: 'c', msg: 'ClientHello' },
  { who: 's', msg: 'ServerHello' },
];

const TLS12: Step[] = [
  ...PREFIX,
  { who: 's', msg: 'Certificate', optional: true },
  { who: 's', msg: 'ServerKeyExchange', optional: true },
  { who: 's', msg: 'CertificateRequest', optional: true },
  { who: 's', msg: 'ServerHelloDone' },
  { who: 'c', msg: 'Certificate', optional: true },
  { who: 'c', msg: 'ClientKeyExchange' },
  { who: 'c', msg: 'CertificateVerify', optional: true },
  { who: 'c', msg: 'ChangeCipherSpec' },
  { who: 'c', msg: 'Finished' },
  { who: 's', msg: 'NewSessionTicket', optional: true },
  { who: 's', msg: 'ChangeCipherSpec' },
  { who: 's', msg: 'Finished' },
];

const TLS13: Step[] = [
  ...PREFIX,
  { who: 's', msg: 'ChangeCipherSpec', optional: true },
  { who: 's', msg: 'EncryptedExtensions' },
  { who: 's', msg: 'CertificateRequest', optional: true },
  { who: 's', msg: 'Certificate', optional: true },
  { who: 's', msg: 'CertificateVerify', optional: true },
  { who: 's', msg: 'Finished' },
  { who: 'c', msg: 'ChangeCipherSpec', optional: true },
  { who: 'c', msg: 'Certificate', optional: true },
  { who: 'c', msg: 'CertificateVerify', optional: true },
  { who: 'c', msg: 'Finished' },
];

const RULE_TLS12 = 'RFC 5246 §7.3';
const RULE_TLS13 = 'RFC 8446 §2';
const RULE_HTTP = 'RFC 9112 §9.3';
const RULE_APP = 'RFC 9293 §3.10.2';

export interface AppIssue {
  key: FindingKey;
  span: ast.Span;
  args: string[];
}

export class AppTracker {
  private client?: string;
  private version?: '1.2' | '1.3';
  private pos = 0;
  private finished = new Set<string>();
  private http = { pending: 0, pendingClose: false, noReuse: undefined as string | undefined, closedBy: undefined as string | undefined };

  /** True once a TLS handshake has started on this connection. */
  active(_name: string): boolean {
    return this.client !== undefined;
  }

  /** An independent copy (the checker keeps one per checkpoint). */
  clone(): AppTracker {
    const copy = Object.assign(Object.create(AppTracker.prototype) as AppTracker, this);
    const fields = copy as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      if (v instanceof Set) fields[k] = new Set(v);
      else if (v instanceof Map) fields[k] = new Map(v);
      else if (Array.isArray(v)) fields[k] = v.slice();
      else if (v && typeof v === 'object') fields[k] = { ...v };
    }
    return copy;
  }

  private steps(): Step[] {
    return this.version === '1.3' ? TLS13 : TLS12;
  }

  /** The locale of the check in progress (set by each `onSend`), for the words put into messages. */
  private locale: Locale = 'en';

  onSend(from: string, _to: string, st: ast.SegmentStmt, state: TcpState, locale: Locale): AppIssue[] {
    this.locale = locale;
    const out: AppIssue[] = [];
    const app = st.app;
    const dataState = state === TcpState.ESTABLISHED || state === TcpState.CLOSE_WAIT;
    // Data on a SYN is legal: the receiver queues it until ESTABLISHED (RFC 9293 §3.10.7.3), and
    // TCP Fast Open (RFC 7413) delivers it at once. The SYN itself is judged by the checker.
    const onSyn = st.flags.some((f) => f.flag === 'SYN' && f.set);
    if (app && !dataState && !onSyn) {
      const what = app.kind === 'http' ? 'HTTP' : 'TLS';
      out.push({ key: 'appNotEstablished', span: app.span, args: [from, what, state, RULE_APP] });
    }
    if (app?.kind === 'tls') this.tls(from, app, out);
    if (app?.kind === 'http') {
      if (this.client !== undefined && !this.handshakeDone(from)) {
        out.push({ key: 'tlsDataBeforeFinished', span: app.span, args: [from, 'Finished', this.version === '1.3' ? RULE_TLS13 : RULE_TLS12] });
      }
      this.httpMessage(from, app, out);
    }
    if (st.flags.some((f) => f.flag === 'FIN' && f.set)) this.http.closedBy ??= from;
    return out;
  }

  private handshakeDone(side: string): boolean {
    if (!this.finished.has(side)) return false;
    // In TLS 1.2 the client also waits for the server's Finished before sending data.
    if (this.version !== '1.3' && side === this.client) return [...this.finished].some((s) => s !== side);
    return true;
  }

  private tls(from: string, app: Extract<ast.AppMessage, { kind: 'tls' }>, out: AppIssue[]): void {
    if (app.version) this.version = app.version;
    for (const m of app.messages) {
      if (m.name === 'Alert') continue;
      if (m.name === 'ApplicationData') {
        if (this.client !== undefined && !this.handshakeDone(from)) {
          out.push({ key: 'tlsDataBeforeFinished', span: m.span, args: [from, 'Finished', this.version === '1.3' ? RULE_TLS13 : RULE_TLS12] });
        }
        continue;
      }
      if (m.name === 'ClientHello' && (this.client === undefined || this.retry)) {
        if (this.client === undefined) this.client = from;
        this.retry = false;
        this.pos = 1;
        continue;
      }
      if (this.client === undefined) {
        out.push({ key: 'tlsOrder', span: m.span, args: [this.version ?? '1.2', m.name, RULE_TLS12, 'ClientHello'] });
        this.client = m.name === 'ServerHello' ? '' : from;
        continue;
      }
      const who: 'c' | 's' = from === this.client ? 'c' : 's';
      if (m.name === 'HelloRetryRequest' && who === 's' && this.pos === 1) {
        this.version = '1.3';
        this.retry = true;
        continue;
      }
      if (m.name === 'NewSessionTicket' && who === 's' && this.finished.has(from)) continue;
      // Version is decided by the server's second message: EncryptedExtensions means TLS 1.3.
      if (this.pos === 2 && !app.version && this.version === undefined && who === 's') {
        this.version = m.name === 'EncryptedExtensions' || m.name === 'ChangeCipherSpec' ? '1.3' : '1.2';
      }
      // TLS 1.3 middlebox compatibility: a ChangeCipherSpec may come at any time after the first
      // ClientHello and before the sender's Finished; the peer drops it (RFC 8446 §5, §D.4).
      if (m.name === 'ChangeCipherSpec' && this.version === '1.3' && !this.finished.has(from)) continue;
      const steps = this.steps();
      let i = this.pos;
      let firstRequired: Step | undefined;
      let found = -1;
      for (; i < steps.length; i++) {
        const s = steps[i];
        if (s.who === who && s.msg === m.name) {
          found = i;
          break;
        }
        if (!s.optional && !firstRequired) firstRequired = s;
      }
      if (found < 0 || firstRequired) {
        const expected = firstRequired ?? steps[this.pos];
        const rule = this.version === '1.3' ? RULE_TLS13 : RULE_TLS12;
        out.push({ key: 'tlsOrder', span: m.span, args: [this.version ?? '1.2', m.name, rule, expected ? `${expected.msg}` : phrase('tlsHandshakeDone', this.locale)] });
      }
      if (found >= 0) this.pos = found + 1;
      if (m.name === 'Finished') this.finished.add(from);
    }
  }

  private retry = false;

  private httpMessage(from: string, app: Extract<ast.AppMessage, { kind: 'http' }>, out: AppIssue[]): void {
    const line = app.startLine.trim();
    const isResponse = /^HTTP\//i.test(line);
    if (!isResponse) {
      const closer = this.http.noReuse ?? (this.http.closedBy && this.http.closedBy !== from ? this.http.closedBy : undefined);
      if (closer) {
        const why = this.http.noReuse ? phrase('httpNoReuse', this.locale) : 'FIN';
        out.push({ key: 'httpAfterClose', span: app.span, args: [from, closer, why, RULE_HTTP] });
      }
      this.http.pending++;
      const v10 = /HTTP\/1\.0\s*$/i.test(line);
      if ((v10 && app.connection !== 'keep-alive') || app.connection === 'close') this.http.pendingClose = true;
      return;
    }
    if (this.http.pending === 0) out.push({ key: 'httpNoRequest', span: app.span, args: [from, RULE_HTTP] });
    else this.http.pending--;
    const v10 = /^HTTP\/1\.0/i.test(line);
    if ((v10 && app.connection !== 'keep-alive') || app.connection === 'close' || this.http.pendingClose) this.http.noReuse = from;
    this.http.pendingClose = false;
    void RULE_HTTP;
  }
}
