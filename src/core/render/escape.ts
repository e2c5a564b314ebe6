/**
 * Making arbitrary text safe inside a Mermaid sequence diagram.
 *
 * Mermaid reads a sequence diagram line by line: `#` and `%` start comments, `;` ends a
 * statement, `:` separates a message from its text, `<...>` is sanitised away as HTML, `$$`
 * starts KaTeX, `@{` starts participant metadata, and `#name;` / `#123;` are entity codes that
 * Mermaid replaces with private placeholders (`ﬂ°°123¶ß`) before parsing and turns into `&#123;`
 * after rendering. So every character that could mean something to Mermaid is written as a
 * decimal entity code, which Mermaid's lexer never sees and the browser shows literally.
 * Characters that are harmless (letters of any script, digits, the punctuation of numbers and
 * flags) stay as they are, so labels keep their natural width.
 */

/** ASCII characters written as they are; everything else in ASCII becomes `#NN;`. */
const PLAIN_ASCII = /^[A-Za-z0-9 .,=+\-_/()[\]!?*'"~|^]$/;

/** Non-ASCII characters Mermaid itself uses for its entity placeholders. */
const PLACEHOLDER_CHARS = new Set([0xfb02 /* ﬂ */, 0xb0 /* ° */, 0xb6 /* ¶ */, 0xdf /* ß */]);

/** Line breaks of every kind; each becomes a Mermaid `<br/>`. */
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/**
 * One line of text (no line breaks) in Mermaid's notation. Control characters become their
 * visible Unicode "control picture" (␀, ␛), C1 controls and lone surrogates become U+FFFD.
 */
function escapeLine(line: string): string {
  let out = '';
  const chars = [...line];
  chars.forEach((ch, i) => {
    const cp = ch.codePointAt(0) ?? 0xfffd;
    if (cp < 0x80) {
      if (cp === 0x09) out += ' ';
      else if (cp < 0x20) out += String.fromCodePoint(0x2400 + cp);
      else if (cp === 0x7f) out += '\u2421';
      else if (PLAIN_ASCII.test(ch)) out += ch;
      else if (ch === ':' && plainColon(chars, i, out)) out += ch;
      else out += `#${cp};`;
    } else if (cp <= 0x9f || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) {
      out += '\ufffd';
    } else if (PLACEHOLDER_CHARS.has(cp)) {
      out += `#${cp};`;
    } else {
      out += ch;
    }
  });
  return out;
}

/**
 * A colon may stay a colon when a space (or the end) follows it and it does not end a leading
 * `wrap` / `nowrap`. Mermaid reads `:` + non-space + `#` in a line mentioning `style` or
 * `classDef` as a CSS colour and drops the `;` after it, and reads a text starting `wrap:` as a
 * directive; neither can happen then. Everywhere else (`10:30`, `http://`) it is `#58;`.
 */
function plainColon(chars: readonly string[], i: number, before: string): boolean {
  const next = chars[i + 1];
  if (next !== undefined && !/\s/.test(next)) return false;
  return !/^\s*(no)?wrap$/i.test(before);
}

/**
 * An endpoint address (`10.0.0.1:80`, `[2001:db8::1]:443`) for a participant label: written as
 * it is when it holds only address characters, which Mermaid reads literally at the end of a
 * participant line; escaped like any text otherwise.
 */
export function mermaidAddress(address: string): string {
  return /^[0-9A-Za-z.:[\]]+$/.test(address) ? address : mermaidText(address);
}

/**
 * Any text as Mermaid sequence-diagram text (message, note, title, participant label): shows
 * literally and can never end the statement it is in. Line breaks become `<br/>`.
 */
export function mermaidText(text: string): string {
  return text.split(LINE_BREAK).map(escapeLine).join('<br/>');
}

/** Display width of one code point: East Asian wide and full-width characters count two. */
function charWidth(cp: number): number {
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/**
 * Break plain text into lines of at most `width` columns, at spaces where possible and anywhere
 * in a run without spaces (Chinese has none). Existing line breaks are kept.
 */
export function wrapText(text: string, width: number): string[] {
  const result: string[] = [];
  for (const para of text.split(LINE_BREAK)) {
    let line = '';
    let lineWidth = 0;
    const flush = (): void => {
      result.push(line.trimEnd());
      line = '';
      lineWidth = 0;
    };
    // Words keep their trailing space; a word longer than a line is cut by width.
    for (const word of para.match(/\S+\s*|\s+/g) ?? ['']) {
      const w = displayWidth(word.trimEnd());
      if (lineWidth > 0 && lineWidth + w > width) flush();
      if (w <= width) {
        line += word;
        lineWidth += displayWidth(word);
        continue;
      }
      for (const ch of word) {
        const cw = charWidth(ch.codePointAt(0) ?? 0);
        if (lineWidth + cw > width && lineWidth > 0) flush();
        if (line === '' && /\s/.test(ch)) continue;
        line += ch;
        lineWidth += cw;
      }
    }
    flush();
  }
  return result;
}

/** Words Mermaid's sequence lexer treats as keywords (case-insensitive). */
const RESERVED = new Set(
  [
    'sequenceDiagram', 'participant', 'actor', 'create', 'destroy', 'as', 'box', 'loop', 'rect', 'opt', 'alt', 'else', 'par',
    'par_over', 'and', 'critical', 'option', 'break', 'end', 'left', 'right', 'of', 'links', 'link', 'properties', 'details',
    'over', 'note', 'activate', 'deactivate', 'title', 'accTitle', 'accDescr', 'autonumber', 'off', 'wrap', 'nowrap',
  ].map((w) => w.toLowerCase()),
);

/**
 * Participant ids: an endpoint's own name when Mermaid reads it as a plain identifier, a
 * generated `pN` otherwise. A name that starts with an ASCII letter must be all ASCII word
 * characters (so that no keyword can match a prefix of it) and not itself a keyword; a name
 * that starts with any other letter cannot begin a keyword at all.
 */
export class ParticipantIds {
  private readonly byName = new Map<string, string>();
  private readonly used = new Set<string>();
  private counter = 0;

  id(name: string): string {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    let id = name;
    if (!ParticipantIds.usable(name) || this.used.has(id.toLowerCase())) {
      do id = `p${++this.counter}`;
      while (this.used.has(id.toLowerCase()));
    }
    this.byName.set(name, id);
    this.used.add(id.toLowerCase());
    return id;
  }

  static usable(name: string): boolean {
    if (/^[A-Za-z]/.test(name)) return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase());
    return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) && ![...name].some((c) => PLACEHOLDER_CHARS.has(c.codePointAt(0) ?? 0));
  }
}
