/**
 * API boundary of the core: everything the adapters (language server, CLI, preview, Markdown)
 * need goes through here. Pure, synchronous, deterministic, IO-free; runs in Node and browsers.
 */
import { parse } from './syntax/parser';
import { LineIndex } from './syntax/text';
import { checkSteps, CheckResume } from './check/checker';
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
  /** Options it was made with. */
  lineOffset: number;
  /** What `analyze(…, { previous })` resumes from. */
  resume: CheckResume;
}

export interface AnalyzeOptions {
  locale?: Locale;
  /** Number of lines that precede the text in its document (a Markdown fence), so that line
   * numbers inside messages name the document's lines. Ranges stay relative to the text. */
  lineOffset?: number;
  /**
   * The analysis of the previous version of this text (an editor's document before an edit).
   * The statements before the first changed line are kept (the same objects), and the check
   * starts from its last checkpoint before them instead of from the top; the result is the same
   * as without it. `previous` is consumed: it must not be used afterwards.
   */
  previous?: Analysis;
  /** Statements between two checkpoints of the check (default 1,024); smaller resumes closer
   * to an edit and costs more copies. */
  checkpointEvery?: number;
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
  const shared = options.previous ? keepUnchanged(options.previous, text, file) : 0;
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
  const lineOffset = options.lineOffset ?? 0;
  const resume = options.previous && shared > 0 ? { from: options.previous.resume, shared } : undefined;
  // Events refer to findings by their index in `findings`, after the syntax findings.
  const result = yield* checkSteps(file, lines, { locale, lineOffset, findingBase: findings.length, resume, checkpointEvery: options.checkpointEvery }, slice);
  for (const f of result.findings) findings.push(f);
  return { text, file, lines, findings, model: result.model, locale, lineOffset, resume: result.resume };
}

/**
 * How many leading statements of `file` are unchanged since `previous`: those that end before
 * the line of the first changed character. They are replaced by the previous statement objects,
 * which the previous check's events refer to. (A statement never reads past its own line.)
 */
function keepUnchanged(previous: Analysis, text: string, file: File): number {
  const old = previous.text;
  const n = Math.min(old.length, text.length);
  let p = 0;
  while (p < n && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  if (p === old.length && p === text.length) p = n;
  const line = previous.lines.positionAt(p).line;
  const limit = previous.lines.lineStarts[line];
  const before = previous.file.statements;
  const after = file.statements;
  let k = 0;
  while (k < before.length && k < after.length && before[k].end < limit) {
    const a = before[k];
    const b = after[k];
    if (a.kind !== b.kind || a.start !== b.start || a.end !== b.end) break;
    after[k] = a;
    k++;
  }
  return k;
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
