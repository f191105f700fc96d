import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type {
  ConsumedCapacity,
  EnsureTableResult,
  Item,
  ItemKey,
  KvCapabilities,
  KvDriver,
  QueryPage,
  QueryRequest,
  ScanPage,
  ScanRequest,
  TableSchema,
  TransactAction,
  TransactResult,
  WriteRequest,
} from '../../src/ports/kv-driver.js';
import { awsErrorShape, sdkMaxAttempts } from './aws-error-facts.js';
import { watchAttempts } from './attempt-watch.js';
import { DYNAMODB_CAPABILITIES, DYNAMODB_DRIVER_NAME } from './capabilities.js';
import { consumedCapacity, NO_CAPACITY } from './capacity.js';
import { decodeCursor, encodeCursor, type EvaluatedKey } from './cursor-codec.js';
import { mapDynamoDbError } from './error-mapping.js';
import { ExpressionBuilder, keyConditionExpression } from './expressions.js';
import { resolveOptions, type DynamoDbKvDriverOptions, type ResolvedDynamoDbKvDriverOptions } from './options.js';
import { schemaFromDescription } from './table-layout.js';
import { describeTable, dropTable, ensureTable } from './table-lifecycle.js';
import { tableReport, type DynamoDbTableReport } from './table-report.js';
import { cancellationReasons, transactItem } from './transaction.js';

export { DYNAMODB_CAPABILITIES, DYNAMODB_DRIVER_NAME };

/**
 * The {@link KvDriver} for Amazon DynamoDB (and DynamoDB Local), over an injected `DynamoDBClient` that the caller
 * owns (the driver never destroys it). Items go through the document client: `undefined` attributes are dropped,
 * `Uint8Array` is binary, numbers are JS numbers.
 *
 * Each data-plane primitive is ONE SDK call with `ReturnConsumedCapacity: 'TOTAL'`; failures throw
 * `EventStoreAdapterError` with `DRIVER/*` codes (see `mapDynamoDbError`). The SDK's own retries stay on (the
 * caller's client decides them); a failed WRITE (`transactWrite`, `batchWrite`) reports in
 * `details.mayHaveLanded` whether ANY of its attempts may have been applied without a definite answer (a lost or
 * late response, a 5xx), even when the last attempt was a clear refusal such as a throttle: a per-call middleware
 * below the SDK's retry loop classifies every attempt (see `attempt-watch.ts`). Key attribute names for queries and
 * `exists`/`notExists` conditions on puts come from the schema given to `ensureTable`; for a table this driver did
 * not ensure, one `DescribeTable` is made the first time and its result cached.
 */
export class DynamoDbKvDriver implements KvDriver {
  readonly capabilities: KvCapabilities = DYNAMODB_CAPABILITIES;
  private readonly documents: DynamoDBDocumentClient;
  private readonly client: DynamoDBClient;
  private readonly options: ResolvedDynamoDbKvDriverOptions;
  private readonly schemas = new Map<string, TableSchema>();
  /** Tables this driver created whose creation no `ensureTable` has reported yet (that call was abandoned mid-way). */
  private readonly unreported = new Set<string>();
  /** Requests are sent with this abort signal (see {@link withSignal}); undefined on the driver itself. */
  private requestSignal: AbortSignal | undefined;

  /** @throws `INPUT/INVALID_OPTIONS` for out-of-range options. */
  constructor(client: DynamoDBClient, options: DynamoDbKvDriverOptions = {}) {
    this.options = resolveOptions(options);
    this.client = client;
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }

  /**
   * Create or verify the table and wait until ACTIVE (table-lifecycle.ts). `created` is true for the call that
   * reports this driver's creation of the table first: also the call after one that was abandoned (its signal
   * fired) after the table was created, so that the store records it as its own.
   */
  async ensureTable(schema: TableSchema): Promise<EnsureTableResult> {
    const { canCreate } = await ensureTable(this.documents, schema, this.options, {
      signal: this.requestSignal,
      onCreated: () => this.unreported.add(schema.name),
    });
    this.schemas.set(schema.name, schema);
    return { created: this.unreported.delete(schema.name), canCreate };
  }

  /**
   * This driver with every request sent with `signal` as the SDK's `abortSignal` (the connection is released when
   * it fires) and table waits cut short by it. Shares the client, the schema cache and the creation record.
   */
  withSignal(signal: AbortSignal): KvDriver {
    const bound = Object.create(this) as DynamoDbKvDriver;
    bound.requestSignal = signal;
    return bound;
  }

  /** The SDK client's own `maxAttempts` (standard retry mode: 3 unless configured). */
  async clientMaxAttempts(): Promise<number> {
    return sdkMaxAttempts(this.client);
  }

  async dropTable(tableName: string): Promise<void> {
    this.schemas.delete(tableName);
    this.unreported.delete(tableName);
    await dropTable(this.documents, tableName, this.options, this.requestSignal);
  }

  /** The SDK's per-request options: the bound abort signal, if any. */
  private sendOptions(): { abortSignal?: AbortSignal } {
    return this.requestSignal === undefined ? {} : { abortSignal: this.requestSignal };
  }

  async get(
    table: string,
    key: ItemKey,
    options: { readonly consistent?: boolean } = {},
  ): Promise<{ readonly item: Item | undefined; readonly consumed: ConsumedCapacity }> {
    try {
      const output = await this.documents.send(
        new GetCommand({ TableName: table, Key: key, ConsistentRead: options.consistent ?? false, ReturnConsumedCapacity: 'TOTAL' }),
        this.sendOptions(),
      );
      return { item: output.Item as Item | undefined, consumed: consumedCapacity(output.ConsumedCapacity, 'read') };
    } catch (error) {
      throw mapDynamoDbError(error, { operation: 'get', table });
    }
  }

  async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const schema = await this.schemaOf(table);
    const keys = request.index === undefined ? schema : schema.indexes.find((index) => index.name === request.index);
    if (keys === undefined) throw invalid(`table ${table} has no index ${request.index ?? ''}`, table);
    if (request.index !== undefined && request.consistent === true) {
      throw invalid(`index ${request.index} of table ${table} cannot be read consistently (GSIs are eventually consistent)`, table);
    }
    if (request.limit !== undefined && !(Number.isInteger(request.limit) && request.limit >= 1)) {
      throw invalid(`query limit must be an integer >= 1, got ${request.limit}`, table);
    }
    const builder = new ExpressionBuilder();
    const keyCondition = keyConditionExpression(keys.partitionKey.name, request.partition, keys.sortKey?.name, request.range, builder);
    const startKey = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    try {
      const output = await this.documents.send(
        new QueryCommand({
          TableName: table,
          ...(request.index === undefined ? {} : { IndexName: request.index }),
          KeyConditionExpression: keyCondition,
          ...builder.attributes(),
          ScanIndexForward: request.direction !== 'desc',
          ...(request.limit === undefined ? {} : { Limit: request.limit }),
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          ...(request.index === undefined ? { ConsistentRead: request.consistent ?? false } : {}),
          ReturnConsumedCapacity: 'TOTAL',
        }),
        this.sendOptions(),
      );
      return pageOf(output);
    } catch (error) {
      throw mapDynamoDbError(error, { operation: 'query', table });
    }
  }

  async batchGet(
    table: string,
    keys: readonly ItemKey[],
    options: { readonly consistent?: boolean } = {},
  ): Promise<{ readonly items: Item[]; readonly unprocessedKeys: ItemKey[]; readonly consumed: ConsumedCapacity }> {
    // DynamoDB refuses duplicate keys in one request; asking twice for one item is asking once.
    const unique = uniqueKeys(keys);
    if (unique.length === 0) return { items: [], unprocessedKeys: [], consumed: NO_CAPACITY };
    if (unique.length > this.capabilities.maxBatchGetKeys) {
      throw limit(`batchGet of ${unique.length} keys exceeds ${this.capabilities.maxBatchGetKeys}`, table);
    }
    try {
      const output = await this.documents.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: unique, ConsistentRead: options.consistent ?? false } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
        this.sendOptions(),
      );
      return {
        items: (output.Responses?.[table] ?? []) as Item[],
        unprocessedKeys: (output.UnprocessedKeys?.[table]?.Keys ?? []) as ItemKey[],
        consumed: consumedCapacity(output.ConsumedCapacity, 'read'),
      };
    } catch (error) {
      throw mapDynamoDbError(error, { operation: 'batchGet', table });
    }
  }

  async batchWrite(
    table: string,
    requests: readonly WriteRequest[],
  ): Promise<{ readonly unprocessed: WriteRequest[]; readonly consumed: ConsumedCapacity }> {
    if (requests.length === 0) return { unprocessed: [], consumed: NO_CAPACITY };
    if (requests.length > this.capabilities.maxBatchWriteItems) {
      throw limit(`batchWrite of ${requests.length} requests exceeds ${this.capabilities.maxBatchWriteItems}`, table);
    }
    const command = new BatchWriteCommand({
      RequestItems: {
        [table]: requests.map((request) =>
          'put' in request ? { PutRequest: { Item: request.put } } : { DeleteRequest: { Key: request.delete } },
        ),
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    const attempts = watchAttempts(command);
    try {
      const output = await this.documents.send(command, this.sendOptions());
      const unprocessed = (output.UnprocessedItems?.[table] ?? []).flatMap((request): WriteRequest[] => {
        if (request.PutRequest?.Item !== undefined) return [{ put: request.PutRequest.Item as Item }];
        if (request.DeleteRequest?.Key !== undefined) return [{ delete: request.DeleteRequest.Key as ItemKey }];
        return [];
      });
      return { unprocessed, consumed: consumedCapacity(output.ConsumedCapacity, 'write') };
    } catch (error) {
      throw mapDynamoDbError(error, { operation: 'batchWrite', table, mayHaveLanded: attempts.mayHaveLanded(error) });
    }
  }

  async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options: { readonly token?: string } = {},
  ): Promise<TransactResult> {
    if (actions.length === 0) return { committed: true, consumed: NO_CAPACITY };
    if (actions.length > this.capabilities.maxTransactionActions) {
      throw limit(`transaction of ${actions.length} actions exceeds ${this.capabilities.maxTransactionActions}`, table);
    }
    const needsSchema = actions.some((action) => action.type === 'put' && action.condition !== undefined);
    const partitionKey = needsSchema ? (await this.schemaOf(table)).partitionKey.name : undefined;
    const items = actions.map((action) =>
      transactItem(table, action, partitionKey ?? Object.keys('key' in action ? action.key : {})[0] ?? ''),
    );
    const command = new TransactWriteCommand({
      TransactItems: items,
      ReturnConsumedCapacity: 'TOTAL',
      ...(options.token === undefined ? {} : { ClientRequestToken: options.token }),
    });
    const attempts = watchAttempts(command);
    try {
      const output = await this.documents.send(command, this.sendOptions());
      return { committed: true, consumed: consumedCapacity(output.ConsumedCapacity, 'write') };
    } catch (error) {
      const shape = awsErrorShape(error) as { name?: string; CancellationReasons?: Parameters<typeof cancellationReasons>[0] };
      if (shape.name === 'TransactionCanceledException' && shape.CancellationReasons !== undefined) {
        const reasons = cancellationReasons(shape.CancellationReasons);
        if (reasons.length === actions.length) return { committed: false, reasons, consumed: NO_CAPACITY };
      }
      throw mapDynamoDbError(error, { operation: 'transactWrite', table, mayHaveLanded: attempts.mayHaveLanded(error) });
    }
  }

  /**
   * One page of one segment of a parallel scan (`Segment`/`TotalSegments`; see {@link KvDriver.scan}), with
   * `ProjectionExpression` for `attributes`. For the operations tools: the store never scans.
   */
  async scan(table: string, request: ScanRequest): Promise<ScanPage> {
    const { segment, segments } = request;
    if (!(Number.isInteger(segments) && segments >= 1 && Number.isInteger(segment) && segment >= 0 && segment < segments)) {
      throw invalid(`scan segment must be an integer in 0..segments-1 and segments an integer >= 1, got ${segment} of ${segments}`, table);
    }
    if (request.limit !== undefined && !(Number.isInteger(request.limit) && request.limit >= 1)) {
      throw invalid(`scan limit must be an integer >= 1, got ${request.limit}`, table);
    }
    const names = request.attributes?.map((name, index) => [`#a${index}`, name] as const);
    const startKey = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    try {
      const output = await this.documents.send(
        new ScanCommand({
          TableName: table,
          Segment: segment,
          TotalSegments: segments,
          ...(request.limit === undefined ? {} : { Limit: request.limit }),
          ...(names === undefined
            ? {}
            : { ProjectionExpression: names.map(([alias]) => alias).join(', '), ExpressionAttributeNames: Object.fromEntries(names) }),
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          ConsistentRead: request.consistent ?? false,
          ReturnConsumedCapacity: 'TOTAL',
        }),
        this.sendOptions(),
      );
      return pageOf(output);
    } catch (error) {
      throw mapDynamoDbError(error, { operation: 'scan', table });
    }
  }

  /**
   * What DynamoDB says about `table` (`DescribeTable`): status, keys, indexes, billing, streams, approximate size;
   * `undefined` when it does not exist. DynamoDB-specific (not a port method): for the operations tools.
   */
  async describeTable(table: string): Promise<DynamoDbTableReport | undefined> {
    const description = await describeTable(this.documents, table, this.requestSignal);
    return description === undefined ? undefined : tableReport(description);
  }

  /** The schema of `table`: from `ensureTable`, else read once with `DescribeTable` (missing table: `DRIVER/RESOURCE_NOT_FOUND`). */
  private async schemaOf(table: string): Promise<TableSchema> {
    const known = this.schemas.get(table);
    if (known !== undefined) return known;
    const description = await describeTable(this.documents, table, this.requestSignal);
    if (description === undefined) {
      throw new EventStoreAdapterError(ErrorCodes.RESOURCE_NOT_FOUND, `DynamoDB table ${table} does not exist`, {
        details: { driver: DYNAMODB_DRIVER_NAME, table },
      });
    }
    const schema = schemaFromDescription(description);
    this.schemas.set(table, schema);
    return schema;
  }
}

/** A Query or Scan output as a page: its items, the cursor of its `LastEvaluatedKey`, the read capacity it consumed. */
function pageOf(output: {
  Items?: Record<string, unknown>[];
  LastEvaluatedKey?: Record<string, unknown>;
  ConsumedCapacity?: Parameters<typeof consumedCapacity>[0];
}): QueryPage {
  const next = output.LastEvaluatedKey as EvaluatedKey | undefined;
  return {
    items: (output.Items ?? []) as Item[],
    ...(next === undefined ? {} : { cursor: encodeCursor(next) }),
    consumed: consumedCapacity(output.ConsumedCapacity, 'read'),
  };
}

function uniqueKeys(keys: readonly ItemKey[]): ItemKey[] {
  const seen = new Set<string>();
  const result: ItemKey[] = [];
  for (const key of keys) {
    const id = JSON.stringify(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(key);
  }
  return result;
}

function invalid(message: string, table: string): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.VALIDATION, `DynamoDB: ${message}`, { details: { driver: DYNAMODB_DRIVER_NAME, table } });
}

function limit(message: string, table: string): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.LIMIT_EXCEEDED, `DynamoDB: ${message}`, {
    details: { driver: DYNAMODB_DRIVER_NAME, table },
  });
}
