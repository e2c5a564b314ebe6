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

  /**
   * `of`, remembering the last two values asked at each of a few call sites (`slot`, 0 to 7):
   * the same names and classes come back segment after segment (two endpoints take turns), and
   * comparing with them is cheaper than a lookup.
   */
  at(slot: number, v: T): number {
    const k = slot * 2;
    const seen = this.seen;
    if (seen[k] === v) return this.seenIndex[k];
    if (seen[k + 1] === v) return this.seenIndex[k + 1];
    const i = this.of(v);
    seen[k + 1] = seen[k];
    this.seenIndex[k + 1] = this.seenIndex[k];
    seen[k] = v;
    this.seenIndex[k] = i;
    return i;
  }
  private readonly seen: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  private readonly seenIndex = new Int32Array(16);

  get length(): number {
    return this.list.length;
  }

  truncate(n: number): void {
    if (this.list.length <= n) return;
    while (this.list.length > n) this.index.delete(this.list.pop()!);
    this.seen.fill(undefined);
  }
}

const PAGE_SHIFT = 12;
/** Rows per page of a table's columns. */
const PAGE_ROWS = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_ROWS - 1;
/** Rows the first page holds at first (it doubles up to a whole page: a small flow keeps little). */
const FIRST_ROWS = 32;

/**
 * The rows of a table: each row a run of `ni` integers (Int32) and `nf` numbers (Float64), in
 * pages of 4,096 rows, so that a growing table never copies what it holds. Rows past `count`
 * (after `truncate`) are written again as the table grows back.
 */
export class Rows {
  count = 0;
  readonly ints: Int32Array[] = [];
  readonly nums: Float64Array[] = [];

  constructor(
    private readonly ni: number,
    private readonly nf: number,
  ) {}

  /** A new row at the end: its number. */
  push(): number {
    const r = this.count++;
    const page = r >>> PAGE_SHIFT;
    if (page === this.ints.length) {
      const rows = page === 0 ? FIRST_ROWS : PAGE_ROWS;
      this.ints.push(new Int32Array(rows * this.ni));
      this.nums.push(new Float64Array(rows * this.nf));
    } else if (page === 0 && (r + 1) * this.ni > this.ints[0].length) {
      const rows = Math.min(PAGE_ROWS, (this.ints[0].length / this.ni) * 2);
      const ints = new Int32Array(rows * this.ni);
      ints.set(this.ints[0]);
      this.ints[0] = ints;
      const nums = new Float64Array(rows * this.nf);
      nums.set(this.nums[0]);
      this.nums[0] = nums;
    }
    return r;
  }

  /** The page of row `r`'s integers, and where the row starts in it (`intAt`). */
  intPage(r: number): Int32Array {
    return this.ints[r >>> PAGE_SHIFT];
  }
  intAt(r: number): number {
    return (r & PAGE_MASK) * this.ni;
  }
  numPage(r: number): Float64Array {
    return this.nums[r >>> PAGE_SHIFT];
  }
  numAt(r: number): number {
    return (r & PAGE_MASK) * this.nf;
  }
  int(r: number, col: number): number {
    return this.ints[r >>> PAGE_SHIFT][(r & PAGE_MASK) * this.ni + col];
  }
  setInt(r: number, col: number, v: number): void {
    this.ints[r >>> PAGE_SHIFT][(r & PAGE_MASK) * this.ni + col] = v;
  }
  num(r: number, col: number): number {
    return this.nums[r >>> PAGE_SHIFT][(r & PAGE_MASK) * this.nf + col];
  }
}

// Columns of a snapshot row: integers (Int32) and numbers (Float64), each row a run of them.
const I_STATE = 0;
const I_ENDPOINT = 1;
const I_PEER = 2;
const I_FMT = 3;
/**
 * Roots of SND.UNA, SND.NXT, RCV.NXT, ISS, IRS (-1: undefined), then their offsets (an offset is
 * a 32-bit unsigned number, tcp/seq.ts: kept as its Int32 bits, read back with `>>> 0`).
 */
const I_ROOT = 4;
const I_OFF = 9;
const INTS = 14;
const F_SND_WND = 0;
const F_RCV_WND = 1;
const FLOATS = 2;
const UNA = 0;
const NXT = 1;
const RNXT = 2;
export const ISS = 3;
export const IRS = 4;

export class SnapshotTable {
  private readonly rows = new Rows(INTS, FLOATS);
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
    const rows = this.rows;
    const row = rows.push();
    const ints = rows.intPage(row);
    const nums = rows.numPage(row);
    const i = rows.intAt(row);
    const f = rows.numAt(row);
    // (Its index in `ALL_STATES`: eleven interned strings, a scan is quicker than a lookup.)
    ints[i + I_STATE] = ALL_STATES.indexOf(t.state);
    ints[i + I_ENDPOINT] = endpoint;
    ints[i + I_PEER] = peer;
    ints[i + I_FMT] = fmt;
    nums[f + F_SND_WND] = t.sndWnd === undefined ? NaN : t.sndWnd;
    nums[f + F_RCV_WND] = t.rcvWnd;
    put(ints, i + I_ROOT + UNA, i + I_OFF + UNA, t.sndUna);
    put(ints, i + I_ROOT + NXT, i + I_OFF + NXT, t.sndNxt);
    put(ints, i + I_ROOT + RNXT, i + I_OFF + RNXT, t.rcvNxt);
    put(ints, i + I_ROOT + ISS, i + I_OFF + ISS, t.iss);
    put(ints, i + I_ROOT + IRS, i + I_OFF + IRS, t.irs);
    if (t.rcvBuf !== undefined || t.rcvRead !== undefined) this.buf.set(row, { size: t.rcvBuf, user: rcvUser(t) });
    else if (this.buf.size > 0) this.buf.delete(row);
    return row;
  }

  /**
   * A row describing `t` now, seen by `endpoint` (whose peer is `peer`) with formatter `fmt`:
   * `last`, the TCB's last row (-1 for none), while it still describes it, else a new row.
   */
  snapshot(last: number, t: Tcb, endpoint: string, peer: string, fmt: number): number {
    if (last >= 0 && last < this.rows.count) {
      const names = this.names.list;
      const ep = this.rows.int(last, I_ENDPOINT);
      const pe = this.rows.int(last, I_PEER);
      if (names[ep] === endpoint && names[pe] === peer) return this.matches(last, t, ep, pe, fmt) ? last : this.add(t, ep, pe, fmt);
    }
    return this.add(t, this.names.of(endpoint), this.names.of(peer), fmt);
  }

  /** Does row `row` still describe `t`, as seen by `endpoint` with formatter `fmt`? */
  matches(row: number, t: Tcb, endpoint: number, peer: number, fmt: number): boolean {
    const rows = this.rows;
    const ints = rows.intPage(row);
    const nums = rows.numPage(row);
    const i = rows.intAt(row);
    const f = rows.numAt(row);
    // (What a segment changes first: SND.NXT, RCV.NXT.)
    if (
      !same(ints, i + I_ROOT + NXT, i + I_OFF + NXT, t.sndNxt) ||
      !same(ints, i + I_ROOT + RNXT, i + I_OFF + RNXT, t.rcvNxt) ||
      !same(ints, i + I_ROOT + UNA, i + I_OFF + UNA, t.sndUna) ||
      !same(ints, i + I_ROOT + ISS, i + I_OFF + ISS, t.iss) ||
      !same(ints, i + I_ROOT + IRS, i + I_OFF + IRS, t.irs)
    )
      return false;
    if (ints[i + I_ENDPOINT] !== endpoint || ints[i + I_PEER] !== peer || ints[i + I_FMT] !== fmt) return false;
    if (ALL_STATES[ints[i + I_STATE]] !== t.state || nums[f + F_RCV_WND] !== t.rcvWnd) return false;
    const w = nums[f + F_SND_WND];
    if (t.sndWnd === undefined ? !Number.isNaN(w) : w !== t.sndWnd) return false;
    const b = this.buf.get(row);
    if (t.rcvBuf === undefined && t.rcvRead === undefined) return b === undefined;
    return b !== undefined && b.size === t.rcvBuf && b.user === rcvUser(t);
  }

  /** Back to the first `n` rows (a checkpoint restored). */
  get count(): number {
    return this.rows.count;
  }

  truncate(n: number): void {
    if (this.rows.count <= n) return;
    this.rows.count = n;
    for (const row of this.buf.keys()) if (row >= n) this.buf.delete(row);
  }

  /** The view of a row (made on each call: rows are what the check keeps). */
  view(row: number): TcbView {
    return new SnapshotView(this, row);
  }

  state(row: number): TcpState {
    return ALL_STATES[this.rows.int(row, I_STATE)];
  }
  /** The indices of a row's endpoint and peer among the names. */
  endpointIndex(row: number): number {
    return this.rows.int(row, I_ENDPOINT);
  }
  peerIndex(row: number): number {
    return this.rows.int(row, I_PEER);
  }
  endpoint(row: number): string {
    return this.names.list[this.rows.int(row, I_ENDPOINT)];
  }
  peer(row: number): string {
    return this.names.list[this.rows.int(row, I_PEER)];
  }
  sndWnd(row: number): number | undefined {
    const w = this.rows.num(row, F_SND_WND);
    return Number.isNaN(w) ? undefined : w;
  }
  rcvWnd(row: number): number {
    return this.rows.num(row, F_RCV_WND);
  }
  buffer(row: number): { size?: number; user?: number } | undefined {
    return this.buf.get(row);
  }
  /** One of the row's sequence variables (UNA..IRS). */
  value(row: number, which: number): SeqValue | undefined {
    const root = this.rows.int(row, I_ROOT + which);
    return root < 0 ? undefined : { root, off: this.rows.int(row, I_OFF + which) >>> 0 };
  }

  /** The same in the notes' notation, undefined while unknown. */
  number(row: number, which: number): string | undefined {
    const v = this.value(row, which);
    return v && this.fmts.list[this.rows.int(row, I_FMT)](v);
  }
}

/** Keep a value as its root (-1: none) at `i` and its offset's 32 bits at `o`. */
export function put(ints: Int32Array, i: number, o: number, v: SeqValue | undefined): void {
  if (v) {
    ints[i] = v.root;
    ints[o] = v.off;
  } else {
    ints[i] = -1;
    ints[o] = 0;
  }
}

function same(ints: Int32Array, i: number, o: number, v: SeqValue | undefined): boolean {
  return v ? ints[i] === v.root && ints[o] >>> 0 === v.off : ints[i] < 0;
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
