/**
 * Every string a user of the extension reads exists in English and in 简体中文:
 * - package.json's contributions are `%key%`s, each in package.nls.json and package.nls.zh-cn.json
 *   (and no key of those files is unused);
 * - every `vscode.l10n.t('…')` message in src/ has an entry in l10n/bundle.l10n.zh-cn.json (and no
 *   entry is unused), and the extension shows no message that does not go through it;
 * - the server's, the webview's and the Markdown preview's tables have both languages;
 * - Chinese text is Chinese (has Han characters) and keeps every placeholder of the English.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVER_STRINGS } from '../src/server/l10n';
import { WEBVIEW_STRINGS } from '../src/webview/strings';
import { SEVERITY_WORDS } from '../src/markdown/plugin';
import { LANGUAGE_SETTINGS } from '../src/server/protocol';

const ROOT = path.resolve(__dirname, '..');
const read = (p: string): string => fs.readFileSync(path.join(ROOT, p), 'utf8');
const json = (p: string): unknown => JSON.parse(read(p));
/** Han characters or Chinese (full-width) punctuation. */
const HAN = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

const manifest = json('package.json') as { l10n?: string; contributes: Record<string, unknown> } & Record<string, unknown>;
const nlsEn = json('package.nls.json') as Record<string, string>;
const nlsZh = json('package.nls.zh-cn.json') as Record<string, string>;

/** Every string value in a JSON value, with its path. */
function strings(value: unknown, at: string[] = []): { path: string[]; value: string }[] {
  if (typeof value === 'string') return [{ path: at, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...at, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, [...at, k]));
  return [];
}

const placeholders = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
/** Markdown code spans and setting names must survive translation. */
const codeSpans = (s: string): string[] => (s.match(/`[^`]+`/g) ?? []).sort();

function assertTranslation(where: string, en: string, zh: string, opts: { code?: boolean } = {}): void {
  assert.ok(en.trim().length > 0, `${where}: English text`);
  assert.ok(zh.trim().length > 0, `${where}: Chinese text`);
  assert.match(zh, HAN, `${where}: the Chinese text has Chinese in it: ${zh}`);
  assert.deepEqual(placeholders(zh), placeholders(en), `${where}: same placeholders`);
  if (opts.code) assert.deepEqual(codeSpans(zh), codeSpans(en), `${where}: same code spans`);
}

/** The keys under `contributes` whose values VS Code shows to people. */
const SHOWN = new Set([
  'title',
  'shortTitle',
  'description',
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'deprecationMessage',
  'markdownDeprecationMessage',
  'label',
  'tooltip',
  'contextualTitle',
  'altText',
  'name',
  'category',
]);
/** The product's name is the same in every language. */
const SAME_IN_EVERY_LANGUAGE = new Set(['tcpflow']);

function shownStrings(contributes: unknown): { path: string[]; value: string }[] {
  return strings(contributes).filter((s) => {
    // `configuration.properties.<setting>.<key>` and `enumDescriptions.<i>`: the key is the last
    // non-numeric part of the path; setting names themselves are keys of `properties`, never values.
    const named = [...s.path].reverse().find((p) => !/^\d+$/.test(p));
    if (!named || !SHOWN.has(named)) return false;
    // Commands' `category` and the settings' `title` name the product.
    return !SAME_IN_EVERY_LANGUAGE.has(s.value);
  });
}

test('package.json: every string VS Code shows from the contributions is a %key%', () => {
  const plain = shownStrings(manifest.contributes).filter((s) => !/^%[^%]+%$/.test(s.value));
  assert.deepEqual(
    plain.map((s) => `contributes.${s.path.join('.')}: ${s.value}`),
    [],
    'write these as %key% and add the key to package.nls.json and package.nls.zh-cn.json',
  );
  // The check itself finds what it must: the command titles and the setting descriptions.
  const found = shownStrings(manifest.contributes).map((s) => s.path.join('.'));
  assert.ok(found.includes('commands.0.title'));
  assert.ok(found.some((p) => p.endsWith('tcpflow.language.markdownDescription')));
  assert.ok(found.some((p) => p.endsWith('tcpflow.language.enumDescriptions.2')));
});

test('package.nls.json and package.nls.zh-cn.json: every %key% of package.json in both, none unused, all translated', () => {
  const used = new Set<string>();
  for (const s of strings(manifest)) for (const m of s.value.matchAll(/^%([^%\s]+)%$/g)) used.add(m[1]);
  assert.ok(used.size >= 20, `${used.size} keys`);
  const missingEn = [...used].filter((k) => !(k in nlsEn));
  const missingZh = [...used].filter((k) => !(k in nlsZh));
  assert.deepEqual(missingEn, [], 'keys missing in package.nls.json');
  assert.deepEqual(missingZh, [], 'keys missing in package.nls.zh-cn.json');
  assert.deepEqual(Object.keys(nlsEn).filter((k) => !used.has(k)), [], 'unused keys in package.nls.json');
  assert.deepEqual(Object.keys(nlsZh).filter((k) => !used.has(k)), [], 'unused keys in package.nls.zh-cn.json');
  for (const k of used) assertTranslation(`package.nls: ${k}`, nlsEn[k], nlsZh[k], { code: true });
});

test('contrib/*.json mirror package.json, keys included', () => {
  const c = manifest.contributes as { commands: { command: string }[]; configuration: { properties: Record<string, unknown> } };
  for (const file of ['contrib/preview.json', 'contrib/server.json']) {
    const part = json(file) as { commands?: { command: string }[]; configuration?: { properties: Record<string, unknown> } };
    for (const cmd of part.commands ?? []) assert.deepEqual(cmd, c.commands.find((x) => x.command === cmd.command), `${file}: ${cmd.command}`);
    for (const [name, prop] of Object.entries(part.configuration?.properties ?? {})) assert.deepEqual(prop, c.configuration.properties[name], `${file}: ${name}`);
  }
});

test('tcpflow.language: its values are the ones the server and the clients understand', () => {
  const c = manifest.contributes as { configuration: { properties: Record<string, { enum: string[]; enumDescriptions: string[]; default: string; scope: string }> } };
  const p = c.configuration.properties['tcpflow.language'];
  assert.deepEqual(p.enum, [...LANGUAGE_SETTINGS]);
  assert.equal(p.enumDescriptions.length, p.enum.length);
  assert.equal(p.default, 'auto');
  assert.equal(p.scope, 'window');
});

/** `l10n.t('…')` / `l10n.t("…")` calls in the sources, with their first argument. */
function runtimeMessages(): { file: string; message: string | undefined; call: string }[] {
  const out: { file: string; message: string | undefined; call: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) {
        const text = read(rel);
        for (const m of text.matchAll(/\bl10n\.t\(\s*/g)) {
          const rest = text.slice(m.index + m[0].length);
          const lit = /^(['"])((?:\\.|(?!\1).)*)\1\s*[,)]/.exec(rest);
          out.push({ file: rel, message: lit ? (JSON.parse(`"${lit[2].replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string) : undefined, call: rest.slice(0, 60) });
        }
      }
    }
  };
  walk('src');
  return out;
}

test('vscode.l10n: every runtime message of src/ has a zh-cn bundle entry; no entry is unused', () => {
  assert.equal(manifest.l10n, './l10n');
  const bundle = json('l10n/bundle.l10n.zh-cn.json') as Record<string, string>;
  const calls = runtimeMessages();
  assert.ok(calls.length >= 20, `${calls.length} calls`);
  assert.deepEqual(
    calls.filter((c) => c.message === undefined).map((c) => `${c.file}: l10n.t(${c.call}`),
    [],
    'the message must be a string literal, so that the bundle can be checked',
  );
  const messages = new Set(calls.map((c) => c.message as string));
  assert.deepEqual([...messages].filter((m) => !(m in bundle)), [], 'messages missing from l10n/bundle.l10n.zh-cn.json');
  assert.deepEqual(Object.keys(bundle).filter((m) => !messages.has(m)), [], 'unused entries in l10n/bundle.l10n.zh-cn.json');
  for (const m of messages) assertTranslation(`bundle: ${m}`, m, bundle[m]);
});

test('the extension shows no text that bypasses vscode.l10n', () => {
  // A string literal (or template) handed straight to something VS Code shows.
  const SHOWN_CALL = /(?:\b(?:show(?:Information|Warning|Error)Message|setStatusBarMessage|createOutputChannel)\(\s*|\bcreateWebviewPanel\([^,]+,\s*|\b(?:openLabel|saveLabel|placeHolder|prompt|title|tooltip|label|detail)\s*[:=]\s*)(?=[`'"])/g;
  const found: string[] = [];
  for (const dir of ['src/extension']) {
    for (const f of fs.readdirSync(path.join(ROOT, dir))) {
      if (!f.endsWith('.ts')) continue;
      const lines = read(path.join(dir, f)).split('\n');
      lines.forEach((line, i) => {
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
        for (const m of line.matchAll(SHOWN_CALL)) {
          const literal = /^([`'"])((?:\\.|(?!\1).)*)\1/.exec(line.slice(m.index + m[0].length))?.[2];
          // The product's name (an output channel called `tcpflow`) is the same in every language.
          if (literal !== undefined && SAME_IN_EVERY_LANGUAGE.has(literal)) continue;
          found.push(`${dir}/${f}:${i + 1}: ${line.trim()}`);
        }
      });
    }
  }
  assert.deepEqual(found, [], 'wrap these in vscode.l10n.t and add the message to l10n/bundle.l10n.zh-cn.json');
});

test('the server, the webview and the Markdown preview have every phrase in both languages', () => {
  const tables: [string, Readonly<Record<string, readonly [string, string]>>][] = [
    ['src/server/l10n.ts', SERVER_STRINGS],
    ['src/webview/strings.ts', WEBVIEW_STRINGS],
    ['src/markdown/plugin.ts', SEVERITY_WORDS],
  ];
  for (const [file, table] of tables) {
    assert.ok(Object.keys(table).length > 0, file);
    for (const [key, [en, zh]] of Object.entries(table)) assertTranslation(`${file}: ${key}`, en, zh);
  }
});
