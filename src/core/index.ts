/**
 * API boundary of the core: everything the adapters (language server, CLI, preview, Markdown)
 * need goes through here. Pure, synchronous, deterministic, IO-free; runs in Node and browsers.
 */
import { parse } from './syntax/parser';
import { LineIndex } from './syntax/text';
import { checkSteps, CheckResume } from './check/checker';
import { FINDINGS, Finding, Locale, formatMessage } from './check/findings';
import type { File } from './syntax/ast';
import type { SyntaxIssue } from './syntax/parser';
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
  /** How many of `findings` are syntax findings (they come first). */
  syntaxFindings: number;
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
  const lineOffset = options.lineOffset ?? 0;
  const lines = new LineIndex(text);
  const previous = options.previous && options.previous.locale === locale && options.previous.lineOffset === lineOffset ? options.previous : undefined;
  const kept = previous ? unchangedStart(previous, text) : undefined;
  let file: File;
  let issues: SyntaxIssue[];
  const findings: Finding[] = [];
  if (kept) {
    // Parse from the first changed line only; the statements, comments and syntax findings
    // before it are the previous ones.
    const tail = parse(text, kept.offset);
    const before = previous!.file;
    file = { text, statements: before.statements.slice(0, kept.statements).concat(tail.file.statements), comments: before.comments.filter((c) => c.start < kept.offset).concat(tail.file.comments) };
    issues = tail.issues;
    for (let i = 0; i < previous!.syntaxFindings; i++) if (previous!.findings[i].start < kept.offset) findings.push(previous!.findings[i]);
  } else ({ file, issues } = parse(text));
  if (slice !== Infinity) yield;
  for (const i of issues) {
    const def = FINDINGS[i.key];
    findings.push({
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
    });
  }
  const syntaxFindings = findings.length;
  const resume = kept && kept.statements > 0 ? { from: previous!.resume, shared: kept.statements } : undefined;
  // Events refer to findings by their index in `findings`, after the syntax findings.
  const result = yield* checkSteps(file, lines, { locale, lineOffset, findingBase: syntaxFindings, resume, checkpointEvery: options.checkpointEvery }, slice);
  for (const f of result.findings) findings.push(f);
  return { text, file, lines, findings, model: result.model, locale, lineOffset, syntaxFindings, resume: result.resume };
}

/**
 * Where the previous text and this one start to differ, rounded down to a line start, and how
 * many of the previous statements end before it (they are kept: a statement never reaches
 * across a line). Undefined when the texts differ on their first line.
 */
function unchangedStart(previous: Analysis, text: string): { offset: number; statements: number } | undefined {
  const old = previous.text;
  const n = Math.min(old.length, text.length);
  // Whole blocks first (string comparison is a memory compare), then character by character.
  const BLOCK = 4096;
  let p = 0;
  while (p + BLOCK <= n && old.slice(p, p + BLOCK) === text.slice(p, p + BLOCK)) p += BLOCK;
  while (p < n && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  const offset = previous.lines.lineStarts[previous.lines.positionAt(p).line];
  if (offset === 0) return undefined;
  const before = previous.file.statements;
  let lo = 0;
  let hi = before.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before[mid].end < offset) lo = mid + 1;
    else hi = mid;
  }
  return { offset, statements: lo };
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
