/** `describeTable`: a table's status, keys, indexes, billing, streams, size, and the store's layout record. */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { decodeMetadata, METADATA_KEY, type TableMetadata } from '../src/codecs/metadata.js';
import { ErrorCodes, EventStoreAdapterError } from '../src/errors.js';
import type { Item } from '../src/ports/kv-driver.js';
import { batchGetAll, documentClient } from './raw-table.js';
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

/** Describe `target.tableName`. `DRIVER/RESOURCE_NOT_FOUND` when it does not exist. */
export async function describeTable(target: Pick<StoreTarget, 'dynamodbClient' | 'tableName'>): Promise<TableDescriptionReport> {
  const response = await target.dynamodbClient.send(new DescribeTableCommand({ TableName: target.tableName })).catch((error: unknown) => {
    if ((error as { name?: string }).name === 'ResourceNotFoundException')
      throw new EventStoreAdapterError(ErrorCodes.RESOURCE_NOT_FOUND, `Table ${target.tableName} does not exist`, {
        cause: error,
        details: { table: target.tableName },
      });
    throw error;
  });
  const table = response.Table!;
  const keySchema = Object.fromEntries((table.KeySchema ?? []).map((key) => [key.KeyType ?? '', key.AttributeName]));
  const layout =
    keySchema.HASH === 'pk' && keySchema.RANGE === 'sk'
      ? 'ours'
      : keySchema.HASH === 'id' && keySchema.RANGE === 'created'
        ? 'upstream'
        : 'other';
  let layoutRecord: TableMetadata | undefined;
  if (layout === 'ours') {
    const [item] = await batchGetAll(documentClient(target.dynamodbClient), target.tableName, [METADATA_KEY], { consistent: true });
    if (item) layoutRecord = decodeMetadata(target.tableName, item as Item);
  }
  return {
    table: target.tableName,
    status: table.TableStatus,
    layout,
    keySchema,
    indexes: (table.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      keys: Object.fromEntries((index.KeySchema ?? []).map((key) => [key.KeyType ?? '', key.AttributeName])),
      projection: index.Projection?.ProjectionType,
    })),
    billingMode:
      table.BillingModeSummary?.BillingMode ?? (table.ProvisionedThroughput?.ReadCapacityUnits ? 'PROVISIONED' : 'PAY_PER_REQUEST'),
    streamViewType: table.StreamSpecification?.StreamEnabled ? table.StreamSpecification.StreamViewType : undefined,
    approximateItems: table.ItemCount,
    approximateBytes: table.TableSizeBytes,
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
