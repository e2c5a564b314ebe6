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

const PIECES = ['1', '0', '9', ' ', '\n', '#', '(', ')', '\u0001', ';', '\r\n', 'x', '+', '=', 'ack=', 'seq=', 'FIN ', 'RST ', ' lost', 'C -> S ACK seq=1 ack=1\n', 'deliver d1\n', 'wait 2MSL\n', 'C: ESTABLISHED\n', '"', '、'];

/** One random edit as a typist makes it: insert a piece, delete, cut or paste lines, change a digit. */
export function edit(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const kind = r();
  if (kind < 0.45) return text.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)] + text.slice(at);
  if (kind < 0.6) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(r() * 6)));
  // Larger cuts and pastes: several lines at once.
  if (kind < 0.7) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(r() * 200)));
  if (kind < 0.8) {
    const from = Math.floor(r() * text.length);
    return text.slice(0, at) + text.slice(from, from + Math.floor(r() * 120)) + text.slice(at);
  }
  // Replace a digit by another: the commonest real edit, a number fixed or broken.
  const digits = [...text.matchAll(/\d/g)].map((m) => m.index!);
  if (digits.length === 0) return text;
  const d = digits[Math.floor(r() * digits.length)];
  return text.slice(0, d) + String(Math.floor(r() * 10)) + text.slice(d + 1);
}

/** A flow with every kind of state a checkpoint must restore (and a check must follow). */
export const RICH_FLOW = [
  'title "resume"',
  'client C isn=100',
  'server S isn=900 backlog=4',
  'client D',
  'msl 30s',
  'C -> S SYN seq=100',
  'S -> C SYN ACK seq=900 ack=101',
  'C -> S ACK seq=101 ack=901',
  'C -> S PSH ACK seq=101 ack=901 len=10 delay=d1   # held in the network',
  'C -> S PSH ACK seq=111 ack=901 len=10',
  'S -> C ACK seq=901 ack=101',
  'deliver d1',
  'S -> C ACK seq=901 ack=121',
  'D -> S SYN seq=x',
  'S -> D SYN ACK seq=y ack=x+1',
  'D -> S ACK seq=x+1 ack=y+1',
  'D -> S PSH ACK seq=x+1 ack=y+1 http "GET / HTTP/1.0"',
  'S -> D PSH ACK seq=y+1 ack=x+17 len=20 http "HTTP/1.0 200 OK"',
  'C -> S PSH ACK seq=121 ack=901 tls1.3 ClientHello',
  'S -> C PSH ACK seq=901 ack=121 tls1.3 ServerHello',
  'C -> S FIN ACK seq=u ack=901',
  'S -> C ACK seq=901 ack=u+1',
  'S -> C FIN ACK seq=v ack=u+1',
  'C -> S ACK seq=u+1 ack=v+1',
  'C: TIME_WAIT, S[C]: CLOSED',
  'wait 2MSL',
  'C: CLOSED',
  'C -> S ACK seq=5 ack=5',
  'S -> C RST seq=5',
  'D -> S FIN ACK seq=x+17 ack=y+21',
  'numbers relative',
  'note C "the end"',
].join('\n');

/**
 * A receive buffer filled, probed and read (`rcvbuf=`, `S read`): the read pointer lives in the
 * TCB, so the random edits of the resume and findings-only tests reach it too.
 */
export const BUFFER_FLOW = [
  'client C',
  'server S rcvbuf=3000',
  'C -> S SYN seq=1000',
  'S -> C SYN ACK seq=5000 ack=1001',
  'C -> S ACK seq=1001 ack=5001',
  'C -> S PSH ACK seq=1001 ack=5001 len=3000',
  'S -> C ACK seq=5001 ack=4001 win=0',
  'wait RTO',
  'C -> S ACK seq=4001 ack=5001 len=1',
  'S -> C ACK seq=5001 ack=4001',
  'S read 1000',
  'S -> C ACK seq=5001 ack=4001 win=1000',
  'C -> S PSH ACK seq=4001 ack=5001 len=1000',
  'S -> C ACK seq=5001 ack=5001',
  'S read',
  'S -> C ACK seq=5001 ack=5001 win=3000',
  'C -> S FIN ACK seq=5001 ack=5001',
  'S -> C ACK seq=5001 ack=5002',
  'S read',
  'S: CLOSE_WAIT',
].join('\n');
