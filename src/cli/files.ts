/** Expand the CLI's inputs (files, directories, globs with * ** ?) into files to check. */
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CHECKED = /\.(tcpflow|md|markdown)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out']);

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out);
    } else if (e.isFile() && CHECKED.test(e.name)) out.push(p);
  }
}

/** Translate a glob into a regular expression over '/'-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function expandInputs(inputs: string[], cwd: string): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    if (/[*?]/.test(input)) {
      const norm = abs.split(path.sep).join('/');
      const firstGlob = norm.search(/[*?]/);
      const baseDir = norm.slice(0, norm.lastIndexOf('/', firstGlob)) || '/';
      const re = globToRegExp(norm);
      const found: string[] = [];
      const all: string[] = [];
      walk(baseDir, all);
      for (const f of all) if (re.test(f.split(path.sep).join('/'))) found.push(f);
      if (found.length === 0) missing.push(input);
      for (const f of found) files.push(f);
      continue;
    }
    if (!fs.existsSync(abs)) {
      missing.push(input);
      continue;
    }
    if (fs.statSync(abs).isDirectory()) walk(abs, files);
    else files.push(abs);
  }
  return { files: [...new Set(files)], missing };
}

/**
 * A file's text, as `fs.readFileSync(file, 'utf8')` gives it. A file of ASCII only (every
 * imported flow) is copied byte for byte instead of decoded, which takes a tenth of the time.
 */
export function readText(file: string): string {
  const bytes = fs.readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}
