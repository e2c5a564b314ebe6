/**
 * Prints what the kernel oracle found (docs/oracle.md): for every fixture in test/oracle/fixtures,
 * whether the imported and checked flow agrees with the kernel, the states ss showed beside the
 * model's, and each disagreement with its line. Exit status 1 when a fixture disagrees and is not
 * in test/oracle/pending.json, or is pending with other disagreements, or agrees while pending.
 *
 *   node --import tsx scripts/oracle-report.ts [name...] [--json]
 *
 * --json prints the disagreements of the fixtures that have any, as pending.json's
 * `disagreements` lists (the reasons are written by hand).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFixture, FIXTURES } from '../test/oracle/compare';

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const pending = JSON.parse(readFileSync(join(__dirname, '../test/oracle/pending.json'), 'utf8')) as Record<string, { disagreements: string[] }>;
const names = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.pcapng'))
  .map((f) => f.slice(0, -'.pcapng'.length))
  .filter((n) => only.length === 0 || only.includes(n))
  .sort();

const json: Record<string, string[]> = {};
let bad = 0;
for (const name of names) {
  const o = compareFixture(name);
  if (o.disagreements.length) json[name] = o.disagreements;
  const p = pending[name];
  const same = p !== undefined && JSON.stringify(p.disagreements) === JSON.stringify(o.disagreements);
  const verdict =
    o.disagreements.length === 0
      ? p
        ? 'AGREES, but pending.json still lists it'
        : 'agrees'
      : p
        ? same
          ? `pending (${o.disagreements.length} known disagreements)`
          : 'PENDING WITH OTHER DISAGREEMENTS than pending.json'
        : 'DISAGREES';
  if (verdict !== 'agrees' && !verdict.startsWith('pending (')) bad++;
  if (args.includes('--json')) continue;
  console.log(`\n== ${name}: ${verdict}\n   ${o.expectation.title}`);
  for (const r of o.rows) console.log(`   ${r.ok ? ' ' : r.unseen ? '~' : '✗'} ${r.snapshot.padEnd(42)} ${r.endpoint.padEnd(28)} ss ${r.ss.padEnd(11)} model ${r.model}`);
  for (const s of o.expectation.snapshots) if (s.unseen) console.log(`   ~ "${s.label}" is not counted: ${s.unseen}`);
  for (const d of o.details) console.log(`   ${d.replace(/\n/g, '\n   ')}`);
}
if (args.includes('--json')) console.log(JSON.stringify(json, null, 2));
else console.log(`\n${names.length} fixtures, ${names.length - Object.keys(json).length} agree with the kernel, ${Object.keys(json).length} disagree${bad ? `; ${bad} not as pending.json says` : ''}.`);
process.exitCode = bad ? 1 : 0;
