/**
 * What a capture cannot show: when each segment reached its receiver.
 *
 * A capture is one point on the path. The checker, reading a flow, delivers every segment the
 * moment it is written unless the flow says otherwise (`delay=ID` ... `deliver ID`, `lost`). The
 * capture's own evidence about deliveries is the receiver's acknowledgment number: an ACK is its
 * sender's RCV.NXT (RFC 9293 §3.1), so an ACK sent after a segment was captured that reaches its
 * first byte but not its end shows the segment had not arrived yet (it was in flight: the two
 * crossed), or never arrived.
 *
 * For every segment that occupies sequence space (data or FIN; SYNs and RSTs are left to
 * controlSegments, below) this module decides one of three fates from the receiver's next ACKs:
 * - delivered at once (nothing says otherwise): no annotation;
 * - late: an ACK of the receiver sent after it, and before the first one that covers it, lies
 *   inside it (SEG.SEQ <= ACK < SEG.SEQ+SEG.LEN): the receiver had everything before it but not
 *   it; it is delivered just before the receiver's first ACK that covers it (or after the
 *   connection's last segment when none does);
 * - lost: the same, but a later copy of those bytes (a retransmission) reached the receiver before
 *   that covering ACK: the copy is the one the receiver took.
 * Segments after a late one from the same sender wait for it (the path is taken to keep order).
 *
 * Bytes the capture missed inside a sender's stream ("previous segment not captured") get a
 * stand-in segment, so that the sender's SND.NXT covers them; its fate is decided the same way
 * (typically `lost` when a later captured segment fills the gap). So does a SYN,ACK the capture
 * missed when the client's next segment acknowledges it.
 */

import type { Connection, FlowSegment } from './connections';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './pcap';

/** A stand-in for bytes of a sender's stream that the capture did not see. */
export interface Uncaptured {
  /** Sequence number (absolute) and length of the missing bytes. */
  seq: number;
  len: number;
  fate?: 'late' | 'lost';
  delayId?: string;
}

/** Delivery annotations of one captured segment. */
export interface Delivery {
  fate?: 'late' | 'lost';
  delayId?: string;
  /** Delayed segments (ids) that arrive just before this segment is sent. */
  deliverBefore?: string[];
  /** Stand-in for the bytes missing just before this segment. */
  uncaptured?: Uncaptured;
  /**
   * The peer's SYN,ACK was not captured, but this segment (the client's first ACK after its SYN)
   * acknowledges it: a stand-in SYN,ACK goes just before it.
   */
  synAckBefore?: boolean;
  /** Why the fate was inferred, when it is not the data rule's (the SYN and FIN tells). */
  why?: string;
}

export interface Deliveries {
  /** Per captured segment, by index in Connection.segments. */
  segments: (Delivery | undefined)[];
  /** Delayed segments whose arrival the capture never shows: delivered after the last segment. */
  atEnd: string[];
}

interface Item {
  dir: 0 | 1;
  seq: number;
  end: number;
  /** Index in Connection.segments; -1 for a stand-in. */
  index: number;
  /** Index of the captured segment this item is written with (itself, or the one after the gap). */
  owner: number;
  /** The captured segment (for a stand-in, the one after the gap). */
  seg: FlowSegment;
  fate?: 'late' | 'lost';
  id?: string;
  why?: string;
}

/**
 * How far ahead (in segments) the evidence for one segment is sought. A receiver that has not
 * acknowledged a segment within this many is taken to have had it at once: this keeps a capture
 * of one direction only, or a stalled one, linear.
 */
const HORIZON = 20000;

const before = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const atOrBefore = (a: number, b: number): boolean => ((a - b) | 0) <= 0;

/** Decide when each segment of a connection reached its receiver (see the module comment). */
export function inferDeliveries(c: Connection): Deliveries {
  const segs = c.segments;
  const out: Deliveries = { segments: new Array(segs.length).fill(undefined), atEnd: [] };
  const items: Item[] = [];
  const started: [boolean, boolean] = [false, false];
  segs.forEach((s, index) => {
    // (A forged segment says nothing about what its side sent or received.)
    if (s.forged) return;
    if (s.gapBefore && started[s.dir] && !(s.flags & TCP_RST)) {
      items.push({ dir: s.dir, seq: (s.seq - s.gapBefore) >>> 0, end: s.seq, index: -1, owner: index, seg: s });
    }
    const span = s.payloadLength + (s.flags & TCP_SYN ? 1 : 0) + (s.flags & TCP_FIN ? 1 : 0);
    items.push({ dir: s.dir, seq: s.seq, end: (s.seq + span) >>> 0, index, owner: index, seg: s });
    started[s.dir] = true;
  });
  const isAck = (it: Item, dir: number): boolean => it.index >= 0 && it.dir === dir && (it.seg.flags & TCP_ACK) !== 0;
  // nextAck[d][j]: the first position >= j of an ACK sent by side d (items.length if none).
  const nextAck = [new Int32Array(items.length + 1), new Int32Array(items.length + 1)];
  for (const d of [0, 1]) {
    const na = nextAck[d];
    na[items.length] = items.length;
    for (let j = items.length - 1; j >= 0; j--) na[j] = isAck(items[j], d) ? j : na[j + 1];
  }
  // First pass: when each item would arrive on its own: at once, or just before the receiver's
  // first ACK that covers it when an earlier ACK lies inside it (the receiver had everything
  // before it but not it); items.length = after the last segment.
  const natural: number[] = new Array(items.length).fill(-1);
  const covered: number[] = new Array(items.length).fill(items.length);
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x.end === x.seq || (x.index >= 0 && x.seg.flags & (TCP_SYN | TCP_RST))) continue;
    const d = x.dir === 0 ? 1 : 0;
    let zc = nextAck[d][i + 1];
    let inside = false;
    for (; zc < items.length; zc = nextAck[d][zc + 1]) {
      const ack = items[zc].seg.ack;
      if (atOrBefore(x.end, ack)) break;
      if (atOrBefore(x.seq, ack)) inside = true;
      if (zc - i > HORIZON) break;
    }
    if (zc - i > HORIZON) continue;
    covered[i] = zc;
    if (inside) natural[i] = zc;
  }
  // Second pass: a late item whose bytes the sender sent again, the copy arriving before the
  // receiver acknowledged them, was lost; the rest keep the sender's order.
  const deliverAt = new Map<Item, number>();
  const pending: [number, number] = [-1, -1];
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    let at = natural[i];
    if (at >= 0) {
      let again = false;
      const stop = Math.min(covered[i], i + HORIZON);
      for (let k = i + 1; k < stop && !again; k++) {
        const r = items[k];
        again = r.index >= 0 && r.dir === x.dir && r.end !== r.seq && atOrBefore(r.seq, x.seq) && before(x.seq, r.end) && Math.max(natural[k], k) < covered[i];
      }
      if (again) {
        x.fate = 'lost';
        continue;
      }
    }
    if (x.end === x.seq || (x.index >= 0 && x.seg.flags & (TCP_SYN | TCP_RST))) continue;
    // The path keeps order: nothing overtakes a segment of the same sender still in flight.
    if (pending[x.dir] > i) at = Math.max(at, pending[x.dir]);
    if (at < 0) continue;
    x.fate = 'late';
    deliverAt.set(x, at);
    pending[x.dir] = Math.max(pending[x.dir], at);
  }
  controlSegments(items, nextAck, deliverAt);
  for (const x of items) {
    if (!x.fate) continue;
    if (x.fate === 'late') x.id = `${x.index >= 0 ? 'p' : 'g'}${x.seg.packet}`;
    const slot = (out.segments[x.owner] ??= {});
    if (x.index < 0) slot.uncaptured = { seq: x.seq, len: (x.end - x.seq) >>> 0, fate: x.fate, delayId: x.id };
    else {
      slot.fate = x.fate;
      slot.delayId = x.id;
      if (x.why) slot.why = x.why;
    }
  }
  for (const x of items) {
    if (x.index < 0 && !x.fate) (out.segments[x.owner] ??= {}).uncaptured = { seq: x.seq, len: (x.end - x.seq) >>> 0 };
  }
  // A SYN,ACK not captured: the client's SYN was, then the client acknowledges the server's SYN
  // before anything of the server's was captured.
  if (c.opening === 'syn') {
    let synSeen = false;
    for (let i = 0; i < segs.length; i++) {
      const s = segs.at(i)!;
      if (s.dir !== c.client) break;
      if (s.flags & TCP_SYN) synSeen = true;
      else if (synSeen && s.flags & TCP_ACK && !(s.flags & TCP_RST)) {
        (out.segments[i] ??= {}).synAckBefore = true;
        break;
      }
    }
  }
  for (const [x, at] of deliverAt) {
    if (at >= items.length) {
      out.atEnd.push(x.id as string);
      continue;
    }
    // Deliveries go before the captured segment at that position (a stand-in sits just before it).
    const slot = (out.segments[items[at].owner] ??= {});
    (slot.deliverBefore ??= []).push(x.id as string);
  }
  return out;
}

/**
 * SYNs and FINs without data, which the passes above leave alone, have tells of their own in
 * the capture (RFC 9293 §3.8.1: a SYN or FIN occupies sequence space and is retransmitted until
 * acknowledged):
 * - the sender sent the same SYN, SYN,ACK or FIN again (same sequence number and flags) before
 *   the receiver sent anything that acknowledges it: the first copy was lost (the retransmission
 *   timer fired);
 * - the sender sent its FIN again after the receiver's pure ACK of it was captured, with only
 *   such ACKs from the receiver in between: those ACKs never arrived (the sender would not have
 *   resent an acknowledged FIN), so they are lost;
 * - an ACK or SYN,ACK of the receiver's SYN followed at once by a segment of the receiver's
 *   carrying that SYN again (it was still SYN-SENT or SYN-RECEIVED; a synchronized endpoint never
 *   sends SYN, §3.10.7.4) had not arrived yet: it is delivered just after those segments;
 * - a bare SYN followed at once by the receiver's own bare SYN (still SYN-SENT: with this SYN it
 *   would have answered SYN,ACK, §3.10.7.3) crossed it: it is delivered just before the
 *   receiver's first ACK of it (a simultaneous open, §3.5 Figure 7).
 * A spurious retransmission (the acknowledgment still in flight past the capture point) reads
 * as a loss too; the checker reaches the same states either way.
 */
function controlSegments(items: Item[], nextAck: Int32Array[], deliverAt: Map<Item, number>): void {
  const synEnd = [firstSyn(items, 0), firstSyn(items, 1)];
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    const f = x.seg.flags;
    if (x.index >= 0 && !x.fate && x.seg.payloadLength === 0 && (f & (TCP_FIN | TCP_RST | TCP_ACK)) === TCP_ACK && x.seg.ack === synEnd[x.dir === 0 ? 1 : 0]) {
      // An ACK (or SYN,ACK) of the receiver's SYN, after which the receiver sent a SYN-bearing
      // segment again at once: it was still in SYN-SENT or SYN-RECEIVED, so the ACK had not
      // arrived (a synchronized endpoint never sends SYN, RFC 9293 §3.10.7.4).
      let last = -1;
      for (let k = i + 1; k < items.length; k++) {
        const y = items[k];
        if (y.dir === x.dir || !(y.seg.flags & TCP_SYN) || y.end !== x.seg.ack) break;
        last = k;
      }
      if (last >= 0) {
        x.fate = 'late';
        x.why = `in flight: the receiver sent its SYN again after it (still ${f & TCP_SYN ? 'SYN-SENT or SYN-RECEIVED' : 'SYN-RECEIVED'}), so it had not arrived`;
        deliverAt.set(x, last + 1);
        continue;
      }
      if (!(f & TCP_SYN)) continue;
    }
    if (x.index < 0 || x.fate || x.seg.payloadLength !== 0 || f & TCP_RST || !(f & (TCP_SYN | TCP_FIN))) continue;
    const d = x.dir === 0 ? 1 : 0;
    // The receiver's first ACK that covers it.
    let z = nextAck[d][i + 1];
    while (z < items.length && z - i <= HORIZON && !atOrBefore(x.end, items[z].seg.ack)) z = nextAck[d][z + 1];
    if (z - i > HORIZON) continue;
    // The sender's next copy of it.
    let r = i + 1;
    const limit = Math.min(items.length, i + HORIZON);
    const same = (y: Item): boolean =>
      y.index >= 0 && y.dir === x.dir && y.seq === x.seq && y.end === x.end && (y.seg.flags & (TCP_SYN | TCP_FIN | TCP_RST | TCP_ACK)) === (f & (TCP_SYN | TCP_FIN | TCP_ACK));
    while (r < limit && !same(items[r])) r++;
    if (r < limit && r < z) {
      x.fate = 'lost';
      x.why = `not taken by the receiver: sent again before anything acknowledged it`;
      continue;
    }
    if (r < limit && z < items.length && f & TCP_FIN) {
      // Everything the receiver sent between its ACK and the copy must be pure ACKs of the FIN.
      const acks: Item[] = [];
      let pure = true;
      for (let k = z; k < r && pure; k++) {
        const y = items[k];
        if (y.dir !== d) continue;
        pure = y.index >= 0 && !y.fate && y.seg.payloadLength === 0 && (y.seg.flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0 && (y.seg.flags & TCP_ACK) !== 0;
        acks.push(y);
      }
      if (pure)
        for (const y of acks) {
          y.fate = 'lost';
          y.why = 'never arrived: the peer sent the FIN it acknowledges again';
        }
      continue;
    }
    if ((f & (TCP_SYN | TCP_ACK)) === TCP_SYN && i + 1 < items.length) {
      // A bare SYN followed at once by the receiver's own bare SYN: the receiver was still in
      // SYN-SENT (had it had this SYN it would have answered SYN,ACK, §3.10.7.3): the SYNs crossed
      // (a simultaneous open); it arrives just before the receiver's first ACK of it.
      const y = items[i + 1];
      if (y.index >= 0 && y.dir === d && (y.seg.flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN) {
        x.fate = 'late';
        x.why = 'in flight: the receiver sent its own SYN after it (still SYN-SENT), so the SYNs crossed';
        deliverAt.set(x, z);
      }
    }
  }
}

/** The end (sequence number after) of side d's first captured SYN, or undefined. */
function firstSyn(items: Item[], d: number): number | undefined {
  for (const y of items) if (y.index >= 0 && y.dir === d && y.seg.flags & TCP_SYN) return y.end;
  return undefined;
}
