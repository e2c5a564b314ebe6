/**
 * The command line, through `main(argv, io)` with a captured io (fast, exact), plus one real
 * child-process run of `node bin/tcpflow.js check examples` (the bundled CLI).
 *
 * Covered: the text format `file:line:col severity CODE message`; `--format json` with 1-based
 * `{file,line,column,endLine,endColumn,severity,code,rule,expected,actual,message}`; exit status
 * 0 clean (warnings allowed), 1 on errors, 2 on unusable input (missing file, bad option, unknown
 * command, bad config); ```tcpflow fences and ```mermaid TCP diagrams in Markdown mapped to
 * positions in the .md file; directories and globs (`*`, `**`, quoted); `--format sarif`
 * (SARIF 2.1.0); `.tcpflowrc.json` (severities, off, ignore globs, found upward); `--lang
 * zh-cn`; `render` printing Mermaid.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../src/core/index';
import { main } from '../src/cli/main';
import { readText } from '../src/cli/files';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.tcpflow'))
  .sort();
const RENDERER = path.join(ROOT, 'src', 'core', 'render', 'mermaid.ts');
const BUNDLE = path.join(ROOT, 'dist', 'cli.js');

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s), cwd: opts.cwd ?? ROOT, env: opts.env ?? {} });
  return { code, out, err };
}

function json(r: Run): Record<string, unknown>[] {
  try {
    const v = JSON.parse(r.out) as unknown;
    assert.ok(Array.isArray(v), 'JSON output is not an array');
    return v as Record<string, unknown>[];
  } catch (e) {
    throw new Error(`--format json printed no valid JSON (${(e as Error).message}):\n${r.out}\n${r.err}`);
  }
}

const TEXT_LINE = /^(.+):(\d+):(\d+) (error|warning|info) (TF\d{4}) (.+)$/;
const JSON_KEYS = ['actual', 'code', 'column', 'endColumn', 'endLine', 'expected', 'file', 'line', 'message', 'rule', 'severity'];

/** Independent 1-based line/column (UTF-16 units) of an offset, counting \n, \r\n and \r. */
function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

// ---- fixtures ----------------------------------------------------------------------------

let tmp: string;

const BAD = ['client C', 'server S', 'C -> S SYN seq=x', 'S -> C SYN ACK seq=y ack=x', ''].join('\n');
const WARN_ONLY = ['client C', 'server S', 'C -> S SYN seq=1', 'C: SYN_SEND', ''].join('\n');
const CLEAN = ['client C', 'server S', 'C -> S SYN seq=100', 'S -> C SYN ACK seq=300 ack=101', 'C -> S ACK seq=101 ack=301', ''].join('\n');
/** Several findings on several lines, one after a CJK name. */
const MANY = ['client 客户端', 'server S', '客户端 -> S SYN seq=1000', 'S -> 客户端 SYN ACK seq=5000 ack=1000', '客户端 -> S ACK seq=1005 ack=5001', '客户端: SYN_SEND', 'X -> S ACK', ''].join('\n');

const NOTES_LINES = [
  '# Notes', // 1
  '', // 2
  'Some text about `C -> S`.', // 3
  '', // 4
  '```tcpflow', // 5
  'client C', // 6
  'server S', // 7
  'C -> S SYN seq=x', // 8
  'S -> C SYN ACK seq=y ack=x', // 9: TF3001 at 9:26-9:27
  '```', // 10
  '', // 11
  '```text', // 12
  'C -> S garbage $ not checked', // 13
  '```', // 14
  '', // 15
  '~~~tcpflow', // 16
  'client A', // 17
  'A: SYN_SEND', // 18: TF1008 warning and TF2003 error at 18:4-18:12
  '~~~', // 19
  '',
];
const NOTES_EXPECTED = [
  { line: 9, column: 26, endLine: 9, endColumn: 27, severity: 'error', code: 'TF3001' },
  { line: 18, column: 4, endLine: 18, endColumn: 12, severity: 'warning', code: 'TF1008' },
  { line: 18, column: 4, endLine: 18, endColumn: 12, severity: 'error', code: 'TF2003' },
];

function write(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-cli-test-'));
  write('bad.tcpflow', BAD);
  write('warn.tcpflow', WARN_ONLY);
  write('clean.tcpflow', CLEAN);
  write('many.tcpflow', MANY);
  write('notes.md', NOTES_LINES.join('\n'));
  write('notes-crlf.md', NOTES_LINES.join('\r\n'));
  // For globs: nested files, a Markdown note, a file that is not checked, a skipped directory.
  write('tree/top.tcpflow', CLEAN);
  write('tree/a/b/c/deep.tcpflow', BAD);
  write('tree/a/notes.md', NOTES_LINES.join('\n'));
  write('tree/a/readme.txt', 'not a flow $$$\n');
  write('tree/node_modules/pkg/x.tcpflow', BAD);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- tests -------------------------------------------------------------------------------

describe('tcpflow check: text format and exit status', () => {
  it('a clean file: exit 0, nothing on stdout, a summary on stderr', async () => {
    const r = await run(['check', 'clean.tcpflow'], { cwd: tmp });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /1 file\(s\) checked: 0 error\(s\), 0 warning\(s\)/);
  });

  it('errors: exit 1, one `file:line:col severity CODE message` line per finding', async () => {
    const r = await run(['check', 'bad.tcpflow'], { cwd: tmp });
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.out);
    const m = TEXT_LINE.exec(lines[0]);
    assert.ok(m, `not in the text format: ${lines[0]}`);
    assert.deepEqual(m.slice(1, 6), ['bad.tcpflow', '4', '26', 'error', 'TF3001']);
    assert.match(m[6], /^ack should be x\+1/);
  });

  it('warnings only: exit 0, the warning is printed', async () => {
    const r = await run(['check', 'warn.tcpflow'], { cwd: tmp });
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^warn\.tcpflow:4:4 warning TF1008 'SYN_SEND' means SYN_SENT/m);
    assert.match(r.err, /0 error\(s\), 1 warning\(s\)/);
  });

  it('positions are 1-based line:column of each finding (independent computation)', async () => {
    const r = await run(['check', 'many.tcpflow'], { cwd: tmp });
    const a = analyze(MANY);
    assert.ok(a.findings.length >= 3, 'the fixture should give several findings');
    const expected = a.findings.map((f) => {
      const s = lineCol(MANY, f.start);
      return `many.tcpflow:${s.line}:${s.column} ${f.severity} ${f.code} ${f.message}`;
    });
    assert.deepEqual(r.out.trimEnd().split('\n'), expected);
    assert.equal(r.code, a.findings.some((f) => f.severity === 'error') ? 1 : 0);
  });

  it('a directory: every .tcpflow inside is checked (examples/ is clean)', async () => {
    const r = await run(['check', 'examples']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.out, '');
    assert.match(r.err, new RegExp(`^${EXAMPLES.length} file\\(s\\) checked: 0 error\\(s\\), 0 warning\\(s\\)`));
  });
});

describe('tcpflow check --format json', () => {
  it('an array of {file,line,column,endLine,endColumn,severity,code,rule,expected,actual,message}, 1-based', async () => {
    const r = await run(['check', 'bad.tcpflow', '--format', 'json'], { cwd: tmp });
    assert.equal(r.code, 1);
    const items = json(r);
    assert.equal(items.length, 1);
    assert.deepEqual(Object.keys(items[0]).sort(), JSON_KEYS);
    const { message, ...rest } = items[0];
    assert.deepEqual(rest, { file: 'bad.tcpflow', line: 4, column: 26, endLine: 4, endColumn: 27, severity: 'error', code: 'TF3001', rule: 'RFC 9293 §3.4', expected: 'x+1', actual: 'x' });
    assert.match(String(message), /^ack should be x\+1/);
  });

  it('every entry has the fields with the right types; ranges match the core', async () => {
    const r = await run(['check', '--format=json', 'many.tcpflow', 'warn.tcpflow'], { cwd: tmp });
    const items = json(r);
    const expected = [
      ...analyze(MANY).findings.map((f) => ({ text: MANY, file: 'many.tcpflow', f })),
      ...analyze(WARN_ONLY).findings.map((f) => ({ text: WARN_ONLY, file: 'warn.tcpflow', f })),
    ].map(({ text, file, f }) => {
      const s = lineCol(text, f.start);
      const e = lineCol(text, f.end);
      return { file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, severity: f.severity, code: f.code, rule: f.rule, expected: f.expected ?? null, actual: f.actual ?? null, message: f.message };
    });
    for (const it of items) {
      assert.deepEqual(Object.keys(it).sort(), JSON_KEYS);
      for (const k of ['line', 'column', 'endLine', 'endColumn']) assert.ok(Number.isInteger(it[k]) && (it[k] as number) >= 1, `${k} must be an integer ≥ 1: ${JSON.stringify(it)}`);
      assert.ok(['error', 'warning', 'info'].includes(it.severity as string));
    }
    assert.deepEqual(items, expected);
  });

  it('a clean input prints []', async () => {
    const r = await run(['check', 'clean.tcpflow', '--format', 'json'], { cwd: tmp });
    assert.equal(r.code, 0);
    assert.deepEqual(json(r), []);
  });
});

describe('exit status 2: unusable input', () => {
  const cases: [string, string[], RegExp][] = [
    ['a missing file', ['check', 'nope.tcpflow'], /nope\.tcpflow/],
    ['a missing file beside an existing one', ['check', 'clean.tcpflow', 'nope.tcpflow'], /nope\.tcpflow/],
    ['a glob that matches nothing', ['check', 'nothing/*.tcpflow'], /nothing\/\*\.tcpflow/],
    ['an unknown option', ['check', '--bogus', 'clean.tcpflow'], /unknown option --bogus/],
    ['a bad --format', ['check', '--format', 'xml', 'clean.tcpflow'], /--format/],
    ['an option without its value', ['check', 'clean.tcpflow', '--format'], /--format/],
    ['a bad --lang', ['check', '--lang', 'fr', 'clean.tcpflow'], /--lang/],
    ['check without files', ['check'], /check needs/],
    ['an unknown command', ['frobnicate', 'clean.tcpflow'], /unknown command 'frobnicate'/],
    ['no command at all', [], /Usage/],
    ['render of a missing file', ['render', 'nope.tcpflow'], /nope\.tcpflow/],
  ];
  for (const [label, argv, says] of cases) {
    it(label, async () => {
      const r = await run(argv, { cwd: tmp });
      assert.equal(r.code, 2, `exit status for ${JSON.stringify(argv)}; stderr: ${r.err}`);
      assert.match(r.out + r.err, says);
    });
  }
});

describe('Markdown notes: ```tcpflow fences mapped to .md positions', () => {
  for (const file of ['notes.md', 'notes-crlf.md']) {
    it(`${file}${file.includes('crlf') ? ' (CRLF line ends)' : ''}: findings at their lines in the .md, other fences ignored`, async () => {
      const r = await run(['check', file, '--format', 'json'], { cwd: tmp });
      assert.equal(r.code, 1, r.err);
      const items = json(r).map(({ message, rule, expected, actual, ...rest }) => {
        assert.equal(typeof message, 'string');
        assert.equal(typeof rule, 'string');
        assert.ok(expected === null || typeof expected === 'string');
        assert.ok(actual === null || typeof actual === 'string');
        return rest;
      });
      assert.deepEqual(
        items,
        NOTES_EXPECTED.map((e) => ({ file, ...e })),
      );
      const text = await run(['check', file], { cwd: tmp });
      assert.match(text.out, new RegExp(`^${file.replace('.', '\\.')}:9:26 error TF3001 `, 'm'));
    });
  }

  it('line numbers inside messages refer to lines of the .md file', async () => {
    // The TF3001 message explains the expected ack by pointing at the SYN ("at line N"); the
    // SYN is on line 8 of notes.md (line 3 of the fence).
    const r = await run(['check', 'notes.md', '--format', 'json'], { cwd: tmp });
    const tf3001 = json(r).find((x) => x.code === 'TF3001');
    assert.ok(tf3001, r.out);
    const refs = [...String(tf3001.message).matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(refs.length > 0, `the message names no line: ${tf3001.message}`);
    assert.deepEqual(refs, [8], `message: ${tf3001.message}`);
  });
});

describe('globs and directories', () => {
  it('examples/*.tcpflow checks every example', async () => {
    const r = await run(['check', 'examples/*.tcpflow']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.err, new RegExp(`^${EXAMPLES.length} file\\(s\\) checked: 0 error\\(s\\)`));
  });

  it('**/*.tcpflow reaches nested directories and skips node_modules', async () => {
    const r = await run(['check', 'tree/**/*.tcpflow', '--format', 'json'], { cwd: tmp });
    assert.equal(r.code, 1);
    const files = [...new Set(json(r).map((x) => x.file))];
    assert.deepEqual(files, [path.join('tree', 'a', 'b', 'c', 'deep.tcpflow')]);
    const text = await run(['check', 'tree/**/*.tcpflow'], { cwd: tmp });
    assert.match(text.err, /^2 file\(s\) checked: 1 error\(s\)/, 'top.tcpflow and deep.tcpflow, not node_modules/');
  });

  it('** alone takes .tcpflow and .md files, not others', async () => {
    const r = await run(['check', 'tree/**'], { cwd: tmp });
    assert.equal(r.code, 1);
    assert.match(r.err, /^3 file\(s\) checked/, `expected top.tcpflow, deep.tcpflow and notes.md: ${r.err}`);
    assert.match(r.out, new RegExp(`^${path.join('tree', 'a', 'notes.md').replace(/[.\\/]/g, '\\$&')}:9:26 error TF3001`, 'm'));
    assert.doesNotMatch(r.out, /readme\.txt|node_modules/);
  });

  it('a directory argument is walked recursively', async () => {
    const r = await run(['check', 'tree', '--format', 'json'], { cwd: tmp });
    const files = [...new Set(json(r).map((x) => x.file))].sort();
    assert.deepEqual(files, [path.join('tree', 'a', 'b', 'c', 'deep.tcpflow'), path.join('tree', 'a', 'notes.md')].sort());
  });
});

describe('--lang', () => {
  it('--lang zh-cn gives Chinese messages', async () => {
    const r = await run(['check', 'bad.tcpflow', '--lang', 'zh-cn'], { cwd: tmp });
    assert.equal(r.code, 1);
    const m = TEXT_LINE.exec(r.out.trimEnd());
    assert.ok(m, r.out);
    assert.match(m[6], /[\u4e00-\u9fff]/, `not Chinese: ${m[6]}`);
    assert.match(m[6], /^ack 应为 x\+1/);
    assert.equal(m[6], analyze(BAD, { locale: 'zh-cn' }).findings[0].message);
  });

  it('LANG=zh_CN.UTF-8 in the environment gives Chinese; --lang en overrides it', async () => {
    const zh = await run(['check', 'bad.tcpflow'], { cwd: tmp, env: { LANG: 'zh_CN.UTF-8' } });
    assert.match(zh.out, /[\u4e00-\u9fff]/);
    const en = await run(['check', 'bad.tcpflow', '--lang', 'en'], { cwd: tmp, env: { LANG: 'zh_CN.UTF-8' } });
    assert.match(en.out, /ack should be x\+1/);
  });
});

describe('tcpflow render', () => {
  const skip = fs.existsSync(RENDERER) ? false : `the renderer module ${path.relative(ROOT, RENDERER)} is missing`;

  it('prints a Mermaid text starting with sequenceDiagram', { skip }, async () => {
    const r = await run(['render', 'examples/sketch.tcpflow']);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.startsWith('sequenceDiagram'), `output starts with ${JSON.stringify(r.out.slice(0, 40))}`);
    assert.match(r.out, /C->>S/);
  });

  it('renders the first ```tcpflow block of a Markdown file', { skip }, async () => {
    const r = await run(['render', 'notes.md'], { cwd: tmp });
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.startsWith('sequenceDiagram'), r.out.slice(0, 40));
  });

  it('-o writes the diagram to a file', { skip }, async () => {
    const r = await run(['render', 'clean.tcpflow', '-o', 'out.mmd'], { cwd: tmp });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.ok(fs.readFileSync(path.join(tmp, 'out.mmd'), 'utf8').startsWith('sequenceDiagram'));
  });
});

describe('the real executable', () => {
  const skip = fs.existsSync(BUNDLE) ? false : 'dist/cli.js is missing: run `npm run build` first';
  it('node bin/tcpflow.js check examples exits 0', { skip }, () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'tcpflow.js'), 'check', 'examples'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LANG: 'C', LC_ALL: '', LC_MESSAGES: '' }, timeout: 60_000 });
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.status, 0, `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^${EXAMPLES.length} file\\(s\\) checked: 0 error\\(s\\), 0 warning\\(s\\)`));
  });
});

describe('readText', () => {
  it('reads ASCII, UTF-8 (Chinese, full-width), a BOM and invalid bytes as readFileSync(utf8) does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-read-'));
    try {
      const samples = [Buffer.from('C -> S SYN seq=0\n'), Buffer.from('客户端 -> 服务器 SYN seq＝0 # 注释\n'), Buffer.from('\ufeffclient C\n'), Buffer.from([0x43, 0x20, 0xff, 0xfe, 0x80, 0x0a]), Buffer.alloc(0)];
      samples.forEach((bytes, i) => {
        const file = path.join(dir, `f${i}.tcpflow`);
        fs.writeFileSync(file, bytes);
        assert.equal(readText(file), fs.readFileSync(file, 'utf8'), `sample ${i}`);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('study notes: ```mermaid diagrams, SARIF, .tcpflowrc.json', () => {
  let dir: string;
  const WRONG_ACK = ['# 三次握手', '', '```mermaid', 'sequenceDiagram', '  participant C as 客户端', '  participant S as 服务端', '  C->>S: SYN=1, seq=x', '  S->>C: SYN=1, ACK=1, seq=y, ack=x', '  C->>S: ACK=1, seq=x+1, ack=y+1', '```', ''].join('\n');
  const SPELLING = ['```mermaid', 'sequenceDiagram', 'c ->> s : 1. SYN', 'Note left of c : SYN_SEND', '```', ''].join('\n');
  const NOT_TCP = ['```mermaid', 'sequenceDiagram', 'B->>W: GET / HTTP/1.1', 'W-->>B: HTTP/1.1 200 OK', '```', ''].join('\n');
  const put = (rel: string, text: string): void => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-notes-'));
    put('notes/net/handshake.md', WRONG_ACK);
    put('notes/net/states.markdown', SPELLING);
    put('notes/http.md', NOT_TCP);
    put('notes/drafts/wip.md', WRONG_ACK);
    put('sub/deeper/.keep', '');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a quoted glob 'notes/**/*.md' is expanded by tcpflow; mermaid findings at .md positions; exit 1", async () => {
    const r = await run(['check', 'notes/**/*.md'], { cwd: dir });
    assert.equal(r.code, 1, r.err);
    assert.deepEqual(r.out.trimEnd().split('\n').map((l) => l.replace(/ ack should.*/, '')), [`${path.join('notes', 'drafts', 'wip.md')}:8:35 error TF3001`, `${path.join('notes', 'net', 'handshake.md')}:8:35 error TF3001`]);
    assert.match(r.err, /^3 file\(s\) checked: 2 error\(s\), 0 warning\(s\)/);
  });

  it('JSON: code, rule, expected and actual as separate fields; .markdown files read', async () => {
    const r = await run(['check', 'notes', '--format', 'json'], { cwd: dir });
    const items = json(r);
    const ack = items.find((x) => x.file === path.join('notes', 'net', 'handshake.md'));
    assert.deepEqual({ ...ack, message: undefined }, { file: path.join('notes', 'net', 'handshake.md'), line: 8, column: 35, endLine: 8, endColumn: 36, severity: 'error', code: 'TF3001', rule: 'RFC 9293 §3.4', expected: 'x+1', actual: 'x', message: undefined });
    const spelling = items.find((x) => x.code === 'TF1008');
    assert.deepEqual([spelling?.file, spelling?.line, spelling?.column, spelling?.expected, spelling?.actual], [path.join('notes', 'net', 'states.markdown'), 4, 18, 'SYN_SENT', 'SYN_SEND']);
  });

  it('--lang zh-cn speaks Chinese about mermaid diagrams too', async () => {
    const r = await run(['check', 'notes/net/handshake.md', '--lang', 'zh-cn'], { cwd: dir });
    assert.match(r.out, /TF3001 ack 应为 x\+1/);
  });

  it('SARIF 2.1.0: schema, version, rules with help, results with regions', async () => {
    const r = await run(['check', 'notes', '--format', 'sarif'], { cwd: dir });
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.out) as {
      $schema: string;
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string; help: { text: string }; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    const run0 = sarif.runs[0];
    assert.equal(run0.tool.driver.name, 'tcpflow');
    const rule = run0.tool.driver.rules.find((x) => x.id === 'TF3001');
    assert.ok(rule && /RFC 9293 §3\.4/.test(rule.help.text), JSON.stringify(rule));
    const res = run0.results.find((x) => x.locations[0].physicalLocation.artifactLocation.uri === 'notes/net/handshake.md');
    assert.ok(res);
    assert.equal(res.ruleId, 'TF3001');
    assert.equal(run0.tool.driver.rules[res.ruleIndex].id, 'TF3001');
    assert.equal(res.level, 'error');
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 8, startColumn: 35, endLine: 8, endColumn: 36 });
    assert.ok(run0.results.some((x) => x.ruleId === 'TF1008' && x.level === 'warning'));
  });

  it('.tcpflowrc.json above the working directory: severities (off too) and ignore globs', async () => {
    put('.tcpflowrc.json', JSON.stringify({ severity: { TF3001: 'warning', TF1008: 'off' }, ignore: ['notes/drafts/**'] }));
    try {
      const r = await run(['check', path.join('..', '..', 'notes'), '--format', 'json'], { cwd: path.join(dir, 'sub', 'deeper') });
      assert.equal(r.code, 0, `a TF3001 made a warning does not fail: ${r.err}`);
      const items = json(r);
      assert.deepEqual(items.map((x) => [path.basename(String(x.file)), x.code, x.severity]), [['handshake.md', 'TF3001', 'warning']]);
      // A file name glob matches at any depth; a file the config ignores is not checked.
      put('.tcpflowrc.json', JSON.stringify({ ignore: ['handshake.md', 'wip.md'] }));
      const r2 = await run(['check', 'notes'], { cwd: dir });
      assert.equal(r2.code, 0, r2.out);
      assert.match(r2.err, /^2 file\(s\) checked: 0 error\(s\), 1 warning\(s\)/);
    } finally {
      fs.rmSync(path.join(dir, '.tcpflowrc.json'));
    }
  });

  it('--config names the file; a bad config is unusable input (exit 2) with the reason', async () => {
    put('cfg/strict.json', JSON.stringify({ severity: { TF1008: 'error' } }));
    const r = await run(['check', 'notes/net/states.markdown', '--config', 'cfg/strict.json'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.out, /error TF1008/);
    const bad: [string, RegExp][] = [
      ['{ "severity": { "TF9999": "off" } }', /unknown finding code 'TF9999'/],
      ['{ "severity": { "TF3001": "loud" } }', /must be error, warning, info or off/],
      ['{ "ignore": "drafts" }', /ignore must be an array/],
      ['{ "rules": {} }', /unknown key 'rules'/],
      ['{ not json', /bad config/],
    ];
    for (const [text, says] of bad) {
      put('cfg/bad.json', text);
      const b = await run(['check', 'notes', '--config', 'cfg/bad.json'], { cwd: dir });
      assert.equal(b.code, 2, text);
      assert.match(b.err, says);
    }
    const missing = await run(['check', 'notes', '--config', 'cfg/none.json'], { cwd: dir });
    assert.equal(missing.code, 2);
  });

  it('a diagram that is not about TCP gives nothing', async () => {
    const r = await run(['check', 'notes/http.md'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.out, '');
  });
});
