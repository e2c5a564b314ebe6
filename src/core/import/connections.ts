/**
 * Group TCP segments into connections and annotate them for output.
 *
 * - A connection is a 4-tuple; a new SYN (or SYN+ACK) carrying another ISN after the previous
 *   connection on the same 4-tuple closed (RST, or FIN from both sides) starts a new one (port reuse).
 * - Roles: the sender of the first SYN is the client; without a SYN, the receiver of a SYN+ACK;
 *   without either, the side with the well-known (< 1024) or else the lower port is the server.
 * - Relative numbers as Wireshark computes them: the base of a side is its ISN when its SYN was
 *   captured, otherwise one less than the first sequence number it sent (or one less than the
 *   first acknowledgment number that referred to it, whichever came first).
 * - Annotations: bytes missing before a segment ("previous segment not captured"), a segment
 *   that fills such a gap, retransmissions, keep-alives, ACKs of data never captured.
 * - Payload labels (HTTP, TLS, text) from payload.ts, with a post-pass that names the encrypted
 *   TLS 1.3 handshake records.
 *
 * The tracker keeps no payload bytes, only labels, so memory grows with the number of segments
 * and not with their size. Each connection holds its segments in a SegmentStore: fixed-size
 * binary records (56 bytes a segment) in pages, with labels and the rare fields in side maps;
 * a FlowSegment is a view made when a segment is read.
 */

import { DirectionLabeler, SegmentLabel, TlsRecordLabel } from './payload';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, TcpOptionSet, TcpPacket } from './pcap';

export interface ConnEndpoint {
  addr: string;
  port: number;
  ipVersion: 4 | 6;
}

export interface FlowSegment {
  packet: number;
  offset: number;
  sec: number;
  nsec: number;
  /** Index of the sending endpoint in Connection.endpoints. */
  dir: 0 | 1;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent: number;
  options: TcpOptionSet;
  payloadLength: number;
  label?: SegmentLabel;
  /** Bytes of the sender's stream missing just before this segment (not captured). */
  gapBefore?: number;
  /** The segment fills a gap noted earlier (reordered, or retransmitted after a capture loss). */
  fillsGap?: boolean;
  /** Data (or SYN/FIN) below the sender's highest sequence number: a retransmission. */
  rtx?: boolean;
  /** seq = SND.NXT-1 with at most one byte: a keep-alive probe. */
  keepAlive?: boolean;
  /** Acknowledges data of the peer that the capture never saw. */
  ackedUnseen?: boolean;
  /** Captured after the segment that answers it (packet number of that one): written before it. */
  answeredBefore?: number;
  /**
   * The segment carries this side's addresses but cannot have come from its TCB (see
   * `inferForged`): why, in words. The flow writes it from an attacker, `as` this side.
   */
  forged?: string;
}

export type RoleReason = 'syn' | 'synack' | 'port' | 'first';

// ---------------------------------------------------------------- compact segment storage

/**
 * Layout of one stored segment, 56 bytes, read through views of one buffer per page:
 * Float64 slots 0 offset, 1 sec; Uint32 slots 4 packet, 5 nsec, 6 seq, 7 ack, 8 payload
 * length, 9 TS value, 10 TS echo reply; Uint16 slots 22 flags, 23 window, 24 urgent pointer,
 * 25 MSS, 26 bits (below); byte 54 window scale; byte 55 unused.
 */
const REC_BYTES = 56;
const F64 = REC_BYTES / 8;
const U32 = REC_BYTES / 4;
const U16 = REC_BYTES / 2;
/** Records per full page (229 KiB); a connection's first page starts small and doubles up to this. */
const PAGE_SHIFT = 12;
const PAGE = 1 << PAGE_SHIFT;
const FIRST_PAGE = 4;

const BIT_DIR = 1 << 0;
const BIT_MSS = 1 << 1;
const BIT_WSCALE = 1 << 2;
const BIT_SACK_OK = 1 << 3;
const BIT_TS = 1 << 4;
/** SACK blocks, TFO cookie or other option kinds, kept in `extra`. */
const BIT_EXTRA = 1 << 5;
const BIT_LABEL = 1 << 6;
const BIT_GAP = 1 << 7;
const BIT_FILLS_GAP = 1 << 8;
const BIT_RTX = 1 << 9;
const BIT_KEEP_ALIVE = 1 << 10;
const BIT_ACKED_UNSEEN = 1 << 11;
const BIT_FORGED = 1 << 12;

interface Page {
  f: Float64Array;
  u: Uint32Array;
  h: Uint16Array;
  b: Uint8Array;
  /** Records the page has room for. */
  capacity: number;
}

function newPage(capacity: number): Page {
  const buf = new ArrayBuffer(capacity * REC_BYTES);
  return { f: new Float64Array(buf), u: new Uint32Array(buf), h: new Uint16Array(buf), b: new Uint8Array(buf), capacity };
}

type RareOptions = Pick<TcpOptionSet, 'sack' | 'tfo' | 'other'>;

/**
 * The segments of one connection in capture order, stored as binary records. Reading gives
 * FlowSegment views (made on access, cheap to drop); the annotation fields of a view can be
 * set and are written back to the record.
 */
export class SegmentStore implements Iterable<FlowSegment> {
  length = 0;
  private pages: Page[] = [];
  private readonly labels = new Map<number, SegmentLabel>();
  private readonly extra = new Map<number, RareOptions>();
  private readonly gaps = new Map<number, number>();
  /** Packet numbers for `answeredBefore` (rare: only where the send order was restored). */
  private readonly answered = new Map<number, number>();
  /** Why a segment is forged (rare: see `inferForged`). */
  private readonly forgedWhy = new Map<number, string>();

  /** Append a segment; returns its index. */
  push(p: TcpPacket, dir: 0 | 1, label?: SegmentLabel): number {
    const i = this.length;
    const pg = this.room(i);
    const k = i & (PAGE - 1);
    const o = p.options;
    pg.f[k * F64] = p.offset;
    pg.f[k * F64 + 1] = p.sec;
    const u = k * U32;
    pg.u[u + 4] = p.packet;
    pg.u[u + 5] = p.nsec;
    pg.u[u + 6] = p.seq;
    pg.u[u + 7] = p.ack;
    pg.u[u + 8] = p.payloadLength;
    const h = k * U16;
    pg.h[h + 22] = p.flags;
    pg.h[h + 23] = p.window;
    pg.h[h + 24] = p.urgent;
    let bits = dir === 1 ? BIT_DIR : 0;
    if (o.mss !== undefined) {
      bits |= BIT_MSS;
      pg.h[h + 25] = o.mss;
    }
    if (o.wscale !== undefined) {
      bits |= BIT_WSCALE;
      pg.b[k * REC_BYTES + 54] = o.wscale;
    }
    if (o.sackOk) bits |= BIT_SACK_OK;
    if (o.ts) {
      bits |= BIT_TS;
      pg.u[u + 9] = o.ts.val;
      pg.u[u + 10] = o.ts.ecr;
    }
    if (o.sack !== undefined || o.tfo !== undefined || o.other !== undefined) {
      bits |= BIT_EXTRA;
      const r: RareOptions = {};
      if (o.sack !== undefined) r.sack = o.sack;
      if (o.tfo !== undefined) r.tfo = o.tfo;
      if (o.other !== undefined) r.other = o.other;
      this.extra.set(i, r);
    }
    if (label) {
      bits |= BIT_LABEL;
      this.labels.set(i, label);
    }
    pg.h[h + 26] = bits;
    this.length = i + 1;
    return i;
  }

  /** The page that holds record i, made or grown as needed (i is at most length). */
  private room(i: number): Page {
    const n = i >>> PAGE_SHIFT;
    let pg = this.pages[n];
    if (!pg) {
      pg = newPage(n === 0 ? FIRST_PAGE : PAGE);
      this.pages.push(pg);
    } else if ((i & (PAGE - 1)) >= pg.capacity) {
      // Only the first page grows: double it (up to a full page) and copy.
      const bigger = newPage(Math.min(PAGE, pg.capacity * 2));
      bigger.b.set(pg.b);
      this.pages[n] = bigger;
      pg = bigger;
    }
    return pg;
  }

  /** A view of segment i (negative counts from the end), or undefined outside the store. */
  at(i: number): FlowSegment | undefined {
    if (i < 0) i += this.length;
    return i >= 0 && i < this.length ? new StoredSegment(this, i) : undefined;
  }

  [Symbol.iterator](): Iterator<FlowSegment> {
    let i = 0;
    return {
      next: (): IteratorResult<FlowSegment> => (i < this.length ? { value: new StoredSegment(this, i++), done: false } : { value: undefined, done: true }),
    };
  }

  find(pred: (s: FlowSegment) => unknown): FlowSegment | undefined {
    for (const s of this) if (pred(s)) return s;
    return undefined;
  }

  some(pred: (s: FlowSegment) => unknown): boolean {
    return this.find(pred) !== undefined;
  }

  forEach(fn: (s: FlowSegment, index: number) => void): void {
    for (let i = 0; i < this.length; i++) fn(new StoredSegment(this, i), i);
  }

  /** Views of segments [start, end), as Array.prototype.slice counts them. */
  slice(start = 0, end = this.length): FlowSegment[] {
    const from = start < 0 ? Math.max(0, this.length + start) : Math.min(start, this.length);
    const to = end < 0 ? Math.max(0, this.length + end) : Math.min(end, this.length);
    const out: FlowSegment[] = [];
    for (let i = from; i < to; i++) out.push(new StoredSegment(this, i));
    return out;
  }

  /**
   * Move segment `from` to position `to`, shifting the ones in between by one (what
   * `splice(from, 1)` then `splice(to, 0, it)` does to an array). Views made before keep their
   * index, so they then show the segment now at that index.
   */
  move(from: number, to: number): void {
    if (from === to || from < 0 || to < 0 || from >= this.length || to >= this.length) return;
    const rec = new Uint8Array(REC_BYTES);
    const copy = (dst: Uint8Array, dstAt: number, src: Uint8Array, srcAt: number): void => dst.set(src.subarray(srcAt, srcAt + REC_BYTES), dstAt);
    const where = (i: number): [Uint8Array, number] => [this.page(i).b, (i & (PAGE - 1)) * REC_BYTES];
    const step = from < to ? 1 : -1;
    const side = [this.labels, this.extra, this.gaps, this.answered, this.forgedWhy] as Map<number, unknown>[];
    const kept = side.map((m) => m.get(from));
    copy(rec, 0, ...where(from)); // bounded: a pair of offsets
    for (let i = from; i !== to; i += step) {
      const [db, da] = where(i);
      const [sb, sa] = where(i + step);
      copy(db, da, sb, sa);
      for (const m of side) {
        const v = m.get(i + step);
        if (v === undefined) m.delete(i);
        else m.set(i, v);
      }
    }
    const [tb, ta] = where(to);
    copy(tb, ta, rec, 0);
    side.forEach((m, k) => {
      const v = kept[k];
      if (v === undefined) m.delete(to);
      else m.set(to, v);
    });
  }

  /** Bytes of the record pages (side maps not counted). */
  get byteLength(): number {
    return this.pages.reduce((n, p) => n + p.b.byteLength, 0);
  }

  /** @internal Record access for views. */
  page(i: number): Page {
    return this.pages[i >>> PAGE_SHIFT];
  }
  /** @internal */
  bits(i: number): number {
    return this.page(i).h[(i & (PAGE - 1)) * U16 + 26];
  }
  /** @internal */
  setBit(i: number, bit: number, on: boolean): void {
    const pg = this.page(i);
    const at = (i & (PAGE - 1)) * U16 + 26;
    pg.h[at] = on ? pg.h[at] | bit : pg.h[at] & ~bit;
  }
  /** @internal */
  u32(i: number, slot: number): number {
    return this.page(i).u[(i & (PAGE - 1)) * U32 + slot];
  }
  /** @internal */
  u16(i: number, slot: number): number {
    return this.page(i).h[(i & (PAGE - 1)) * U16 + slot];
  }
  /** @internal */
  f64(i: number, slot: number): number {
    return this.page(i).f[(i & (PAGE - 1)) * F64 + slot];
  }
  /** @internal */
  u8(i: number, at: number): number {
    return this.page(i).b[(i & (PAGE - 1)) * REC_BYTES + at];
  }
  /** @internal */
  label(i: number): SegmentLabel | undefined {
    return this.bits(i) & BIT_LABEL ? this.labels.get(i) : undefined;
  }
  /** @internal */
  setLabel(i: number, label: SegmentLabel | undefined): void {
    if (label) this.labels.set(i, label);
    else this.labels.delete(i);
    this.setBit(i, BIT_LABEL, label !== undefined);
  }
  /** @internal */
  rare(i: number): RareOptions | undefined {
    return this.bits(i) & BIT_EXTRA ? this.extra.get(i) : undefined;
  }
  /** @internal */
  gap(i: number): number | undefined {
    return this.bits(i) & BIT_GAP ? this.gaps.get(i) : undefined;
  }
  /** @internal */
  setGap(i: number, n: number | undefined): void {
    if (n === undefined) this.gaps.delete(i);
    else this.gaps.set(i, n);
    this.setBit(i, BIT_GAP, n !== undefined);
  }
  /** @internal */
  answeredBefore(i: number): number | undefined {
    return this.answered.get(i);
  }
  /** @internal */
  forged(i: number): string | undefined {
    return this.bits(i) & BIT_FORGED ? this.forgedWhy.get(i) : undefined;
  }
  /** @internal */
  setForged(i: number, why: string | undefined): void {
    if (why === undefined) this.forgedWhy.delete(i);
    else this.forgedWhy.set(i, why);
    this.setBit(i, BIT_FORGED, why !== undefined);
  }
  /** @internal */
  setAnsweredBefore(i: number, packet: number | undefined): void {
    if (packet === undefined) this.answered.delete(i);
    else this.answered.set(i, packet);
  }
}

/** A FlowSegment read from (and, for the annotations, written to) a SegmentStore record. */
class StoredSegment implements FlowSegment {
  constructor(
    private readonly st: SegmentStore,
    private readonly i: number,
  ) {}

  get packet(): number {
    return this.st.u32(this.i, 4);
  }
  get offset(): number {
    return this.st.f64(this.i, 0);
  }
  get sec(): number {
    return this.st.f64(this.i, 1);
  }
  get nsec(): number {
    return this.st.u32(this.i, 5);
  }
  get dir(): 0 | 1 {
    return this.st.bits(this.i) & BIT_DIR ? 1 : 0;
  }
  get seq(): number {
    return this.st.u32(this.i, 6);
  }
  get ack(): number {
    return this.st.u32(this.i, 7);
  }
  get flags(): number {
    return this.st.u16(this.i, 22);
  }
  get window(): number {
    return this.st.u16(this.i, 23);
  }
  get urgent(): number {
    return this.st.u16(this.i, 24);
  }
  get payloadLength(): number {
    return this.st.u32(this.i, 8);
  }
  /** Made afresh on every read. */
  get options(): TcpOptionSet {
    const bits = this.st.bits(this.i);
    const o: TcpOptionSet = {};
    if (bits & BIT_MSS) o.mss = this.st.u16(this.i, 25);
    if (bits & BIT_WSCALE) o.wscale = this.st.u8(this.i, 54);
    if (bits & BIT_SACK_OK) o.sackOk = true;
    if (bits & BIT_TS) o.ts = { val: this.st.u32(this.i, 9), ecr: this.st.u32(this.i, 10) };
    const r = this.st.rare(this.i);
    if (r) {
      if (r.sack !== undefined) o.sack = r.sack;
      if (r.tfo !== undefined) o.tfo = r.tfo;
      if (r.other !== undefined) o.other = r.other;
    }
    return o;
  }
  get label(): SegmentLabel | undefined {
    return this.st.label(this.i);
  }
  set label(v: SegmentLabel | undefined) {
    this.st.setLabel(this.i, v);
  }
  get gapBefore(): number | undefined {
    return this.st.gap(this.i);
  }
  get answeredBefore(): number | undefined {
    return this.st.answeredBefore(this.i);
  }
  set answeredBefore(v: number | undefined) {
    this.st.setAnsweredBefore(this.i, v);
  }
  set gapBefore(v: number | undefined) {
    this.st.setGap(this.i, v);
  }
  get forged(): string | undefined {
    return this.st.forged(this.i);
  }
  set forged(v: string | undefined) {
    this.st.setForged(this.i, v);
  }
  get fillsGap(): boolean | undefined {
    return this.flag(BIT_FILLS_GAP);
  }
  set fillsGap(v: boolean | undefined) {
    this.st.setBit(this.i, BIT_FILLS_GAP, v === true);
  }
  get rtx(): boolean | undefined {
    return this.flag(BIT_RTX);
  }
  set rtx(v: boolean | undefined) {
    this.st.setBit(this.i, BIT_RTX, v === true);
  }
  get keepAlive(): boolean | undefined {
    return this.flag(BIT_KEEP_ALIVE);
  }
  set keepAlive(v: boolean | undefined) {
    this.st.setBit(this.i, BIT_KEEP_ALIVE, v === true);
  }
  get ackedUnseen(): boolean | undefined {
    return this.flag(BIT_ACKED_UNSEEN);
  }
  set ackedUnseen(v: boolean | undefined) {
    this.st.setBit(this.i, BIT_ACKED_UNSEEN, v === true);
  }

  /** true when set, undefined otherwise (as the optional fields of a plain FlowSegment). */
  private flag(bit: number): true | undefined {
    return this.st.bits(this.i) & bit ? true : undefined;
  }
}

/**
 * Every FlowSegment field needs an accessor above (and a place in the record or a side map):
 * a field set on a view without one would land on the throw-away view and be lost. This fails
 * to compile when FlowSegment gains a field that StoredSegment lacks.
 */
const everyFieldStored: [Exclude<keyof FlowSegment, keyof StoredSegment>] extends [never] ? true : false = true;
void everyFieldStored;

export interface Connection {
  /** 1-based, in order of each connection's first packet. */
  index: number;
  endpoints: [ConnEndpoint, ConnEndpoint];
  /** The connection's segments in capture order (views made on access). */
  segments: SegmentStore;
  /** Index of the client in endpoints. */
  client: 0 | 1;
  roleReason: RoleReason;
  /** Absolute value of relative 0 for each endpoint's sequence space. */
  base: [number, number];
  /** What the capture shows of the opening: the client's SYN, only the server's SYN+ACK, or nothing. */
  opening: 'syn' | 'synack' | 'none';
  /** The side's ISN was captured (its SYN or SYN+ACK). */
  isnCaptured: [boolean, boolean];
  /** The base could be derived at all (the side sent something or was acknowledged). */
  baseKnown: [boolean, boolean];
  /** TLS version seen in the ServerHello, if any. */
  tlsVersion?: '1.2' | '1.3';
}

interface Live {
  conn: Connection;
  fin: [boolean, boolean];
  rst: boolean;
  /** Per side: the end of the highest sequence number it sent, the highest and the last ack it sent, whether it sent an ACK. */
  end: [number | undefined, number | undefined];
  maxAck: [number | undefined, number | undefined];
  lastAck: [number | undefined, number | undefined];
  acked: [boolean, boolean];
  /** Per side: the bare SYNs it sent (sequence number and data length). */
  syns: [{ seq: number; len: number }[], { seq: number; len: number }[]];
  isn: [number | undefined, number | undefined];
  labelers: [DirectionLabeler, DirectionLabeler];
}

function keyOf(a: string, ap: number, b: string, bp: number): string {
  const x = `${a}|${ap}`;
  const y = `${b}|${bp}`;
  return x < y ? `${x}|${y}` : `${y}|${x}`;
}

/** Streaming grouping: add() packets in capture order, then finish(). */
export class ConnectionTracker {
  private readonly live = new Map<string, Live>();
  private readonly all: Live[] = [];

  add(p: TcpPacket): void {
    const key = keyOf(p.src, p.srcPort, p.dst, p.dstPort);
    let l = this.live.get(key);
    const syn = (p.flags & TCP_SYN) !== 0;
    if (l && syn) {
      const dir = l.conn.endpoints[0].addr === p.src && l.conn.endpoints[0].port === p.srcPort ? 0 : 1;
      const closed = l.rst || (l.fin[0] && l.fin[1]);
      const known = l.isn[dir];
      if (closed && known !== undefined && known !== p.seq) l = undefined;
      else if (closed && known === undefined && !(p.flags & TCP_ACK)) l = undefined;
    }
    if (!l) {
      l = {
        conn: {
          index: this.all.length + 1,
          endpoints: [
            { addr: p.src, port: p.srcPort, ipVersion: p.ipVersion },
            { addr: p.dst, port: p.dstPort, ipVersion: p.ipVersion },
          ],
          segments: new SegmentStore(),
          client: 0,
          roleReason: 'first',
          base: [0, 0],
          opening: 'none',
          isnCaptured: [false, false],
          baseKnown: [false, false],
        },
        fin: [false, false],
        rst: false,
        end: [undefined, undefined],
        maxAck: [undefined, undefined],
        lastAck: [undefined, undefined],
        acked: [false, false],
        syns: [[], []],
        isn: [undefined, undefined],
        labelers: [new DirectionLabeler(), new DirectionLabeler()],
      };
      this.live.set(key, l);
      this.all.push(l);
    }
    const c = l.conn;
    const dir: 0 | 1 = c.endpoints[0].addr === p.src && c.endpoints[0].port === p.srcPort ? 0 : 1;
    if (syn && l.isn[dir] === undefined) l.isn[dir] = p.seq;
    if (p.flags & TCP_FIN) l.fin[dir] = true;
    if (p.flags & TCP_RST && endsConnection(l, p, dir)) l.rst = true;
    const span = p.flags & TCP_RST ? 0 : p.payloadLength + (syn ? 1 : 0) + (p.flags & TCP_FIN ? 1 : 0);
    const e = l.end[dir];
    const spanEnd = (p.seq + span) >>> 0;
    if (span > 0 && (e === undefined || ((spanEnd - e) | 0) > 0)) l.end[dir] = spanEnd;
    if (p.flags & TCP_ACK && !(p.flags & TCP_RST)) {
      const m = l.maxAck[dir];
      if (m === undefined || ((p.ack - m) | 0) > 0) l.maxAck[dir] = p.ack;
      l.lastAck[dir] = p.ack;
      l.acked[dir] = true;
    }
    if (syn && !(p.flags & TCP_ACK)) l.syns[dir].push({ seq: p.seq, len: p.payloadLength });
    let label: SegmentLabel | undefined;
    if (p.payloadLength > 0) label = l.labelers[dir].segment((p.seq + (syn ? 1 : 0)) >>> 0, p.payload, p.payloadLength);
    c.segments.push(p, dir, label);
  }

  finish(): Connection[] {
    const out = this.all.map((l) => l.conn);
    for (const c of out) analyse(c);
    return out;
  }
}

/**
 * Does this RST end the connection, so that a later SYN on the 4-tuple starts a new one? Not when
 * it cannot be its sender's last word:
 * - its sequence number lies beyond everything its side sent and everything the peer
 *   acknowledged: a TCB's RST carries SND.NXT (ABORT, RFC 9293 §3.10.5) or an ack it received
 *   (<SEQ=SEG.ACK>, §3.5.2), so no TCB of that side sent it (a forgery, `inferForged`);
 * - it carries no ACK and its seq is the peer's last ack, from a side that has acknowledged
 *   nothing yet: the answer of SYN-SENT to an unacceptable ACK, after which that side stays
 *   SYN-SENT (§3.10.7.3 first), when that ack acknowledges none of its SYNs: the segment it
 *   answers is a forged SYN,ACK (`inferForged`) that no TCB of the peer sent, so nothing ends.
 *   (An ack of an old duplicate SYN it sent, RFC 9293 §3.5 Figure 8, is the peer's: its RST
 *   returns the peer to LISTEN, and the peer's next SYN,ACK starts anew.)
 */
function endsConnection(l: Live, p: TcpPacket, dir: 0 | 1): boolean {
  const o = dir === 0 ? 1 : 0;
  const end = l.end[dir];
  const acked = l.maxAck[o];
  if (end !== undefined && ((p.seq - end) | 0) > 0 && (acked === undefined || ((p.seq - acked) | 0) > 0)) return false;
  const answered = l.lastAck[o];
  if (!(p.flags & TCP_ACK) && !l.acked[dir] && answered !== undefined && p.seq === answered && !l.syns[dir].some((y) => ((answered - y.seq - 1) | 0) >= 0 && ((answered - y.seq - 1 - y.len) | 0) <= 0)) return false;
  return true;
}

/** Group a whole list of packets. */
export function groupConnections(packets: Iterable<TcpPacket>): Connection[] {
  const t = new ConnectionTracker();
  for (const p of packets) t.add(p);
  return t.finish();
}

function isWellKnown(port: number): boolean {
  return port > 0 && port < 1024;
}

/** How many segments later, and how soon, the segment an ACK answers may have been captured. */
const REORDER_REACH = 3;
const REORDER_SKEW_NS = 1_000_000;

function spanOf(x: FlowSegment): number {
  return x.flags & TCP_RST ? 0 : x.payloadLength + (x.flags & TCP_SYN ? 1 : 0) + (x.flags & TCP_FIN ? 1 : 0);
}

/**
 * A segment cannot acknowledge what has not been sent: when an ACK covers the peer's next
 * segment, captured at most a millisecond later with nothing of the peer's in between (and no
 * earlier capture of those bytes), the capture point saw the two in the wrong order (several
 * capture queues, or timestamps taken apart). The acknowledged segment is put back before the
 * one that answers it, and says so in its comment.
 */
function restoreSendOrder(c: Connection): void {
  const segs = c.segments;
  const high: [number | undefined, number | undefined] = [undefined, undefined];
  for (let i = 0; i < segs.length; i++) {
    let s = segs.at(i)!;
    const o = s.dir === 0 ? 1 : 0;
    const h = high[o];
    if (s.flags & TCP_ACK && !(s.flags & TCP_RST) && (h === undefined || ((s.ack - h) | 0) > 0)) {
      let j = i + 1;
      while (j < segs.length && j <= i + REORDER_REACH && segs.at(j)!.dir !== o) j++;
      const x = j < segs.length && j <= i + REORDER_REACH ? segs.at(j) : undefined;
      const span = x ? spanOf(x) : 0;
      const skew = x ? (x.sec - s.sec) * 1e9 + (x.nsec - s.nsec) : Infinity;
      if (x && span > 0 && skew < REORDER_SKEW_NS && ((s.ack - x.seq) | 0) > 0 && ((s.ack - x.seq - span) | 0) <= 0) {
        segs.move(j, i);
        // The view `x` still names index j; the moved segment is at i now.
        s = segs.at(i)!;
        s.answeredBefore = segs.at(i + 1)!.packet;
      }
    }
    const span = spanOf(s);
    if (span > 0) {
      const end = (s.seq + span) >>> 0;
      const hs = high[s.dir];
      if (hs === undefined || ((end - hs) | 0) > 0) high[s.dir] = end;
    }
  }
}

function analyse(c: Connection): void {
  restoreSendOrder(c);
  inferForged(c);
  const segs = c.segments;
  // Roles.
  const syn = segs.find((s) => s.flags & TCP_SYN && !(s.flags & TCP_ACK) && !s.forged);
  const synAck = segs.find((s) => s.flags & TCP_SYN && s.flags & TCP_ACK && !s.forged);
  if (syn) {
    c.client = syn.dir;
    c.roleReason = 'syn';
  } else if (synAck) {
    c.client = synAck.dir === 0 ? 1 : 0;
    c.roleReason = 'synack';
  } else {
    const [a, b] = c.endpoints;
    const wa = isWellKnown(a.port);
    const wb = isWellKnown(b.port);
    if (wa !== wb) {
      c.client = wa ? 1 : 0;
      c.roleReason = 'port';
    } else if (a.port !== b.port) {
      c.client = a.port < b.port ? 1 : 0;
      c.roleReason = 'port';
    } else {
      c.client = segs.at(0)?.dir ?? 0;
      c.roleReason = 'first';
    }
  }
  c.opening = syn && syn.dir === c.client ? 'syn' : synAck ? 'synack' : 'none';
  if (c.opening === 'none' && syn) c.opening = 'syn';

  // Relative bases: a captured SYN fixes the ISN (even if other segments of that side came
  // first, e.g. an injected RST); otherwise Wireshark's rule on the first observation.
  const base: [number | undefined, number | undefined] = [undefined, undefined];
  for (const s of segs) if (s.flags & TCP_SYN && base[s.dir] === undefined && !s.forged) base[s.dir] = s.seq;
  for (const s of segs) {
    if (s.forged) continue;
    const d = s.dir;
    const o = d === 0 ? 1 : 0;
    if (s.flags & TCP_SYN) {
      if (base[d] === undefined) base[d] = s.seq;
      c.isnCaptured[d] = true;
    } else if (base[d] === undefined) base[d] = (s.seq - 1) >>> 0;
    if (s.flags & TCP_ACK && base[o] === undefined) base[o] = (s.ack - 1) >>> 0;
  }
  c.base = [base[0] ?? 0, base[1] ?? 0];
  c.baseKnown = [base[0] !== undefined, base[1] !== undefined];

  annotate(c);
  tls13(c);
}

/**
 * Segments that carry one side's addresses but that no TCB of that side can have sent, told from
 * TCP itself (a capture cannot tell a forged segment by its addresses; RFC 5961 §1 describes the
 * blind attacker who sends them). Each is marked with the reason:
 * - an RST whose seq lies beyond everything its side sent in the capture and everything the peer
 *   acknowledged: a TCB's RST carries SND.NXT (ABORT, RFC 9293 §3.10.5) or an ack it received
 *   (<SEQ=SEG.ACK>, §3.5.2);
 * - a SYN or an RST from a side that was synchronized (it had sent an ACK that is no SYN,ACK) and
 *   that sends again afterwards a segment with neither: a synchronized TCB never sends a SYN
 *   (§3.10.7.4 fourth) and sends an RST only as it ends (§3.5.2, §3.10.5), and nothing answered
 *   that SYN with a SYN,ACK;
 * - a SYN,ACK whose ack acknowledges no SYN the peer was captured sending (a SYN,ACK acknowledges
 *   the SYN it answers, RCV.NXT = SEG.SEQ+1, §3.10.7.2; data on that SYN with TCP Fast Open too).
 *   This takes the capture to see every SYN of the peer (a capture point on the path, as on
 *   loopback): an old duplicate SYN of an earlier incarnation it did not see would explain the
 *   same SYN,ACK (§3.5, Figure 8).
 */
function inferForged(c: Connection): void {
  const segs = c.segments;
  const n = segs.length;
  // Per side: the highest end of what it sent (RSTs aside) and the highest ack it sent, over the whole capture.
  const end: [number | undefined, number | undefined] = [undefined, undefined];
  const acked: [number | undefined, number | undefined] = [undefined, undefined];
  const later = (a: number, b: number | undefined): boolean => b === undefined || ((a - b) | 0) > 0;
  for (const s of segs) {
    if (!(s.flags & TCP_RST)) {
      const span = s.payloadLength + (s.flags & TCP_SYN ? 1 : 0) + (s.flags & TCP_FIN ? 1 : 0);
      const e = (s.seq + span) >>> 0;
      if (later(e, end[s.dir])) end[s.dir] = e;
    }
    if (s.flags & TCP_ACK && !(s.flags & TCP_RST) && later(s.ack, acked[s.dir])) acked[s.dir] = s.ack;
  }
  const synced: [boolean, boolean] = [false, false];
  const syns: { seq: number; len: number }[][] = [[], []];
  for (let i = 0; i < n; i++) {
    const s = segs.at(i)!;
    const d = s.dir;
    const o = d === 0 ? 1 : 0;
    const f = s.flags;
    if (f & TCP_RST) {
      const e = end[d];
      if (e !== undefined && later(s.seq, e) && later(s.seq, acked[o])) {
        s.forged = `its seq lies beyond everything this side sent and everything its peer acknowledged, and an RST carries SND.NXT or an ack it received (RFC 9293 §3.5.2, §3.10.5)`;
        continue;
      }
    }
    if (f & TCP_SYN && f & TCP_ACK && syns[o].length > 0 && !syns[o].some((y) => ((s.ack - y.seq - 1) | 0) >= 0 && ((s.ack - y.seq - 1 - y.len) | 0) <= 0)) {
      s.forged = `its ack acknowledges no SYN its peer sent in the capture, and a SYN,ACK acknowledges the SYN it answers (RFC 9293 §3.10.7.2; an old duplicate SYN the capture did not see would explain it too, §3.5 Figure 8)`;
      continue;
    }
    if (synced[d] && f & (TCP_SYN | TCP_RST) && !(f & TCP_ACK && f & TCP_SYN)) {
      // The same side goes on in the same connection (and nothing answered this SYN with a SYN,ACK).
      let goesOn: FlowSegment | undefined;
      for (let k = i + 1; k < n; k++) {
        const y = segs.at(k)!;
        if (f & TCP_SYN && y.dir === o && y.flags & TCP_SYN && y.flags & TCP_ACK && y.ack === ((s.seq + 1) >>> 0)) break;
        if (y.dir === d && !(y.flags & (TCP_SYN | TCP_RST))) {
          goesOn = y;
          break;
        }
      }
      if (goesOn) {
        s.forged =
          f & TCP_SYN
            ? `this side was synchronized, and a synchronized TCB never sends a SYN (RFC 9293 §3.10.7.4 fourth check); it goes on in the same connection at pkt ${goesOn.packet}`
            : `this side was synchronized, and a synchronized TCB sends an RST only as it ends (RFC 9293 §3.5.2, §3.10.5); it goes on in the same connection at pkt ${goesOn.packet}`;
        continue;
      }
    }
    if (f & TCP_SYN && !(f & TCP_ACK)) syns[d].push({ seq: s.seq, len: s.payloadLength });
    if (f & TCP_ACK && !(f & (TCP_SYN | TCP_RST))) synced[d] = true;
  }
}

/** Gaps, retransmissions, keep-alives, unseen ACKed data. */
function annotate(c: Connection): void {
  const next: [number | undefined, number | undefined] = [undefined, undefined];
  const holes: [{ start: number; end: number }[], { start: number; end: number }[]] = [[], []];
  for (const s of c.segments) {
    if (s.forged) continue;
    const d = s.dir;
    const o = d === 0 ? 1 : 0;
    const syn = (s.flags & TCP_SYN) !== 0;
    const fin = (s.flags & TCP_FIN) !== 0;
    const span = s.payloadLength + (syn ? 1 : 0) + (fin ? 1 : 0);
    const n = next[d];
    if (s.flags & TCP_RST && span === 0) {
      // A RST occupies no sequence space and may carry any number: it moves nothing.
    } else if (n === undefined) {
      if (!syn && !(s.flags & TCP_RST)) {
        const expected = (c.base[d] + 1) >>> 0;
        const diff = (s.seq - expected) | 0;
        if (diff > 0) s.gapBefore = diff;
      }
      next[d] = (s.seq + span) >>> 0;
    } else {
      const diff = (s.seq - n) | 0;
      if (diff > 0) {
        if (!(s.flags & TCP_RST)) {
          s.gapBefore = diff;
          holes[d].push({ start: n, end: s.seq });
        }
        next[d] = (s.seq + span) >>> 0;
      } else if (diff < 0) {
        if (span > 0) {
          const hole = holes[d].find((h) => ((s.seq - h.start) | 0) >= 0 && ((s.seq - h.end) | 0) < 0);
          if (hole) {
            s.fillsGap = true;
            const end = (s.seq + span) >>> 0;
            if (((end - hole.end) | 0) >= 0) hole.end = s.seq;
            if (hole.end === hole.start || ((hole.end - hole.start) | 0) <= 0) holes[d].splice(holes[d].indexOf(hole), 1);
          } else if (!syn && !fin && span <= 1 && diff === -1) s.keepAlive = true;
          else s.rtx = true;
        } else if (diff === -1 && !(s.flags & TCP_RST)) s.keepAlive = true;
        const end = (s.seq + span) >>> 0;
        if (((end - n) | 0) > 0) next[d] = end;
      } else next[d] = (s.seq + span) >>> 0;
    }
    const no = next[o];
    if (s.flags & TCP_ACK && no !== undefined && ((s.ack - no) | 0) > 0) s.ackedUnseen = true;
  }
}

/**
 * TLS 1.3 encrypts the handshake after the ServerHello: the wire shows ApplicationData records.
 * Name them by position: the server's encrypted records before the client's first encrypted
 * record are EncryptedExtensions ... Finished; the client's first encrypted record is its Finished.
 */
function tls13(c: Connection): void {
  const flat: { seg: FlowSegment; rec: TlsRecordLabel }[] = [];
  let shAt = -1;
  let version: '1.2' | '1.3' | undefined;
  for (const seg of c.segments) {
    const tls = seg.label?.tls;
    if (!tls) continue;
    const sh = seg.label?.serverHello;
    for (const rec of tls.records) {
      flat.push({ seg, rec });
      if (sh && !sh.hrr && (rec.messages.includes('ServerHello'))) {
        shAt = flat.length - 1;
        version = sh.version;
      }
    }
    if (sh?.version) c.tlsVersion = sh.version;
  }
  if (version) c.tlsVersion = version;
  if (shAt < 0 || version !== '1.3') return;
  const serverDir = flat[shAt].seg.dir;
  const flight: TlsRecordLabel[] = [];
  let clientFinished: TlsRecordLabel | undefined;
  for (let i = shAt + 1; i < flat.length; i++) {
    const { seg, rec } = flat[i];
    if (rec.type !== 23) continue;
    if (seg.dir === serverDir) flight.push(rec);
    else {
      clientFinished = rec;
      break;
    }
  }
  const names: string[][] = namesForFlight(flight.length);
  flight.forEach((rec, i) => {
    rec.messages = names[i] ?? [];
    rec.inferred = true;
  });
  if (clientFinished) {
    clientFinished.messages = ['Finished'];
    clientFinished.inferred = true;
  }
}

function namesForFlight(n: number): string[][] {
  switch (n) {
    case 0:
      return [];
    case 1:
      return [['EncryptedExtensions', 'Finished']];
    case 2:
      return [['EncryptedExtensions'], ['Finished']];
    case 3:
      return [['EncryptedExtensions'], ['Certificate', 'CertificateVerify'], ['Finished']];
    case 4:
      return [['EncryptedExtensions'], ['Certificate'], ['CertificateVerify'], ['Finished']];
    case 5:
      return [['EncryptedExtensions'], ['CertificateRequest'], ['Certificate'], ['CertificateVerify'], ['Finished']];
  }
  const out: string[][] = [['EncryptedExtensions'], ['Certificate']];
  for (let i = 2; i < n - 2; i++) out.push([]);
  out.push(['CertificateVerify'], ['Finished']);
  return out;
}

/** Sequence number relative to a base, as an unsigned 32-bit value. */
export function relative(value: number, base: number): number {
  return (value - base) >>> 0;
}
