/**
 * API boundary of the core: everything the adapters (language server, CLI, preview, Markdown)
 * need goes through here. Pure, synchronous, deterministic, IO-free; runs in Node and browsers.
 */
import { parse, parseDeclarations } from './syntax/parser';
import { LineIndex } from './syntax/text';
import { syntaxArg } from './l10n/strings';
import { checkSteps, CheckResume, findingsCheck } from './check/checker';
import { FINDINGS, Finding, Locale, formatMessage } from './check/findings';
import type { File } from './syntax/ast';
import { shiftStatement } from './syntax/shift';
import { StatementTable, TableFile } from './syntax/table';
import { PlainSegment, readPlainSegment } from './syntax/plain';
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
  /** As `FindingsOptions.plainLines`: false parses every line into a tree (the reference). */
  plainLines?: boolean;
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
  const kept = previous ? unchangedParts(previous, text) : undefined;
  let table: StatementTable;
  let issues: SyntaxIssue[] | undefined;
  const findings: Finding[] = [];
  const movedSyntax: Finding[] = [];
  if (kept) {
    // Parse the edited lines only. The statements, comments and syntax findings before them are
    // the previous ones; those after them too, moved by the change in length.
    const mid = parse(text, kept.offset, kept.tailNew);
    const delta = kept.tailNew - kept.tailOld;
    table = StatementTable.join(text, tableOf(previous!), kept.statements, mid.file, kept.tailStatements, delta, kept.offset, kept.tailOld, (st) => shiftStatement(st, delta));
    issues = mid.issues;
    for (let i = 0; i < previous!.syntaxFindings; i++) {
      const f = previous!.findings[i];
      if (f.start < kept.offset) findings.push(f);
      // (With nothing after the edited lines, a finding at the end of the text is theirs.)
      else if (f.start >= kept.tailOld && kept.tailOld < previous!.text.length) movedSyntax.push(moveFinding(f, delta));
    }
  } else {
    // Parsed a piece at a time as the check reads it: each piece's segment trees are checked
    // while fresh and dropped; the table keeps their rows (syntax/table.ts).
    table = new StatementTable(text, true, true, options.plainLines ?? true, lines.lineCount);
  }
  const file = new TableFile(text, table);
  if (slice !== Infinity) yield;
  // The syntax findings come first; with a table that fills as it is checked, they are known at
  // its end, before the checker numbers its findings after them.
  let syntaxFindings = -1;
  const syntax = (): number => {
    if (syntaxFindings < 0) {
      for (const i of issues ?? table.issues) findings.push(syntaxFinding(i, locale));
      for (const f of movedSyntax) findings.push(f);
      syntaxFindings = findings.length;
    }
    return syntaxFindings;
  };
  const resume = kept && kept.statements > 0 ? { from: previous!.resume, shared: kept.statements } : undefined;
  // Events refer to findings by their index in `findings`, after the syntax findings.
  const result = yield* checkSteps(file, lines, { locale, lineOffset, findingBase: syntax, resume, checkpointEvery: options.checkpointEvery }, slice);
  syntax();
  for (const f of result.findings) findings.push(f);
  return { text, file, lines, findings, model: result.model, locale, lineOffset, syntaxFindings, resume: result.resume };
}

/** A syntax issue as a finding. */
function syntaxFinding(i: SyntaxIssue, locale: Locale): Finding {
  const def = FINDINGS[i.key];
  return {
    code: def.code,
    key: i.key,
    severity: def.severity,
    rule: def.rule,
    start: i.start,
    end: i.end,
    args: i.args,
    message: formatMessage(i.key, locale === 'en' ? i.args : i.args.map((a) => syntaxArg(a, locale)), locale),
    related: [],
    fix: i.fix ? { title: locale === 'zh-cn' ? '补上右引号' : i.fix.title, edits: [{ start: i.fix.start, end: i.fix.end, newText: i.fix.newText }] } : undefined,
  };
}

/** Characters of text parsed and checked at a time by `analyzeFindings` (then rounded up to a line end). */
const PIECE = 1 << 12;

export interface FindingsOptions {
  locale?: Locale;
  /** As `AnalyzeOptions.lineOffset`. */
  lineOffset?: number;
  /** Characters per piece (default 4,096), rounded up to a line end; 0 makes every line a
   * piece. The findings do not depend on it. */
  piece?: number;
  /** False parses every line into a tree, plain segment lines too: the reference the plain
   * path (syntax/plain.ts, the checker's header prediction) is tested against. */
  plainLines?: boolean;
}

/**
 * The findings of `analyze(text, options)`, the same list, for a caller that needs nothing else
 * (the command line's `check`). The text is parsed and checked a piece of lines at a time and
 * each piece's syntax tree dropped once checked (statements never reach across a line), and no
 * model is kept: memory stays small and the garbage collector has little to move, so a long
 * flow is checked several times faster than `analyze` would.
 */
export function analyzeFindings(text: string, options: FindingsOptions = {}): Finding[] {
  const locale = options.locale ?? 'en';
  const piece = options.piece ?? PIECE;
  const plainLines = options.plainLines ?? true;
  const check = findingsCheck(text, parseDeclarations(text), { locale, lineOffset: options.lineOffset ?? 0 });
  const syntax: Finding[] = [];
  // Lines not plain are parsed a piece at a time (from `pending` on); a plain segment line is
  // checked from the numbers `readPlainSegment` read (syntax/plain.ts), with no tree.
  const trees = (start: number, end: number): void => {
    const { file, issues } = parse(text, start, end, { comments: false });
    for (const i of issues) syntax.push(syntaxFinding(i, locale));
    check.feed(file.statements);
  };
  const plain = new PlainSegment(text);
  const n = text.length;
  let pending = 0;
  for (let start = 0; start < n; ) {
    const next = plainLines ? readPlainSegment(plain, start, n) : -1;
    if (next >= 0) {
      if (pending < start) trees(pending, start);
      check.plain(plain);
      start = pending = next;
      continue;
    }
    const nl = text.indexOf('\n', start);
    start = nl < 0 ? n : nl + 1;
    if (start - pending > piece) {
      trees(pending, start);
      pending = start;
    }
  }
  if (pending < n) trees(pending, n);
  const findings = check.finish();
  return syntax.length === 0 ? findings : syntax.concat(findings);
}

interface Unchanged {
  /** Line start of the first changed line (the same in both texts). */
  offset: number;
  /** Previous statements that start before it. */
  statements: number;
  /** Line start, in the previous and in this text, of the first line after the changed ones. */
  tailOld: number;
  tailNew: number;
  /** Index of the first previous statement in that tail. */
  tailStatements: number;
}

/**
 * The lines an edit left alone: those before the first changed character, and those after the
 * last one (the longest common suffix that starts at a line start in both texts). Undefined
 * when the texts differ on their first line.
 */
function unchangedParts(previous: Analysis, text: string): Unchanged | undefined {
  const old = previous.text;
  const n = Math.min(old.length, text.length);
  // Whole blocks first (string comparison is a memory compare), then character by character.
  const BLOCK = 4096;
  let p = 0;
  while (p + BLOCK <= n && old.slice(p, p + BLOCK) === text.slice(p, p + BLOCK)) p += BLOCK;
  while (p < n && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  const oldLines = previous.lines.lineStarts;
  const offset = oldLines[previous.lines.positionAt(p).line];
  if (offset === 0) return undefined;
  // Common suffix, not overlapping the common prefix in either text.
  const room = n - p;
  let q = 0;
  while (q + BLOCK <= room && old.slice(old.length - q - BLOCK, old.length - q) === text.slice(text.length - q - BLOCK, text.length - q)) q += BLOCK;
  while (q < room && old.charCodeAt(old.length - q - 1) === text.charCodeAt(text.length - q - 1)) q++;
  // The first line start at or after the changed part that is a line start in this text too.
  let line = previous.lines.positionAt(old.length - q).line;
  if (oldLines[line] < old.length - q) line++;
  let tailOld = old.length;
  let tailNew = text.length;
  for (; line < oldLines.length; line++) {
    const at = oldLines[line] + text.length - old.length;
    const c = text.charCodeAt(at - 1);
    if (c === 10 || (c === 13 && text.charCodeAt(at) !== 10)) {
      tailOld = oldLines[line];
      tailNew = at;
      break;
    }
  }
  const before = tableOf(previous);
  // A statement starts on its own line; its span may end just after its line break (an error at
  // the end of the line), so the kept ones are those that start before the changed line.
  return { offset, statements: before.firstFrom(offset), tailOld, tailNew, tailStatements: before.firstFrom(tailOld) };
}

/** The statement table of an analysis. */
function tableOf(a: Analysis): StatementTable {
  return a.file instanceof TableFile ? a.file.table : StatementTable.of(a.file);
}

/** A syntax finding after the edited lines, moved with them. */
function moveFinding(f: Finding, delta: number): Finding {
  if (delta === 0) return f;
  const fix = f.fix && { ...f.fix, edits: f.fix.edits.map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })) };
  return { ...f, start: f.start + delta, end: f.end + delta, fix, related: f.related.map((r) => ({ ...r, span: { start: r.span.start + delta, end: r.span.end + delta } })) };
}

export { parse } from './syntax/parser';
export { StatementTable, RowKind, TableFile, statementTable } from './syntax/table';
export { LineIndex } from './syntax/text';
export type { Span, Position } from './syntax/text';
export * from './check/findings';
export type * from './model';
export { eventStart } from './model';
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
export type { FenceLanguage, FenceOptions } from './markdown';
export { readMermaid, checkMermaid, mermaidToTcpflow } from './notes/mermaid';
export type { MermaidReading, MermaidMessage, MermaidParticipant, MermaidCheck } from './notes/mermaid';
export { readLabel } from './notes/label';
export type { LabelReading } from './notes/label';
export { checkNote, shiftFinding } from './notes/notes';
export type { NoteBlock, NoteCheck } from './notes/notes';
