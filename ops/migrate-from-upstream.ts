/**
 * `migrateFromUpstream`: copy every event of an old-adapter table (`@schemeless/event-store-adapter-dynamodb` up
 * to 5.x, see upstream-table.ts) into one of our stores, exactly once, resumably.
 *
 * 1. Scan the old table (parallel segments) into streams of `(id, created, old sequence)` entries: the only state
 *    held for the whole run (about 100 bytes per event). Ids under two `created` values are set aside as problems.
 * 2. For each stream (a few in parallel), in `created, id` order, in chunks of {@link MIGRATION_CHUNK} events:
 *    fetch the chunk's items and offloaded payloads (memory: one chunk per worker), validate, and append with
 *    `expectedSequence` = the chunk's position. A chunk already stored (a re-run, a crash after its commit) is an
 *    identical batch: the store verifies every field and returns it, nothing is written twice. A chunk the store
 *    refuses as a duplicate is retried event by event, so what differs is reported by id.
 * 3. Verify: every stream's sequence is the number of its migrated events, and the totals add up.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { ErrorCodes, hasCode, type CreatedEvent, type EventStore } from '../src/index.js';
import { report, type ProgressListener } from './progress.js';
import { mapWithConcurrency } from '../src/inspection.js';
import { tableReader, throwIfAborted } from './raw-table.js';
import { checkUpstreamTable, fetchUpstreamEvents, scanUpstreamIndex, type UpstreamStream } from './upstream-table.js';

/**
 * Events per append: 25 events, their 25 id guards, up to 25 causation links and the head make at most 76
 * actions, one transaction (atomic). Fixed: a re-run must cut the streams into the same batches to find them stored.
 */
export const MIGRATION_CHUNK = 25;

/** Problems listed in a summary (all are counted). */
export const MAX_LISTED_PROBLEMS = 10_000;

/** Options of {@link migrateFromUpstream}. */
export interface MigrateOptions {
  /** Client of the DynamoDB holding the old table. */
  readonly dynamodbClient: DynamoDBClient;
  /** Client of the S3 holding the old table's offloaded payloads (its `s3Reference` names the bucket). */
  readonly s3Client?: S3Client;
  /** The old table's full name (e.g. `prod-schemeless-event-store`). */
  readonly sourceTableName: string;
  /** The store to write into (one of ours, e.g. `new EventStoreRepo(dynamodb, s3, { tableNamePrefix: 'v2-', s3BucketName })`). */
  readonly target: EventStore;
  /** Read, decode and check everything, write nothing (the target is not even read: its table may not exist yet). */
  readonly dryRun?: boolean;
  /** Progress of the scan, write and verify phases. */
  readonly onProgress?: ProgressListener;
  /** Stops the migration between batches (`STORE/ABORTED`); a re-run continues where it stopped. */
  readonly signal?: AbortSignal;
  /** Parallel scan segments (default 4). */
  readonly scanSegments?: number;
  /** Streams migrated in parallel (default 4). */
  readonly concurrency?: number;
}

/** Something the old table holds that could not be migrated as it is: always reported, never merged silently. */
export interface MigrationProblem {
  /**
   * - `duplicate-id`: one id under several `created` values (not migrated; `details.createds`);
   * - `unreadable`: an item that does not decode as an old event (not migrated);
   * - `missing-blob`: an offloaded payload whose S3 object is missing (not migrated);
   * - `missing-item`: an item that vanished between the scan and the read (not migrated);
   * - `invalid-event`: the store refuses the event (`details.code`; not migrated);
   * - `payload-dropped`: the old adapter stored no payload (falsy payloads were dropped): migrated as `null`;
   * - `conflicting-event`: the target holds another event under this id, or the stream holds other events at these
   *   positions (the rest of the stream is not migrated);
   * - `verify-mismatch`: after writing, the stream's sequence is not its number of events;
   * - `empty-head`: a head item whose stream holds no event (nothing to migrate).
   */
  readonly kind:
    | 'duplicate-id'
    | 'unreadable'
    | 'missing-blob'
    | 'missing-item'
    | 'invalid-event'
    | 'payload-dropped'
    | 'conflicting-event'
    | 'verify-mismatch'
    | 'empty-head';
  /** Event ids concerned. */
  readonly eventIds: string[];
  /** The stream, when the problem is a stream's. */
  readonly stream?: { readonly domain: string; readonly identifier: string };
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/** A stream whose old `sequence` values were not 1..n in `created, id` order: it is renumbered 1..n. */
export interface RenumberedStream {
  readonly domain: string;
  readonly identifier: string;
  readonly events: number;
  /** Positions (0-based, in `created, id` order) whose old sequence was not position + 1: the first 10. */
  readonly positions: number[];
  /** Positions that differ, in all. */
  readonly differing: number;
  /** The old head's `version`, when it had one. */
  readonly headVersion?: number;
}

/** What a migration did. */
export interface MigrationSummary {
  readonly sourceTable: string;
  readonly targetTable: string;
  readonly dryRun: boolean;
  /** Events in the old table (heads not counted). */
  readonly events: number;
  /** Events written by this run (0 on a dry run). */
  readonly written: number;
  /** Events found already stored, identical (an earlier run). */
  readonly alreadyPresent: number;
  /** Events that would be written (dry run) or were written or found (`written + alreadyPresent`). */
  readonly migrated: number;
  readonly streams: number;
  /** Events whose payload was offloaded to S3 by the old adapter. */
  readonly offloaded: number;
  /** Events created before 2020 (the old replay never read them; migrated all the same). */
  readonly before2020: number;
  readonly renumberedStreams: RenumberedStream[];
  /** The problems, the first {@link MAX_LISTED_PROBLEMS}. */
  readonly problems: MigrationProblem[];
  /** Problems in all, and per kind. */
  readonly problemCount: number;
  readonly problemCounts: Partial<Record<MigrationProblem['kind'], number>>;
  /** True when the end-of-run check found every stream at the sequence of its migrated events and the totals adding up (a dry run: nothing to check, true). Problems are listed separately. */
  readonly verified: boolean;
  readonly durationMs: number;
}

/** Copy the old table's events into `target` (see the module comment). Resolves to the summary; throws on runtime failures (`DRIVER/*`, `STORE/ABORTED`, `OPS/SOURCE_LAYOUT`). */
export async function migrateFromUpstream(options: MigrateOptions): Promise<MigrationSummary> {
  const started = Date.now();
  const { target, signal, onProgress } = options;
  const dryRun = options.dryRun ?? false;
  const kv = tableReader(options.dynamodbClient);
  const { approximateItems } = await checkUpstreamTable(kv, options.sourceTableName);
  // A dry run reads nothing of the target (its table may not exist yet): it only validates with the store's rules.
  if (!dryRun) await target.init();
  const index = await scanUpstreamIndex(kv, options.sourceTableName, {
    ...(options.scanSegments ? { segments: options.scanSegments } : {}),
    ...(signal ? { signal } : {}),
    onItems: (done) =>
      report(onProgress, { phase: 'scan', done, ...(approximateItems > 0 ? { total: approximateItems } : {}), unit: 'items' }),
  });
  const problems: MigrationProblem[] = [];
  const problemCounts: Partial<Record<MigrationProblem['kind'], number>> = {};
  let problemCount = 0;
  // Bounded: a table whose every event has a falsy payload must not hold a problem per event in memory.
  const problem = (entry: MigrationProblem) => {
    problemCount++;
    problemCounts[entry.kind] = (problemCounts[entry.kind] ?? 0) + 1;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(entry);
  };
  for (const duplicate of index.duplicates) {
    problem({
      kind: 'duplicate-id',
      eventIds: [duplicate.id],
      message: `event ${duplicate.id} is stored under ${duplicate.createds.length} created values (${duplicate.createds.join(', ')}): not migrated; keep the right one by hand`,
      details: { createds: duplicate.createds },
    });
  }
  for (const item of index.unreadable)
    problem({ kind: 'unreadable', eventIds: [item.id], message: `item (${item.id}, ${item.created}): ${item.reason}; not migrated` });
  for (const head of index.emptyHeads)
    problem({
      kind: 'empty-head',
      eventIds: [],
      stream: { domain: head.domain, identifier: head.identifier },
      message: `head at version ${head.version} with no event: nothing to migrate`,
    });
  const renumberedStreams = index.streams.flatMap((stream) => renumbering(stream));

  const total = index.streams.reduce((sum, stream) => sum + stream.entries.length, 0);
  let done = 0;
  let written = 0;
  let alreadyPresent = 0;
  let decodedOk = 0;
  const complete = new Map<UpstreamStream, number>();
  report(onProgress, { phase: dryRun ? 'check' : 'write', done, total, unit: 'events' });
  await mapWithConcurrency(index.streams, Math.max(1, options.concurrency ?? 4), async (stream) => {
    const streamRef = { domain: stream.domain, identifier: stream.identifier };
    const present = dryRun ? 0 : await target.getStreamSequence(stream.domain, stream.identifier);
    let position = 0; // events of this stream stored in the target so far (its next expected sequence)
    let stopped = false;
    for (let start = 0; start < stream.entries.length && !stopped; start += MIGRATION_CHUNK) {
      throwIfAborted(signal);
      const entries = stream.entries.slice(start, start + MIGRATION_CHUNK);
      const fetched = await fetchUpstreamEvents(kv, options.s3Client, options.sourceTableName, entries);
      const events: CreatedEvent[] = [];
      for (const result of fetched) {
        if (!result.ok) {
          problem({
            kind: result.kind,
            eventIds: [result.id],
            stream: streamRef,
            message: `event ${result.id}: ${result.reason}; not migrated`,
          });
          continue;
        }
        try {
          target.createEventEntity(result.event);
        } catch (error) {
          problem({
            kind: 'invalid-event',
            eventIds: [result.event.id],
            stream: streamRef,
            message: `event ${result.event.id} is refused by the store: ${(error as Error).message}; not migrated`,
            details: { code: (error as { code?: string }).code },
          });
          continue;
        }
        for (const note of result.notes)
          problem({
            kind: 'payload-dropped',
            eventIds: [result.event.id],
            stream: streamRef,
            message: `event ${result.event.id}: ${note}`,
          });
        events.push(result.event);
      }
      decodedOk += events.length;
      if (dryRun) {
        position += events.length;
      } else if (events.length > 0) {
        const outcome = await appendChunk(target, events, position, signal);
        const stored = outcome.ok ? events.length : outcome.stored;
        // Positions below what the target held before this run were found stored (identical); the rest were written now.
        const found = Math.min(stored, Math.max(0, present - position));
        alreadyPresent += found;
        written += stored - found;
        position += stored;
        if (!outcome.ok) {
          problem({ ...outcome.problem, stream: streamRef });
          stopped = true;
        }
      }
      done += entries.length;
      report(onProgress, { phase: dryRun ? 'check' : 'write', done, total, unit: 'events' });
    }
    complete.set(stream, position);
  });

  let verified = true;
  if (!dryRun) {
    let checked = 0;
    await mapWithConcurrency(index.streams, Math.max(1, options.concurrency ?? 4), async (stream) => {
      throwIfAborted(signal);
      const sequence = await target.getStreamSequence(stream.domain, stream.identifier);
      const expected = complete.get(stream) ?? 0;
      if (sequence !== expected) {
        verified = false;
        problem({
          kind: 'verify-mismatch',
          eventIds: [],
          stream: { domain: stream.domain, identifier: stream.identifier },
          message: `stream ${stream.domain}/${stream.identifier} is at sequence ${sequence} after the migration, expected ${expected}`,
          details: { sequence, expected },
        });
      }
      report(onProgress, { phase: 'verify', done: ++checked, total: index.streams.length, unit: 'streams' });
    });
    if (written + alreadyPresent !== decodedOk && !problemCounts['conflicting-event']) verified = false;
  }
  return {
    sourceTable: options.sourceTableName,
    targetTable: target.options.tableName,
    dryRun,
    events: index.events,
    written,
    alreadyPresent,
    migrated: dryRun ? decodedOk : written + alreadyPresent,
    streams: index.streams.length,
    offloaded: index.offloaded,
    before2020: index.before2020,
    renumberedStreams,
    problems,
    problemCount,
    problemCounts,
    verified,
    durationMs: Date.now() - started,
  };
}

type ChunkOutcome = { ok: true } | { ok: false; stored: number; problem: Omit<MigrationProblem, 'stream'> };

/**
 * Append `events` (one stream, in order) at `position`. Already stored identical: success. A duplicate or a
 * concurrency refusal: event by event, to name the first event that differs; the events before it are kept.
 */
async function appendChunk(
  target: EventStore,
  events: CreatedEvent[],
  position: number,
  signal: AbortSignal | undefined,
): Promise<ChunkOutcome> {
  try {
    await target.appendEvents(events, { expectedSequence: position, ...(signal ? { signal } : {}) });
    return { ok: true };
  } catch (error) {
    if (!hasCode(error, ErrorCodes.DUPLICATE_EVENT_ID) && !hasCode(error, ErrorCodes.CONCURRENCY)) throw error;
  }
  for (const [offset, event] of events.entries()) {
    try {
      await target.appendEvents([event], { expectedSequence: position + offset, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (hasCode(error, ErrorCodes.DUPLICATE_EVENT_ID)) {
        return {
          ok: false,
          stored: offset,
          problem: {
            kind: 'conflicting-event',
            eventIds: [event.id],
            message: `the target already holds another event under id ${event.id}; this stream is migrated up to the event before it`,
            details: { code: error.code },
          },
        };
      }
      if (hasCode(error, ErrorCodes.CONCURRENCY)) {
        return {
          ok: false,
          stored: offset,
          problem: {
            kind: 'conflicting-event',
            eventIds: [event.id],
            message: `the target stream holds other events at sequence ${position + offset + 1} and on (at ${String(error.details.actualSequence)}): it was written by something else; this stream is migrated up to the event before ${event.id}`,
            details: { code: error.code, actualSequence: error.details.actualSequence },
          },
        };
      }
      throw error;
    }
  }
  return { ok: true };
}

function renumbering(stream: UpstreamStream): RenumberedStream[] {
  const positions: number[] = [];
  let differing = 0;
  stream.entries.forEach((entry, position) => {
    if (entry.oldSequence !== position + 1) {
      differing++;
      if (positions.length < 10) positions.push(position);
    }
  });
  const headDiffers = stream.headVersion !== undefined && stream.headVersion !== stream.entries.length;
  if (differing === 0 && !headDiffers) return [];
  return [
    {
      domain: stream.domain,
      identifier: stream.identifier,
      events: stream.entries.length,
      positions,
      differing,
      ...(stream.headVersion === undefined ? {} : { headVersion: stream.headVersion }),
    },
  ];
}
