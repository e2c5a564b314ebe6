/**
 * TCB snapshots kept as rows of typed-array columns (ARCHITECTURE invariant 10): a check keeps
 * no object per snapshot. A `TcbView` is made from a row when read (hover, diagram, JSON), and
 * puts its numbers into words then, with the formatter of the names bound when it was taken.
 */
import type { SeqValue } from '../tcp/seq';
import { ALL_STATES, TcpState } from '../tcp/states';
import type { Tcb } from '../tcp/tcb';
import { rcvUser } from '../tcp/buffer';
import type { TcbView } from '../model';

export type Fmt = (v: SeqValue | undefined) => string;

/**
 * A list of distinct values, each known by its index (names, notes, formatters): a column holds
 * the small index instead of a reference. `truncate` forgets the values added since a length.
 */
export class Interner<T> {
  readonly list: T[] = [];
  private readonly index = new Map<T, number>();

  of(v: T): number {
    let i = this.index.get(v);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(v);
      this.index.set(v, i);
    }
    return i;
  }

  get length(): number {
    return this.list.length;
  }

  truncate(n: number): void {
    while (this.list.length > n) this.index.delete(this.list.pop()!);
  }
}

/** A typed array `n` elements larger or more (the old contents copied). */
export function growInt(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

export function growFloat(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** A state's index (the columns hold it, `ALL_STATES` gives it back). */
const STATE_INDEX = new Map<TcpState, number>(ALL_STATES.map((s, i) => [s, i]));

// Columns of a snapshot row: integers (Int32) and numbers (Float64), each row a run of them.
const I_STATE = 0;
const I_ENDPOINT = 1;
const I_PEER = 2;
const I_FMT = 3;
/** Roots of SND.UNA, SND.NXT, RCV.NXT, ISS, IRS (-1: undefined), then their offsets in the numbers. */
const I_ROOT = 4;
const INTS = 9;
const F_SND_WND = 0;
const F_RCV_WND = 1;
const F_OFF = 2;
const FLOATS = 7;
const UNA = 0;
const NXT = 1;
const RNXT = 2;
const ISS = 3;
const IRS = 4;

export class SnapshotTable {
  count = 0;
  private ints = new Int32Array(64 * INTS);
  private nums = new Float64Array(64 * FLOATS);
  /** RCV.BUFF and RCV.USER of the rare rows that have them (a flow that speaks of the buffer). */
  private readonly buf = new Map<number, { size?: number; user?: number }>();

  constructor(
    /** Endpoint names (shared with the event table). */
    readonly names: Interner<string>,
    /** Formatters, one per connection and count of names bound. */
    readonly fmts: Interner<Fmt>,
  ) {}

  /** A new row describing `t` now. */
  add(t: Tcb, endpoint: number, peer: number, fmt: number): number {
    const row = this.count++;
    if ((row + 1) * INTS > this.ints.length) {
      this.ints = growInt(this.ints, (row + 1) * INTS);
      this.nums = growFloat(this.nums, (row + 1) * FLOATS);
    }
    const i = row * INTS;
    const f = row * FLOATS;
    const ints = this.ints;
    const nums = this.nums;
    ints[i + I_STATE] = STATE_INDEX.get(t.state)!;
    ints[i + I_ENDPOINT] = endpoint;
    ints[i + I_PEER] = peer;
    ints[i + I_FMT] = fmt;
    nums[f + F_SND_WND] = t.sndWnd === undefined ? NaN : t.sndWnd;
    nums[f + F_RCV_WND] = t.rcvWnd;
    put(ints, nums, i + I_ROOT + UNA, f + F_OFF + UNA, t.sndUna);
    put(ints, nums, i + I_ROOT + NXT, f + F_OFF + NXT, t.sndNxt);
    put(ints, nums, i + I_ROOT + RNXT, f + F_OFF + RNXT, t.rcvNxt);
    put(ints, nums, i + I_ROOT + ISS, f + F_OFF + ISS, t.iss);
    put(ints, nums, i + I_ROOT + IRS, f + F_OFF + IRS, t.irs);
    if (t.rcvBuf !== undefined || t.rcvRead !== undefined) this.buf.set(row, { size: t.rcvBuf, user: rcvUser(t) });
    else if (this.buf.size > 0) this.buf.delete(row);
    return row;
  }

  /** Does row `row` still describe `t`, as seen by `endpoint` with formatter `fmt`? */
  matches(row: number, t: Tcb, endpoint: number, peer: number, fmt: number): boolean {
    const i = row * INTS;
    const f = row * FLOATS;
    const ints = this.ints;
    const nums = this.nums;
    if (ints[i + I_ENDPOINT] !== endpoint || ints[i + I_PEER] !== peer || ints[i + I_FMT] !== fmt) return false;
    if (ALL_STATES[ints[i + I_STATE]] !== t.state || nums[f + F_RCV_WND] !== t.rcvWnd) return false;
    const w = nums[f + F_SND_WND];
    if (t.sndWnd === undefined ? !Number.isNaN(w) : w !== t.sndWnd) return false;
    if (
      !same(ints, nums, i + I_ROOT + UNA, f + F_OFF + UNA, t.sndUna) ||
      !same(ints, nums, i + I_ROOT + NXT, f + F_OFF + NXT, t.sndNxt) ||
      !same(ints, nums, i + I_ROOT + RNXT, f + F_OFF + RNXT, t.rcvNxt) ||
      !same(ints, nums, i + I_ROOT + ISS, f + F_OFF + ISS, t.iss) ||
      !same(ints, nums, i + I_ROOT + IRS, f + F_OFF + IRS, t.irs)
    )
      return false;
    const b = this.buf.get(row);
    if (t.rcvBuf === undefined && t.rcvRead === undefined) return b === undefined;
    return b !== undefined && b.size === t.rcvBuf && b.user === rcvUser(t);
  }

  /** Back to the first `n` rows (a checkpoint restored). */
  truncate(n: number): void {
    if (this.count <= n) return;
    this.count = n;
    for (const row of this.buf.keys()) if (row >= n) this.buf.delete(row);
  }

  /** The view of a row (made on each call: rows are what the check keeps). */
  view(row: number): TcbView {
    return new SnapshotView(this, row);
  }

  state(row: number): TcpState {
    return ALL_STATES[this.ints[row * INTS + I_STATE]];
  }
  endpoint(row: number): string {
    return this.names.list[this.ints[row * INTS + I_ENDPOINT]];
  }
  peer(row: number): string {
    return this.names.list[this.ints[row * INTS + I_PEER]];
  }
  sndWnd(row: number): number | undefined {
    const w = this.nums[row * FLOATS + F_SND_WND];
    return Number.isNaN(w) ? undefined : w;
  }
  rcvWnd(row: number): number {
    return this.nums[row * FLOATS + F_RCV_WND];
  }
  buffer(row: number): { size?: number; user?: number } | undefined {
    return this.buf.get(row);
  }
  /** One of the row's sequence variables (UNA..IRS) in the notes' notation, undefined while unknown. */
  number(row: number, which: number): string | undefined {
    const root = this.ints[row * INTS + I_ROOT + which];
    if (root < 0) return undefined;
    return this.fmts.list[this.ints[row * INTS + I_FMT]]({ root, off: this.nums[row * FLOATS + F_OFF + which] });
  }
}

function put(ints: Int32Array, nums: Float64Array, i: number, f: number, v: SeqValue | undefined): void {
  if (v) {
    ints[i] = v.root;
    nums[f] = v.off;
  } else {
    ints[i] = -1;
    nums[f] = 0;
  }
}

function same(ints: Int32Array, nums: Float64Array, i: number, f: number, v: SeqValue | undefined): boolean {
  return v ? ints[i] === v.root && nums[f] === v.off : ints[i] < 0;
}

/** A snapshot row read as a `TcbView`. */
export class SnapshotView implements TcbView {
  constructor(
    private readonly table: SnapshotTable,
    /** The row in the table (the same row is the same snapshot). */
    readonly row: number,
  ) {}
  get endpoint(): string {
    return this.table.endpoint(this.row);
  }
  get peer(): string {
    return this.table.peer(this.row);
  }
  get state(): TcpState {
    return this.table.state(this.row);
  }
  get sndUna(): string | undefined {
    return this.table.number(this.row, UNA);
  }
  get sndNxt(): string | undefined {
    return this.table.number(this.row, NXT);
  }
  get rcvNxt(): string | undefined {
    return this.table.number(this.row, RNXT);
  }
  get iss(): string | undefined {
    return this.table.number(this.row, ISS);
  }
  get irs(): string | undefined {
    return this.table.number(this.row, IRS);
  }
  get sndWnd(): number | undefined {
    return this.table.sndWnd(this.row);
  }
  get rcvWnd(): number {
    return this.table.rcvWnd(this.row);
  }
  get rcvBuf(): number | undefined {
    return this.table.buffer(this.row)?.size;
  }
  get rcvUser(): number | undefined {
    return this.table.buffer(this.row)?.user;
  }
  toJSON(): TcbView {
    return { endpoint: this.endpoint, peer: this.peer, state: this.state, sndUna: this.sndUna, sndNxt: this.sndNxt, rcvNxt: this.rcvNxt, iss: this.iss, irs: this.irs, sndWnd: this.sndWnd, rcvWnd: this.rcvWnd, rcvBuf: this.rcvBuf, rcvUser: this.rcvUser };
  }
}
