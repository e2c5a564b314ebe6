/**
 * The core as it ships: `src/core` bundled by esbuild the way scripts/build.mjs bundles it into
 * the CLI and the language server, then loaded with require(). The benchmarks time these
 * functions rather than the tsx-transpiled sources, whose helper wrappers (`__name` on every
 * function) would be measured too.
 */
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Entry from './shipped-entry';

function load(): typeof Entry {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpflow-bench-core-'));
  const outfile = path.join(dir, 'core.cjs');
  buildSync({ entryPoints: [path.join(__dirname, 'shipped-entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning', legalComments: 'none' });
  try {
    return require(outfile) as typeof Entry;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const core = load();

export const { analyze, analyzeFindings, checkNote, parse, renderMermaid, exportSegments, importCapture, importCaptureAsync, CaptureReader, writePcap } = core;
