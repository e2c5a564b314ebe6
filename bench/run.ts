/**
 * `npm run bench`: the core benchmark, then the language-server and preview benchmarks when
 * their modules exist (bench/server.ts exporting `benchServer`, bench/preview.ts exporting
 * `benchPreview`). A missing module is reported and skipped; a benchmark that throws is
 * reported and the rest still run. A summary block comes last; the exit status is 1 when a
 * benchmark failed, 0 otherwise (a missing optional benchmark is not a failure).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchCore, lastCoreResult } from './core';

type Status = 'ok' | 'missing' | 'failed';

interface Outcome {
  name: string;
  status: Status;
  seconds: number;
  detail: string;
}

interface Optional {
  name: string;
  /** Module specifier relative to this file, without extension. */
  module: string;
  exportName: string;
}

const OPTIONAL: Optional[] = [
  { name: 'language server', module: './server', exportName: 'benchServer' },
  { name: 'preview', module: './preview', exportName: 'benchPreview' },
  { name: 'notes preview', module: './notes', exportName: 'benchNotes' },
  { name: 'import', module: './import', exportName: 'benchImport' },
  { name: 'check', module: './check', exportName: 'benchCheck' },
  { name: 'render', module: './render', exportName: 'benchRender' },
];

function moduleFile(spec: string): string | undefined {
  const base = path.resolve(__dirname, spec);
  for (const ext of ['.ts', '.mts', '.js', '.mjs', '.cjs']) if (fs.existsSync(base + ext)) return base + ext;
  return undefined;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}

function banner(title: string): void {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(3, 72 - title.length))}`);
}

async function timed(name: string, run: () => Promise<void>): Promise<Outcome> {
  const t0 = performance.now();
  try {
    await run();
    return { name, status: 'ok', seconds: (performance.now() - t0) / 1000, detail: '' };
  } catch (e) {
    console.error(`bench: ${name} failed:`);
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    return { name, status: 'failed', seconds: (performance.now() - t0) / 1000, detail: firstLine(e) };
  }
}

export async function runAll(): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];

  banner('core');
  outcomes.push(await timed('core', benchCore));

  for (const opt of OPTIONAL) {
    banner(opt.name);
    const file = moduleFile(opt.module);
    if (!file) {
      console.log(`bench: ${opt.name} benchmark skipped: ${path.relative(process.cwd(), path.resolve(__dirname, opt.module))}.ts does not exist`);
      outcomes.push({ name: opt.name, status: 'missing', seconds: 0, detail: `${opt.module}.ts not found` });
      continue;
    }
    outcomes.push(
      await timed(opt.name, async () => {
        let mod: Record<string, unknown>;
        try {
          mod = (await import(opt.module)) as Record<string, unknown>;
        } catch (e) {
          throw new Error(`cannot load ${path.relative(process.cwd(), file)}: ${firstLine(e)}`, { cause: e });
        }
        const fn = mod[opt.exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[opt.exportName];
        if (typeof fn !== 'function') throw new Error(`${path.relative(process.cwd(), file)} does not export a function ${opt.exportName}()`);
        await (fn as () => Promise<void>)();
      }),
    );
  }

  banner('summary');
  const core = lastCoreResult();
  if (core) {
    for (const r of core.rows) {
      console.log(`core        ${r.segments.toLocaleString('en').padStart(7)} segments: ${Math.round(r.segmentsPerSecond).toLocaleString('en').padStart(10)} segments/s (median ${r.medianMs.toFixed(1)} ms)`);
    }
    console.log(`core        100k/10k time ratio ${core.ratio.toFixed(2)} (linear ≈ 10); aim ≥ ${core.aim.toLocaleString('en')} segments/s: ${core.aimMet ? 'met' : 'MISSED'}`);
  }
  for (const o of outcomes) {
    const status = o.status === 'ok' ? 'ok' : o.status === 'missing' ? 'skipped (module missing)' : 'FAILED';
    console.log(`${o.name.padEnd(16)} ${status}${o.status === 'missing' ? '' : ` in ${o.seconds.toFixed(1)} s`}${o.detail ? `: ${o.detail}` : ''}`);
  }
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const missing = outcomes.filter((o) => o.status === 'missing').length;
  console.log(`${outcomes.length} benchmark(s): ${outcomes.length - failed - missing} ran, ${missing} skipped, ${failed} failed`);
  return outcomes;
}

if (require.main === module) {
  runAll().then(
    (outcomes) => {
      // Exit explicitly: a benchmark that leaves a handle open must not hang `npm run bench`.
      process.exit(outcomes.some((o) => o.status === 'failed') ? 1 : 0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
