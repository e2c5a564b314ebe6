/**
 * The fuzz harness: one target per component, each a generator of inputs (test/fuzz/generators.ts)
 * and a check of one input that throws when an invariant breaks. `runTarget` runs a target for a
 * number of inputs with a seed (fast-check: a failure is shrunk to a minimal counterexample).
 * test/fuzz/fuzz.test.ts runs every target at a size that fits CI; `npm run fuzz`
 * (scripts/fuzz.ts) runs a million inputs per target.
 *
 * Invariants, by target:
 * - parser: `parse` never throws, keeps every comment (the reference reading of docs/language.md),
 *   and every statement, comment and issue lies inside the text, in order, no statement across a
 *   line break.
 * - checker: `analyze` never throws; `analyzeFindings` (a line per piece, and random pieces) gives
 *   exactly its findings; every finding has a known code and lies inside the text (related spans
 *   and fix edits too); en and zh-cn give the same findings, each message naming its rule.
 * - renderer: `renderMermaid` never throws, is deterministic, and every line of its output is a
 *   statement of its own grammar whose text holds no character Mermaid would read as syntax
 *   (the escaping rules of src/core/render/escape.ts, restated independently here).
 * - formatter: only ASCII spaces and tabs change, formatting twice changes nothing more, and the
 *   findings stay the same.
 * - notes: `checkNote`, `readMermaid`, `checkMermaid` and `mermaidToTcpflow` never throw; spans
 *   lie inside the note (a diagram's inside its block); en and zh-cn find the same; the Markdown
 *   preview's plugin renders a note as a fresh plugin does though it keeps blocks' HTML from the
 *   notes before.
 * - capture: the pcap/pcapng importer never throws, reports warnings inside the input, gives the
 *   same text streamed in chunks as whole, and writes text that parses without a syntax finding.
 * - packetdrill: the importer returns, or throws `PacketdrillImportError` naming a line of the
 *   script; what it returns parses without a syntax finding.
 * - server: the real language server, in this process, given batches of malformed, null-laden
 *   and out-of-range messages: every request answered, no JavaScript error in an answer or the
 *   log, nothing escapes to the event loop, and a well-formed request after each batch is answered.
 * Each synchronous check must finish within `LIMIT_MS` of CPU time (a hang or a blow-up fails).
 */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_FINDINGS, Analysis, Finding, Locale, analyze, analyzeFindings, checkMermaid, checkNote, extractFences, mermaidToTcpflow, parse, readMermaid } from '../../src/core/index';
import { renderMermaid, RenderOptions } from '../../src/core/render/mermaid';
import { importCapture, CaptureImporter, CaptureImportOptions } from '../../src/core/import/capture';
import { importPacketdrill, PacketdrillImportError } from '../../src/core/import/packetdrill';
import { Analyzer, flowUnits } from '../../src/server/documents';
import { formatUnit } from '../../src/server/format';
import MarkdownIt from 'markdown-it';
import { tcpflowMarkdownPlugin, type MarkdownIt as PluginHost } from '../../src/markdown/plugin';
import {
  LspMessage, anyFlowText, captureBytes, captureOptions, isNotification, layoutText, locale, lspMessage, noteText, packetdrillDefines, packetdrillText,
  referenceComments, statement, FORMAT_LINES, exampleLines, jsonValue,
} from './generators';
import { InProcessServer } from './server';

/** CPU time one input may take in a synchronous target. */
export const LIMIT_MS = 2000;

export interface TargetRun {
  /** Check one input; throws when an invariant breaks. */
  check(input: unknown): void | Promise<void>;
  close(): Promise<void> | void;
}

export interface FuzzTarget {
  name: string;
  about: string;
  /** Inputs per run in the test suite (test/fuzz/fuzz.test.ts). */
  ciRuns: number;
  async: boolean;
  arbitrary: fc.Arbitrary<unknown>;
  open(): Promise<TargetRun> | TargetRun;
}

const CODES = new Set(ALL_FINDINGS.map((d) => d.code));

function inText(what: string, start: number, end: number, length: number): void {
  assert.ok(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= length, `${what}: range [${start}, ${end}) outside the text (length ${length})`);
}

function findingsInside(findings: readonly Finding[], length: number): void {
  for (const f of findings) {
    const where = `${f.code} '${f.message}'`;
    assert.ok(CODES.has(f.code), `unknown finding code ${f.code}`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0, `${f.code}: empty message`);
    inText(where, f.start, f.end, length);
    for (const r of f.related) inText(`${where} related`, r.span.start, r.span.end, length);
    for (const e of f.fix?.edits ?? []) inText(`${where} fix edit`, e.start, e.end, length);
  }
}

/** The same findings in both locales: codes, places, and each message names its rule. */
function sameInBothLocales(en: readonly Finding[], zh: readonly Finding[]): void {
  assert.deepEqual(zh.map((f) => `${f.code}@${f.start}-${f.end}`), en.map((f) => `${f.code}@${f.start}-${f.end}`), 'en and zh-cn find different things');
  en.forEach((f, i) => {
    if (!f.rule) return;
    assert.ok(f.message.includes(f.rule), `${f.code}: the English message does not name its rule ${f.rule}: ${f.message}`);
    assert.ok(zh[i].message.includes(f.rule), `${f.code}: the Chinese message does not name its rule ${f.rule}: ${zh[i].message}`);
  });
}

/** Run `fn`, failing when it takes more than `LIMIT_MS` of CPU time. */
function bounded<T>(what: string, fn: () => T): T {
  const t0 = process.cpuUsage();
  const r = fn();
  const used = process.cpuUsage(t0);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms <= LIMIT_MS, `${what} took ${ms.toFixed(0)} ms of CPU (limit ${LIMIT_MS} ms)`);
  return r;
}

const sync = (check: (input: never) => void): TargetRun => ({ check: check as (i: unknown) => void, close: () => undefined });

// ---- parser ------------------------------------------------------------------------------------

const parser: FuzzTarget = {
  name: 'parser',
  about: 'parse: no throw, every comment kept, ranges inside the text',
  ciRuns: 1000,
  async: false,
  arbitrary: anyFlowText,
  open: () =>
    sync((text: string) => {
      const { file, issues } = bounded('parse', () => parse(text));
      const n = text.length;
      assert.equal(file.text, text);
      let last = 0;
      for (const st of file.statements) {
        inText(`statement ${st.kind}`, st.start, st.end, n);
        assert.ok(st.start >= last, `statement ${st.kind} at ${st.start} starts before the previous one ends (${last})`);
        assert.ok(!/[\r\n]/.test(text.slice(st.start, st.end)), `statement ${st.kind} [${st.start}, ${st.end}) reaches across a line break`);
        last = st.end;
      }
      for (const i of issues) inText(`issue ${i.key}`, i.start, i.end, n);
      const got = file.comments.map((c) => ({ start: c.start, end: c.end, text: c.text }));
      assert.deepEqual(got, referenceComments(text), 'file.comments differs from the comments of the text');
      // Without comments, the same statements.
      assert.equal(parse(text, 0, n, { comments: false }).file.statements.length, file.statements.length, 'comments: false changes the statements');
    }),
};

// ---- checker -----------------------------------------------------------------------------------

const checker: FuzzTarget = {
  name: 'checker',
  about: 'analyze = analyzeFindings, the model with plain rows = the long way, no throw, findings inside the text, rules named in en and zh-cn',
  ciRuns: 400,
  async: false,
  arbitrary: fc.record({ text: anyFlowText, piece: fc.constantFrom(0, 1, 16, 100, 4096) }),
  open: () =>
    sync(({ text, piece }: { text: string; piece: number }) => {
      const byLocale = (['en', 'zh-cn'] as Locale[]).map((loc) => {
        const a = bounded(`analyze (${loc})`, () => analyze(text, { locale: loc }));
        assert.equal(a.text, text);
        findingsInside(a.findings, text.length);
        for (const ev of a.model.events) {
          if (ev.kind !== 'segment') continue;
          for (const i of ev.findings) assert.ok(Number.isInteger(i) && i >= 0 && i < a.findings.length, `segment event refers to finding #${i}, but there are ${a.findings.length}`);
        }
        assert.deepEqual(bounded('analyzeFindings', () => analyzeFindings(text, { locale: loc, piece })), a.findings, `analyzeFindings (piece ${piece}) differs from analyze`);
        // The model of predicted segments (deferred, made when read) is the long way's.
        if (loc === 'en') assert.equal(JSON.stringify(a.model.events), JSON.stringify(analyze(text, { locale: loc, plainLines: false }).model.events), 'the model with plain rows differs from the long way');
        return a;
      });
      sameInBothLocales(byLocale[0].findings, byLocale[1].findings);
    }),
};

// ---- renderer ----------------------------------------------------------------------------------

/** Characters Mermaid reads as syntax in a text, after entity codes and `<br/>` are taken out. */
const UNSAFE = /[;#%<>&$@`\\{}\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff\ufb02\u00b0\u00b6\u00df]/u;
const ID = String.raw`(?:[A-Za-z][A-Za-z0-9_]*|[\p{L}_][\p{L}\p{N}_]*)`;
const LINE_SHAPES: [RegExp, string][] = [
  [new RegExp(String.raw`^    title:? (.*)$`, 'u'), 'title'],
  [/^    autonumber$/, ''],
  [new RegExp(String.raw`^    participant ${ID}(?: as (.*))?$`, 'u'), 'participant'],
  [/^    rect rgba\(\d+, \d+, \d+, 0\.\d+\)$/, ''],
  [/^    end$/, ''],
  [new RegExp(String.raw`^ {4,8}Note over ${ID}(?:,${ID})*: (.*)$`, 'u'), 'text'],
  [new RegExp(String.raw`^ {4,8}${ID}(?:->>|-->>|-x|--x)${ID}: (.*)$`, 'u'), 'text'],
];

/** Why a line of rendered Mermaid could let file text change the diagram, or undefined. */
export function unsafeMermaidLine(line: string): string | undefined {
  for (const [re, kind] of LINE_SHAPES) {
    const m = re.exec(line);
    if (!m) continue;
    let text = m[1] ?? '';
    // A participant's address goes last and may keep its colons (`10.0.0.1:80`).
    if (kind === 'participant') text = text.replace(/<br\/>[0-9A-Za-z.:[\]]+$/, '');
    const plain = text.replace(/#\d+;/g, '').replace(/<br\/>/g, ' ');
    const bad = UNSAFE.exec(plain);
    if (bad) return `raw ${JSON.stringify(bad[0])} in the text of ${JSON.stringify(line)}`;
    if (/:(?!\s|$)/.test(plain)) return `a colon followed by text in ${JSON.stringify(line)}`;
    if (/^\s*(no)?wrap:/i.test(plain)) return `a text read as a wrap directive in ${JSON.stringify(line)}`;
    return undefined;
  }
  return `not a statement the renderer writes: ${JSON.stringify(line)}`;
}

const renderOptions: fc.Arbitrary<RenderOptions> = fc.record(
  {
    numbers: fc.constantFrom('written' as const, 'absolute' as const, 'relative' as const),
    states: fc.constantFrom('off' as const, 'change' as const, 'always' as const),
    autonumber: fc.boolean(),
    window: fc.record({ start: fc.integer({ min: -2, max: 20 }), end: fc.integer({ min: -2, max: 30 }) }),
    maxStatements: fc.constantFrom(0, 1, 5, 300),
    mermaidVersion: fc.constantFrom(8, 9, 10, 11),
  },
  { requiredKeys: [] },
);

const renderer: FuzzTarget = {
  name: 'renderer',
  about: 'renderMermaid: no throw, deterministic, no unescaped file text',
  ciRuns: 400,
  async: false,
  arbitrary: fc.record({ text: anyFlowText, locale, options: renderOptions }),
  open: () =>
    sync(({ text, locale: loc, options }: { text: string; locale: Locale; options: RenderOptions }) => {
      const a = analyze(text, { locale: loc });
      const r = bounded('renderMermaid', () => renderMermaid(a, options));
      assert.equal(renderMermaid(a, options).text, r.text, 'a second render of the same analysis differs');
      assert.equal(renderMermaid(analyze(text, { locale: loc }), options).text, r.text, 'a render of a fresh analysis differs');
      const lines = r.text.split('\n');
      assert.equal(lines[0], 'sequenceDiagram');
      assert.equal(lines[lines.length - 1], '', 'the text ends with a line break');
      for (const l of lines.slice(1, -1)) {
        const why = unsafeMermaidLine(l);
        assert.equal(why, undefined, why);
      }
      const textLines = a.lines.positionAt(text.length).line;
      for (const x of [...r.arrows, ...r.notes]) assert.ok(Number.isInteger(x.line) && x.line >= 0 && x.line <= textLines, `a drawn item points at line ${x.line} of ${textLines + 1}`);
      assert.ok(r.window.start >= 0 && r.window.start <= r.window.end && r.window.end <= r.segments, `window ${JSON.stringify(r.window)} of ${r.segments} segments`);
    }),
};

// ---- formatter ---------------------------------------------------------------------------------

const layoutless = (s: string): string => s.replace(/[ \t]/g, '');

/** Format a document as the server does; the text unchanged when the formatter refuses. */
function format(text: string, kind: 'tcpflow' | 'markdown'): { out: string; refused: boolean } {
  const doc = TextDocument.create(kind === 'tcpflow' ? 'file:///fuzz.tcpflow' : 'file:///fuzz.md', kind, 1, text);
  const snap = new Analyzer('en').snapshot(doc, kind, true);
  const edits = [];
  for (const u of flowUnits(snap)) {
    const r = formatUnit(u);
    if ('refused' in r) return { out: text, refused: true };
    for (const e of r.edits) edits.push(e);
  }
  return { out: TextDocument.applyEdits(doc, edits), refused: false };
}

const codesOf = (text: string, kind: 'tcpflow' | 'markdown'): string[] => (kind === 'tcpflow' ? analyze(text).findings : checkNote(text).findings).map((f) => f.code);

const formatter: FuzzTarget = {
  name: 'formatter',
  about: 'format: idempotent, keeps every character but ASCII spaces and tabs, same findings',
  ciRuns: 400,
  async: false,
  arbitrary: fc.oneof(
    { weight: 3, arbitrary: fc.record({ text: layoutText(fc.oneof(fc.constantFrom(...FORMAT_LINES), statement, fc.constantFrom(...exampleLines))), kind: fc.constant('tcpflow' as const) }) },
    { weight: 2, arbitrary: fc.record({ text: anyFlowText, kind: fc.constant('tcpflow' as const) }) },
    { weight: 1, arbitrary: fc.record({ text: noteText, kind: fc.constant('markdown' as const) }) },
  ),
  open: () =>
    sync(({ text, kind }: { text: string; kind: 'tcpflow' | 'markdown' }) => {
      const once = bounded('format', () => format(text, kind));
      assert.equal(layoutless(once.out), layoutless(text), 'formatting changed a character other than an ASCII space or tab');
      if (once.refused || once.out === text) return;
      assert.equal(format(once.out, kind).out, once.out, 'formatting its own output changes it again');
      assert.deepEqual(codesOf(once.out, kind), codesOf(text, kind), 'formatting changed the findings');
    }),
};

// ---- notes ---------------------------------------------------------------------------------------

const notes: FuzzTarget = {
  name: 'notes',
  about: 'checkNote / readMermaid / checkMermaid / mermaidToTcpflow on notes: no throw, spans inside',
  ciRuns: 800,
  async: false,
  arbitrary: noteText,
  open: () => {
    const withPlugin = (): InstanceType<typeof MarkdownIt> => {
      const it = new MarkdownIt();
      (it as unknown as PluginHost).use(tcpflowMarkdownPlugin, { locale: 'en' });
      return it;
    };
    // One plugin for the whole run, keeping blocks' HTML from note to note, as the preview's does.
    const kept = withPlugin();
    return sync((md: string) => {
      const html = bounded('markdown render', () => kept.render(md));
      assert.equal(html, withPlugin().render(md), 'the note renders as with a fresh plugin');
      assert.equal(kept.render(md), html, 'rendered again, the same');
      // Every block two lines further down (a paragraph put above): its findings' lines follow.
      const moved = `Above.\n\n${md}`;
      assert.equal(kept.render(moved), withPlugin().render(moved), 'the note moved down renders as with a fresh plugin');
      const en = bounded('checkNote', () => checkNote(md));
      const zh = checkNote(md, { locale: 'zh-cn' });
      findingsInside(en.findings, md.length);
      sameInBothLocales(en.findings, zh.findings);
      for (const fence of extractFences(md, { languages: ['mermaid'] })) {
        const reading = bounded('readMermaid', () => readMermaid(md, fence.contentStart, fence.contentEnd));
        assert.equal(reading.text, md);
        for (const st of reading.file.statements) inText(`diagram statement ${st.kind}`, st.start, st.end, md.length);
        for (const m of reading.messages) {
          for (const [what, s] of [['message', m.span], ['from', m.fromSpan], ['to', m.toSpan], ['text', m.textSpan]] as const) {
            assert.ok(s.start >= fence.contentStart && s.end <= fence.contentEnd && s.start <= s.end, `${what} span [${s.start}, ${s.end}) outside the block [${fence.contentStart}, ${fence.contentEnd})`);
          }
        }
        const c = bounded('checkMermaid', () => checkMermaid(md, fence.contentStart, fence.contentEnd));
        findingsInside(c.findings, md.length);
        if (reading.tcp) {
          const flow = bounded('mermaidToTcpflow', () => mermaidToTcpflow(reading));
          assert.equal(typeof flow, 'string');
          analyze(flow);
        }
      }
    });
  },
};

// ---- importers -------------------------------------------------------------------------------------

/** Syntax findings (TF1xxx) of imported text: an importer must write only what parses. */
function syntaxFindings(text: string): string[] {
  return analyze(text)
    .findings.filter((f) => f.code.startsWith('TF1'))
    .map((f) => `${f.code} '${f.message}' at ${JSON.stringify(text.slice(Math.max(0, f.start - 30), f.end + 30))}`);
}

const capture: FuzzTarget = {
  name: 'capture',
  about: 'pcap/pcapng import of mutated captures: no throw, warnings inside the input, streaming = whole, text parses',
  ciRuns: 600,
  async: false,
  arbitrary: fc.record({ bytes: captureBytes, options: captureOptions, chunk: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined, freq: 3 }) }),
  open: () =>
    sync(({ bytes, options, chunk }: { bytes: Uint8Array; options: CaptureImportOptions; chunk?: number }) => {
      const r = bounded('importCapture', () => importCapture(bytes, options));
      assert.equal(typeof r.text, 'string');
      for (const w of r.warnings) {
        assert.equal(typeof w.message, 'string');
        if (w.offset !== undefined) assert.ok(w.offset >= 0 && w.offset <= bytes.length, `warning offset ${w.offset} outside the input (${bytes.length} bytes)`);
      }
      if (chunk !== undefined) {
        // Streamed through one reused buffer, with the text from a sink: the same result.
        const imp = new CaptureImporter(options);
        const scratch = new Uint8Array(chunk);
        for (let p = 0; p < bytes.length; p += chunk) {
          const n = Math.min(chunk, bytes.length - p);
          scratch.set(bytes.subarray(p, p + n));
          imp.push(scratch.subarray(0, n));
          scratch.fill(0);
        }
        const parts: string[] = [];
        const stats = imp.finish((t) => parts.push(t), 100);
        assert.equal(parts.join(''), r.text, `streamed in chunks of ${chunk} bytes, the text differs`);
        assert.deepEqual(stats.warnings, r.warnings);
      }
      assert.deepEqual(syntaxFindings(r.text), [], 'the imported text has syntax findings');
    }),
};

const packetdrill: FuzzTarget = {
  name: 'packetdrill',
  about: 'packetdrill import of mutated scripts: returns, or throws PacketdrillImportError with a line; text parses',
  ciRuns: 800,
  async: false,
  arbitrary: fc.record({ text: packetdrillText, defines: packetdrillDefines }),
  open: () =>
    sync(({ text, defines }: { text: string; defines?: string[] }) => {
      let r;
      try {
        r = bounded('importPacketdrill', () => importPacketdrill(text, defines ? { defines } : {}));
      } catch (e) {
        if (!(e instanceof PacketdrillImportError)) throw e;
        const lines = text.split('\n').length;
        assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines, `PacketdrillImportError at line ${e.line} of ${lines}`);
        assert.ok(e.message.startsWith(`line ${e.line}: `), e.message);
        return;
      }
      assert.equal(typeof r.text, 'string');
      assert.deepEqual(syntaxFindings(r.text), [], 'the imported text has syntax findings');
    }),
};

// ---- server ------------------------------------------------------------------------------------------

/** A document no random message names: the server must answer about it after every batch. */
const KEEP = 'file:///fuzz/keep.tcpflow';
const KEEP_TEXT = 'client C\nserver S\nC -> S SYN seq=x\nS -> C SYN ACK seq=y ack=x+1\n';
/** Bytes that look like nothing (no CR, so no header block can end inside them). */
const GARBAGE = 'garbage \u0000\u0001 Content-Type: x\n{';

/** The bytes of one message framed as it says, and whether a well-read request gets an answer. */
function frame(m: LspMessage, id: number | undefined): { chunks: Buffer[]; answered: boolean } {
  const msg: Record<string, unknown> = { method: m.method, params: m.params };
  if (m.jsonrpc !== undefined) msg.jsonrpc = m.jsonrpc;
  if (m.id !== undefined) msg.id = m.id;
  else if (id !== undefined) msg.id = id;
  const body = Buffer.from(JSON.stringify(msg) ?? 'null', 'utf8');
  const head = (h: string): Buffer => Buffer.from(h, 'ascii');
  const withLength = (b: Buffer, n = b.length): Buffer => Buffer.concat([head(`Content-Length: ${n}\r\n\r\n`), b]);
  const wellFormed = m.jsonrpc === '2.0' && m.id === undefined && id !== undefined;
  switch (m.framing) {
    case 'ok':
      return { chunks: [withLength(body)], answered: wellFormed };
    case 'split': {
      const whole = withLength(body);
      const at = Math.max(1, (body.length * 7) % whole.length);
      return { chunks: [whole.subarray(0, at), whole.subarray(at)], answered: wellFormed };
    }
    case 'two-headers':
      return { chunks: [Buffer.concat([head(`content-length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n`), body])], answered: wellFormed };
    case 'bad-length':
      return { chunks: [Buffer.concat([head('Content-Length: abc\r\n\r\n'), body])], answered: false };
    case 'no-length':
      return { chunks: [Buffer.concat([head('X-Nothing: 1\r\n\r\n'), body])], answered: false };
    case 'short':
      return { chunks: [withLength(body, Math.max(0, body.length - 3))], answered: false };
    case 'long':
      return { chunks: [withLength(Buffer.concat([body, head('}}}junk')]))], answered: false };
    case 'garbage-before':
      return { chunks: [Buffer.from(GARBAGE, 'utf8'), withLength(body)], answered: false };
    case 'not-json':
      return { chunks: [withLength(Buffer.concat([head('{bad: '), body]))], answered: false };
    case 'json-array':
      return { chunks: [withLength(Buffer.concat([head('['), body, head(']')]))], answered: false };
  }
}

const server: FuzzTarget = {
  name: 'server',
  about: 'the language server in process: malformed JSON-RPC, null fields, out-of-range positions; every request answered, no JS error',
  ciRuns: 600,
  async: true,
  arbitrary: fc.record({ messages: fc.array(lspMessage, { minLength: 1, maxLength: 6 }), configuration: fc.oneof(fc.constant(null), jsonValue) }),
  async open(): Promise<TargetRun> {
    const s = await InProcessServer.start({
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, inlayHint: { refreshSupport: true }, semanticTokens: { refreshSupport: true }, workspaceEdit: { documentChanges: true } }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
    });
    s.notify('textDocument/didOpen', { textDocument: { uri: KEEP, languageId: 'tcpflow', version: 1, text: KEEP_TEXT } });
    const startProblems = s.takeProblems();
    if (startProblems.length) throw new Error(startProblems.join('\n'));
    return {
      async check(input: unknown): Promise<void> {
        const { messages, configuration } = input as { messages: LspMessage[]; configuration: unknown };
        s.answerServer = (f) => (f.method === 'workspace/configuration' ? [configuration] : null);
        const answers: Promise<unknown>[] = [];
        for (const m of messages) {
          const id = isNotification(m.method) ? undefined : s.newId();
          const { chunks, answered } = frame(m, id);
          const write = (): void => chunks.forEach((c) => s.raw(c));
          if (answered && id !== undefined) answers.push(s.expect(id, m.method, 30_000, write));
          else write();
        }
        // The framing of a bad message may leave bytes the reader skips up to the next header.
        const keep = await s.request('textDocument/documentSymbol', { textDocument: { uri: KEEP } }, 30_000);
        assert.equal(keep.error, undefined, `a well-formed request after the batch failed: ${JSON.stringify(keep.error)}`);
        assert.ok(Array.isArray(keep.result), 'a well-formed request after the batch gets the document symbols');
        await Promise.all(answers);
        const problems = s.takeProblems();
        assert.deepEqual(problems, [], problems.join('\n'));
      },
      close: () => s.stop(),
    };
  },
};

export const TARGETS: FuzzTarget[] = [parser, checker, renderer, formatter, notes, capture, packetdrill, server];

// ---- running -----------------------------------------------------------------------------------------

export interface RunResult {
  target: string;
  runs: number;
  ms: number;
  seed: number;
  failure?: { seed: number; path?: string; counterexample: string; error: string; report: string };
}

/**
 * A thread that watches the inputs go by: when one input runs for `stallMs` without the next
 * starting (a hang the CPU-time check cannot see, since it looks only after a call returns), it
 * prints the target, seed and input index that replay it, and ends this process.
 */
function watchdog(target: string, seed: number, stallMs: number): { counter: Int32Array; stop: () => void } {
  const shared = new SharedArrayBuffer(4);
  const counter = new Int32Array(shared);
  const code = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const counter = new Int32Array(workerData.shared);
    let last = -1, since = Date.now();
    setInterval(() => {
      const now = Atomics.load(counter, 0);
      if (now !== last) { last = now; since = Date.now(); return; }
      if (Date.now() - since < workerData.stallMs) return;
      fs.writeSync(2, '\\n' + workerData.target + ' hangs: input #' + (now - 1) + ' ran for ' + workerData.stallMs + ' ms (replay: npm run fuzz -- --target ' + workerData.target + ' --seed ' + workerData.seed + ' --path ' + (now - 1) + ')\\n');
      process.kill(process.pid, 'SIGKILL');
    }, 1000);`;
  const w = new Worker(code, { eval: true, workerData: { shared, stallMs, target, seed } });
  w.unref();
  return { counter, stop: () => void w.terminate() };
}

/**
 * Run `target` on `runs` inputs from `seed` (fast-check; a failing input is shrunk). `path`
 * replays a failure that a run printed. `progress` is called every 1,000 inputs.
 */
export async function runTarget(target: FuzzTarget, opts: { runs: number; seed: number; path?: string; stallMs?: number; progress?: (done: number, ms: number) => void }): Promise<RunResult> {
  const run = await target.open();
  const dog = watchdog(target.name, opts.seed, opts.stallMs ?? 120_000);
  let done = 0;
  const t0 = performance.now();
  const step = (): void => {
    done++;
    Atomics.store(dog.counter, 0, done);
    if (opts.progress && done % 1000 === 0) opts.progress(done, performance.now() - t0);
  };
  const property = target.async
    ? fc.asyncProperty(target.arbitrary, async (input) => {
        step();
        await run.check(input);
      })
    : fc.property(target.arbitrary, (input) => {
        step();
        run.check(input);
      });
  try {
    const details = await fc.check(property as fc.IAsyncProperty<[unknown]>, { numRuns: opts.runs, seed: opts.seed, path: opts.path, endOnFailure: false });
    const ms = performance.now() - t0;
    const result: RunResult = { target: target.name, runs: details.numRuns, ms, seed: opts.seed };
    if (details.failed) {
      const ce = details.counterexample ? fc.stringify(details.counterexample[0]) : '(none)';
      const err = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      result.failure = { seed: details.seed, path: details.counterexamplePath ?? undefined, counterexample: ce, error: err, report: fc.defaultReportMessage(details) ?? err };
    }
    return result;
  } finally {
    dog.stop();
    await run.close();
  }
}

/** A failure as the suite and the command line print it. */
export function describeFailure(r: RunResult, limit = 4000): string {
  const f = r.failure;
  if (!f) return '';
  const ce = f.counterexample.length > limit ? `${f.counterexample.slice(0, limit)}… (${f.counterexample.length} characters)` : f.counterexample;
  const err = f.error.length > limit ? `${f.error.slice(0, limit)}…` : f.error;
  return `${r.target} failed (seed ${f.seed}, path ${f.path ?? '-'}; replay: npm run fuzz -- --target ${r.target} --seed ${f.seed}${f.path ? ` --path ${f.path}` : ''})\n  minimal counterexample: ${ce}\n  ${err}`;
}

