/**
 * The text of one Mermaid message (`C->>S: SYN=1, seq=x`), read as a TCP segment the ways study
 * notes write one: `SYN=1, seq=x`, `SYN+ACK seq=y ack=x+1`, `[SYN, ACK] Seq=0 Ack=1`, `1. SYN`,
 * `ACK=1 ack=y+1`, `FIN=1,seq=u`, `SYN(seq=1000)`, `SYN-ACK`, `SYN/ACK`, Chinese punctuation
 * (`，：＝＋`), spaces around `=` and `+`. Every span is an offset into the whole text (the
 * Markdown file), so findings and fixes land on the message as written. Never throws.
 */
import type * as ast from '../syntax/ast';
import type { Span } from '../syntax/text';

export interface LabelReading {
  flags: ast.FlagItem[];
  /** From the first flag to the last (empty at the label's start without flags). */
  flagsSpan: Span;
  seq?: ast.Field<ast.Expr>;
  ack?: ast.Field<ast.Expr>;
  /** `ACK=x+1`: the flag written with a number. */
  ackFlagValue?: ast.Field<ast.Expr>;
  len?: ast.Field<number>;
  /** A word saying the segment is lost (`丢失`, `lost`) — a loss drawn as a delivered arrow. */
  lostWord?: Span;
  /** A word saying the segment is sent again (`重传`, `retransmit`). */
  rtxWord?: Span;
  /** What the note writes between two flags (`+`, `, `, `/`, ` `), for fixes in its style. */
  flagSep: string;
  /** What it writes between two fields (`, `, `，`, ` `). */
  fieldSep: string;
  /** The text names a flag or a sequence or acknowledgment number: it is a segment. */
  segment: boolean;
}

const FLAG_WORDS = new Set(['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR']);
const MAX32 = 0xffffffff;

/** Full-width punctuation as its ASCII twin (one UTF-16 unit each, so offsets stay put). */
const WIDE: Record<string, string> = { '，': ',', '：': ':', '＝': '=', '＋': '+', '－': '-', '（': '(', '）': ')', '【': '[', '】': ']', '、': ',', '／': '/', '；': ';', '　': ' ' };

interface Tok {
  kind: 'word' | 'num' | 'punct' | 'other';
  text: string;
  start: number;
  end: number;
  /** Numeric value of a `num`. */
  value?: number;
}

function tokenize(text: string, start: number, end: number): Tok[] {
  const toks: Tok[] = [];
  let p = start;
  while (p < end) {
    let c = text[p];
    c = WIDE[c] ?? c;
    const code = c.charCodeAt(0);
    if (c === ' ' || c === '\t') {
      p++;
      continue;
    }
    if (c === '<') {
      // `<br/>` and other inline HTML Mermaid allows in labels: a break between words.
      const close = text.indexOf('>', p);
      if (close > p && close < end && close - p <= 8) {
        toks.push({ kind: 'punct', text: ';', start: p, end: close + 1 });
        p = close + 1;
        continue;
      }
    }
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122) || c === '_') {
      let q = p + 1;
      while (q < end && /[A-Za-z0-9_]/.test(text[q])) q++;
      toks.push({ kind: 'word', text: text.slice(p, q), start: p, end: q });
      p = q;
      continue;
    }
    if (code >= 48 && code <= 57) {
      let q = p + 1;
      let value: number;
      if (c === '0' && (text[q] === 'x' || text[q] === 'X') && /[0-9a-fA-F]/.test(text[q + 1] ?? '')) {
        q++;
        while (q < end && /[0-9a-fA-F]/.test(text[q])) q++;
        value = parseInt(text.slice(p + 2, q), 16);
      } else {
        while (q < end && text.charCodeAt(q) >= 48 && text.charCodeAt(q) <= 57) q++;
        value = Number(text.slice(p, q));
      }
      // A number glued to letters (`2MSL`, `3rd`) is a word, not a value.
      if (q < end && /[A-Za-z_]/.test(text[q])) {
        while (q < end && /[A-Za-z0-9_]/.test(text[q])) q++;
        toks.push({ kind: 'other', text: text.slice(p, q), start: p, end: q });
      } else toks.push({ kind: 'num', text: text.slice(p, q), start: p, end: q, value });
      p = q;
      continue;
    }
    if ('=+-,/[]():;.'.includes(c)) {
      toks.push({ kind: 'punct', text: c, start: p, end: p + 1 });
      p++;
      continue;
    }
    let q = p + 1;
    // Surrogate pairs and runs of other characters (Chinese prose) make one token.
    while (q < end) {
      const d = WIDE[text[q]] ?? text[q];
      if (/[A-Za-z0-9_ \t<]/.test(d) || '=+-,/[]():;.'.includes(d)) break;
      q++;
    }
    toks.push({ kind: 'other', text: text.slice(p, q), start: p, end: q });
    p = q;
  }
  return toks;
}

const LOST = /丢失|丢包|丢了|\blost\b|\bloss\b/i;
const RTX = /重传|重发|retransmi|\brtx\b/i;

/** Read `text[start, end)`, the text after a message's colon. */
export function readLabel(text: string, start: number, end: number): LabelReading {
  const toks = tokenize(text, start, end);
  const flags: ast.FlagItem[] = [];
  let seq: ast.Field<ast.Expr> | undefined;
  let ack: ast.Field<ast.Expr> | undefined;
  let ackFlagValue: ast.Field<ast.Expr> | undefined;
  let len: ast.Field<number> | undefined;
  let i = 0;
  // A leading step number: `1. SYN`, `2、SYN`, `(3) ACK`.
  if (toks[0]?.kind === 'num' && toks[1] && (toks[1].text === '.' || toks[1].text === ',' || toks[1].text === ')' || toks[1].text === ':')) i = 2;
  else if (toks[0]?.text === '(' && toks[1]?.kind === 'num' && toks[2]?.text === ')') i = 3;

  /** An expression `x`, `1000`, `x+1`, `ISN_C + 1`, `u-1` at toks[j]; one name at most. */
  const expr = (j: number): { e: ast.Expr; next: number } | undefined => {
    let symbol: ast.Name | undefined;
    let offset = 0;
    let hasLiteral = false;
    let sign = 1;
    let k = j;
    let s = -1;
    let e = -1;
    for (let first = true; ; first = false) {
      if (!first) {
        const op = toks[k];
        if (!op || (op.text !== '+' && op.text !== '-') || op.kind !== 'punct') break;
        const t = toks[k + 1];
        if (!t || (t.kind !== 'num' && t.kind !== 'word') || (t.kind === 'word' && (symbol || FLAG_WORDS.has(t.text.toUpperCase())))) break;
        sign = op.text === '+' ? 1 : -1;
        k++;
      }
      const t = toks[k];
      if (!t) break;
      if (t.kind === 'num') {
        if (t.value === undefined || !Number.isSafeInteger(t.value) || t.value > MAX32) return undefined;
        offset = (offset + sign * t.value) >>> 0;
        hasLiteral = true;
      } else if (t.kind === 'word' && !symbol && sign > 0 && !FLAG_WORDS.has(t.text.toUpperCase()) && !/^(seq|len|win)$/i.test(t.text)) {
        symbol = { text: t.text, start: t.start, end: t.end };
      } else {
        if (first) return undefined;
        k--;
        break;
      }
      if (s < 0) s = t.start;
      e = t.end;
      k++;
    }
    if (s < 0) return undefined;
    return { e: { start: s, end: e, symbol, offset, hasLiteral }, next: k };
  };

  const pushFlag = (name: string, span: Span, set: boolean, bitStyle: boolean): void => {
    flags.push({ flag: name as ast.FlagName, set, bitStyle, start: span.start, end: span.end });
  };

  while (i < toks.length) {
    const t = toks[i];
    if (t.kind !== 'word') {
      i++;
      continue;
    }
    const upper = t.text.toUpperCase();
    const eq = toks[i + 1]?.kind === 'punct' && (toks[i + 1].text === '=' || toks[i + 1].text === ':');
    if (upper === 'SEQ' && eq) {
      const v = expr(i + 2);
      if (v && !seq) seq = { start: t.start, end: v.e.end, key: { start: t.start, end: t.end }, valueSpan: { start: v.e.start, end: v.e.end }, value: v.e };
      i = v ? v.next : i + 2;
      continue;
    }
    if (upper === 'LEN' && eq) {
      const n = toks[i + 2];
      if (n?.kind === 'num' && n.value !== undefined && n.value <= MAX32 && !len) len = { start: t.start, end: n.end, key: { start: t.start, end: t.end }, valueSpan: { start: n.start, end: n.end }, value: n.value };
      i += 3;
      continue;
    }
    if (FLAG_WORDS.has(upper)) {
      if (eq && toks[i + 1].text === '=') {
        const v = expr(i + 2);
        if (!v) {
          i += 2;
          continue;
        }
        const bit = !v.e.symbol && (v.e.offset === 0 || v.e.offset === 1) && v.next === i + 3;
        if (upper === 'ACK' && t.text !== 'ACK') {
          // `ack=x+1`, `Ack=1`: the acknowledgment number (lower or title case).
          if (!ack) ack = { start: t.start, end: v.e.end, key: { start: t.start, end: t.end }, valueSpan: { start: v.e.start, end: v.e.end }, value: v.e };
        } else if (bit) pushFlag(upper, { start: t.start, end: v.e.end }, v.e.offset === 1, true);
        else if (upper === 'ACK' && !ackFlagValue) ackFlagValue = { start: t.start, end: v.e.end, key: { start: t.start, end: t.end }, valueSpan: { start: v.e.start, end: v.e.end }, value: v.e };
        i = v.next;
        continue;
      }
      pushFlag(upper, t, true, false);
      i++;
      continue;
    }
    // `SYN_ACK`, `SYNACK`: flags glued together.
    const parts = /^(SYN|ACK|FIN|RST|PSH|URG)_?(SYN|ACK|FIN|RST|PSH|URG)$/i.exec(t.text);
    if (parts) {
      pushFlag(parts[1].toUpperCase(), { start: t.start, end: t.start + parts[1].length }, true, false);
      pushFlag(parts[2].toUpperCase(), { start: t.end - parts[2].length, end: t.end }, true, false);
    }
    i++;
  }

  const slice = text.slice(start, end);
  const lost = LOST.exec(slice);
  const rtx = RTX.exec(slice);
  const flagsSpan = flags.length > 0 ? { start: flags[0].start, end: flags[flags.length - 1].end } : { start: start + (slice.length - slice.trimStart().length), end: start + (slice.length - slice.trimStart().length) };
  let flagSep = ' ';
  if (flags.length > 1) flagSep = text.slice(flags[0].end, flags[1].start);
  else if (flags.length === 1) {
    const after = text[flags[0].end];
    if (after === ']' || after === '】') flagSep = ', ';
    else if (flags[0].bitStyle) flagSep = /[,，]/.test(slice) ? (slice.includes('，') ? '，' : ', ') : ' ';
  }
  if (flagSep.trim() === ',' ) flagSep = ', ';
  if (flagSep.trim() === '，') flagSep = '，';
  const fieldSep = slice.includes('，') ? '，' : slice.includes(',') ? ', ' : ' ';
  return {
    flags,
    flagsSpan,
    seq,
    ack,
    ackFlagValue,
    len,
    lostWord: lost ? { start: start + lost.index, end: start + lost.index + lost[0].length } : undefined,
    rtxWord: rtx ? { start: start + rtx.index, end: start + rtx.index + rtx[0].length } : undefined,
    flagSep,
    fieldSep,
    segment: flags.length > 0 || seq !== undefined || ack !== undefined || ackFlagValue !== undefined,
  };
}
