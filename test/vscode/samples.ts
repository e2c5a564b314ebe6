/**
 * The workspace of the end-to-end test, shared by the outer test (vscode.test.ts, which writes
 * these files) and the module that runs inside VS Code's extension host (in-host.ts).
 */

/** The textbook handshake with the textbook mistake: the SYN-ACK acknowledges x, not x+1. */
export const FLOW = [
  '# Three-way handshake, with the usual mistake in the second segment.',
  'client C 192.168.1.2:52528',
  'server S 10.0.0.1:80',
  '',
  'C -> S  SYN      seq=x          # x is C\'s ISN',
  'S -> C  SYN ACK  seq=y   ack=x  # should be x+1',
  'C -> S  ACK      seq=x+1 ack=y+1',
  'C: ESTABLISHED, S: ESTABLISHED',
  '',
].join('\n');

/** A study note with a fence whose second segment has the same mistake, in numbers. */
export const NOTES = [
  '# Handshake notes',
  '',
  'The server acknowledges the SYN:',
  '',
  '```tcpflow',
  'client C',
  'server S',
  'C -> S SYN seq=100',
  'S -> C SYN ACK seq=300 ack=100',
  '```',
  '',
].join('\n');

/** Formatting input and the expected output (the first lines of the pair in test/server/features.test.ts). */
export const MESSY = [
  'title   "demo"   # the title',
  'client C 10.0.0.1:5000',
  'server  S',
  '# a comment line',
  '   # an indented comment   ',
  'C->S [SYN] seq=x    # first',
  'S  ->  C   SYN,ACK  seq=y ack=x+1 # second',
  'C -> S ACK seq=x+1 ack=y+1 len=3 "abc"   # third',
  'C :ESTABLISHED ,S: ESTABLISHED',
  '',
].join('\n');

export const FORMATTED = [
  'title "demo"                                   # the title',
  'client C 10.0.0.1:5000',
  'server S',
  '# a comment line',
  '# an indented comment',
  'C -> S  [SYN]     seq=x                        # first',
  'S -> C  SYN, ACK  seq=y   ack=x+1              # second',
  'C -> S  ACK       seq=x+1 ack=y+1 len=3 "abc"  # third',
  'C: ESTABLISHED, S: ESTABLISHED',
  '',
].join('\n');

/**
 * A Chinese study note with a ```tcpflow block and a ```mermaid block. VS Code 1.121 and later draw
 * the Mermaid one themselves (the built-in mermaid-markdown-features); tcpflow draws only its own.
 */
export const MIXED = [
  '# 三次握手笔记',
  '',
  'tcpflow 检查每一个序号，并画出时序图：',
  '',
  '```tcpflow',
  'title "三次握手"',
  'client C',
  'server S',
  'C -> S  SYN      seq=x            # 第一次握手：SYN 消耗一个序号',
  'S -> C  SYN ACK  seq=y ack=x+1    # 第二次握手',
  'C -> S  ACK      seq=x+1 ack=y+1  # 第三次握手',
  '```',
  '',
  '客户端的状态变化，用普通的 Mermaid 流程图：',
  '',
  '```mermaid',
  'flowchart LR',
  '  A[客户端 CLOSED] -->|发送 SYN| B[SYN_SENT]',
  '  B -->|收到 SYN+ACK，发送 ACK| C[ESTABLISHED]',
  '```',
  '',
].join('\n');

/** A correct exchange in numbers; vscode.test.ts writes its capture (tcpflow export) as handshake.pcap. */
export const CAPTURED = [
  'client C 192.168.1.2:52528',
  'server S 10.0.0.1:80',
  'C -> S  SYN      seq=1000',
  'S -> C  SYN ACK  seq=5000 ack=1001',
  'C -> S  ACK      seq=1001 ack=5001',
  'C -> S  PSH ACK  seq=1001 ack=5001 len=5 "hello"',
  'S -> C  ACK      seq=5001 ack=1006',
  '',
].join('\n');

/** A note that draws the handshake in Mermaid, the way real notes do, with the wrong ack. */
export const MERMAID_NOTE = [
  '# 三次握手（Mermaid）',
  '',
  '```mermaid',
  'sequenceDiagram',
  '  participant C as 客户端',
  '  participant S as 服务端',
  '  C->>S: SYN=1, seq=x',
  '  S->>C: SYN=1, ACK=1, seq=y, ack=x',
  '  C->>S: ACK=1, seq=x+1, ack=y+1',
  '```',
  '',
].join('\n');

export const FILES: Record<string, string> = {
  'flow.tcpflow': FLOW,
  'notes.md': NOTES,
  'messy.tcpflow': MESSY,
  'mixed.md': MIXED,
  'mermaid.md': MERMAID_NOTE,
};

/**
 * Every check in-host.ts runs, in order, in every run (each VS Code, each display language): the
 * outer test requires all of them to have passed. What a check expects to read depends on the
 * language only through the extension's own l10n sources (words.ts).
 */
export const CHECKS = [
  'the folder is open in Restricted Mode, in the display language of the run, and the extension is enabled there',
  'a .tcpflow file activates the extension and the server reports the wrong ack, in the run\'s language',
  'the quick fix (titled in the run\'s language) applies and the diagnostic goes away',
  'hover on a segment shows both endpoints\' states and SND.NXT, framed in the run\'s language',
  'completion offers the expected seq and ack first',
  'document symbols list the endpoints and the connection',
  'formatting aligns the columns and keeps every comment',
  'a ```tcpflow fence in Markdown gets its diagnostic at the right line, in the run\'s language',
  'inlay hints show the states each segment reaches',
  'turning tcpflow.inlayHints.states off in the settings reaches the server',
  'Open Preview to the Side opens the webview, titled and labelled in the run\'s language, which draws the flow fitted to its pane',
  'the preview follows an edit',
  'VS Code\'s Markdown preview draws the fence and lists its finding in the run\'s language',
  'a note with a ```tcpflow and a ```mermaid block: tcpflow draws its own, and leaves Mermaid to VS Code',
  'Import Capture reads a capture in the workspace through VS Code\'s file system',
  'typing the prefix handshake offers the snippet; inserted, it checks clean',
  'the status bar shows each endpoint\'s state at the cursor line with a tooltip in the run\'s language, and a click on it opens the preview',
  'CodeLens over a ```tcpflow block: Open Preview draws that block, Copy Mermaid copies it and says so, in the run\'s language',
  'the walkthrough opens with its steps in the run\'s language; its example\'s error gets the quick fix menu from Fix the First Error',
  'when the language server is killed, an error notification offers Show Log, which shows the tcpflow output channel, and the server comes back',
  'a TCP handshake drawn as a ```mermaid diagram in a note: the wrong ack squiggled, fixed in the note\'s notation, converted to tcpflow',
  'the command palette lists tcpflow\'s commands titled in the run\'s language',
] as const;

/** What the outer test tells in-host.ts through mode.json in the shared directory. */
export interface RunMode {
  locale: 'en' | 'zh-cn';
  /**
   * An experiment, not a check (E2E_BARE_WEBVIEW=1): a bare webview of the test package is opened
   * and closed before the first preview and again after it, and the times to its first script are
   * reported (Figures.bareWebview*).
   */
  bareWebview?: boolean;
}

/** Timings measured in the extension host, in milliseconds, printed by the outer test. */
export interface Figures {
  activationMs?: number;
  firstDiagnosticMs?: number;
  previewFirstRenderMs?: number;
  /**
   * From the edit (in the extension host) to the new SVG in the preview's page (a
   * MutationObserver there), both read on the machine's one wall clock with sub-millisecond
   * resolution (`performance.timeOrigin + performance.now()`), after four edits drawn before it
   * (Mermaid's first renders in a page are slow).
   */
  keystrokeToSvgMs?: number;
  /** Of it: from the edit until the extension host reports the document's change (VS Code's own trip). */
  editSeenMs?: number;
  /** Of it: from the edit until the extension's update reaches the preview's page (its event's time stamp there). */
  updateInMs?: number;
  /** The page's own account of that drawing (its "rendered" answer): Mermaid's render, and the whole update. */
  pageDraw?: { mermaidMs: number; totalMs: number };
  /** Mermaid alone (a second Mermaid loaded into the preview's frame) rendering the same text: each run, ms. */
  mermaidAloneMs?: number[];
  /** Why Mermaid alone could not be timed (a figure, never a failed check). */
  mermaidAloneError?: string;
  /** When (Date.now()) Open Preview to the Side was invoked: the browser's timeline of the first preview is told from there. */
  previewAskedAt?: number;
  /** When (Date.now()) the experiment's first bare webview was made. */
  bareAskedAt?: number;
  bareWebviewFirstMs?: number;
  bareWebviewLaterMs?: number;
}

/**
 * While a webview is open, in-host.ts asks (ask-N.json beside it) and vscode.test.ts answers
 * (answer-N.json) after looking into the page's frames in Chromium.
 */
export type BrowserAsk = (
  /** The workbench's status bar shows the Restricted Mode item. */
  | { kind: 'restricted' }
  /**
   * The tcpflow preview: its SVG has this many arrows, whose labels show these texts; `fitted`:
   * the whole diagram is within the pane's width (nothing to scroll sideways).
   */
  | {
      kind: 'preview';
      arrows: number;
      labels: string[];
      fitted?: boolean;
      /** The toolbar's accessible name and the Fit button's tooltip (the page's language). */
      toolbar?: string;
      fitTitle?: string;
      /** Date.now() when the preview was asked for: the outer test prints the page's loading from then on. */
      since?: number;
    }
  /**
   * The preview's page starts noting when (`performance.timeOrigin + performance.now()`) each new
   * SVG goes in, and how many arrows it has: later `preview` asks answer `drawnAt`.
   */
  | { kind: 'watchPreview' }
  /**
   * A second Mermaid, loaded into the preview's frame, renders the diagram text the preview draws
   * for `flow` (in the run's language and `theme`) `runs` times; `seen` is each render's ms.
   */
  | { kind: 'mermaidAlone'; flow: string; theme: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light'; runs: number }
  /** A status bar item shows this text; `tooltip`: hovered, it shows this; `click`: then the test clicks it. */
  | { kind: 'statusbar'; text: string; tooltip?: string; click?: boolean }
  /** A notification toast shows this text. */
  | { kind: 'toast'; text: string }
  /**
   * A menu or widget of the workbench (quick fix, walkthrough…) shows these texts; `escape`: then
   * Escape is pressed; `click`: then the element of `selector` holding this text is clicked.
   */
  | { kind: 'workbench'; selector: string; texts: string[]; escape?: boolean; click?: string }
  /** The test kills the language server's process (SIGKILL), as a crash would end it. */
  | { kind: 'killServer' }
  /** The test opens the command palette, types `query`, reads the entries (they include `titles`) and closes it. */
  | { kind: 'palette'; query: string; titles: string[] }
  /** VS Code's Markdown preview: a fence drawn as SVG with these labels, and these findings listed. */
  | {
      kind: 'markdown';
      labels: string[];
      findings: string[];
      /** The preview's text includes this (an edit of the note has reached it). */
      text?: string;
    }
  /**
   * VS Code's Markdown preview of MIXED: one tcpflow block drawn with these labels, the Mermaid
   * block drawn by VS Code (`builtinMermaid`, with these texts in its SVG) or left as code, and
   * nothing of one inside the other.
   */
  | { kind: 'mixed'; labels: string[]; builtinMermaid: boolean; mermaidTexts: string[] }
) & {
  /** Once it shows what is asked, a screenshot of the page under this name (test-results/vscode-VERSION/NAME.png). */
  shot?: string;
};

export interface BrowserAnswer {
  ok: boolean;
  /** When (Date.now(), same machine) the browser first saw what was asked. */
  seenAt?: number;
  /** A `preview` ask after `watchPreview`: when the page put in the first SVG with the asked arrows (page clock, wall time). */
  drawnAt?: number;
  /** A `preview` ask after `watchPreview`: when the update that drew it reached the page (page clock, wall time). */
  arrivedAt?: number;
  /** A `preview` ask after `watchPreview`: the page's own account of its last drawing (its "rendered" answer). */
  pageDraw?: { mermaidMs: number; totalMs: number };
  /** What was seen last, for the failure message. */
  seen?: unknown;
}
