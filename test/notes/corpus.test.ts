/**
 * Every study note of /work/shared/corpus/notes/ (real notes from public repositories, read where
 * they are, as the other corpus tests do; skipped when the corpus is absent) checked as
 * `tcpflow check` checks a note: ```tcpflow blocks and ```mermaid sequence diagrams about TCP.
 * The table of what each note yields — blocks read, diagrams about TCP, segments, state notes,
 * findings — is a snapshot (`golden/corpus-notes.md`; TCPFLOW_UPDATE_GOLDEN=1 rewrites it).
 * No note crashes the reader; the correct diagrams give no finding; the real mistakes drawn in
 * mermaid are found (`SYN_SEND`, a lost ACK drawn as a delivered arrow). The real mistakes the
 * corpus writes in prose or plain text (a SYN-ACK without ACK, the final handshake segment with
 * SYN, a teardown with the peer's seq+1 as the sequence number) are redrawn as mermaid in the
 * labelled set (`labelled.ts`) and in `mermaid.test.ts`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkNote, LineIndex } from '../../src/core/index';
import type { NoteCheck } from '../../src/core/index';

const NOTES_DIR = '/work/shared/corpus/notes';
const GOLDEN = path.join(__dirname, 'golden', 'corpus-notes.md');
const UPDATE = process.env.TCPFLOW_UPDATE_GOLDEN === '1';

interface Row {
  note: string;
  sha: string;
  check: NoteCheck;
  text: string;
}

function rows(): Row[] {
  if (!fs.existsSync(NOTES_DIR)) return [];
  return fs
    .readdirSync(NOTES_DIR)
    .filter((f) => /\.(md|markdown)$/i.test(f))
    .sort()
    .map((note) => {
      const text = fs.readFileSync(path.join(NOTES_DIR, note), 'utf8');
      return { note, sha: crypto.createHash('sha256').update(text).digest('hex').slice(0, 12), check: checkNote(text), text };
    });
}

function table(all: Row[]): string {
  const out = ['| note | sha256 | tcpflow blocks | mermaid blocks | about TCP | segments | state notes | findings |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of all) {
    const li = new LineIndex(r.text);
    const mermaid = r.check.blocks.filter((b) => b.fence.lang === 'mermaid');
    const tcp = mermaid.filter((b) => b.reading?.tcp);
    const findings = r.check.findings.map((f) => {
      const p = li.positionAt(f.start);
      return `${f.code} ${p.line + 1}:${p.character + 1}`;
    });
    out.push(
      `| ${r.note} | ${r.sha} | ${r.check.blocks.length - mermaid.length} | ${mermaid.length} | ${tcp.length} | ${tcp.reduce((n, b) => n + b.reading!.segments, 0)} | ${tcp.reduce((n, b) => n + b.reading!.assertions, 0)} | ${findings.join(', ') || '—'} |`,
    );
  }
  return out.join('\n') + '\n';
}

describe('the study notes of the corpus', () => {
  const all = rows();
  const skip = all.length === 0 ? `${NOTES_DIR} is absent` : false;

  it('each note yields what the snapshot table says', { skip }, () => {
    const actual = table(all);
    console.log(actual);
    if (UPDATE) {
      fs.mkdirSync(path.dirname(GOLDEN), { recursive: true });
      fs.writeFileSync(GOLDEN, actual);
      return;
    }
    assert.ok(fs.existsSync(GOLDEN), 'missing golden/corpus-notes.md: run with TCPFLOW_UPDATE_GOLDEN=1');
    const expected = fs.readFileSync(GOLDEN, 'utf8').split('\n');
    // A note whose text changed (another sha) or appeared since is not compared.
    for (const line of actual.split('\n').slice(2)) {
      const sha = line.split(' | ')[1];
      const was = expected.find((l) => l.split(' | ')[1] === sha);
      if (was) assert.equal(line, was);
    }
  });

  it('the real mistakes drawn in mermaid are found, and nothing else', { skip }, () => {
    const found = all.flatMap((r) => {
      const li = new LineIndex(r.text);
      return r.check.findings.map((f) => `${r.note} ${f.code} ${li.positionAt(f.start).line + 1} ${r.text.slice(f.start, f.end)}`);
    });
    const want = [
      // `A-->>B: ACK 丢失`: a lost ACK drawn as a delivered arrow (in both JavaGuide notes).
      'JavaGuide__tcp-connection-and-disconnection.md TF2009 308 丢失',
      'JavaGuide__tcp-time-wait.md TF2009 46 丢失',
      // `Note left of c : SYN_SEND`.
      'laoxiaoo-xiaoxiao__network.md TF1008 17 SYN_SEND',
    ];
    for (const w of want) {
      const note = w.split(' ')[0];
      if (all.some((r) => r.note === note)) assert.ok(found.includes(w), `${w} not found; found: ${found.join(' | ')}`);
    }
    assert.deepEqual(found.filter((f) => !want.includes(f)), [], 'a finding on a correct diagram');
  });

  it('every mermaid diagram about TCP is read (segments found, client and server told apart)', { skip }, () => {
    for (const r of all) {
      for (const b of r.check.blocks) {
        if (!b.reading?.tcp) continue;
        assert.ok(b.reading.segments >= 3, `${r.note}: ${b.reading.segments} segments`);
        assert.ok(b.reading.participants.some((p) => p.role === 'client') && b.reading.participants.some((p) => p.role === 'server'), r.note);
      }
    }
  });
});
