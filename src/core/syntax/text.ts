/**
 * Offsets and positions. The core works in UTF-16 offsets (JavaScript string indices);
 * adapters convert with a LineIndex into the form they need: LSP wants zero-based
 * line/character in UTF-16 units, the CLI wants one-based line/column.
 */

export interface Span {
  /** Offset of the first UTF-16 unit. */
  start: number;
  /** Offset one past the last UTF-16 unit. */
  end: number;
}

export interface Position {
  /** Zero-based line. */
  line: number;
  /** Zero-based UTF-16 column. */
  character: number;
}

function doubled(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

export class LineIndex {
  /** Offset at which each line starts (a typed array: no object per line, nothing for the collector). */
  readonly lineStarts: Int32Array;

  constructor(readonly text: string) {
    let starts: Int32Array = new Int32Array(Math.min(1024, text.length + 1));
    let n = 1;
    const add = (at: number): void => {
      if (n === starts.length) starts = doubled(starts);
      starts[n++] = at;
    };
    if (text.indexOf('\r') < 0) {
      // Only LF breaks (the common case): let indexOf find them.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) add(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) add(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          add(i + 1);
        }
      }
    }
    this.lineStarts = starts.subarray(0, n);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[pos.line];
    const end = this.lineEnd(pos.line);
    return Math.min(start + Math.max(0, pos.character), end);
  }

  /** Offset of the end of a line's content (before its line break). */
  lineEnd(line: number): number {
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    while (end > this.lineStarts[line] && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }
}
