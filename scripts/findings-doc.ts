/** Writes docs/findings.md from the one table in src/core/check/findings.ts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_FINDINGS } from '../src/core/index';

export function findingsDoc(): string {
  const rows = ALL_FINDINGS.map((d) => `| <a id="${d.code.toLowerCase()}"></a>${d.code} | \`${d.id}\` | ${d.severity} | ${d.rule || '—'} | ${d.en.replace(/\|/g, '\\|')} | ${d.zh.replace(/\|/g, '\\|')} |`);
  return [
    '# Findings',
    '',
    'Every finding tcpflow reports, generated from `src/core/check/findings.ts` by `npm run docs:findings`',
    '(a test fails when this file is out of date). Codes are stable: never renumbered, never reused.',
    'Ranges: 1xxx syntax, 2xxx state machine, 3xxx sequence space, 4xxx names and endpoints, 5xxx HTTP/TLS.',
    '`{0}`, `{1}`… are filled with the expected value, the reason and the rule of each case.',
    '',
    '| code | id | severity | rule | message | 中文 |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (require.main === module) {
  const out = path.join(__dirname, '..', 'docs', 'findings.md');
  fs.writeFileSync(out, findingsDoc());
  console.log(`wrote ${out}`);
}
