/**
 * What the tcpflow language server and its clients agree on: the settings (their names are the
 * configuration keys contributed in contrib/server.json), their defaults, and the options a
 * client may pass at initialization. Shared by the server and both extension clients; no
 * dependency on either side's runtime.
 */
import { localeFor } from '../core/l10n/strings';
import type { Locale } from '../core/check/findings';

export const LANGUAGE_ID = 'tcpflow';

/** What the clients sync to the server: .tcpflow files and Markdown (for ```tcpflow blocks and TCP ```mermaid diagrams), any scheme. */
export const DOCUMENT_SELECTOR = [{ language: LANGUAGE_ID }, { language: 'markdown' }];
export const SERVER_ID = 'tcpflow';
export const SETTINGS_SECTION = 'tcpflow';

/** Findings are documented one heading per code, anchored by the lower-case code. */
export const FINDINGS_DOC_URL = 'https://github.com/tcpflow/tcpflow/blob/main/docs/findings.md';

/** `tcpflow.language`: `auto` follows the client's display language. */
export type LanguageSetting = 'auto' | Locale;
export const LANGUAGE_SETTINGS: readonly LanguageSetting[] = ['auto', 'en', 'zh-cn'];

/**
 * The locale of everything tcpflow writes (findings, hover, inlay hints, outline, previews):
 * the setting when it names one, else the display language (`vscode.env.language`, LSP
 * `InitializeParams.locale`).
 */
export function effectiveLocale(language: LanguageSetting, displayLanguage: string | undefined): Locale {
  return language === 'auto' ? localeFor(displayLanguage) : language;
}

/** Read a `tcpflow.language` value from anywhere (a setting may hold anything); invalid reads as `auto`. */
export function languageSetting(raw: unknown): LanguageSetting {
  return LANGUAGE_SETTINGS.find((l) => l === raw) ?? 'auto';
}

export interface Settings {
  /** Window-wide: the server keeps one locale for all documents. */
  language: LanguageSetting;
  inlayHints: {
    /** Show the state every endpoint reaches after a segment. */
    states: boolean;
    /** Show the computed value of symbolic and relative numbers. */
    values: boolean;
  };
  diagnostics: {
    /** Milliseconds to wait after an edit before checking, or 'auto' to wait about as long as the last check took. */
    delay: number | 'auto';
    /** At most this many problems are published per document. */
    maxProblems: number;
  };
  markdown: {
    /** Check ```tcpflow blocks and ```mermaid TCP diagrams in Markdown files. */
    enable: boolean;
  };
}

export const DEFAULT_SETTINGS: Settings = {
  language: 'auto',
  inlayHints: { states: true, values: true },
  diagnostics: { delay: 'auto', maxProblems: 1000 },
  markdown: { enable: true },
};

/** Bounds of the adaptive debounce, in milliseconds. */
export const AUTO_DELAY_MIN = 10;
export const AUTO_DELAY_MAX = 300;

/** `initializationOptions` understood by the server. */
export interface InitializationOptions {
  /**
   * Settings to use when the client cannot answer `workspace/configuration` (or as the base the
   * answers are merged into).
   */
  settings?: DeepPartial<Settings>;
  /** The display language, for clients that send no `locale` in `initialize`. */
  displayLanguage?: string;
  /**
   * Hold the syntax findings of the line being typed until the user pauses or leaves it
   * (`typing.ts`). Editors ask for it; a client that does not gets every finding at once.
   */
  holdSyntaxWhileTyping?: boolean;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Merge partial settings (from the client, any shape) over the defaults, keeping only valid values. */
export function mergeSettings(base: Settings, raw: unknown): Settings {
  const out: Settings = {
    language: base.language,
    inlayHints: { ...base.inlayHints },
    diagnostics: { ...base.diagnostics },
    markdown: { ...base.markdown },
  };
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  const group = (k: string): Record<string, unknown> => {
    const g = r[k];
    return g && typeof g === 'object' ? (g as Record<string, unknown>) : {};
  };
  if (r.language !== undefined) out.language = languageSetting(r.language);
  const ih = group('inlayHints');
  if (typeof ih.states === 'boolean') out.inlayHints.states = ih.states;
  if (typeof ih.values === 'boolean') out.inlayHints.values = ih.values;
  const d = group('diagnostics');
  // The settings editor writes a string (`auto` or a number of milliseconds); settings.json may hold a number.
  const delay = typeof d.delay === 'string' ? d.delay.trim() : d.delay;
  if (delay === 'auto') out.diagnostics.delay = 'auto';
  else if (typeof delay === 'string' && /^[0-9]+$/.test(delay)) out.diagnostics.delay = Number(delay);
  else if (typeof delay === 'number' && Number.isFinite(delay) && delay >= 0) out.diagnostics.delay = delay;
  if (typeof d.maxProblems === 'number' && Number.isFinite(d.maxProblems) && d.maxProblems >= 1) out.diagnostics.maxProblems = Math.floor(d.maxProblems);
  const md = group('markdown');
  if (typeof md.enable === 'boolean') out.markdown.enable = md.enable;
  return out;
}
