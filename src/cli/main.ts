/**
 * The `tcpflow` command line: check `.tcpflow` files and ```tcpflow blocks in Markdown notes,
 * render a flow as Mermaid, import captures and packetdrill scripts. A thin adapter: all
 * analysis is the core's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, analyzeFindings, checkNote, extractFences, LineIndex, Locale, localeFor, Finding } from '../core/index';
import { renderMermaid, RenderOptions } from '../core/render/mermaid';
import { materialize } from '../core/materialize';
import { expandInputs, readText } from './files';
import { OutputError, writeOutput } from './output';
import { Config, ConfigError, findConfig, isIgnored, loadConfig, NO_CONFIG } from './config';
import { toSarif } from './sarif';
import { importCommand, exportCommand } from './transfer';

const VERSION = '0.1.0';

const HELP = `tcpflow ${VERSION} — check and draw TCP conversations

Usage:
  tcpflow check <files|dirs|globs...> [--format text|json|sarif] [--lang en|zh-cn] [--config FILE]
  tcpflow render <file> [-o out.mmd [--force]] [--numbers written|absolute|relative] [--states off|change|always] [--autonumber]
  tcpflow render --materialize <notes|dirs|globs...> [--check] [render options]
  tcpflow import <capture.pcap|capture.pcapng|script.pkt> [-o out.tcpflow [--force]] [--conn N] [--port P] [--host H] [--absolute] [--stats]
  tcpflow export <flow.tcpflow> -o <flow.pcap> [--force]

-o never replaces the input, and replaces an existing file only with --force; the file is written
beside the target and renamed when complete, so an interrupted run leaves the old file.

render --materialize writes a generated \`\`\`mermaid block under every \`\`\`tcpflow block of the notes
(between marker comments; every other byte is kept); --check only reports stale notes (exit 1).
check reads .tcpflow files, and every \`\`\`tcpflow block and every \`\`\`mermaid sequence diagram
about TCP in Markdown files (.md, .markdown). Quote globs ('notes/**/*.md'): tcpflow expands them.
Settings: .tcpflowrc.json in the working directory or above it ({"severity": {"TF3006": "off"},
"ignore": ["drafts/**"]}), or --config FILE.
Exit status: 0 clean (warnings allowed), 1 errors found, 2 unusable input.
`;

export class UsageError extends Error {}

/**
 * An analysis that will never be resumed after an edit (a command runs once) keeps no
 * checkpoints: with many endpoints their copies of the endpoint tables dominated time and memory.
 */
export const ONE_SHOT = Number.MAX_SAFE_INTEGER;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
};

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Options that take a value; everything else starting with -- is a switch. */
const VALUED = new Set(['--format', '--lang', '--config', '-o', '--output', '--numbers', '--states', '--conn', '--port', '--host']);
const SWITCHES = new Set(['--autonumber', '--absolute', '--stats', '--help', '-h', '--version', '--materialize', '--check', '--force']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      for (const a of argv.slice(i + 1)) positional.push(a);
      break;
    }
    if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (VALUED.has(name)) {
        const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`option ${name} needs a value`);
        flags.set(name === '--output' ? '-o' : name, value);
      } else if (SWITCHES.has(name)) flags.set(name, true);
      else throw new UsageError(`unknown option ${name}`);
      continue;
    }
    positional.push(a);
  }
  return { positional, flags };
}

function pickLocale(flags: Map<string, string | true>, env: Io['env']): Locale {
  const lang = flags.get('--lang');
  if (typeof lang === 'string') {
    if (!/^(en|zh(-cn)?)$/i.test(lang)) throw new UsageError(`--lang must be en or zh-cn, not ${lang}`);
    return localeFor(lang);
  }
  return localeFor(env.LC_ALL || env.LC_MESSAGES || env.LANG);
}

export interface Reported {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  /** The RFC section the finding rests on ('' for syntax). */
  rule: string;
  /** The expected and the written value or state, when the finding is about one (else null). */
  expected: string | null;
  actual: string | null;
  message: string;
}

/** Check one file's text (a .tcpflow file, or Markdown with fences). */
export function checkText(fileName: string, text: string, locale: Locale, config: Config = NO_CONFIG): Reported[] {
  const out: Reported[] = [];
  const push = (f: Finding, lines: LineIndex, shift: number) => {
    const level = config.severity.get(f.code) ?? f.severity;
    if (level === 'off') return;
    const s = lines.positionAt(f.start + shift);
    const e = lines.positionAt(f.end + shift);
    out.push({ file: fileName, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: level, code: f.code, rule: f.rule, expected: f.expected ?? null, actual: f.actual ?? null, message: f.message });
  };
  // Only the findings are printed: the findings-only check, which keeps no model.
  if (/\.(md|markdown)$/i.test(fileName)) {
    // ```tcpflow blocks and ```mermaid sequence diagrams about TCP; offsets into the .md text.
    const findings = checkNote(text, { locale }).findings;
    if (findings.length > 0) {
      const lines = new LineIndex(text);
      for (const f of findings) push(f, lines, 0);
    }
  } else {
    const findings = analyzeFindings(text, { locale });
    // (A clean file's lines are never indexed.)
    if (findings.length > 0) {
      const lines = new LineIndex(text);
      for (const f of findings) push(f, lines, 0);
    }
  }
  return out;
}

function runCheck(args: ParsedArgs, io: Io): number {
  const format = args.flags.get('--format') ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not ${String(format)}`);
  const locale = pickLocale(args.flags, io.env);
  if (args.positional.length === 0) throw new UsageError('check needs at least one file, directory or glob');
  let config = NO_CONFIG;
  const given = args.flags.get('--config');
  try {
    if (typeof given === 'string') {
      const file = path.resolve(io.cwd, given);
      if (!fs.existsSync(file)) {
        io.err(`tcpflow: no such config file: ${given}\n`);
        return 2;
      }
      config = loadConfig(file);
    } else {
      const found = findConfig(io.cwd);
      if (found) config = loadConfig(found);
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`tcpflow: bad config: ${e.message}\n`);
    return 2;
  }
  const expanded = expandInputs(args.positional, io.cwd);
  const missing = expanded.missing;
  const files = expanded.files.filter((f) => !isIgnored(config, f));
  if (missing.length > 0) {
    io.err(missing.map((m) => `tcpflow: no such file or no match: ${m}\n`).join(''));
    return 2;
  }
  if (files.length === 0 && expanded.files.length > 0) {
    io.err(`tcpflow: all ${expanded.files.length} file(s) are ignored by ${config.file}\n`);
    if (format === 'json') io.out('[]\n');
    else if (format === 'sarif') io.out(JSON.stringify(toSarif([], VERSION, locale), null, 2) + '\n');
    return 0;
  }
  if (files.length === 0) {
    io.err('tcpflow: no .tcpflow or Markdown files found in the given inputs\n');
    return 2;
  }
  const all: Reported[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readText(file);
    } catch (e) {
      io.err(`tcpflow: cannot read ${file}: ${(e as Error).message}\n`);
      return 2;
    }
    const shown = path.relative(io.cwd, file) || file;
    for (const r of checkText(shown, text, locale, config)) all.push(r);
  }
  if (format === 'json') io.out(JSON.stringify(all, null, 2) + '\n');
  else if (format === 'sarif') io.out(JSON.stringify(toSarif(all, VERSION, locale), null, 2) + '\n');
  else {
    for (const r of all) io.out(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.code} ${r.message}\n`);
    const errors = all.filter((r) => r.severity === 'error').length;
    const warnings = all.filter((r) => r.severity === 'warning').length;
    io.err(`${files.length} file(s) checked: ${errors} error(s), ${warnings} warning(s)\n`);
  }
  return all.some((r) => r.severity === 'error') ? 1 : 0;
}

/**
 * `render --materialize`: a generated ```mermaid block under every ```tcpflow block of the
 * notes, for readers without tcpflow. With `--check`, writes nothing and exits 1 when a note's
 * generated blocks are missing or stale (for CI).
 */
function runMaterialize(args: ParsedArgs, io: Io, options: RenderOptions): number {
  if (args.positional.length === 0) throw new UsageError('render --materialize needs at least one note, directory or glob');
  if (args.flags.has('-o') || args.flags.has('--output')) throw new UsageError('render --materialize rewrites the notes in place; -o does not apply');
  const check = args.flags.get('--check') === true;
  const locale = pickLocale(args.flags, io.env);
  const { files, missing } = expandInputs(args.positional, io.cwd);
  if (missing.length > 0) {
    io.err(missing.map((m) => `tcpflow: no such file or no match: ${m}\n`).join(''));
    return 2;
  }
  const notes = files.filter((f) => /\.(md|markdown)$/i.test(f));
  if (notes.length === 0) {
    io.err('tcpflow: no Markdown notes found in the given inputs\n');
    return 2;
  }
  let stale = 0;
  let blocks = 0;
  for (const file of notes) {
    const shown = path.relative(io.cwd, file) || file;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      io.err(`tcpflow: cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 2;
    }
    const r = materialize(text, { locale, render: options });
    blocks += r.blocks;
    if (r.changed === 0) continue;
    stale++;
    if (check) {
      io.out(`${shown}: ${r.changed} generated diagram(s) missing or out of date\n`);
      continue;
    }
    // Beside the note, then renamed over it: an interrupted run leaves the note as it was.
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tcpflow-${process.pid}.tmp`);
    try {
      fs.writeFileSync(tmp, r.text);
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      io.err(`tcpflow: cannot write ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 2;
    }
    io.out(`${shown}: ${r.changed} generated diagram(s) written\n`);
  }
  io.err(`${notes.length} note(s), ${blocks} tcpflow block(s): ${stale} note(s) ${check ? 'out of date' : 'updated'}\n`);
  return check && stale > 0 ? 1 : 0;
}

function runRender(args: ParsedArgs, io: Io): number {
  const numbersFlag = args.flags.get('--numbers') ?? 'written';
  if (numbersFlag !== 'written' && numbersFlag !== 'absolute' && numbersFlag !== 'relative') throw new UsageError('--numbers must be written, absolute or relative');
  const statesFlag = args.flags.get('--states') ?? 'change';
  if (statesFlag !== 'off' && statesFlag !== 'change' && statesFlag !== 'always') throw new UsageError('--states must be off, change or always');
  if (args.flags.get('--materialize') === true) return runMaterialize(args, io, { numbers: numbersFlag, states: statesFlag, autonumber: args.flags.get('--autonumber') === true });
  if (args.flags.has('--check')) throw new UsageError('--check goes with render --materialize');
  if (args.positional.length !== 1) throw new UsageError('render takes exactly one file');
  const file = path.resolve(io.cwd, args.positional[0]);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    io.err(`tcpflow: no such file: ${args.positional[0]}\n`);
    return 2;
  }
  const locale = pickLocale(args.flags, io.env);
  const text = readText(file);
  let source = text;
  if (/\.(md|markdown)$/i.test(file)) {
    const fences = extractFences(text);
    if (fences.length === 0) {
      io.err(`tcpflow: ${args.positional[0]} has no \`\`\`tcpflow block\n`);
      return 2;
    }
    source = fences[0].content;
  }
  const result = renderMermaid(analyze(source, { locale, checkpointEvery: ONE_SHOT }), { numbers: numbersFlag, states: statesFlag, autonumber: args.flags.get('--autonumber') === true });
  const out = args.flags.get('-o');
  if (typeof out === 'string') writeOutput(out, io.cwd, [file], args.flags.get('--force') === true, result.text);
  else io.out(result.text.endsWith('\n') ? result.text : result.text + '\n');
  return 0;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP);
      return command ? 0 : 2;
    }
    if (command === '--version') {
      io.out(`${VERSION}\n`);
      return 0;
    }
    const args = parseArgs(rest);
    if (args.flags.has('--help') || args.flags.has('-h')) {
      io.out(HELP);
      return 0;
    }
    switch (command) {
      case 'check':
        return runCheck(args, io);
      case 'render':
        return runRender(args, io);
      case 'import':
        return await importCommand(args, io);
      case 'export':
        return await exportCommand(args, io);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`tcpflow: ${e.message}\n\n${HELP}`);
      return 2;
    }
    if (e instanceof OutputError) {
      io.err(`tcpflow: ${e.message}\n`);
      return 2;
    }
    io.err(`tcpflow: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
