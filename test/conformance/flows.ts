/**
 * The conformance flows of test/conformance/: reading their headers and the pending list.
 * Shared by the runner (conformance.test.ts) and the generator of docs/conformance.md
 * (scripts/conformance-doc.ts).
 *
 * Every flow is a pair of files named after the RFC section it shows:
 *   `<section>-<slug>.ok.tcpflow`   legal TCP: checks with no error and no warning;
 *   `<section>-<slug>.bad.tcpflow`  breaks exactly that rule: exactly one finding.
 * `<section>` is a section of RFC 9293 (`3.10.7.4`), or of another RFC with its number first
 * (`rfc5961-3`, `rfc7413-4.2`). Each file opens with comment lines:
 *   # rfc: RFC 9293 §3.10.7.4, fifth check (ACK), SYN-RECEIVED
 *   # rule: "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state"
 *   # state: SYN_RCVD
 *   # expect: clean                                  (an .ok file)
 *   # expect: TF3001 line 9 "y+1"                    (a .bad file)
 * A `# note:` line may follow the rule (where the quote is another RFC's wording of it).
 * `rfc:` names the RFC and section in the project's citation format, then what part of it;
 * `rule:` quotes the rule; `state:` is the state (or states, comma-separated) of the endpoint the
 * rule is about; `expect:` is what the checker must say: nothing, or one finding with this code,
 * on this (1-based) line of the file, whose message contains the quoted text in every locale (the
 * expected value the finding must name). The line a .bad flow breaks the rule on ends with a
 * `# wrong: ...` comment that says what the RFC wants instead (the runner checks that it is the
 * line `expect:` names); an .ok flow has none.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CONFORMANCE_DIR = path.resolve(__dirname);
export const PENDING_FILE = path.join(CONFORMANCE_DIR, 'pending.json');

/** The eleven states as the language writes them, in RFC 9293 §3.3.2's order. */
export const STATES = [
  'CLOSED',
  'LISTEN',
  'SYN_SENT',
  'SYN_RCVD',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
] as const;
export type StateName = (typeof STATES)[number];

export type Expectation = { kind: 'clean' } | { kind: 'finding'; code: string; line: number; text: string };

export interface Flow {
  /** File name inside test/conformance/. */
  file: string;
  /** `3.10.7.4`, `rfc5961-3`: the file name's first part. */
  section: string;
  /** The file name without section and suffix. */
  slug: string;
  kind: 'ok' | 'bad';
  /** `RFC 9293 §3.10.7.4, fifth check (ACK), SYN-RECEIVED`. */
  rfc: string;
  rule: string;
  states: StateName[];
  expect: Expectation;
  text: string;
}

const NAME = /^((?:rfc\d+-)?\d+(?:\.\d+)*)-([a-z0-9]+(?:-[a-z0-9]+)*)\.(ok|bad)\.tcpflow$/;

/** Reads one flow's header; throws with the file's name on anything malformed. */
export function readFlow(file: string, text: string): Flow {
  const m = NAME.exec(file);
  if (!m) throw new Error(`${file}: the name must be <section>-<slug>.ok.tcpflow or .bad.tcpflow (section like 3.10.7.4 or rfc5961-3, slug in lower case with hyphens)`);
  const [, section, slug, kind] = m;
  const header = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const h = /^#\s*([a-z]+):\s*(.*)$/.exec(line);
    if (!h) {
      if (line.startsWith('#')) continue;
      break; // the header ends at the first line that is not a comment
    }
    if (header.has(h[1])) throw new Error(`${file}: '${h[1]}:' is given twice in the header`);
    header.set(h[1], h[2].trim());
  }
  const need = (key: string): string => {
    const v = header.get(key);
    if (!v) throw new Error(`${file}: the header has no '# ${key}:' line`);
    return v;
  };
  const rfc = need('rfc');
  const citation = /^RFC (\d+) §(\d+(?:\.\d+)*)/.exec(rfc);
  if (!citation) throw new Error(`${file}: '# rfc:' must start with a citation like 'RFC 9293 §3.10.7.4', found '${rfc}'`);
  const cited = citation[1] === '9293' ? citation[2] : `rfc${citation[1]}-${citation[2]}`;
  if (cited !== section) throw new Error(`${file}: the name says section ${section} but the header cites ${rfc.slice(0, citation[0].length)}`);
  const rule = need('rule');
  if (!/^".+"$/.test(rule)) throw new Error(`${file}: '# rule:' must quote the RFC in double quotes`);
  const states = need('state')
    .split(',')
    .map((s) => s.trim());
  for (const s of states) if (!(STATES as readonly string[]).includes(s)) throw new Error(`${file}: unknown state '${s}' in '# state:'; write one of ${STATES.join(' ')}`);
  const e = need('expect');
  let expect: Expectation;
  if (e === 'clean') expect = { kind: 'clean' };
  else {
    const f = /^(TF\d{4}) line (\d+) "(.+)"$/.exec(e);
    if (!f) throw new Error(`${file}: '# expect:' must be 'clean' or 'TFnnnn line N "text"', found '${e}'`);
    expect = { kind: 'finding', code: f[1], line: Number(f[2]), text: f[3] };
  }
  if (kind === 'ok' && expect.kind !== 'clean') throw new Error(`${file}: an .ok flow expects 'clean'`);
  if (kind === 'bad' && expect.kind !== 'finding') throw new Error(`${file}: a .bad flow expects one finding`);
  return { file, section, slug, kind: kind as 'ok' | 'bad', rfc, rule, states: states as StateName[], expect, text };
}

/** Every flow of test/conformance/, sorted by file name. */
export function loadFlows(dir = CONFORMANCE_DIR): Flow[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.tcpflow'))
    .sort()
    .map((f) => readFlow(f, fs.readFileSync(path.join(dir, f), 'utf8')));
}

/** pending.json: file -> why the checker disagrees with the RFC on it today. */
export function loadPending(file = PENDING_FILE): Record<string, string> {
  const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('pending.json must be an object: file -> reason');
  for (const [k, v] of Object.entries(data)) if (typeof v !== 'string' || v.trim() === '') throw new Error(`pending.json: '${k}' needs a one-line reason`);
  return data as Record<string, string>;
}

/** Sections in the RFC's order: RFC 9293 first, numerically; then the others by RFC number. */
export function compareSections(a: string, b: string): number {
  const key = (s: string): number[] => {
    const m = /^(?:rfc(\d+)-)?(.*)$/.exec(s)!;
    return [m[1] ? Number(m[1]) : 0, ...m[2].split('.').map(Number)];
  };
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (ka[i] ?? -1) - (kb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
