/**
 * Deliberately broken event stores ("mutants"), each planting ONE bug in the core or in what it sends to its
 * drivers. They exist to prove the EVENT-STORE contract suite catches real mistakes:
 * `self-test/event-store-mutants.test.ts` runs the named checks against each and requires the planted failure.
 * Never use them for anything else.
 *
 * Two ways of planting:
 * - `wrapKv`: a decorator over a correct KV driver that changes what the core sends (strips the id guard from
 *   every transaction, drops the catalog write, ...). The core is unchanged; the store then behaves exactly as a
 *   core with that bug would.
 * - `module`: a core module whose exports are replaced (vitest module mocking: `vi.doMock(path, ...)` before the
 *   suite and the core are imported afresh). For bugs inside the core's own logic (a comparison, a threshold).
 */
import type * as AppendModule from '../../src/write/append.js';
import type * as BlobKeysModule from '../../src/blobs/blob-keys.js';
import type * as EventCodecModule from '../../src/layout/codecs/event.js';
import type * as OffloadModule from '../../src/blobs/offload.js';
import type {
  ActionFailure,
  KvDriver,
  QueryPage,
  QueryRequest,
  TransactAction,
  TransactResult,
  WriteRequest,
} from '../../src/ports/kv-driver.js';
import type * as ReplayOrderModule from '../../src/read/replay-order.js';
import type * as StoredBatchModule from '../../src/write/stored-batch.js';
import { ForwardingKvDriver } from './forwarding.js';

/** A core module to replace part of, for one mutant. */
export interface ModulePlant {
  /** The module's path from the repository root, as vitest resolves it (e.g. `src/blobs/offload.ts`). */
  readonly path: string;
  /** The replacement exports, given the original module (spread over it). */
  readonly mutate: (original: Record<string, unknown>) => Record<string, unknown>;
}

/** One event-store mutant: exactly one of `wrapKv` and `module` is set. */
export interface EventStoreMutant {
  /** Stable name (used by the self-test and the README). */
  readonly name: string;
  /** The planted bug, for humans. */
  readonly bug: string;
  /** Driver-level plant: wraps the correct KV driver the store runs on. */
  readonly wrapKv?: (kv: KvDriver) => KvDriver;
  /** Core-level plant: the module whose exports are replaced. */
  readonly module?: ModulePlant;
}

function plant<M>(path: string, mutate: (original: M) => Partial<M>): ModulePlant {
  return { path, mutate: (original) => mutate(original as M) as Record<string, unknown> };
}

/** The key attributes of the core's table layout (src/layout/table-layout.ts), as the decorators see them. */
const PK = 'pk';
const SK = 'sk';

/**
 * A KV driver that removes some transaction puts before forwarding (as if the core never built them) and maps
 * the inner result's per-action reasons back to the original positions (`none` for the removed actions).
 */
export class StripsTransactionPutsKvDriver extends ForwardingKvDriver {
  constructor(
    inner: KvDriver,
    private readonly strip: (action: TransactAction) => boolean,
  ) {
    super(inner);
  }
  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const kept = actions.map((action, position) => ({ action, position })).filter(({ action }) => !this.strip(action));
    const result = await this.inner.transactWrite(
      table,
      kept.map(({ action }) => action),
      options,
    );
    if (result.committed) return result;
    const reasons: ActionFailure[] = actions.map(() => ({ kind: 'none' }));
    kept.forEach(({ position }, index) => {
      reasons[position] = result.reasons[index] ?? { kind: 'none' };
    });
    return { ...result, reasons };
  }
}

const isPutTo = (action: TransactAction, test: (pk: string, sk: unknown) => boolean): boolean =>
  action.type === 'put' && typeof action.item[PK] === 'string' && test(action.item[PK], action.item[SK]);

/**
 * Bug (src/write/append-actions.ts): the transaction does not put the events' id guards (`e|<id>`). Duplicate ids across
 * batches and streams are accepted; `getEventById` and replay cursors find nothing.
 */
export class SkipsIdGuardKvDriver extends StripsTransactionPutsKvDriver {
  constructor(inner: KvDriver) {
    super(inner, (action) => isPutTo(action, (pk) => pk.startsWith('e|')));
  }
}

/**
 * Bug (src/write/append-actions.ts): the transaction does not check-and-bump the change feed's shard counters
 * (`log|<shard>`): positions are then allocated from each process's own belief, so two processes give events the
 * same positions and the feed loses or repeats events.
 */
export class SkipsLogCounterKvDriver extends StripsTransactionPutsKvDriver {
  constructor(inner: KvDriver) {
    super(inner, (action) => isPutTo(action, (pk) => pk.startsWith('log|')));
  }
}

/**
 * Bug (src/write/append-actions.ts): the transaction does not put the causation links (`c|<causation id>`), so
 * `findByCausationId` misses the caused events.
 */
export class SkipsCausationLinksKvDriver extends StripsTransactionPutsKvDriver {
  constructor(inner: KvDriver) {
    super(inner, (action) => isPutTo(action, (pk) => pk.startsWith('c|')));
  }
}

/**
 * Bug (src/write/append-actions.ts / append.ts): the stream head's put carries no condition, so the `expectedSequence`
 * check is gone: a write at a wrong expected sequence succeeds (leaving a gap) whenever its slot is free. The
 * events' own `notExists` conditions are kept, so writers without expectations still never overwrite an event.
 */
export class IgnoresExpectedSequenceKvDriver extends ForwardingKvDriver {
  override transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const unguarded = actions.map((action): TransactAction => {
      if (!isPutTo(action, (pk, sk) => pk.startsWith('s|') && sk === 0) || action.type !== 'put') return action;
      return { type: 'put', item: action.item };
    });
    return this.inner.transactWrite(table, unguarded, options);
  }
}

/**
 * Bug (src/write/append.ts `recordBuckets`): the month's catalog entry (`catalog`, bucket) is never written (the batch
 * write reports success), so replay, which reads the catalog first, never visits the month: its events are hidden.
 */
export class SkipsCatalogEntryKvDriver extends ForwardingKvDriver {
  override async batchWrite(table: string, requests: readonly WriteRequest[]): ReturnType<KvDriver['batchWrite']> {
    const kept = requests.filter((request) => !('put' in request && request.put[PK] === 'catalog'));
    if (kept.length === 0) return { unprocessed: [], consumed: { read: 0, write: 0 } };
    return this.inner.batchWrite(table, kept);
  }
}

/**
 * Bug (src/read/replay.ts `openBucket`): the replay cursor's range is `gte` instead of `gt` on the global-order index,
 * so resuming after `startFromId` returns that event again.
 */
export class InclusiveReplayCursorKvDriver extends ForwardingKvDriver {
  override query(table: string, request: QueryRequest): Promise<QueryPage> {
    if (request.index === 'global-order' && request.range?.op === 'gt')
      return this.inner.query(table, { ...request, range: { ...request.range, op: 'gte' } });
    return this.inner.query(table, request);
  }
}

/**
 * Bug (src/read/replay-order.ts `compareUtf8`, as replay and findByCausationId see it): ids compared by UTF-16 code unit, not by code point. The KV
 * driver orders each shard by UTF-8 bytes, so with `bucketShards` > 1 the merge of shards misorders events whose
 * ids differ at a character above U+FFFF vs one in U+E000..U+FFFF (and `findByCausationId`, which sorts with the
 * same function, misorders them at any shard count).
 */
const utf16Order = plant<typeof ReplayOrderModule>('src/read/replay-order.ts', () => ({
  compareUtf8: (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0),
}));

/**
 * Bug (src/blobs/offload.ts `planOffload`): the threshold comparison is off by one: an item of EXACTLY
 * `offloadThresholdBytes` bytes is offloaded (`size >= threshold`; the doc says only an item OVER the threshold
 * offloads). Planted as the original with `thresholdBytes - 1`, which for integer sizes is the same comparison.
 */
const offloadsAtThreshold = plant<typeof OffloadModule>('src/blobs/offload.ts', (original) => ({
  planOffload: (candidates, otherBytes, limits) =>
    original.planOffload(candidates, otherBytes, { ...limits, thresholdBytes: limits.thresholdBytes - 1 }),
}));

/** Bug (src/layout/codecs/event.ts `decodeEventItem`): hydration drops `sequence`, so events read back carry none. */
const dropsSequence = plant<typeof EventCodecModule>('src/layout/codecs/event.ts', (original) => ({
  decodeEventItem: (item) => {
    const decoded = original.decodeEventItem(item);
    const { sequence: _dropped, ...event } = decoded.event;
    return { ...decoded, event: event as typeof decoded.event };
  },
}));

/**
 * Bug (src/blobs/blob-keys.ts `snapshotBlobKey`): a stream's snapshot blob key no longer carries the sequence and the
 * write's stamp, so every save of the stream overwrites ONE blob in place. A concurrent (or failed) save then
 * replaces the state of the stored snapshot: its item says one sequence, its blob holds another's state.
 */
const overwritesSnapshotBlob = plant<typeof BlobKeysModule>('src/blobs/blob-keys.ts', (original) => ({
  snapshotBlobKey: (scope, streamPk) => original.snapshotBlobKey(scope, streamPk, 0, 'latest'),
}));

/**
 * Bug (src/blobs/blob-keys.ts `instanceScope`): the blob scope leaves out the table instance (its generation): every table
 * of one name under one prefix shares it, so a same-named table elsewhere (another region, account or developer)
 * sharing the bucket sweeps or resets this one's payloads.
 */
const scopeWithoutInstance = plant<typeof BlobKeysModule>('src/blobs/blob-keys.ts', (original) => ({
  instanceScope: (blobKeyPrefix, tableName) => original.blobScope(blobKeyPrefix, tableName),
}));

/**
 * Bug (src/write/stored-batch.ts `sameEvent`): the stored-batch identity check ignores the payload, so a batch whose ids
 * are stored with ANOTHER payload counts as an identical retry: it "succeeds" and returns the stored events
 * instead of failing `STORE/DUPLICATE_EVENT_ID`. Planted around `findStoredBatch` (which calls `sameEvent` inside
 * its own module): when the original finds a conflict, it compares again with each payload replaced by the stored one.
 */
const identityIgnoresPayload = plant<typeof StoredBatchModule>('src/write/stored-batch.ts', (original) => ({
  findStoredBatch: async (ctx, events) => {
    const result = await original.findStoredBatch(ctx, events);
    if (result.state !== 'conflicting' || result.eventIds.length !== events.length) return result;
    const { readEventById } = await import('../../src/read/event-lookup.js');
    // The write path's context (no blob delete) serves the read: readEventById uses only its KV and blob reads.
    const stored = await Promise.all(
      events.map((event) => readEventById(ctx as unknown as Parameters<typeof readEventById>[0], event.validated.event.id)),
    );
    return original.findStoredBatch(
      ctx,
      events.map((event, index) => ({ ...event, validated: { ...event.validated, payloadJson: JSON.stringify(stored[index]?.payload) } })),
    );
  },
}));

/**
 * Bug (src/write/append.ts, the write path's clean-up): a write whose outcome is unknown (`STORE/OUTCOME_UNKNOWN`, or the
 * unknown last transaction of a `STORE/PARTIAL_BATCH`) is taken for a failed one and its blobs are deleted. The
 * transaction may have committed (its answer was lost): the stored event then names a deleted blob and reads as
 * `DECODE/MISSING_BLOB` for ever. Planted around `appendEvents`, with the blob driver the store gives the write
 * path at run time (the correct core's write path has no `delete`: see `WriteContext`).
 */
const deletesBlobOnUnknownOutcome = plant<typeof AppendModule>('src/write/append.ts', (original) => ({
  appendEvents: async (ctx, batch, expectedSequence, options) => {
    try {
      return await original.appendEvents(ctx, batch, expectedSequence, options);
    } catch (error) {
      const { code, details } = error as { code?: string; details?: { eventIds?: string[]; outcomeUnknownEventIds?: string[] } };
      const unknown =
        code === 'STORE/OUTCOME_UNKNOWN' ? details?.eventIds : code === 'STORE/PARTIAL_BATCH' ? details?.outcomeUnknownEventIds : undefined;
      const blobs = ctx.blobs as (typeof ctx.blobs & { delete?: (keys: readonly string[]) => Promise<void> }) | undefined;
      const { blobScope } = await import('../../src/blobs/blob-keys.js');
      for (const eventId of unknown ?? []) {
        // Under the table's name, whatever its instance (`<prefix><table>/<generation>/e/<id>/...`).
        const page = await blobs?.list(blobScope(ctx.options.blobKeyPrefix, ctx.options.tableName));
        const keys = (page?.keys ?? []).filter((key) => key.includes(`/e/${encodeURIComponent(eventId)}/`));
        if (keys.length > 0) await blobs?.delete?.(keys);
      }
      throw error;
    }
  },
}));

/** Every event-store mutant, in README order. */
export const eventStoreMutants: readonly EventStoreMutant[] = [
  {
    name: 'inclusive-replay-cursor',
    bug: 'replay resumes with `gte` instead of `gt`: the startFromId event comes again',
    wrapKv: (kv) => new InclusiveReplayCursorKvDriver(kv),
  },
  {
    name: 'ignores-expected-sequence',
    bug: 'the head put has no condition: a wrong expectedSequence succeeds',
    wrapKv: (kv) => new IgnoresExpectedSequenceKvDriver(kv),
  },
  {
    name: 'skips-id-guard',
    bug: 'transactions do not put id guards: duplicate ids accepted, getEventById breaks',
    wrapKv: (kv) => new SkipsIdGuardKvDriver(kv),
  },
  {
    name: 'offloads-at-threshold',
    bug: 'an item of exactly offloadThresholdBytes is offloaded (>= instead of >)',
    module: offloadsAtThreshold,
  },
  {
    name: 'merges-in-utf16-order',
    bug: 'ids compared by UTF-16 code unit: shard merge and causation order wrong above U+FFFF',
    module: utf16Order,
  },
  { name: 'drops-sequence-on-read', bug: 'hydration drops `sequence` from events read back', module: dropsSequence },
  {
    name: 'overwrites-snapshot-blob',
    bug: "one snapshot blob per stream, overwritten in place: an older save tears or deletes the newer snapshot's state",
    module: overwritesSnapshotBlob,
  },
  {
    name: 'skips-catalog-entry',
    bug: "the month's catalog entry is never written: its events are hidden from replay",
    wrapKv: (kv) => new SkipsCatalogEntryKvDriver(kv),
  },
  {
    name: 'identity-ignores-payload',
    bug: 'the stored-batch identity check ignores the payload: same ids with another payload "succeed"',
    module: identityIgnoresPayload,
  },
  {
    name: 'skips-log-counter',
    bug: "transactions do not check-and-bump the change feed's shard counters: two processes allocate the same log positions",
    wrapKv: (kv) => new SkipsLogCounterKvDriver(kv),
  },
  {
    name: 'scope-without-instance',
    bug: 'blob keys are scoped by prefix and table name only: a same-named table sharing the bucket sweeps and resets its payloads',
    module: scopeWithoutInstance,
  },
  {
    name: 'skips-causation-links',
    bug: 'transactions do not put causation links: findByCausationId misses events',
    wrapKv: (kv) => new SkipsCausationLinksKvDriver(kv),
  },
  {
    name: 'deletes-blob-on-unknown-outcome',
    bug: 'a write whose answer was lost is taken for a failed one: its blobs are deleted, the committed event reads as DECODE/MISSING_BLOB',
    module: deletesBlobOnUnknownOutcome,
  },
];
