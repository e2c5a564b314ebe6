/**
 * The real .vsix, packaged as a release packages it: the production build, then `vsce package`,
 * both in a staged copy of the project's files (tracked and new, not ignored; no tests) with
 * node_modules linked, so that suites running beside it never read a dist/ being rewritten and
 * the working tree's own build is left as it was. Used by the package test and the end-to-end
 * run in VS Code.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Package the extension into the file `out`. */
export function packageVsix(out: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-vsix-stage-'));
  try {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\0')
      .filter((f) => f && !f.startsWith('test/') && f !== 'node_modules' && fs.lstatSync(path.join(ROOT, f), { throwIfNoEntry: false })?.isFile());
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    execFileSync('node', ['scripts/build.mjs', '--production'], { cwd: dir, stdio: 'pipe' });
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', out], { cwd: dir, stdio: 'pipe', env: { ...process.env, VSCE_STORE: 'file' } });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
