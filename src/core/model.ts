/**
 * What the checker computes, as plain data: every event of the flow with every involved
 * endpoint's state and sequence variables before and after it. Hover, inlay hints, the diagram
 * and the CLI read this; none of them recomputes anything.
 */
import type * as ast from './syntax/ast';
import type { SeqValue } from './tcp/seq';
import type { TcpState } from './tcp/states';
import type { RecvKind } from './tcp/machine';

export interface TcbView {
  endpoint: string;
  peer: string;
  state: TcpState;
  /** Values in the notes' notation (`x+1`, `1001`), undefined while unknown. */
  sndUna?: string;
  sndNxt?: string;
  rcvNxt?: string;
  iss?: string;
  irs?: string;
  sndWnd?: number;
  rcvWnd: number;
  /** The receive buffer, RCV.BUFF (`rcvbuf=`), when the flow declares one. */
  rcvBuf?: number;
  /**
   * RCV.USER: bytes received in order and not yet read by the application (tcp/buffer.ts), when
   * the flow declares a buffer or reads (`S read`) and it is known.
   */
  rcvUser?: number;
}

/** `spoofed`: a third party's segment with another endpoint's source (`as NAME`). */
export type SendClass = 'new' | 'retransmission' | 'keepalive' | 'window-probe' | 'dup-ack' | 'rst-reply' | 'old-duplicate' | 'spoofed';

export interface Delivery {
  /** Offsets of the statement at which the segment arrived (the segment itself, or `deliver`). */
  at: ast.Span;
  before: TcbView;
  after: TcbView;
  outcome: RecvKind;
  /** Localised explanation when the receiver did not simply accept it. */
  note?: string;
  duplicate: boolean;
}

export interface NumberView {
  value?: SeqValue;
  /** In the notes' notation. */
  text: string;
  /** The absolute number, when known. */
  absolute?: number;
  /** Relative to the ISN it counts from (Wireshark's view), when known. */
  relative?: number;
  /** One sentence that explains the expected value. */
  why: string;
}

export interface SegmentEvent {
  kind: 'segment';
  /** The statement's tree: made when first read (a long flow keeps its segments as table rows). */
  stmt: ast.SegmentStmt;
  /** The statement's offsets, read without making its tree. */
  start: number;
  end: number;
  from: string;
  to: string;
  /** Flags in effect (after the checker's corrections). */
  flags: ast.FlagName[];
  seq?: NumberView;
  ack?: NumberView;
  len: number;
  sendClass: SendClass;
  send: { before: TcbView; after: TcbView };
  fate: 'delivered' | 'lost' | 'delayed' | 'duplicated';
  delayId?: string;
  deliveries: Delivery[];
  /** Indices into `Analysis.findings`. */
  findings: number[];
  /** Connection key (stable per pair of endpoints). */
  connection: string;
}

export interface AssertEvent {
  kind: 'assert';
  stmt: ast.AssertStmt;
  results: { endpoint: string; peer?: string; expected: string; actual?: TcpState; ok: boolean }[];
}

export interface CallEvent {
  kind: 'call';
  stmt: ast.CallStmt;
  before?: TcbView;
  after?: TcbView;
  idleBefore?: TcpState;
  idleAfter?: TcpState;
  /**
   * `S read`: the bytes the application took (undefined when what it had is unknown), and
   * whether it found the end of the stream (nothing left, the peer's FIN taken).
   */
  read?: { bytes?: number; eof: boolean };
}

export interface WaitEvent {
  kind: 'wait';
  stmt: ast.WaitStmt;
  /** Clock after the wait, in ms. */
  clock: number;
  /** Endpoints whose TIME_WAIT ended. */
  closed: string[];
}

export interface DeliverEvent {
  kind: 'deliver';
  stmt: ast.DeliverStmt;
  segment?: SegmentEvent;
}

export interface OtherEvent {
  kind: 'other';
  stmt: ast.Statement;
}

export type FlowEvent = SegmentEvent | AssertEvent | CallEvent | WaitEvent | DeliverEvent | OtherEvent;

/** Where an event's statement starts, read without making a segment's tree (or its model). */
export function eventStart(ev: FlowEvent): number {
  return ev.kind === 'segment' ? ev.start : ev.stmt.start;
}

export interface EndpointInfo {
  name: string;
  role: ast.EndpointRole;
  decl: ast.EndpointStmt;
  address?: string;
  startState: TcpState;
}

export interface SymbolInfo {
  name: string;
  connection: string;
  def: ast.Span;
  refs: ast.Span[];
  value: SeqValue;
  text: string;
}

export interface Model {
  title?: string;
  endpoints: EndpointInfo[];
  events: FlowEvent[];
  symbols: SymbolInfo[];
  /** Endpoint name -> references (declaration first). */
  endpointRefs: Map<string, ast.Span[]>;
  /** Final state of every TCB. */
  finalStates: TcbView[];
}
