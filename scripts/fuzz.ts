/**
 * `npm run fuzz`: every fuzz target of test/fuzz/targets.ts, one after another, a million inputs
 * each unless told otherwise. Prints inputs per second per target and, for a failure, the seed,
 * the replay command and the minimal counterexample; exits 1 when any target fails.
 *
 *   npm run fuzz -- [--runs N] [--target NAME[,NAME…]]… [--seed N] [--path P] [--stall SECONDS] [--list]
 *
 * `--seed` defaults to a random seed, printed; `--seed S --path P` replays one failing input.
 * A target that runs one input for `--stall` seconds (default 120) is reported as a hang with
 * the input's index, and the process ends.
 */
import { TARGETS, describeFailure, runTarget, RunResult } from '../test/fuzz/targets';

interface Args {
  runs: number;
  targets: string[];
  seed: number;
  path?: string;
  stallMs: number;
  list: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { runs: 1_000_000, targets: [], seed: (Math.random() * 0x7fffffff) | 0, stallMs: 120_000, list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const whole = (v: string, what: string): number => {
      if (!/^-?\d+$/.test(v.replace(/_/g, ''))) throw new Error(`${what} must be a whole number, not '${v}'`);
      return Number(v.replace(/_/g, ''));
    };
    if (arg === '--runs') a.runs = whole(value(), '--runs');
    else if (arg === '--target') a.targets.push(...value().split(',').filter(Boolean));
    else if (arg === '--seed') a.seed = whole(value(), '--seed');
    else if (arg === '--path') a.path = value();
    else if (arg === '--stall') a.stallMs = whole(value(), '--stall') * 1000;
    else if (arg === '--list') a.list = true;
    else throw new Error(`unknown argument '${arg}' (see the top of scripts/fuzz.ts)`);
  }
  if (a.runs < 1) throw new Error('--runs must be at least 1');
  return a;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}`);
    return 2;
  }
  if (args.list) {
    for (const t of TARGETS) console.log(`${t.name.padEnd(12)} ${t.about}`);
    return 0;
  }
  const unknown = args.targets.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length) {
    console.error(`fuzz: unknown target ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
    return 2;
  }
  const chosen = args.targets.length ? TARGETS.filter((t) => args.targets.includes(t.name)) : TARGETS;
  console.log(`fuzz: ${chosen.map((t) => t.name).join(', ')}; ${args.runs.toLocaleString('en')} inputs each; seed ${args.seed}`);
  const results: RunResult[] = [];
  for (const t of chosen) {
    const tty = process.stdout.isTTY;
    const r = await runTarget(t, {
      runs: args.runs,
      seed: args.seed,
      path: args.path,
      stallMs: args.stallMs,
      progress: (done, ms) => {
        if (tty) process.stdout.write(`\r${t.name}: ${done.toLocaleString('en')} inputs, ${Math.round((done * 1000) / ms)}/s   `);
        else if (done % 100_000 === 0) console.log(`${t.name}: ${done.toLocaleString('en')} inputs, ${(ms / 1000).toFixed(0)} s, ${Math.round((done * 1000) / ms)}/s`);
      },
    });
    if (tty) process.stdout.write('\r');
    results.push(r);
    const rate = Math.round((r.runs * 1000) / r.ms);
    console.log(`${t.name}: ${r.runs.toLocaleString('en')} inputs in ${(r.ms / 1000).toFixed(1)} s = ${rate.toLocaleString('en')} inputs/s${r.failure ? ' — FAILED' : ''}`);
    if (r.failure) console.log(describeFailure(r));
  }
  console.log('\n| target | inputs | seconds | inputs/s | result |\n|---|---:|---:|---:|---|');
  for (const r of results) console.log(`| ${r.target} | ${r.runs.toLocaleString('en')} | ${(r.ms / 1000).toFixed(1)} | ${Math.round((r.runs * 1000) / r.ms).toLocaleString('en')} | ${r.failure ? `failed (seed ${r.failure.seed})` : 'ok'} |`);
  return results.some((r) => r.failure) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(2);
  },
);
