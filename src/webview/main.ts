/**
 * The preview webview: draws the Mermaid text the extension sends, maps clicks on arrows and
 * notes back to source lines, highlights the arrow under the editor's cursor, follows the
 * VS Code theme, zooms and pans, and exports SVG/PNG.
 *
 * Safety: the page's policy allows only this (nonce-tagged) script; Mermaid runs with
 * `securityLevel: 'strict'`; text from the extension is only ever set with `textContent`, and
 * the one piece of markup inserted, the SVG, is Mermaid's own (sanitised) output, parsed in an
 * inert `<template>` (nothing in it runs or loads) with any script removed, then moved in.
 */
import mermaid from 'mermaid';
import type { ErrorMessage, FromWebview, ThemeKind, ToWebview, UpdateMessage } from '../core/render/preview';
import type { Locale } from '../core/check/findings';
import { TOOLBAR_BUTTONS, htmlLang, localeOfLang, ws } from './strings';
import { PREVIEW_FONT_FAMILY, PREVIEW_FONT_SIZE_PX, mermaidConfig } from './mermaid-config';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  uri?: string;
  zoom?: number;
}

const vscode = acquireVsCodeApi();
const post = (m: FromWebview): void => vscode.postMessage(m);

const viewport = document.getElementById('viewport') as HTMLDivElement;
const canvas = document.getElementById('canvas') as HTMLDivElement;
const banner = document.getElementById('banner') as HTMLDivElement;
const status = document.getElementById('status') as HTMLSpanElement;
const zoomLabel = document.getElementById('zoom-reset') as HTMLButtonElement;

/** The page's language: as made by html.ts, then as each update says. */
let locale: Locale = localeOfLang(document.documentElement.lang);

function setLocale(next: Locale): void {
  if (next === locale) return;
  locale = next;
  document.documentElement.lang = htmlLang(locale);
  document.title = ws(locale, 'pageTitle');
  (document.getElementById('toolbar') as HTMLElement).setAttribute('aria-label', ws(locale, 'toolbar'));
  for (const [id, title, label] of TOOLBAR_BUTTONS) {
    const button = document.getElementById(id);
    button?.setAttribute('title', ws(locale, title));
    button?.setAttribute('aria-label', ws(locale, label));
  }
}

const saved = (vscode.getState() ?? {}) as SavedState;
let zoom = typeof saved.zoom === 'number' && saved.zoom > 0 ? saved.zoom : 1;
/**
 * Until the user zooms, the diagram is fitted to the pane's width whenever it is wider than the
 * pane (never enlarged past 100 %), on every render and when the pane is resized: a preview in a
 * side pane opens with every lifeline in view. A zoom the user chose is kept (and saved).
 */
let autoFit = !(typeof saved.zoom === 'number' && saved.zoom > 0);
let uri = saved.uri;

/** What is on screen. */
let shown: { mermaid: string; theme: ThemeKind; message: UpdateMessage; width: number; height: number } | undefined;
/** The latest update not yet drawn; intermediate ones are dropped. */
let wanted: UpdateMessage | undefined;
let forceRedraw = false;
let busy = false;
let renderCount = 0;
let highlighted: number | undefined;
let themeOverride: ThemeKind | undefined;

function saveState(): void {
  vscode.setState((autoFit ? { uri } : { uri, zoom }) satisfies SavedState);
}

// ---- theme ----

function bodyTheme(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

function currentTheme(): ThemeKind {
  return themeOverride ?? bodyTheme();
}

/** The theme Mermaid was last initialised for: initialising again only when it changes. */
let configuredTheme: ThemeKind | undefined;

function configureMermaid(theme: ThemeKind): void {
  if (configuredTheme === theme) return;
  mermaid.initialize(mermaidConfig(theme));
  configuredTheme = theme;
}

// ---- drawing ----

function showBanner(text: string | undefined): void {
  if (text === undefined) {
    if (banner.hidden) return;
    banner.hidden = true;
    banner.textContent = '';
  } else {
    banner.textContent = text;
    banner.hidden = false;
  }
}

/** Parses Mermaid's SVG text; a template's content is inert (nothing in it runs or loads). */
const parser = document.createElement('template');

/** Parse Mermaid's SVG text in an inert fragment and take the element out of it. */
function svgElement(svgText: string): SVGSVGElement {
  parser.innerHTML = svgText;
  const svg = parser.content.querySelector('svg');
  parser.innerHTML = '';
  if (!svg) throw new Error(ws(locale, 'noSvg'));
  for (const bad of Array.from(svg.querySelectorAll('script, foreignObject iframe'))) bad.remove();
  return svg;
}

let measureContext: CanvasRenderingContext2D | null | undefined;

/** Width of `text` in the diagram's font, measured on a canvas (no page layout). */
function textWidth(text: string): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return 0;
  measureContext.font = `${PREVIEW_FONT_SIZE_PX}px ${PREVIEW_FONT_FAMILY}`;
  return measureContext.measureText(text).width;
}

/**
 * Mermaid's viewBox leaves out the title: centre the title and widen the viewBox to it when it
 * is wider than the diagram. Done from the attributes and a canvas measurement, so that the new
 * diagram is laid out once, when it is painted.
 */
function fitViewBox(svg: SVGSVGElement): { width: number; height: number } {
  const vb = svg.viewBox.baseVal;
  let x = vb && vb.width > 0 ? vb.x : 0;
  const y = vb && vb.height > 0 ? vb.y : 0;
  let width = vb && vb.width > 0 ? vb.width : Number(svg.getAttribute('width')) || 1;
  const height = vb && vb.height > 0 ? vb.height : Number(svg.getAttribute('height')) || 1;
  let title: Element | undefined;
  for (const c of Array.from(svg.children)) {
    if (c.tagName.toLowerCase() === 'text' && !c.getAttribute('class')) {
      title = c;
      break;
    }
  }
  if (title) {
    const centre = x + width / 2;
    title.setAttribute('x', String(centre));
    title.setAttribute('text-anchor', 'middle');
    const need = textWidth(title.textContent ?? '') + 2 * TITLE_PAD;
    if (need > width) {
      x = centre - need / 2;
      width = need;
    }
  }
  svg.setAttribute('viewBox', `${x} ${y} ${width} ${height}`);
  return { width, height };
}

const TITLE_PAD = 8;

/**
 * After the diagram is laid out for painting: grow the viewBox to anything still drawn outside
 * it (a safety net behind `fitViewBox`; the layout is the one the frame needs anyway).
 */
function growToContent(svg: SVGSVGElement): void {
  if (!shown || canvas.firstElementChild !== svg) return;
  let box: DOMRect;
  try {
    box = svg.getBBox();
  } catch {
    return;
  }
  if (!(box.width > 0 && box.height > 0)) return;
  const vb = svg.viewBox.baseVal;
  const x = Math.min(vb.x, box.x - TITLE_PAD);
  const y = Math.min(vb.y, box.y - TITLE_PAD);
  const right = Math.max(vb.x + vb.width, box.x + box.width + TITLE_PAD);
  const bottom = Math.max(vb.y + vb.height, box.y + box.height + TITLE_PAD);
  // Within a pixel: nothing is cut off.
  if (x > vb.x - 1 && y > vb.y - 1 && right < vb.x + vb.width + 1 && bottom < vb.y + vb.height + 1) return;
  svg.setAttribute('viewBox', `${x} ${y} ${right - x} ${bottom - y}`);
  shown.width = right - x;
  shown.height = bottom - y;
  if (autoFit) zoom = fittedZoom(shown.width);
  applyZoom();
}

function applyZoom(): void {
  const svg = canvas.querySelector('svg');
  if (svg && shown) {
    svg.setAttribute('width', String(Math.round(shown.width * zoom)));
    svg.setAttribute('height', String(Math.round(shown.height * zoom)));
  }
  zoomLabel.textContent = `${Math.round(zoom * 100)}%`;
}

/** The elements in the order of their `data-id` numbers (Mermaid's drawing order), each read once. */
function byDataId(elements: ArrayLike<Element>): Element[] {
  const keyed = Array.from(elements, (e) => ({ e, n: Number((e.getAttribute('data-id') ?? '').replace(/\D/g, '')) || 0 }));
  keyed.sort((a, b) => a.n - b.n);
  return keyed.map((k) => k.e);
}

/** Tag every message and note with the source line it stands for. */
function annotate(svg: SVGSVGElement, m: UpdateMessage): void {
  for (const old of Array.from(svg.querySelectorAll('.tf-hit'))) old.remove();
  const messages = byDataId(svg.querySelectorAll('[data-et="message"]'));
  messages.forEach((el, i) => {
    const arrow = m.arrows[i];
    if (!arrow) return;
    const line = String(arrow.line);
    const parts: Element[] = [el];
    for (let p = el.previousElementSibling; p && p.classList.contains('messageText'); p = p.previousElementSibling) parts.push(p);
    for (const p of parts) {
      p.setAttribute('data-tf-line', line);
      p.setAttribute('data-tf-arrow', String(i));
    }
    el.classList.add('tf-line');
    // A wide transparent copy of the line so that it is easy to click.
    if (el.tagName.toLowerCase() === 'line' || el.tagName.toLowerCase() === 'path') {
      const hit = el.cloneNode(false) as Element;
      hit.removeAttribute('marker-end');
      hit.removeAttribute('marker-start');
      hit.removeAttribute('style');
      hit.removeAttribute('data-et');
      hit.removeAttribute('data-id');
      hit.setAttribute('class', 'tf-hit');
      hit.setAttribute('data-tf-line', line);
      hit.setAttribute('data-tf-arrow', String(i));
      el.after(hit);
    }
  });
  const notes = byDataId(svg.querySelectorAll('g[data-et="note"]'));
  notes.forEach((g, i) => {
    const note = m.notes[i];
    if (!note) return;
    g.setAttribute('data-tf-line', String(note.line));
    g.setAttribute('data-tf-note', String(i));
  });
  svg.setAttribute('data-tf-arrows', String(messages.length));
  svg.setAttribute('data-tf-notes', String(notes.length));
}

/**
 * Draw `m`, or only remap its lines when its diagram text is what is shown. Everything from the
 * message's arrival to the new SVG in place runs in one task (Mermaid's render awaits nothing
 * but promises once its diagram code is loaded) and lays nothing out: the new diagram is laid
 * out once, for the frame that paints it.
 */
async function draw(m: UpdateMessage, force: boolean): Promise<void> {
  const started = performance.now();
  const theme = currentTheme();
  if (m.uri !== undefined && m.uri !== uri) {
    uri = m.uri;
    saveState();
  }
  if (m.locale) setLocale(m.locale);
  if (status.textContent !== m.status) status.textContent = m.status;
  if (!force && shown && shown.mermaid === m.mermaid && shown.theme === theme) {
    // Same diagram: only the line mapping may have moved (a comment or blank line added).
    const svg = canvas.querySelector('svg');
    if (svg) annotate(svg as SVGSVGElement, m);
    shown.message = m;
    showBanner(undefined);
    if (m.highlight !== undefined) highlight(m.highlight, false);
    post({ command: 'rendered', version: m.version, skipped: true, mermaidMs: 0, totalMs: performance.now() - started, theme });
    return;
  }
  configureMermaid(theme);
  const id = `tcpflow-diagram-${++renderCount}`;
  let svgText: string;
  const t0 = performance.now();
  try {
    svgText = (await mermaid.render(id, m.mermaid)).svg;
  } catch (e) {
    document.getElementById(id)?.remove();
    document.getElementById(`d${id}`)?.remove();
    const message = e instanceof Error ? e.message : String(e);
    showBanner(ws(locale, 'drawFailed', message));
    post({ command: 'renderFailed', version: m.version, message });
    return;
  }
  const mermaidMs = performance.now() - t0;
  const svg = svgElement(svgText);
  svg.removeAttribute('style');
  svg.setAttribute('role', 'img');
  const size = fitViewBox(svg);
  annotate(svg, m);
  shown = { mermaid: m.mermaid, theme, message: m, width: size.width, height: size.height };
  // The pane's width as last laid out: reading it lays nothing out.
  if (autoFit) zoom = fittedZoom(size.width);
  svg.setAttribute('width', String(Math.round(size.width * zoom)));
  svg.setAttribute('height', String(Math.round(size.height * zoom)));
  const label = `${Math.round(zoom * 100)}%`;
  if (zoomLabel.textContent !== label) zoomLabel.textContent = label;
  // One swap: the old diagram goes and the new one comes before anything is laid out, so the
  // scroll position stays (clamped only if the new diagram is smaller).
  canvas.replaceChildren(svg);
  showBanner(undefined);
  const line = m.highlight ?? highlighted;
  if (line !== undefined) highlight(line, false);
  post({ command: 'rendered', version: m.version, skipped: false, mermaidMs, totalMs: performance.now() - started, theme });
  // Before the frame that paints it: the safety net for the viewBox, and scrolling the cursor's
  // arrow into view, both with the one layout that frame needs.
  const scrollTo = m.highlight;
  requestAnimationFrame(() => {
    growToContent(svg);
    if (scrollTo !== undefined && canvas.firstElementChild === svg) highlight(scrollTo, true);
  });
}

async function pump(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    while (wanted) {
      const m = wanted;
      const force = forceRedraw;
      wanted = undefined;
      forceRedraw = false;
      await draw(m, force);
    }
  } finally {
    busy = false;
  }
}

function request(m: UpdateMessage, force = false): void {
  wanted = m;
  forceRedraw = forceRedraw || force;
  void pump();
}

function redraw(): void {
  const m = wanted ?? shown?.message;
  if (m) request(m, true);
}

// ---- highlight and reveal ----

function highlight(requested: number, scroll: boolean): void {
  const line = Math.trunc(Number(requested));
  if (!Number.isFinite(line)) return;
  highlighted = line;
  for (const el of Array.from(canvas.querySelectorAll('.tf-active'))) el.classList.remove('tf-active');
  let targets = Array.from(canvas.querySelectorAll(`[data-tf-arrow][data-tf-line="${line}"]`));
  if (targets.length === 0) targets = Array.from(canvas.querySelectorAll(`[data-tf-note][data-tf-line="${line}"]`));
  if (targets.length === 0) return;
  for (const el of targets) el.classList.add('tf-active');
  if (!scroll) return;
  const target = targets.find((t) => !t.classList.contains('tf-hit')) ?? targets[0];
  const r = target.getBoundingClientRect();
  const v = viewport.getBoundingClientRect();
  if (r.top < v.top || r.bottom > v.bottom) viewport.scrollTop += r.top + r.height / 2 - (v.top + v.height / 2);
  if (r.left < v.left || r.right > v.right) viewport.scrollLeft += r.left + r.width / 2 - (v.left + v.width / 2);
}

canvas.addEventListener('click', (e) => {
  if (dragged) return;
  const target = (e.target as Element | null)?.closest('[data-tf-line]');
  if (!target) return;
  const line = Number(target.getAttribute('data-tf-line'));
  if (Number.isInteger(line) && line >= 0) post({ command: 'reveal', line });
});

// ---- zoom and pan ----

function setZoom(next: number, anchor?: { x: number; y: number }): void {
  autoFit = false;
  const z = Math.min(8, Math.max(0.1, next));
  const v = viewport.getBoundingClientRect();
  const ax = anchor ? anchor.x - v.left : v.width / 2;
  const ay = anchor ? anchor.y - v.top : v.height / 2;
  const cx = (viewport.scrollLeft + ax) / zoom;
  const cy = (viewport.scrollTop + ay) / zoom;
  zoom = z;
  applyZoom();
  viewport.scrollLeft = cx * zoom - ax;
  viewport.scrollTop = cy * zoom - ay;
  saveState();
}

function fitWidth(): void {
  if (!shown) return;
  const avail = viewport.clientWidth - 32;
  if (avail > 0) setZoom(avail / shown.width);
}

/**
 * The pane's inner width as last laid out, kept by the ResizeObserver below (which sees every
 * change of it, the scroll bar's coming and going included): a render reads it without making
 * the browser lay the page out again (Mermaid's render leaves the layout dirty).
 */
let paneWidth: number | undefined;

/** The zoom that shows a diagram this wide whole in the pane: 1 when it fits, less when not. */
function fittedZoom(width: number): number {
  const avail = (paneWidth ?? viewport.clientWidth) - 32;
  if (avail <= 0 || width <= avail) return 1;
  return Math.max(0.1, avail / width);
}

new ResizeObserver(() => {
  // Called after layout: reading the width here costs nothing.
  paneWidth = viewport.clientWidth;
  if (!autoFit || !shown) return;
  const z = fittedZoom(shown.width);
  if (Math.abs(z - zoom) < 0.001) return;
  zoom = z;
  applyZoom();
}).observe(viewport);

(document.getElementById('zoom-in') as HTMLButtonElement).addEventListener('click', () => setZoom(zoom * 1.25));
(document.getElementById('zoom-out') as HTMLButtonElement).addEventListener('click', () => setZoom(zoom / 1.25));
zoomLabel.addEventListener('click', () => setZoom(1));
(document.getElementById('zoom-fit') as HTMLButtonElement).addEventListener('click', fitWidth);

viewport.addEventListener(
  'wheel',
  (e) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    setZoom(zoom * Math.exp(-e.deltaY / 300), { x: e.clientX, y: e.clientY });
  },
  { passive: false },
);

viewport.addEventListener('keydown', (e) => {
  if (e.key === '+' || e.key === '=') setZoom(zoom * 1.25);
  else if (e.key === '-') setZoom(zoom / 1.25);
  else if (e.key === '0') setZoom(1);
  else if (e.key === 'f' || e.key === 'F') fitWidth();
});

let drag: { x: number; y: number; left: number; top: number } | undefined;
let dragged = false;
viewport.addEventListener('mousedown', (e) => {
  if (e.button !== 0) return;
  drag = { x: e.clientX, y: e.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
  dragged = false;
});
window.addEventListener('mousemove', (e) => {
  if (!drag) return;
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
  dragged = true;
  viewport.classList.add('panning');
  viewport.scrollLeft = drag.left - dx;
  viewport.scrollTop = drag.top - dy;
});
window.addEventListener('mouseup', () => {
  drag = undefined;
  viewport.classList.remove('panning');
  // Let the click that ends a drag see `dragged`, then reset it.
  setTimeout(() => (dragged = false), 0);
});

// ---- export ----

function standaloneSvg(): { text: string; width: number; height: number } | undefined {
  const svg = canvas.querySelector('svg');
  if (!svg || !shown) return undefined;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  for (const el of Array.from(copy.querySelectorAll('.tf-hit'))) el.remove();
  for (const el of Array.from(copy.querySelectorAll('.tf-active'))) el.classList.remove('tf-active');
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(Math.ceil(shown.width)));
  copy.setAttribute('height', String(Math.ceil(shown.height)));
  const bg = getComputedStyle(document.body).backgroundColor;
  copy.style.backgroundColor = bg;
  return { text: new XMLSerializer().serializeToString(copy), width: shown.width, height: shown.height };
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000)); // bounded: 32 K per call
  return btoa(binary);
}

async function toPng(svg: { text: string; width: number; height: number }): Promise<string> {
  const scale = 2;
  const img = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error(ws(locale, 'svgNotImage')));
  });
  img.src = `data:image/svg+xml;base64,${base64(new TextEncoder().encode(svg.text))}`;
  await loaded;
  const c = document.createElement('canvas');
  c.width = Math.ceil(svg.width * scale);
  c.height = Math.ceil(svg.height * scale);
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error(ws(locale, 'noCanvas'));
  ctx.fillStyle = getComputedStyle(document.body).backgroundColor || '#ffffff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(img, 0, 0, c.width, c.height);
  return c.toDataURL('image/png');
}

async function exportDiagram(id: number, format: 'svg' | 'png'): Promise<void> {
  const svg = standaloneSvg();
  if (!svg) {
    post({ command: 'exported', id, format, error: ws(locale, 'nothingToExport') });
    return;
  }
  try {
    post({ command: 'exported', id, format, data: format === 'svg' ? svg.text : await toPng(svg) });
  } catch (e) {
    post({ command: 'exported', id, format, error: e instanceof Error ? e.message : String(e) });
  }
}

// ---- messages ----

function onError(m: ErrorMessage): void {
  uri = m.uri ?? uri;
  saveState();
  // Keep the last good diagram; say what is wrong above it.
  wanted = undefined;
  showBanner(m.banner);
}

window.addEventListener('message', (event: MessageEvent) => {
  const m = event.data as ToWebview | undefined;
  if (!m || typeof m !== 'object') return;
  switch (m.command) {
    case 'update':
      request(m);
      break;
    case 'error':
      onError(m);
      break;
    case 'highlight':
      highlight(m.line, true);
      break;
    case 'theme':
      if (m.kind !== currentTheme()) {
        themeOverride = m.kind;
        redraw();
      } else themeOverride = m.kind;
      break;
    case 'export':
      void exportDiagram(m.id, m.format);
      break;
  }
});

// VS Code changes the body's classes when the colour theme changes.
let lastBodyTheme = bodyTheme();
new MutationObserver(() => {
  const now = bodyTheme();
  if (now === lastBodyTheme) return;
  lastBodyTheme = now;
  themeOverride = undefined;
  redraw();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

zoomLabel.textContent = `${Math.round(zoom * 100)}%`;
post({ command: 'ready' });
