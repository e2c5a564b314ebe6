/** RFC 9293 §3.10.7.4 first: check the sequence number (the acceptability test, Table 6). */
import { add, diff, equal, inWindow, lt } from '../seq';
import { RULE } from '../rules';
import { Seg, Tcb, segLen } from '../tcb';
import { RecvOutcome, shared } from './outcome';

/** Where a segment lies against the receive window. */
export enum Acceptance {
  /** It overlaps the window (or nothing is known to test it against). */
  Yes,
  /** It lies wholly before RCV.NXT: an old duplicate. */
  Old,
  /** It lies outside the window otherwise. */
  Outside,
}

const OLD_DUPLICATE = shared('duplicate', RULE.other);
const OUTSIDE: RecvOutcome = Object.freeze({ kind: 'dropped', reason: 'outOfWindow', rule: RULE.other });

export function acceptability(t: Tcb, seg: Seg): Acceptance {
  if (!seg.seq || !t.rcvNxt || Number.isNaN(diff(seg.seq, t.rcvNxt))) return Acceptance.Yes;
  const wnd = Math.max(t.rcvWnd, 0);
  const n = segLen(seg);
  const lo = t.rcvNxt;
  const hi = add(t.rcvNxt, wnd);
  const end = add(seg.seq, Math.max(n, 1) - 1);
  let acceptable: boolean;
  // RFC 9293 §3.10.7.4 first, Table 6: length 0, window 0: SEG.SEQ = RCV.NXT.
  // Length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND.
  if (n === 0) acceptable = wnd === 0 ? equal(seg.seq, lo) : inWindow(seg.seq, lo, hi);
  // Length > 0, window 0: not acceptable. Length > 0, window > 0: the first or the last number
  // of the segment lies in the window.
  else acceptable = wnd > 0 && (inWindow(seg.seq, lo, hi) || inWindow(end, lo, hi));
  if (acceptable) return Acceptance.Yes;
  const old = (lt(add(seg.seq, n), add(lo, 1)) && n > 0 && !inWindow(end, lo, hi)) || (n === 0 && lt(seg.seq, lo));
  return old ? Acceptance.Old : Acceptance.Outside;
}

/**
 * RFC 9293 §3.10.7.4 first: an unacceptable segment (not an RST) is answered with
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and dropped; an old duplicate is the commonest case.
 */
export function unacceptable(acc: Acceptance): RecvOutcome {
  return acc === Acceptance.Old ? OLD_DUPLICATE : OUTSIDE;
}
