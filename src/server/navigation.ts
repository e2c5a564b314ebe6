/**
 * Go to definition, find references and rename for endpoints and sequence-number names
 * (x, y, u...). The spans come from the model (`endpointRefs`, `symbols`); a rename is checked
 * by analysing the renamed text and refused if the findings would change.
 */
import { Location, Range, TextEdit } from 'vscode-languageserver';
import { analyze } from '../core/index';
import type { Locale, ast } from '../core/index';
import type { FlowUnit } from './documents';
import { spanRange } from './convert';
import { t } from './l10n';
import { endpointAt, symbolAt } from './modelview';

export interface Target {
  kind: 'endpoint' | 'symbol';
  name: string;
  /** The occurrence under the cursor. */
  span: ast.Span;
  definition: ast.Span;
  /** Every occurrence, definition first. */
  all: ast.Span[];
  connection?: string;
}

export function targetAt(u: FlowUnit, offset: number): Target | undefined {
  const a = u.analysis;
  const e = endpointAt(a, offset);
  if (e) return { kind: 'endpoint', name: e.name, span: e.span, definition: e.refs[0], all: dedupe(e.refs) };
  const s = symbolAt(a, offset);
  if (s) return { kind: 'symbol', name: s.symbol.name, span: s.span, definition: s.symbol.def, all: dedupe([s.symbol.def, ...s.symbol.refs]), connection: s.symbol.connection };
  return undefined;
}

function dedupe(spans: ast.Span[]): ast.Span[] {
  const seen = new Set<number>();
  const out: ast.Span[] = [];
  for (const s of spans) {
    if (seen.has(s.start)) continue;
    seen.add(s.start);
    out.push(s);
  }
  return out;
}

export function definition(uri: string, u: FlowUnit, offset: number): Location | null {
  const tg = targetAt(u, offset);
  return tg ? { uri, range: spanRange(u, tg.definition) } : null;
}

export function references(uri: string, u: FlowUnit, offset: number, includeDeclaration: boolean): Location[] {
  const tg = targetAt(u, offset);
  if (!tg) return [];
  const spans = includeDeclaration ? tg.all : tg.all.filter((s) => s.start !== tg.definition.start);
  return spans.map((s) => ({ uri, range: spanRange(u, s) }));
}

export function prepareRename(u: FlowUnit, offset: number): { range: Range; placeholder: string } | null {
  const tg = targetAt(u, offset);
  return tg ? { range: spanRange(u, tg.span), placeholder: tg.name } : null;
}

/** Words the parser reads as something other than a name in some position. */
const RESERVED = new Set(
  (
    'client server endpoint host title phase note wait msl deliver numbers relative absolute ' +
    'syn ack fin rst psh urg ece cwr seq len win window mss wscale ts tsval sackok sack_perm sackperm isn iss backlog state start ' +
    'lost dup dropped rtx old duplicate retransmit retransmission drop loss delay delayed ' +
    'open connect listen close shutdown abort accept read recv rcvbuf acceptq http https tls tls12 tls13 keep keepalive'
  ).split(' '),
);

const NAME = /^[\p{L}_][\p{L}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

export function isValidName(name: string): boolean {
  return NAME.test(name) && !RESERVED.has(name.toLowerCase());
}

export type RenameResult = { edits: TextEdit[] } | { error: string };

export function rename(u: FlowUnit, offset: number, newName: string, locale: Locale): RenameResult {
  const a = u.analysis;
  const tg = targetAt(u, offset);
  if (!tg) return { error: t(locale, 'renameNothing') };
  if (newName === tg.name) return { edits: [] };
  if (!isValidName(newName)) return { error: t(locale, 'renameInvalid', newName) };
  const taken =
    tg.kind === 'endpoint'
      ? a.model.endpoints.some((e) => e.name === newName)
      : a.model.symbols.some((s) => s.connection === tg.connection && s.name === newName);
  if (taken) return { error: t(locale, 'renameTaken', newName) };
  // Apply the rename to the unit's text and make sure the flow means the same.
  const spans = [...tg.all].sort((x, y) => x.start - y.start);
  let text = '';
  let pos = 0;
  for (const s of spans) {
    text += a.text.slice(pos, s.start) + newName;
    pos = s.end;
  }
  text += a.text.slice(pos);
  const after = analyze(text, { locale: a.locale });
  const codes = (fs: { code: string }[]) => fs.map((f) => f.code).join(',');
  if (codes(after.findings) !== codes(a.findings)) {
    const before = new Set(a.findings.map((f) => f.code));
    const added = [...new Set(after.findings.map((f) => f.code).filter((c) => !before.has(c)))];
    return { error: t(locale, 'renameMeaning', added.join(', ') || codes(after.findings) || '—') };
  }
  return { edits: spans.map((s) => ({ range: spanRange(u, s), newText: newName })) };
}
