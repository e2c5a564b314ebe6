/**
 * Completion. The line before the cursor decides what fits (a statement keyword, a receiver, a
 * flag or field, a state, a value); the first suggestions are always what the protocol expects
 * at the cursor.
 *
 * Expected numbers are read from the model, not computed here: the text up to the current line
 * is analysed with the current line replaced by a bare probe segment (`C -> S FLAGS`, the
 * line's own flags, no seq or ack), followed by the endpoint declarations that come later in
 * the file. The checker fills an omitted seq or ack with the value it expects, so the probe
 * segment's `seq` and `ack` views are the answer, with the explanation the core gives for them.
 * Nothing after the current line can change what is expected on it, so it is left out.
 */
import { CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind, Range } from 'vscode-languageserver';
import { ALL_STATES, analyze, eventStart, parse } from '../core/index';
import type { Analysis, AssertEvent, Locale, NumberView, SegmentEvent, ast } from '../core/index';
import { Scanner, TokenKind } from '../core/index';
import { TLS_MESSAGES } from '../core/index';
import type { FlowUnit } from './documents';
import { t } from './l10n';

const NAME = String.raw`[\p{L}_][\p{L}\p{N}_]*`;
const FLAGS: ast.FlagName[] = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR'];
const STATEMENT_KEYWORDS = ['client', 'server', 'endpoint', 'attacker', 'title', 'note', 'phase', 'wait', 'deliver', 'msl', 'numbers'];
const CALLS = ['open', 'connect', 'listen', 'close', 'shutdown', 'abort', 'accept', 'read'];
const FIELDS = ['len=', 'win=', 'mss=', 'wscale=', 'ts=', 'sackOK', 'tfo'];
const MODIFIERS = ['lost', 'dup', 'dropped', 'rtx', 'old', 'cross', 'delay='];
const DURATIONS = ['2MSL', 'RTO', '30s', '200ms'];
const FRESH_NAMES = ['x', 'y', 'u', 'v', 'w', 'p', 'q', 'a', 'b', 'c'];
const WRITABLE = /^(?:\d+|[\p{L}_][\p{L}\p{N}_]*(?:[+-]\d+)?)$/u;

interface Ctx {
  u: FlowUnit;
  a: Analysis;
  locale: Locale;
  offset: number;
  lineStart: number;
  lineEnd: number;
  lineText: string;
  prefix: string;
  /** Range of the word being typed. */
  word: Range;
}

interface Expected {
  event: SegmentEvent;
  probe: Analysis;
  relative: boolean;
}

export function completions(u: FlowUnit, offset: number, locale: Locale, cancelled: () => boolean): CompletionItem[] | null {
  const a = u.analysis;
  const pos = a.lines.positionAt(offset);
  const lineStart = a.lines.lineStarts[pos.line];
  const lineEnd = a.lines.lineEnd(pos.line);
  const prefix = a.text.slice(lineStart, offset);
  // Nothing inside a comment or a string.
  const sc = new Scanner(prefix);
  let lastString = false;
  for (let k = sc.next(); k !== TokenKind.EOF; k = sc.next()) lastString = k === TokenKind.String && !!sc.token.unterminated;
  if (sc.comments.length > 0 || lastString) return null;
  const partial = /[\p{L}\p{N}_]*$/u.exec(prefix)![0];
  const ctx: Ctx = {
    u,
    a,
    locale,
    offset,
    lineStart,
    lineEnd,
    lineText: a.text.slice(lineStart, lineEnd),
    prefix,
    word: { start: a.lines.positionAt(offset - partial.length), end: pos },
  };
  const endpoints = a.model.endpoints.map((e) => e.name);
  const isEndpoint = (n: string) => endpoints.includes(n);

  // A segment: `C -> S ...`.
  const seg = new RegExp(String.raw`^\s*(${NAME})\s*(?:->|→)\s*(${NAME})?`, 'u').exec(prefix);
  if (seg) {
    const sender = seg[1];
    const receiver = seg[2];
    const rest = prefix.slice(seg[0].length);
    if (!receiver || rest === '') {
      return endpoints.filter((n) => n !== sender).map((n, i) => item(n, CompletionItemKind.Class, t(locale, 'receiverItem'), `1${pad(i)}`, ctx.word));
    }
    if (!isEndpoint(receiver)) return null;
    return segmentBody(ctx, sender, receiver, rest, cancelled);
  }
  // A state assertion: `C: ST`, `C[S]: ST`, `C: ESTABLISHED, S: ST`.
  const asrt = new RegExp(String.raw`(${NAME})\s*(?:\[\s*(${NAME})\s*\])?\s*[:：]\s*[\p{L}\p{N}_-]*$`, 'u').exec(prefix);
  const firstWord = new RegExp(String.raw`^\s*(${NAME})`, 'u').exec(prefix)?.[1];
  if (asrt && firstWord && isEndpoint(firstWord) && isEndpoint(asrt[1])) {
    const typed = /[\p{L}\p{N}_-]*$/u.exec(prefix)![0];
    const range = { start: a.lines.positionAt(offset - typed.length), end: pos };
    const items: CompletionItem[] = [];
    const actual = cancelled() ? undefined : computedState(ctx, asrt[1], asrt[2]);
    if (actual) items.push({ ...item(actual, CompletionItemKind.Enum, t(locale, 'expectedState'), '0000', range), preselect: true });
    ALL_STATES.forEach((s, i) => {
      if (s !== actual) items.push(item(s, CompletionItemKind.Enum, t(locale, 'stateItem'), `1${pad(i)}`, range));
    });
    return items;
  }
  // The first word of a line.
  if (new RegExp(String.raw`^\s*(${NAME})?$`, 'u').test(prefix)) {
    const items: CompletionItem[] = [];
    endpoints.forEach((n, i) => items.push(item(n, CompletionItemKind.Class, t(locale, 'endpointItem', roleOf(a, n, locale)), `0${pad(i)}`, ctx.word)));
    STATEMENT_KEYWORDS.forEach((k, i) => items.push(item(k, CompletionItemKind.Keyword, t(locale, 'keyword'), `1${pad(i)}`, ctx.word)));
    return items;
  }
  const two = new RegExp(String.raw`^\s*(${NAME})\s+(${NAME})?$`, 'u').exec(prefix);
  if (two) {
    const w = two[1];
    const lw = w.toLowerCase();
    if (isEndpoint(w)) {
      const items: CompletionItem[] = [{ ...item('->', CompletionItemKind.Operator, '', '0000', ctx.word), textEdit: { range: ctx.word, newText: '-> ' } }];
      CALLS.forEach((c, i) => items.push(item(c, CompletionItemKind.Function, t(locale, 'callItem'), `1${pad(i)}`, ctx.word)));
      return items;
    }
    if (lw === 'wait' || lw === 'msl') return DURATIONS.filter((d) => lw === 'wait' || !/MSL|RTO/.test(d)).map((d, i) => item(d, CompletionItemKind.Unit, '', `1${pad(i)}`, ctx.word));
    if (lw === 'numbers') return ['relative', 'absolute'].map((d, i) => item(d, CompletionItemKind.Keyword, t(locale, 'keyword'), `1${pad(i)}`, ctx.word));
    if (lw === 'deliver') return inFlight(a, lineStart).map((d, i) => item(d, CompletionItemKind.Event, t(locale, 'delayedItem'), `0${pad(i)}`, ctx.word));
    if (lw === 'note') return endpoints.map((n, i) => item(n, CompletionItemKind.Class, t(locale, 'endpointItem', roleOf(a, n, locale)), `1${pad(i)}`, ctx.word));
    return null;
  }
  const decl = new RegExp(String.raw`^\s*(client|server|endpoint|host)\s+${NAME}\s+(?:.*\s)?(${NAME})?$`, 'iu').exec(prefix);
  if (decl) {
    const role = decl[1].toLowerCase();
    const items: CompletionItem[] = [];
    const opts = ['isn=', 'win=', 'rcvbuf=', 'mss=', 'wscale=', ...(role === 'client' ? [] : ['backlog=', 'acceptq='])];
    opts.forEach((o, i) => items.push(item(o, CompletionItemKind.Field, t(locale, 'fieldItem'), `1${pad(i)}`, ctx.word)));
    if (role === 'endpoint' || role === 'host') ALL_STATES.forEach((s, i) => items.push(item(s, CompletionItemKind.Enum, t(locale, 'stateItem'), `0${pad(i)}`, ctx.word)));
    return items;
  }
  const call = new RegExp(String.raw`^\s*(${NAME})\s+(?:open|connect|listen|close|shutdown|abort|accept|read|recv)\s+(?:\d+\s+)?(${NAME})?$`, 'iu').exec(prefix);
  if (call && isEndpoint(call[1])) {
    return endpoints.filter((n) => n !== call[1]).map((n, i) => item(n, CompletionItemKind.Class, t(locale, 'endpointItem', roleOf(a, n, locale)), `1${pad(i)}`, ctx.word));
  }
  return null;
}

function pad(i: number): string {
  return String(i).padStart(3, '0');
}

function item(label: string, kind: CompletionItemKind, detail: string, sortText: string, range: Range): CompletionItem {
  const it: CompletionItem = { label, kind, sortText, textEdit: { range, newText: label } };
  if (detail) it.detail = detail;
  return it;
}

/** The endpoint's role in the locale's words (`client`, `服务器`). */
function roleOf(a: Analysis, name: string, locale: Locale): string {
  const role = a.model.endpoints.find((e) => e.name === name)?.role;
  return role ? t(locale, role === 'client' ? 'roleClient' : role === 'server' ? 'roleServer' : 'roleEndpoint') : '';
}

function segmentBody(ctx: Ctx, sender: string, receiver: string, rest: string, cancelled: () => boolean): CompletionItem[] | null {
  const { a, locale } = ctx;
  const seqValue = /(?:^|[\s,，\[])(seq)\s*[=＝]\s*([^\s,，]*)$/iu.exec(rest);
  const ackValue = /(?:^|[\s,，\[])(ack)\s*[=＝]\s*([^\s,，]*)$/iu.exec(rest);
  if (seqValue || (ackValue && ackValue[1] !== 'ACK')) {
    const field: 'seq' | 'ack' = seqValue ? 'seq' : 'ack';
    const typed = (seqValue ?? ackValue)![2];
    const range = { start: a.lines.positionAt(ctx.offset - typed.length), end: a.lines.positionAt(ctx.offset) };
    if (cancelled()) return null;
    const exp = expected(ctx, sender, receiver, field === 'ack');
    const items: CompletionItem[] = [];
    if (exp) {
      const first = expectedItem(ctx, exp, field, sender, false, range);
      if (first) items.push(first);
      const used = new Set(items.map((x) => x.label));
      let i = 0;
      for (const s of exp.probe.model.symbols) {
        if (s.connection !== exp.event.connection || s.def.start >= ctx.lineStart || used.has(s.name)) continue;
        used.add(s.name);
        items.push(item(s.name, CompletionItemKind.Variable, t(locale, 'boundName', s.text), `1${pad(i++)}`, range));
      }
    }
    return items;
  }
  // `SYN=`, `ACK=`: the bit.
  if (/(?:^|[\s,，\[])(SYN|FIN|RST|PSH|URG|ECE|CWR|ACK)\s*[=＝]\s*[01]?$/iu.test(rest)) {
    const typed = /[01]?$/.exec(rest)![0];
    const range = { start: a.lines.positionAt(ctx.offset - typed.length), end: a.lines.positionAt(ctx.offset) };
    return ['1', '0'].map((b, i) => item(b, CompletionItemKind.Value, t(locale, 'flagItem'), `0${pad(i)}`, range));
  }
  if (/[=＝]\s*[^\s,，]*$/u.test(rest)) return null; // some other field's value: a number
  // TLS messages after `tls`.
  if (/(?:^|\s)tls(?:1\.[23]|12|13)?(?:[\s,，]+[\p{L}]+)*[\s,，]+[\p{L}]*$/iu.test(rest)) {
    return TLS_MESSAGES.map((m, i) => item(m, CompletionItemKind.EnumMember, t(locale, 'tlsItem'), `0${pad(i)}`, ctx.word));
  }
  // Between words: the expected fields first, then flags, fields, modifiers.
  const items: CompletionItem[] = [];
  const line = ctx.lineText;
  const hasSeq = /(?:^|[\s,，\]])seq\s*[=＝]/iu.test(line);
  const hasAck = /(?:^|[\s,，\]])(?!ACK\s*[=＝])ack\s*[=＝]/iu.test(line);
  if ((!hasSeq || !hasAck) && !cancelled()) {
    const exp = expected(ctx, sender, receiver, false);
    if (exp) {
      if (!hasSeq) {
        const s = expectedItem(ctx, exp, 'seq', sender, true, ctx.word);
        if (s) items.push(s);
      }
      if (!hasAck && exp.event.flags.includes('ACK')) {
        const k = expectedItem(ctx, exp, 'ack', sender, true, ctx.word);
        if (k) items.push({ ...k, sortText: '0001' });
      }
    }
  }
  const present = new Set<string>();
  const parsed = parse(line).file.statements[0];
  if (parsed && parsed.kind === 'segment') for (const f of parsed.flags) present.add(f.flag);
  FLAGS.forEach((f, i) => {
    if (!present.has(f)) items.push(item(f, CompletionItemKind.EnumMember, t(locale, 'flagItem'), `1${pad(i)}`, ctx.word));
  });
  FIELDS.forEach((f, i) => items.push(item(f, CompletionItemKind.Field, t(locale, 'fieldItem'), `2${pad(i)}`, ctx.word)));
  MODIFIERS.forEach((m, i) => items.push(item(m, CompletionItemKind.Keyword, t(locale, 'modifierItem'), `3${pad(i)}`, ctx.word)));
  items.push({ ...item('http', CompletionItemKind.Keyword, 'HTTP', '4000', ctx.word), insertTextFormat: InsertTextFormat.Snippet, textEdit: { range: ctx.word, newText: 'http "${1:GET / HTTP/1.1}"' } });
  items.push(item('tls', CompletionItemKind.Keyword, 'TLS', '4001', ctx.word));
  return items;
}

/** Analyse the probe: the text before the line, a bare segment, the later declarations. */
function expected(ctx: Ctx, sender: string, receiver: string, needAck: boolean): Expected | undefined {
  const flags: string[] = [];
  const parsed = parse(ctx.lineText).file.statements[0];
  if (parsed && parsed.kind === 'segment') for (const f of parsed.flags) if (f.set && !flags.includes(f.flag)) flags.push(f.flag);
  if (needAck && !flags.includes('ACK')) flags.push('ACK');
  const probeLine = `${sender} -> ${receiver} ${flags.join(' ')}`;
  const probe = runProbe(ctx, probeLine);
  let event: SegmentEvent | undefined;
  for (let i = probe.model.events.length - 1; i >= 0; i--) {
    const ev = probe.model.events[i];
    if (eventStart(ev) < ctx.lineStart) break;
    if (ev.kind === 'segment' && ev.start === ctx.lineStart) event = ev;
  }
  if (!event) return undefined;
  let relative = false;
  for (const st of probe.file.statements) {
    if (st.start >= ctx.lineStart) break;
    if (st.kind === 'numbers') relative = st.mode === 'relative';
  }
  return { event, probe, relative };
}

function runProbe(ctx: Ctx, probeLine: string): Analysis {
  const { a } = ctx;
  const later: string[] = [];
  for (const st of a.file.statements) if (st.kind === 'endpoint' && st.start > ctx.lineEnd) later.push(a.text.slice(st.start, st.end));
  const text = a.text.slice(0, ctx.lineStart) + probeLine + '\n' + later.join('\n');
  return analyze(text, { locale: a.locale });
}

function expectedItem(ctx: Ctx, exp: Expected, field: 'seq' | 'ack', sender: string, withKey: boolean, range: Range): CompletionItem | undefined {
  const { locale } = ctx;
  const n: NumberView | undefined = exp.event[field];
  if (!n || n.text === '?') return undefined;
  let value = exp.relative && n.relative !== undefined ? String(n.relative) : n.text;
  let detail = field === 'seq' ? t(locale, 'expectedSeq', sender) : t(locale, 'expectedAck', sender);
  let doc = n.why;
  const taken = new Set([...exp.probe.model.symbols.filter((s) => s.connection === exp.event.connection).map((s) => s.name), ...exp.probe.model.endpoints.map((e) => e.name)]);
  // The core names an unnamed ISN `ISN_<endpoint>` (a root, not a bound name).
  const unnamedRoot = /^ISN_/.test(value.replace(/[+-]\d+$/, '')) && !taken.has(value.replace(/[+-]\d+$/, ''));
  if (!WRITABLE.test(value) || unnamedRoot) {
    // A new ISN nobody has named yet: suggest a fresh name, which binds to it.
    if (field !== 'seq') return undefined;
    const fresh = FRESH_NAMES.find((x) => !taken.has(x));
    if (!fresh) return undefined;
    value = fresh;
    detail = t(locale, 'freshName');
    doc = '';
  }
  const label = withKey ? `${field}=${value}` : value;
  const it: CompletionItem = { label, kind: CompletionItemKind.Value, detail, sortText: '0000', preselect: true, textEdit: { range, newText: label } };
  if (doc) it.documentation = { kind: MarkupKind.Markdown, value: doc };
  return it;
}

function computedState(ctx: Ctx, endpoint: string, peer: string | undefined): string | undefined {
  const probe = runProbe(ctx, `${endpoint}${peer ? `[${peer}]` : ''}: CLOSED`);
  for (let i = probe.model.events.length - 1; i >= 0; i--) {
    const ev = probe.model.events[i];
    if (eventStart(ev) < ctx.lineStart) break;
    if (ev.kind === 'assert' && ev.stmt.start === ctx.lineStart) return (ev as AssertEvent).results[0]?.actual;
  }
  return undefined;
}

/** Ids of delayed segments sent before this line and not yet delivered there. */
function inFlight(a: Analysis, lineStart: number): string[] {
  const ids: string[] = [];
  for (const ev of a.model.events) {
    if (eventStart(ev) >= lineStart) break;
    if (ev.kind !== 'segment' || ev.fate !== 'delayed' || !ev.delayId) continue;
    if (ev.deliveries.some((d) => d.at.start < lineStart)) continue;
    ids.push(ev.delayId);
  }
  return ids;
}
