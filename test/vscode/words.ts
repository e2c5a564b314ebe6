/**
 * What the extension should say in the locale of the run, taken from where the extension itself
 * takes it, so that the checks in in-host.ts hold no second copy of any message:
 * - contributed strings (command titles, the walkthrough): the installed extension's own
 *   package.nls.json / package.nls.LOCALE.json, read from the folder VS Code installed the .vsix into;
 * - runtime strings of the client (notifications, CodeLens, the preview's tab title): the
 *   installed l10n bundle, keyed by the English text as `vscode.l10n.t` is;
 * - the language server's words (hover, action titles) and the preview page's: their tables in
 *   src/server/l10n.ts and src/webview/strings.ts;
 * - findings and their quick fixes: the core, run on the same text in the same locale.
 *
 * In a Chinese run each expected text must hold Han characters (`chinese`), so that a check can
 * never pass by comparing English with English.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, checkNote, type Finding, type Locale } from '../../src/core/index';
import { t as serverT, type StringKey } from '../../src/server/l10n';
import { ws, type WebviewStringKey } from '../../src/webview/strings';
import { severityWord } from '../../src/markdown/plugin';

const HAN = /\p{Script=Han}/u;

function readJson(file: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/** `{0}`, `{1}`… as `vscode.l10n.t` fills them. */
function fill(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}

export class Words {
  private readonly nlsDefault: Record<string, string>;
  private readonly nlsLocale: Record<string, string>;
  private readonly bundle: Record<string, string>;

  /** `extensionPath`: where VS Code installed the .vsix. */
  constructor(
    readonly locale: Locale,
    extensionPath: string,
  ) {
    this.nlsDefault = readJson(path.join(extensionPath, 'package.nls.json'));
    const localized = path.join(extensionPath, `package.nls.${locale}.json`);
    this.nlsLocale = locale === 'en' ? {} : readJson(localized);
    const bundle = path.join(extensionPath, 'l10n', `bundle.l10n.${locale}.json`);
    this.bundle = locale === 'en' ? {} : readJson(bundle);
  }

  /** In a Chinese run, the text must be Chinese; returned as is. */
  private checked(text: string, what: string): string {
    if (this.locale === 'zh-cn' && !HAN.test(text)) throw new Error(`the zh-cn text of ${what} is not Chinese: ${JSON.stringify(text)}`);
    return text;
  }

  /** A contributed string (`%key%` in package.json) as VS Code shows it in this locale. */
  nls(key: string): string {
    const text = this.nlsLocale[key] ?? this.nlsDefault[key];
    if (text === undefined) throw new Error(`package.nls.json has no key ${key}`);
    return this.checked(text, key);
  }

  /** A command palette row: `Category: Title` (the category is the product's name, `tcpflow`). */
  command(titleKey: string): string {
    return `tcpflow: ${this.nls(titleKey)}`;
  }

  /** A runtime string of the extension (`vscode.l10n.t(message, ...args)`) in this locale. */
  l10n(message: string, ...args: (string | number)[]): string {
    if (this.locale === 'en') return fill(message, args);
    const translated = this.bundle[message];
    if (translated === undefined) throw new Error(`the l10n bundle has no translation of ${JSON.stringify(message)}`);
    return this.checked(fill(translated, args), JSON.stringify(message));
  }

  /** The language server's own words (hover labels, action titles). */
  server(key: StringKey, ...args: (string | number)[]): string {
    return this.checked(serverT(this.locale, key, ...args), key);
  }

  /** The preview page's own words (toolbar). */
  page(key: WebviewStringKey): string {
    return this.checked(ws(this.locale, key), key);
  }

  /** A severity word of the Markdown preview's findings list. */
  severity(s: Finding['severity']): string {
    return this.checked(severityWord(s, this.locale), s);
  }

  /** The core's findings of a flow in this locale (the server must report the same). */
  findings(flow: string): Finding[] {
    return analyze(flow, { locale: this.locale }).findings.map((f) => this.finding(f));
  }

  /** The core's findings of a Markdown note (its ```tcpflow and ```mermaid blocks) in this locale. */
  noteFindings(markdown: string): Finding[] {
    return checkNote(markdown, { locale: this.locale }).findings.map((f) => this.finding(f));
  }

  private finding(f: Finding): Finding {
    this.checked(f.message, f.code);
    if (f.fix) this.checked(f.fix.title, `${f.code}'s fix`);
    return f;
  }
}
