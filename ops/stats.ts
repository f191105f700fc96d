/**
 * `storeStats`: what a store's table holds, from one parallel scan (memory: a page per segment, plus a counter
 * per month and shard and the largest items) and a listing of its blobs: events, streams, counts per month and
 * per shard, offloaded events and bytes, the largest items, snapshots, and the estimated monthly cost.
 */
import { itemFacts, keyOf, tableBlobScope, type ItemFacts } from '../src/inspection.js';
import { requireOurTable } from './describe.js';
import { DYNAMODB_ITEM_OVERHEAD_BYTES, estimateMonthlyCost, type CostEstimate } from './pricing.js';
import { report, type ProgressListener } from './progress.js';
import { scanTable, tableReader, type RawItem } from './raw-table.js';
import { listBlobs, requireBucket, type StoreTarget } from './store.js';

/** Options of {@link storeStats}. */
export interface StatsOptions extends StoreTarget {
  /** How many of the largest items to list (default 5). */
  readonly largest?: number;
  /** For the cost estimate: appends per month (default 0). */
  readonly appendsPerMonth?: number;
  /** For the cost estimate: full replays per month (default 0). */
  readonly replaysPerMonth?: number;
  readonly scanSegments?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

/** What a store holds. */
export interface StoreStatsReport {
  readonly table: string;
  readonly events: number;
  /** Streams with a head (every stream that ever held an event). */
  readonly streams: number;
  /** Events per month (`YYYY-MM`), ascending. */
  readonly perMonth: Record<string, number>;
  /** Events per write shard. */
  readonly perShard: Record<string, number>;
  /** Events whose payload (or meta) is in S3. */
  readonly offloadedEvents: number;
  /** Bytes of the store's blobs in S3 (events and snapshots); 0 when `blobsChecked` is false. */
  readonly blobBytes: number;
  /** The store's blobs in S3; 0 when `blobsChecked` is false. */
  readonly blobs: number;
  /** False when no S3 client and bucket were given: the blobs were not listed (`blobs`, `blobBytes` are not counts). */
  readonly blobsChecked: boolean;
  readonly snapshots: number;
  /** Items of every kind. */
  readonly items: Record<string, number>;
  /** Bytes billed for DynamoDB storage: items by AWS's size rules, the global-order index's copies, 100 bytes of overhead each. */
  readonly storageBytes: number;
  /** The largest items: key, kind, size in bytes. */
  readonly largestItems: { pk: string; sk: number; kind: string; bytes: number; eventId?: string }[];
  readonly cost: CostEstimate;
}

/**
 * Scan the store's table and list its blobs (see the module comment). `DRIVER/SCHEMA_MISMATCH` for a table of
 * another layout, `DRIVER/RESOURCE_NOT_FOUND` for a missing table or bucket (checked before the scan).
 */
export async function storeStats(options: StatsOptions): Promise<StoreStatsReport> {
  const perMonth = new Map<string, number>();
  const perShard = new Map<string, number>();
  const items: Record<string, number> = {};
  const largest: StoreStatsReport['largestItems'] = [];
  const keep = options.largest ?? 5;
  let events = 0;
  let streams = 0;
  let offloadedEvents = 0;
  let snapshots = 0;
  let storageBytes = 0;
  let scanned = 0;
  await requireOurTable(options);
  await requireBucket(options); // before the scan: a missing bucket is reported at once
  await scanTable(
    tableReader(options.dynamodbClient),
    options.tableName,
    (page) => {
      for (const item of page) {
        const facts = itemFacts(item);
        const { kind, bytes } = facts;
        items[kind] = (items[kind] ?? 0) + 1;
        storageBytes += bytes + DYNAMODB_ITEM_OVERHEAD_BYTES;
        if (kind === 'event') {
          events++;
          storageBytes += bytes + DYNAMODB_ITEM_OVERHEAD_BYTES; // its copy in the global-order index (projection ALL)
          if (facts.inLogIndex) storageBytes += bytes + DYNAMODB_ITEM_OVERHEAD_BYTES; // and in the change feed's log index
          if (facts.month !== undefined) perMonth.set(facts.month, (perMonth.get(facts.month) ?? 0) + 1);
          if (facts.writeShard !== undefined) perShard.set(String(facts.writeShard), (perShard.get(String(facts.writeShard)) ?? 0) + 1);
          if (facts.offloaded) offloadedEvents++;
        } else if (kind === 'head') streams++;
        else if (kind === 'snapshot') snapshots++;
        considerLargest(largest, keep, item, facts);
      }
      scanned += page.length;
      report(options.onProgress, { phase: 'scan', done: scanned, unit: 'items' });
    },
    { ...(options.scanSegments ? { segments: options.scanSegments } : {}), ...(options.signal ? { signal: options.signal } : {}) },
  );
  let blobBytes = 0;
  let blobs = 0;
  await listBlobs(options, tableBlobScope(options.tableName), (objects) => {
    blobs += objects.length;
    for (const object of objects) blobBytes += object.size;
  });
  const sorted = (map: Map<string, number>, numeric = false) =>
    Object.fromEntries([...map].sort(([a], [b]) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0)));
  return {
    table: options.tableName,
    events,
    streams,
    perMonth: sorted(perMonth),
    perShard: sorted(perShard, true),
    offloadedEvents,
    blobBytes,
    blobs,
    blobsChecked: options.s3Client !== undefined && options.bucket !== undefined,
    snapshots,
    items,
    storageBytes,
    largestItems: largest,
    cost: estimateMonthlyCost({
      storageBytes,
      blobBytes,
      events,
      changeFeed: (items['log-counter'] ?? 0) > 0,
      ...(options.appendsPerMonth ? { appendsPerMonth: options.appendsPerMonth } : {}),
      ...(options.replaysPerMonth ? { replaysPerMonth: options.replaysPerMonth } : {}),
    }),
  };
}

function considerLargest(largest: StoreStatsReport['largestItems'], keep: number, item: RawItem, facts: ItemFacts): void {
  const { kind, bytes } = facts;
  if (keep <= 0 || (largest.length >= keep && largest[largest.length - 1]!.bytes >= bytes)) return;
  const key = keyOf(item);
  const entry = {
    pk: String(key.pk),
    sk: Number(key.sk),
    kind,
    bytes,
    ...(facts.eventId !== undefined ? { eventId: facts.eventId } : {}),
  };
  largest.push(entry);
  largest.sort((a, b) => b.bytes - a.bytes);
  if (largest.length > keep) largest.length = keep;
}
