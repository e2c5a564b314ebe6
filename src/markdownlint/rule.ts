/**
 * tcpflow as a markdownlint custom rule, for note repositories that already run markdownlint-cli2
 * in their lint script or pre-commit hook. It reads the fences markdown-it finds in a note (the
 * tokens markdownlint hands to rules with `parser: "markdownit"`), checks every ```tcpflow block
 * with the core, and reports each finding on its line of the note: the finding's code, message
 * and rule, a link to its documentation, and the checker's fix where it is a single-line edit
 * (so `markdownlint-cli2 --fix` applies it).
 *
 * Configuration (the rule's entry in `.markdownlint-cli2.jsonc`'s `config`):
 *   "tcpflow": { "lang": "zh-cn", "warnings": false }
 * `lang` picks the message language (default: English); `warnings: false` reports errors only.
 *
 * Bundled to dist/markdownlint-rule-tcpflow.cjs, exported as the package subpath
 * `tcpflow/markdownlint`.
 */
import { analyzeFindings, LineIndex, localeFor, Finding } from '../core/index';
import { FINDINGS_DOC_URL } from '../server/protocol';

/** The part of a markdown-it token this rule reads. */
interface Token {
  type: string;
  info: string;
  content: string;
  map: [number, number] | null;
}

interface OnErrorInfo {
  lineNumber: number;
  detail?: string;
  context?: string;
  information?: URL;
  range?: [number, number];
  fixInfo?: { lineNumber?: number; editColumn?: number; deleteCount?: number; insertText?: string };
}

interface RuleParams {
  name: string;
  lines: readonly string[];
  config: unknown;
  parsers: { markdownit?: { tokens: Token[] } };
}

interface MarkdownlintRule {
  names: string[];
  description: string;
  information: URL;
  tags: string[];
  parser: 'markdownit';
  function: (params: RuleParams, onError: (info: OnErrorInfo) => void) => void;
}

interface RuleConfig {
  lang?: string;
  warnings?: boolean;
}

const rule: MarkdownlintRule = {
  names: ['tcpflow'],
  description: 'TCP conversations in the note agree with RFC 9293 (tcpflow)',
  information: new URL(FINDINGS_DOC_URL),
  tags: ['tcp', 'code'],
  parser: 'markdownit',
  function: (params, onError) => {
    const config = (typeof params.config === 'object' && params.config !== null ? params.config : {}) as RuleConfig;
    const locale = localeFor(typeof config.lang === 'string' ? config.lang : 'en');
    const warnings = config.warnings !== false;
    for (const token of params.parsers.markdownit?.tokens ?? []) {
      if (token.type !== 'fence' || !token.map) continue;
      if (token.info.trim().split(/\s+/)[0] !== 'tcpflow') continue;
      // markdown-it strips the opening fence's indentation from each content line.
      const fenceLine = params.lines[token.map[0]] ?? '';
      const indent = fenceLine.length - fenceLine.trimStart().length;
      const firstLine = token.map[0] + 1; // zero-based line of the block's first content line
      const lines = new LineIndex(token.content);
      for (const f of analyzeFindings(token.content, { locale, lineOffset: firstLine })) {
        if (f.severity !== 'error' && !warnings) continue;
        onError(report(f, lines, firstLine, indent, params.lines));
      }
    }
  },
};

function report(f: Finding, lines: LineIndex, firstLine: number, indent: number, note: readonly string[]): OnErrorInfo {
  const start = lines.positionAt(f.start);
  const end = lines.positionAt(Math.max(f.end, f.start));
  const lineNumber = firstLine + start.line + 1;
  const column = indent + start.character + 1;
  const lineLength = (note[lineNumber - 1] ?? '').length;
  const length = end.line === start.line ? Math.max(1, end.character - start.character) : Math.max(1, lineLength - column + 1);
  const info: OnErrorInfo = {
    lineNumber,
    detail: `${f.code} ${f.message}`,
    information: new URL(`${FINDINGS_DOC_URL}#${f.code.toLowerCase()}`),
  };
  // markdownlint rejects a range that leaves the line.
  if (column <= lineLength) info.range = [column, Math.min(length, lineLength - column + 1)];
  const fix = f.fix?.edits.length === 1 ? f.fix.edits[0] : undefined;
  if (fix) {
    const a = lines.positionAt(fix.start);
    const b = lines.positionAt(fix.end);
    if (a.line === b.line && !fix.newText.includes('\n')) {
      info.fixInfo = { lineNumber: firstLine + a.line + 1, editColumn: indent + a.character + 1, deleteCount: b.character - a.character, insertText: fix.newText };
    }
  }
  return info;
}

export = rule;
