/**
 * The tcpflow language server, independent of its transport: node.ts runs it over IPC or
 * stdio, browser.ts in a web worker. It translates between LSP and the core; every answer
 * about TCP comes from `analyze` (a `.tcpflow` file, a ```tcpflow block) or `checkMermaid` (a
 * ```mermaid TCP diagram in a note: diagnostics, fixes, hover, inlay hints and "Convert to
 * tcpflow"; the features that only tcpflow text has stay out of it, see documents.ts).
 *
 * Diagnostics are debounced per document and versioned. The delay adapts to the document: it
 * is about as long as the last check of that document took (10–300 ms), so small files are
 * checked almost at once and large ones are not re-checked on every keystroke. A check whose
 * document changed or closed meanwhile is dropped, and nothing is published for a version that
 * is no longer the current one.
 *
 * One locale serves every document: `tcpflow.language` when it names one, else the client's
 * display language (`InitializeParams.locale`). When the setting changes, the server analyses
 * the open documents again in the new locale and asks the client to refresh its inlay hints.
 */
import {
  CancellationToken,
  CodeActionKind,
  Connection,
  DidChangeConfigurationNotification,
  ErrorCodes,
  InitializeParams,
  InitializeResult,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  TextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Locale } from '../core/index';
import { Analyzer, DocKind, FlowUnit, Snapshot, Unit, flowUnits, kindOf, offsetIn, unitAt } from './documents';
import { diagnosticsFor } from './convert';
import { hoverAt } from './hover';
import { inlayHints } from './inlay';
import { completions } from './completion';
import { documentSymbols, foldingRanges } from './outline';
import { definition, prepareRename, references, rename } from './navigation';
import { formatUnit } from './format';
import { LEGEND, semanticTokens } from './semantic';
import { codeActions } from './actions';
import { STATES_AT_METHOD, statesAt, type StatesAtParams } from './states';
import { TypingHold } from './typing';
import { t } from './l10n';
import { guardDocuments, isPosition, isRange } from './guard';
import { later, tick } from './timers';
import { AUTO_DELAY_MAX, AUTO_DELAY_MIN, DEFAULT_SETTINGS, InitializationOptions, SETTINGS_SECTION, Settings, effectiveLocale, mergeSettings } from './protocol';

interface ClientCaps {
  configuration: boolean;
  dynamicConfiguration: boolean;
  relatedInformation: boolean;
  documentChanges: boolean;
  inlayRefresh: boolean;
  semanticRefresh: boolean;
}

export function startServer(connection: Connection): void {
  // The changes of every edit go by the typing hold: syntax findings on a line being typed wait.
  const hold = new TypingHold();
  const documents = new TextDocuments({ create: TextDocument.create, update: (d, changes, version) => (hold.noteChanges(d.uri, changes), TextDocument.update(d, changes, version)) });
  let locale: Locale = 'en';
  /** The client's display language, from `initialize`. */
  let displayLanguage: string | undefined;
  let analyzer = new Analyzer(locale);
  let caps: ClientCaps = { configuration: false, dynamicConfiguration: false, relatedInformation: false, documentChanges: false, inlayRefresh: false, semanticRefresh: false };
  let baseSettings: Settings = DEFAULT_SETTINGS;
  const settingsAsked = new Map<string, Promise<Settings>>();
  const settingsKnown = new Map<string, Settings>();
  /** Cancellers of the pending (debounced) checks. */
  const timers = new Map<string, () => void>();
  /** Milliseconds the last analysis of each document took, for the adaptive delay. */
  const lastCost = new Map<string, number>();

  // ---- settings -----------------------------------------------------------------------------

  function settingsFor(uri: string): Promise<Settings> {
    let p = settingsAsked.get(uri);
    if (!p) {
      p = caps.configuration
        ? connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(
            (raw: unknown) => mergeSettings(baseSettings, raw),
            () => baseSettings,
          )
        : Promise.resolve(baseSettings);
      p.then((s) => {
        if (settingsAsked.get(uri) !== p) return;
        settingsKnown.set(uri, s);
        applyLanguage(s);
      });
      settingsAsked.set(uri, p);
    }
    return p;
  }

  /**
   * Take the locale the settings ask for. A change makes a new analyzer (analyses carry their
   * locale), re-checks every open document and refreshes the client's inlay hints.
   */
  function applyLanguage(s: Settings): void {
    const next = effectiveLocale(s.language, displayLanguage);
    if (next === locale) return;
    locale = next;
    analyzer = new Analyzer(locale);
    revalidateAll();
    if (caps.inlayRefresh) void connection.languages.inlayHint.refresh();
  }

  /** Ask the client for the window's settings (no document needed) and apply the language. */
  function refreshLanguage(): void {
    if (!caps.configuration) return;
    connection.workspace.getConfiguration({ section: SETTINGS_SECTION }).then(
      (raw: unknown) => applyLanguage(mergeSettings(baseSettings, raw)),
      () => undefined,
    );
  }

  function knownSettings(uri: string): Settings {
    return settingsKnown.get(uri) ?? baseSettings;
  }

  // ---- documents and snapshots --------------------------------------------------------------

  function openDoc(uri: string): TextDocument {
    const doc = documents.get(uri);
    if (!doc) throw new ResponseError(LSPErrorCodes.RequestFailed, t(locale, 'notOpen', uri));
    return doc;
  }

  function snapshotOf(doc: TextDocument): Snapshot | undefined {
    const kind: DocKind | undefined = kindOf(doc.languageId, doc.uri);
    if (!kind) return undefined;
    return analyzer.snapshot(doc, kind, knownSettings(doc.uri).markdown.enable);
  }

  /** Run a request against the unit under a position; errors for closed documents. */
  function atPosition<R>(uri: string, position: { line: number; character: number }, token: CancellationToken, fn: (u: Unit, offset: number, snap: Snapshot) => R): R | null | ResponseError<void> {
    try {
      if (typeof uri !== 'string' || !isPosition(position)) return new ResponseError(ErrorCodes.InvalidParams, 'textDocument.uri must be a string and position whole numbers');
      const doc = openDoc(uri);
      if (token.isCancellationRequested) return cancelled();
      const snap = snapshotOf(doc);
      if (!snap) return null;
      const u = unitAt(snap, position);
      if (!u) return null;
      return fn(u, offsetIn(u, position), snap);
    } catch (e) {
      return asError(e);
    }
  }

  /** As `atPosition`, for the features only tcpflow text has (none in a mermaid diagram). */
  function atFlowPosition<R>(uri: string, position: { line: number; character: number }, token: CancellationToken, fn: (u: FlowUnit, offset: number) => R): R | null | ResponseError<void> {
    return atPosition(uri, position, token, (u, offset) => (u.lang === 'tcpflow' ? fn(u, offset) : null));
  }

  function forDocument<R>(uri: string, token: CancellationToken, fn: (snap: Snapshot, doc: TextDocument) => R): R | null | ResponseError<void> {
    try {
      if (typeof uri !== 'string') return new ResponseError(ErrorCodes.InvalidParams, 'textDocument.uri must be a string');
      const doc = openDoc(uri);
      if (token.isCancellationRequested) return cancelled();
      const snap = snapshotOf(doc);
      if (!snap) return null;
      return fn(snap, doc);
    } catch (e) {
      return asError(e);
    }
  }

  function invalidParams(why: string): ResponseError<void> {
    return new ResponseError(ErrorCodes.InvalidParams, why);
  }

  function cancelled(): ResponseError<void> {
    return new ResponseError(LSPErrorCodes.RequestCancelled, t(locale, 'cancelled'));
  }

  function asError(e: unknown): ResponseError<void> {
    if (e instanceof ResponseError) return e as ResponseError<void>;
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    connection.console.error(`tcpflow: ${msg}`);
    return new ResponseError(LSPErrorCodes.RequestFailed, msg);
  }

  // ---- diagnostics --------------------------------------------------------------------------

  function isCurrent(uri: string, version: number): boolean {
    const d = documents.get(uri);
    return !!d && d.version === version;
  }

  function cancelPending(uri: string): void {
    timers.get(uri)?.();
    timers.delete(uri);
  }

  function schedule(doc: TextDocument, immediately: boolean): void {
    const { uri, version } = doc;
    cancelPending(uri);
    void settingsFor(uri).then((settings) => {
      if (!isCurrent(uri, version)) return;
      const configured = settings.diagnostics.delay;
      const delay = immediately ? 0 : configured === 'auto' ? Math.min(AUTO_DELAY_MAX, Math.max(AUTO_DELAY_MIN, Math.round(lastCost.get(uri) ?? 0))) : configured;
      cancelPending(uri);
      timers.set(
        uri,
        later(() => {
          timers.delete(uri);
          void validate(uri, version, settings, delay);
        }, delay),
      );
    });
  }

  async function validate(uri: string, version: number, settings: Settings, delay: number): Promise<void> {
    const doc = documents.get(uri);
    if (!doc || doc.version !== version) return;
    const kind = kindOf(doc.languageId, uri);
    if (!kind) return;
    const checker = analyzer;
    const stale = (): boolean => !isCurrent(uri, version) || analyzer !== checker;
    const snap = await checker.snapshotAsync(doc, kind, settings.markdown.enable, stale);
    // A check in a locale given up meanwhile is dropped; the new locale's check follows.
    if (!snap || analyzer !== checker) return;
    if (snap.analyzeMs > 0) lastCost.set(uri, snap.analyzeMs);
    const diagnostics = diagnosticsFor(snap, { relatedInformation: caps.relatedInformation, maxProblems: settings.diagnostics.maxProblems, locale: checker.locale });
    // Let edits that arrived during the check be read before deciding to publish.
    await tick();
    await tick();
    if (stale()) return;
    const held = hold.filter(uri, diagnostics, delay);
    try {
      await connection.sendDiagnostics({ uri, version, diagnostics: held.publish });
    } catch {
      return; // the connection has closed: there is no one left to tell
    }
    if (held.retryInMs === undefined || stale()) return;
    cancelPending(uri);
    timers.set(uri, later(() => (timers.delete(uri), void validate(uri, version, settings, delay)), held.retryInMs));
  }

  function revalidateAll(): void {
    for (const doc of documents.all()) schedule(doc, true);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    caps = {
      configuration: !!c.workspace?.configuration,
      dynamicConfiguration: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
      relatedInformation: !!c.textDocument?.publishDiagnostics?.relatedInformation,
      documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
      inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
      semanticRefresh: !!c.workspace?.semanticTokens?.refreshSupport,
    };
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    baseSettings = mergeSettings(DEFAULT_SETTINGS, init.settings);
    displayLanguage = params.locale ?? (typeof init.displayLanguage === 'string' ? init.displayLanguage : undefined);
    hold.enabled = init.holdSyntaxWhileTyping === true;
    locale = effectiveLocale(baseSettings.language, displayLanguage);
    analyzer = new Analyzer(locale);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['=', '＝', ' ', '>', '→', ':', '：', '['], resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: { label: 'tcpflow' },
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, CodeActionKind.RefactorRewrite] },
        inlayHintProvider: { resolveProvider: false },
        semanticTokensProvider: { legend: LEGEND, full: true, range: true },
      },
      serverInfo: { name: 'tcpflow', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (caps.configuration && caps.dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    refreshLanguage();
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION];
    if (!caps.configuration && pushed !== undefined) {
      baseSettings = mergeSettings(baseSettings, pushed);
      applyLanguage(baseSettings);
    }
    settingsAsked.clear();
    settingsKnown.clear();
    refreshLanguage();
    for (const doc of documents.all()) void settingsFor(doc.uri);
    revalidateAll();
    if (caps.inlayRefresh) void connection.languages.inlayHint.refresh();
    if (caps.semanticRefresh) void connection.languages.semanticTokens.refresh();
  });

  /** Documents checked at least once: the first check after opening is not delayed. */
  const seen = new Set<string>();
  documents.onDidChangeContent((e) => {
    const uri = e.document.uri;
    const first = !seen.has(uri);
    seen.add(uri);
    schedule(e.document, first);
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    cancelPending(uri);
    seen.delete(uri);
    hold.forget(uri);
    analyzer.forget(uri);
    settingsAsked.delete(uri);
    settingsKnown.delete(uri);
    lastCost.delete(uri);
    connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
  });

  connection.onShutdown(() => {
    for (const uri of [...timers.keys()]) cancelPending(uri);
  });

  // ---- features -----------------------------------------------------------------------------

  connection.onHover((p, token) => atPosition(p.textDocument?.uri, p.position, token, (u, offset) => hoverAt(u, offset, locale)));

  connection.onCompletion((p, token) =>
    atFlowPosition(p.textDocument?.uri, p.position, token, (u, offset) => completions(u, offset, locale, () => token.isCancellationRequested)),
  );

  connection.onDefinition((p, token) => atFlowPosition(p.textDocument?.uri, p.position, token, (u, offset) => definition(p.textDocument?.uri, u, offset)));

  connection.onReferences((p, token) =>
    atFlowPosition(p.textDocument?.uri, p.position, token, (u, offset) => references(p.textDocument?.uri, u, offset, p.context?.includeDeclaration === true)),
  );

  connection.onPrepareRename((p, token) => atFlowPosition(p.textDocument?.uri, p.position, token, (u, offset) => prepareRename(u, offset)));

  connection.onRenameRequest((p, token) =>
    atFlowPosition(p.textDocument?.uri, p.position, token, (u, offset) => {
      if (typeof p.newName !== 'string') return invalidParams('newName must be a string');
      const r = rename(u, offset, p.newName, locale);
      if ('error' in r) return new ResponseError<void>(LSPErrorCodes.RequestFailed, r.error);
      return { changes: { [p.textDocument?.uri]: r.edits } };
    }),
  );

  connection.onRequest(STATES_AT_METHOD, (p: StatesAtParams, token: CancellationToken) => {
    // The cursor left the line being typed: its held syntax findings are due now.
    const uri = p?.textDocument?.uri;
    const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
    if (doc && isPosition(p.position) && hold.cursorAt(doc.uri, p.position.line)) schedule(doc, true);
    return atPosition(uri, p?.position, token, (u, offset) => statesAt(u, offset));
  });

  connection.onDocumentSymbol((p, token) => forDocument(p.textDocument?.uri, token, (snap) => documentSymbols(snap, locale)));

  connection.onFoldingRanges((p, token) => forDocument(p.textDocument?.uri, token, (snap) => foldingRanges(snap)));

  connection.onDocumentFormatting((p, token) =>
    forDocument(p.textDocument?.uri, token, (snap) => {
      const edits: TextEdit[] = [];
      // Only tcpflow text is formatted; a mermaid diagram is the note author's layout.
      for (const u of flowUnits(snap)) {
        const r = formatUnit(u);
        if ('refused' in r) return new ResponseError<void>(LSPErrorCodes.RequestFailed, t(locale, 'formatRefused', r.refused));
        for (const e of r.edits) edits.push(e);
      }
      return edits;
    }),
  );

  connection.onCodeAction((p, token) =>
    forDocument(p.textDocument?.uri, token, (snap, doc) => {
      if (!isRange(p.range)) return invalidParams('range must have whole-number positions');
      // The client's diagnostics and kinds, where they have the shapes the protocol gives them.
      const sent: unknown = p.context?.diagnostics;
      const only: unknown = p.context?.only;
      return codeActions(snap, {
        uri: doc.uri,
        version: doc.version,
        range: p.range,
        diagnostics: Array.isArray(sent) ? sent.filter((d: unknown) => typeof d === 'object' && d !== null && isRange((d as { range?: unknown }).range)) : [],
        only: Array.isArray(only) && only.every((k) => typeof k === 'string') ? only : undefined,
        documentChanges: caps.documentChanges,
        relatedInformation: caps.relatedInformation,
        locale,
      });
    }),
  );

  connection.languages.inlayHint.on(async (p, token) => {
    let settings: Settings;
    try {
      openDoc(p.textDocument?.uri);
      settings = await settingsFor(p.textDocument?.uri);
    } catch (e) {
      return asError(e);
    }
    return forDocument(p.textDocument?.uri, token, (snap) => {
      if (!isRange(p.range)) return invalidParams('range must have whole-number positions');
      const out = [];
      for (const u of snap.units) {
        if (u.lastLine < p.range.start.line || u.firstLine > p.range.end.line) continue;
        const from = u.analysis.lines.offsetAt(p.range.start);
        const to = u.analysis.lines.offsetAt(p.range.end);
        for (const h of inlayHints(u, from, to, settings.inlayHints, locale)) out.push(h);
      }
      return out;
    });
  });

  connection.languages.semanticTokens.on((p, token) => forDocument(p.textDocument?.uri, token, (snap) => ({ data: semanticTokens(flowUnits(snap)) })));
  connection.languages.semanticTokens.onRange((p, token) =>
    forDocument(p.textDocument?.uri, token, (snap) => (isRange(p.range) ? { data: semanticTokens(flowUnits(snap), p.range.start.line, p.range.end.line) } : invalidParams('range must have whole-number positions'))),
  );

  documents.listen(guardDocuments(connection));
  connection.listen();
}
