/**
 * `tcpflow/statesAt`: every endpoint's TCP state once the statement on a line has happened
 * (the state the inlay hints show after it, and, for an endpoint the line does not touch, the
 * state its last event left it in). The client's status bar asks for it as the cursor moves.
 * Read from the model the checker built; nothing about TCP is decided here.
 */
import type { Unit } from './documents';

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

/** The states after the statements that start on or before the line of `offset`. */
export function statesAt(u: Unit, offset: number): StatesAtResult {
  const a = u.analysis;
  const pos = a.lines.positionAt(offset);
  const cutoff = a.lines.lineEnd(pos.line);
  const changes: { at: number; endpoint: string; peer?: string; state: string }[] = [];
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
  const ordered = changes.map((c, i) => ({ c, i })).sort((x, y) => x.c.at - y.c.at || x.i - y.i);
  const peers = new Map<string, Set<string>>();
  for (const { c } of ordered) if (c.peer) (peers.get(c.endpoint) ?? peers.set(c.endpoint, new Set()).get(c.endpoint)!).add(c.peer);
  const now = new Map<string, EndpointState>();
  for (const e of a.model.endpoints) now.set(e.name, { endpoint: e.name, state: e.startState });
  for (const { c } of ordered) {
    if (c.at > cutoff) break;
    const multi = (peers.get(c.endpoint)?.size ?? 0) > 1;
    const key = multi && c.peer ? `${c.endpoint}[${c.peer}]` : c.endpoint;
    if (multi) now.delete(c.endpoint);
    now.set(key, multi && c.peer ? { endpoint: c.endpoint, peer: c.peer, state: c.state } : { endpoint: c.endpoint, state: c.state });
  }
  return { line: pos.line, states: [...now.values()] };
}
