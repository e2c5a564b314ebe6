/**
 * packetdrill script to `.tcpflow` text.
 *
 * The local side (`>` packets, the socket calls) is the system under test and is named `L`; the
 * remote side (`<` packets, injected by packetdrill) is the peer `R`. Several connections in one
 * script (one socket after another) become `L1`/`R1`, `L2`/`R2`, ...
 *
 * Numbers: packetdrill writes sequence numbers relative to each side's ISN, except the
 * remote side's SYN, whose sequence number is the remote ISN itself; the output uses
 * `numbers relative` and subtracts that ISN where needed (also from the rare local ACK written
 * as an absolute number).
 *
 * Both dialects are read: Google's (`0 socket(...)`, `+.1`, `...` for blocking calls, `%{ }%`)
 * and FreeBSD's (`+0.00`, sysctl backtick lines, `#ifdef` blocks). Constructs that do not change
 * the flow are skipped with a warning (shell commands, tolerance flags, python assertions other
 * than `tcpi_state`); constructs that do (non-TCP packets, `#ifdef` without chosen defines,
 * `tcpdrop`, a second concurrently accepted connection) make the import fail with a
 * PacketdrillImportError naming the construct and its line.
 */

import { LineSegment, commentText, formatDuration, segmentLine } from './emit';
import type { ImportWarning } from './pcap';
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './pcap';

export interface PacketdrillImportOptions {
  /**
   * Symbols defined for `#ifdef` / `#ifndef` blocks (e.g. `['FreeBSD']`). Without this option a
   * script with conditional blocks fails to import, because the flow depends on the choice.
   */
  defines?: string[];
}

export interface PacketdrillImportResult {
  text: string;
  warnings: ImportWarning[];
  /** Constructs that were skipped (each named once), e.g. "shell command", "--tolerance_usecs". */
  unsupported: string[];
  /** Number of connections in the output. */
  connections: number;
}

export class PacketdrillImportError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly construct: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'PacketdrillImportError';
  }
}

interface Stmt {
  text: string;
  line: number;
}

type Event =
  | { kind: 'packet'; line: number; time: number; pkt: Packet; raw: string; conn?: Conn }
  | { kind: 'call'; line: number; time: number; name: string; args: string[]; result: string; raw: string; conn?: Conn; fdKind?: 'socket' | 'listener' | 'conn' }
  | { kind: 'shell'; line: number; time: number; cmd: string; conn?: Conn }
  | { kind: 'python'; line: number; time: number; code: string; conn?: Conn };

interface Packet {
  inbound: boolean;
  flags: number;
  start: number;
  end: number;
  len: number;
  ack?: number;
  win?: number;
  urg?: number;
  mss?: number;
  wscale?: number;
  sackOk?: boolean;
  ts?: { val: number; ecr: number };
  sack?: [number, number][];
  tfo?: string;
  otherOptions: string[];
}

interface Conn {
  id: number;
  local: 'client' | 'server' | 'closed';
  remoteSendsSyn: boolean;
  connectFd?: number;
  listenFd?: number;
  acceptedFd?: number;
  hasPackets: boolean;
  /** Has packets, a connect/listen, or a state assertion: worth declaring. */
  used: boolean;
  localSendsSyn: boolean;
  remoteSendsAny: boolean;
}

const STATE_NAMES: Record<string, string> = {
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECV: 'SYN_RCVD',
  SYN_RECEIVED: 'SYN_RCVD',
  SYN_RCVD: 'SYN_RCVD',
  FIN_WAIT1: 'FIN_WAIT_1',
  FIN_WAIT_1: 'FIN_WAIT_1',
  FIN_WAIT2: 'FIN_WAIT_2',
  FIN_WAIT_2: 'FIN_WAIT_2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSED',
  CLOSED: 'CLOSED',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

/** Socket calls that never change the flow (their effect shows in the packets). */
const NO_OP_CALLS = new Set([
  'socket', 'bind', 'setsockopt', 'getsockopt', 'fcntl', 'ioctl', 'write', 'writev', 'send', 'sendmsg', 'read', 'readv',
  'recv', 'recvfrom', 'recvmsg', 'poll', 'select', 'epoll_create', 'epoll_ctl', 'epoll_wait', 'getsockname', 'getpeername',
  'sendfile', 'splice', 'open', 'pipe', 'accept4', 'usleep', 'sendmmsg', 'recvmmsg',
]);

/** Split the script into statements with their first line, honouring comments and multi-line blocks. */
function statements(text: string): Stmt[] {
  const out: Stmt[] = [];
  let cur = '';
  let startLine = 1;
  let line = 1;
  let depth = 0;
  let i = 0;
  const n = text.length;
  const flush = (): void => {
    const t = cur.trim();
    if (t) out.push({ text: t, line: startLine });
    cur = '';
    depth = 0;
  };
  let atLineStart = true;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      if (depth <= 0) flush();
      else cur += ' ';
      i++;
      atLineStart = true;
      continue;
    }
    if (!cur.trim()) startLine = line;
    if (atLineStart && c === '#' && !cur.trim()) {
      // Preprocessor line: a statement of its own.
      let j = text.indexOf('\n', i);
      if (j < 0) j = n;
      flush();
      out.push({ text: text.slice(i, j).replace(/\/\/.*$/, '').trim(), line });
      i = j;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') atLineStart = false;
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const j = text.indexOf('*/', i + 2);
      const end = j < 0 ? n : j + 2;
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      cur += ' ';
      i = end;
      continue;
    }
    if (c === '`') {
      const j = text.indexOf('`', i + 1);
      const end = j < 0 ? n : j + 1;
      const chunk = text.slice(i, end);
      for (const ch of chunk) if (ch === '\n') line++;
      cur += chunk.replace(/\n/g, ' ');
      i = end;
      continue;
    }
    if (c === '%' && text[i + 1] === '{') {
      const j = text.indexOf('}%', i + 2);
      const end = j < 0 ? n : j + 2;
      const chunk = text.slice(i, end);
      for (const ch of chunk) if (ch === '\n') line++;
      cur += chunk.replace(/\n/g, '\n');
      i = end;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    cur += c;
    i++;
  }
  flush();
  return out;
}

const NUM = String.raw`(?:\d+\.?\d*|\.\d+)`;
const TIME_RE = new RegExp(String.raw`^(\*|([+]?)\s*(${NUM})(?:\s*(?:\.\.\.|~)\s*[+]?${NUM})?)(?=\s|$)\s*`);

function fail(message: string, line: number, construct: string): never {
  throw new PacketdrillImportError(message, line, construct);
}

function parseNumber(s: string, line: number, what: string): number {
  const v = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(v) || v > 0xffffffff) fail(`cannot read ${what} '${s}'`, line, what);
  return v;
}

function parsePacket(body: string, inbound: boolean, line: number, warn: (m: string) => void): Packet {
  let rest = body.trim();
  // IP-level annotations such as [ect0] or (tos 0x1) do not change the TCP flow.
  for (;;) {
    const m = /^(\[[^\]]*\]|\([^)]*\))\s*/.exec(rest);
    if (!m || /^\[\d+:\d+\(\d+\)\]/.test(m[1])) break;
    warn(`IP-level annotation ${m[1]} ignored`);
    rest = rest.slice(m[0].length);
  }
  const first = /^(\S+)/.exec(rest)?.[1] ?? '';
  if (/^(udp|icmp|icmp6|icmpv6|sctp|gre|mpls|ipv4|ipv6)$/i.test(first)) {
    fail(`unsupported construct '${first}' packet: only TCP segments can be expressed`, line, `${first} packet`);
  }
  if (/^\d+\.\d+\.\d+\.\d+|^[0-9a-f]*:[0-9a-f:]*:/i.test(first)) {
    fail(`unsupported construct: explicit addresses in a packet ('${first}')`, line, 'explicit packet addresses');
  }
  if (!/^[SFRP.EWU-]+$/.test(first)) fail(`unsupported construct: cannot read TCP flags '${first}'`, line, 'packet syntax');
  let flags = 0;
  for (const ch of first) {
    flags |= ch === 'S' ? TCP_SYN : ch === 'F' ? TCP_FIN : ch === 'R' ? TCP_RST : ch === 'P' ? TCP_PSH : ch === '.' ? TCP_ACK : ch === 'E' ? TCP_ECE : ch === 'W' ? TCP_CWR : ch === 'U' ? TCP_URG : 0;
  }
  rest = rest.slice(first.length).trim();
  const sq = /^(\d+):(\d+)\((\d+)\)\s*/.exec(rest);
  if (!sq) fail(`unsupported construct: packet without 'start:end(len)' sequence numbers`, line, 'packet syntax');
  const pkt: Packet = { inbound, flags, start: Number(sq[1]), end: Number(sq[2]), len: Number(sq[3]), otherOptions: [] };
  // The language's len= holds 0 to 2^31 - 1 (a segment carries far less; a larger number is no length).
  if (pkt.len > 0x7fffffff) fail(`payload length ${sq[3]} is larger than any segment carries`, line, 'payload length');
  if (((pkt.end - pkt.start) >>> 0) !== pkt.len) warn(`sequence range ${sq[1]}:${sq[2]} does not match length ${sq[3]}; using the length`);
  rest = rest.slice(sq[0].length);
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^(ack|win|urg)\s+(\S+?)(?=[\s<]|$)\s*/.exec(rest))) {
      const v = parseNumber(m[2], line, m[1]);
      if (m[1] === 'ack') pkt.ack = v;
      else if (m[1] === 'win') pkt.win = v;
      else pkt.urg = v;
      rest = rest.slice(m[0].length);
      continue;
    }
    if (rest.startsWith('<')) {
      const close = rest.indexOf('>');
      const inner = close < 0 ? rest.slice(1) : rest.slice(1, close);
      rest = close < 0 ? '' : rest.slice(close + 1).trim();
      parseOptions(inner, pkt, line, warn);
      continue;
    }
    const word = /^(\S+)\s*/.exec(rest) as RegExpExecArray;
    warn(`unknown packet field '${word[1]}' ignored`);
    rest = rest.slice(word[0].length);
  }
  return pkt;
}

function parseOptions(inner: string, pkt: Packet, line: number, warn: (m: string) => void): void {
  const t = inner.trim();
  if (t === '...' || t === '') return;
  for (const raw of t.split(',')) {
    const o = raw.trim();
    let m: RegExpExecArray | null;
    if (o === 'nop' || o === 'eol' || o === '') continue;
    // An MSS its 16-bit option field cannot hold is no MSS: kept as a comment, as below.
    if ((m = /^mss\s+(\d+)$/.exec(o)) && Number(m[1]) <= 0xffff) pkt.mss = Number(m[1]);
    else if ((m = /^wscale\s+(\d+)$/.exec(o))) pkt.wscale = Number(m[1]);
    else if (/^sackOK$/i.test(o)) pkt.sackOk = true;
    else if ((m = /^TS\s+val\s+(\d+)\s+ecr\s+(\d+)$/i.exec(o))) pkt.ts = { val: Number(m[1]), ecr: Number(m[2]) };
    else if ((m = /^sack((?:\s+\d+:\d+)*)$/.exec(o))) {
      pkt.sack = m[1].trim() ? m[1].trim().split(/\s+/).map((b) => b.split(':').map(Number) as [number, number]) : [];
    } else if ((m = /^(FO|FOEXP)(?:\s+(\S+))?$/.exec(o))) pkt.tfo = m[2] ?? '';
    else {
      pkt.otherOptions.push(o);
      warn(`TCP option '${o}' kept as a comment`);
    }
  }
  void line;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Import a packetdrill script. Throws PacketdrillImportError when the flow cannot be expressed. */
export function importPacketdrill(text: string, opts: PacketdrillImportOptions = {}): PacketdrillImportResult {
  const warnings: ImportWarning[] = [];
  const unsupported = new Set<string>();
  const skip = (construct: string, message: string, line: number): void => {
    unsupported.add(construct);
    warnings.push({ message, line });
  };

  // ---- Pass 0: statements, preprocessor, options, timing.
  const stmts = statements(text);
  const events: Event[] = [];
  const ifStack: boolean[] = [];
  let localIp: string | undefined;
  let remoteIp: string | undefined;
  let prevTime = 0;
  for (const st of stmts) {
    const t = st.text;
    if (t.startsWith('#')) {
      const m = /^#\s*(\w+)\s*(.*)$/.exec(t);
      const dir = m?.[1] ?? '';
      if (dir === 'ifdef' || dir === 'ifndef') {
        if (!opts.defines) {
          fail(
            `unsupported construct '#${dir} ${m?.[2] ?? ''}': conditional blocks choose between alternative flows (pass the defines to use)`,
            st.line,
            `#${dir}`,
          );
        }
        const defined = opts.defines.includes((m?.[2] ?? '').trim());
        ifStack.push(dir === 'ifdef' ? defined : !defined);
      } else if (dir === 'else') {
        if (ifStack.length === 0) fail("'#else' without '#ifdef'", st.line, '#else');
        ifStack.push(!(ifStack.pop() as boolean));
      } else if (dir === 'endif') {
        if (ifStack.length === 0) fail("'#endif' without '#ifdef'", st.line, '#endif');
        ifStack.pop();
      } else fail(`unsupported construct '#${dir}'`, st.line, `#${dir}`);
      continue;
    }
    if (ifStack.includes(false)) continue;
    if (t.startsWith('--')) {
      const m = /^--([\w-]+)(?:=(\S*))?/.exec(t);
      const name = m?.[1] ?? t;
      // An address the language cannot write (`--local_ip==1.2.3.4`) is left out, with a warning.
      const ip = m?.[2] && (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(m[2]) || (/^[0-9A-Fa-f:.]+$/.test(m[2]) && (m[2].includes('::') || m[2].split(':').length === 8))) ? m[2] : undefined;
      if ((name === 'local_ip' || name === 'remote_ip') && !ip) skip(`--${name}`, `option --${name} does not give an IPv4 or IPv6 address; skipped`, st.line);
      else if (name === 'local_ip') localIp = ip;
      else if (name === 'remote_ip') remoteIp = ip;
      else if (name !== 'ip_version') skip(`--${name}`, `option --${name} has no equivalent; skipped`, st.line);
      continue;
    }
    let rest = t;
    let time = prevTime;
    const tm = TIME_RE.exec(rest);
    if (tm) {
      if (tm[1] !== '*') {
        const v = Number(tm[3]);
        time = tm[2] === '+' ? prevTime + v : v;
      }
      rest = rest.slice(tm[0].length);
    }
    prevTime = time;
    if (rest.startsWith('<') || rest.startsWith('>')) {
      const inbound = rest[0] === '<';
      const pkt = parsePacket(rest.slice(1), inbound, st.line, (m) => warnings.push({ message: m, line: st.line }));
      events.push({ kind: 'packet', line: st.line, time, pkt, raw: rest });
      continue;
    }
    if (rest.startsWith('`')) {
      events.push({ kind: 'shell', line: st.line, time, cmd: rest.replace(/^`|`$/g, '').trim() });
      continue;
    }
    if (rest.startsWith('%{')) {
      events.push({ kind: 'python', line: st.line, time, code: rest.replace(/^%\{|\}%$/g, '').trim() });
      continue;
    }
    const call = /^([A-Za-z_]\w*)\s*\(/.exec(rest);
    if (call) {
      // Find the matching parenthesis.
      let depth = 0;
      let end = -1;
      for (let k = call[0].length - 1; k < rest.length; k++) {
        if (rest[k] === '(') depth++;
        else if (rest[k] === ')') {
          depth--;
          if (depth === 0) {
            end = k;
            break;
          }
        }
      }
      if (end < 0) fail(`cannot read the call '${call[1]}(': unbalanced parentheses`, st.line, 'syscall syntax');
      const args = splitArgs(rest.slice(call[0].length, end));
      const result = rest.slice(end + 1).replace(/^\s*=\s*/, '').trim();
      events.push({ kind: 'call', line: st.line, time, name: call[1], args, result, raw: rest });
      continue;
    }
    fail(`unsupported construct: cannot read '${rest.slice(0, 40)}'`, st.line, 'unknown statement');
  }
  if (ifStack.length > 0) fail('#ifdef block not closed', stmts[stmts.length - 1]?.line ?? 1, '#ifdef');

  // ---- Pass 1: connections and roles.
  const conns: Conn[] = [];
  const fds = new Map<number, { kind: 'socket' | 'listener' | 'conn'; conn?: Conn }>();
  let current: Conn | undefined;
  const newConn = (local: Conn['local']): Conn => {
    const c: Conn = { id: 0, local, remoteSendsSyn: false, hasPackets: false, used: false, localSendsSyn: false, remoteSendsAny: false };
    conns.push(c);
    current = c;
    return c;
  };
  const fdOf = (e: Extract<Event, { kind: 'call' }>): number | undefined => {
    const a = e.args[0];
    return a !== undefined && /^\d+$/.test(a) ? Number(a) : undefined;
  };
  const resultFd = (e: Extract<Event, { kind: 'call' }>): number | undefined => {
    const m = /^(\d+)/.exec(e.result);
    return m ? Number(m[1]) : undefined;
  };
  for (const e of events) {
    if (e.kind === 'packet') {
      const c = current ?? newConn('closed');
      c.hasPackets = true;
      c.used = true;
      if (e.pkt.inbound) {
        c.remoteSendsAny = true;
        if (e.pkt.flags & TCP_SYN && !(e.pkt.flags & TCP_ACK)) c.remoteSendsSyn = true;
      } else if (e.pkt.flags & TCP_SYN) c.localSendsSyn = true;
      e.conn = c;
      continue;
    }
    if (e.kind !== 'call') {
      e.conn = current;
      // State assertions make a socket worth declaring even without packets.
      if (current && (e.kind === 'python' ? /tcpi_state\s*==/.test(e.code) : /sockstat\b/.test(e.cmd))) current.used = true;
      continue;
    }
    const fd = fdOf(e);
    const name = e.name;
    if (name === 'socket') {
      // Each socket may become a connection; unused ones are dropped below.
      const r = resultFd(e);
      const c = newConn('closed');
      if (r !== undefined) fds.set(r, { kind: 'socket', conn: c });
      e.conn = c;
    } else if (name === 'connect' || (name === 'sendto' && e.args.some((a) => a.includes('MSG_FASTOPEN')))) {
      const f = fd !== undefined ? fds.get(fd) : undefined;
      if (f?.conn && f.kind !== 'socket') e.conn = f.conn; // a repeated connect() on a connected socket
      else {
        const c = f?.conn && f.conn.local === 'closed' && !f.conn.hasPackets ? f.conn : newConn('client');
        c.local = 'client';
        c.connectFd = fd;
        c.used = true;
        if (fd !== undefined) fds.set(fd, { kind: 'conn', conn: c });
        e.conn = c;
        e.fdKind = 'conn';
      }
    } else if (name === 'listen') {
      const f = fd !== undefined ? fds.get(fd) : undefined;
      if (f?.kind === 'listener' && f.conn) e.conn = f.conn;
      else {
        const c = f?.conn && f.conn.local === 'closed' && !f.conn.hasPackets ? f.conn : newConn('server');
        c.local = 'server';
        c.listenFd = fd;
        c.used = true;
        if (fd !== undefined) fds.set(fd, { kind: 'listener', conn: c });
        e.conn = c;
      }
    } else if (name === 'accept' || name === 'accept4') {
      const f = fd !== undefined ? fds.get(fd) : undefined;
      const r = resultFd(e);
      if (f?.conn && r !== undefined) {
        if (f.conn.acceptedFd !== undefined && f.conn.acceptedFd !== r) {
          fail(`unsupported construct: a second accepted connection (accept returned ${r}); several connections on one listener cannot be told apart`, e.line, 'several accepted connections');
        }
        f.conn.acceptedFd = r;
        fds.set(r, { kind: 'conn', conn: f.conn });
      }
      e.conn = f?.conn;
    } else {
      const f = fd !== undefined ? fds.get(fd) : undefined;
      e.conn = f?.conn ?? current;
      e.fdKind = f?.kind;
    }
  }

  // ---- Drop sockets that never matter; number the rest.
  const kept = conns.filter((c) => c.used);
  kept.forEach((c, i) => (c.id = i + 1));
  for (const e of events) if (e.conn && !e.conn.used) e.conn = undefined;
  conns.length = 0;
  for (const c of kept) conns.push(c);

  // ---- Names and declarations.
  const multi = conns.length > 1;
  const L = (c: Conn): string => (multi ? `L${c.id}` : 'L');
  const R = (c: Conn): string => (multi ? `R${c.id}` : 'R');
  const lines: string[] = [];
  lines.push('# Imported from a packetdrill script.');
  lines.push("# L is the system under test (packetdrill's local side, '>'), R the remote peer ('<').");
  lines.push('# Trailing comments give the line of the script.');
  lines.push('numbers relative');
  lines.push('');
  const addr = (ip: string | undefined): string => (ip ? ` ${ip.includes(':') ? `[${ip}]` : ip}` : '');
  for (const c of conns) {
    if (c.local === 'client') lines.push(`client ${L(c)}${addr(localIp)}`);
    else if (c.local === 'server') lines.push(`server ${L(c)}${addr(localIp)}`);
    else lines.push(`endpoint ${L(c)} CLOSED${addr(localIp)}${c.localSendsSyn || !c.hasPackets ? '' : ' isn=0'}`);
    if (c.local === 'closed' && !c.hasPackets) continue; // no peer involved
    if (c.remoteSendsSyn) lines.push(`client ${R(c)}${addr(remoteIp)}`);
    else if (c.local === 'client') lines.push(`server ${R(c)}${addr(remoteIp)}`);
    else lines.push(`endpoint ${R(c)} ESTABLISHED${addr(remoteIp)} isn=0  # no SYN from the peer in the script`);
  }
  if (conns.length === 0) warnings.push({ message: 'the script has no TCP connection' });
  lines.push('');

  // ---- Pass 2: emit.
  interface Track {
    remoteIsn?: number;
    remoteSynced: boolean;
    remoteNext: number;
    localFin: boolean;
    dead: boolean;
    connected: boolean;
  }
  const track = new Map<Conn, Track>();
  const tr = (c: Conn): Track => {
    let t = track.get(c);
    if (!t) {
      t = { remoteSynced: false, remoteNext: 0, localFin: false, dead: false, connected: false };
      track.set(c, t);
    }
    return t;
  };
  let clock = 0;
  const advance = (time: number): void => {
    if (time > clock + 1e-9) {
      const d = formatDuration((time - clock) * 1000);
      if (d) lines.push(`wait ${d}`);
      clock = time;
    }
  };
  const nextLocalSegmentIsRst = (from: number, c: Conn | undefined): boolean => {
    for (let k = from + 1; k < events.length; k++) {
      const e = events[k];
      if (e.kind === 'packet' && !e.pkt.inbound && e.conn === c) return (e.pkt.flags & TCP_RST) !== 0;
    }
    return false;
  };
  const comment = (s: string): string => `# ${commentText(s)}`;

  events.forEach((e, idx) => {
    const c = e.conn;
    if (e.kind === 'shell') {
      const sock = /sockstat\b.*grep\s+-c\s+([A-Z_0-9]+)/.exec(e.cmd);
      if (sock && c && STATE_NAMES[sock[1]]) {
        advance(e.time);
        lines.push(`${L(c)}: ${STATE_NAMES[sock[1]]}  # line ${e.line}: sockstat`);
        return;
      }
      if (/\btcpdrop\b/.test(e.cmd)) {
        fail("unsupported construct 'tcpdrop': it removes the connection without sending any segment", e.line, 'tcpdrop');
      }
      skip('shell command', `shell command skipped: \`${e.cmd.slice(0, 60)}\``, e.line);
      lines.push(comment(`line ${e.line}: shell command skipped: ${e.cmd}`));
      return;
    }
    if (e.kind === 'python') {
      const asserts = [...e.code.matchAll(/tcpi_state\s*==\s*TCPI_([A-Z_0-9]+)/g)];
      const mapped = asserts.map((m) => STATE_NAMES[m[1]]).filter((s): s is string => s !== undefined);
      if (mapped.length > 0 && c) {
        advance(e.time);
        for (const s of mapped) lines.push(`${L(c)}: ${s}  # line ${e.line}: tcpi_state`);
        const others = e.code.split('\n').filter((l) => l.trim() && !/tcpi_state\s*==/.test(l));
        if (others.length > 0) skip('python block', 'python statements other than the tcpi_state assertion skipped', e.line);
        return;
      }
      skip('python block', `python block skipped: ${e.code.replace(/\s+/g, ' ').slice(0, 60)}`, e.line);
      lines.push(comment(`line ${e.line}: python skipped: ${e.code.replace(/\s+/g, ' ')}`));
      return;
    }
    if (e.kind === 'call') {
      advance(e.time);
      const raw = comment(`line ${e.line}: ${e.raw}`);
      if (!c) {
        lines.push(raw);
        if (!NO_OP_CALLS.has(e.name) && e.name !== 'close' && e.name !== 'shutdown') warnings.push({ message: `call ${e.name}() has no equivalent; kept as a comment`, line: e.line });
        return;
      }
      const t = tr(c);
      const name = e.name;
      if ((name === 'connect' || name === 'sendto') && e.fdKind === 'conn' && !t.connected) {
        t.connected = true;
        lines.push(`${L(c)} connect  # line ${e.line}: ${name}${name === 'sendto' ? ' with MSG_FASTOPEN' : ''}`);
        return;
      }
      if (name === 'close') {
        if (e.fdKind === 'listener') {
          if (c.acceptedFd === undefined && c.hasPackets && nextLocalSegmentIsRst(idx, c)) {
            lines.push(`${L(c)} abort  # line ${e.line}: close() of the listener resets the connection not yet accepted`);
            t.dead = true;
          } else if (!c.hasPackets) {
            lines.push(`${L(c)} close  # line ${e.line}: close() of the listening socket`);
            t.dead = true;
          } else lines.push(comment(`line ${e.line}: ${e.raw} (closes the listening socket only)`));
          return;
        }
        if (e.fdKind === 'conn' && !t.dead && !t.localFin) {
          if (nextLocalSegmentIsRst(idx, c)) {
            lines.push(`${L(c)} abort  # line ${e.line}: close() answered by RST`);
            t.dead = true;
          } else lines.push(`${L(c)} close  # line ${e.line}`);
          return;
        }
        lines.push(comment(`line ${e.line}: ${e.raw} (releases the descriptor only)`));
        return;
      }
      if (name === 'shutdown') {
        const how = e.args[1] ?? '';
        if (/SHUT_WR|SHUT_RDWR/.test(how) && !t.dead && !t.localFin) {
          lines.push(`${L(c)} shutdown  # line ${e.line}: shutdown(${how})`);
          return;
        }
        lines.push(comment(`line ${e.line}: ${e.raw} (no segment follows)`));
        return;
      }
      if (!NO_OP_CALLS.has(name) && !['connect', 'sendto', 'listen', 'accept'].includes(name)) {
        warnings.push({ message: `call ${name}() has no equivalent; kept as a comment`, line: e.line });
      }
      lines.push(raw);
      return;
    }
    // Packet.
    advance(e.time);
    const p = e.pkt;
    const cc = c as Conn;
    const t = tr(cc);
    let seq = p.start;
    let ack = p.ack;
    const syn = (p.flags & TCP_SYN) !== 0;
    if (p.inbound) {
      if (syn) {
        if (t.remoteIsn === undefined || (!t.remoteSynced && p.start !== t.remoteIsn)) t.remoteIsn = p.start;
        seq = (p.start - t.remoteIsn) >>> 0;
      }
      const end = (seq + p.len + (syn ? 1 : 0) + (p.flags & TCP_FIN ? 1 : 0)) >>> 0;
      if (end > t.remoteNext) t.remoteNext = end;
      if (p.flags & TCP_RST) t.dead = true;
    } else {
      if (ack !== undefined && t.remoteIsn !== undefined && t.remoteIsn !== 0) {
        const asRel = (ack - t.remoteIsn) >>> 0;
        if (ack > t.remoteNext + 1 && asRel <= t.remoteNext + 1) ack = asRel;
      }
      if (p.flags & TCP_ACK && t.remoteIsn !== undefined) t.remoteSynced = true;
      if (p.flags & TCP_FIN) t.localFin = true;
      if (p.flags & TCP_RST) t.dead = true;
    }
    const line: LineSegment = {
      from: p.inbound ? R(cc) : L(cc),
      to: p.inbound ? L(cc) : R(cc),
      flags: p.flags,
      seq,
      len: p.len,
      comment: [`line ${e.line}`],
    };
    if (p.flags & TCP_ACK) line.ack = ack ?? 0;
    if (p.flags & TCP_ACK && ack === undefined) (line.comment as string[]).push('ack not given in the script');
    if (p.win !== undefined) line.win = p.win;
    if (p.mss !== undefined) line.mss = p.mss;
    if (p.wscale !== undefined) line.wscale = p.wscale;
    if (p.sackOk) line.sackOk = true;
    if (p.ts) line.ts = p.ts;
    const cm = line.comment as string[];
    if (p.sack) cm.push(`SACK ${p.sack.map(([a, b]) => `${a}-${b}`).join(' ')}`);
    // RFC 7413: a cookie written in hex digits becomes `tfo=0x…`; any other spelling stays a comment.
    if (p.tfo !== undefined && /^[0-9a-f]*$/i.test(p.tfo)) line.tfo = p.tfo.toLowerCase();
    else if (p.tfo !== undefined) cm.push(`TFO cookie ${p.tfo}`);
    if (p.urg !== undefined) cm.push(`urgent pointer ${p.urg}`);
    if (p.otherOptions.length > 0) cm.push(`options ${p.otherOptions.join(', ')}`);
    lines.push(segmentLine(line));
  });

  return { text: `${lines.join('\n')}\n`, warnings, unsupported: [...unsupported], connections: conns.length };
}

