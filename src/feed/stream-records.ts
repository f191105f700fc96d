/**
 * Decoding DynamoDB Streams records of a store's table (what a Lambda handler's `event.Records` holds, or what
 * `GetRecords` returns): an INSERT or MODIFY record whose new image is an event item resolves to the stored event,
 * its offloaded payload hydrated; records of heads, id guards, causation links, the catalog, snapshots and the layout
 * record, and REMOVE records, resolve to `undefined`. The images are unmarshalled with `@aws-sdk/util-dynamodb`,
 * loaded on first use (the package root loads no AWS SDK module).
 */
import type { StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import type { Item } from '../ports/kv-driver.js';
import { hydrate } from '../read/hydrate.js';
import type { StoreContext } from '../runtime/store-context.js';
import { A, HEAD_SK } from '../layout/table-layout.js';

/** The fields of a DynamoDB Streams record this decoder reads (Lambda's and `GetRecords`' shape). */
export interface DynamoDbStreamRecord {
  /** `INSERT`, `MODIFY` or `REMOVE`. */
  readonly eventName?: string;
  /** The stream's ARN (`arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>`), when present. */
  readonly eventSourceARN?: string;
  readonly dynamodb?: {
    /** The item after the change, as DynamoDB AttributeValues (`{ S: '…' }`, `{ N: '…' }`, …). */
    readonly NewImage?: Record<string, unknown>;
  };
}

/** Prefix of stream partition keys (`s|<domain>|<identifier>`), see table-layout.ts. */
const STREAM_PK_PREFIX = 's|';

/**
 * The stored event a record of this store's table carries, or `undefined` for any other item or a REMOVE.
 * @throws `INPUT/INVALID_ARGUMENT` for a record of another table (by its `eventSourceARN`) or one that is not a
 *   Streams record; `DECODE/*` for an event item that fails to decode or whose blob is missing.
 */
export async function decodeStreamRecord(ctx: StoreContext, record: DynamoDbStreamRecord): Promise<StoredEvent | undefined> {
  const [event] = await decodeRecords(ctx, [record]);
  return event;
}

/** The stored events a batch of records carries (a Lambda handler's `event.Records`), in record order; other records are left out. */
export async function decodeStreamRecords(ctx: StoreContext, records: readonly DynamoDbStreamRecord[]): Promise<StoredEvent[]> {
  if (!Array.isArray(records))
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, 'decodeStreamRecords: records must be an array', {
      details: { field: 'records' },
    });
  return (await decodeRecords(ctx, records)).filter((event): event is StoredEvent => event !== undefined);
}

/**
 * Each record's event (or `undefined`), in record order: the images unmarshalled, the event items hydrated in ONE
 * pass (offloaded payloads read with the store's bounded concurrency, not one record at a time).
 */
async function decodeRecords(ctx: StoreContext, records: readonly DynamoDbStreamRecord[]): Promise<(StoredEvent | undefined)[]> {
  const { unmarshall } = await import('@aws-sdk/util-dynamodb');
  const items = records.map((record) => eventItemOf(ctx, record, unmarshall as (image: Record<string, unknown>) => Item));
  const events = await hydrate(
    ctx,
    items.filter((item): item is Item => item !== undefined),
  );
  let next = 0;
  return items.map((item) => (item === undefined ? undefined : events[next++]));
}

/** The event item a record's new image holds, or undefined (another item kind, a REMOVE). */
function eventItemOf(
  ctx: StoreContext,
  record: DynamoDbStreamRecord,
  unmarshall: (image: Record<string, unknown>) => Item,
): Item | undefined {
  if (typeof record !== 'object' || record === null) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, 'decodeStreamRecord: not a DynamoDB Streams record', {
      details: { field: 'record' },
    });
  }
  const arn = record.eventSourceARN;
  if (typeof arn === 'string' && !arn.includes(`:table/${ctx.options.tableName}/stream/`)) {
    throw new EventStoreAdapterError(
      ErrorCodes.INVALID_ARGUMENT,
      `decodeStreamRecord: the record comes from another table's stream (${arn}), not ${ctx.options.tableName}`,
      { details: { field: 'eventSourceARN', eventSourceARN: arn } },
    );
  }
  const image = record.dynamodb?.NewImage;
  if (record.eventName === 'REMOVE' || image === undefined) return undefined;
  const item = unmarshall(image);
  const pk = item[A.pk];
  const sk = item[A.sk];
  return typeof pk === 'string' && pk.startsWith(STREAM_PK_PREFIX) && typeof sk === 'number' && sk > HEAD_SK ? item : undefined;
}
