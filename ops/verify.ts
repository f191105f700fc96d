/**
 * `verifyStore`: check a store's table and blobs for everything the layout promises, read-only:
 * - the layout record exists, decodes and is of this layout version;
 * - every stream's head equals its number of events, and its events are 1..n (gapless); no event without a head;
 * - every event decodes, has its id guard pointing back at it, and its global-order index keys match its
 *   `created`, id and the recorded shard count; every guard and causation link points at its event;
 * - the catalog names every month that holds events;
 * - with a change feed: every event carries its stream's log shard and a position, and each shard's positions
 *   are exactly 1..counter (gapless, none twice: checked by count, highest, sum and sum of squares), and every
 *   consumer item decodes;
 * - every blob reference resolves, and no blob of the store's scope older than the grace period is unreferenced
 *   (orphan: `sweep-orphans` deletes those).
 * Memory: one scan page per segment, a counter per stream, the months, and the set of referenced blob keys.
 */
import {
  catalogKeyOf,
  decodeLayoutRecord,
  eventIdOf,
  eventKeyOf,
  guardKeyOf,
  headKeyOf,
  inspectItem,
  instanceBlobScope,
  itemId,
  itemKind,
  keyOf,
  LAYOUT_RECORD_KEY,
  LAYOUT_VERSION,
  logCounterKeyOf,
  monthLabel,
  pointsAt,
  snapshotKeyOf,
} from '../src/inspection.js';
import { requireOurTable } from './describe.js';
import { report, type ProgressListener } from './progress.js';
import { batchGetAll, scanTable, tableReader, type RawItem } from './raw-table.js';
import { listBlobs, requireBucket, storeBlobs, type StoreTarget } from './store.js';

/** One thing wrong with a store. */
export interface VerifyProblem {
  readonly kind:
    | 'layout-missing'
    | 'layout-mismatch'
    | 'unreadable'
    | 'head-mismatch'
    | 'head-missing'
    | 'guard-missing'
    | 'guard-orphan'
    | 'link-orphan'
    | 'index-key-mismatch'
    | 'catalog-missing'
    | 'log-mismatch'
    | 'snapshot-ahead'
    | 'blob-missing'
    | 'orphan-blob';
  readonly message: string;
  /** The item's key or the blob's key concerned. */
  readonly key?: unknown;
}

/** Options of {@link verifyStore}. */
export interface VerifyOptions extends StoreTarget {
  /** Blobs younger than this are not orphans yet (a write may be between its upload and its commit). Default 1 hour. */
  readonly orphanGraceMs?: number;
  readonly scanSegments?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

/** What `verifyStore` found. */
export interface VerifyReport {
  readonly table: string;
  /** No problem found. */
  readonly ok: boolean;
  /** Items and blobs looked at, by kind. */
  readonly checked: Record<string, number>;
  /** The first 1,000 problems. */
  readonly problems: VerifyProblem[];
  readonly problemCount: number;
  /** Unreferenced blobs younger than the grace period (not problems). */
  readonly youngUnreferencedBlobs: number;
  /** False when no S3 client and bucket were given: blob references were not checked. */
  readonly blobsChecked: boolean;
}

const MAX_PROBLEMS = 1000;

/** Verify the store (see the module comment). */
export async function verifyStore(options: VerifyOptions): Promise<VerifyReport> {
  const kv = tableReader(options.dynamodbClient);
  const table = options.tableName;
  const problems: VerifyProblem[] = [];
  let problemCount = 0;
  const problem = (entry: VerifyProblem) => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push(entry);
  };
  const checked: Record<string, number> = {};
  const count = (kind: string, by = 1) => {
    checked[kind] = (checked[kind] ?? 0) + by;
  };

  await requireOurTable(options);
  await requireBucket(options); // before the scan: a missing bucket is reported at once
  const { item: metadataItem } = await kv.get(table, LAYOUT_RECORD_KEY, { consistent: true });
  let shards = 1;
  let feedShards = 0;
  let generation = '';
  if (!metadataItem)
    problem({
      kind: 'layout-missing',
      message: `table ${table} has no layout record (meta, 0): run init of a store on it`,
      key: LAYOUT_RECORD_KEY,
    });
  else {
    try {
      const metadata = decodeLayoutRecord(table, metadataItem);
      shards = metadata.bucketShards;
      feedShards = metadata.feedShards;
      generation = metadata.generation;
      if (metadata.layoutVersion !== LAYOUT_VERSION)
        problem({
          kind: 'layout-mismatch',
          message: `layout version ${metadata.layoutVersion}, this package reads ${LAYOUT_VERSION}`,
          key: LAYOUT_RECORD_KEY,
        });
    } catch (error) {
      problem({ kind: 'unreadable', message: (error as Error).message, key: LAYOUT_RECORD_KEY });
    }
  }

  const streams = new Map<string, { head: number | undefined; events: number; max: number; snapshot: number | undefined }>();
  const stream = (pk: string) => {
    let entry = streams.get(pk);
    if (!entry) streams.set(pk, (entry = { head: undefined, events: 0, max: 0, snapshot: undefined }));
    return entry;
  };
  // Change feed: per log shard its counter and the positions seen (count, highest, sum, sum of squares).
  const logs = new Map<number, { counter: number | undefined; count: number; max: number; sum: bigint; squares: bigint }>();
  const log = (shard: number) => {
    let entry = logs.get(shard);
    if (!entry) logs.set(shard, (entry = { counter: undefined, count: 0, max: 0, sum: 0n, squares: 0n }));
    return entry;
  };
  const eventMonths = new Set<number>();
  const catalog = new Set<number>();
  const referencedBlobs = new Set<string>();
  let scanned = 0;

  await scanTable(
    kv,
    table,
    async (page) => {
      const events: { item: RawItem; id: string; stream: string; sequence: number }[] = [];
      const guards: { item: RawItem; eventId: string; stream: string; sequence: number }[] = [];
      const links: { item: RawItem; eventId: string; stream: string; sequence: number }[] = [];
      for (const item of page) {
        count(itemKind(item));
        const key = keyOf(item);
        try {
          const found = inspectItem(item, { bucketShards: shards, feedShards });
          if (found.kind === 'event') {
            const entry = stream(found.stream);
            entry.events++;
            entry.max = Math.max(entry.max, found.sequence);
            eventMonths.add(found.bucket);
            if (!found.globalKeysMatch) {
              problem({
                kind: 'index-key-mismatch',
                message: `event ${found.eventId}: its global-order keys do not match its created, id and ${shards} shard(s): replay would misplace or miss it`,
                key,
              });
            }
            if (found.blobKey !== undefined) referencedBlobs.add(found.blobKey);
            if (found.log !== undefined && !found.log.matches) {
              problem({
                kind: 'log-mismatch',
                message: `event ${found.eventId}: its log keys (${String(found.log.indexKey)}, ${String(found.log.position)}) are not its stream's shard ${found.log.shard} and a position: the change feed misses it`,
                key,
              });
            } else if (found.log !== undefined) {
              const position = found.log.position as number;
              const entry = log(found.log.shard);
              entry.count++;
              entry.max = Math.max(entry.max, position);
              entry.sum += BigInt(position);
              entry.squares += BigInt(position) * BigInt(position);
            }
            events.push({ item, id: found.eventId, stream: found.stream, sequence: found.sequence });
          } else if (found.kind === 'head') {
            stream(found.stream).head = found.version;
          } else if (found.kind === 'snapshot') {
            stream(found.stream).snapshot = found.sequence;
            if (found.blobKey !== undefined) referencedBlobs.add(found.blobKey);
          } else if (found.kind === 'guard') {
            guards.push({ item, eventId: found.eventId, stream: found.stream, sequence: found.sequence });
          } else if (found.kind === 'link') {
            links.push({ item, eventId: found.eventId, stream: found.stream, sequence: found.sequence });
          } else if (found.kind === 'catalog') catalog.add(found.bucket);
          else if (found.kind === 'log-counter') {
            if (found.counter === undefined)
              problem({
                kind: 'log-mismatch',
                message: `log counter ${JSON.stringify(key)} is not of a shard of this table's change feed (${feedShards} shards)`,
                key,
              });
            else log(found.shard).counter = found.counter;
          } else if (found.kind === 'unknown')
            problem({ kind: 'unreadable', message: `item ${JSON.stringify(key)} is of no kind this layout writes`, key });
        } catch (error) {
          problem({ kind: 'unreadable', message: `item ${JSON.stringify(key)}: ${(error as Error).message}`, key });
        }
      }
      // Each event's guard points back at it.
      if (events.length > 0) {
        const found = await batchGetAll(
          kv,
          table,
          events.map((event) => guardKeyOf(event.id)),
          { consistent: true },
        );
        const byKey = new Map(found.map((item) => [itemId(item), item]));
        for (const event of events) {
          const guard = byKey.get(itemId(guardKeyOf(event.id)));
          if (!pointsAt(guard, event.stream, event.sequence)) {
            problem({
              kind: 'guard-missing',
              message: `event ${event.id} at ${event.stream}#${event.sequence} has ${guard ? 'a guard pointing elsewhere' : 'no id guard'}: getEventById and cursors miss it`,
              key: guardKeyOf(event.id),
            });
          }
        }
      }
      // Each guard and link points at its event.
      for (const [kind, pointers] of [
        ['guard-orphan', guards],
        ['link-orphan', links],
      ] as const) {
        if (pointers.length === 0) continue;
        const found = await batchGetAll(
          kv,
          table,
          pointers.map((pointer) => eventKeyOf(pointer.stream, pointer.sequence)),
          { consistent: true },
        );
        const byKey = new Map(found.map((item) => [itemId(item), item]));
        for (const pointer of pointers) {
          const event = byKey.get(itemId(eventKeyOf(pointer.stream, pointer.sequence)));
          if (!event || eventIdOf(event) !== pointer.eventId) {
            problem({
              kind,
              message: `${kind === 'guard-orphan' ? 'id guard' : 'causation link'} of event ${pointer.eventId} points at ${pointer.stream}#${pointer.sequence}, which ${event ? 'holds another event' : 'is empty'}`,
              key: keyOf(pointer.item),
            });
          }
        }
      }
      scanned += page.length;
      report(options.onProgress, { phase: 'verify', done: scanned, unit: 'items' });
    },
    {
      consistent: true,
      ...(options.scanSegments ? { segments: options.scanSegments } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );

  count('streams', streams.size);
  for (const [pk, entry] of streams) {
    if (entry.events === 0 && entry.head === undefined) continue; // a snapshot alone
    if (entry.head === undefined)
      problem({
        kind: 'head-missing',
        message: `stream ${pk} holds ${entry.events} events and no head: its next append would reuse sequence 1`,
        key: headKeyOf(pk),
      });
    else if (entry.head !== entry.events || entry.max !== entry.events) {
      problem({
        kind: 'head-mismatch',
        message: `stream ${pk}: head at ${entry.head}, ${entry.events} events, highest sequence ${entry.max} (a gapless stream has all three equal)`,
        key: headKeyOf(pk),
      });
    }
    if (entry.snapshot !== undefined && entry.snapshot > (entry.head ?? 0))
      problem({
        kind: 'snapshot-ahead',
        message: `stream ${pk}: snapshot at sequence ${entry.snapshot}, past its head ${entry.head ?? 0}`,
        key: snapshotKeyOf(pk),
      });
  }
  for (const [shard, entry] of logs) {
    const n = BigInt(entry.count);
    const gapless =
      entry.counter === entry.count &&
      entry.max === entry.count &&
      entry.sum === (n * (n + 1n)) / 2n &&
      entry.squares === (n * (n + 1n) * (2n * n + 1n)) / 6n;
    if (!gapless) {
      problem({
        kind: 'log-mismatch',
        message: `log shard ${shard}: counter at ${entry.counter ?? 'none'}, ${entry.count} events, highest position ${entry.max}: a gapless log has positions exactly 1..counter`,
        key: logCounterKeyOf(shard),
      });
    }
  }
  if (feedShards > 0) count('logShards', logs.size);
  for (const month of eventMonths) {
    if (!catalog.has(month))
      problem({
        kind: 'catalog-missing',
        message: `month ${monthLabel(month)} holds events but is not in the catalog: replay skips them`,
        key: catalogKeyOf(month),
      });
  }

  const blobsChecked = options.s3Client !== undefined && options.bucket !== undefined;
  let youngUnreferencedBlobs = 0;
  if (blobsChecked) {
    // The sweeper's scope: this table instance's blobs. Blobs of the key layout without a generation (or of another
    // instance of this name) are outside it: the sweeper keeps them, so verify does not call them orphans.
    const scope = generation === '' ? undefined : instanceBlobScope(table, generation);
    const existing = new Set<string>();
    const cutoff = Date.now() - (options.orphanGraceMs ?? 3_600_000);
    if (scope !== undefined)
      await listBlobs(options, scope, (objects) => {
        count('blobs', objects.length);
        for (const object of objects) {
          existing.add(object.key);
          if (referencedBlobs.has(object.key)) continue;
          if (object.lastModifiedMs !== undefined && object.lastModifiedMs > cutoff) youngUnreferencedBlobs++;
          else
            problem({
              kind: 'orphan-blob',
              message: `blob ${object.key} (${object.size} bytes) is referenced by no item: sweep-orphans deletes it`,
              key: object.key,
            });
        }
      });
    for (const key of referencedBlobs) {
      if (existing.has(key)) continue;
      // Blobs of the earlier key layout live outside the scope: look them up one by one.
      if ((scope === undefined || !key.startsWith(scope)) && (await objectExists(options, key))) continue;
      problem({ kind: 'blob-missing', message: `blob ${key} is referenced but missing: its event or snapshot cannot be read`, key });
    }
  }
  return { table, ok: problemCount === 0, checked, problems, problemCount, youngUnreferencedBlobs, blobsChecked };
}

/** Whether the store's bucket holds `key`: a one-key listing of it as a prefix (the blob port has no head request). */
async function objectExists(target: StoreTarget, key: string): Promise<boolean> {
  const page = await storeBlobs(target)!.list(key, { limit: 1 });
  return page.keys[0] === key;
}
