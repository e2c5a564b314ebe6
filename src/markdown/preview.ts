/**
 * Runs inside VS Code's Markdown preview: turns the Mermaid text emitted by the plugin into SVG.
 * Re-entrant: runs again on every `vscode.markdown.updateContent`, and drops stale renders.
 */
import mermaid from 'mermaid';

let generation = 0;

function theme(): 'dark' | 'default' {
  const c = document.body.classList;
  return c.contains('vscode-dark') || c.contains('vscode-high-contrast') ? 'dark' : 'default';
}

async function renderAll(): Promise<void> {
  const mine = ++generation;
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: theme() });
  const blocks = Array.from(document.querySelectorAll<HTMLElement>('pre[data-tcpflow-diagram]'));
  for (let i = 0; i < blocks.length; i++) {
    const pre = blocks[i];
    const text = pre.textContent ?? '';
    if (!text.trim()) continue;
    try {
      const { svg } = await mermaid.render(`tcpflow-md-${mine}-${i}`, text);
      if (mine !== generation) return;
      const holder = document.createElement('div');
      holder.className = 'tcpflow-svg';
      // The SVG is produced by Mermaid in strict mode from escaped text, never from file HTML.
      holder.innerHTML = svg;
      pre.replaceWith(holder);
    } catch (e) {
      pre.setAttribute('data-tcpflow-error', String((e as Error).message ?? e));
    }
  }
}

window.addEventListener('vscode.markdown.updateContent', () => void renderAll());
void renderAll();
