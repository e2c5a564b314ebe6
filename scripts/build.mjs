// Bundles every runtime of the extension with esbuild. Entries whose source does not exist yet
// are skipped with a note, so a partial tree still builds.
import { build } from 'esbuild';
import { existsSync, mkdirSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

const entries = [
  { in: 'src/cli/main.ts', out: 'dist/cli.js', platform: 'node', format: 'cjs' },
  { in: 'src/extension/extension.ts', out: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { in: 'src/extension/extension-browser.ts', out: 'dist/extension-browser.js', platform: 'browser', format: 'cjs', external: ['vscode'], alias: { 'node:crypto': './src/extension/crypto-browser.ts' } },
  { in: 'src/server/node.ts', out: 'dist/server.js', platform: 'node', format: 'cjs' },
  { in: 'src/server/browser.ts', out: 'dist/server-browser.js', platform: 'browser', format: 'iife' },
  // The preview page is an ES module split in chunks: Mermaid's diagram types other than the
  // sequence diagram stay in chunks the page never loads (0.8 MB loaded instead of 3.5 MB).
  { in: 'src/webview/main.ts', outdir: 'dist/webview', platform: 'browser', format: 'esm' },
  { in: 'src/markdown/preview.ts', out: 'dist/markdown-preview.js', platform: 'browser', format: 'iife' },
  { in: 'src/markdown/site-entry.ts', out: 'dist/markdown-it-tcpflow.cjs', platform: 'node', format: 'cjs' },
  { in: 'src/markdownlint/rule.ts', out: 'dist/markdownlint-rule-tcpflow.cjs', platform: 'node', format: 'cjs' },
];

mkdirSync('dist', { recursive: true });
// Chunk names change with their contents: no stale chunk (or source map) may reach the .vsix.
rmSync('dist/webview', { recursive: true, force: true });
rmSync('dist/webview.js', { force: true });
rmSync('dist/webview.js.map', { force: true });
const started = Date.now();
await Promise.all(
  entries.map(async (e) => {
    if (!existsSync(e.in)) {
      console.log(`build: skip ${e.in} (not present)`);
      return;
    }
    const output = e.outdir ? { outdir: e.outdir, splitting: true, entryNames: '[name]' } : { outfile: e.out };
    await build({ ...common, entryPoints: [e.in], ...output, platform: e.platform, format: e.format, target: e.platform === 'node' ? 'node20' : 'es2020', external: e.external ?? [], alias: e.alias ?? {}, mainFields: e.platform === 'browser' ? ['browser', 'module', 'main'] : ['module', 'main'] });
  }),
);
console.log(`build: done in ${Date.now() - started} ms`);
