/** A DynamoDB table's description as plain data, for the operations tools (`describe`, the migration's source check). */
import type { TableDescription } from '@aws-sdk/client-dynamodb';

/** What `DynamoDbKvDriver.describeTable` reports. Key schemas map `HASH` / `RANGE` to attribute names. */
export interface DynamoDbTableReport {
  readonly status: string | undefined;
  readonly keySchema: Record<string, string | undefined>;
  readonly indexes: { name: string | undefined; keys: Record<string, string | undefined>; projection: string | undefined }[];
  /** `PAY_PER_REQUEST` or `PROVISIONED`. */
  readonly billingMode: string;
  /** The stream's view type when DynamoDB Streams is enabled. */
  readonly streamViewType: string | undefined;
  /** DynamoDB's approximate item count and size (updated about every 6 hours on AWS). */
  readonly approximateItems: number | undefined;
  readonly approximateBytes: number | undefined;
}

/** The report of a `DescribeTable` result. */
export function tableReport(table: TableDescription): DynamoDbTableReport {
  return {
    status: table.TableStatus,
    keySchema: Object.fromEntries((table.KeySchema ?? []).map((key) => [key.KeyType ?? '', key.AttributeName])),
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
  };
}
