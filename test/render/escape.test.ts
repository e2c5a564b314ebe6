/**
 * Any text shows literally: titles, notes, labels, HTTP lines and phase names made of arbitrary
 * characters (Mermaid syntax, HTML, entity codes, Mermaid's own placeholder characters, control
 * characters, Chinese) are rendered by Mermaid in Chromium and read back from the SVG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze } from '../../src/core/index';
import { renderMermaid } from '../../src/core/render/mermaid';
import { chromiumMissing, launchChromium, mermaidPage } from '../webview/browser';
import { INJECTION_PAYLOADS } from '../webview/payloads';

/** A `.tcpflow` string literal: quotes and backslashes escaped, line breaks (never allowed) as spaces. */
function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n\u2028\u2029\u0085]/g, ' ')}"`;
}

/** What a reader should see for `s`, worked out independently of the renderer. */
function seen(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 9) out += ' ';
    else if (cp < 0x20) out += String.fromCodePoint(0x2400 + cp);
    else if (cp === 0x7f) out += '\u2421';
    else if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) out += '\ufffd';
    else out += ch;
  }
  return out.replace(/\s+/g, '');
}

const SPECIAL = [...';#:%<>&{}$@`"\'\\-+=*_/()[]!?|^~,.', 'ﬂ', '°', '¶', 'ß', '中', '；', '＃', '\t', '\u0000', '\u001f', '\u007f', '\u0085', '\u009f', '\ud800', '\udfff', '\u200b', '\u202e', '\ufeff', '😀', 'end', 'Note', 'participant', '-->>', '%%', '#35;', '&lt;', '<br/>', 'ﬂ°°', '¶ß', 'style', 'classDef', 'wrap', ': ', ':#'];

/** Texts aimed at Mermaid's own pre-processing (colour values, `wrap:`, directives). */
const TRICKY = ['style:#fff;', 'style a: #35; b', 'classDef x fill:#f00;', 'wrap: text', 'nowrap:text', ':wrap: x', 'a: #b;', 'style x:y#z;', '%%{init}%%', '#quot;#lt;#35;#59;'];

function randomTexts(): string[] {
  const piece = fc.oneof(
    fc.constantFrom(...SPECIAL),
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0xa0, max: 0x2fff }).map((c) => String.fromCodePoint(c)),
    fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c)),
  );
  const text = fc.array(piece, { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
  return fc.sample(text, { numRuns: 160, seed: 20251123 });
}

interface Probe {
  payload: string;
  source: string;
  /** Expected visible text (whitespace removed) of the title, the note, the label, the HTTP line, the phase. */
  expect: { title: string; note: string; label: string; http: string; phase: string };
  mermaid: string;
}

function probe(payload: string): Probe | undefined {
  const q = quote(payload);
  const source = [`title ${q}`, 'client C', 'server S', `note ${q}`, `phase ${q}`, 'C -> S SYN seq=0', 'S -> C SYN ACK seq=0 ack=1', `C -> S PSH ACK seq=1 ack=1 len=5 ${q}`, `C -> S PSH ACK seq=6 ack=1 len=5 http ${q}`].join('\n');
  const a = analyze(source);
  // What the language read from each string (its own escapes undone).
  const st = a.file.statements;
  const title = st.find((s) => s.kind === 'title');
  const note = st.find((s) => s.kind === 'note');
  const phase = st.find((s) => s.kind === 'phase');
  const segs = st.filter((s) => s.kind === 'segment');
  if (!title || title.kind !== 'title' || !note || note.kind !== 'note' || !phase || phase.kind !== 'phase' || segs.length !== 4) return undefined;
  const label = segs[2].kind === 'segment' ? segs[2].label?.text : undefined;
  const httpSeg = segs[3];
  const http = httpSeg.kind === 'segment' && httpSeg.app?.kind === 'http' ? httpSeg.app.startLine : undefined;
  if (label === undefined || http === undefined) return undefined;
  return {
    payload,
    source,
    expect: { title: seen(title.text.trim()), note: seen(note.text), label: seen(`"${label}"`), http: seen(`"${http}"`), phase: seen(phase.text) },
    mermaid: renderMermaid(a).text,
  };
}

test('escaping keeps every character literal, checked in Node', () => {
  for (const p of [...INJECTION_PAYLOADS, ...TRICKY, ...randomTexts()]) {
    const pr = probe(p);
    if (!pr) continue;
    for (const line of pr.mermaid.split('\n').slice(1)) {
      // The text part of each statement: after `title `, ` as `, or the first `: `.
      const l = line.trim();
      const text = l.startsWith('title ') ? l.slice(6) : l.startsWith('participant ') ? (l.split(' as ')[1] ?? '') : l.includes(': ') ? l.slice(l.indexOf(': ') + 2) : '';
      const plain = text.replace(/#\d+;/g, '');
      assert.ok(!/[;#%]/.test(plain), `raw ; # or % in ${JSON.stringify(line)}`);
      assert.ok(!/[<>]/.test(plain.replace(/<br\/>/g, '')), `raw < or > in ${JSON.stringify(line)}`);
    }
  }
});

test('Mermaid shows titles, notes, labels and phases exactly as written', { skip: chromiumMissing(), timeout: 120_000 }, async () => {
  const probes: Probe[] = [];
  const unread: string[] = [];
  for (const p of [...INJECTION_PAYLOADS, ...TRICKY, ...randomTexts()]) {
    const pr = probe(p);
    if (pr) probes.push(pr);
    else unread.push(p);
  }
  // The language reads every one of these strings (none is lost to a syntax error).
  assert.deepEqual(unread, []);
  assert.ok(probes.length >= 200, `only ${probes.length} probes`);
  const browser = await launchChromium();
  try {
    const page = await mermaidPage(browser);
    const got = await page.evaluate(async (texts) => {
      const w = window as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> }; __pwned?: unknown };
      const host = document.getElementById('out') as HTMLDivElement;
      const out: { error?: string; title: string; notes: string[]; messages: string[]; pwned: boolean }[] = [];
      let n = 0;
      for (const t of texts) {
        try {
          const { svg } = await w.mermaid.render(`esc-${n++}`, t);
          host.innerHTML = svg;
          const s = host.querySelector('svg') as SVGSVGElement;
          const titleEl = Array.from(s.children).find((c) => c.tagName.toLowerCase() === 'text' && !c.getAttribute('class'));
          const notes = Array.from(s.querySelectorAll('g[data-et="note"]')).map((g) =>
            Array.from(g.querySelectorAll('text'))
              .map((x) => x.textContent ?? '')
              .join(''),
          );
          out.push({ title: titleEl?.textContent ?? '', notes, messages: Array.from(s.querySelectorAll('text.messageText')).map((x) => x.textContent ?? ''), pwned: w.__pwned !== undefined });
        } catch (e) {
          out.push({ error: String(e instanceof Error ? e.message : e), title: '', notes: [], messages: [], pwned: false });
        }
      }
      return out;
    }, probes.map((p) => p.mermaid));

    const problems: string[] = [];
    const strip = (s: string): string => s.replace(/\s+/g, '');
    probes.forEach((p, i) => {
      const g = got[i];
      const name = JSON.stringify(p.payload);
      if (g.error) return problems.push(`${name}: render failed: ${g.error}`);
      if (g.pwned) problems.push(`${name}: ran script`);
      if (p.expect.title && strip(g.title) !== p.expect.title) problems.push(`${name}: title shows ${JSON.stringify(g.title)}`);
      // Notes: the start states, then the user's note, then the phase label.
      if (!g.notes.map(strip).includes(p.expect.note || '\u00a0'.replace(/\s/g, ''))) problems.push(`${name}: note not shown literally: ${JSON.stringify(g.notes)}`);
      if (p.expect.phase && !g.notes.map(strip).includes(p.expect.phase)) problems.push(`${name}: phase not shown literally: ${JSON.stringify(g.notes)}`);
      const msgs = g.messages.map(strip);
      if (!msgs[2]?.endsWith(p.expect.label)) problems.push(`${name}: label shows ${JSON.stringify(g.messages[2])}`);
      if (!msgs[3]?.endsWith(p.expect.http)) problems.push(`${name}: http line shows ${JSON.stringify(g.messages[3])}`);
    });
    assert.deepEqual(problems.slice(0, 20), []);
  } finally {
    await browser.close();
  }
});
