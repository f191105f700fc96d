/**
 * One meter for every library of the peer bench: middlewares on the DynamoDB (and S3) client a library is given
 * count its requests and record each data-plane command; `settle()` (outside the timed section) replays the
 * recorded commands, in completion order, on a shadow copy of the library's tables and prices each one by AWS's
 * published rules with the very functions that price our in-memory twin (`drivers/memory/capacity.ts`, item sizes
 * by `src/layout/item-size.ts`). So ours, the old adapter, Equinox's DynamoStore and castore are priced by the same code,
 * whatever DynamoDB Local reports (it misreports transactions, see the main report's notes).
 *
 * The rules (see capacity.ts for the sources): writes in 1 KB units of the larger of the item before and after
 * (PutItem, UpdateItem, BatchWriteItem per item; DeleteItem the deleted item); a transaction costs twice the plain
 * write of each action (a ConditionCheck as a write of the checked item), and its index writes ONCE (indexes are
 * updated after the two-phase commit; AWS publishes no doubling for them); a global secondary index costs one write
 * per entry added, removed or changed in its projection (a key change: delete + put). A conditional single-item
 * write that fails still costs the write of the existing item (at least one unit); a cancelled transaction costs
 * nothing (DynamoDB's TransactionCanceledException reports none). Reads in 4 KB units, half for eventually
 * consistent reads: GetItem and BatchGetItem per item (a missing one costs a unit), Query the sum of every item
 * it read (filters and projections do not reduce it), rounded once, index queries always eventually consistent.
 *
 * The shadow follows the tables exactly because every write reaches them through the metered client (set-up
 * included); each Query's read set is recomputed on the shadow and checked against the `ScannedCount` DynamoDB
 * Local returned, so a shadow that drifted fails loudly instead of pricing wrongly.
 */
import { DescribeTableCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  batchGetReadUnits,
  batchWriteUnits,
  indexWriteUnits,
  type ItemWrite,
  queryReadUnits,
  readUnits,
  transactionWriteUnits,
  writeUnits,
} from '../../drivers/memory/capacity.js';
import { itemSize } from '../../src/layout/item-size.js';
import type { Item } from '../../src/ports/kv-driver.js';
import { applyUpdate, compareKeyValues, parseKeyCondition, type PlainItem, type PlainValue } from './expressions.js';

/** DynamoDB data-plane commands the meter prices. */
const DATA_COMMANDS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'BatchGetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
]);

/** Requests, read and write units of a metered section. */
export interface MeterTotals {
  /** DynamoDB requests per SDK command name (failed ones included). */
  readonly requests: Readonly<Record<string, number>>;
  /** Read capacity units by AWS's rules. */
  readonly readUnits: number;
  /** Write capacity units by AWS's rules. */
  readonly writeUnits: number;
  /** S3 requests per SDK command name. */
  readonly blobRequests: Readonly<Record<string, number>>;
}

/** Sum of a per-command request count. */
export function totalRequests(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Key and index layout of a metered table, from DescribeTable. */
export interface ShadowSchema {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly ShadowIndex[];
}

/** A global (or local) secondary index and what it projects. */
export interface ShadowIndex {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly nonKeyAttributes: readonly string[];
}

/** What the middleware recorded of one command (inputs copied at send time: some libraries reuse the object). */
interface Recorded {
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly output?: Record<string, unknown>;
  /** The error's name when the command failed. */
  readonly error?: string;
}

/** The meter of one library: its clients, its tables' shadows, its figures. */
export class RulesMeter {
  private requests: Record<string, number> = {};
  private blobRequests: Record<string, number> = {};
  private read = 0;
  private write = 0;
  private pending: Recorded[] = [];
  private readonly schemas = new Map<string, ShadowSchema>();
  private readonly tables = new Map<string, Map<string, PlainItem>>();

  /** `describe` answers DescribeTable for {@link track} (an unmetered client, or the metered one: it is not counted). */
  constructor(private readonly describe: DynamoDBClient) {}

  /** Count and record every data command `dynamo` sends, and count every S3 command `s3` sends. */
  instrument(dynamo: DynamoDBClient, s3?: S3Client): void {
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        if (!DATA_COMMANDS.has(command)) return next(args);
        this.requests[command] = (this.requests[command] ?? 0) + 1;
        const input = { ...(args.input as Record<string, unknown>) };
        try {
          const result = await next(args);
          this.pending.push({ command, input, output: result.output as unknown as Record<string, unknown> });
          return result;
        } catch (error) {
          this.pending.push({ command, input, error: error instanceof Error ? error.name : 'Error' });
          throw error;
        }
      },
      // The build step sees the input marshalled, also for the document client's commands.
      { step: 'build', name: 'peerBenchRulesMeter' },
    );
    s3?.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? 'unknown';
        this.blobRequests[command] = (this.blobRequests[command] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'peerBenchS3Counter' },
    );
  }

  /** Start following `table` (call once it exists, before its first metered write is settled). */
  async track(table: string): Promise<ShadowSchema> {
    const { Table } = await this.describe.send(new DescribeTableCommand({ TableName: table }));
    if (!Table) throw new Error(`rules meter: DescribeTable ${table} returned no table`);
    const schema = schemaOf(Table);
    this.schemas.set(table, schema);
    if (!this.tables.has(table)) this.tables.set(table, new Map());
    return schema;
  }

  /** The schema of a tracked table. */
  schema(table: string): ShadowSchema {
    const schema = this.schemas.get(table);
    if (!schema) throw new Error(`rules meter: table ${table} is not tracked`);
    return schema;
  }

  /** Forget a table (after it was deleted). */
  forget(table: string): void {
    this.schemas.delete(table);
    this.tables.delete(table);
  }

  /** Price every command recorded so far on the shadow, in the order they completed. */
  async settle(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    for (const recorded of batch) this.price(recorded);
  }

  /** Zero the figures (settle first: commands recorded before would be priced into the new figures). */
  reset(): void {
    this.requests = {};
    this.blobRequests = {};
    this.read = 0;
    this.write = 0;
  }

  /** The figures since the last {@link reset}. Settle first. */
  totals(): MeterTotals {
    return { requests: { ...this.requests }, readUnits: this.read, writeUnits: this.write, blobRequests: { ...this.blobRequests } };
  }

  /** The shadow's items of `table` (for checks against a scan). */
  shadowItems(table: string): PlainItem[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  private price({ command, input, output, error }: Recorded): void {
    switch (command) {
      case 'GetItemCommand': {
        if (error) return;
        const table = this.table(input.TableName);
        this.read += readUnits(sizeOf(table.items.get(table.keyId(plain(input.Key)))), input.ConsistentRead === true);
        return;
      }
      case 'BatchGetItemCommand': {
        if (error) return;
        for (const [name, request] of Object.entries(input.RequestItems as Record<string, { Keys: unknown[]; ConsistentRead?: boolean }>)) {
          const table = this.table(name);
          const unprocessed = new Set(
            ((output?.UnprocessedKeys as Record<string, { Keys: unknown[] }> | undefined)?.[name]?.Keys ?? []).map((key) =>
              table.keyId(plain(key)),
            ),
          );
          const sizes = request.Keys.map((key) => table.keyId(plain(key)))
            .filter((id) => !unprocessed.has(id))
            .map((id) => sizeOf(table.items.get(id)));
          this.read += batchGetReadUnits(sizes, request.ConsistentRead === true);
        }
        return;
      }
      case 'QueryCommand': {
        if (error) return;
        this.read += this.query(input, output ?? {});
        return;
      }
      case 'PutItemCommand':
      case 'UpdateItemCommand':
      case 'DeleteItemCommand': {
        const table = this.table(input.TableName);
        const change = table.change(command, input);
        if (error) {
          // A failed condition still costs the write of the item as it is (at least one unit).
          if (error === 'ConditionalCheckFailedException') this.write += writeUnits(sizeOf(change.before));
          return;
        }
        this.write += batchWriteUnits([table.apply(change)]);
        return;
      }
      case 'BatchWriteItemCommand': {
        if (error) return;
        for (const [name, requests] of Object.entries(
          input.RequestItems as Record<string, Record<string, { Item?: unknown; Key?: unknown }>[]>,
        )) {
          const table = this.table(name);
          const unprocessed = new Set(
            (
              (output?.UnprocessedItems as Record<string, Record<string, { Item?: unknown; Key?: unknown }>[]> | undefined)?.[name] ?? []
            ).map((request) => requestKeyId(table, request)),
          );
          const writes: ItemWrite[] = [];
          for (const request of requests) {
            if (unprocessed.has(requestKeyId(table, request))) continue;
            const change = request.PutRequest
              ? table.change('PutItemCommand', { Item: request.PutRequest.Item })
              : table.change('DeleteItemCommand', { Key: request.DeleteRequest!.Key });
            writes.push(table.apply(change));
          }
          this.write += batchWriteUnits(writes);
        }
        return;
      }
      case 'TransactWriteItemsCommand': {
        // A cancelled transaction consumes nothing (capacity.ts); a committed one is priced action by action.
        if (error) return;
        const writes: ItemWrite[] = [];
        for (const entry of input.TransactItems as Record<string, Record<string, unknown>>[]) {
          const [kind, action] = Object.entries(entry)[0]!;
          const table = this.table(action.TableName);
          if (kind === 'ConditionCheck') {
            writes.push({ beforeBytes: sizeOf(table.items.get(table.keyId(plain(action.Key)))), afterBytes: 0, indexUnits: 0 });
            continue;
          }
          const command = kind === 'Put' ? 'PutItemCommand' : kind === 'Update' ? 'UpdateItemCommand' : 'DeleteItemCommand';
          writes.push(table.apply(table.change(command, action)));
        }
        this.write += transactionWriteUnits(writes);
        return;
      }
      default:
        throw new Error(`rules meter: no pricing for ${command} (the peer bench's libraries were not known to send it)`);
    }
  }

  /** Read units of one Query: its read set on the shadow, from the start key to the page's last evaluated key. */
  private query(input: Record<string, unknown>, output: Record<string, unknown>): number {
    const table = this.table(input.TableName);
    const indexName = input.IndexName as string | undefined;
    const index = indexName === undefined ? undefined : table.schema.indexes.find((each) => each.name === indexName);
    if (indexName !== undefined && !index) throw new Error(`rules meter: ${table.schema.name} has no index ${indexName}`);
    const values = input.ExpressionAttributeValues
      ? (unmarshall(input.ExpressionAttributeValues as never) as Record<string, PlainValue>)
      : {};
    const condition = parseKeyCondition(
      String(input.KeyConditionExpression ?? ''),
      (input.ExpressionAttributeNames ?? {}) as Record<string, string>,
      values,
    );
    const keys = index ?? table.schema;
    if (condition.partitionName !== keys.partitionKey)
      throw new Error(`rules meter: query of ${condition.partitionName}, the partition key is ${keys.partitionKey}`);
    const sortKey = keys.sortKey;
    if (condition.sort && condition.sort.name !== sortKey)
      throw new Error(`rules meter: range condition on ${condition.sort.name}, not the sort key`);
    const entries: { item: PlainItem; size: number }[] = [];
    for (const item of table.items.values()) {
      if (item[keys.partitionKey] === undefined || compareKeyValues(item[keys.partitionKey], condition.partitionValue) !== 0) continue;
      if (index) {
        const entry = indexEntry(table.schema, index, item);
        if (entry === undefined) continue;
        if (condition.sort && !condition.sort.test(item[sortKey!])) continue;
        entries.push({ item, size: itemSize(entry as Item) });
      } else {
        if (condition.sort && !condition.sort.test(item[sortKey!])) continue;
        entries.push({ item, size: itemSize(item as Item) });
      }
    }
    const order = (a: PlainItem, b: PlainItem): number =>
      (sortKey ? compareKeyValues(a[sortKey], b[sortKey]) : 0) ||
      compareKeyValues(a[table.schema.partitionKey], b[table.schema.partitionKey]) ||
      (table.schema.sortKey ? compareKeyValues(a[table.schema.sortKey], b[table.schema.sortKey]) : 0);
    entries.sort((a, b) => order(a.item, b.item));
    if (input.ScanIndexForward === false) entries.reverse();
    const position = (key: unknown): number => {
      const id = table.keyId(plain(key));
      const found = entries.findIndex((entry) => table.keyId(entry.item) === id);
      if (found < 0) throw new Error(`rules meter: a query's start or last key is not in the shadow (${table.schema.name})`);
      return found;
    };
    const start = input.ExclusiveStartKey ? position(input.ExclusiveStartKey) + 1 : 0;
    const end = output.LastEvaluatedKey ? position(output.LastEvaluatedKey) + 1 : entries.length;
    const read = entries.slice(start, end);
    const scanned = output.ScannedCount;
    if (typeof scanned === 'number' && scanned !== read.length)
      throw new Error(`rules meter: the shadow read ${read.length} items where DynamoDB Local scanned ${scanned} (${table.schema.name})`);
    const bytes = read.reduce((sum, entry) => sum + entry.size, 0);
    return queryReadUnits(bytes, indexName, input.ConsistentRead === true);
  }

  private table(name: unknown): ShadowTable {
    const schema = this.schemas.get(String(name));
    const items = this.tables.get(String(name));
    if (!schema || !items) throw new Error(`rules meter: a command on table ${String(name)}, which is not tracked`);
    return new ShadowTable(schema, items);
  }
}

/** One write's effect: the key, the item before and after. */
interface Change {
  readonly id: string;
  readonly before: PlainItem | undefined;
  readonly after: PlainItem | undefined;
}

/** A tracked table's shadow items with its schema: computes and applies changes. */
class ShadowTable {
  constructor(
    readonly schema: ShadowSchema,
    readonly items: Map<string, PlainItem>,
  ) {}

  /** The identity of the item with the key attributes of `item` (other attributes ignored). */
  keyId(item: PlainItem): string {
    const part = (value: PlainValue): string =>
      value instanceof Uint8Array ? `b:${Buffer.from(value).toString('base64')}` : JSON.stringify(value);
    return `${part(item[this.schema.partitionKey])}|${this.schema.sortKey ? part(item[this.schema.sortKey]) : ''}`;
  }

  /** What a put, update or delete (`input` as sent, marshalled) does to the shadow. */
  change(command: string, input: Record<string, unknown>): Change {
    if (command === 'PutItemCommand') {
      const after = plain(input.Item);
      const id = this.keyId(after);
      return { id, before: this.items.get(id), after };
    }
    const key = plain(input.Key);
    const id = this.keyId(key);
    const before = this.items.get(id);
    if (command === 'DeleteItemCommand') return { id, before, after: undefined };
    const values = input.ExpressionAttributeValues
      ? (unmarshall(input.ExpressionAttributeValues as never) as Record<string, PlainValue>)
      : {};
    const after = applyUpdate(
      before,
      key,
      String(input.UpdateExpression ?? ''),
      (input.ExpressionAttributeNames ?? {}) as Record<string, string>,
      values,
    );
    return { id, before, after };
  }

  /** Apply `change` to the shadow; returns the sizes it is priced by. */
  apply(change: Change): ItemWrite {
    if (change.after === undefined) this.items.delete(change.id);
    else this.items.set(change.id, change.after);
    let indexUnits = 0;
    for (const index of this.schema.indexes) {
      const before = change.before && indexEntry(this.schema, index, change.before);
      const after = change.after && indexEntry(this.schema, index, change.after);
      const entry = (projected: PlainItem | undefined, item: PlainItem | undefined) =>
        projected === undefined || item === undefined
          ? undefined
          : {
              keyId: `${stable(item[index.partitionKey])}|${index.sortKey ? stable(item[index.sortKey]) : ''}`,
              size: itemSize(projected as Item),
            };
      indexUnits += indexWriteUnits({
        ...(entry(before, change.before) ? { before: entry(before, change.before)! } : {}),
        ...(entry(after, change.after) ? { after: entry(after, change.after)! } : {}),
        projectionChanged: before !== undefined && after !== undefined && stable(before) !== stable(after),
      });
    }
    return { beforeBytes: sizeOf(change.before), afterBytes: sizeOf(change.after), indexUnits };
  }
}

/**
 * The entry `item` has in `index` (its keys and projected attributes), or undefined when the item lacks an index
 * key attribute (sparse index: not in it).
 */
export function indexEntry(schema: ShadowSchema, index: ShadowIndex, item: PlainItem): PlainItem | undefined {
  if (item[index.partitionKey] === undefined || (index.sortKey !== undefined && item[index.sortKey] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([schema.partitionKey, schema.sortKey, index.partitionKey, index.sortKey]);
  if (index.projection === 'INCLUDE') for (const name of index.nonKeyAttributes) names.add(name);
  const entry: PlainItem = {};
  for (const name of names) if (name !== undefined && item[name] !== undefined) entry[name] = item[name];
  return entry;
}

/** The meter's view of a described table. */
export function schemaOf(table: TableDescription): ShadowSchema {
  const key = (schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined, role: 'HASH' | 'RANGE') =>
    schema?.find((element) => element.KeyType === role)?.AttributeName;
  const partitionKey = key(table.KeySchema, 'HASH');
  if (!partitionKey) throw new Error(`rules meter: ${table.TableName} has no partition key`);
  const sortKey = key(table.KeySchema, 'RANGE');
  const indexes = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])].map((index): ShadowIndex => {
    const indexPartition = key(index.KeySchema, 'HASH');
    if (!indexPartition) throw new Error(`rules meter: index ${index.IndexName} has no partition key`);
    const indexSort = key(index.KeySchema, 'RANGE');
    return {
      name: index.IndexName!,
      partitionKey: indexPartition,
      ...(indexSort ? { sortKey: indexSort } : {}),
      projection: (index.Projection?.ProjectionType ?? 'ALL') as ShadowIndex['projection'],
      nonKeyAttributes: index.Projection?.NonKeyAttributes ?? [],
    };
  });
  return { name: table.TableName!, partitionKey, ...(sortKey ? { sortKey } : {}), indexes };
}

/** An item or key as plain values, whether marshalled (`{ S: … }`) or already plain (document-client outputs). */
export function plain(value: unknown): PlainItem {
  const record = (value ?? {}) as Record<string, unknown>;
  const marshalled = Object.values(record).every((attribute) => isAttributeValue(attribute));
  return marshalled ? (unmarshall(record as never) as PlainItem) : { ...record };
}

function isAttributeValue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'].includes(keys[0]!);
}

function requestKeyId(table: ShadowTable, request: Record<string, { Item?: unknown; Key?: unknown }>): string {
  return table.keyId(plain(request.PutRequest?.Item ?? request.DeleteRequest?.Key));
}

function sizeOf(item: PlainItem | undefined): number {
  return item === undefined ? 0 : itemSize(item as Item);
}

/** A stable text form of a plain value (object keys sorted; binaries as base64), for equality checks. */
function stable(value: PlainValue): string {
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('base64')}`;
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, PlainValue>;
    return `{${Object.keys(record)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${stable(record[name])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
