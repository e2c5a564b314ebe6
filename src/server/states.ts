/**
 * `tcpflow/statesAt`: every endpoint's TCP state once the statement on a line has happened
 * (the state the inlay hints show after it, and, for an endpoint the line does not touch, the
 * state its last event left it in). The client's status bar asks for it as the cursor moves.
 * Read from the model the checker built; nothing about TCP is decided here.
 */
import type { Unit, View } from './documents';

export const STATES_AT_METHOD = 'tcpflow/statesAt';

export interface StatesAtParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
}

export interface EndpointState {
  endpoint: string;
  /** The peer, when the endpoint has connections with several peers. */
  peer?: string;
  state: string;
}

export interface StatesAtResult {
  /** Zero-based line the states are after. */
  line: number;
  states: EndpointState[];
}

interface Change {
  at: number;
  endpoint: string;
  peer?: string;
  state: string;
}

/** Every state change of an analysis in source order, and the endpoints with several peers: made once per analysis (the status bar asks at every cursor move). */
const timelines = new WeakMap<View, { ordered: Change[]; multi: Set<string> }>();

function timeline(a: View): { ordered: Change[]; multi: Set<string> } {
  const known = timelines.get(a);
  if (known) return known;
  const changes: Change[] = [];
  for (const ev of a.model.events) {
    if (ev.kind === 'segment') {
      changes.push({ at: ev.start, endpoint: ev.from, peer: ev.to, state: ev.send.after.state });
      for (const d of ev.deliveries) if (!d.duplicate) changes.push({ at: d.at.start, endpoint: ev.to, peer: ev.from, state: d.after.state });
    } else if (ev.kind === 'call') {
      const state = ev.after?.state ?? ev.idleAfter;
      if (state) changes.push({ at: ev.stmt.start, endpoint: ev.stmt.endpoint.text, peer: ev.after?.peer, state });
    } else if (ev.kind === 'wait') {
      for (const name of ev.closed) changes.push({ at: ev.stmt.start, endpoint: name, state: 'CLOSED' });
    }
  }
  // Stable: events at the same statement keep the checker's order.
  const ordered = changes
    .map((c, i) => ({ c, i }))
    .sort((x, y) => x.c.at - y.c.at || x.i - y.i)
    .map((x) => x.c);
  const peers = new Map<string, Set<string>>();
  for (const c of ordered) if (c.peer) (peers.get(c.endpoint) ?? peers.set(c.endpoint, new Set()).get(c.endpoint)!).add(c.peer);
  const multi = new Set<string>();
  for (const [name, set] of peers) if (set.size > 1) multi.add(name);
  const made = { ordered, multi };
  timelines.set(a, made);
  return made;
}

/** The states after the statements that start on or before the line of `offset`. */
export function statesAt(u: Unit, offset: number): StatesAtResult {
  const a = u.analysis;
  const pos = a.lines.positionAt(offset);
  const cutoff = a.lines.lineEnd(pos.line);
  const { ordered, multi } = timeline(a);
  const now = new Map<string, EndpointState>();
  for (const e of a.model.endpoints) now.set(e.name, { endpoint: e.name, state: e.startState });
  for (const c of ordered) {
    if (c.at > cutoff) break;
    const several = multi.has(c.endpoint);
    const key = several && c.peer ? `${c.endpoint}[${c.peer}]` : c.endpoint;
    if (several) now.delete(c.endpoint);
    now.set(key, several && c.peer ? { endpoint: c.endpoint, peer: c.peer, state: c.state } : { endpoint: c.endpoint, state: c.state });
  }
  return { line: pos.line, states: [...now.values()] };
}
