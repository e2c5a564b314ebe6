/**
 * `.tcpflowrc.json`, the command line's configuration: found in the working directory or the
 * nearest directory above it (or given with `--config`).
 *
 * ```json
 * { "severity": { "TF3006": "off", "TF2002": "error" }, "ignore": ["drafts/**", "*.draft.md"] }
 * ```
 * `severity` sets a finding code's severity (`error`, `warning`, `info`) or turns it `off`;
 * `ignore` lists globs of files not to check, relative to the file's directory (a glob without
 * `/` matches a file name at any depth).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findingDefByCode } from '../core/index';
import type { Severity } from '../core/index';
import { globToRegExp } from './files';

export const CONFIG_NAME = '.tcpflowrc.json';

export interface Config {
  /** The file it was read from (undefined: no file, the defaults). */
  file?: string;
  severity: Map<string, Severity | 'off'>;
  /** Absolute-path patterns of the files to skip. */
  ignore: RegExp[];
}

export class ConfigError extends Error {}

export const NO_CONFIG: Config = { severity: new Map(), ignore: [] };

/** The nearest `.tcpflowrc.json` at or above `dir`. */
export function findConfig(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; ) {
    const f = path.join(d, CONFIG_NAME);
    if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

export function loadConfig(file: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${file}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (k !== 'severity' && k !== 'ignore' && k !== '$schema') throw new ConfigError(`${file}: unknown key '${k}' (expected severity, ignore)`);
  const severity = new Map<string, Severity | 'off'>();
  if (obj.severity !== undefined) {
    if (typeof obj.severity !== 'object' || obj.severity === null || Array.isArray(obj.severity)) throw new ConfigError(`${file}: severity must be an object of code: level`);
    for (const [code, level] of Object.entries(obj.severity as Record<string, unknown>)) {
      if (!findingDefByCode(code)) throw new ConfigError(`${file}: severity: unknown finding code '${code}' (see docs/findings.md)`);
      if (level !== 'error' && level !== 'warning' && level !== 'info' && level !== 'off') throw new ConfigError(`${file}: severity.${code} must be error, warning, info or off, not ${JSON.stringify(level)}`);
      severity.set(code, level);
    }
  }
  const ignore: RegExp[] = [];
  if (obj.ignore !== undefined) {
    if (!Array.isArray(obj.ignore) || obj.ignore.some((g) => typeof g !== 'string' || g === '')) throw new ConfigError(`${file}: ignore must be an array of globs`);
    const base = path.dirname(path.resolve(file)).split(path.sep).join('/');
    for (const g of obj.ignore as string[]) {
      let glob = g.replace(/^\.\//, '');
      if (!glob.includes('/')) glob = `**/${glob}`;
      if (glob.endsWith('/')) glob += '**';
      ignore.push(globToRegExp(`${base.replace(/\/$/, '')}/${glob}`));
      // A directory named by the glob ignores what is inside it.
      ignore.push(globToRegExp(`${base.replace(/\/$/, '')}/${glob}/**`));
    }
  }
  return { file, severity, ignore };
}

export function isIgnored(config: Config, file: string): boolean {
  const p = path.resolve(file).split(path.sep).join('/');
  return config.ignore.some((re) => re.test(p));
}
