/**
 * 1,000 seeded random edit sequences through the protocol. After each sequence the published
 * diagnostics must equal a fresh analysis of the final text, and every publication on the way
 * must carry a version whose text it describes exactly. The final texts also exercise the
 * formatter: it keeps every non-blank character, is idempotent, and changes no finding.
 * Markdown notes (```tcpflow blocks and a ```mermaid TCP diagram between them) are edited
 * anywhere, fences and diagram included, and must end as the core's `checkNote` says.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { Client, ROOT, applyEdits } from './lsp';
import { expectedFor, simplify } from './expected';
import { checkNote } from '../../src/core/index';

const SEED = 20261123;
const RUNS = 1000;
const PARALLEL = 25;

const corpus = [
  ...fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.tcpflow'))
    .map((f) => fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8')),
  '',
  'client C\nserver S\nC -> S SYN seq=1000\nS -> C SYN ACK seq=5000 ack=1001\nC -> S ACK seq=1001 ack=5001\n',
  'client C\r\nserver S\r\nC -> S SYN seq=x\r\nS -> C SYN, ACK seq=y ack=x # wrong\r\n',
];

const snippets = [
  'C -> S ', 'S -> C ', 'A -> B ', 'SYN ', 'ACK ', 'FIN ', 'RST ', 'SYN=1, ', 'ACK=x+1 ', 'seq=', 'ack=', 'Seq=0 ', 'x', 'y+1', 'u', '1000', '1001',
  '\n', '\r\n', '\r', '# note', '// c', '"GET / HTTP/1.1"', '"', 'C: ESTABLISHED\n', 'S: SYN_SEND\n', 'len=10 ', 'win=0 ', ',', '，', '：', '＝', '中文', '客户端',
  '😀', ' ', '\t', 'client C\n', 'server S\n', 'endpoint E LISTEN\n', 'wait 2MSL\n', 'C close\n', '(', ')', 'lost ', 'dup ', 'delay=d ', 'deliver d\n',
  'numbers relative\n', 'numbers absolute\n', '→', '=', '[', ']', 'tls ClientHello ', 'http "HTTP/1.1 200 OK" ', '\u0000', '\\',
];

interface EditSpec {
  a: number;
  b: number;
  text: string;
}

const editArb = fc.record({ a: fc.nat(), b: fc.nat(), text: fc.array(fc.constantFrom(...snippets), { maxLength: 4 }).map((x) => x.join('')) });
const sequenceArb = fc.record({
  base: fc.nat({ max: corpus.length - 1 }),
  batches: fc.array(fc.array(editArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
  pauses: fc.array(fc.constantFrom(0, 0, 0, 15), { minLength: 6, maxLength: 6 }),
});

/** For notes: the same, and pieces of mermaid diagrams and fences. */
const mdSnippets = [...snippets, 'C->>S: ', 'S-->>C: ', 'C-xS: ', 'SYN=1, seq=x', 'ACK=1, ack=y+1', 'Note over C: SYN_SENT\n', 'participant C as 客户端\n', '```', '```mermaid\n', 'sequenceDiagram\n', '<!-- tcpflow:begin -->\n', '%%'];
const mdSequenceArb = fc.record({
  base: fc.nat({ max: corpus.length - 1 }),
  batches: fc.array(fc.array(fc.record({ a: fc.nat(), b: fc.nat(), text: fc.array(fc.constantFrom(...mdSnippets), { maxLength: 4 }).map((x) => x.join('')) }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
  pauses: fc.array(fc.constantFrom(0, 0, 0, 15), { minLength: 6, maxLength: 6 }),
});

const DIAGRAM = ['```mermaid', 'sequenceDiagram', '  participant C as 客户端', '  participant S as 服务端', '  C->>S: SYN=1, seq=x', '  Note over C: SYN_SENT', '  S->>C: SYN=1, ACK=1, seq=y, ack=x', '  C->>S: ACK=1, seq=x+1, ack=y+1', '  C->>S: FIN=1, seq=u', '  S-->>C: ACK=1, ack=u+1', '```'].join('\n');

/** Turn edit specs into incremental changes, each relative to the text after the previous ones. */
function toChanges(doc: TextDocument, batch: EditSpec[]): { changes: TextDocumentContentChangeEvent[]; doc: TextDocument } {
  const changes: TextDocumentContentChangeEvent[] = [];
  // TextDocument.update changes the document it is given: work on a copy.
  let d = TextDocument.create(doc.uri, doc.languageId, doc.version, doc.getText());
  for (const e of batch) {
    const len = d.getText().length;
    const x = e.a % (len + 1);
    const y = e.b % (len + 1);
    const change = { range: { start: d.positionAt(Math.min(x, y)), end: d.positionAt(Math.max(x, y)) }, text: e.text };
    changes.push(change);
    d = TextDocument.update(d, [change], d.version + 1);
  }
  return { changes, doc: d };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run `run(0)` … `run(count - 1)`, PARALLEL at a time. */
async function inParallel(count: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

describe('random edit sequences', () => {
  let c: Client;
  before(async () => {
    c = await Client.start();
  });
  after(async () => {
    await c.stop();
  });

  /** Open a document, send the sequence's edit batches (pausing as it says), wait for the last diagnostics. */
  async function play(uri: string, text: string, languageId: string, s: { batches: EditSpec[][]; pauses: number[] }) {
    await c.open(uri, text, languageId);
    let version = 1;
    for (let b = 0; b < s.batches.length; b++) {
      const { changes } = toChanges(c.docs.get(uri)!, s.batches[b]);
      version = await c.change(uri, changes);
      if (s.pauses[b]) await sleep(s.pauses[b]);
    }
    return c.waitForDiagnostics(uri, version);
  }

  const samples = fc.sample(sequenceArb, { numRuns: RUNS, seed: SEED });
  const finals: string[] = [];

  it(`${RUNS} sequences end with the diagnostics of a fresh analysis (seed ${SEED})`, async () => {
    const failures: string[] = [];
    async function run(i: number): Promise<void> {
      const s = samples[i];
      const uri = `file:///fuzz/${i}.tcpflow`;
      const final = await play(uri, corpus[s.base], 'tcpflow', s);
      const text = c.text(uri);
      finals.push(text);
      const want = expectedFor(text);
      try {
        assert.deepEqual(simplify(final.diagnostics, want), want);
        const seen = c.published.get(uri)!;
        let last = 0;
        for (const p of seen) {
          assert.equal(typeof p.version, 'number', 'every publication is versioned');
          assert.ok(p.version! > last, `versions increase (${seen.map((x) => x.version).join(',')})`);
          last = p.version!;
          const then = c.texts.get(uri)!.get(p.version!)!;
          const w = expectedFor(then);
          assert.deepEqual(simplify(p.diagnostics, w), w, `publication for v${p.version}`);
        }
      } catch (e) {
        failures.push(`sequence ${i} (seed ${SEED}): ${(e as Error).message.slice(0, 400)}\nedits: ${JSON.stringify(s)}\nfinal text: ${JSON.stringify(text)}`);
        if (process.env.TCPFLOW_FUZZ_DUMP) fs.writeFileSync(`${process.env.TCPFLOW_FUZZ_DUMP}-${i}.json`, JSON.stringify({ text, published: c.published.get(uri), texts: [...c.texts.get(uri)!] }));
      }
      await c.close(uri);
      c.published.delete(uri);
      c.texts.delete(uri);
    }
    await inParallel(samples.length, run);
    assert.deepEqual(failures.slice(0, 3), []);
    assert.equal(finals.length, RUNS);
  });

  it('Markdown notes: after random edits, the diagnostics equal those of the final text opened afresh', async () => {
    // Notes with prose, two ```tcpflow fences and a mermaid diagram between them; edits anywhere
    // (inside blocks, between them, on fences).
    const notes = corpus.filter((t) => t.length > 0).map((t, i) => `# Note ${i}\n\nSome prose.\n\n\`\`\`tcpflow\n${t}\n\`\`\`\n\nMore prose.\n\n${DIAGRAM}\n\n\`\`\`tcpflow\n${corpus[(i + 3) % corpus.length]}\n\`\`\`\n`);
    const mdSamples = fc.sample(mdSequenceArb, { numRuns: 200, seed: SEED + 1 });
    const failures: string[] = [];
    async function run(i: number): Promise<void> {
      const s = mdSamples[i];
      const uri = `file:///fuzz-md/${i}.md`;
      const final = await play(uri, notes[s.base % notes.length], 'markdown', s);
      const fresh = `file:///fuzz-md/${i}-fresh.md`;
      await c.open(fresh, c.text(uri), 'markdown');
      const want = await c.waitForDiagnostics(fresh, 1);
      try {
        // The same but for what names the document: its URI and version.
        const plain = (ds: unknown, u: string) => JSON.parse(JSON.stringify(ds, (k, v) => (k === 'version' ? undefined : v === u ? 'URI' : v)));
        assert.deepEqual(plain(final.diagnostics, uri), plain(want.diagnostics, fresh));
        // And the findings are the core's for the whole note.
        const note = checkNote(c.text(uri)).findings;
        if (note.length <= 1000) assert.deepEqual(final.diagnostics.map((d) => d.code), note.map((f) => f.code));
      } catch (e) {
        failures.push(`markdown sequence ${i}: ${(e as Error).message.slice(0, 400)}\nedits: ${JSON.stringify(s)}`);
      }
      await c.close(uri);
      await c.close(fresh);
      for (const u of [uri, fresh]) {
        c.published.delete(u);
        c.texts.delete(u);
      }
    }
    await inParallel(mdSamples.length, run);
    assert.deepEqual(failures.slice(0, 3), []);
  });

  it('formatting the final texts keeps every character, changes no finding and is idempotent', async () => {
    const strip = (s: string) => s.replace(/\s+/g, '');
    let formatted = 0;
    for (let i = 0; i < finals.length; i += 4) {
      const text = finals[i];
      const uri = `file:///fmt/${i}.tcpflow`;
      await c.open(uri, text);
      const edits = await c.request<never[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      const out = applyEdits(text, edits);
      assert.equal(strip(out), strip(text), `text kept (final text ${i})`);
      assert.deepEqual(expectedFor(out).map((d) => d.code), expectedFor(text).map((d) => d.code), `same findings (final text ${i})`);
      if (edits.length) {
        formatted++;
        const v = await c.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 1 << 20, character: 0 } }, text: out }]);
        await c.waitForDiagnostics(uri, v);
        assert.deepEqual(await c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), [], `idempotent (final text ${i})`);
      }
      await c.close(uri);
    }
    assert.ok(formatted > 20, `the formatter had work to do (${formatted})`);
  });
});
