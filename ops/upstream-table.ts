/**
 * The old adapter's table (`@schemeless/event-store-adapter-dynamodb` up to 5.x), read and decoded:
 *
 * | item  | `id` (hash)                                   | `created` (range) | other attributes |
 * |-------|-----------------------------------------------|-------------------|------------------|
 * | event | `EventID#<id>`                                | ISO-8601 UTC      | `domain`, `type`, `identifier?`, `payload` (JSON text; absent when offloaded, and when the payload was falsy: the old adapter dropped `0`, `false`, `''`, `null`), `meta?` (a map), `correlationId?`, `causationId?`, `sequence`, `timeBucket` (`YYYY-MM`), `s3Reference?` (`<bucket>::<key>`) |
 * | head  | `EventID#HEAD::<domain>::<identifier>`        | `HEAD`            | `version` |
 *
 * Indexes `timeBucketIndex` (`timeBucket`, `created`) and `causationIndex` (`causationId`, `created`), both
 * KEYS_ONLY. An offloaded event's S3 object is the JSON of the whole event (payload and meta included).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDbKvDriver } from '../drivers/dynamodb/index.js';
import { ErrorCodes, EventStoreAdapterError, hasCode, type CreatedEvent } from '../src/index.js';
import { compareUtf8 } from '../src/inspection.js';
import type { KvDriver } from '../src/ports/kv-driver.js';
import { OpsError, OpsErrorCodes } from './errors.js';
import { batchGetAll, bucketReader, scanTable, type RawItem } from './raw-table.js';

/** Prefix of every `id` in the old table. */
export const UPSTREAM_ID_PREFIX = 'EventID#';
/** Range key value of the old table's head items. */
export const UPSTREAM_HEAD_CREATED = 'HEAD';
/** The old adapter's table name for a prefix (its only naming rule). */
export function upstreamTableName(tableNamePrefix: string): string {
  return `${tableNamePrefix}schemeless-event-store`;
}

/**
 * Check that `table` has the old adapter's key schema (`id` hash, `created` range), through the DynamoDB driver:
 * else `OPS/SOURCE_LAYOUT`; a missing table is `DRIVER/RESOURCE_NOT_FOUND`. Resolves to its approximate item count.
 */
export async function checkUpstreamTable(kv: DynamoDbKvDriver, table: string): Promise<{ approximateItems: number }> {
  const description = await kv.describeTable(table);
  if (description === undefined)
    throw new EventStoreAdapterError(ErrorCodes.RESOURCE_NOT_FOUND, `Source table ${table} does not exist`, { details: { table } });
  const keys = description.keySchema;
  const differences: string[] = [];
  if (keys.HASH !== 'id') differences.push(`hash key is ${String(keys.HASH)}, the old adapter's is id`);
  if (keys.RANGE !== 'created') differences.push(`range key is ${String(keys.RANGE)}, the old adapter's is created`);
  if (differences.length > 0) {
    throw new OpsError(OpsErrorCodes.SOURCE_LAYOUT, `Table ${table} is not an old-adapter table: ${differences.join('; ')}`, {
      details: { table, differences },
    });
  }
  return { approximateItems: description.approximateItems ?? 0 };
}

/** Where one old event is: enough to fetch it, order it and check its stream. */
export interface UpstreamEntry {
  readonly id: string;
  readonly created: string;
  /** The old adapter's `sequence` (NaN when absent). */
  readonly oldSequence: number;
}

/** A stream of the old table, as found by the scan. */
export interface UpstreamStream {
  readonly domain: string;
  /** `''` when the events had none. */
  readonly identifier: string;
  /** Its events in `created, id` order (ids by UTF-8 bytes, the store's order). */
  readonly entries: UpstreamEntry[];
  /** The head item's `version`, when it has one. */
  headVersion: number | undefined;
}

/** An id stored under several `created` values (the old key is `(id, created)`): the old adapter could not keep these apart. */
export interface DuplicateId {
  readonly id: string;
  readonly createds: string[];
}

/** What a scan of the old table found. Memory: one small entry (id, created, sequence) per event. */
export interface UpstreamIndex {
  readonly streams: UpstreamStream[];
  readonly duplicates: DuplicateId[];
  /** Events found (items other than heads), duplicates included. */
  readonly events: number;
  /** Events created before 2020: the old adapter's replay never read them. */
  readonly before2020: number;
  /** Events with an `s3Reference`. */
  readonly offloaded: number;
  /** Items that are neither a head nor a decodable event key (missing domain, odd ids): `{ id, created, reason }`. */
  readonly unreadable: { id: string; created: string; reason: string }[];
  /** Head items whose stream holds no event. */
  readonly emptyHeads: { domain: string; identifier: string; version: number }[];
}

const SCAN_ATTRIBUTES = ['id', 'created', 'domain', 'identifier', 'sequence', 's3Reference', 'version'];

/** A map key of a stream; never split (domains may contain `::`). */
export function streamMapKey(domain: string, identifier: string): string {
  return JSON.stringify([domain, identifier]);
}

/** Scan the old table (parallel segments, keys and a few small attributes only) into streams of ordered entries. */
export async function scanUpstreamIndex(
  kv: KvDriver,
  table: string,
  options: { segments?: number; signal?: AbortSignal; onItems?: (scanned: number) => void } = {},
): Promise<UpstreamIndex> {
  const streams = new Map<string, UpstreamStream>();
  const heads = new Map<string, { domain: string; identifier: string; version: number }>();
  const byId = new Map<string, { created: string; stream: UpstreamStream; entry: UpstreamEntry }>();
  const duplicateCreateds = new Map<string, Set<string>>();
  const unreadable: UpstreamIndex['unreadable'] = [];
  let events = 0;
  let before2020 = 0;
  let offloaded = 0;
  let scanned = 0;
  await scanTable(
    kv,
    table,
    (items) => {
      for (const item of items) {
        const rawId = item.id;
        const created = item.created;
        if (typeof rawId !== 'string' || typeof created !== 'string') {
          unreadable.push({ id: String(rawId), created: String(created), reason: 'id or created is not a string' });
          continue;
        }
        if (created === UPSTREAM_HEAD_CREATED) {
          const head = parseHeadId(rawId);
          if (head)
            heads.set(streamMapKey(head.domain, head.identifier), {
              ...head,
              version: typeof item.version === 'number' ? item.version : 0,
            });
          else unreadable.push({ id: rawId, created, reason: 'a HEAD item whose id is not EventID#HEAD::<domain>::<identifier>' });
          continue;
        }
        events++;
        const domain = item.domain;
        if (!rawId.startsWith(UPSTREAM_ID_PREFIX) || typeof domain !== 'string' || !isIso(created)) {
          unreadable.push({
            id: rawId,
            created,
            reason: !rawId.startsWith(UPSTREAM_ID_PREFIX)
              ? 'id lacks the EventID# prefix'
              : typeof domain !== 'string'
                ? 'no domain'
                : 'created is not an ISO-8601 UTC timestamp',
          });
          continue;
        }
        const id = rawId.slice(UPSTREAM_ID_PREFIX.length);
        const identifier = typeof item.identifier === 'string' ? item.identifier : '';
        if (created < '2020') before2020++;
        if (typeof item.s3Reference === 'string') offloaded++;
        const key = streamMapKey(domain, identifier);
        let stream = streams.get(key);
        if (!stream) {
          stream = { domain, identifier, entries: [], headVersion: undefined };
          streams.set(key, stream);
        }
        const entry: UpstreamEntry = { id, created, oldSequence: typeof item.sequence === 'number' ? item.sequence : Number.NaN };
        const seen = byId.get(id);
        if (seen) {
          const createds = duplicateCreateds.get(id) ?? new Set([seen.created]);
          createds.add(created);
          duplicateCreateds.set(id, createds);
        } else byId.set(id, { created, stream, entry });
        stream.entries.push(entry);
      }
      scanned += items.length;
      options.onItems?.(scanned);
    },
    {
      attributes: SCAN_ATTRIBUTES,
      ...(options.segments ? { segments: options.segments } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  const duplicates = [...duplicateCreateds].map(([id, createds]) => ({ id, createds: [...createds].sort() }));
  const duplicateIds = new Set(duplicates.map((duplicate) => duplicate.id));
  for (const stream of streams.values()) {
    if (duplicateIds.size > 0) {
      const kept = stream.entries.filter((entry) => !duplicateIds.has(entry.id));
      stream.entries.length = 0;
      stream.entries.push(...kept);
    }
    stream.entries.sort(compareEntries);
  }
  const emptyHeads: UpstreamIndex['emptyHeads'] = [];
  for (const [key, head] of heads) {
    const stream = streams.get(key);
    if (stream) stream.headVersion = head.version;
    else emptyHeads.push(head);
  }
  const ordered = [...streams.values()]
    .filter((stream) => stream.entries.length > 0)
    .sort((a, b) => compareUtf8(streamMapKey(a.domain, a.identifier), streamMapKey(b.domain, b.identifier)));
  return { streams: ordered, duplicates, events, before2020, offloaded, unreadable, emptyHeads };
}

/** `created` then id by UTF-8 bytes: the store's global order. */
export function compareEntries(a: { created: string; id: string }, b: { created: string; id: string }): number {
  return a.created < b.created ? -1 : a.created > b.created ? 1 : compareUtf8(a.id, b.id);
}

/** `HEAD::<domain>::<identifier>`: the domain is everything up to the first `::` (the old adapter split on it too). */
function parseHeadId(rawId: string): { domain: string; identifier: string } | undefined {
  const prefix = `${UPSTREAM_ID_PREFIX}HEAD::`;
  if (!rawId.startsWith(prefix)) return undefined;
  const rest = rawId.slice(prefix.length);
  const at = rest.indexOf('::');
  if (at < 0) return undefined;
  return { domain: rest.slice(0, at), identifier: rest.slice(at + 2) };
}

function isIso(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value);
}

/** A decoded old event, or why it cannot be migrated. */
export type UpstreamEvent =
  | { readonly ok: true; readonly event: CreatedEvent; readonly offloaded: boolean; readonly notes: readonly string[] }
  | { readonly ok: false; readonly id: string; readonly kind: 'missing-item' | 'missing-blob' | 'unreadable'; readonly reason: string };

/**
 * Fetch the full items of `entries` (strongly consistent batch-gets) and their offloaded bodies from S3, decoded
 * into events in the entries' order. An event whose falsy payload the old adapter dropped comes back with payload
 * `null` and a note.
 */
export async function fetchUpstreamEvents(
  kv: KvDriver,
  s3: S3Client | undefined,
  table: string,
  entries: readonly UpstreamEntry[],
): Promise<UpstreamEvent[]> {
  const items = await batchGetAll(
    kv,
    table,
    entries.map((entry) => ({ id: UPSTREAM_ID_PREFIX + entry.id, created: entry.created })),
    { consistent: true },
  );
  const byKey = new Map(items.map((item) => [`${String(item.id)}\n${String(item.created)}`, item]));
  return Promise.all(
    entries.map(async (entry): Promise<UpstreamEvent> => {
      const item = byKey.get(`${UPSTREAM_ID_PREFIX}${entry.id}\n${entry.created}`);
      if (!item) return { ok: false, id: entry.id, kind: 'missing-item', reason: 'the item vanished between the scan and the read' };
      return decodeUpstreamItem(entry.id, item, s3);
    }),
  );
}

/** Decode one old event item (its S3 body fetched when it has an `s3Reference`). */
export async function decodeUpstreamItem(id: string, item: RawItem, s3: S3Client | undefined): Promise<UpstreamEvent> {
  const notes: string[] = [];
  let payload: unknown;
  let meta: unknown = item.meta;
  const reference = item.s3Reference;
  if (typeof reference === 'string') {
    const at = reference.indexOf('::');
    if (at < 0) return { ok: false, id, kind: 'unreadable', reason: `s3Reference ${reference} is not <bucket>::<key>` };
    if (!s3) return { ok: false, id, kind: 'missing-blob', reason: `offloaded to ${reference}, and no S3 client was given` };
    const body = await readObject(s3, reference.slice(0, at), reference.slice(at + 2));
    if (body === undefined) return { ok: false, id, kind: 'missing-blob', reason: `its S3 object ${reference} is missing` };
    let parsed: RawItem;
    try {
      parsed = JSON.parse(body) as RawItem;
    } catch {
      return { ok: false, id, kind: 'unreadable', reason: `its S3 object ${reference} is not JSON` };
    }
    payload = parsed.payload ?? null;
    if (parsed.meta !== undefined) meta = parsed.meta;
  } else if (typeof item.payload === 'string') {
    try {
      payload = JSON.parse(item.payload);
    } catch {
      return { ok: false, id, kind: 'unreadable', reason: 'payload is not JSON text' };
    }
  } else if (item.payload === undefined) {
    payload = null;
    notes.push('no payload stored (the old adapter dropped falsy payloads: 0, false, "", null): migrated as null');
  } else payload = item.payload;
  if (typeof item.type !== 'string' || typeof item.domain !== 'string')
    return { ok: false, id, kind: 'unreadable', reason: 'type or domain is not a string' };
  const event: CreatedEvent = { id, domain: item.domain, type: item.type, payload, created: new Date(String(item.created)) };
  if (meta !== undefined && meta !== null) event.meta = meta as CreatedEvent['meta'];
  if (typeof item.identifier === 'string') event.identifier = item.identifier;
  if (typeof item.correlationId === 'string') event.correlationId = item.correlationId;
  if (typeof item.causationId === 'string') event.causationId = item.causationId;
  return { ok: true, event, offloaded: typeof reference === 'string', notes };
}

/** The text of `key` in `bucket` through the S3 driver; undefined when the object (or its bucket) is missing. */
async function readObject(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const body = await bucketReader(s3, bucket).get(key);
    return body === undefined ? undefined : new TextDecoder().decode(body);
  } catch (error) {
    if (hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) return undefined; // the bucket named by the reference is gone
    throw error;
  }
}
