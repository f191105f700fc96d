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
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { instanceScope } from '../src/blob-keys.js';
import { decodeCatalogEntry } from '../src/codecs/catalog.js';
import { decodeEventItem, eventKey, keyId } from '../src/codecs/event.js';
import { decodeGuard, guardKey } from '../src/codecs/guard.js';
import { decodeLink } from '../src/codecs/link.js';
import { decodeMetadata, METADATA_KEY } from '../src/codecs/metadata.js';
import { decodeSnapshot } from '../src/codecs/snapshot.js';
import { decodeConsumer } from '../src/codecs/consumer.js';
import { decodeLogCounter, logShardOf } from '../src/codecs/log-counter.js';
import type { Item } from '../src/ports/kv-driver.js';
import { A, globalSk, LAYOUT_VERSION, logPk } from '../src/table-layout.js';
import { bucketLabel, bucketOfIso, bucketShardPk, shardOf } from '../src/time-buckets.js';
import { requireOurTable } from './describe.js';
import { itemKind } from './our-table.js';
import { report, type ProgressListener } from './progress.js';
import { batchGetAll, documentClient, scanTable, type RawItem } from './raw-table.js';
import { listBlobs, requireBucket, type StoreTarget } from './store.js';

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
  const documents = documentClient(options.dynamodbClient);
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
  const [metadataItem] = await batchGetAll(documents, table, [METADATA_KEY], { consistent: true });
  let shards = 1;
  let feedShards = 0;
  let generation = '';
  if (!metadataItem)
    problem({
      kind: 'layout-missing',
      message: `table ${table} has no layout record (meta, 0): run init of a store on it`,
      key: METADATA_KEY,
    });
  else {
    try {
      const metadata = decodeMetadata(table, metadataItem as Item);
      shards = metadata.bucketShards;
      feedShards = metadata.feedShards;
      generation = metadata.generation;
      if (metadata.layoutVersion !== LAYOUT_VERSION)
        problem({
          kind: 'layout-mismatch',
          message: `layout version ${metadata.layoutVersion}, this package reads ${LAYOUT_VERSION}`,
          key: METADATA_KEY,
        });
    } catch (error) {
      problem({ kind: 'unreadable', message: (error as Error).message, key: METADATA_KEY });
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
    documents,
    table,
    async (page) => {
      const events: { item: RawItem; id: string }[] = [];
      const guards: { item: RawItem; eventId: string; stream: string; sequence: number }[] = [];
      const links: { item: RawItem; eventId: string; stream: string; sequence: number }[] = [];
      for (const item of page) {
        const kind = itemKind(item);
        count(kind);
        const key = { pk: item[A.pk], sk: item[A.sk] };
        try {
          if (kind === 'event') {
            const decoded = decodeEventItem(item as Item);
            const pk = item[A.pk] as string;
            const entry = stream(pk);
            entry.events++;
            entry.max = Math.max(entry.max, decoded.event.sequence);
            const createdIso = item[A.created] as string;
            const bucket = bucketOfIso(createdIso);
            eventMonths.add(bucket);
            if (
              item[A.globalPk] !== bucketShardPk(bucket, shardOf(decoded.event.id, shards)) ||
              item[A.globalSk] !== globalSk(createdIso, decoded.event.id)
            ) {
              problem({
                kind: 'index-key-mismatch',
                message: `event ${decoded.event.id}: its global-order keys do not match its created, id and ${shards} shard(s): replay would misplace or miss it`,
                key,
              });
            }
            if (decoded.blob) referencedBlobs.add(decoded.blob.key);
            if (feedShards > 0) {
              const shard = logShardOf(pk, feedShards);
              const position = item[A.logSk];
              if (item[A.logPk] !== logPk(shard) || typeof position !== 'number' || !Number.isInteger(position) || position < 1) {
                problem({
                  kind: 'log-mismatch',
                  message: `event ${decoded.event.id}: its log keys (${String(item[A.logPk])}, ${String(position)}) are not its stream's shard ${shard} and a position: the change feed misses it`,
                  key,
                });
              } else {
                const entry = log(shard);
                entry.count++;
                entry.max = Math.max(entry.max, position);
                entry.sum += BigInt(position);
                entry.squares += BigInt(position) * BigInt(position);
              }
            }
            events.push({ item, id: decoded.event.id });
          } else if (kind === 'head') {
            stream(item[A.pk] as string).head = typeof item[A.version] === 'number' ? (item[A.version] as number) : Number.NaN;
          } else if (kind === 'snapshot') {
            const snapshot = decodeSnapshot(item as Item);
            stream(item[A.pk] as string).snapshot = snapshot.sequence;
            if (snapshot.blobKey !== undefined) referencedBlobs.add(snapshot.blobKey);
          } else if (kind === 'guard') {
            const eventId = typeof item[A.id] === 'string' ? (item[A.id] as string) : decodeURIComponentSafe(String(item[A.pk]).slice(2));
            const guard = decodeGuard(eventId, item as Item);
            guards.push({ item, eventId, stream: guard.stream, sequence: guard.sequence });
          } else if (kind === 'link') {
            const link = decodeLink(item as Item);
            if (!link) throw new Error(`causation link ${JSON.stringify(key)} does not decode`);
            links.push({ item, eventId: link.eventId, stream: link.stream, sequence: link.sequence });
          } else if (kind === 'catalog') catalog.add(decodeCatalogEntry(item as Item));
          else if (kind === 'log-counter') {
            const shard = Number(String(item[A.pk]).slice('log|'.length));
            if (!Number.isInteger(shard) || shard < 0 || shard >= Math.max(feedShards, 1) || feedShards === 0)
              problem({
                kind: 'log-mismatch',
                message: `log counter ${JSON.stringify(key)} is not of a shard of this table's change feed (${feedShards} shards)`,
                key,
              });
            else log(shard).counter = decodeLogCounter(shard, item as Item);
          } else if (kind === 'consumer') decodeConsumer(String(item[A.pk]), item as Item);
          else if (kind === 'unknown')
            problem({ kind: 'unreadable', message: `item ${JSON.stringify(key)} is of no kind this layout writes`, key });
        } catch (error) {
          problem({ kind: 'unreadable', message: `item ${JSON.stringify(key)}: ${(error as Error).message}`, key });
        }
      }
      // Each event's guard points back at it.
      if (events.length > 0) {
        const found = await batchGetAll(
          documents,
          table,
          events.map((event) => guardKey(event.id)),
          { consistent: true },
        );
        const byKey = new Map(found.map((item) => [keyId(item), item]));
        for (const event of events) {
          const guard = byKey.get(keyId(guardKey(event.id)));
          if (!guard || guard[A.stream] !== event.item[A.pk] || guard[A.sequence] !== event.item[A.sk]) {
            problem({
              kind: 'guard-missing',
              message: `event ${event.id} at ${String(event.item[A.pk])}#${String(event.item[A.sk])} has ${guard ? 'a guard pointing elsewhere' : 'no id guard'}: getEventById and cursors miss it`,
              key: guardKey(event.id),
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
          documents,
          table,
          pointers.map((pointer) => eventKey(pointer.stream, pointer.sequence)),
          { consistent: true },
        );
        const byKey = new Map(found.map((item) => [keyId(item), item]));
        for (const pointer of pointers) {
          const event = byKey.get(keyId(eventKey(pointer.stream, pointer.sequence)));
          if (!event || event[A.id] !== pointer.eventId) {
            problem({
              kind,
              message: `${kind === 'guard-orphan' ? 'id guard' : 'causation link'} of event ${pointer.eventId} points at ${pointer.stream}#${pointer.sequence}, which ${event ? 'holds another event' : 'is empty'}`,
              key: { pk: pointer.item[A.pk], sk: pointer.item[A.sk] },
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
        key: { pk, sk: 0 },
      });
    else if (entry.head !== entry.events || entry.max !== entry.events) {
      problem({
        kind: 'head-mismatch',
        message: `stream ${pk}: head at ${entry.head}, ${entry.events} events, highest sequence ${entry.max} (a gapless stream has all three equal)`,
        key: { pk, sk: 0 },
      });
    }
    if (entry.snapshot !== undefined && entry.snapshot > (entry.head ?? 0))
      problem({
        kind: 'snapshot-ahead',
        message: `stream ${pk}: snapshot at sequence ${entry.snapshot}, past its head ${entry.head ?? 0}`,
        key: { pk, sk: -1 },
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
        key: { pk: logPk(shard), sk: 0 },
      });
    }
  }
  if (feedShards > 0) count('logShards', logs.size);
  for (const month of eventMonths) {
    if (!catalog.has(month))
      problem({
        kind: 'catalog-missing',
        message: `month ${bucketLabel(month)} holds events but is not in the catalog: replay skips them`,
        key: { pk: 'catalog', sk: month },
      });
  }

  const blobsChecked = options.s3Client !== undefined && options.bucket !== undefined;
  let youngUnreferencedBlobs = 0;
  if (blobsChecked) {
    // The sweeper's scope: this table instance's blobs. Blobs of the key layout without a generation (or of another
    // instance of this name) are outside it: the sweeper keeps them, so verify does not call them orphans.
    const scope = generation === '' ? undefined : instanceScope('', table, generation);
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

async function objectExists(target: StoreTarget, key: string): Promise<boolean> {
  try {
    await target.s3Client!.send(new HeadObjectCommand({ Bucket: target.bucket!, Key: (target.s3KeyPrefix ?? 'events/') + key }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

function decodeURIComponentSafe(text: string): string {
  return text.replace(/%7C/g, '|').replace(/%25/g, '%');
}
