/**
 * Runs inside VS Code's Markdown preview: turns the Mermaid text emitted by the plugin into SVG.
 *
 * When our script runs, the preview's content may not be in the page yet, and later versions of
 * VS Code replace parts of it in place without always announcing it with
 * `vscode.markdown.updateContent`. So the script draws whatever `pre[data-tcpflow-diagram]` is in
 * the page now, on that event, and whenever such an element is added (a MutationObserver); draws
 * are coalesced into one pass per task, run one at a time (Mermaid's render is not re-entrant),
 * and a block drawn once is replaced by its SVG, so a pass never draws it again.
 */
import mermaid from 'mermaid';

const BLOCKS = 'pre[data-tcpflow-diagram]';

let ids = 0;
let running = false;
let again = false;
let scheduled = false;
let themed: string | undefined;

function theme(): 'dark' | 'default' {
  const c = document.body.classList;
  return c.contains('vscode-dark') || c.contains('vscode-high-contrast') ? 'dark' : 'default';
}

/** Draws every block still in the page; a request during a pass makes one more pass after it. */
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
      if (t !== themed) {
        mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: t });
        themed = t;
      }
      for (const pre of Array.from(document.querySelectorAll<HTMLElement>(BLOCKS))) {
        if (!pre.isConnected || pre.hasAttribute('data-tcpflow-error')) continue;
        const text = pre.textContent ?? '';
        if (!text.trim()) continue;
        try {
          const { svg } = await mermaid.render(`tcpflow-md-${++ids}`, text);
          // The page may have replaced the block meanwhile: its successor gets its own draw.
          if (!pre.isConnected) continue;
          const holder = document.createElement('div');
          holder.className = 'tcpflow-svg';
          // The SVG is produced by Mermaid in strict mode from escaped text, never from file HTML.
          holder.innerHTML = svg;
          pre.replaceWith(holder);
        } catch (e) {
          pre.setAttribute('data-tcpflow-error', String((e as Error).message ?? e));
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

function addsBlock(records: MutationRecord[]): boolean {
  for (const r of records) {
    for (const node of Array.from(r.addedNodes)) {
      if (node.nodeType !== 1) continue;
      const el = node as Element;
      if (el.matches(BLOCKS) || el.querySelector(BLOCKS)) return true;
    }
  }
  return false;
}

new MutationObserver((records) => {
  if (addsBlock(records)) schedule();
}).observe(document.documentElement, { childList: true, subtree: true });
window.addEventListener('vscode.markdown.updateContent', schedule);
schedule();
