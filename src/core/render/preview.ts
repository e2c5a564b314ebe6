/**
 * What the preview panel and its webview say to each other, and the pure half of the panel's
 * work: turning a document into the message that redraws the diagram. The extension, the
 * webview tests and the benchmark all build their messages here, so they post the same thing.
 */
import type { Analysis } from '../index';
import type { Locale } from '../check/findings';
import { renderMermaid, type NumbersMode, type RenderedArrow, type RenderedNote, type StatesMode } from './mermaid';

export interface PreviewSettings {
  numbers: NumbersMode;
  states: StatesMode;
  autonumber: boolean;
  /** Past this many segments only a window around the cursor is drawn. */
  maxMessages: number;
}

export const DEFAULT_PREVIEW_SETTINGS: PreviewSettings = { numbers: 'written', states: 'change', autonumber: false, maxMessages: 300 };

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface SegmentWindow {
  start: number;
  end: number;
}

// ---- extension -> webview ----

export interface UpdateMessage {
  command: 'update';
  /** Increases with every update the extension posts. */
  version: number;
  /** Document the diagram shows (kept in the webview state to restore the panel). */
  uri?: string;
  mermaid: string;
  arrows: RenderedArrow[];
  notes: RenderedNote[];
  segments: number;
  /** Present when only part of the flow is drawn. */
  window?: SegmentWindow;
  /** "segments 4,201–4,500 of 10,000" when windowed, else empty. */
  status: string;
  /** Line to highlight once drawn (the cursor's). */
  highlight?: number;
  locale: Locale;
}

export interface ErrorMessage {
  command: 'error';
  version: number;
  uri?: string;
  /** Zero-based position and text of the first error. */
  error: { line: number; column: number; code: string; message: string };
  /** The banner text, localised. */
  banner: string;
}

export interface HighlightMessage {
  command: 'highlight';
  line: number;
}

export interface ThemeMessage {
  command: 'theme';
  kind: ThemeKind;
}

export interface ExportRequest {
  command: 'export';
  id: number;
  format: 'svg' | 'png';
}

export type ToWebview = UpdateMessage | ErrorMessage | HighlightMessage | ThemeMessage | ExportRequest;

// ---- webview -> extension ----

export interface ReadyMessage {
  command: 'ready';
}

export interface RevealMessage {
  command: 'reveal';
  line: number;
}

export interface RenderedMessage {
  command: 'rendered';
  version: number;
  /** True when the diagram text was unchanged and nothing was redrawn. */
  skipped: boolean;
  /** Time Mermaid took to render, ms (0 when skipped). */
  mermaidMs: number;
  /** Time from the message's arrival to the new SVG in place, ms. */
  totalMs: number;
  theme: ThemeKind;
}

export interface RenderFailedMessage {
  command: 'renderFailed';
  version: number;
  message: string;
}

export interface ExportedMessage {
  command: 'exported';
  id: number;
  format: 'svg' | 'png';
  /** SVG text, or a `data:image/png;base64,` URL. */
  data?: string;
  error?: string;
}

export type FromWebview = ReadyMessage | RevealMessage | RenderedMessage | RenderFailedMessage | ExportedMessage;

// ---- building updates ----

/**
 * The line at which each segment is drawn, by segment index: its own line, or the line of the
 * `deliver` statement that brings a delayed segment in.
 */
export function segmentLines(analysis: Analysis): number[] {
  const lines: number[] = [];
  const index = new Map<unknown, number>();
  for (const ev of analysis.model.events) {
    if (ev.kind === 'segment') {
      index.set(ev, lines.length);
      lines.push(analysis.lines.positionAt(ev.start).line);
    } else if (ev.kind === 'deliver' && ev.segment) {
      const i = index.get(ev.segment);
      if (i !== undefined) lines[i] = analysis.lines.positionAt(ev.stmt.start).line;
    }
  }
  return lines;
}

/** The segment the cursor is on or after (the last one drawn at or above its line), 0 when none. */
export function segmentAtLine(lines: readonly number[], line: number): number {
  let best = -1;
  let bestLine = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] <= line && lines[i] >= bestLine) {
      best = i;
      bestLine = lines[i];
    }
  }
  return Math.max(0, best);
}

/**
 * The segments to draw: all of them up to `max`; past that a window of `max` segments around
 * `focus`. The current window is kept while the focus stays inside it, away from its edges, so
 * that moving the cursor does not redraw the diagram at every step.
 */
export function chooseWindow(total: number, max: number, focus: number, current?: SegmentWindow): SegmentWindow | undefined {
  const size = Math.max(1, Math.floor(max));
  if (total <= size) return undefined;
  if (current && current.end - current.start === size && current.end <= total) {
    const margin = Math.floor(size / 10);
    const lowOk = focus >= current.start + margin || current.start === 0;
    const highOk = focus < current.end - margin || current.end === total;
    if (focus >= current.start && focus < current.end && lowOk && highOk) return current;
  }
  const start = Math.max(0, Math.min(total - size, focus - Math.floor(size / 2)));
  return { start, end: start + size };
}

function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "segments 4,201–4,500 of 10,000" (one-based, inclusive). */
export function windowStatus(w: SegmentWindow, total: number, locale: Locale): string {
  const range = `${grouped(w.start + 1)}–${grouped(w.end)}`;
  return locale === 'zh-cn' ? `报文段 ${range}，共 ${grouped(total)} 个` : `segments ${range} of ${grouped(total)}`;
}

/** The first finding that keeps the file from being drawn: a syntax error. */
export function blockingError(analysis: Analysis): ErrorMessage['error'] | undefined {
  const f = analysis.findings.find((x) => x.severity === 'error' && x.code.startsWith('TF1'));
  if (!f) return undefined;
  const pos = analysis.lines.positionAt(f.start);
  return { line: pos.line, column: pos.character, code: f.code, message: f.message };
}

export interface BuildOptions {
  version: number;
  uri?: string;
  /** Zero-based cursor line, if the document has an editor. */
  cursorLine?: number;
  /** The window drawn last time, kept when the cursor is still inside it. */
  currentWindow?: SegmentWindow;
}

/** The message that brings the webview up to date with `analysis`. */
export function buildPreviewMessage(analysis: Analysis, settings: PreviewSettings, opts: BuildOptions): UpdateMessage | ErrorMessage {
  const error = blockingError(analysis);
  if (error) {
    const where = analysis.locale === 'zh-cn' ? `第 ${error.line + 1} 行，第 ${error.column + 1} 列` : `Line ${error.line + 1}, column ${error.column + 1}`;
    const keep = analysis.locale === 'zh-cn' ? '（图中显示的是上一次的有效内容）' : ' (the diagram shows the last version that could be drawn)';
    return { command: 'error', version: opts.version, uri: opts.uri, error, banner: `${where}: ${error.code} ${error.message}${keep}` };
  }
  const total = analysis.model.events.reduce((n, e) => n + (e.kind === 'segment' ? 1 : 0), 0);
  let window: SegmentWindow | undefined;
  if (total > settings.maxMessages) {
    const focus = opts.cursorLine === undefined ? 0 : segmentAtLine(segmentLines(analysis), opts.cursorLine);
    window = chooseWindow(total, settings.maxMessages, focus, opts.currentWindow);
  }
  // Segments are bounded by the window; everything else (notes, calls, findings) by this.
  const maxStatements = Math.max(1000, settings.maxMessages * 8);
  const result = renderMermaid(analysis, { numbers: settings.numbers, states: settings.states, autonumber: settings.autonumber, window, maxStatements });
  return {
    command: 'update',
    version: opts.version,
    uri: opts.uri,
    mermaid: result.text,
    arrows: result.arrows,
    notes: result.notes,
    segments: result.segments,
    window,
    status: window ? windowStatus(window, total, analysis.locale) : '',
    highlight: opts.cursorLine,
    locale: analysis.locale,
  };
}

/**
 * The extension's side of one preview, without VS Code: numbers the updates, keeps the window
 * of a large flow steady, and leaves out messages that would change nothing. An edit that
 * leaves the diagram as it was (a comment, spacing) yields no message; one that only moves
 * lines yields an update whose diagram text is unchanged, which the webview applies without
 * redrawing.
 */
export class PreviewSession {
  private version = 0;
  private window: SegmentWindow | undefined;
  private windowLines: { first: number; last: number } | undefined;
  private last: { mermaid: string; key: string } | undefined;
  /** The diagram text last posted. */
  lastMermaid: string | undefined;

  /** Forget what the webview shows (it was reloaded, or the settings or the document changed). */
  reset(keepWindow = false): void {
    this.last = undefined;
    if (!keepWindow) {
      this.window = undefined;
      this.windowLines = undefined;
    }
  }

  update(analysis: Analysis, settings: PreviewSettings, opts: { uri?: string; cursorLine?: number }): UpdateMessage | ErrorMessage | undefined {
    const message = buildPreviewMessage(analysis, settings, { version: this.version + 1, uri: opts.uri, cursorLine: opts.cursorLine, currentWindow: this.window });
    if (message.command === 'error') {
      this.version++;
      this.last = undefined;
      return message;
    }
    this.window = message.window;
    let window: { first: number; last: number } | undefined;
    if (message.window) {
      for (const a of message.arrows) {
        if (!window) window = { first: a.line, last: a.line };
        else if (a.line < window.first) window.first = a.line;
        else if (a.line > window.last) window.last = a.line;
      }
    }
    this.windowLines = window;
    const key = JSON.stringify([message.arrows, message.notes, message.status, message.uri]);
    if (this.last && this.last.mermaid === message.mermaid && this.last.key === key) return undefined;
    this.version++;
    this.last = { mermaid: message.mermaid, key };
    this.lastMermaid = message.mermaid;
    return message;
  }

  /**
   * The cursor moved to `line`: a highlight message, or undefined when the flow is windowed and
   * the line lies outside the drawn part (then call `update` to draw a new window).
   */
  cursor(line: number): HighlightMessage | undefined {
    if (this.window && this.windowLines && (line < this.windowLines.first || line > this.windowLines.last)) return undefined;
    return { command: 'highlight', line };
  }
}
