/**
 * The kernel oracle's comparison (docs/oracle.md): a fixture is a capture of a real conversation
 * on loopback (test/oracle/fixtures/<name>.pcapng) and the `ss -tan` states of its sockets at
 * key moments (<name>.json), both written by scripts/oracle/run.mjs. Imported and checked, it
 * must give no error and no warning, and the model's states must be the kernel's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core/index';
import type { TcbView } from '../../src/core/index';
import { importCapture } from '../../src/core/import/capture';
import { readCapture } from '../../src/core/import/pcap';

export const FIXTURES = join(__dirname, 'fixtures');

export interface SsSocket {
  /** As ss prints it: ESTAB, TIME-WAIT, FIN-WAIT-2… */
  state: string;
  local: string;
  peer: string;
}

export interface Snapshot {
  label: string;
  note: string;
  /** Seconds since the epoch, on the clock that stamped the capture. */
  time: number;
  /** Whether the server's listening socket existed. */
  listening: boolean;
  /**
   * Set when the kernel's states at this moment follow from a call the wire does not show yet
   * (close() with data queued behind a shut window: FIN-WAIT-1 before any FIN is sent). Its rows
   * are compared and shown, but a difference is no disagreement: no capture could tell.
   */
  unseen?: string;
  sockets: SsSocket[];
}

export interface Expectation {
  scenario: string;
  title: string;
  port: number;
  kernel: string;
  snapshots: Snapshot[];
}

/** ss's names for the states of RFC 9293 §3.3.2, in the language's spelling. */
export const SS_TO_MODEL: Record<string, string> = {
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RCVD',
  ESTAB: 'ESTABLISHED',
  'FIN-WAIT-1': 'FIN_WAIT_1',
  'FIN-WAIT-2': 'FIN_WAIT_2',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  CLOSING: 'CLOSING',
  'LAST-ACK': 'LAST_ACK',
  'TIME-WAIT': 'TIME_WAIT',
};

export interface StateRow {
  snapshot: string;
  /** `C (127.0.0.1:41234)`. */
  endpoint: string;
  /** What ss showed ("-" when the socket was gone). */
  ss: string;
  /** The state the kernel's answer maps to. */
  expected: string;
  model: string;
  ok: boolean;
  /** The snapshot's `unseen`: a difference here is not counted. */
  unseen?: string;
}

export interface Outcome {
  name: string;
  expectation: Expectation;
  /** The imported flow ('' when the import failed). */
  text: string;
  rows: StateRow[];
  /**
   * Every disagreement with the kernel as a stable signature (kept in pending.json):
   * `import: …`, `pkt N TFxxxx` (or `line "…" TFxxxx` for a line without a packet number),
   * `state <snapshot> <endpoint>: ss X, model Y`, `socket <local> <peer> not in the model`.
   */
  disagreements: string[];
  /** The same, with the finding's message and the imported line, for people. */
  details: string[];
}

export function loadExpectation(name: string): Expectation {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Expectation;
}

const tcbKey = (endpoint: string, peer: string) => `${endpoint}>${peer}`;

/** Compares a fixture with its ss record (or with `expectation` and `bytes`, to test the comparison). */
export function compareFixture(name: string, expectation: Expectation = loadExpectation(name), bytes = new Uint8Array(readFileSync(join(FIXTURES, `${name}.pcapng`)))): Outcome {
  const out: Outcome = { name, expectation, text: '', rows: [], disagreements: [], details: [] };
  let imported: ReturnType<typeof importCapture>;
  try {
    imported = importCapture(bytes);
  } catch (e) {
    const msg = `import: ${(e as Error).message}`;
    out.disagreements.push(msg);
    out.details.push(msg);
    return out;
  }
  for (const w of imported.warnings) {
    out.disagreements.push(`import: ${w.message}`);
    out.details.push(`import warning${w.packet ? ` (packet ${w.packet})` : ''}: ${w.message}`);
  }
  const text = imported.text;
  out.text = text;

  // Line of every offset, packet number of every line, time of every packet.
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lines = text.split('\n');
  const pktOfLine = (line: number) => {
    const m = /# pkt (\d+),/.exec(lines[line] ?? '');
    return m ? Number(m[1]) : undefined;
  };
  const packetTime = new Map<number, number>();
  for (const p of readCapture(bytes).packets) packetTime.set(p.packet, p.sec + p.nsec / 1e9);

  const analysis = analyze(text);
  for (const f of analysis.findings) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    const line = lineOf(f.start);
    const pkt = pktOfLine(line);
    const where = pkt !== undefined ? `pkt ${pkt}` : `line "${lines[line].replace(/\s+#.*$/, '').trim()}"`;
    out.disagreements.push(`${where} ${f.code}`);
    out.details.push(`line ${line + 1} (${where}) ${f.severity} ${f.code}: ${f.message}\n    ${lines[line]}`);
  }

  // Each endpoint's state over time: the time of an event is its packet's, or the last time
  // before it for lines without a packet (stand-ins, deliver).
  const model = analysis.model;
  const timeAt = new Map<number, number>();
  let last = -Infinity;
  for (const ev of model.events) {
    const pkt = pktOfLine(lineOf(ev.stmt.start));
    const t = pkt !== undefined ? packetTime.get(pkt) : undefined;
    if (t !== undefined) last = t;
    timeAt.set(ev.stmt.start, last);
  }
  const history = new Map<string, { time: number; state: string }[]>();
  const record = (v: TcbView, time: number) => {
    const k = tcbKey(v.endpoint, v.peer);
    let h = history.get(k);
    if (!h) history.set(k, (h = []));
    h.push({ time, state: v.state });
  };
  for (const ev of model.events) {
    const t = timeAt.get(ev.stmt.start) ?? last;
    if (ev.kind === 'segment') {
      record(ev.send.after, t);
      for (const d of ev.deliveries) record(d.after, timeAt.get(d.at.start) ?? t);
    } else if (ev.kind === 'call' && ev.after) record(ev.after, t);
  }
  for (const h of history.values()) h.sort((a, b) => a.time - b.time);

  const info = new Map(model.endpoints.map((e) => [e.name, e]));
  const address = (n: string) => info.get(n)?.address ?? '?';
  // A pair of addresses can carry several incarnations one after the other (C1/S1, then C2/S2
  // from the same port): a socket ss shows belongs to the latest one begun by then.
  const tcbs = model.finalStates.map((v) => ({
    endpoint: v.endpoint,
    peer: v.peer,
    final: v.state,
    begun: history.get(tcbKey(v.endpoint, v.peer))?.[0]?.time ?? Infinity,
  }));
  const snaps = expectation.snapshots;
  for (const [i, snap] of snaps.entries()) {
    const isEnd = i === snaps.length - 1;
    const seen = new Set<SsSocket>();
    for (const tcb of tcbs) {
      const local = address(tcb.endpoint);
      const peer = address(tcb.peer);
      const latest = tcbs
        .filter((o) => address(o.endpoint) === local && address(o.peer) === peer && o.begun <= snap.time)
        .reduce<(typeof tcbs)[number] | undefined>((a, b) => (a && a.begun >= b.begun ? a : b), undefined);
      // A socket connected to itself is both ends of its connection: it stands for both TCBs.
      const sock = latest === tcb || (local === peer && latest) ? snap.sockets.find((s) => s.local === local && s.peer === peer) : undefined;
      if (sock) seen.add(sock);
      let model: string;
      if (isEnd) model = tcb.final;
      else {
        const h = history.get(tcbKey(tcb.endpoint, tcb.peer)) ?? [];
        let state = info.get(tcb.endpoint)?.startState ?? 'CLOSED';
        for (const r of h) if (r.time <= snap.time) state = r.state;
        model = state;
      }
      const expected = sock ? SS_TO_MODEL[sock.state] ?? sock.state : 'CLOSED';
      // No socket for this pair: the endpoint is CLOSED, or, for a server whose listening
      // socket is still open, back in (or still in) LISTEN for this connection.
      const ok = model === expected || (!sock && model === 'LISTEN' && info.get(tcb.endpoint)?.role === 'server' && snap.listening);
      const row: StateRow = {
        snapshot: snap.label,
        endpoint: `${tcb.endpoint} (${local})`,
        ss: sock ? sock.state : '-',
        expected: !sock && snap.listening && info.get(tcb.endpoint)?.role === 'server' ? 'CLOSED or LISTEN' : expected,
        model,
        ok,
        ...(snap.unseen ? { unseen: snap.unseen } : {}),
      };
      out.rows.push(row);
      if (!ok && !snap.unseen) {
        const sig = `state ${snap.label} ${tcb.endpoint}: ss ${row.ss}, model ${model}`;
        out.disagreements.push(sig);
        out.details.push(`${sig} (expected ${row.expected}; ${snap.note})`);
      }
    }
    for (const s of snap.sockets) {
      if (seen.has(s)) continue;
      // A socket no incarnation claims: its pair is unknown to the model, or the capture shows
      // its first segment only after the moment ss saw it.
      const known = tcbs.some((t) => address(t.endpoint) === s.local && address(t.peer) === s.peer);
      const sig = `socket ${s.local} ${s.peer} ${known ? 'before its first segment' : 'not in the model'}`;
      out.disagreements.push(sig);
      out.details.push(`${sig} (${s.state} at "${snap.label}")`);
    }
  }
  return out;
}
