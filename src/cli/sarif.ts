/**
 * SARIF 2.1.0 for `tcpflow check --format sarif`, in the shape GitHub code scanning accepts:
 * one run, the tool's rules (id = finding code, help = what it checks and the rule it cites),
 * one result per finding with its physical location (1-based lines and UTF-16 columns).
 */
import { ALL_FINDINGS } from '../core/index';
import type { Locale } from '../core/index';
import type { Reported } from './main';

const SEVERITY_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };

export function toSarif(reported: readonly Reported[], version: string, locale: Locale): unknown {
  const rules = ALL_FINDINGS.map((d) => {
    const text = locale === 'zh-cn' ? d.zh : d.en;
    const rule = d.rule ? (locale === 'zh-cn' ? `依据：${d.rule}。` : `Rule: ${d.rule}.`) : locale === 'zh-cn' ? '语法。' : 'Syntax.';
    return {
      id: d.code,
      name: d.id,
      shortDescription: { text: `${d.code} ${d.id}` },
      fullDescription: { text: `${text.replace(/\{\d+\}/g, '…')} ${rule}` },
      help: { text: `${d.code} (${d.id}): ${text.replace(/\{\d+\}/g, '…')} ${rule} See docs/findings.md.` },
      defaultConfiguration: { level: SEVERITY_LEVEL[d.severity] },
      properties: { tags: ['tcp', d.rule ? 'rfc' : 'syntax'] },
    };
  });
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tcpflow', version, semanticVersion: version, rules } },
        columnKind: 'utf16CodeUnits',
        results: reported.map((r) => ({
          ruleId: r.code,
          ruleIndex: index.get(r.code),
          level: SEVERITY_LEVEL[r.severity] ?? 'warning',
          message: { text: r.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: r.file.split('\\').join('/'), uriBaseId: '%SRCROOT%' },
                region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}
