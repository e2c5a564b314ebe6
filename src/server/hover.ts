/**
 * Hover: what a segment does to both endpoints (states and sequence variables before and
 * after, and why the numbers are what they are), what a state or a flag means, what an
 * endpoint or a sequence-number name stands for. Everything shown is read from the model.
 */
import { Hover, MarkupKind } from 'vscode-languageserver';
import { lookupState, stateDoc } from '../core/index';
import type { Delivery, Locale, NumberView, SegmentEvent, SendClass, TcbView, ast } from '../core/index';
import type { MermaidUnit, Unit, View } from './documents';
import { spanRange } from './convert';
import { flagDoc } from './flags';
import { t, type StringKey } from './l10n';
import { endpointAt, eventOf, lineNo, segmentOf, statementAt, symbolAt, within } from './modelview';

export function hoverAt(u: Unit, offset: number, locale: Locale): Hover | null {
  const a = u.analysis;
  const st = u.lang === 'mermaid' ? diagramStatementAt(u, offset) : statementAt(a, offset);
  if (!st) return null;
  const md = (value: string, span: ast.Span): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: spanRange(u, span) });
  switch (st.kind) {
    case 'segment': {
      const flag = st.flags.find((f) => within(f, offset) && offset < f.end);
      if (flag) return md(flagDoc(flag.flag, locale), flag);
      const ev = segmentOf(a, st);
      if (!ev) return endpointHover(a, offset, locale, md);
      const parts: string[] = [];
      const sym = symbolAt(a, offset);
      if (sym) parts.push(symbolLine(a, sym.symbol, locale));
      parts.push(segmentText(a, ev, st, locale));
      return md(parts.join('\n\n'), sym ? sym.span : st);
    }
    case 'deliver': {
      const ev = segmentOf(a, st);
      if (!ev) return null;
      return md(segmentText(a, ev, st, locale), st);
    }
    case 'assert': {
      const i = st.items.findIndex((it) => within(it.state.span, offset));
      if (i >= 0) {
        const item = st.items[i];
        const ev = eventOf(a, st);
        const result = ev && ev.kind === 'assert' ? ev.results[i] : undefined;
        const lines = [stateText(item.state.text, locale)];
        if (result?.actual) lines.push(t(locale, result.ok ? 'assertHolds' : 'assertFails', result.endpoint, result.actual));
        return md(lines.filter(Boolean).join('\n\n'), item.state.span);
      }
      return endpointHover(a, offset, locale, md);
    }
    case 'endpoint': {
      if (st.startState && within(st.startState.span, offset)) {
        const s = stateText(st.startState.text, locale);
        return s ? md(s, st.startState.span) : null;
      }
      return endpointHover(a, offset, locale, md);
    }
    case 'call': {
      if (within(st.callSpan, offset)) {
        const ev = eventOf(a, st);
        if (!ev || ev.kind !== 'call') return null;
        if (ev.read) return md(readHover(ev.read, ev.before, ev.after, st.endpoint.text, locale), st.callSpan);
        const before = ev.before?.state ?? ev.idleBefore;
        const after = ev.after?.state ?? ev.idleAfter;
        if (!before || !after) return null;
        return md(t(locale, 'callChange', st.endpoint.text, before, after), st.callSpan);
      }
      return endpointHover(a, offset, locale, md);
    }
    case 'note':
      return endpointHover(a, offset, locale, md);
    default:
      return null;
  }
}

/** `S read`: what the application took and what is left in the buffer (RFC 9293 §3.8.6.2.2). */
function readHover(read: { bytes?: number; eof: boolean }, before: TcbView | undefined, after: TcbView | undefined, who: string, locale: Locale): string {
  const lines = [read.eof ? t(locale, 'readEofHover', who) : read.bytes !== undefined ? t(locale, 'readHover', who, read.bytes) : t(locale, 'readUnknownHover', who)];
  if (after?.rcvUser !== undefined) lines.push(bufferText(before, after));
  if (after?.rcvBuf !== undefined && after.rcvUser !== undefined) lines.push(t(locale, 'readWindowHover', who, Math.max(after.rcvBuf - after.rcvUser, 0)));
  return lines.join('\n\n');
}

type Md = (value: string, span: ast.Span) => Hover;

/**
 * The statement of a mermaid diagram at an offset: a segment (its message line) or a state
 * note, else an endpoint declaration (a participant). The reader's statements are not sorted by
 * offset (a participant first named in a message is declared at that message), and the
 * handshake it assumes before a diagram that starts later has empty spans: never hovered.
 */
function diagramStatementAt(u: MermaidUnit, offset: number): ast.Statement | undefined {
  let found: ast.Statement | undefined;
  for (const s of u.reading.file.statements) {
    if (s.start === s.end || !within(s, offset)) continue;
    if (s.kind !== 'endpoint') return s;
    found ??= s;
  }
  return found;
}

function endpointHover(a: View, offset: number, locale: Locale, md: Md): Hover | null {
  const e = endpointAt(a, offset);
  if (!e) return null;
  const info = a.model.endpoints.find((x) => x.name === e.name);
  if (!info) return null;
  const role = t(locale, info.role === 'client' ? 'roleClient' : info.role === 'server' ? 'roleServer' : 'roleEndpoint');
  const where = info.address ? `${role} ${info.address}` : role;
  return md(`**${e.name}** — ${t(locale, 'endpointRole', '', where, info.startState).trim()}`, e.span);
}

function symbolLine(a: View, s: import('../core/index').SymbolInfo, locale: Locale): string {
  return t(locale, 'symbolIs', s.name, `\`${s.text}\``, t(locale, 'symbolBound', lineNo(a, s.def.start)), s.refs.length);
}

function stateText(written: string, locale: Locale): string {
  const found = lookupState(written);
  if (!found) return '';
  const doc = stateDoc(found.state, locale);
  return found.exact ? doc : `${t(locale, 'misspelled', written, found.state)}\n\n${doc}`;
}

function tcbLine(who: string, role: string, before: TcbView, after: TcbView, locale: Locale): string {
  const seqVar = (name: string, b: string | undefined, x: string | undefined): string => (b === x ? `${name} ${x ?? '?'}` : `${name} ${b ?? '?'} → ${x ?? '?'}`);
  const line = `- ${t(locale, 'tcbRole', who, role)}${before.state} → ${after.state} · ${seqVar('SND.NXT', before.sndNxt, after.sndNxt)} · ${seqVar('RCV.NXT', before.rcvNxt, after.rcvNxt)}`;
  return after.rcvUser === undefined ? line : `${line} · ${bufferText(before, after)}`;
}

/** RCV.USER (and RCV.BUFF when declared) of a TCB whose flow speaks of its receive buffer. */
function bufferText(before: TcbView | undefined, after: TcbView): string {
  const b = before?.rcvUser;
  const user = b === undefined || b === after.rcvUser ? `RCV.USER ${after.rcvUser}` : `RCV.USER ${b} → ${after.rcvUser}`;
  return after.rcvBuf === undefined ? user : `${user} / RCV.BUFF ${after.rcvBuf}`;
}

function numberSentence(field: string, n: NumberView | undefined, locale: Locale): string | undefined {
  if (!n || n.text === '?') return undefined;
  let value = n.text;
  if (n.absolute !== undefined && String(n.absolute) !== n.text) value += ` (${n.absolute})`;
  return n.why ? t(locale, 'because', field, value, n.why) : t(locale, 'valueIs', field, value);
}

/** How a segment that is not new data is named in its hover. */
const SEND_CLASS: Record<Exclude<SendClass, 'new'>, StringKey> = {
  retransmission: 'classRetransmission',
  keepalive: 'classKeepalive',
  'window-probe': 'classWindowProbe',
  'dup-ack': 'classDupAck',
  'rst-reply': 'classRstReply',
  'old-duplicate': 'classOldDuplicate',
  spoofed: 'classSpoofed',
};

/** The hover text of a segment, seen from the statement hovered (the segment or its `deliver`). */
export function segmentText(a: View, ev: SegmentEvent, at: ast.Statement, locale: Locale): string {
  const flags = ev.flags.length ? ev.flags.join(', ') : '—';
  const head = `**${ev.from} → ${ev.to}** \`${flags}\`${ev.len > 0 ? ` · len ${ev.len}` : ''}${ev.sendClass !== 'new' ? ` · ${t(locale, SEND_CLASS[ev.sendClass])}` : ''}`;
  const lines = [head, '', tcbLine(ev.from, t(locale, 'sends'), ev.send.before, ev.send.after, locale)];
  const receiverLine = (d: Delivery, role: string): string => tcbLine(ev.to, role, d.before, d.after, locale) + (d.note ? ` — ${d.note}` : '');
  const here = ev.deliveries.filter((d) => d.at.start === at.start);
  const shown = here.length > 0 ? here : ev.deliveries;
  if (shown.length === 0) {
    lines.push(`- ${t(locale, 'noDelivery', ev.to, t(locale, ev.fate === 'lost' ? 'lost' : 'delayedNever'))}`);
  } else {
    for (const d of shown) {
      const role = d.duplicate ? t(locale, 'duplicateArrival') : d.at.start === ev.stmt.start ? t(locale, 'receives') : t(locale, at === ev.stmt ? 'delayedUntil' : 'receivedAt', lineNo(a, d.at.start));
      lines.push(receiverLine(d, role));
    }
  }
  const sentences = [numberSentence('seq', ev.seq, locale), numberSentence('ack', ev.ack, locale)].filter((s): s is string => !!s);
  if (sentences.length) lines.push('', sentences.join(locale === 'zh-cn' ? '' : ' '));
  return lines.join('\n');
}
