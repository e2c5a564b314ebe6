/**
 * Moving parsed statements after an edit: the lines after the edited ones are the same text at
 * another offset, so their statements are kept and every offset in them moves by the edit's
 * change in length, instead of parsing them again.
 */
import type { Statement } from './ast';

/**
 * Add `delta` to every `start` and `end` in the statement's tree. A node may be reachable twice
 * within one statement (error recovery can give two items one state), so each is moved once:
 * the nodes of one statement are few, and a short list finds them faster than a set.
 */
export function shiftStatement(st: Statement, delta: number): void {
  const seen: object[] = [];
  shiftNode(st as unknown as Record<string, unknown>, delta, seen);
}

function shiftNode(node: Record<string, unknown>, delta: number, seen: object[]): void {
  if (seen.includes(node)) return;
  seen.push(node);
  for (const key in node) {
    const v = node[key];
    if (typeof v === 'number') {
      if (key === 'start' || key === 'end') node[key] = v + delta;
    } else if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        for (const item of v) if (item !== null && typeof item === 'object') shiftNode(item as Record<string, unknown>, delta, seen);
      } else shiftNode(v as Record<string, unknown>, delta, seen);
    }
  }
}
