/**
 * RFC 9293 §3.10.7.4 seventh: process the segment text. Segments are taken in sequence order
 * (§3.10.7.4 first: "further processing is done in SEG.SEQ order"): one that starts beyond
 * RCV.NXT is held (SHLD-31) until the gap before it is filled.
 */
import { SeqValue, add, diff, equal, gt, le, lt, max } from '../seq';
import { Seg, Tcb } from '../tcb';
import { RULE } from '../rules';
import { Arrival, RecvOutcome, shared } from './outcome';

/** What became of the text: taken, held behind a gap, or had already been taken. */
export const TAKEN = shared('accepted', RULE.other);
export const HELD = shared('queued', RULE.other);
export const ALREADY_TAKEN = shared('duplicate', RULE.other);

export function processText(t: Tcb, seg: Seg, a: Arrival): RecvOutcome {
  let fate = TAKEN;
  if (seg.seq && t.rcvNxt && !Number.isNaN(diff(seg.seq, t.rcvNxt))) {
    const start = seg.seq;
    const dataEnd = add(seg.seq, seg.len);
    // (The FIN's place in the sequence is noted here; §3.10.7.4 eighth takes it once in order.)
    if (seg.fin) t.peerFin = dataEnd;
    if (gt(start, t.rcvNxt)) {
      // RFC 9293 §3.10.7.4 first (SHLD-31): text beyond RCV.NXT is held for later processing.
      if (seg.len > 0) t.ooo.push({ start, end: dataEnd });
      fate = HELD;
    } else if (gt(dataEnd, t.rcvNxt)) {
      // RFC 9293 §3.10.7.4 seventh: the new part of the text is taken and RCV.NXT advances over it.
      t.rcvNxt = dataEnd;
      t.rcvNxtWhy = a.why;
    } else if (seg.len > 0 && !seg.fin) {
      // RFC 9293 §3.10.7.4 first: text wholly before RCV.NXT was taken already.
      fate = ALREADY_TAKEN;
    }
    drainQueue(t);
    // Text held from the SYN is taken once RCV.NXT has passed it (the peer sent it again).
    if (t.synText && !lt(t.rcvNxt, t.synText.end)) t.synText = undefined;
  } else if (t.rcvNxt && seg.len + (seg.fin ? 1 : 0) > 0 && !seg.seq) {
    // Numbers not written: the segment is taken as next in order.
    if (seg.fin) t.peerFin = add(t.rcvNxt, seg.len);
    t.rcvNxt = add(t.rcvNxt, seg.len);
    t.rcvNxtWhy = a.why;
  }
  return fate;
}

/**
 * The acknowledgment a listener sends if it takes the text that came on the SYN (`synText`):
 * RCV.NXT past that text and past any text held after it. Undefined when there is none.
 */
export function synTextAck(t: Tcb): SeqValue | undefined {
  const held = t.synText;
  if (!held || !t.rcvNxt || !equal(t.rcvNxt, held.start)) return undefined;
  let end = held.end;
  for (let moved = true; moved; ) {
    moved = false;
    for (const r of t.ooo) {
      if (le(r.start, end) && gt(r.end, end)) {
        end = r.end;
        moved = true;
      }
    }
  }
  return end;
}

/**
 * The listener acknowledges the text held from the SYN (RFC 9293 §3.10.7.2, queued; RFC 7413,
 * TCP Fast Open): RCV.NXT moves past it.
 */
export function takeSynText(t: Tcb): void {
  const held = t.synText!;
  t.rcvNxt = held.end;
  t.rcvNxtWhy = held.why;
  t.synText = undefined;
  drainQueue(t);
}

/** Held text that now starts at or before RCV.NXT is taken, until the next gap. */
function drainQueue(t: Tcb): void {
  if (!t.rcvNxt || t.ooo.length === 0) return;
  let moved = true;
  while (moved) {
    moved = false;
    for (let i = 0; i < t.ooo.length; i++) {
      const r = t.ooo[i];
      if (le(r.start, t.rcvNxt!)) {
        t.rcvNxt = max(t.rcvNxt!, r.end);
        t.ooo.splice(i, 1);
        moved = true;
        break;
      }
    }
  }
}
