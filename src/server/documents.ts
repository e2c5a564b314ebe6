/**
 * Documents as the server sees them: a `.tcpflow` file is one unit, a Markdown file has one
 * unit per ```tcpflow block. Each unit is analysed by the core on its own.
 *
 * A Markdown block is analysed with as many empty lines in front of it as there are lines
 * before it in the document. Line N of a unit is then line N of the document and every column
 * is the same, so positions convert with the unit's own LineIndex, and the line numbers the
 * core writes into messages ("the SYN at line 4") are the document's line numbers.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { tick } from './timers';
import { analyzeSteps, extractFences, Analysis, Fence, Locale, Position } from '../core/index';

export type DocKind = 'tcpflow' | 'markdown';

export function kindOf(languageId: string, uri: string): DocKind | undefined {
  if (languageId === 'tcpflow') return 'tcpflow';
  if (languageId === 'markdown') return 'markdown';
  const path = uri.toLowerCase().split(/[?#]/)[0];
  if (path.endsWith('.tcpflow')) return 'tcpflow';
  if (path.endsWith('.md') || path.endsWith('.markdown')) return 'markdown';
  return undefined;
}

export interface Unit {
  analysis: Analysis;
  /** Offsets, in the unit's text, of the block's own content (after the padding). */
  contentStart: number;
  contentEnd: number;
  /** Document lines of the content, inclusive; lastLine < firstLine for an empty block. */
  firstLine: number;
  lastLine: number;
  fence?: Fence;
  /** Indentation of the opening fence, which content lines keep in Markdown. */
  indent: string;
}

/** A unit the core could not analyse (it threw). */
export interface Failure {
  firstLine: number;
  lastLine: number;
  message: string;
}

export interface Snapshot {
  uri: string;
  version: number;
  kind: DocKind;
  units: Unit[];
  failures: Failure[];
  /** Milliseconds the core spent on the units analysed for this snapshot (0 if all reused). */
  analyzeMs: number;
}

interface Plan {
  text: string;
  contentStart: number;
  contentEnd: number;
  firstLine: number;
  lastLine: number;
  fence?: Fence;
  indent: string;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class Analyzer {
  /** The last snapshot of every open document, to reuse unchanged blocks. */
  private readonly last = new Map<string, Snapshot>();

  constructor(readonly locale: Locale) {}

  forget(uri: string): void {
    this.last.delete(uri);
  }

  /** The snapshot of this version if it is already computed. */
  cached(doc: TextDocument): Snapshot | undefined {
    const s = this.last.get(doc.uri);
    return s && s.version === doc.version ? s : undefined;
  }

  /** Analyse now (or reuse), synchronously. */
  snapshot(doc: TextDocument, kind: DocKind, markdownEnabled: boolean): Snapshot {
    const hit = this.cached(doc);
    if (hit) return hit;
    const gen = this.compute(doc, kind, markdownEnabled);
    for (;;) {
      const r = gen.next();
      if (r.done) return r.value;
    }
  }

  /**
   * Analyse block by block, giving the event loop a turn between blocks so that edits and
   * cancellations get through. Returns undefined when `stale()` says the work is no longer wanted.
   */
  async snapshotAsync(doc: TextDocument, kind: DocKind, markdownEnabled: boolean, stale: () => boolean): Promise<Snapshot | undefined> {
    const hit = this.cached(doc);
    if (hit) return hit;
    const gen = this.compute(doc, kind, markdownEnabled);
    let slice = now();
    for (;;) {
      const r = gen.next();
      if (r.done) return r.value;
      if (now() - slice > 15) {
        await tick();
        if (stale()) return undefined;
        slice = now();
      }
    }
  }

  private *compute(doc: TextDocument, kind: DocKind, markdownEnabled: boolean): Generator<void, Snapshot, void> {
    const text = doc.getText();
    const plans = kind === 'tcpflow' ? [wholeFile(text)] : markdownEnabled ? blocks(doc, text) : [];
    // Keep only the analyses of blocks that are still there, unchanged; let the rest go before
    // analysing, so that two large analyses are never alive at once.
    const wanted = new Set(plans.map((p) => p.text));
    const previous = new Map<string, Analysis>();
    const old = this.last.get(doc.uri);
    if (old) for (const u of old.units) if (wanted.has(u.analysis.text)) previous.set(u.analysis.text, u.analysis);
    // A unit whose text changed resumes from the analysis of the unit at its place before (the
    // edited block), which is consumed by that; the snapshot it belonged to is dropped here.
    const edited = old && old.units.length === plans.length ? old.units.map((u) => (previous.has(u.analysis.text) ? undefined : u.analysis)) : [];
    this.last.delete(doc.uri);
    const units: Unit[] = [];
    const failures: Failure[] = [];
    let analyzeMs = 0;
    for (const [i, p] of plans.entries()) {
      let analysis = previous.get(p.text);
      if (!analysis) {
        const t0 = now();
        try {
          // The core pauses between slices of statements; pass its pauses on, so that a long
          // document's check gives way to new edits and can be dropped when it is stale.
          const steps = analyzeSteps(p.text, { locale: this.locale, previous: edited[i] });
          for (;;) {
            const r = steps.next();
            if (r.done) {
              analysis = r.value;
              break;
            }
            yield;
          }
        } catch (e) {
          failures.push({ firstLine: p.firstLine, lastLine: p.lastLine, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
        }
        analyzeMs += now() - t0;
        yield;
      }
      if (analysis) units.push({ analysis, contentStart: p.contentStart, contentEnd: p.contentEnd, firstLine: p.firstLine, lastLine: p.lastLine, fence: p.fence, indent: p.indent });
    }
    const snap: Snapshot = { uri: doc.uri, version: doc.version, kind, units, failures, analyzeMs };
    this.last.set(doc.uri, snap);
    return snap;
  }
}

function wholeFile(text: string): Plan {
  let lines = 0;
  if (text.indexOf('\r') < 0) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) lines++;
    }
  }
  return { text, contentStart: 0, contentEnd: text.length, firstLine: 0, lastLine: lines, indent: '' };
}

function blocks(doc: TextDocument, text: string): Plan[] {
  const plans: Plan[] = [];
  for (const fence of extractFences(text)) {
    const firstLine = doc.positionAt(fence.contentStart).line;
    const endPos = doc.positionAt(fence.contentEnd);
    // contentEnd is the start of the closing fence line (or the end of the text).
    const lastLine = fence.closed || endPos.character === 0 ? endPos.line - 1 : endPos.line;
    const pad = '\n'.repeat(firstLine);
    const openLine = text.slice(fence.openStart, fence.openEnd);
    const indent = /^ */.exec(openLine)?.[0] ?? '';
    plans.push({ text: pad + fence.content, contentStart: pad.length, contentEnd: pad.length + fence.content.length, firstLine, lastLine, fence, indent });
  }
  return plans;
}

/** The unit whose content holds a document position (Markdown: only inside a block). */
export function unitAt(snap: Snapshot, pos: Position): Unit | undefined {
  for (const u of snap.units) if (pos.line >= u.firstLine && pos.line <= u.lastLine) return u;
  // An empty last line of a .tcpflow file still belongs to it.
  if (snap.kind === 'tcpflow' && snap.units.length === 1) return snap.units[0];
  return undefined;
}

/** Offset in the unit of a document position (the unit shares lines and columns with the document). */
export function offsetIn(u: Unit, pos: Position): number {
  return u.analysis.lines.offsetAt(pos);
}
