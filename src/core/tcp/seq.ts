/**
 * Sequence-space arithmetic (RFC 9293 §3.4): 32-bit numbers that wrap, compared by signed
 * difference. Every sequence computation in tcpflow goes through this file.
 *
 * A value is either concrete (root 0, `off` is the absolute number) or symbolic: an unknown
 * root (an ISN the notes call `x`) plus a known offset, so `x+79` is { root: x, off: 79 }.
 * Two values can be compared only when they share a root.
 */

export interface SeqValue {
  /** 0 = concrete; otherwise the id of an unknown root. */
  readonly root: number;
  /** Offset from the root, modulo 2^32. */
  readonly off: number;
}

export const MOD = 0x100000000;

export function seqValue(root: number, off: number): SeqValue {
  return { root, off: off >>> 0 };
}

export function concrete(n: number): SeqValue {
  return { root: 0, off: n >>> 0 };
}

export function add(v: SeqValue, n: number): SeqValue {
  return { root: v.root, off: (v.off + n) >>> 0 };
}

export function sameRoot(a: SeqValue, b: SeqValue): boolean {
  return a.root === b.root;
}

export function equal(a: SeqValue | undefined, b: SeqValue | undefined): boolean {
  return !!a && !!b && a.root === b.root && a.off === b.off;
}

/** Signed difference a - b in (-2^31, 2^31], or NaN when the roots differ. */
export function diff(a: SeqValue, b: SeqValue): number {
  if (a.root !== b.root) return NaN;
  return ((a.off - b.off) | 0);
}

/**
 * Timestamp values (TSval) compared as RFC 7323 §5.2 does, modulo 2^32: 1 when `a` is after `b`,
 * -1 when before, 0 when equal.
 */
export function tsCompare(a: number, b: number): number {
  const d = (a - b) | 0;
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/** a < b in sequence space (RFC 9293 §3.4); false when incomparable. */
export function lt(a: SeqValue, b: SeqValue): boolean {
  return diff(a, b) < 0;
}

export function le(a: SeqValue, b: SeqValue): boolean {
  return diff(a, b) <= 0;
}

export function gt(a: SeqValue, b: SeqValue): boolean {
  return diff(a, b) > 0;
}

/** The later of two comparable values. */
export function max(a: SeqValue, b: SeqValue): SeqValue {
  return diff(a, b) >= 0 ? a : b;
}

/** lo <= v < hi in sequence space. */
export function inWindow(v: SeqValue, lo: SeqValue, hi: SeqValue): boolean {
  const d = diff(v, lo);
  const w = diff(hi, lo);
  if (Number.isNaN(d) || Number.isNaN(w)) return false;
  return (d >>> 0) < (w >>> 0);
}
