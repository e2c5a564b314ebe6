/** Scenario helpers shared by the core tests: a ladder of flows and finding assertions. */
import assert from 'node:assert/strict';
import { analyze, Analysis, Locale } from '../src/core/index';

export const lines = (...l: string[]): string => l.join('\n') + '\n';

/** client C / server S, handshake with symbolic numbers, both ESTABLISHED. */
export function handshake(...more: string[]): string {
  return lines('client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x+1', 'C -> S ACK seq=x+1 ack=y+1', ...more);
}

/** Concrete numbers: C's ISN 1000, S's ISN 5000. */
export function established(...more: string[]): string {
  return lines('client C', 'server S', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001', ...more);
}

/** C has sent FIN (seq 1001) and S acknowledged it: C FIN_WAIT_2, S CLOSE_WAIT. */
export function finWait2(...more: string[]): string {
  return established('C -> S FIN ACK seq=1001 ack=5001', 'S -> C ACK seq=5001 ack=1002', ...more);
}

export function findingsOf(text: string, locale: Locale = 'en'): Analysis {
  return analyze(text, { locale });
}

/** Assert exactly these findings, written `CODE @ line:col` (1-based). */
export function expectFindings(text: string, expected: string[], locale: Locale = 'en'): Analysis {
  const a = analyze(text, { locale });
  const got = a.findings.map((f) => {
    const p = a.lines.positionAt(f.start);
    return `${f.code} @ ${p.line + 1}:${p.character + 1}`;
  });
  assert.deepEqual(got, expected, `findings: ${a.findings.map((f) => `${f.code} ${f.message}`).join(' | ')}`);
  return a;
}

export function expectNoFindings(text: string): Analysis {
  return expectFindings(text, []);
}

/** Apply a finding's fix edits to the text. */
export function applyFix(text: string, edits: { start: number; end: number; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * The words a Chinese message may hold in Latin letters: flags, states, RFC variables, protocol
 * and RFC names, and the language's own keywords (the notes write them so).
 */
export const ZH_ALLOWED = new Set([
  ...['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR'],
  ...['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RCVD', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'],
  ...['seq', 'ack', 'win', 'len', 'RCV.NXT', 'SND.NXT', 'SND.UNA', 'TS.Recent', 'ISN', 'MSL', 'RFC', 'TCP', 'TFO', 'TLS', 'HTTP', 'Connection', 'close'],
  ...['client', 'server', 'endpoint', 'listen', 'open', 'shutdown', 'abort', 'backlog', 'dropped', 'lost', 'deliver', 'delay', 'wait', 'rtx', 'old', 'dup', 'cross', 'tfo', 'cookie', 'attacker', 'as', 'accept', 'acceptq', 'Linux', 'read', 'rcvbuf', 'RCV.USER', 'RCV.BUFF', 'RCV.WND', 'Eff.snd.MSS', 'SWS', 'EOF'],
  ...['title', 'note', 'phase', 'msl', 'numbers', 'relative', 'absolute', 'mss', 'wscale', 'ts', 'sackOK', 'http', 'tls', 'isn', 'RTO', 'sackOK', 'MSL', 'ms', 's', 'min', 'h'],
  ...['ClientHello', 'ServerHello', 'HelloRetryRequest', 'EncryptedExtensions', 'Certificate', 'CertificateRequest', 'CertificateVerify', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'NewSessionTicket', 'Finished', 'ApplicationData', 'Alert'],
]);

/** Latin words of a Chinese text that are not allowed (placeholders and quoted text left out). */
export function strayEnglish(zh: string, alsoAllowed: ReadonlySet<string> = new Set()): string[] {
  // Quoted text is the flow's own (a name, a word it wrote, a literal of the language).
  const words = zh.replace(/\{\d+\}|'[^']*'|"[^"]*"|“[^”]*”/g, ' ').match(/[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*/g) ?? [];
  // (A word with a digit, or an ISN's generated name `ISN_C`, is a name.)
  return words.filter((w) => !ZH_ALLOWED.has(w) && !alsoAllowed.has(w) && !/\d|^ISN_/.test(w));
}

/** The command line through `main(argv, io)`, its output captured, in the folder `cwd`. */
export async function runCli(cwd: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../src/cli/main');
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s), cwd, env: {} });
  return { code, out, err };
}
