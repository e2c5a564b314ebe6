/**
 * Every fuzz target of test/fuzz/targets.ts at a size that fits CI: `ciRuns` inputs from a fixed
 * seed (the same inputs on every run), then a quarter as many from a random seed, printed, so that
 * the suite explores a little further each time. A failure names the seed and the replay command
 * (`npm run fuzz -- --target T --seed S --path P`). TCPFLOW_FUZZ_SEED fixes the second seed;
 * TCPFLOW_FUZZ_SCALE multiplies every size. `npm run fuzz` runs a million inputs per target.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TARGETS, describeFailure, runTarget } from './targets';

const FIXED_SEED = 0x7c9f15;
const RANDOM_SEED = process.env.TCPFLOW_FUZZ_SEED ? Number(process.env.TCPFLOW_FUZZ_SEED) : (Math.random() * 0x7fffffff) | 0;
const SCALE = process.env.TCPFLOW_FUZZ_SCALE ? Number(process.env.TCPFLOW_FUZZ_SCALE) : 1;

describe('fuzz targets at CI size', () => {
  for (const target of TARGETS) {
    const runs = Math.max(1, Math.round(target.ciRuns * SCALE));
    it(`${target.name}: ${runs} inputs, seed ${FIXED_SEED}`, async () => {
      const r = await runTarget(target, { runs, seed: FIXED_SEED });
      assert.equal(r.failure, undefined, describeFailure(r));
      assert.equal(r.runs, runs);
    });
    const more = Math.max(1, Math.round(runs / 4));
    it(`${target.name}: ${more} inputs, random seed ${RANDOM_SEED}`, async (t) => {
      t.diagnostic(`${target.name}: random seed ${RANDOM_SEED} (TCPFLOW_FUZZ_SEED=${RANDOM_SEED} repeats it)`);
      const r = await runTarget(target, { runs: more, seed: RANDOM_SEED });
      assert.equal(r.failure, undefined, describeFailure(r));
    });
  }
});
