/**
 * The checker: replays a parsed flow statement by statement, keeps one TCB per endpoint per
 * connection (tcp/machine.ts), compares what the notes wrote with what RFC 9293 expects, and
 * records findings and the model. After a finding it carries on with the expected value, so
 * one mistake gives one finding.
 */
import * as ast from '../syntax/ast';
import { LineIndex } from '../syntax/text';
import { Finding, FindingKey, FINDINGS, Fix, Locale, Related, TextEdit, formatMessage } from './findings';
import { SeqValue, add, concrete, diff, equal, gt } from '../tcp/seq';
import { TcpState, isSynchronized, lookupState, ALL_STATES } from '../tcp/states';
import { RULE, Seg, Tcb, Why, advanceClock, applySend, checkSend, isDuplicateAck, isKeepAlive, isRetransmission, newTcb, receive, segLen, startRcvNxt } from '../tcp/machine';
import { phrase, PhraseKey } from '../l10n/strings';
import type { Delivery, EndpointInfo, FlowEvent, Model, NumberView, SegmentEvent, SendClass, SymbolInfo, TcbView } from '../model';
import { AppTracker } from '../app/app';

interface Endpoint {
  info: EndpointInfo;
  /** State when no connection exists (CLOSED, or LISTEN for a server). */
  idle: TcpState;
  isn?: number;
  backlog?: number;
  win?: number;
  wscale?: number;
  lastConn?: Connection;
  conns: Map<string, Connection>;
}

interface SymbolEntry {
  value: SeqValue;
  info: SymbolInfo;
}

interface Connection {
  key: string;
  a: string;
  b: string;
  tcbs: Map<string, Tcb>;
  symbols: Map<string, SymbolEntry>;
  app: AppTracker;
  frozen?: { map: Map<string, SymbolEntry>; n: number; fn: (v: SeqValue | undefined) => string };
}

interface InFlight {
  event: SegmentEvent;
  seg: Seg;
  conn: Connection;
  sentAt: ast.SegmentStmt;
}

export interface CheckOptions {
  locale?: Locale;
  /** Lines before the text (a Markdown fence's position), for line numbers inside messages. */
  lineOffset?: number;
}

export interface CheckResult {
  findings: Finding[];
  model: Model;
}

interface PendingRst {
  finding: number;
  from: string;
  to: string;
}

export function check(file: ast.File, lines: LineIndex, options: CheckOptions = {}): CheckResult {
  return new Checker(file, lines, options.locale ?? 'en', options.lineOffset ?? 0).run();
}

class Checker {
  private readonly findings: Finding[] = [];
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly conns = new Map<string, Connection>();
  private readonly events: FlowEvent[] = [];
  private readonly symbols: SymbolInfo[] = [];
  private readonly endpointRefs = new Map<string, ast.Span[]>();
  private readonly inflight = new Map<string, InFlight>();
  private readonly rootNames: string[] = [''];
  private readonly pendingRst: PendingRst[] = [];
  private relative = false;
  private clock = 0;
  private mslMs = 120_000;
  private title?: string;

  constructor(
    private readonly file: ast.File,
    private readonly lines: LineIndex,
    private readonly locale: Locale,
    private readonly lineOffset = 0,
  ) {}

  run(): CheckResult {
    // Endpoints are declared before use, but a declaration later in the file still counts
    // (notes sometimes list the cast at the end); collect them first.
    for (const st of this.file.statements) if (st.kind === 'endpoint') this.declare(st);
    for (const st of this.file.statements) this.statement(st);
    for (const [id, f] of this.inflight) {
      const seg = f.sentAt;
      this.report('undelivered', seg.delay!.valueSpan, [id]);
    }
    this.resolvePendingRst();
    const finalStates: TcbView[] = [];
    for (const c of this.conns.values()) for (const [name, t] of c.tcbs) finalStates.push(this.view(t, name, name === c.a ? c.b : c.a, c));
    const model: Model = {
      title: this.title,
      endpoints: [...this.endpoints.values()].map((e) => e.info),
      events: this.events,
      symbols: this.symbols,
      endpointRefs: this.endpointRefs,
      finalStates,
    };
    return { findings: this.findings, model };
  }

  // ---- reporting -------------------------------------------------------------------------

  private report(key: FindingKey, span: ast.Span, args: string[], extra: { fix?: Fix; related?: Related[]; expected?: string; actual?: string } = {}): number {
    const def = FINDINGS[key];
    // The rule cited in the message (the last RFC argument) is the finding's rule.
    let rule = def.rule;
    for (const a of args) if (a.startsWith('RFC ')) rule = a;
    const f: Finding = {
      code: def.code,
      key,
      severity: def.severity,
      rule,
      start: span.start,
      end: span.end,
      args,
      message: formatMessage(key, args, this.locale),
      related: extra.related ?? [],
      fix: extra.fix,
      expected: extra.expected,
      actual: extra.actual,
    };
    this.findings.push(f);
    return this.findings.length - 1;
  }

  private line(offset: number): number {
    return this.lines.positionAt(offset).line + 1 + this.lineOffset;
  }

  private p(key: PhraseKey, ...args: (string | number)[]): string {
    return phrase(key, this.locale, ...args);
  }

  private fixTitle(en: string, zh: string): string {
    return this.locale === 'zh-cn' ? zh : en;
  }

  // ---- endpoints and connections --------------------------------------------------------

  private ref(name: ast.Name): void {
    const list = this.endpointRefs.get(name.text);
    if (list) list.push({ start: name.start, end: name.end });
    else this.endpointRefs.set(name.text, [{ start: name.start, end: name.end }]);
  }

  private declare(st: ast.EndpointStmt): void {
    if (this.endpoints.has(st.name.text)) {
      this.report('duplicateEndpoint', st.name, [st.name.text]);
      return;
    }
    let start = st.role === 'server' ? TcpState.LISTEN : TcpState.CLOSED;
    if (st.startState) {
      const s = this.stateName(st.startState);
      if (s) start = s;
    }
    const address = st.address ? (st.address.port !== undefined ? `${st.address.host}:${st.address.port}` : st.address.host) : undefined;
    this.endpoints.set(st.name.text, {
      info: { name: st.name.text, role: st.role, decl: st, address, startState: start },
      idle: start,
      isn: st.isn?.value,
      backlog: st.backlog?.value,
      win: st.win?.value,
      wscale: st.wscale?.value,
      conns: new Map(),
    });
    this.ref(st.name);
  }

  /** Read a state name, reporting unknown names and misspellings. */
  private stateName(s: { text: string; span: ast.Span }): TcpState | undefined {
    const found = lookupState(s.text);
    if (!found) {
      this.report('unknownState', s.span, [s.text, ALL_STATES.join(', ')]);
      return undefined;
    }
    if (!found.exact) {
      this.report('stateSpelling', s.span, [s.text, found.state], {
        fix: { title: this.fixTitle(`Write ${found.state}`, `改为 ${found.state}`), edits: [{ start: s.span.start, end: s.span.end, newText: found.state }] },
        expected: found.state,
        actual: s.text,
      });
    }
    return found.state;
  }

  private endpoint(name: ast.Name): Endpoint | undefined {
    const e = this.endpoints.get(name.text);
    if (!e) {
      const names = shortList([...this.endpoints.keys()], this.locale);
      const hint = names ? (this.locale === 'zh-cn' ? `（已声明：${names}）` : ` (declared: ${names})`) : '';
      this.report('unknownEndpoint', name, [name.text, hint]);
      return undefined;
    }
    this.ref(name);
    return e;
  }

  private connection(a: Endpoint, b: Endpoint): Connection {
    const [x, y] = a.info.name < b.info.name ? [a.info.name, b.info.name] : [b.info.name, a.info.name];
    const key = `${x}<->${y}`;
    let c = this.conns.get(key);
    if (!c) {
      c = { key, a: x, b: y, tcbs: new Map(), symbols: new Map(), app: new AppTracker() };
      this.conns.set(key, c);
      a.conns.set(b.info.name, c);
      b.conns.set(a.info.name, c);
    }
    return c;
  }

  private tcb(c: Connection, e: Endpoint): Tcb {
    let t = c.tcbs.get(e.info.name);
    if (!t) {
      t = newTcb(e.idle);
      if (e.win !== undefined) t.rcvWnd = e.win;
      c.tcbs.set(e.info.name, t);
    }
    return t;
  }

  /** A snapshot of a TCB whose numbers are formatted only when read (hover, diagram). */
  private view(t: Tcb, endpoint: string, peer: string, c: Connection): TcbView {
    return new TcbSnapshot(endpoint, peer, t, this.fmtFrozen(c));
  }

  // ---- values ----------------------------------------------------------------------------

  private newRoot(name: string): SeqValue {
    this.rootNames.push(name);
    return { root: this.rootNames.length - 1, off: 0 };
  }

  /** Format a value in the notes' notation: a number, or the closest bound name plus an offset. */
  fmt(v: SeqValue | undefined, c?: Connection): string {
    return this.format(v, c?.symbols, Infinity);
  }

  /** A formatter that sees only the names bound so far (for snapshots read later). */
  private fmtFrozen(c: Connection): (v: SeqValue | undefined) => string {
    const map = c.symbols;
    const n = map.size;
    // One formatter per (table, size): most segments bind no new name and share it.
    const cached = c.frozen;
    if (cached && cached.map === map && cached.n === n) return cached.fn;
    const fn = (v: SeqValue | undefined) => this.format(v, map, n);
    c.frozen = { map, n, fn };
    return fn;
  }

  private format(v: SeqValue | undefined, symbols: Map<string, SymbolEntry> | undefined, limit: number): string {
    if (!v) return '?';
    if (v.root === 0) return String(v.off);
    let best: { name: string; d: number } | undefined;
    if (symbols) {
      let i = 0;
      for (const [name, s] of symbols) {
        if (i++ >= limit) break;
        if (s.value.root !== v.root) continue;
        const d = diff(v, s.value);
        if (d >= 0 && (!best || d <= best.d)) best = { name, d };
      }
    }
    if (!best) best = { name: this.rootNames[v.root] ?? '?', d: v.off | 0 };
    return best.d === 0 ? best.name : best.d > 0 ? `${best.name}+${best.d}` : `${best.name}-${-best.d}`;
  }

  /** Text to write into the file for a value: relative numbers in relative mode. */
  private writeAs(v: SeqValue, base: SeqValue | undefined, c: Connection): string {
    if (this.relative && base) {
      const d = diff(v, base);
      if (!Number.isNaN(d)) return String(d >>> 0);
    }
    return this.fmt(v, c);
  }

  private numberView(v: SeqValue | undefined, base: SeqValue | undefined, c: Connection, why: () => string): NumberView {
    return new LazyNumber(v, base, this.fmtFrozen(c), why);
  }

  /**
   * Evaluate a written number. A fresh name binds so that the whole expression equals the
   * expected value (or, with nothing expected, to a new unknown root). `base` is the ISN a
   * relative number counts from.
   */
  private evaluate(e: ast.Expr, c: Connection, expected: SeqValue | undefined, base: () => SeqValue | undefined): SeqValue {
    if (e.symbol) {
      const name = e.symbol.text;
      const s = c.symbols.get(name);
      if (s) {
        s.info.refs.push({ start: e.symbol.start, end: e.symbol.end });
        return add(s.value, e.offset);
      }
      const value = expected ? add(expected, -e.offset) : this.newRoot(name);
      const info: SymbolInfo = { name, connection: c.key, def: { start: e.symbol.start, end: e.symbol.end }, refs: [], value, text: '' };
      c.symbols.set(name, { value, info });
      info.text = value.root === 0 ? String(value.off) : this.fmt(value, undefined);
      this.symbols.push(info);
      return add(value, e.offset);
    }
    if (this.relative) {
      const b = base();
      if (b) return add(b, e.offset);
    }
    return concrete(e.offset);
  }

  private explain(why: Why | undefined, whoExpects: string): string {
    if (!why) return this.p('whyNone');
    const line = this.line(why.start);
    switch (why.kind) {
      case 'syn':
        return this.p('whySyn', why.who, line);
      case 'syndata':
        return this.p('whySynData', why.who, line, why.len);
      case 'fin':
        return this.p('whyFin', why.who, line);
      case 'data':
        return this.p('whyData', why.who, line, why.len);
      case 'isn':
        return this.p('whyIsn', why.who, line, whoExpects);
      case 'bound':
        return this.p('whyBound', why.who, line);
    }
  }

  // ---- statements ------------------------------------------------------------------------

  private statement(st: ast.Statement): void {
    switch (st.kind) {
      case 'endpoint':
        this.events.push({ kind: 'other', stmt: st });
        return;
      case 'title':
        this.title ??= st.text;
        this.events.push({ kind: 'other', stmt: st });
        return;
      case 'numbers':
        this.relative = st.mode === 'relative';
        this.events.push({ kind: 'other', stmt: st });
        return;
      case 'msl':
        this.mslMs = st.ms;
        this.events.push({ kind: 'other', stmt: st });
        return;
      case 'note':
        for (const n of st.over) this.endpoint(n);
        this.events.push({ kind: 'other', stmt: st });
        return;
      case 'phase':
        this.events.push({ kind: 'other', stmt: st });
        return;
      case 'wait':
        return this.wait(st);
      case 'deliver':
        return this.deliver(st);
      case 'assert':
        return this.assert(st);
      case 'call':
        return this.call(st);
      case 'segment':
        return this.segment(st);
    }
  }

  private wait(st: ast.WaitStmt): void {
    const d = st.duration;
    if (d.ms !== undefined) this.clock += d.ms;
    else if (d.msl !== undefined) this.clock += d.msl * this.mslMs;
    const closed: string[] = [];
    for (const c of this.conns.values()) {
      for (const [name, t] of c.tcbs) if (advanceClock(t, this.clock, this.mslMs)) closed.push(name);
    }
    this.events.push({ kind: 'wait', stmt: st, clock: this.clock, closed });
  }

  private assert(st: ast.AssertStmt): void {
    const results: { endpoint: string; peer?: string; expected: string; actual?: TcpState; ok: boolean }[] = [];
    for (const item of st.items) {
      const e = this.endpoint(item.endpoint);
      const want = this.stateName(item.state);
      if (!e || !want) {
        results.push({ endpoint: item.endpoint.text, expected: item.state.text, ok: true });
        continue;
      }
      let conn: Connection | undefined;
      if (item.peer) {
        const p = this.endpoint(item.peer);
        if (p) conn = e.conns.get(p.info.name);
      } else conn = e.lastConn;
      const t = conn?.tcbs.get(e.info.name);
      const actual = t ? t.state : e.idle;
      const okay = actual === want;
      results.push({ endpoint: e.info.name, peer: item.peer?.text, expected: want, actual, ok: okay });
      if (!okay) {
        const last = this.lastEventFor(e.info.name);
        const why = last ? this.p('stateWhy', this.line(last.start), last.what) : this.p('stateNever');
        this.report('stateMismatch', item.state.span, [e.info.name, actual, want, why, RULE.states], {
          fix: { title: this.fixTitle(`Change to ${actual}`, `改为 ${actual}`), edits: [{ start: item.state.span.start, end: item.state.span.end, newText: actual }] },
          expected: actual,
          actual: want,
          related: last ? [{ span: { start: last.start, end: last.end }, message: last.what }] : [],
        });
      }
    }
    this.events.push({ kind: 'assert', stmt: st, results });
  }

  private lastEventFor(name: string): { start: number; end: number; what: string } | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const ev = this.events[i];
      if (ev.kind === 'segment' && (ev.from === name || (ev.to === name && ev.deliveries.length > 0))) {
        const v = ev.from === name ? ev.send.after : ev.deliveries[ev.deliveries.length - 1].after;
        const flags = ev.flags.join(',') || 'segment';
        return { start: ev.stmt.start, end: ev.stmt.end, what: `${ev.from} → ${ev.to} ${flags} ⇒ ${name} ${v.state}` };
      }
      if (ev.kind === 'call' && ev.stmt.endpoint.text === name) return { start: ev.stmt.start, end: ev.stmt.end, what: `${name} ${ev.stmt.call}` };
      if (ev.kind === 'wait' && ev.closed.includes(name)) return { start: ev.stmt.start, end: ev.stmt.end, what: `wait ⇒ ${name} CLOSED` };
      if (ev.kind === 'deliver' && ev.segment && ev.segment.to === name) {
        const d = ev.segment.deliveries[ev.segment.deliveries.length - 1];
        if (d) return { start: ev.stmt.start, end: ev.stmt.end, what: `deliver ⇒ ${name} ${d.after.state}` };
      }
    }
    return undefined;
  }

  private call(st: ast.CallStmt): void {
    const e = this.endpoint(st.endpoint);
    if (!e) return;
    let conn: Connection | undefined;
    if (st.peer) {
      const p = this.endpoint(st.peer);
      if (p) conn = this.connection(e, p);
    } else conn = e.lastConn;
    const t = conn?.tcbs.get(e.info.name);
    const peer = conn ? (conn.a === e.info.name ? conn.b : conn.a) : '';
    const before = t && conn ? this.view(t, e.info.name, peer, conn) : undefined;
    const idleBefore = e.idle;
    const state = t && t.state !== TcpState.CLOSED ? t.state : e.idle;
    const bad = (reason: PhraseKey, rule: string) => this.report('badCall', st.callSpan, [e.info.name, state, st.call, this.p(reason), rule]);
    switch (st.call) {
      case 'listen':
        if (state === TcpState.CLOSED) e.idle = TcpState.LISTEN;
        else if (!(state === TcpState.LISTEN && !t)) bad('callListenNotClosed', RULE.open);
        break;
      case 'open':
        if (state === TcpState.TIME_WAIT) this.report('timeWaitReuse', st.callSpan, [e.info.name, peer, RULE.timeWait]);
        else if (state !== TcpState.CLOSED && state !== TcpState.LISTEN) bad('callOpenExists', RULE.open);
        break;
      case 'close':
      case 'shutdown':
        if (!t || t.state === TcpState.CLOSED) {
          if (e.idle === TcpState.LISTEN) e.idle = TcpState.CLOSED;
          else bad('callNoConnection', RULE.close);
        } else if (t.state === TcpState.LISTEN || t.state === TcpState.SYN_SENT) {
          t.state = TcpState.CLOSED;
        } else if (t.state === TcpState.SYN_RCVD || t.state === TcpState.ESTABLISHED || t.state === TcpState.CLOSE_WAIT) {
          t.closePending = true;
        } else bad('callCloseClosing', RULE.close);
        break;
      case 'abort':
        if (!t || t.state === TcpState.CLOSED) {
          if (e.idle === TcpState.LISTEN) e.idle = TcpState.CLOSED;
          else bad('callNoConnection', RULE.abort);
        } else {
          t.aborted = isSynchronized(t.state);
          t.state = TcpState.CLOSED;
        }
        break;
    }
    this.events.push({ kind: 'call', stmt: st, before, after: t && conn ? this.view(t, e.info.name, peer, conn) : undefined, idleBefore, idleAfter: e.idle });
  }

  // ---- segments --------------------------------------------------------------------------

  private segment(st: ast.SegmentStmt): void {
    const from = this.endpoint(st.from);
    const to = st.to.text ? this.endpoint(st.to) : undefined;
    if (!from || !to) return;
    if (from === to) {
      this.report('selfSegment', st.to, [from.info.name]);
      return;
    }
    const c = this.connection(from, to);
    from.lastConn = c;
    to.lastConn = c;
    const s = this.tcb(c, from);
    // A server's TCB that ended returns to its listener for the next SYN.
    if (s.state === TcpState.CLOSED && from.idle === TcpState.LISTEN && s.used) s.state = TcpState.LISTEN;
    const sBefore = this.view(s, from.info.name, to.info.name, c);
    const modifiers = new Set(st.modifiers.map((m) => m.name));
    const findingStart = this.findings.length;

    // Flags in effect.
    const flags = new Set<ast.FlagName>();
    for (const f of st.flags) if (f.set) flags.add(f.flag);
    const ackCleared = st.flags.find((f) => f.flag === 'ACK' && !f.set);
    if (st.ackFlagValue) {
      const fv = st.ackFlagValue;
      const fixed = this.expectedAckText(s, c);
      this.report('ackFlagValue', fv.key, [fixed ?? this.file.text.slice(fv.valueSpan.start, fv.valueSpan.end), RULE.header], {
        fix: { title: this.fixTitle('Write ACK=1, ack=…', '改为 ACK=1, ack=…'), edits: [{ start: fv.key.start, end: fv.key.end, newText: flags.has('ACK') ? 'ack' : 'ACK=1, ack' }] },
      });
      flags.add('ACK');
    }
    const ackField = st.ack ?? st.ackFlagValue;
    if (st.ack && !flags.has('ACK')) {
      const edit: TextEdit = ackCleared
        ? { start: ackCleared.end - 1, end: ackCleared.end, newText: '1' }
        : st.flags.length > 0
          ? { start: st.flagsSpan.end, end: st.flagsSpan.end, newText: st.flags[st.flags.length - 1].bitStyle ? ', ACK=1' : ' ACK' }
          : { start: st.ack.start, end: st.ack.start, newText: 'ACK ' };
      this.report('ackWithoutFlag', st.ack.key, [this.file.text.slice(st.ack.valueSpan.start, st.ack.valueSpan.end), RULE.header], {
        fix: { title: this.fixTitle('Set the ACK flag', '设置 ACK 标志'), edits: [edit] },
      });
      flags.add('ACK');
    }
    const len = st.len?.value ?? (st.label ? utf8Length(st.label.text) : 0);
    const seg: Seg = {
      syn: flags.has('SYN'),
      ack: flags.has('ACK'),
      fin: flags.has('FIN'),
      rst: flags.has('RST'),
      len,
      win: st.win?.value,
      wscale: st.wscale?.value,
      rtx: modifiers.has('rtx'),
    };
    const lineNo = this.line(st.start);
    const why: Why = { kind: seg.syn ? (len > 0 ? 'syndata' : 'syn') : seg.fin ? 'fin' : 'data', who: from.info.name, start: st.start, end: st.end, len };

    // An old duplicate from an earlier incarnation: the network delivers it, its sender's
    // current connection has nothing to do with it (RFC 9293 §3.5, Figure 8).
    if (modifiers.has('old')) {
      seg.seq = st.seq ? this.evaluate(st.seq.value, c, undefined, () => s.iss) : undefined;
      seg.ackNo = seg.ack && ackField ? this.evaluate(ackField.value, c, undefined, () => s.irs) : undefined;
      this.emit(st, c, s, seg, flags, 'old-duplicate', sBefore, () => '', () => '', findingStart, modifiers);
      return;
    }

    // TIME_WAIT reuse: a new SYN before 2MSL has passed.
    if (seg.syn && s.state === TcpState.TIME_WAIT) {
      this.report('timeWaitReuse', st.flags.find((f) => f.flag === 'SYN') ?? st.arrow, [from.info.name, to.info.name, RULE.timeWait]);
    }
    // New incarnation: forget the old connection's names.
    const opening = seg.syn && !seg.ack && (s.state === TcpState.CLOSED || s.state === TcpState.LISTEN || s.state === TcpState.TIME_WAIT);
    if (opening && s.used) {
      const r = c.tcbs.get(to.info.name);
      if (!r || r.state === TcpState.CLOSED || r.state === TcpState.LISTEN || r.state === TcpState.TIME_WAIT) c.symbols = new Map();
    }

    // The state may not allow this segment at all.
    const verdict = checkSend(s, seg, len > 0 && s.finSeq ? this.writtenSeq(st, s) : undefined);
    if (!verdict.ok && !(seg.syn && s.state === TcpState.TIME_WAIT)) {
      const flagText = describeFlags(seg);
      this.report('cannotSend', st.flagsSpan.end > st.flagsSpan.start ? st.flagsSpan : st.arrow, [from.info.name, s.state, flagText, this.p(verdict.reason), verdict.rule]);
    }

    // ---- seq ----
    const newIss = opening || (seg.syn && !s.iss);
    let expectedSeq: SeqValue | undefined;
    let seqWhy: () => string = () => '';
    if (seg.rst && s.owesRst) {
      expectedSeq = s.owesRst.seq ?? (s.owesRst.ack ? concrete(0) : undefined);
      seqWhy = () => this.p('closedAnswersRst', '');
    } else if (newIss) {
      expectedSeq = from.isn !== undefined ? concrete(from.isn) : undefined;
      const isn = from.isn;
      seqWhy = () => (isn !== undefined ? this.p('whyIsn', from.info.name, this.line(from.info.decl.start), isn) : '');
    } else if (seg.syn && s.iss) {
      expectedSeq = s.iss;
      seqWhy = () => this.p('whySyn', from.info.name, lineNo);
    } else {
      expectedSeq = s.sndNxt;
      const nxt = s.sndNxt;
      const nxtWhy = s.sndNxtWhy;
      const fmtNow = this.fmtFrozen(c);
      seqWhy = () => this.p('expectSeq', from.info.name, fmtNow(nxt)) + (nxtWhy ? `; ${this.explain(nxtWhy, '')}` : '');
    }
    const issBase = (): SeqValue | undefined => {
      if (s.iss && !newIss) return s.iss;
      if (newIss) return from.isn !== undefined ? concrete(from.isn) : this.newRoot(`ISN_${from.info.name}`);
      return undefined;
    };
    let seqValue: SeqValue | undefined;
    let seqHeldAck = false;
    let sendClass: SendClass = 'new';
    if (st.seq) {
      const written = this.evaluate(st.seq.value, c, expectedSeq, issBase);
      seqValue = written;
      // An RST of one's own (not a reply) is judged by the receiver's window (§3.10.7.4 second).
      const ownRst = seg.rst && !s.owesRst;
      if (expectedSeq && !equal(written, expectedSeq) && !ownRst) {
        const probe: Seg = { ...seg, seq: written };
        if (!seg.rst && isRetransmission(s, probe) && !newIss) sendClass = 'retransmission';
        else if (!seg.rst && isKeepAlive(s, probe)) sendClass = 'keepalive';
        else {
          const expText = this.writeAs(expectedSeq, s.iss, c);
          const fix: Fix = { title: this.fixTitle(`Set seq to ${expText}`, `将 seq 改为 ${expText}`), edits: [{ start: st.seq.valueSpan.start, end: st.seq.valueSpan.end, newText: expText }] };
          const related = s.sndNxtWhy ? [{ span: { start: s.sndNxtWhy.start, end: s.sndNxtWhy.end }, message: this.explain(s.sndNxtWhy, '') }] : [];
          const writtenText = this.file.text.slice(st.seq.valueSpan.start, st.seq.valueSpan.end);
          if (s.rcvNxt && equal(written, s.rcvNxt) && !seg.syn) {
            // The seeds' mistake: the acknowledgment number written as seq.
            if (!st.ack) {
              const ackText = this.writeAs(s.rcvNxt, s.irs, c);
              fix.edits.push({ start: st.seq.valueSpan.end, end: st.seq.valueSpan.end, newText: ` ack=${ackText}` });
              fix.title = this.fixTitle(`Set seq to ${expText} and ack to ${ackText}`, `将 seq 改为 ${expText}，并写上 ack=${ackText}`);
            }
            seqHeldAck = true;
            this.report('seqHoldsAck', st.seq.valueSpan, [expText, writtenText, RULE.seqSpace], { fix, related, expected: expText, actual: writtenText });
          } else {
            this.report('wrongSeq', st.seq.valueSpan, [expText, seqWhy(), seg.syn ? RULE.handshake : RULE.seqSpace], { fix, related, expected: expText, actual: writtenText });
          }
          seqValue = expectedSeq;
        }
      } else if (!expectedSeq && newIss && !st.seq.value.symbol && !this.relative) {
        seqValue = written;
      }
    } else {
      seqValue = expectedSeq ?? (newIss ? issBase() : undefined);
    }
    seg.seq = seqValue;
    if (sendClass === 'new' && seg.rst && s.owesRst) sendClass = 'rst-reply';

    // ---- ack ----
    let expectedAck: SeqValue | undefined;
    let ackWhy: () => string = () => '';
    if (seg.rst && s.owesRst && s.owesRst.ack) {
      expectedAck = s.owesRst.ack;
    } else {
      expectedAck = s.rcvNxt;
      const rw = s.rcvNxtWhy;
      ackWhy = () => (rw ? this.explain(rw, '') : this.p('expectAck', from.info.name, to.info.name));
    }
    let ackValue: SeqValue | undefined;
    if (seg.ack && ackField) {
      const written = this.evaluate(ackField.value, c, expectedAck, () => s.irs);
      ackValue = written;
      if (expectedAck && !equal(written, expectedAck)) {
        const expText = this.writeAs(expectedAck, s.irs, c);
        const writtenText = this.file.text.slice(ackField.valueSpan.start, ackField.valueSpan.end);
        const fix: Fix = { title: this.fixTitle(`Set ack to ${expText}`, `将 ack 改为 ${expText}`), edits: [{ start: ackField.valueSpan.start, end: ackField.valueSpan.end, newText: expText }] };
        const related = s.rcvNxtWhy ? [{ span: { start: s.rcvNxtWhy.start, end: s.rcvNxtWhy.end }, message: this.explain(s.rcvNxtWhy, '') }] : [];
        const peerT = c.tcbs.get(to.info.name);
        if (s.sndNxt && equal(written, s.sndNxt) && !seg.rst) {
          this.report('ackHoldsSeq', ackField.valueSpan, [expText, writtenText, from.info.name, RULE.seqSpace], { fix, related, expected: expText, actual: writtenText });
        } else if (peerT?.sndNxt && gt(written, peerT.sndNxt)) {
          this.report('ackUnsent', ackField.valueSpan, [writtenText, to.info.name, this.fmt(peerT.sndNxt, c), expText, RULE.other], { fix, related, expected: expText, actual: writtenText });
        } else {
          this.report('wrongAck', ackField.valueSpan, [expText, ackWhy(), RULE.seqSpace], { fix, related, expected: expText, actual: writtenText });
        }
        ackValue = expectedAck;
      }
    } else if (seg.ack) {
      ackValue = expectedAck;
      if (st.seq && expectedAck && !seg.rst && !seqHeldAck) {
        const expText = this.writeAs(expectedAck, s.irs, c);
        this.report('missingAck', st.flags.find((f) => f.flag === 'ACK') ?? st.flagsSpan, [expText, RULE.header], {
          fix: { title: this.fixTitle(`Add ack=${expText}`, `添加 ack=${expText}`), edits: [{ start: st.seq.end, end: st.seq.end, newText: ` ack=${expText}` }] },
          expected: expText,
        });
      }
    }
    seg.ackNo = ackValue;
    if (sendClass === 'new' && isDuplicateAck(s, c.tcbs.get(to.info.name), seg)) sendClass = 'dup-ack';

    // ---- data checks ----
    if (seg.syn && len > 0) this.report('dataOnSyn', st.len ?? st.label?.span ?? st.flagsSpan, [String(len), RULE.synSent]);
    if (len > 0 && seg.seq && s.sndUna && s.sndWnd !== undefined && !seg.syn) {
      const limit = add(s.sndUna, s.sndWnd);
      const end = add(seg.seq, len);
      if (gt(end, limit)) {
        if (s.sndWnd === 0 && len === 1) sendClass = 'window-probe';
        else this.report('beyondWindow', st.len ?? st.label?.span ?? st.arrow, [this.fmt(end, c), to.info.name, this.fmt(limit, c), RULE.window]);
      }
    }

    // ---- application protocols ----
    if (st.app || (len > 0 && c.app.active(from.info.name))) {
      for (const a of c.app.onSend(from.info.name, to.info.name, st, s.state, this.locale)) this.report(a.key, a.span, a.args);
    }

    // ---- apply ----
    applySend(s, seg, why);
    if (seg.ack) {
      s.lastAckWasPure = len === 0 && !seg.syn && !seg.fin;
      s.lastAckSent = ackValue;
    }
    this.emit(st, c, s, seg, flags, sendClass, sBefore, seqWhy, ackWhy, findingStart, modifiers);
  }

  private emit(st: ast.SegmentStmt, c: Connection, s: Tcb, seg: Seg, flags: Set<ast.FlagName>, sendClass: SendClass, sBefore: TcbView, seqWhy: () => string, ackWhy: () => string, findingStart: number, modifiers: Set<ast.Modifier>): void {
    const from = st.from.text;
    const to = st.to.text;
    const ev: SegmentEvent = {
      kind: 'segment',
      stmt: st,
      from,
      to,
      flags: ast.FLAG_NAMES.filter((f) => flags.has(f)),
      seq: seg.seq || st.seq ? this.numberView(seg.seq, s.iss, c, seqWhy) : undefined,
      ack: seg.ack ? this.numberView(seg.ackNo, s.irs, c, ackWhy) : undefined,
      len: seg.len,
      sendClass,
      send: { before: sBefore, after: this.view(s, from, to, c) },
      fate: modifiers.has('lost') ? 'lost' : st.delay ? 'delayed' : modifiers.has('dup') ? 'duplicated' : 'delivered',
      delayId: st.delay?.value.text,
      deliveries: [],
      findings: [],
      connection: c.key,
    };
    this.events.push(ev);
    if (ev.fate === 'delayed') {
      const id = st.delay!.value.text;
      if (this.inflight.has(id)) this.report('duplicateDelay', st.delay!.valueSpan, [id]);
      else this.inflight.set(id, { event: ev, seg, conn: c, sentAt: st });
    } else if (ev.fate !== 'lost') {
      this.arrive(ev, seg, c, st, false);
      if (ev.fate === 'duplicated') this.arrive(ev, seg, c, st, true);
    }
    for (let i = findingStart; i < this.findings.length; i++) ev.findings.push(i);
  }

  /**
   * The written seq of a segment when it can be read without binding a name (a plain number), for
   * the state check before the numbers are judged (a retransmission may be sent after a FIN).
   */
  private writtenSeq(st: ast.SegmentStmt, s: Tcb): SeqValue | undefined {
    if (!st.seq || st.seq.value.symbol) return undefined;
    return this.relative && s.iss ? add(s.iss, st.seq.value.offset) : concrete(st.seq.value.offset);
  }

  private expectedAckText(s: Tcb, c: Connection): string | undefined {
    return s.rcvNxt ? this.writeAs(s.rcvNxt, s.irs, c) : undefined;
  }

  /** The segment reaches its receiver (now, or at `deliver`). */
  private arrive(ev: SegmentEvent, seg: Seg, c: Connection, at: ast.Statement, duplicate: boolean): void {
    const st = ev.stmt;
    const from = this.endpoints.get(ev.from)!;
    const to = this.endpoints.get(ev.to)!;
    let r = this.tcb(c, to);
    const marked = st.modifiers.some((m) => m.name === 'dropped');
    // A listener spawns a fresh TCB for a SYN when the old one has ended.
    if (seg.syn && !seg.ack && to.idle === TcpState.LISTEN && (r.state === TcpState.CLOSED || r.state === TcpState.LISTEN)) {
      r.state = TcpState.LISTEN;
      // Backlog: SYNs beyond the SYN queue are dropped.
      if (to.backlog !== undefined) {
        let half = 0;
        for (const cc of to.conns.values()) if (cc !== c && cc.tcbs.get(to.info.name)?.state === TcpState.SYN_RCVD) half++;
        if (half >= to.backlog) {
          const before = this.view(r, to.info.name, from.info.name, c);
          if (!marked) this.report('backlogFull', st.arrow, [to.info.name, String(to.backlog), String(half), RULE.listen]);
          ev.deliveries.push({ at: { start: at.start, end: at.end }, before, after: before, outcome: 'dropped', note: this.p('backlogRule'), duplicate });
          return;
        }
      }
    }
    if (seg.syn && !seg.ack && r.state === TcpState.TIME_WAIT && !duplicate) {
      this.report('timeWaitReuse', st.flags.find((f) => f.flag === 'SYN') ?? st.arrow, [to.info.name, from.info.name, RULE.timeWait]);
      r.state = to.idle === TcpState.LISTEN ? TcpState.LISTEN : TcpState.CLOSED;
    }
    const before = this.view(r, to.info.name, from.info.name, c);
    const why: Why = { kind: seg.syn ? (seg.len > 0 ? 'syndata' : 'syn') : seg.fin ? 'fin' : 'data', who: from.info.name, start: st.start, end: st.end, len: seg.len };
    if (isSynchronized(r.state) && !r.rcvNxt && seg.seq) r.rcvNxt = startRcvNxt(r, seg);
    const out = receive(r, seg, this.clock, why, (v) => this.fmt(v, c));
    const after = this.view(r, to.info.name, from.info.name, c);
    const note = out.reason ? this.p(out.reason, ...(out.reasonArgs ?? [])) : undefined;
    ev.deliveries.push({ at: { start: at.start, end: at.end }, before, after, outcome: out.kind, note, duplicate });
    if (duplicate) return;
    const span = st.flagsSpan.end > st.flagsSpan.start ? st.flagsSpan : st.arrow;
    if (seg.rst && out.kind === 'dropped' && !marked) {
      const lo = r.rcvNxt;
      this.report('rstOutOfWindow', st.seq?.valueSpan ?? span, [this.fmt(seg.seq, c), to.info.name, this.fmt(lo, c), this.fmt(lo && add(lo, r.rcvWnd), c), RULE.other]);
    } else if (seg.rst && out.kind === 'challenge' && !marked) {
      this.report('rstNotExact', st.seq?.valueSpan ?? span, [this.fmt(seg.seq, c), this.fmt(r.rcvNxt, c), to.info.name, RULE.challengeAck]);
    } else if ((out.kind === 'rst' || out.kind === 'challenge' || (out.kind === 'dropped' && out.reason) || (out.kind === 'ignored' && out.reason)) && !marked && ev.sendClass !== 'window-probe') {
      // (A window probe's byte is expected to be refused and re-acknowledged, §3.8.6.1.)
      const idx = this.report('receiverRejects', span, [to.info.name, before.state, describeFlags(seg), note ?? '', out.rule]);
      if (out.kind === 'rst') this.pendingRst.push({ finding: idx, from: to.info.name, to: from.info.name });
    } else if (marked && (out.kind === 'accepted' || out.kind === 'queued')) {
      this.report('unmarkedDrop', st.modifiers.find((m) => m.name === 'dropped')!.span, [to.info.name]);
    }
    if (out.kind === 'rst' && marked) {
      // Nothing to report; the reply may or may not be written.
    }
    void segLen;
  }

  private deliver(st: ast.DeliverStmt): void {
    const f = this.inflight.get(st.id.text);
    if (!f) {
      const ids = shortList([...this.inflight.keys()], this.locale);
      this.report('unknownDelay', st.id, [st.id.text, ids ? (this.locale === 'zh-cn' ? `（传输中：${ids}）` : ` (in flight: ${ids})`) : '']);
      this.events.push({ kind: 'deliver', stmt: st });
      return;
    }
    this.inflight.delete(st.id.text);
    const from = this.endpoints.get(f.event.from)!;
    const to = this.endpoints.get(f.event.to)!;
    from.lastConn = f.conn;
    to.lastConn = f.conn;
    const before = this.findings.length;
    this.arrive(f.event, f.seg, f.conn, st, false);
    for (let i = before; i < this.findings.length; i++) f.event.findings.push(i);
    this.events.push({ kind: 'deliver', stmt: st, segment: f.event });
  }

  /**
   * A receiver that must answer with RST: if the notes show that RST as the receiver's next
   * segment to the sender, they already know, and the warning is withdrawn.
   */
  private resolvePendingRst(): void {
    if (this.pendingRst.length === 0) return;
    const drop = new Set<number>();
    for (const p of this.pendingRst) {
      const f = this.findings[p.finding];
      const next = this.events.find((e): e is SegmentEvent => e.kind === 'segment' && e.stmt.start > f.start && e.from === p.from && e.to === p.to);
      if (next && next.flags.includes('RST')) drop.add(p.finding);
    }
    if (drop.size === 0) return;
    const remap = new Map<number, number>();
    const kept: Finding[] = [];
    this.findings.forEach((f, i) => {
      if (!drop.has(i)) {
        remap.set(i, kept.length);
        kept.push(f);
      }
    });
    this.findings.length = 0;
    this.findings.push(...kept);
    for (const ev of this.events) {
      if (ev.kind === 'segment') ev.findings = ev.findings.filter((i) => remap.has(i)).map((i) => remap.get(i)!);
    }
  }
}

/** At most eight names, so that a message stays one line however large the file. */
function shortList(names: string[], locale: Locale): string {
  const sep = locale === 'zh-cn' ? '、' : ', ';
  return names.length <= 8 ? names.join(sep) : `${names.slice(0, 8).join(sep)}${sep}… (+${names.length - 8})`;
}

function describeFlags(seg: Seg): string {
  const f: string[] = [];
  if (seg.syn) f.push('SYN');
  if (seg.fin) f.push('FIN');
  if (seg.rst) f.push('RST');
  if (seg.ack) f.push('ACK');
  if (seg.len > 0) f.push(`${seg.len} bytes`);
  return f.length ? f.join(',') : 'a segment without flags';
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

class TcbSnapshot implements TcbView {
  readonly state: TcpState;
  readonly sndWnd?: number;
  readonly rcvWnd: number;
  private readonly v: (SeqValue | undefined)[];

  constructor(
    readonly endpoint: string,
    readonly peer: string,
    t: Tcb,
    private readonly f: (v: SeqValue | undefined) => string,
  ) {
    this.state = t.state;
    this.sndWnd = t.sndWnd;
    this.rcvWnd = t.rcvWnd;
    this.v = [t.sndUna, t.sndNxt, t.rcvNxt, t.iss, t.irs];
  }

  private at(i: number): string | undefined {
    const x = this.v[i];
    return x && this.f(x);
  }
  get sndUna(): string | undefined {
    return this.at(0);
  }
  get sndNxt(): string | undefined {
    return this.at(1);
  }
  get rcvNxt(): string | undefined {
    return this.at(2);
  }
  get iss(): string | undefined {
    return this.at(3);
  }
  get irs(): string | undefined {
    return this.at(4);
  }
  toJSON(): TcbView {
    return { endpoint: this.endpoint, peer: this.peer, state: this.state, sndUna: this.sndUna, sndNxt: this.sndNxt, rcvNxt: this.rcvNxt, iss: this.iss, irs: this.irs, sndWnd: this.sndWnd, rcvWnd: this.rcvWnd };
  }
}

class LazyNumber implements NumberView {
  readonly absolute?: number;
  readonly relative?: number;
  private textCache?: string;
  private whyCache?: string;

  constructor(
    readonly value: SeqValue | undefined,
    base: SeqValue | undefined,
    private readonly f: (v: SeqValue | undefined) => string,
    private readonly explainer: () => string,
  ) {
    this.absolute = value && value.root === 0 ? value.off : undefined;
    const rel = value && base ? diff(value, base) : NaN;
    this.relative = Number.isNaN(rel) ? undefined : rel >>> 0;
  }
  get text(): string {
    return (this.textCache ??= this.value ? this.f(this.value) : '?');
  }
  get why(): string {
    return (this.whyCache ??= this.explainer());
  }
  toJSON(): NumberView {
    return { value: this.value, text: this.text, absolute: this.absolute, relative: this.relative, why: this.why };
  }
}
