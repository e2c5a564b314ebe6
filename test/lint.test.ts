/**
 * A lint rule of the project's own: no array is spread into a call's arguments
 * (`xs.push(...ys)`, `Math.max(...xs)`, `f(a, ...rest)`) unless the line says why its length is
 * bounded (`// bounded: …`). Spread arguments go on the stack, and an array of ~125,000
 * elements overflows it: `check` of a file with that many findings, a note naming 150,000
 * endpoints and formatting a 5 MB document all crashed this way.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', 'src');

function files(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** A spread among a call's arguments; not a rest parameter (`...xs: T[]`), an array or an object literal. */
export const SPREAD_ARGUMENT = /[\w)\]]\s*\((?:[^(){}[\]]*?,\s*)?\.\.\.(?!\s*\w+\s*[:?])/;

it('the rule sees spread arguments and lets rest parameters, array and object spreads be', () => {
  for (const bad of ['xs.push(...ys);', 'Math.max(...order)', 'f(a, ...rest)', 'String.fromCharCode(...bytes)', 'call(...this.notes())']) assert.ok(SPREAD_ARGUMENT.test(bad), bad);
  for (const fine of ['push(...lines: string[]): void {', 'const all = [...a, ...b];', 'const o = { ...x, y };', 'function f(...args: unknown[]) {', 'f([...xs])', 'units.push({ ...kept, ...where })', 'dedupe([a, ...b])']) assert.ok(!SPREAD_ARGUMENT.test(fine), fine);
});

it('no unbounded array is spread into a call anywhere in src/', () => {
  const offenders: string[] = [];
  for (const file of files(SRC)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\*|\/\*|\/\/)/.test(line)) return; // a comment line
      const code = line.replace(/\/\/.*$/, '');
      if (SPREAD_ARGUMENT.test(code) && !/\/\/ bounded: \S/.test(line)) offenders.push(`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, [], 'spread into a call: loop instead, or say `// bounded: why` on the line');
});
