/**
 * The vocabulary of the whole-API schedules (test/schedules/): the operations an actor runs, the events a write
 * operation stores (built deterministically from the operation, so the parent process and a child worker build the
 * same ones), and the record of what each call did. Everything here is plain JSON: a child process receives
 * operations and returns records over IPC.
 */
import { createHash } from 'node:crypto';
import type { CreatedEvent } from '../../src/compat/contract-types.js';

/** The domain every schedule writes. */
export const DOMAIN = 'acct';
/** Streams shared by all actors (they contend). */
export const STREAMS = 4;
/**
 * Payloads over this many characters are offloaded (stores use `offloadThresholdBytes` 2048), compressed too (the
 * codecs schedules): their filler is {@link incompressible}.
 */
export const BIG_CHARS = 3000;
/** `offloadThresholdBytes` of every store in the schedules. */
export const OFFLOAD_THRESHOLD_BYTES = 2048;
/** Events of a `bad` operation: more than one transaction when transactions are small (12 actions), or 60 events otherwise. */
export const BAD_BATCH_EVENTS = 60;
/** A correlation id far over DynamoDB's 400 KB item limit and not offloadable (only payloads and meta are). */
export const BAD_CORRELATION_CHARS = 410_000;

/** An operation an actor runs, as generated (see generators.ts). */
export type OpSpec =
  /** 3.x `storeEvents` of `count` events over `streams`, optionally with the first stream's observed sequence. */
  | {
      readonly kind: 'store';
      readonly streams: readonly number[];
      readonly count: number;
      readonly bigMask: number;
      readonly expect: boolean;
      readonly shortDeadline: boolean;
    }
  /** rc.6 `appendBatch`: one transaction over `streams`, every written stream at the version just read. */
  | { readonly kind: 'batch'; readonly streams: readonly number[]; readonly count: number; readonly bigMask: number }
  /**
   * `saveSnapshot` at the stream's observed sequence, then `getSnapshot`; with `pair`, two saves of different states
   * at that same sequence at once (two writers racing for one snapshot item, as two processes would).
   */
  | { readonly kind: 'snapshot'; readonly stream: number; readonly big: boolean; readonly pair: boolean }
  /** `getLogPage` pages chained from the actor's cursor (a consumer that persists its cursor). */
  | { readonly kind: 'poll'; readonly pages: number; readonly pageSize: number }
  /** A named `subscribe` consumer running for `ticks`, then stopped. */
  | { readonly kind: 'subscribe'; readonly consumer: number; readonly ticks: number; readonly pageSize: number }
  /** `sweepOrphanBlobs` with the harness's grace period; with `late`, after waiting that period (where time is cheap: the twin). */
  | { readonly kind: 'sweep'; readonly late: boolean }
  /** `resetStore`. */
  | { readonly kind: 'reset' }
  /** `exportEvents` (ops/) to memory. */
  | { readonly kind: 'export' }
  /** `importEvents` (ops/) of the latest export taken in the schedule. */
  | { readonly kind: 'import' }
  /** A batch spanning several transactions whose LAST event is invalid: a typed error, nothing written. */
  | { readonly kind: 'bad' }
  /** Wait `ticks` (lets time pass: index lag, blob ages for the sweeper). */
  | { readonly kind: 'pause'; readonly ticks: number };

/** Every operation class, for the switches (`API_OPS`). */
export const OP_KINDS = ['store', 'batch', 'snapshot', 'poll', 'subscribe', 'sweep', 'reset', 'export', 'import', 'bad', 'pause'] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** An operation as run: the spec plus what the runner fixes when it dispatches it (ids, time, cursor, import input). */
export interface ResolvedOp {
  readonly spec: OpSpec;
  /** Unique in the schedule: the prefix of the ids of the events it writes, the name of its record. */
  readonly tag: string;
  /** `created` of its first event (the instance's skewed clock at dispatch), ms. */
  readonly createdMs: number;
  /** `poll`: the actor's persisted cursor (JSON of the last page's cursor), absent at the log's beginning. */
  readonly cursor?: string;
  /** `import`: the NDJSON text of the latest export. */
  readonly importText?: string;
  /** `import`: when that export began (the runner's clock, ms): a reset after it may have taken its sequences. */
  readonly importExportStart?: number;
  /** `sweep`: the grace period, ms. */
  readonly graceMs?: number;
  /** `sweep`: wait this long first (ms of the instance's clock), so the blobs of the schedule so far are candidates. */
  readonly waitMs?: number;
  /** `store` with a short deadline: the call's `deadlineMs`. */
  readonly callDeadlineMs?: number;
}

/** One public call made by an operation: its duration against its deadline (both in the instance's clock ms). */
export interface CallRecord {
  readonly method: string;
  readonly durationMs: number;
  /** The deadline the call was given (the store's `deadlineMs` unless the call had its own); absent: none (export, import). */
  readonly deadlineMs?: number;
  /** The error code the call rejected with, absent on success. */
  readonly code?: string;
}

/** What an operation did, as its caller saw it. JSON. */
export interface OpRecord {
  readonly tag: string;
  readonly kind: OpKind;
  calls: CallRecord[];
  /**
   * `acked`: the operation succeeded (a write: acknowledged); `refused`: a definite failure (nothing of the call
   * written, or the known prefix of `DUPLICATE_EVENT_ID`/`PARTIAL_BATCH`); `gaveUp`: still no definite outcome after
   * the caller's retry budget; `skipped`: nothing to do (an import before any export).
   */
  outcome: 'acked' | 'refused' | 'gaveUp' | 'skipped';
  /** The code of a `refused` outcome. */
  code?: string;
  /** Calls that ended in `STORE/OUTCOME_UNKNOWN` before the outcome. */
  unknownOutcomes: number;
  /** Write ops: ids found stored right after a call that claimed a definite failure (before any unknown outcome): must be empty. */
  storedAfterRefusal?: string[];
  /** `snapshot`: the sequence saved, and what `getSnapshot` returned right after (sequence, or the error code). */
  snapshotSaved?: number;
  snapshotRead?: { sequence: number | null; stateSequence?: number; code?: string };
  /** `poll`/`subscribe`: ids delivered, in order, and how many times the cursor was stale (table reset). */
  delivered?: string[];
  staleCursors?: number;
  /** `poll`: the cursor after the last page (JSON). */
  cursor?: string;
  /** `subscribe`: the code `done` rejected with, if it did. */
  subscriptionEnd?: string;
  /** `export`: the NDJSON text written. */
  exportText?: string;
  /** `import`: the summary's counts and issues. */
  imported?: { imported: number; skipped: number; issues: { id?: string; kind: string; code: string }[] };
  /** `sweep`: keys deleted. */
  swept?: number;
  /** Things the executor saw that break an invariant on their own (a read of a missing blob, an unexpected code). */
  violations: string[];
}

/** The events of a write operation: ids `<tag>.<index>`, `created` from `createdMs` on, payloads offloaded per `bigMask`. */
export function eventsOf(op: ResolvedOp): CreatedEvent[] {
  const spec = op.spec;
  if (spec.kind === 'bad') {
    return Array.from({ length: BAD_BATCH_EVENTS }, (_, index) => ({
      ...event(op, index, 0, false),
      ...(index === BAD_BATCH_EVENTS - 1 ? { correlationId: 'c'.repeat(BAD_CORRELATION_CHARS) } : {}),
    }));
  }
  if (spec.kind !== 'store' && spec.kind !== 'batch') return [];
  return Array.from({ length: spec.count }, (_, index) =>
    event(op, index, spec.streams[index % spec.streams.length]!, ((spec.bigMask >> index) & 1) === 1),
  );
}

/** JSON-safe characters, 6 bits each: a filler of them compresses to no less than 3/4 of its length. */
const FILLER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * `prefix` padded to `length` characters with a filler drawn from `prefix` (deterministic: the parent process and a
 * worker build the same): uniform over 64 characters, so it stays over the offload threshold when the codecs
 * schedules compress it (a run of one letter compresses to a few bytes, and then nothing would be offloaded, leaving
 * blobs, orphans and sweeps unexercised). Same length as a one-letter filler: the plain schedules' sizes are unchanged.
 */
export function incompressible(prefix: string, length: number): string {
  let filler = '';
  for (let block = 0; prefix.length + filler.length < length; block++) {
    for (const byte of createHash('sha256').update(`${prefix}|${block}`).digest()) filler += FILLER_ALPHABET[byte & 63];
  }
  return (prefix + filler).slice(0, Math.max(length, prefix.length));
}

function event(op: ResolvedOp, index: number, stream: number, big: boolean): CreatedEvent {
  const id = `${op.tag}.${index}`;
  return {
    id,
    domain: DOMAIN,
    identifier: `s${stream}`,
    type: 'moved',
    payload: big ? { id, blob: incompressible(`${id}:`, BIG_CHARS) } : { id },
    created: new Date(op.createdMs + index),
  };
}

/** The snapshot state an operation saves: names its tag and sequence, padded past the offload threshold when `big`. */
export function snapshotState(op: ResolvedOp, sequence: number, copy = 0): { tag: string; sequence: number; filler?: string } {
  const big = op.spec.kind === 'snapshot' && op.spec.big;
  const tag = `${op.tag}#${copy}`;
  return big ? { tag, sequence, filler: incompressible(`${tag}:`, BIG_CHARS) } : { tag, sequence };
}
