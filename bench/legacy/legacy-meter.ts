/**
 * Metering of the OLD adapter, which has no `stats()`: two middlewares on the DynamoDB client the bench passes it.
 *
 * - Requests: every data-plane command it sends (GetItem, Query, BatchGetItem, BatchWriteItem, TransactWriteItems,
 *   PutItem/UpdateItem/DeleteItem), counted once per SDK command (SDK retries below that are not counted; DynamoDB
 *   Local never throttles), failed ones included, as our adapter's meter counts driver calls.
 * - Reported capacity: the `initialize` middleware adds `ReturnConsumedCapacity: 'TOTAL'` to those commands (our
 *   adapter asks for it too) and the `build` middleware sums what DynamoDB Local returns.
 * - Capacity by AWS's rules: DynamoDB Local misreports transactions (see the report notes), and every write of the
 *   old adapter is a transaction. So each successful command is also recorded (input as sent, marshalled) and, after
 *   the timed section (`settle()`), REPLAYED on a shadow in-memory twin (`MemoryKvDriver`) that has the same table
 *   schema as the real table (read back with DescribeTable: key schema, both GSIs, KEYS_ONLY projections). The
 *   twin's meter then prices it by exactly the rules that price our adapter in the "AWS rules" columns (2x per item
 *   in a transaction, GSI entry writes, 1 KB / 4 KB rounding, half for eventually consistent reads). The replay
 *   happens outside the timed section, so it costs the old adapter no time; recording is a push onto an array.
 */
import {
  DescribeTableCommand,
  type ConsumedCapacity as AwsConsumedCapacity,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { MemoryKvDriver } from '../../drivers/memory/index.js';
import type { Item, ItemKey, OperationType, StoreStats, TableSchema, TransactAction } from '../../src/index.js';
import { emptyStats, OPERATION_TYPES } from '../../src/runtime/metering.js';

/** DynamoDB commands (SDK command names) and the operation type they are reported under. */
const DATA_COMMANDS: Readonly<Record<string, OperationType>> = {
  GetItemCommand: 'get',
  QueryCommand: 'query',
  BatchGetItemCommand: 'batchGet',
  BatchWriteItemCommand: 'batchWrite',
  TransactWriteItemsCommand: 'transactWrite',
  PutItemCommand: 'batchWrite',
  UpdateItemCommand: 'batchWrite',
  DeleteItemCommand: 'batchWrite',
};
/** S3 commands and their operation type. */
const S3_COMMANDS: Readonly<Record<string, OperationType>> = {
  PutObjectCommand: 'blobPut',
  CreateMultipartUploadCommand: 'blobPut',
  UploadPartCommand: 'blobPut',
  CompleteMultipartUploadCommand: 'blobPut',
  GetObjectCommand: 'blobGet',
  DeleteObjectCommand: 'blobDelete',
  DeleteObjectsCommand: 'blobDelete',
  ListObjectsV2Command: 'blobList',
};
const READ_OPERATIONS: ReadonlySet<OperationType> = new Set(['get', 'query', 'batchGet']);

// biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware arguments are untyped here
type Input = Record<string, any>;

/** One recorded successful command, replayed on the shadow twin later. */
interface Recorded {
  readonly command: string;
  readonly input: Input;
  /** Query only: the page's `LastEvaluatedKey` (normalised) and item count, to keep the twin's pages in step. */
  readonly lastEvaluatedKey?: string;
  readonly count?: number;
}

/** Per-table meter: requests, reported capacity, recorded commands and the shadow twin. */
export class LegacyTableMeter {
  private requests = emptyStats();
  private reported = emptyStats();
  private rules = emptyStats();
  private pending: Recorded[] = [];
  private readonly shadow = new MemoryKvDriver();
  /** Real `LastEvaluatedKey` (normalised) -> the twin's cursor for the same page boundary (`null`: twin exhausted). */
  private readonly cursors = new Map<string, string | null>();
  private ready: Promise<void> | undefined;

  constructor(
    readonly tableName: string,
    readonly bucket: string,
  ) {}

  /** Create the shadow table from the real table's description (call after the old adapter's `init()`). */
  async prepare(dynamo: DynamoDBClient): Promise<void> {
    this.ready ??= (async () => {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: this.tableName }));
      if (!Table) throw new Error(`DescribeTable ${this.tableName}: no table`);
      await this.shadow.ensureTable(schemaOf(Table));
    })();
    await this.ready;
  }

  /** Middleware hook: a DynamoDB data command finished (`output` undefined when it threw). */
  recordDynamo(command: string, input: Input, output: Input | undefined): void {
    const operation = DATA_COMMANDS[command]!;
    this.requests[operation].requests += 1;
    if (!output) return;
    for (const consumed of asArray(output.ConsumedCapacity as AwsConsumedCapacity | AwsConsumedCapacity[] | undefined)) {
      if (READ_OPERATIONS.has(operation)) this.reported[operation].readUnits += consumed.ReadCapacityUnits ?? consumed.CapacityUnits ?? 0;
      else this.reported[operation].writeUnits += consumed.WriteCapacityUnits ?? consumed.CapacityUnits ?? 0;
    }
    if (command === 'QueryCommand') {
      this.pending.push({
        command,
        input,
        count: Number(output.Count ?? 0),
        ...(output.LastEvaluatedKey ? { lastEvaluatedKey: keyId(output.LastEvaluatedKey) } : {}),
      });
    } else {
      this.pending.push({ command, input });
    }
  }

  /** Middleware hook: an S3 command on this store's bucket. */
  recordS3(command: string): void {
    const operation = S3_COMMANDS[command];
    if (operation) this.requests[operation].requests += 1;
  }

  /** Replay every recorded command on the shadow twin (in completion order), pricing it by AWS's rules. */
  async settle(): Promise<void> {
    await this.ready;
    const batch = this.pending;
    this.pending = [];
    for (const recorded of batch) await this.replay(recorded);
  }

  /** Zero the figures. `settle()` first, or commands recorded before would be priced into the new figures. */
  reset(): void {
    this.requests = emptyStats();
    this.reported = emptyStats();
    this.rules = emptyStats();
  }

  /** Requests as counted, capacity by AWS's rules (the shadow twin). Call `settle()` first. */
  stats(): StoreStats {
    return combine(this.requests, this.rules);
  }

  /** Requests as counted, capacity as DynamoDB Local reported it. */
  reportedStats(): StoreStats {
    return combine(this.requests, this.reported);
  }

  private async replay({ command, input, lastEvaluatedKey, count }: Recorded): Promise<void> {
    const table = this.tableName;
    switch (command) {
      case 'GetItemCommand': {
        const { consumed } = await this.shadow.get(table, plain(input.Key) as ItemKey, { consistent: input.ConsistentRead === true });
        this.rules.get.readUnits += consumed.read;
        return;
      }
      case 'BatchGetItemCommand': {
        const request = input.RequestItems?.[table];
        if (!request) throw new Error('legacy meter: BatchGetItem on another table');
        const { consumed } = await this.shadow.batchGet(
          table,
          (request.Keys as Input[]).map((key) => plain(key) as ItemKey),
          { consistent: request.ConsistentRead === true },
        );
        this.rules.batchGet.readUnits += consumed.read;
        return;
      }
      case 'QueryCommand': {
        const start = input.ExclusiveStartKey ? this.cursors.get(keyId(input.ExclusiveStartKey)) : undefined;
        if (input.ExclusiveStartKey && start === undefined)
          throw new Error('legacy meter: a Query continues a page the shadow twin never saw');
        const consistent = input.ConsistentRead === true;
        if (start === null) {
          // The twin ended the previous page without a cursor where DynamoDB returned a LastEvaluatedKey (a page
          // exactly at the limit): the real follow-up reads an empty page, priced like any empty read.
          this.rules.query.readUnits += consistent ? 1 : 0.5;
          return;
        }
        const page = await this.shadow.query(table, {
          ...(input.IndexName ? { index: input.IndexName as string } : {}),
          partition: partitionOf(input),
          direction: input.ScanIndexForward === false ? 'desc' : 'asc',
          ...(input.Limit ? { limit: Number(input.Limit) } : {}),
          ...(start ? { cursor: start } : {}),
          consistent,
        });
        if (page.items.length !== count)
          throw new Error(`legacy meter: shadow twin page has ${page.items.length} items, DynamoDB Local returned ${count}`);
        if (lastEvaluatedKey) this.cursors.set(lastEvaluatedKey, page.cursor ?? null);
        this.rules.query.readUnits += page.consumed.read;
        return;
      }
      case 'TransactWriteItemsCommand': {
        const actions = (input.TransactItems as Input[]).map((entry) => transactAction(entry, table));
        const result = await this.shadow.transactWrite(table, actions);
        if (!result.committed)
          throw new Error(
            `legacy meter: the shadow twin cancelled a transaction DynamoDB Local committed: ${JSON.stringify(result.reasons)}`,
          );
        this.rules.transactWrite.writeUnits += result.consumed.write;
        this.rules.transactWrite.readUnits += result.consumed.read;
        return;
      }
      default:
        // BatchWriteItem / single-item writes: the old adapter never sends them.
        throw new Error(`legacy meter: no replay for ${command}`);
    }
  }
}

/**
 * Attach the metering middlewares to the clients the old adapter gets; `meterFor(table or bucket)` finds the
 * store's meter (absent: not metered, e.g. a table being deleted).
 */
export function instrumentClients(dynamo: DynamoDBClient, s3: S3Client, meterFor: (name: string) => LegacyTableMeter | undefined): void {
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Input;
      if (DATA_COMMANDS[context.commandName ?? ''] && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
      return next(args);
    },
    { step: 'initialize', name: 'legacyBenchConsumedCapacity' },
  );
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!DATA_COMMANDS[command]) return next(args);
      const input = args.input as Input;
      const meter = meterFor(tableOf(input));
      try {
        const result = await next(args);
        meter?.recordDynamo(command, input, result.output as Input);
        return result;
      } catch (error) {
        meter?.recordDynamo(command, input, undefined);
        throw error;
      }
    },
    { step: 'build', name: 'legacyBenchMeter' },
  );
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const bucket = (args.input as Input).Bucket;
      if (typeof bucket === 'string') meterFor(bucket)?.recordS3(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'legacyBenchS3Meter' },
  );
}

function tableOf(input: Input): string {
  if (typeof input.TableName === 'string') return input.TableName;
  if (input.RequestItems) return Object.keys(input.RequestItems)[0] ?? '';
  const first = (input.TransactItems as Input[] | undefined)?.[0];
  const action = first && (first.Put ?? first.Update ?? first.Delete ?? first.ConditionCheck);
  return typeof action?.TableName === 'string' ? action.TableName : '';
}

/** The twin schema of a described table (GSIs included; only ALL and KEYS_ONLY projections exist here). */
function schemaOf(table: TableDescription): TableSchema {
  const types = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName!, d.AttributeType as 'S' | 'N']));
  const keys = (schema: readonly KeySchemaElement[] | undefined) => {
    const attribute = (role: 'HASH' | 'RANGE') => {
      const name = schema?.find((k) => k.KeyType === role)?.AttributeName;
      return name === undefined ? undefined : { name, type: types.get(name)! };
    };
    const partitionKey = attribute('HASH');
    if (!partitionKey) throw new Error('legacy meter: described key schema has no HASH key');
    const sortKey = attribute('RANGE');
    return { partitionKey, ...(sortKey ? { sortKey } : {}) };
  };
  return {
    name: table.TableName!,
    ...keys(table.KeySchema),
    indexes: (table.GlobalSecondaryIndexes ?? []).map((index) => {
      const projection = index.Projection?.ProjectionType;
      if (projection !== 'ALL' && projection !== 'KEYS_ONLY')
        throw new Error(`legacy meter: index ${index.IndexName} has projection ${projection}`);
      return { name: index.IndexName!, ...keys(index.KeySchema), projection };
    }),
  };
}

/** One TransactWriteItems entry as a twin action. Conditions are dropped: DynamoDB Local already committed it. */
function transactAction(entry: Input, table: string): TransactAction {
  const action = entry.Put ?? entry.Update ?? entry.Delete ?? entry.ConditionCheck;
  if (action?.TableName !== table) throw new Error('legacy meter: a transaction spans tables');
  if (entry.Put) return { type: 'put', item: unmarshall(entry.Put.Item) as Item };
  if (entry.Delete) return { type: 'delete', key: plain(entry.Delete.Key) as ItemKey };
  if (entry.ConditionCheck)
    return { type: 'conditionCheck', key: plain(entry.ConditionCheck.Key) as ItemKey, condition: { kind: 'exists' } };
  return { type: 'update', key: plain(entry.Update.Key) as ItemKey, set: setClause(entry.Update) };
}

/** `SET a = :x, #b = :y` as attribute values (the only update form the old adapter sends). */
function setClause(update: Input): Item {
  const expression = String(update.UpdateExpression ?? '').trim();
  const match = /^SET\s+(.+)$/i.exec(expression);
  if (!match) throw new Error(`legacy meter: unsupported UpdateExpression ${JSON.stringify(expression)}`);
  const values = unmarshall(update.ExpressionAttributeValues ?? {});
  const names = (update.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const set: Item = {};
  for (const part of match[1]!.split(',')) {
    const assignment = /^\s*(#?[\w]+)\s*=\s*(:[\w]+)\s*$/.exec(part);
    if (!assignment) throw new Error(`legacy meter: unsupported SET clause ${JSON.stringify(part)}`);
    const name = assignment[1]!.startsWith('#') ? names[assignment[1]!]! : assignment[1]!;
    set[name] = values[assignment[2]!];
  }
  return set;
}

/** The partition value of a Query's `KeyConditionExpression` (`attr = :v`, optionally `AND` a range condition). */
function partitionOf(input: Input): string | number {
  const expression = String(input.KeyConditionExpression ?? '');
  const match = /^\s*(#?\w+)\s*=\s*(:\w+)\s*(?:AND\s.*)?$/i.exec(expression);
  if (!match) throw new Error(`legacy meter: unsupported KeyConditionExpression ${JSON.stringify(expression)}`);
  if (/\sAND\s/i.test(expression)) throw new Error('legacy meter: range conditions are not replayed');
  return unmarshall(input.ExpressionAttributeValues ?? {})[match[2]!] as string | number;
}

/** A key as plain values, whether it arrives marshalled (`{ S: '…' }`, inputs) or already plain (document outputs). */
function plain(key: Input): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(key)) {
    if (value && typeof value === 'object' && ('S' in value || 'N' in value)) values[name] = 'S' in value ? value.S : Number(value.N);
    else values[name] = value;
  }
  return values;
}

/** A stable text id of a key (attributes sorted, plain values). */
function keyId(key: Input): string {
  const values = plain(key);
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((name) => [name, values[name]]),
  );
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return Array.isArray(value) ? value : value ? [value] : [];
}

function combine(requests: StoreStats, capacity: StoreStats): StoreStats {
  return Object.fromEntries(
    OPERATION_TYPES.map((operation) => [
      operation,
      { requests: requests[operation].requests, readUnits: capacity[operation].readUnits, writeUnits: capacity[operation].writeUnits },
    ]),
  ) as StoreStats;
}
