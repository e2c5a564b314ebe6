/**
 * Language-server benchmark: didChange → publishDiagnostics latency through the real protocol
 * (the bundled server as a child process over stdio), for documents of 200, 2,000 and 50,000
 * segments, p50 and p95 over 50 measured edits each (after 5 warm-up edits).
 *
 * The debounce is switched off for the measurement (setting tcpflow.diagnostics.delay = 0),
 * so the figures count from the moment the debounce fires: transport, incremental sync, the
 * core's analysis, conversion and the version check before publishing. With the default
 * 'auto' delay the server additionally waits as long as its last check of that document took
 * (at least 10 ms, at most 300 ms) before starting.
 *
 * A second table does the same for a Markdown note with 20 ```mermaid TCP diagrams (a
 * handshake, data and a teardown each, 10 segments, between paragraphs of prose): typing in a
 * paragraph (no line added: every diagram's analysis is kept), breaking and repairing an ack
 * inside one diagram (that diagram is read again), and adding and removing a line at the top
 * (every diagram moves down a line and is read again).
 *
 * Run: node --import tsx bench/server.ts
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import {
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, checkNote } from './shipped';
import { SERVER_NODE_FLAGS } from '../src/server/node-flags';

const ROOT = path.resolve(__dirname, '..');
const SIZES = [200, 2000, 50000];
const EDITS = 50;
const WARMUP = 5;
const TARGET_P95: Record<number, number> = { 2000: 20, 50000: 150 };

/** A handshake, then data segments each acknowledged: `segments` segments in all. */
function flow(segments: number): string {
  const out = ['client C 10.0.0.2:5000', 'server S 10.0.0.1:80', 'C -> S SYN seq=1000', 'S -> C SYN ACK seq=5000 ack=1001', 'C -> S ACK seq=1001 ack=5001'];
  let cs = 1001;
  for (let i = 3; i < segments; i += 2) {
    out.push(`C -> S PSH ACK seq=${cs} ack=5001 len=10  # chunk ${i}`);
    cs += 10;
    if (i + 1 < segments) out.push(`S -> C ACK seq=5001 ack=${cs}`);
  }
  return out.join('\n') + '\n';
}

/** A note of `blocks` mermaid diagrams, each with 10 segments, between paragraphs. */
function note(blocks: number): string {
  const out = ['# TCP notes', ''];
  for (let b = 0; b < blocks; b++) {
    out.push(`## Connection ${b + 1}`, '', 'The client opens the connection, sends a request, and both sides close it.', '');
    out.push(
      '```mermaid',
      'sequenceDiagram',
      '  participant C as 客户端',
      '  participant S as 服务端',
      '  C->>S: SYN=1, seq=x',
      '  Note over C: SYN_SENT',
      '  S->>C: SYN=1, ACK=1, seq=y, ack=x+1',
      '  C->>S: ACK=1, seq=x+1, ack=y+1',
      '  C->>S: PSH, ACK seq=x+1 ack=y+1 Len=100',
      '  S->>C: ACK=1, seq=y+1, ack=x+101',
      '  C->>S: FIN=1, ACK=1, seq=x+101, ack=y+1',
      '  S->>C: ACK=1, seq=y+1, ack=x+102',
      '  S->>C: FIN=1, ACK=1, seq=y+1, ack=x+102',
      '  C->>S: ACK=1, seq=x+102, ack=y+2',
      '  Note over C: TIME_WAIT',
      '```',
      '',
    );
  }
  return out.join('\n');
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

async function serverBundle(): Promise<{ file: string; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-bench-'));
  const file = path.join(dir, 'server.js');
  await build({ entryPoints: ['src/server/node.ts'], absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: file, logLevel: 'warning', mainFields: ['module', 'main'] });
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The Node options the extension starts the server with; SERVER_FLAGS (space-separated) replaces them. */
function serverFlags(): string[] {
  const env = process.env.SERVER_FLAGS;
  return env !== undefined ? env.split(' ').filter(Boolean) : [...SERVER_NODE_FLAGS];
}

export async function benchServer(): Promise<void> {
  const bundle = await serverBundle();
  const proc = spawn(process.execPath, [...serverFlags(), bundle.file, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const key = `${p.uri}#${p.version}`;
    const w = waiting.get(key);
    if (w) {
      waiting.delete(key);
      w(p);
    }
  });
  conn.listen();
  const published = (uri: string, version: number) => new Promise<PublishDiagnosticsParams>((resolve) => waiting.set(`${uri}#${version}`, resolve));
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
    initializationOptions: { settings: { diagnostics: { delay: 0 } } },
  });
  await conn.sendNotification('initialized', {});

  const rows: string[][] = [];
  for (const segments of SIZES) {
    const text = flow(segments);
    const uri = `file:///bench/${segments}.tcpflow`;
    let doc = TextDocument.create(uri, 'tcpflow', 1, text);
    const opened = published(uri, 1);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'tcpflow', version: 1, text } });
    await opened;
    // Edits in the middle of the flow: type into a comment, and break then repair an ack
    // (which changes the findings every time).
    const midLine = Math.floor(doc.lineCount / 2) | 1;
    const line = doc.getText({ start: { line: midLine, character: 0 }, end: { line: midLine + 1, character: 0 } });
    const ackAt = line.indexOf('ack=') + 4;
    const latencies: number[] = [];
    let findingsSeen = 0;
    for (let i = 0; i < WARMUP + EDITS; i++) {
      const version = doc.version + 1;
      let change;
      if (i % 2 === 0) {
        const lineLen = doc.getText({ start: { line: midLine, character: 0 }, end: { line: midLine + 1, character: 0 } }).replace(/\r?\n$/, '').length;
        change = { range: { start: { line: midLine, character: lineLen }, end: { line: midLine, character: lineLen } }, text: 'x' };
      } else {
        const broken = i % 4 === 1;
        const old = doc.getText({ start: { line: midLine, character: ackAt }, end: { line: midLine, character: ackAt + 1 } });
        change = { range: { start: { line: midLine, character: ackAt }, end: { line: midLine, character: ackAt + 1 } }, text: broken ? '9' : old === '9' ? '5' : old };
      }
      doc = TextDocument.update(doc, [change], version);
      const done = published(uri, version);
      const t0 = performance.now();
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      const p = await done;
      const dt = performance.now() - t0;
      if (i >= WARMUP) latencies.push(dt);
      findingsSeen += p.diagnostics.length;
    }
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    // The core alone on the same text, for reference.
    const core: number[] = [];
    for (let i = 0; i < (segments > 10000 ? 5 : 20); i++) {
      const t0 = performance.now();
      analyze(doc.getText());
      core.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    core.sort((a, b) => a - b);
    const p95 = quantile(latencies, 0.95);
    const target = TARGET_P95[segments];
    rows.push([
      segments.toLocaleString('en'),
      `${(text.length / 1024).toFixed(0)} KiB`,
      String(latencies.length),
      quantile(latencies, 0.5).toFixed(1),
      p95.toFixed(1),
      latencies[latencies.length - 1].toFixed(1),
      quantile(core, 0.5).toFixed(1),
      target ? `${target} (${p95 <= target ? 'met' : 'missed'})` : '—',
      String(findingsSeen),
    ]);
  }
  const noteRows = await benchNote(conn, published);
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  bundle.cleanup();

  const head = ['segments', 'text', 'edits', 'p50 ms', 'p95 ms', 'max ms', 'core analyze p50 ms', 'p95 target ms', 'diagnostics seen'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(`tcpflow language server: didChange → publishDiagnostics latency (stdio, bundled server started with ${serverFlags().join(' ') || 'no Node options'}, one client)`);
  console.log('debounce: off for the measurement (tcpflow.diagnostics.delay = 0), so latency counts from the moment the debounce fires;');
  console.log("          with the default 'auto' delay the server first waits as long as its last check took (10–300 ms).");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log('');
  console.log(`A Markdown note with ${NOTE_BLOCKS} mermaid TCP diagrams (${NOTE_BLOCKS * 10} segments), same server and settings:`);
  const noteHead = ['edit', 'edits', 'p50 ms', 'p95 ms', 'max ms', 'core checkNote p50 ms', 'diagnostics seen'];
  const noteWidths = noteHead.map((h, i) => Math.max(h.length, ...noteRows.map((r) => r[i].length)));
  const noteLine = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(noteWidths[i]) : c.padStart(noteWidths[i]))).join('  ');
  console.log(noteLine(noteHead));
  for (const r of noteRows) console.log(noteLine(r));
}

const NOTE_BLOCKS = 20;

type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

/** didChange → publishDiagnostics for the note, three kinds of edit. */
async function benchNote(
  conn: ReturnType<typeof createProtocolConnection>,
  published: (uri: string, version: number) => Promise<PublishDiagnosticsParams>,
): Promise<string[][]> {
  const text = note(NOTE_BLOCKS);
  const uri = 'file:///bench/notes.md';
  let doc = TextDocument.create(uri, 'markdown', 1, text);
  const opened = published(uri, 1);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
  await opened;
  const lineOf = (needle: string, from = 0): number => doc.positionAt(doc.getText().indexOf(needle, from)).line;
  const prose = lineOf('The client opens', doc.getText().indexOf('## Connection 10'));
  const ackLine = lineOf('ack=x+101', doc.getText().indexOf('## Connection 10'));
  const ackAt = doc.getText({ start: { line: ackLine, character: 0 }, end: { line: ackLine + 1, character: 0 } }).indexOf('ack=x+101') + 'ack=x+'.length;
  const kinds: { name: string; change: (i: number) => Change }[] = [
    {
      name: 'type in a paragraph',
      change: () => {
        const len = doc.getText({ start: { line: prose, character: 0 }, end: { line: prose + 1, character: 0 } }).replace(/\r?\n$/, '').length;
        return { range: { start: { line: prose, character: len }, end: { line: prose, character: len } }, text: 'x' };
      },
    },
    {
      name: 'break/repair an ack in one diagram',
      change: (i) => ({ range: { start: { line: ackLine, character: ackAt }, end: { line: ackLine, character: ackAt + 3 } }, text: i % 2 === 1 ? '109' : '101' }),
    },
    {
      name: 'add/remove a line at the top',
      change: (i) => (i % 2 === 0 ? { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\n' } : { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' }),
    },
  ];
  // The core alone on the note, for reference, warmed up first.
  for (let i = 0; i < 20; i++) checkNote(text);
  const rows: string[][] = [];
  for (const kind of kinds) {
    const latencies: number[] = [];
    let seen = 0;
    for (let i = 0; i < WARMUP + EDITS; i++) {
      const version = doc.version + 1;
      const change = kind.change(i);
      doc = TextDocument.update(doc, [change], version);
      const done = published(uri, version);
      const t0 = performance.now();
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      const p = await done;
      if (i >= WARMUP) latencies.push(performance.now() - t0);
      seen += p.diagnostics.length;
    }
    const core: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      checkNote(doc.getText());
      core.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    core.sort((a, b) => a - b);
    rows.push([kind.name, String(latencies.length), quantile(latencies, 0.5).toFixed(1), quantile(latencies, 0.95).toFixed(1), latencies[latencies.length - 1].toFixed(1), quantile(core, 0.5).toFixed(1), String(seen)]);
  }
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  return rows;
}

if (require.main === module) {
  benchServer().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
