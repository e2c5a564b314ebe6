/**
 * Mutations of a flow's text for the property tests: delete, insert, duplicate or swap lines,
 * replace a number, insert characters, or change the whole text (line ends, full-width
 * punctuation, case, spacing). The tests draw the mutations with their own fast-check arbitraries.
 */
export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; line: string }
  | { kind: 'duplicate'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'number'; which: number; value: string }
  | { kind: 'chars'; at: number; chars: string }
  | { kind: 'whole'; how: 'crlf' | 'cr' | 'fullwidth' | 'upper' | 'lower' | 'nospace' | 'tabs' };

const FULL_WIDTH: Record<string, string> = { ',': '，', ':': '：', '=': '＝', '+': '＋', '(': '（', ')': '）', ';': '；', '-': '－' };

export function mutate(text: string, ms: Mutation[]): string {
  let lines = text.split('\n');
  for (const m of ms) {
    const n = lines.length;
    switch (m.kind) {
      case 'delete':
        if (n > 0) lines.splice(m.at % n, 1);
        break;
      case 'insert':
        lines.splice(m.at % (n + 1), 0, m.line);
        break;
      case 'duplicate':
        if (n > 0) lines.splice(m.at % n, 0, lines[m.at % n]);
        break;
      case 'swap':
        if (n > 1) {
          const i = m.at % n;
          const j = m.with % n;
          [lines[i], lines[j]] = [lines[j], lines[i]];
        }
        break;
      case 'number': {
        const joined = lines.join('\n');
        const found = [...joined.matchAll(/\d+/g)];
        if (found.length === 0) break;
        const hit = found[m.which % found.length];
        lines = (joined.slice(0, hit.index!) + m.value + joined.slice(hit.index! + hit[0].length)).split('\n');
        break;
      }
      case 'chars': {
        const joined = lines.join('\n');
        const at = m.at % (joined.length + 1);
        lines = (joined.slice(0, at) + m.chars + joined.slice(at)).split('\n');
        break;
      }
      case 'whole': {
        const joined = lines.join('\n');
        const changed =
          m.how === 'crlf' ? joined.replace(/\n/g, '\r\n')
          : m.how === 'cr' ? joined.replace(/\n/g, '\r')
          : m.how === 'fullwidth' ? joined.replace(/[,:=+();-]/g, (c) => FULL_WIDTH[c])
          : m.how === 'upper' ? joined.toUpperCase()
          : m.how === 'lower' ? joined.toLowerCase()
          : m.how === 'nospace' ? joined.replace(/ +/g, '')
          : joined.replace(/ +/g, '\t');
        lines = changed.split('\n');
        break;
      }
    }
  }
  return lines.join('\n');
}
