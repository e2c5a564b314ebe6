/**
 * The syntax tree. Every node carries the exact span of its source text; comments are kept on
 * the side (`File.comments`) so that nothing typed is ever lost.
 */
import type { Span } from './text';
import type { Comment } from './tokens';
export type { Span } from './text';

export interface Name extends Span {
  text: string;
}

/** A number as written: `1000`, `x`, `x+1`, `u-1`. One name at most, with a constant offset. */
export interface Expr extends Span {
  /** The symbol, if any. */
  symbol?: Name;
  /** Constant part, modulo 2^32 (may be "negative" as a two's-complement offset). */
  offset: number;
  /** True when at least one literal number appears (used to tell `x` from `x+0`). */
  hasLiteral: boolean;
}

export type FlagName = 'SYN' | 'ACK' | 'FIN' | 'RST' | 'PSH' | 'URG' | 'ECE' | 'CWR';
export const FLAG_NAMES: readonly FlagName[] = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR'];

export interface FlagItem extends Span {
  flag: FlagName;
  /** `SYN=0` writes a cleared bit explicitly. */
  set: boolean;
  /** `SYN=1` style (notes) rather than a bare `SYN`. */
  bitStyle: boolean;
}

export interface Field<T> extends Span {
  /** Span of the key (`seq`). */
  key: Span;
  /** Span of the value. */
  valueSpan: Span;
  value: T;
}

export type AppMessage =
  | { kind: 'http'; span: Span; startLine: string; connection?: 'close' | 'keep-alive' }
  | { kind: 'tls'; span: Span; version?: '1.2' | '1.3'; messages: { name: string; span: Span }[] };

export type Modifier = 'lost' | 'dup' | 'dropped' | 'rtx' | 'old' | 'cross';

export interface SegmentStmt extends Span {
  kind: 'segment';
  from: Name;
  to: Name;
  arrow: Span;
  flags: FlagItem[];
  /** Span covering the flag list (for fixes that add a flag). */
  flagsSpan: Span;
  seq?: Field<Expr>;
  ack?: Field<Expr>;
  /** `ACK=x+1`: the flag written with a number (the seeds' classic mix-up). */
  ackFlagValue?: Field<Expr>;
  len?: Field<number>;
  win?: Field<number>;
  mss?: Field<number>;
  wscale?: Field<number>;
  sackOk?: Span;
  ts?: Field<{ val: number; ecr: number }>;
  label?: { text: string; span: Span };
  app?: AppMessage;
  modifiers: { name: Modifier; span: Span }[];
  delay?: Field<Name>;
  /**
   * The TCP Fast Open option (RFC 7413 §4.1.1): `tfo` alone is a cookie request (an empty
   * cookie), `tfo=COOKIE` carries one (its text, lower case).
   */
  tfo?: { span: Span; cookie?: string; cookieSpan?: Span };
  /**
   * `as NAME`: a spoofed source (a third party sends, the receiver takes the segment as NAME's,
   * RFC 5961 §1): the sender writes the line, NAME's own TCB is untouched.
   */
  as?: Name;
}

/** `attacker`: a third party that only sends, spoofing another endpoint's address (`as NAME`). */
export type EndpointRole = 'client' | 'server' | 'endpoint' | 'attacker';

export interface EndpointStmt extends Span {
  kind: 'endpoint';
  role: EndpointRole;
  roleSpan: Span;
  name: Name;
  address?: { host: string; port?: number; span: Span };
  startState?: { text: string; span: Span };
  isn?: Field<number>;
  backlog?: Field<number>;
  /** Bound of the accept queue (connections established, not yet accepted), see tcp/accept.ts. */
  acceptq?: Field<number>;
  /** Receive buffer size, RCV.BUFF (RFC 9293 §3.8.6.2.2), see tcp/buffer.ts. */
  rcvbuf?: Field<number>;
  win?: Field<number>;
  mss?: Field<number>;
  wscale?: Field<number>;
}

export interface StateRef extends Span {
  endpoint: Name;
  peer?: Name;
  state: { text: string; span: Span };
}

export interface AssertStmt extends Span {
  kind: 'assert';
  items: StateRef[];
}

export type CallName = 'open' | 'listen' | 'close' | 'shutdown' | 'abort' | 'accept' | 'read';

export interface CallStmt extends Span {
  kind: 'call';
  endpoint: Name;
  call: CallName;
  callSpan: Span;
  peer?: Name;
  /** `S read N`: the number of bytes the application reads (none written: all it has). */
  bytes?: { value: number; span: Span };
}

export interface Duration {
  /** Milliseconds, or undefined when written in MSL units. */
  ms?: number;
  /** Multiples of the MSL (`2MSL`). */
  msl?: number;
  rto?: boolean;
}

export interface WaitStmt extends Span {
  kind: 'wait';
  duration: Duration;
  durationSpan: Span;
}

export interface MslStmt extends Span {
  kind: 'msl';
  ms: number;
}

export interface DeliverStmt extends Span {
  kind: 'deliver';
  id: Name;
}

export interface TitleStmt extends Span {
  kind: 'title';
  text: string;
}

export interface NoteStmt extends Span {
  kind: 'note';
  over: Name[];
  text: string;
}

export interface PhaseStmt extends Span {
  kind: 'phase';
  text: string;
}

export interface NumbersStmt extends Span {
  kind: 'numbers';
  mode: 'relative' | 'absolute';
}

export type Statement =
  | SegmentStmt
  | EndpointStmt
  | AssertStmt
  | CallStmt
  | WaitStmt
  | MslStmt
  | DeliverStmt
  | TitleStmt
  | NoteStmt
  | PhaseStmt
  | NumbersStmt;

export interface File {
  text: string;
  statements: Statement[];
  comments: Comment[];
}
