/**
 * Inlay hints: after a segment, the state each endpoint reaches; after a symbolic or relative
 * number, the value the checker computed for it (absolute when known, otherwise in terms of
 * the name of its ISN). A number that has a finding gets no hint: the diagnostic says more.
 *
 * On a mermaid message, and on a segment of a ```tcpflow block (lines of a note, which the
 * editor wraps like prose), everything goes into one short hint at the end of the line, never
 * inside the text: the states that changed
 * (`⇒ C: SYN_SENT, S: SYN_RCVD`), then the computed numbers that differ from the written ones
 * (`· seq=x+2`).
 */
import { InlayHint } from 'vscode-languageserver';
import type { Locale, NumberView, SegmentEvent, ast } from '../core/index';
import { statementTable } from '../core/index';
import type { MermaidUnit, Unit, View } from './documents';
import { t } from './l10n';
import { canonicalValue, eventOf, firstStatementFrom } from './modelview';
import type { Settings } from './protocol';

export function inlayHints(u: Unit, from: number, to: number, settings: Settings['inlayHints'], locale: Locale): InlayHint[] {
  const out: InlayHint[] = [];
  if (!settings.states && !settings.values) return out;
  if (u.lang === 'mermaid') return diagramHints(u, from, to, settings, locale);
  const a = u.analysis;
  // Only the statements in the range are made (a long flow keeps its segments as table rows).
  const table = statementTable(a.file);
  const pos = (offset: number) => a.lines.positionAt(offset);
  for (let i = firstStatementFrom(a, from); i < table.count && table.start[i] <= to; i++) {
    const s = table.statement(i);
    const ev = eventOf(a, s);
    if (!ev) continue;
    if (ev.kind === 'segment') {
      // In a Markdown note the editor wraps lines like prose: everything goes into one hint at the
      // end of the line, never between the words of a segment.
      const values: InlayHint[] = [];
      if (settings.values) {
        valueHint(a, ev, s as ast.SegmentStmt, 'seq', ev.seq, values);
        valueHint(a, ev, s as ast.SegmentStmt, 'ack', ev.ack, values);
      }
      let states: string | undefined;
      if (settings.states) {
        const parts = [`${ev.from}: ${ev.send.after.state}`];
        const d = ev.deliveries.filter((x) => x.at.start === s.start && !x.duplicate).pop();
        if (d) parts.push(`${ev.to}: ${d.after.state}`);
        else if (ev.fate === 'lost') parts.push(`${ev.to}: ${t(locale, 'lostShort')}`);
        else if (ev.fate === 'delayed') parts.push(`${ev.to}: ${t(locale, 'delayedShort')}`);
        states = `⇒ ${parts.join(', ')}`;
      }
      if (u.fence) {
        const label = [states, values.map((v) => v.label).join(' ')].filter((x) => x).join(' · ');
        if (label) out.push({ position: pos(s.end), label, paddingLeft: true });
      } else {
        for (const v of values) out.push(v);
        if (states) out.push({ position: pos(s.end), label: states, paddingLeft: true });
      }
    } else if (settings.states && ev.kind === 'deliver' && ev.segment) {
      const seg = ev.segment;
      const d = seg.deliveries.filter((x) => x.at.start === s.start && !x.duplicate).pop();
      if (d) out.push({ position: pos(s.end), label: `⇒ ${seg.to}: ${d.after.state}`, paddingLeft: true });
    } else if (settings.states && ev.kind === 'call') {
      const before = ev.before?.state ?? ev.idleBefore;
      const after = ev.after?.state ?? ev.idleAfter;
      if (after && before !== after) out.push({ position: pos(s.end), label: `⇒ ${ev.stmt.endpoint.text}: ${after}`, paddingLeft: true });
      // A read changes no state: what is left in the buffer (RFC 9293 §3.8.6.2.2's names).
      else if (ev.read && ev.after?.rcvUser !== undefined) {
        const buf = ev.after.rcvBuf !== undefined ? ` / RCV.BUFF ${ev.after.rcvBuf}` : '';
        out.push({ position: pos(s.end), label: `⇒ ${ev.stmt.endpoint.text}: RCV.USER ${ev.after.rcvUser}${buf}`, paddingLeft: true });
      }
    }
  }
  return out;

  function valueHint(a: View, ev: SegmentEvent, s: ast.SegmentStmt, field: 'seq' | 'ack', n: NumberView | undefined, sink: InlayHint[]): void {
    const f = s[field];
    if (!f || !n || n.text === '?') return;
    const span = f.valueSpan;
    for (const k of ev.findings) {
      const x = a.findings[k];
      if (x && x.start < span.end && x.end > span.start) return;
    }
    const shown = n.absolute !== undefined ? String(n.absolute) : canonicalValue(a, ev.connection, n.value, n.text);
    const written = a.text.slice(span.start, span.end).replace(/\s+/g, '');
    if (shown === written) return;
    sink.push({ position: a.lines.positionAt(span.end), label: u.fence ? `${field}=${shown}` : `= ${shown}`, paddingLeft: true });
  }
}

/** The hints of a mermaid diagram's messages that start in [from, to]: one per line, at its end. */
function diagramHints(u: MermaidUnit, from: number, to: number, settings: Settings['inlayHints'], locale: Locale): InlayHint[] {
  const a = u.analysis;
  const out: InlayHint[] = [];
  for (const msg of u.reading.messages) {
    const s = msg.segment;
    if (!s || msg.span.start > to || msg.span.end < from) continue;
    const ev = eventOf(a, s);
    if (!ev || ev.kind !== 'segment') continue;
    const parts: string[] = [];
    if (settings.states) {
      const changed: string[] = [];
      if (ev.send.before.state !== ev.send.after.state) changed.push(`${ev.from}: ${ev.send.after.state}`);
      const d = ev.deliveries.filter((x) => x.at.start === s.start && !x.duplicate).pop();
      if (d) {
        if (d.before.state !== d.after.state) changed.push(`${ev.to}: ${d.after.state}`);
      } else if (ev.fate === 'lost') changed.push(`${ev.to}: ${t(locale, 'lostShort')}`);
      if (changed.length) parts.push(`⇒ ${changed.join(', ')}`);
    }
    if (settings.values) {
      const values: string[] = [];
      for (const field of ['seq', 'ack'] as const) {
        const f = s[field];
        const n = ev[field];
        if (!f || !n || n.text === '?') continue;
        const span = f.valueSpan;
        // A number with a finding: the diagnostic says what it should be.
        if (a.findings.some((x) => x.start < span.end && x.end > span.start)) continue;
        const shown = n.absolute !== undefined ? String(n.absolute) : canonicalValue(a, ev.connection, n.value, n.text);
        const written = a.text.slice(span.start, span.end).replace(/\s+/g, '').replace(/＋/g, '+').replace(/－/g, '-');
        if (shown !== written) values.push(`${field}=${shown}`);
      }
      if (values.length) parts.push(values.join(' '));
    }
    if (parts.length) out.push({ position: a.lines.positionAt(msg.span.end), label: parts.join(' · '), paddingLeft: true });
  }
  return out;
}
