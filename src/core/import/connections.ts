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
 * and not with their size.
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
}

export type RoleReason = 'syn' | 'synack' | 'port' | 'first';

export interface Connection {
  /** 1-based, in order of each connection's first packet. */
  index: number;
  endpoints: [ConnEndpoint, ConnEndpoint];
  segments: FlowSegment[];
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
          segments: [],
          client: 0,
          roleReason: 'first',
          base: [0, 0],
          opening: 'none',
          isnCaptured: [false, false],
          baseKnown: [false, false],
        },
        fin: [false, false],
        rst: false,
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
    if (p.flags & TCP_RST) l.rst = true;
    const seg: FlowSegment = {
      packet: p.packet,
      offset: p.offset,
      sec: p.sec,
      nsec: p.nsec,
      dir,
      seq: p.seq,
      ack: p.ack,
      flags: p.flags,
      window: p.window,
      urgent: p.urgent,
      options: p.options,
      payloadLength: p.payloadLength,
    };
    if (p.payloadLength > 0) {
      const label = l.labelers[dir].segment((p.seq + (syn ? 1 : 0)) >>> 0, p.payload, p.payloadLength);
      if (label) seg.label = label;
    }
    c.segments.push(seg);
  }

  finish(): Connection[] {
    const out = this.all.map((l) => l.conn);
    for (const c of out) analyse(c);
    return out;
  }
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
    let s = segs[i];
    const o = s.dir === 0 ? 1 : 0;
    const h = high[o];
    if (s.flags & TCP_ACK && !(s.flags & TCP_RST) && (h === undefined || ((s.ack - h) | 0) > 0)) {
      let j = i + 1;
      while (j < segs.length && j <= i + REORDER_REACH && segs[j].dir !== o) j++;
      const x = j < segs.length && j <= i + REORDER_REACH ? segs[j] : undefined;
      const span = x ? spanOf(x) : 0;
      const skew = x ? (x.sec - s.sec) * 1e9 + (x.nsec - s.nsec) : Infinity;
      if (x && span > 0 && skew < REORDER_SKEW_NS && ((s.ack - x.seq) | 0) > 0 && ((s.ack - x.seq - span) | 0) <= 0) {
        segs.splice(j, 1);
        segs.splice(i, 0, x);
        x.answeredBefore = s.packet;
        s = x;
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
  const segs = c.segments;
  // Roles.
  const syn = segs.find((s) => s.flags & TCP_SYN && !(s.flags & TCP_ACK));
  const synAck = segs.find((s) => s.flags & TCP_SYN && s.flags & TCP_ACK);
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
      c.client = segs.length > 0 ? segs[0].dir : 0;
      c.roleReason = 'first';
    }
  }
  c.opening = syn && syn.dir === c.client ? 'syn' : synAck ? 'synack' : 'none';
  if (c.opening === 'none' && syn) c.opening = 'syn';

  // Relative bases: a captured SYN fixes the ISN (even if other segments of that side came
  // first, e.g. an injected RST); otherwise Wireshark's rule on the first observation.
  const base: [number | undefined, number | undefined] = [undefined, undefined];
  for (const s of segs) if (s.flags & TCP_SYN && base[s.dir] === undefined) base[s.dir] = s.seq;
  for (const s of segs) {
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

/** Gaps, retransmissions, keep-alives, unseen ACKed data. */
function annotate(c: Connection): void {
  const next: [number | undefined, number | undefined] = [undefined, undefined];
  const holes: [{ start: number; end: number }[], { start: number; end: number }[]] = [[], []];
  for (const s of c.segments) {
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
