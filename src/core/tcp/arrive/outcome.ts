/** What the receiver did with an arriving segment (RFC 9293 §3.10.7), as the checker reads it. */
import type { PhraseKey } from '../../l10n/strings';
import type { SeqValue } from '../seq';
import type { Why } from '../tcb';

export type RecvKind = 'accepted' | 'queued' | 'duplicate' | 'dropped' | 'rst' | 'challenge' | 'reset' | 'ignored';

export interface RecvOutcome {
  kind: RecvKind;
  /** Why the segment was not simply accepted. */
  reason?: PhraseKey;
  reasonArgs?: string[];
  rule: string;
}

/** What every step of SEGMENT ARRIVES is given besides the TCB and the segment. */
export interface Arrival {
  /** The clock (ms) at arrival, for the TIME-WAIT timer. */
  clock: number;
  /** The segment that sets RCV.NXT if this one does. */
  why: Why;
  /** A value in the notes' notation, for the reasons given in messages. */
  fmt: (v: SeqValue | undefined) => string;
}

/**
 * An outcome without a reason, made once when a module loads and shared by every arrival that
 * ends in it (the checker only reads outcomes).
 */
export function shared(kind: RecvKind, rule: string): RecvOutcome {
  return Object.freeze({ kind, rule });
}
