/**
 * Runs ONE schedule operation against one `EventStore` instance, as a careful caller would, and records what each
 * public call did (test/schedules/model.ts). Used in-process (the twin, and in-process instances on the servers)
 * and inside the child worker (worker.ts), so it holds no state between operations: the runner passes the cursor
 * and the import input in, and reads them back from the record.
 *
 * The caller's discipline (as in test/write/fault-schedules.test.ts): a call that fails with an unknown outcome, an abort
 * or a deadline, or a retryable driver/retry code is retried with the IDENTICAL input (same ids, content and
 * expectation) until it succeeds or fails definitely, at most {@link MAX_CALLS} times. A code the operation may
 * not produce is a violation. Calls are timed by the instance's clock against their deadline (checked later).
 */
import { Readable, Writable } from 'node:stream';
import { exportEvents } from '../../ops/export.js';
import { importEvents } from '../../ops/import.js';
import { lineToEvent } from '../../ops/ndjson.js';
import type { ExpectedStreamVersion, StoredEvent } from '../../src/compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/event-store.js';
import { DOMAIN, eventsOf, snapshotState, type OpRecord, type ResolvedOp } from './model.js';

/** A caller gives up on one operation after this many calls (its outcome is then `gaveUp`, counted, not a violation). */
export const MAX_CALLS = 60;

/**
 * The least deadline of `resetStore` (it drops and re-creates the table): the store's `deadlineMs` when larger. The
 * contract of the `deadlines` part of issue 16 (`DEFAULT_INIT_DEADLINE_MS`); `sweepOrphanBlobs` has at least an hour.
 */
export const RESET_DEADLINE_FLOOR_MS = 120_000;
/** The least deadline of `sweepOrphanBlobs` (it lists and reads its whole scope). */
export const SWEEP_DEADLINE_FLOOR_MS = 3_600_000;

/** Codes after which the caller repeats the identical call. */
const RETRY_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.OUTCOME_UNKNOWN,
  ErrorCodes.ABORTED,
  ErrorCodes.DEADLINE_EXCEEDED,
  ErrorCodes.RETRIES_EXHAUSTED,
  ErrorCodes.UNPROCESSED_LEFT,
  ErrorCodes.THROTTLED,
  ErrorCodes.TRANSIENT,
  ErrorCodes.TRANSACTION_CONFLICT,
  // The table is gone while another instance resets it (re-created by that reset): the runner allows it only then.
  ErrorCodes.RESOURCE_NOT_FOUND,
  // The key provider failed (SCHEDULE_CODECS=1 schedules it): nothing was written, retry later.
  ErrorCodes.CODEC_KEY_PROVIDER,
]);
/** Codes that make a write's outcome ambiguous (the identical retry settles it). */
const AMBIGUOUS_CODES: ReadonlySet<string> = new Set([ErrorCodes.OUTCOME_UNKNOWN]);
/** Definite failures of a write (and `STORE/BATCH_TOO_LARGE` of an `appendBatch` over one transaction). */
const WRITE_DEFINITE: ReadonlySet<string> = new Set([ErrorCodes.CONCURRENCY, ErrorCodes.DUPLICATE_EVENT_ID, ErrorCodes.PARTIAL_BATCH]);

/** What an operation needs from its environment. */
export interface ExecEnv {
  readonly store: EventStore;
  /** The instance's clock, ms (deadlines are measured on it). */
  clock(): number;
  /** Let a little time pass (a caller's pause between retries, a subscription's run). */
  tick(): Promise<void>;
  /** The store's `deadlineMs`. */
  readonly deadlineMs: number;
  /** Ids among `ids` stored right now, read through a fault-free path. */
  storedIds(ids: readonly string[]): Promise<string[]>;
}

/** Run `op` on `env.store`; never throws for a typed store error (it is recorded), only for a harness bug. */
export async function executeOp(env: ExecEnv, op: ResolvedOp): Promise<OpRecord> {
  const record: OpRecord = { tag: op.tag, kind: op.spec.kind, calls: [], outcome: 'acked', unknownOutcomes: 0, violations: [] };
  const timed = async <T>(method: string, run: () => Promise<T>, deadlineMs: number | undefined = env.deadlineMs): Promise<T> => {
    const started = env.clock();
    const bound = deadlineMs === Number.POSITIVE_INFINITY ? {} : { deadlineMs };
    try {
      const value = await run();
      record.calls.push({ method, durationMs: env.clock() - started, ...bound });
      return value;
    } catch (error) {
      record.calls.push({ method, durationMs: env.clock() - started, ...bound, code: codeOf(error) });
      throw error;
    }
  };
  /** `run` retried on retry codes; resolves to its value, or `undefined` once the budget is spent (`gaveUp`). */
  const retried = async <T>(
    method: string,
    run: () => Promise<T>,
    onError?: (error: EventStoreAdapterError) => 'retry' | 'stop',
    deadlineMs?: number,
  ): Promise<T | undefined> => {
    for (let calls = 1; calls <= MAX_CALLS; calls++) {
      try {
        return await timed(method, run, deadlineMs);
      } catch (error) {
        if (!(error instanceof EventStoreAdapterError)) throw error;
        if (onError?.(error) === 'stop') return undefined;
        if (!RETRY_CODES.has(error.code)) {
          record.violations.push(`${method}: unexpected ${error.code}: ${error.message.slice(0, 300)}`);
          record.outcome = 'refused';
          record.code = error.code;
          return undefined;
        }
        await env.tick();
      }
    }
    record.outcome = 'gaveUp';
    return undefined;
  };

  const spec = op.spec;
  switch (spec.kind) {
    case 'store':
    case 'batch':
    case 'bad':
      await write(env, op, record, timed);
      break;
    case 'snapshot': {
      const identifier = `s${spec.stream}`;
      const sequence = await retried('getStreamSequence', () => env.store.getStreamSequence(DOMAIN, identifier));
      if (sequence === undefined) break;
      const copies = spec.pair ? [0, 1] : [0];
      await Promise.all(
        copies.map((copy) =>
          retried('saveSnapshot', () =>
            env.store.saveSnapshot({
              domain: DOMAIN,
              identifier,
              state: snapshotState(op, sequence, copy),
              sequence,
              created: new Date(op.createdMs),
            }),
          ),
        ),
      );
      if (record.outcome !== 'acked') break;
      record.snapshotSaved = sequence;
      // Read back until an answer: a missing blob here is the defect class "a snapshot names a deleted blob".
      for (let calls = 1; calls <= MAX_CALLS; calls++) {
        try {
          const read = await timed('getSnapshot', () => env.store.getSnapshot<{ sequence: number }>(DOMAIN, identifier));
          record.snapshotRead = read === null ? { sequence: null } : { sequence: read.sequence, stateSequence: read.state.sequence };
          break;
        } catch (error) {
          const code = codeOf(error);
          if (!RETRY_CODES.has(code)) {
            record.snapshotRead = { sequence: null, code };
            record.violations.push(`getSnapshot ${identifier} right after saving it: ${code}: ${messageOf(error)}`);
            break;
          }
          await env.tick();
        }
      }
      break;
    }
    case 'poll': {
      let cursor = op.cursor === undefined ? undefined : (JSON.parse(op.cursor) as ExpectedStreamVersion[]);
      record.delivered = [];
      record.staleCursors = 0;
      for (let page = 0; page < spec.pages; page++) {
        try {
          const result = await timed('getLogPage', () => env.store.getLogPage(cursor, spec.pageSize));
          if (result.events.length > spec.pageSize)
            record.violations.push(`getLogPage returned ${result.events.length} events for pageSize ${spec.pageSize}`);
          record.delivered.push(...result.events.map((event) => event.id));
          cursor = result.cursor;
        } catch (error) {
          const code = codeOf(error);
          if (code === ErrorCodes.STALE_CURSOR) {
            // The table was reset: a consumer of getLogPage starts over at the new log's beginning.
            record.staleCursors++;
            cursor = undefined;
          } else if (!RETRY_CODES.has(code)) {
            record.violations.push(`getLogPage: unexpected ${code}: ${messageOf(error)}`);
            break;
          }
        }
        await env.tick();
      }
      record.cursor = cursor === undefined ? undefined : JSON.stringify(cursor);
      break;
    }
    case 'subscribe': {
      record.delivered = [];
      record.staleCursors = 0;
      const name = `consumer-${spec.consumer}`;
      const delivered = record.delivered;
      const subscription = await retried(
        'subscribe',
        () =>
          env.store.subscribe({
            name,
            pageSize: spec.pageSize,
            pollIntervalMs: 5,
            handler: (events: StoredEvent[]) => void delivered.push(...events.map((event) => event.id)),
          }),
        (error) => {
          if (error.code !== ErrorCodes.STALE_CURSOR) return 'retry';
          record.staleCursors! += 1;
          record.subscriptionEnd = error.code;
          return 'stop';
        },
      );
      if (subscription === undefined) break;
      for (let tick = 0; tick < spec.ticks; tick++) await env.tick();
      await subscription.stop();
      await subscription.done.catch((error: unknown) => {
        record.subscriptionEnd = codeOf(error);
      });
      break;
    }
    case 'sweep': {
      const until = env.clock() + (op.waitMs ?? 0);
      while (env.clock() < until) await env.tick();
      const result = await retried(
        'sweepOrphanBlobs',
        () => env.store.sweepOrphanBlobs({ olderThanMs: op.graceMs! }),
        undefined,
        Math.max(env.deadlineMs, SWEEP_DEADLINE_FLOOR_MS),
      );
      if (result) record.swept = result.deleted.length;
      break;
    }
    case 'reset':
      await retried('resetStore', () => env.store.resetStore(), undefined, Math.max(env.deadlineMs, RESET_DEADLINE_FLOOR_MS));
      break;
    case 'export': {
      const text = await retried(
        'exportEvents',
        async () => {
          const chunks: Buffer[] = [];
          const out = new Writable({
            write: (chunk: Buffer, _encoding, done) => {
              chunks.push(chunk);
              done();
            },
          });
          // The export's settle (index lag) waits on the instance's own clock: virtual on the twin, real on the servers.
          const sleep = async (ms: number): Promise<void> => {
            const until = env.clock() + ms;
            while (env.clock() < until) await env.tick();
          };
          await exportEvents({ store: env.store, out, pageSize: 7, sleep });
          return Buffer.concat(chunks).toString('utf8');
        },
        undefined,
        Number.POSITIVE_INFINITY,
      );
      if (text === undefined) break;
      record.exportText = text;
      const ids = text
        .split('\n')
        .filter((line) => line !== '')
        .map((line, index) => lineToEvent(line, index + 1).event.id);
      const twice = ids.filter((id, index) => ids.indexOf(id) !== index);
      if (twice.length > 0) record.violations.push(`export holds ids twice: ${twice.slice(0, 5).join(', ')}`);
      break;
    }
    case 'import': {
      if (op.importText === undefined) {
        record.outcome = 'skipped';
        break;
      }
      const summary = await retried(
        'importEvents',
        () => importEvents({ store: env.store, input: Readable.from([op.importText!]) }),
        undefined,
        Number.POSITIVE_INFINITY,
      );
      if (summary)
        record.imported = {
          imported: summary.imported,
          skipped: summary.skipped,
          issues: summary.issues.map((issue) => ({
            ...(issue.id === undefined ? {} : { id: issue.id }),
            kind: issue.kind,
            code: issue.code,
          })),
        };
      break;
    }
    case 'pause':
      for (let tick = 0; tick < spec.ticks; tick++) await env.tick();
      break;
  }
  return record;
}

/** A write operation: `storeEvents`, `appendBatch` or the invalid batch, retried identically after ambiguous failures. */
async function write(
  env: ExecEnv,
  op: ResolvedOp,
  record: OpRecord,
  timed: <T>(method: string, run: () => Promise<T>, deadlineMs?: number) => Promise<T>,
): Promise<void> {
  const spec = op.spec;
  const events = eventsOf(op);
  const ids = events.map((event) => event.id);
  // The expectation is read once: the retries are identical.
  let expectedSequence: number | undefined;
  let versions: ExpectedStreamVersion[] | undefined;
  for (
    let reads = 0;
    reads < MAX_CALLS &&
    ((spec.kind === 'store' && spec.expect && expectedSequence === undefined) || (spec.kind === 'batch' && versions === undefined));
    reads++
  ) {
    try {
      if (spec.kind === 'store')
        expectedSequence = await timed('getStreamSequence', () => env.store.getStreamSequence(DOMAIN, `s${spec.streams[0]}`));
      else if (spec.kind === 'batch')
        versions = await timed('getStreamVersions', () =>
          env.store.getStreamVersions([...new Set(spec.streams)].map((stream) => ({ domain: DOMAIN, identifier: `s${stream}` }))),
        );
    } catch (error) {
      if (!RETRY_CODES.has(codeOf(error))) {
        record.violations.push(`reading the expectation: unexpected ${codeOf(error)}: ${messageOf(error)}`);
        record.outcome = 'refused';
        return;
      }
      await env.tick();
    }
  }
  const method = spec.kind === 'batch' ? 'appendBatch' : 'storeEvents';
  const deadlineMs = op.callDeadlineMs ?? env.deadlineMs;
  for (let calls = 1; calls <= MAX_CALLS; calls++) {
    const batch = eventsOf(op); // fresh copies, as a restarted caller would build them
    try {
      await timed(
        method,
        () => {
          if (spec.kind === 'batch') return env.store.appendBatch(batch, versions!);
          return env.store.storeEvents(batch, {
            ...(expectedSequence === undefined ? {} : { expectedSequence }),
            ...(op.callDeadlineMs === undefined ? {} : { deadlineMs: op.callDeadlineMs }),
          });
        },
        deadlineMs,
      );
      if (spec.kind === 'bad')
        record.violations.push(`an invalid batch (last event's correlationId ${ids.length} of ${ids.length}) was accepted`);
      record.outcome = 'acked';
      return;
    } catch (error) {
      const code = codeOf(error);
      if (spec.kind === 'bad' && (code.startsWith('INPUT/') || code === ErrorCodes.ITEM_TOO_LARGE)) {
        record.outcome = 'refused';
        record.code = code;
        return;
      }
      if ((WRITE_DEFINITE.has(code) || (spec.kind === 'batch' && code === ErrorCodes.BATCH_TOO_LARGE)) && spec.kind !== 'bad') {
        record.outcome = 'refused';
        record.code = code;
        return;
      }
      if (!RETRY_CODES.has(code)) {
        record.violations.push(`${method}: unexpected ${code}: ${messageOf(error)}`);
        record.outcome = 'refused';
        record.code = code;
        return;
      }
      if (AMBIGUOUS_CODES.has(code)) {
        record.unknownOutcomes++;
      } else if (record.unknownOutcomes === 0 && code !== ErrorCodes.RESOURCE_NOT_FOUND) {
        // A definite failure before any unknown outcome claims that nothing of the batch was written.
        const stored = await env.storedIds(ids);
        if (stored.length > 0) {
          record.storedAfterRefusal = stored;
          record.violations.push(
            `${method} failed with ${code} (a refusal: nothing written) but ${stored.length} of its ${ids.length} events are stored: ${stored.slice(0, 3).join(', ')}`,
          );
        }
      }
      await env.tick();
    }
  }
  record.outcome = 'gaveUp';
}

/** `run` (an `init`) repeated while it fails with a code a caller retries, at most `attempts` times; then its error. */
export async function retryInit(run: () => Promise<void>, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !RETRY_CODES.has(codeOf(error))) throw error;
    }
  }
}

/** The code of a typed error, or a marker naming what else was thrown. */
export function codeOf(error: unknown): string {
  if (error instanceof EventStoreAdapterError) return error.code;
  if (error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string')
    return (error as { code: string }).code;
  return `UNTYPED(${error instanceof Error ? error.constructor.name : typeof error})`;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
