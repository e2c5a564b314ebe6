/**
 * A line being typed is not a syntax error yet. While an edit is fresh, the syntax findings
 * (TF1xxx: `'S' starts no statement`, `Expected …`) on the line of the last edit are held back;
 * they are published once the user pauses (HOLD_MS after the check that would have shown them)
 * or leaves the line (the client's status bar asks `tcpflow/statesAt` for another line, or an
 * edit lands elsewhere, or a line break ends the line). Every other finding, and syntax findings
 * on other lines, are published at once.
 */
import type { Diagnostic } from 'vscode-languageserver';

/** How long after the (debounced) check a held syntax finding waits for more typing. */
export const HOLD_MS = 700;

interface Edit {
  /** Zero-based line the last change left the cursor on. */
  line: number;
  at: number;
}

interface Change {
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function isSyntax(d: Diagnostic): boolean {
  return typeof d.code === 'string' && /^TF1\d{3}$/.test(d.code);
}

export class TypingHold {
  private readonly edits = new Map<string, Edit>();
  /** Off until the client asks for it (`InitializationOptions.holdSyntaxWhileTyping`). */
  enabled = false;

  /** An incremental change: the line where its last piece ends. A whole-text change holds nothing. */
  noteChanges(uri: string, changes: readonly Change[]): void {
    const last = changes[changes.length - 1];
    if (!this.enabled || !last || !last.range) {
      this.edits.delete(uri);
      return;
    }
    const breaks = last.text.split('\n').length - 1;
    this.edits.set(uri, { line: last.range.start.line + breaks, at: now() });
  }

  /** The cursor is on `line`: an edit on another line is no longer fresh. Returns whether a hold ended. */
  cursorAt(uri: string, line: number): boolean {
    const e = this.edits.get(uri);
    if (!e || e.line === line) return false;
    this.edits.delete(uri);
    return true;
  }

  forget(uri: string): void {
    this.edits.delete(uri);
  }

  /**
   * What to publish now, and, when something is held, in how many milliseconds to check again
   * (`delay` is the debounce the check waited; the hold lasts until `delay + HOLD_MS` after the edit).
   */
  filter(uri: string, diagnostics: Diagnostic[], delay: number): { publish: Diagnostic[]; retryInMs?: number } {
    const e = this.edits.get(uri);
    if (!e) return { publish: diagnostics };
    const left = e.at + delay + HOLD_MS - now();
    if (left <= 0) {
      this.edits.delete(uri);
      return { publish: diagnostics };
    }
    const publish = diagnostics.filter((d) => !(isSyntax(d) && d.range.start.line <= e.line && d.range.end.line >= e.line));
    return publish.length === diagnostics.length ? { publish } : { publish, retryInMs: Math.ceil(left) };
  }
}
