/** `describeTable`: a table's status, keys, indexes, billing, streams, size, and the store's layout record. */
import { ErrorCodes, EventStoreAdapterError } from '../src/index.js';
import { decodeLayoutRecord, LAYOUT_RECORD_KEY, type TableMetadata } from '../src/inspection.js';
import { tableReader } from './raw-table.js';
import type { StoreTarget } from './store.js';

/** What `describeTable` reports. */
export interface TableDescriptionReport {
  readonly table: string;
  readonly status: string | undefined;
  /** `ours` (pk/sk), `upstream` (the old adapter's id/created) or `other`. */
  readonly layout: 'ours' | 'upstream' | 'other';
  readonly keySchema: Record<string, string | undefined>;
  readonly indexes: { name: string | undefined; keys: Record<string, string | undefined>; projection: string | undefined }[];
  readonly billingMode: string;
  readonly streamViewType: string | undefined;
  /** DynamoDB's approximate item count and size (updated about every 6 hours on AWS). */
  readonly approximateItems: number | undefined;
  readonly approximateBytes: number | undefined;
  /** Our layout record, when the table is ours and has one. */
  readonly layoutRecord: TableMetadata | undefined;
}

/** Describe `target.tableName` (through the DynamoDB driver). `DRIVER/RESOURCE_NOT_FOUND` when it does not exist. */
export async function describeTable(target: Pick<StoreTarget, 'dynamodbClient' | 'tableName'>): Promise<TableDescriptionReport> {
  const kv = tableReader(target.dynamodbClient);
  const table = await kv.describeTable(target.tableName);
  if (table === undefined)
    throw new EventStoreAdapterError(ErrorCodes.RESOURCE_NOT_FOUND, `Table ${target.tableName} does not exist`, {
      details: { table: target.tableName },
    });
  const { keySchema } = table;
  const layout =
    keySchema.HASH === 'pk' && keySchema.RANGE === 'sk'
      ? 'ours'
      : keySchema.HASH === 'id' && keySchema.RANGE === 'created'
        ? 'upstream'
        : 'other';
  let layoutRecord: TableMetadata | undefined;
  if (layout === 'ours') {
    const { item } = await kv.get(target.tableName, LAYOUT_RECORD_KEY, { consistent: true });
    if (item) layoutRecord = decodeLayoutRecord(target.tableName, item);
  }
  return {
    table: target.tableName,
    status: table.status,
    layout,
    keySchema,
    indexes: table.indexes,
    billingMode: table.billingMode,
    streamViewType: table.streamViewType,
    approximateItems: table.approximateItems,
    approximateBytes: table.approximateBytes,
    layoutRecord,
  };
}

/** Describe the table and make sure it has this package's layout: else `DRIVER/SCHEMA_MISMATCH` (naming the old adapter's table as such). */
export async function requireOurTable(target: Pick<StoreTarget, 'dynamodbClient' | 'tableName'>): Promise<TableDescriptionReport> {
  const description = await describeTable(target);
  if (description.layout !== 'ours') {
    const keys = JSON.stringify(description.keySchema);
    throw new EventStoreAdapterError(
      ErrorCodes.SCHEMA_MISMATCH,
      `Table ${target.tableName} is not an event-store-adapter-dynamodb table (its keys are ${keys})${description.layout === 'upstream' ? ": it is the old adapter's; migrate it with migrate-from-upstream" : ''}`,
      {
        details: {
          table: target.tableName,
          differences: [`key schema ${keys}, expected pk (hash), sk (range)`],
          ...(description.layout === 'upstream' ? { upstream: true } : {}),
        },
      },
    );
  }
  return description;
}
