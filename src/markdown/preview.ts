/**
 * Runs inside VS Code's Markdown preview: draws the Mermaid text the plugin emits for each
 * ```tcpflow block (`div.tcpflow-block > pre[data-tcpflow-diagram]`) as SVG.
 *
 * The preview updates its content by comparing the new HTML with what the page holds and leaving
 * alone every element that is equal to its new version (same tag, text and attributes, down the
 * tree). So the script never changes a block's own elements: the drawing goes into the block's
 * shadow root, beside a slot that still shows the block's findings and source and hides the
 * Mermaid text. An edit elsewhere in the note leaves the block equal, hence untouched and not
 * drawn again; an edit of the block changes its text in place, and the old drawing stays until
 * the new one replaces it (no flash of Mermaid text). Drawings are kept by theme and text, so a
 * block that comes back, moves, or repeats another is shown again without Mermaid.
 *
 * When the script runs, the content may not be in the page yet, and newer versions of VS Code
 * replace parts of it without always announcing it with `vscode.markdown.updateContent`: the
 * script looks at the blocks on that event and whenever the page's content changes (a
 * MutationObserver); looks are coalesced into one pass per task, run one at a time (Mermaid's
 * render is not re-entrant). A pass shows kept drawings first, then draws the blocks in view,
 * then the rest, one Mermaid render per task.
 *
 * Safety: the only markup inserted is Mermaid's own output (strict mode, sanitised), into the
 * shadow root; errors are set as text.
 */
import mermaid from 'mermaid';
import { keepRecent } from './recent';

/** The plugin's block, and the Mermaid text in it: the only elements the script looks for. */
const BLOCK = '.tcpflow-block';
const DIAGRAM = 'pre[data-tcpflow-diagram]';
const BLOCK_TEXT = `${BLOCK} > ${DIAGRAM}`;
const OWN_TEXT = `:scope > ${DIAGRAM}`;
/** How many drawings are kept (by theme and text) for blocks that come back. */
const KEPT = 64;

type Theme = 'dark' | 'default';

/** What Mermaid made of a text: its SVG, or why it could not draw it. */
type Drawing = { svg: string } | { error: string };

/** A block's shadow root and what it shows. */
interface Shown {
  root: ShadowRoot;
  svg: HTMLDivElement;
  error: HTMLDivElement;
  /** The theme and text of what is shown. */
  key: string;
}

const shown = new WeakMap<Element, Shown>();
const kept = new Map<string, Drawing>();

let ids = 0;
let running = false;
let again = false;
let scheduled = false;
let initialised: Theme | undefined;

function theme(): Theme {
  const c = document.body.classList;
  return c.contains('vscode-dark') || c.contains('vscode-high-contrast') ? 'dark' : 'default';
}

function sheet(css: string): CSSStyleSheet {
  const s = new CSSStyleSheet();
  s.replaceSync(css);
  return s;
}

/** The shadow root's own styles; the page's stylesheet does not reach into it. */
const BASE = sheet(`
  :host { display: block; }
  .tcpflow-svg svg { max-width: 100%; height: auto; }
  .tcpflow-error { color: var(--vscode-editorError-foreground, #e51400); white-space: pre-wrap; }
  [hidden] { display: none !important; }
`);
/** While a drawing is shown, the Mermaid text it was made from is not. */
const HIDE_TEXT = sheet(`::slotted(${DIAGRAM}) { display: none; }`);

function shadowOf(block: Element): Shown {
  let s = shown.get(block);
  if (s) return s;
  const root = block.shadowRoot ?? block.attachShadow({ mode: 'open' });
  const svg = document.createElement('div');
  svg.className = 'tcpflow-svg';
  const error = document.createElement('div');
  error.className = 'tcpflow-error';
  error.hidden = true;
  root.replaceChildren(svg, error, document.createElement('slot'));
  s = { root, svg, error, key: '' };
  shown.set(block, s);
  return s;
}

/** Show `drawing` in the block's shadow root; without one, the block shows as the plugin made it. */
function show(block: Element, key: string, drawing: Drawing | undefined): void {
  const s = shadowOf(block);
  s.key = key;
  if (!drawing) {
    s.svg.replaceChildren();
    s.error.hidden = true;
    s.root.adoptedStyleSheets = [BASE];
  } else if ('svg' in drawing) {
    // Mermaid's output in strict mode, sanitised by it; never text from the file as HTML.
    s.svg.innerHTML = drawing.svg;
    s.error.hidden = true;
    s.error.textContent = '';
    s.root.adoptedStyleSheets = [BASE, HIDE_TEXT];
  } else {
    // The old drawing goes: it no longer stands for the text, which is shown under the error.
    s.svg.replaceChildren();
    s.error.textContent = drawing.error;
    s.error.hidden = false;
    s.root.adoptedStyleSheets = [BASE];
  }
}

async function draw(text: string, t: Theme): Promise<Drawing> {
  if (t !== initialised) {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: t });
    initialised = t;
  }
  const id = `tcpflow-md-${++ids}`;
  try {
    return { svg: (await mermaid.render(id, text)).svg };
  } catch (e) {
    // A failed render may leave its scratch elements behind.
    document.getElementById(id)?.remove();
    document.getElementById(`d${id}`)?.remove();
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The blocks whose drawing is not the one their text and the theme call for. */
function stale(t: Theme): { block: Element; text: string; key: string }[] {
  const out: { block: Element; text: string; key: string }[] = [];
  for (const pre of Array.from(document.querySelectorAll(BLOCK_TEXT))) {
    const block = pre.parentElement as Element;
    const text = pre.textContent ?? '';
    if (!text.trim()) {
      // Nothing to draw (the plugin could not make a diagram): a drawing shown before goes.
      if (shown.get(block)?.key) show(block, '', undefined);
      continue;
    }
    const key = `${t}\n${text}`;
    if (shown.get(block)?.key !== key) out.push({ block, text, key });
  }
  // Kept drawings first (they cost nothing), then what is in view, then the rest in order.
  const rank = (b: { block: Element; key: string }): number => {
    if (kept.has(b.key)) return 0;
    const r = b.block.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight ? 1 : 2;
  };
  return out
    .map((b, i) => ({ b, i, rank: rank(b) }))
    .sort((x, y) => x.rank - y.rank || x.i - y.i)
    .map((x) => x.b);
}

/** Lets the page paint what is drawn and take input before the next Mermaid render. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Brings every block up to date; a request during a pass makes one more pass after it. */
async function renderAll(): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      const t = theme();
      let rendered = false;
      for (const { block, text, key } of stale(t)) {
        let drawing = kept.get(key);
        if (!drawing) {
          // One Mermaid render per task: a long note shows its diagrams one by one, those in view
          // first, and the page answers input between them (in code-server the preview shares
          // the workbench's renderer: the whole window waits on a long task).
          if (rendered) await yieldToPage();
          drawing = await draw(text, t);
          keepRecent(kept, key, drawing, KEPT);
          rendered = true;
        }
        // The page may have changed the block meanwhile: the next pass sees to it.
        const pre = block.querySelector(OWN_TEXT);
        if (!block.isConnected || pre?.textContent !== text) {
          again = true;
          continue;
        }
        try {
          show(block, key, drawing);
        } catch {
          // A block that cannot hold our shadow root (another script's is there) keeps its text.
        }
      }
    } while (again);
  } finally {
    running = false;
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    void renderAll();
  }, 0);
}

/** Whether a change of the page may concern a block: one added, or the text of one changed. */
function touchesBlocks(records: MutationRecord[]): boolean {
  for (const r of records) {
    const target = r.target.nodeType === 1 ? (r.target as Element) : r.target.parentElement;
    if (target?.closest(BLOCK)) return true;
    for (const node of Array.from(r.addedNodes)) {
      if (node.nodeType !== 1) continue;
      const el = node as Element;
      if (el.matches(BLOCK) || el.querySelector(BLOCK)) return true;
    }
  }
  return false;
}

// Content added or changed.
new MutationObserver((records) => {
  if (touchesBlocks(records)) schedule();
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
// The body's theme class (each theme's drawings are kept apart).
new MutationObserver(schedule).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.addEventListener('vscode.markdown.updateContent', schedule);
schedule();
