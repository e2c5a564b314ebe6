/**
 * Semantic tokens, built from the syntax tree's spans and the comment list. Each token lies on
 * one line; tokens are emitted in order and never overlap.
 */
import type { SemanticTokensLegend } from 'vscode-languageserver';
import type { Analysis, ast } from '../core/index';
import { statementTable } from '../core/index';
import type { FlowUnit } from './documents';

export const TOKEN_TYPES = ['keyword', 'class', 'variable', 'enumMember', 'property', 'number', 'string', 'comment', 'enum', 'modifier', 'operator', 'event', 'type', 'function'] as const;
export const TOKEN_MODIFIERS = ['declaration'] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
const TYPE_INDEX = new Map<TokenType, number>(TOKEN_TYPES.map((x, i) => [x, i]));

interface Tok {
  start: number;
  end: number;
  type: TokenType;
  declaration?: boolean;
}

function collect(a: Analysis, from: number, to: number): Tok[] {
  const text = a.text;
  const toks: Tok[] = [];
  const push = (start: number, end: number, type: TokenType, declaration = false) => {
    if (end > start) toks.push({ start, end, type, declaration });
  };
  const word = (start: number, type: TokenType) => {
    const m = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(text.slice(start, start + 40));
    if (m) push(start, start + m[0].length, type);
    return m ? start + m[0].length : start;
  };
  const numbersIn = (start: number, end: number) => {
    const re = /0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?/g;
    const s = text.slice(start, end);
    for (let m = re.exec(s); m; m = re.exec(s)) {
      // Skip digits that are part of a name (`x1`).
      const before = s.charCodeAt(m.index - 1);
      if (m.index > 0 && /[\p{L}_]/u.test(String.fromCharCode(before))) continue;
      push(start + m.index, start + m.index + m[0].length, 'number');
    }
  };
  const expr = (e: ast.Expr, defs: Set<number>) => {
    numbersIn(e.start, e.end);
    if (e.symbol) push(e.symbol.start, e.symbol.end, 'variable', defs.has(e.symbol.start));
  };
  const restText = (start: number, end: number) => {
    let s = start;
    while (s < end && /[\s:：]/.test(text[s])) s++;
    push(s, end, 'string');
  };
  const defs = new Set(a.model.symbols.map((s) => s.def.start));
  // Only the statements in the range are made (a long flow keeps its segments as table rows).
  const table = statementTable(a.file);
  for (let i = Math.max(0, table.firstFrom(from) - 1); i < table.count && table.start[i] <= to; i++) {
    if (table.end[i] < from) continue;
    const st = table.statement(i);
    switch (st.kind) {
      case 'segment': {
        push(st.from.start, st.from.end, 'class');
        push(st.arrow.start, st.arrow.end, 'operator');
        push(st.to.start, st.to.end, 'class');
        for (const f of st.flags) {
          push(f.start, f.start + 3, 'enumMember');
          if (f.bitStyle) numbersIn(f.start + 3, f.end);
        }
        for (const field of [st.seq, st.ack]) {
          if (!field) continue;
          push(field.key.start, field.key.end, 'property');
          expr(field.value, defs);
        }
        if (st.ackFlagValue) {
          push(st.ackFlagValue.key.start, st.ackFlagValue.key.end, 'enumMember');
          expr(st.ackFlagValue.value, defs);
        }
        for (const field of [st.len, st.win, st.mss, st.wscale, st.ts]) {
          if (!field) continue;
          push(field.key.start, field.key.end, 'property');
          numbersIn(field.valueSpan.start, field.valueSpan.end);
        }
        if (st.sackOk) push(st.sackOk.start, st.sackOk.end, 'property');
        if (st.app) {
          const kwEnd = word(st.app.span.start, 'keyword');
          if (st.app.kind === 'http') {
            const q = text.indexOf('"', kwEnd);
            if (q >= 0 && q < st.app.span.end) {
              const close = st.label && st.label.span.start === q ? st.label.span.end : st.app.span.end;
              push(q, close, 'string');
              const gap = text.slice(close, st.app.span.end).search(/\S/);
              if (gap >= 0) push(close + gap, st.app.span.end, 'modifier');
            }
          } else {
            numbersIn(kwEnd, st.app.messages[0]?.span.start ?? st.app.span.end);
            for (const m of st.app.messages) push(m.span.start, m.span.end, 'type');
          }
        }
        if (st.label && !(st.app && st.app.kind === 'http' && st.label.span.start >= st.app.span.start && st.label.span.end <= st.app.span.end)) {
          push(st.label.span.start, st.label.span.end, 'string');
        }
        for (const m of st.modifiers) push(m.span.start, m.span.end, 'modifier');
        if (st.delay) {
          push(st.delay.key.start, st.delay.key.end, 'modifier');
          push(st.delay.valueSpan.start, st.delay.valueSpan.end, 'event');
        }
        break;
      }
      case 'endpoint':
        push(st.roleSpan.start, st.roleSpan.end, 'keyword');
        push(st.name.start, st.name.end, 'class', true);
        if (st.address) numbersIn(st.address.span.start, st.address.span.end);
        if (st.startState) push(st.startState.span.start, st.startState.span.end, 'enum');
        for (const field of [st.isn, st.backlog, st.acceptq, st.rcvbuf, st.win, st.mss, st.wscale]) {
          if (!field) continue;
          push(field.key.start, field.key.end, 'property');
          numbersIn(field.valueSpan.start, field.valueSpan.end);
        }
        break;
      case 'assert':
        for (const it of st.items) {
          push(it.endpoint.start, it.endpoint.end, 'class');
          if (it.peer) push(it.peer.start, it.peer.end, 'class');
          push(it.state.span.start, it.state.span.end, 'enum');
        }
        break;
      case 'call':
        push(st.endpoint.start, st.endpoint.end, 'class');
        push(st.callSpan.start, st.callSpan.end, 'function');
        if (st.peer) push(st.peer.start, st.peer.end, 'class');
        if (st.bytes) numbersIn(st.bytes.span.start, st.bytes.span.end);
        break;
      case 'wait': {
        word(st.start, 'keyword');
        const d = st.durationSpan;
        if (/^\d/.test(text.slice(d.start, d.end))) {
          numbersIn(d.start, d.end);
          const unit = /[\p{L}]+$/u.exec(text.slice(d.start, d.end));
          if (unit) push(d.end - unit[0].length, d.end, 'keyword');
        } else push(d.start, d.end, 'keyword');
        break;
      }
      case 'msl': {
        const kwEnd = word(st.start, 'keyword');
        numbersIn(kwEnd, st.end);
        break;
      }
      case 'deliver':
        word(st.start, 'keyword');
        push(st.id.start, st.id.end, 'event');
        break;
      case 'numbers': {
        const kwEnd = word(st.start, 'keyword');
        const m = /\S/.exec(text.slice(kwEnd, st.end));
        if (m) word(kwEnd + m.index, 'keyword');
        break;
      }
      case 'title':
      case 'phase':
        restText(word(st.start, 'keyword'), st.end);
        break;
      case 'note': {
        let end = word(st.start, 'keyword');
        for (const n of st.over) {
          push(n.start, n.end, 'class');
          end = n.end;
        }
        restText(end, st.end);
        break;
      }
    }
  }
  for (const c of a.file.comments) if (c.end >= from && c.start <= to) push(c.start, c.end, 'comment');
  toks.sort((x, y) => x.start - y.start || y.end - x.end);
  // Drop overlaps (keep the first, which is the outer or earlier token) and split nothing.
  const out: Tok[] = [];
  let last = -1;
  for (const tk of toks) {
    if (tk.start < last) continue;
    out.push(tk);
    last = tk.end;
  }
  return out;
}

/** Encoded tokens (LSP relative format) of the units, in document order, within [fromLine, toLine]. */
export function semanticTokens(units: FlowUnit[], fromLine = 0, toLine = Number.MAX_SAFE_INTEGER): number[] {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const u of units) {
    const a = u.analysis;
    if (u.lastLine < fromLine || u.firstLine > toLine) continue;
    const from = a.lines.offsetAt({ line: Math.max(fromLine, u.firstLine), character: 0 });
    const to = toLine >= a.lines.lineCount ? a.text.length : a.lines.lineEnd(Math.min(toLine, a.lines.lineCount - 1));
    for (const tk of collect(a, from, to)) {
      if (tk.end < from || tk.start > to) continue;
      const p = a.lines.positionAt(tk.start);
      // Tokens never span lines; clip defensively at the line end.
      const lineEnd = a.lines.lineEnd(p.line);
      const length = Math.min(tk.end, lineEnd) - tk.start;
      if (length <= 0) continue;
      const dLine = p.line - prevLine;
      const dChar = dLine === 0 ? p.character - prevChar : p.character;
      data.push(dLine, dChar, length, TYPE_INDEX.get(tk.type)!, tk.declaration ? 1 : 0);
      prevLine = p.line;
      prevChar = p.character;
    }
  }
  return data;
}
