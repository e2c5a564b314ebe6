/**
 * Documents as the server sees them: a `.tcpflow` file is one unit, a Markdown file has one
 * unit per ```tcpflow block and one per ```mermaid sequence diagram about TCP (a mermaid block
 * that draws no TCP segment, and the diagram `tcpflow render --materialize` generates under a
 * ```tcpflow block, are no unit). Each unit is analysed by the core on its own: a ```tcpflow
 * block by `analyzeSteps`, a mermaid block by `checkMermaid`.
 *
 * A Markdown block is analysed with as many empty lines in front of it as there are lines
 * before it in the document. Line N of a unit is then line N of the document and every column
 * is the same, so positions convert with the unit's own LineIndex, and the line numbers the
 * core writes into messages ("the SYN at line 4") are the document's line numbers. An edit
 * elsewhere in the note that keeps a block's line leaves its text, and so its analysis, as it
 * was.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { tick } from './timers';
import { analyzeSteps, checkMermaid, extractFences, Analysis, Fence, LineIndex, Locale, MermaidReading, Position } from '../core/index';
import { isGeneratedFence } from '../core/markdown';

export type DocKind = 'tcpflow' | 'markdown';

export function kindOf(languageId: string, uri: string): DocKind | undefined {
  if (languageId === 'tcpflow') return 'tcpflow';
  if (languageId === 'markdown') return 'markdown';
  const path = uri.toLowerCase().split(/[?#]/)[0];
  if (path.endsWith('.tcpflow')) return 'tcpflow';
  if (path.endsWith('.md') || path.endsWith('.markdown')) return 'markdown';
  return undefined;
}

/**
 * What the features that read findings and the model (diagnostics, quick fixes, hover, inlay
 * hints) need of an analysis. A mermaid block has these, read from the diagram, and not the
 * rest of an `Analysis` (no resumable check, no comments: it is no tcpflow text).
 */
export type View = Pick<Analysis, 'text' | 'file' | 'lines' | 'findings' | 'model' | 'locale'>;

interface UnitBase {
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

/** A `.tcpflow` file or a ```tcpflow block: every feature applies. */
export interface FlowUnit extends UnitBase {
  lang: 'tcpflow';
  analysis: Analysis;
}

/**
 * A ```mermaid sequence diagram about TCP: diagnostics, quick fixes, hover, inlay hints and
 * "Convert to tcpflow". Its statements are the reader's (`reading.file`), spans into the unit's
 * text; the events of `reading.assumedHandshake` have empty spans and are never shown.
 */
export interface MermaidUnit extends UnitBase {
  lang: 'mermaid';
  analysis: View;
  reading: MermaidReading;
  fence: Fence;
  /** The opening fence line (` ```mermaid`), document line `firstLine - 1`. */
  openLine: string;
}

export type Unit = FlowUnit | MermaidUnit;

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
  lang: 'tcpflow' | 'mermaid';
  text: string;
  contentStart: number;
  contentEnd: number;
  firstLine: number;
  lastLine: number;
  fence?: Fence;
  indent: string;
  openLine: string;
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
    // (Texts are keys as they are: a 5 MB file is hashed once, never copied into a new key.)
    const wanted = { tcpflow: new Set<string>(), mermaid: new Set<string>() };
    for (const p of plans) wanted[p.lang].add(p.text);
    const previous = new Map<string, Analysis>();
    const previousDiagrams = new Map<string, MermaidUnit>();
    const old = this.last.get(doc.uri);
    if (old) {
      for (const u of old.units) {
        if (!wanted[u.lang].has(u.analysis.text)) continue;
        if (u.lang === 'tcpflow') previous.set(u.analysis.text, u.analysis);
        else previousDiagrams.set(u.analysis.text, u);
      }
    }
    // A ```tcpflow unit whose text changed resumes from the analysis of the ```tcpflow unit at
    // its place before (the edited block), which is consumed by that; the snapshot it belonged
    // to is dropped here. (Mermaid blocks are small and read again whole.)
    const oldFlows = old ? old.units.filter((u): u is FlowUnit => u.lang === 'tcpflow') : [];
    const flowPlans = plans.filter((p) => p.lang === 'tcpflow');
    const edited = oldFlows.length === flowPlans.length ? oldFlows.map((u) => (previous.has(u.analysis.text) ? undefined : u.analysis)) : [];
    this.last.delete(doc.uri);
    const units: Unit[] = [];
    const failures: Failure[] = [];
    let analyzeMs = 0;
    let flowIndex = 0;
    for (const p of plans) {
      const where = { contentStart: p.contentStart, contentEnd: p.contentEnd, firstLine: p.firstLine, lastLine: p.lastLine, fence: p.fence, indent: p.indent };
      if (p.lang === 'mermaid') {
        const kept = previousDiagrams.get(p.text);
        if (kept) {
          units.push({ ...kept, ...where, fence: p.fence!, openLine: p.openLine });
          continue;
        }
        const t0 = now();
        try {
          const lines = new LineIndex(p.text);
          const r = checkMermaid(p.text, p.contentStart, p.contentEnd, { locale: this.locale, lines });
          if (r.reading.tcp && r.model) {
            const analysis: View = { text: p.text, file: r.reading.file, lines, findings: r.findings, model: r.model, locale: this.locale };
            units.push({ lang: 'mermaid', analysis, reading: r.reading, ...where, fence: p.fence!, openLine: p.openLine });
          }
        } catch (e) {
          failures.push({ firstLine: p.firstLine, lastLine: p.lastLine, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
        }
        analyzeMs += now() - t0;
        yield;
        continue;
      }
      const i = flowIndex++;
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
      if (analysis) units.push({ lang: 'tcpflow', analysis, ...where });
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
  return { lang: 'tcpflow', text, contentStart: 0, contentEnd: text.length, firstLine: 0, lastLine: lines, indent: '', openLine: '' };
}

function blocks(doc: TextDocument, text: string): Plan[] {
  const plans: Plan[] = [];
  for (const fence of extractFences(text, { languages: ['tcpflow', 'mermaid'] })) {
    // The diagram generated under a ```tcpflow block draws that block's flow: its findings are
    // the block's, reported there already.
    if (fence.lang === 'mermaid' && isGeneratedFence(text, fence.openStart)) continue;
    const firstLine = doc.positionAt(fence.contentStart).line;
    const endPos = doc.positionAt(fence.contentEnd);
    // contentEnd is the start of the closing fence line (or the end of the text).
    const lastLine = fence.closed || endPos.character === 0 ? endPos.line - 1 : endPos.line;
    const pad = '\n'.repeat(firstLine);
    const openLine = text.slice(fence.openStart, fence.openEnd);
    const indent = /^ */.exec(openLine)?.[0] ?? '';
    plans.push({ lang: fence.lang, openLine, text: pad + fence.content, contentStart: pad.length, contentEnd: pad.length + fence.content.length, firstLine, lastLine, fence, indent });
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

/** The units that are tcpflow text (a `.tcpflow` file, ```tcpflow blocks), for the features only tcpflow has. */
export function flowUnits(snap: Snapshot): FlowUnit[] {
  return snap.units.filter((u): u is FlowUnit => u.lang === 'tcpflow');
}
