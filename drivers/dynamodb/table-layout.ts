import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  TableDescription,
} from '@aws-sdk/client-dynamodb';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { IndexSchema, KeyAttribute, KeyType, TableSchema } from '../../src/ports/kv-driver.js';
import type { BillingOptions, StreamViewType } from './options.js';

/**
 * Translation between the port's {@link TableSchema} and DynamoDB's table layout: the `CreateTable` input, the
 * comparison of an existing table's description against the schema, and the schema read back from a description.
 */

/** The `CreateTable` input for `schema`: key schema, attribute definitions, GSIs with their projections, billing. */
export function createTableInput(schema: TableSchema, billing: BillingOptions, streamViewType?: StreamViewType): CreateTableCommandInput {
  const throughput =
    billing.mode === 'PROVISIONED'
      ? { ReadCapacityUnits: billing.readCapacityUnits, WriteCapacityUnits: billing.writeCapacityUnits }
      : undefined;
  const indexes: GlobalSecondaryIndex[] = schema.indexes.map((index) => ({
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: index.projection },
    ...(throughput === undefined ? {} : { ProvisionedThroughput: throughput }),
  }));
  return {
    TableName: schema.name,
    KeySchema: keySchema(schema.partitionKey, schema.sortKey),
    AttributeDefinitions: attributeDefinitions(schema),
    ...(indexes.length === 0 ? {} : { GlobalSecondaryIndexes: indexes }),
    BillingMode: billing.mode,
    ...(throughput === undefined ? {} : { ProvisionedThroughput: throughput }),
    ...(streamViewType === undefined ? {} : { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType } }),
  };
}

/** What differs between the wanted stream (if any) and the table's, one line (empty when it matches or none is wanted). */
export function streamDifferences(streamViewType: StreamViewType | undefined, table: TableDescription): string[] {
  if (streamViewType === undefined) return [];
  const spec = table.StreamSpecification;
  if (!spec?.StreamEnabled) return [`stream: DynamoDB Streams (${streamViewType}) is not enabled on the table`];
  if (spec.StreamViewType !== streamViewType) return [`stream: view type is ${String(spec.StreamViewType)}, expected ${streamViewType}`];
  return [];
}

/**
 * What differs between `schema` and an existing table, one human-readable line per difference (empty when the
 * table matches): table key schema, key attribute types, missing or unexpected GSIs, GSI keys and projections.
 */
export function layoutDifferences(schema: TableSchema, table: TableDescription): string[] {
  const differences: string[] = [];
  const types = new Map((table.AttributeDefinitions ?? []).map((definition) => [definition.AttributeName, definition.AttributeType]));
  compareKeys(`table ${schema.name}`, schema.partitionKey, schema.sortKey, table.KeySchema, types, differences);

  const existing = new Map((table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName ?? '', index]));
  for (const index of schema.indexes) {
    const actual = existing.get(index.name);
    if (actual === undefined) {
      differences.push(`index ${index.name} is missing`);
      continue;
    }
    compareKeys(`index ${index.name}`, index.partitionKey, index.sortKey, actual.KeySchema, types, differences);
    const projection = actual.Projection?.ProjectionType ?? 'unknown';
    if (projection !== index.projection) {
      differences.push(`index ${index.name} projection is ${projection}, expected ${index.projection}`);
    }
  }
  const expected = new Set(schema.indexes.map((index) => index.name));
  for (const name of existing.keys()) {
    if (!expected.has(name)) differences.push(`index ${name} is not expected`);
  }
  for (const index of table.LocalSecondaryIndexes ?? []) {
    differences.push(`local secondary index ${index.IndexName ?? '?'} is not expected`);
  }
  return differences;
}

/** The schema an existing table has (used when the driver meets a table it did not ensure). */
export function schemaFromDescription(table: TableDescription): TableSchema {
  const types = new Map((table.AttributeDefinitions ?? []).map((definition) => [definition.AttributeName, definition.AttributeType]));
  const keys = (elements: readonly KeySchemaElement[] | undefined): { partitionKey: KeyAttribute; sortKey?: KeyAttribute } => {
    const hash = elements?.find((element) => element.KeyType === 'HASH');
    const range = elements?.find((element) => element.KeyType === 'RANGE');
    if (hash?.AttributeName === undefined) {
      throw new EventStoreAdapterError(
        ErrorCodes.BACKEND,
        `DynamoDB table ${table.TableName ?? '?'} has no partition key in its description`,
        {
          details: { driver: 'dynamodb', table: table.TableName },
        },
      );
    }
    const attribute = (name: string): KeyAttribute => ({ name, type: (types.get(name) ?? 'S') as KeyType });
    return {
      partitionKey: attribute(hash.AttributeName),
      ...(range?.AttributeName === undefined ? {} : { sortKey: attribute(range.AttributeName) }),
    };
  };
  const indexes: IndexSchema[] = (table.GlobalSecondaryIndexes ?? []).map((index) => ({
    name: index.IndexName ?? '',
    ...keys(index.KeySchema),
    projection: index.Projection?.ProjectionType === 'ALL' ? 'ALL' : 'KEYS_ONLY',
  }));
  return { name: table.TableName ?? '', ...keys(table.KeySchema), indexes };
}

/** True when the table is ACTIVE and so is every GSI (a GSI being backfilled cannot serve queries yet). */
export function isFullyActive(table: TableDescription): boolean {
  return table.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
}

function keySchema(partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey === undefined ? [] : [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }]),
  ];
}

function attributeDefinitions(schema: TableSchema): AttributeDefinition[] {
  const types = new Map<string, KeyType>();
  const add = (attribute: KeyAttribute | undefined, owner: string): void => {
    if (attribute === undefined) return;
    const known = types.get(attribute.name);
    if (known !== undefined && known !== attribute.type) {
      throw new EventStoreAdapterError(
        ErrorCodes.VALIDATION,
        `Table schema ${schema.name}: attribute ${attribute.name} is ${known} in one key and ${attribute.type} in ${owner}`,
        { details: { driver: 'dynamodb', table: schema.name, attribute: attribute.name } },
      );
    }
    types.set(attribute.name, attribute.type);
  };
  add(schema.partitionKey, 'the table key');
  add(schema.sortKey, 'the table key');
  for (const index of schema.indexes) {
    add(index.partitionKey, `index ${index.name}`);
    add(index.sortKey, `index ${index.name}`);
  }
  return [...types].map(([name, type]) => ({ AttributeName: name, AttributeType: type }));
}

function compareKeys(
  owner: string,
  partitionKey: KeyAttribute,
  sortKey: KeyAttribute | undefined,
  actual: readonly KeySchemaElement[] | undefined,
  types: ReadonlyMap<string | undefined, string | undefined>,
  differences: string[],
): void {
  const compare = (role: 'HASH' | 'RANGE', label: string, expected: KeyAttribute | undefined): void => {
    const element = actual?.find((candidate) => candidate.KeyType === role);
    if (expected === undefined) {
      if (element !== undefined) differences.push(`${owner} has ${label} ${element.AttributeName ?? '?'}, expected none`);
      return;
    }
    if (element === undefined) {
      differences.push(`${owner} has no ${label}, expected ${expected.name} (${expected.type})`);
      return;
    }
    if (element.AttributeName !== expected.name) {
      differences.push(`${owner} ${label} is ${element.AttributeName ?? '?'}, expected ${expected.name}`);
      return;
    }
    const type = types.get(expected.name);
    if (type !== expected.type) {
      differences.push(`${owner} ${label} ${expected.name} has type ${type ?? 'unknown'}, expected ${expected.type}`);
    }
  };
  compare('HASH', 'partition key', partitionKey);
  compare('RANGE', 'sort key', sortKey);
}
