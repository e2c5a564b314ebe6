/**
 * API boundary of the core: everything the adapters (language server, CLI, preview, Markdown)
 * need goes through here. Pure, synchronous, deterministic, IO-free; runs in Node and browsers.
 */
import { parse } from './syntax/parser';
import { LineIndex } from './syntax/text';
import { checkSteps } from './check/checker';
import { FINDINGS, Finding, Locale, formatMessage } from './check/findings';
import type { File } from './syntax/ast';
import type { Model } from './model';

export interface Analysis {
  text: string;
  file: File;
  lines: LineIndex;
  /** Syntax findings first, then the checker's, each group in source order. */
  findings: Finding[];
  model: Model;
  locale: Locale;
}

export interface AnalyzeOptions {
  locale?: Locale;
  /** Number of lines that precede the text in its document (a Markdown fence), so that line
   * numbers inside messages name the document's lines. Ranges stay relative to the text. */
  lineOffset?: number;
}

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const steps = analyzeSteps(text, options, Infinity);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `analyze` in slices: it pauses (yields) after parsing and then after every `slice` checked
 * statements, so that the language server can give its event loop a turn during a long
 * document's analysis and abandon it when the document changes. The result is the same as
 * `analyze`'s.
 */
export function* analyzeSteps(text: string, options: AnalyzeOptions = {}, slice = 4096): Generator<void, Analysis, void> {
  const locale = options.locale ?? 'en';
  const lines = new LineIndex(text);
  const { file, issues } = parse(text);
  if (slice !== Infinity) yield;
  const findings: Finding[] = issues.map((i) => {
    const def = FINDINGS[i.key];
    return {
      code: def.code,
      key: i.key,
      severity: def.severity,
      rule: def.rule,
      start: i.start,
      end: i.end,
      args: i.args,
      message: formatMessage(i.key, i.args, locale),
      related: [],
      fix: i.fix ? { title: locale === 'zh-cn' ? '补上右引号' : i.fix.title, edits: [{ start: i.fix.start, end: i.fix.end, newText: i.fix.newText }] } : undefined,
    };
  });
  const result = yield* checkSteps(file, lines, { locale, lineOffset: options.lineOffset }, slice);
  const syntaxCount = findings.length;
  for (const f of result.findings) findings.push(f);
  // Events refer to checker findings by index; shift them past the syntax findings.
  if (syntaxCount > 0) for (const ev of result.model.events) if (ev.kind === 'segment' && ev.findings.length > 0) ev.findings = ev.findings.map((i) => i + syntaxCount);
  return { text, file, lines, findings, model: result.model, locale };
}

export { parse } from './syntax/parser';
export { LineIndex } from './syntax/text';
export type { Span, Position } from './syntax/text';
export * from './check/findings';
export type * from './model';
export type * as ast from './syntax/ast';
export { TcpState, ALL_STATES, STATE_DOCS, stateDoc, rfcName, lookupState } from './tcp/states';
export { RULE } from './tcp/machine';
export { localeFor, phrase } from './l10n/strings';
export { extractFences } from './markdown';
export type { Fence } from './markdown';
export { FLAG_DOCS, flagDoc } from './tcp/flags';
export { Scanner } from './syntax/scanner';
export { TokenKind } from './syntax/tokens';
export type { Token, Comment } from './syntax/tokens';
export { TLS_MESSAGES } from './syntax/parser';
export type { SeqValue } from './tcp/seq';
