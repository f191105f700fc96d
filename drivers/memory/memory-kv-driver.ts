/**
 * The in-memory twin of DynamoDB: a `KvDriver` with DynamoDB's limits, ordering, sparse indexes, transactions,
 * token idempotency and capacity metering, plus deterministic fault injection. Every call is atomic in JS terms:
 * after any injected latency it validates and applies synchronously, so concurrent callers interleave only
 * between calls, like separate requests.
 *
 * Choices where DynamoDB leaves room, documented here once:
 * - Two actions of one transaction on the same item throw `DRIVER/LIMIT_EXCEEDED` (the port's contract; DynamoDB
 *   answers ValidationException). An oversize item inside a transaction throws `DRIVER/LIMIT_EXCEEDED` too, as
 *   DynamoDB throws ValidationException rather than cancelling.
 * - Empty batches and empty transactions throw `DRIVER/VALIDATION` (DynamoDB requires at least one element).
 * - `update` may not set key attributes (`DRIVER/VALIDATION`, as DynamoDB refuses to update a key attribute).
 * - A query page includes the entry whose size makes the bytes read reach `maxQueryPageBytes` (DynamoDB stops
 *   once the data read EXCEEDS 1 MB), so a page can be one item over the limit. The page carries a cursor whenever
 *   it stopped on `limit` or on bytes, even when nothing follows (as DynamoDB returns LastEvaluatedKey).
 * - A cancelled transaction reports zero consumed capacity: DynamoDB's TransactionCanceledException carries none.
 * - A replayed token (same request within 10 minutes) reports the original write units as READ units and applies
 *   nothing; only committed transactions are remembered.
 * - Indexes are current at once by default (as in DynamoDB Local). Opt-in `indexLag` (seeded, deterministic, time
 *   from `clock`) makes each write reach each index after its own delay from a long-tailed distribution: items
 *   reach an index out of order, never before their base-table write, and an index never shows an item in a state
 *   older than one it already showed (per item, the newest version whose delay has passed). Opt-in `eventualReads`
 *   (needs `indexLag`) makes base-table reads without `consistent: true` see the table as it was up to `tailMs`
 *   ago. Reads with `consistent: true` always see the current state. Writes and conditions always act on it.
 */
import { ErrorCodes, type ErrorCode } from '../../src/errors.js';
import { itemSize } from '../../src/item-size.js';
import { DYNAMODB_MAX_CLIENT_REQUEST_TOKEN_LENGTH } from '../../src/limits.js';
import type {
  ActionFailure,
  ConsumedCapacity,
  EnsureTableResult,
  Item,
  ItemKey,
  KeyAttribute,
  KvCapabilities,
  KvDriver,
  QueryPage,
  QueryRequest,
  RangeCondition,
  TableSchema,
  TransactAction,
  TransactResult,
  WriteRequest,
} from '../../src/ports/kv-driver.js';
import { cloneItem, cloneValue, findInvalidValue, fingerprint } from './attribute-values.js';
import {
  CapacityMeter,
  readUnits,
  writeUnits,
  type MeteredOperation,
  type MeterSnapshot,
} from './capacity.js';
import { conditionProblem, evaluateCondition } from './conditions.js';
import { driverError } from './errors.js';
import { delay, FaultPlanner, type FaultCounts, type FaultKind, type FaultPlan, type ScriptedFault } from './faults.js';
import {
  DYNAMODB_MAX_PARTITION_KEY_BYTES,
  DYNAMODB_MAX_SORT_KEY_BYTES,
  compareKeyValues,
  extractKey,
  keyValueProblem,
  primaryKeyId,
} from './key-schema.js';
import { DEFAULT_KV_CAPABILITIES, MEMORY_KV_DRIVER_NAME, parseKvOptions, type MemoryKvDriverOptions } from './kv-options.js';
import { LagSampler } from './index-lag.js';
import type { LagSettings } from './lagged-reads.js';
import { entryItem, MemoryTable } from './memory-table.js';
import { decodeCursor, encodeCursor } from './query-cursor.js';
import {
  DYNAMODB_MAX_GLOBAL_SECONDARY_INDEXES,
  freezeSchema,
  schemaDifferences,
  schemaProblems,
} from './table-schema.js';

/** A ClientRequestToken is honoured for 10 minutes after the request that used it. */
export const DYNAMODB_CLIENT_REQUEST_TOKEN_TTL_MS = 10 * 60 * 1000;

/** Operations of the KV driver that faults can be injected into. */
export type KvOperation = MeteredOperation;

/** Fault kinds each KV operation can suffer. */
export const KV_FAULTS: Readonly<Record<KvOperation, readonly FaultKind[]>> = Object.freeze({
  get: ['throttle', 'transient'],
  query: ['throttle', 'transient'],
  batchGet: ['throttle', 'transient', 'unprocessed'],
  batchWrite: ['throttle', 'transient', 'unprocessed', 'lostResponse'],
  transactWrite: ['throttle', 'transient', 'conflict', 'lostResponse'],
});

interface TokenRecord {
  readonly table: string;
  readonly fingerprint: string;
  readonly at: number;
  readonly writeUnits: number;
}

/** What an action does: the item as stored (and its size), what it stores next, its bytes toward the limit. */
interface ResolvedAction {
  readonly stored: Item | undefined;
  readonly storedSize: number;
  /** The item to store after the action; `undefined` deletes (or, for a condition check, writes nothing). */
  readonly next: SizedItem | undefined;
  readonly requestBytes: number;
}

/** A transaction action with its target key resolved. */
interface PlannedAction {
  readonly action: TransactAction;
  readonly key: ItemKey;
  /** For a put: the validated copy of its item. */
  readonly put?: SizedItem;
}

/** A validated item copy with its size in bytes. */
interface SizedItem {
  readonly item: Item;
  readonly size: number;
}

const ZERO: ConsumedCapacity = Object.freeze({ read: 0, write: 0 });

/** The in-memory DynamoDB twin. See the module comment for behaviour and documented choices. */
export class MemoryKvDriver implements KvDriver {
  /** Limits and flags: DynamoDB's unless overridden by `options.capabilities`. */
  readonly capabilities: KvCapabilities;
  private readonly tables = new Map<string, MemoryTable>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly capacityMeter = new CapacityMeter();
  private readonly planner: FaultPlanner<KvOperation>;
  private readonly clock: () => number;
  /** Index lag (and eventual reads) shared by every table; `undefined` without `indexLag`. */
  private readonly lag: LagSettings | undefined;
  private closed = false;

  /** Throws `INPUT/INVALID_OPTIONS` when `options` are invalid. */
  constructor(options: MemoryKvDriverOptions = {}) {
    parseKvOptions(options);
    const name = options.name ?? options.capabilities?.name ?? MEMORY_KV_DRIVER_NAME;
    this.capabilities = Object.freeze({ ...DEFAULT_KV_CAPABILITIES, ...options.capabilities, name });
    this.planner = new FaultPlanner<KvOperation>(options.faults, KV_FAULTS);
    this.clock = options.clock ?? Date.now;
    this.lag =
      options.indexLag === undefined
        ? undefined
        : { sampler: new LagSampler(options.indexLag), clock: this.clock, eventualReads: options.eventualReads === true };
  }

  /** Create the table (idempotent). A table of that name with another key schema or indexes: `DRIVER/SCHEMA_MISMATCH`. */
  async ensureTable(schema: TableSchema): Promise<EnsureTableResult> {
    this.assertOpen();
    const problems = schemaProblems(schema);
    if (problems.length > 0) throw this.error(ErrorCodes.VALIDATION, problems.join('; '), { problems });
    if (schema.indexes.length > DYNAMODB_MAX_GLOBAL_SECONDARY_INDEXES) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `At most ${DYNAMODB_MAX_GLOBAL_SECONDARY_INDEXES} indexes`);
    }
    const existing = this.tables.get(schema.name);
    if (existing === undefined) {
      this.tables.set(schema.name, new MemoryTable(freezeSchema(schema), this.lag));
      return { created: true };
    }
    const differences = schemaDifferences(existing.schema, schema);
    if (differences.length > 0) {
      throw this.error(ErrorCodes.SCHEMA_MISMATCH, `Table ${schema.name} differs: ${differences.join('; ')}`, {
        table: schema.name,
        differences,
      });
    }
    return { created: false };
  }

  /** Delete the table and its items; no error when absent. Forgets tokens of transactions on it. */
  async dropTable(tableName: string): Promise<void> {
    this.assertOpen();
    this.tables.delete(tableName);
    for (const [token, record] of this.tokens) if (record.table === tableName) this.tokens.delete(token);
  }

  /** Read one item. Costs 1 RCU per 4 KB (half when eventually consistent); a missing item still costs one unit. */
  async get(
    table: string,
    key: ItemKey,
    options: { readonly consistent?: boolean } = {},
  ): Promise<{ readonly item: Item | undefined; readonly consumed: ConsumedCapacity }> {
    const plan = await this.begin('get');
    const memoryTable = this.table(table);
    this.validateKey(memoryTable.schema, key);
    this.planner.throwIfFailFast(plan, this.makeError);
    const record = memoryTable.read(key, options.consistent === true);
    const consumed = this.consume('get', { read: readUnits(record?.size ?? 0, options.consistent === true), write: 0 });
    return { item: record === undefined ? undefined : cloneItem(record.item), consumed };
  }

  /** Read one page of a partition of the table or an index. Costs the bytes read, rounded up to 4 KB once. */
  async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const plan = await this.begin('query');
    const memoryTable = this.table(table);
    const schema = memoryTable.schema;
    let partitionKey: KeyAttribute = schema.partitionKey;
    let sortKey: KeyAttribute | undefined = schema.sortKey;
    if (request.index !== undefined) {
      const index = memoryTable.index(request.index);
      if (index === undefined) {
        throw this.error(ErrorCodes.VALIDATION, `Table ${table} has no index ${request.index}`, { index: request.index });
      }
      if (request.consistent === true && !this.capabilities.consistentIndexReads) {
        throw this.error(ErrorCodes.VALIDATION, 'Consistent reads are not supported on global secondary indexes');
      }
      partitionKey = index.partitionKey;
      sortKey = index.sortKey;
    }
    const partitionProblem = keyValueProblem(partitionKey, request.partition, DYNAMODB_MAX_PARTITION_KEY_BYTES);
    if (partitionProblem !== undefined) throw this.error(ErrorCodes.VALIDATION, partitionProblem);
    if (request.range !== undefined) this.validateRange(request.range, sortKey);
    if (request.direction !== 'asc' && request.direction !== 'desc') {
      throw this.error(ErrorCodes.VALIDATION, "direction must be 'asc' or 'desc'");
    }
    if (request.limit !== undefined && !(Number.isInteger(request.limit) && request.limit >= 1)) {
      throw this.error(ErrorCodes.VALIDATION, 'limit must be an integer >= 1', { limit: request.limit });
    }
    const cursor =
      request.cursor === undefined
        ? undefined
        : decodeCursor(request.cursor, {
            index: request.index,
            partition: request.partition,
            sortKey,
            tablePartitionKey: schema.partitionKey,
            tableSortKey: schema.sortKey,
          });
    if (request.cursor !== undefined && cursor === undefined) {
      throw this.error(ErrorCodes.VALIDATION, 'The cursor is malformed or belongs to another query');
    }
    this.planner.throwIfFailFast(plan, this.makeError);
    const scan = memoryTable.scan(
      request.index,
      request.partition,
      request.range,
      request.direction,
      cursor,
      request.limit ?? Number.POSITIVE_INFINITY,
      this.capabilities.maxQueryPageBytes,
      request.consistent === true,
    );
    const consistent = request.index === undefined && request.consistent === true;
    const consumed = this.consume('query', { read: readUnits(scan.bytesRead, consistent), write: 0 });
    const items = scan.entries.map(entryItem);
    const last = scan.entries[scan.entries.length - 1];
    if (scan.cut && last !== undefined) {
      return { items, cursor: encodeCursor(request.index, request.partition, last.position), consumed };
    }
    return { items, consumed };
  }

  /**
   * Read up to `maxBatchGetKeys` distinct keys (more: `DRIVER/LIMIT_EXCEEDED`; none or duplicates:
   * `DRIVER/VALIDATION`). Each processed key costs as a get of its own, rounded per item.
   */
  async batchGet(
    table: string,
    keys: readonly ItemKey[],
    options: { readonly consistent?: boolean } = {},
  ): Promise<{ readonly items: Item[]; readonly unprocessedKeys: ItemKey[]; readonly consumed: ConsumedCapacity }> {
    const plan = await this.begin('batchGet');
    const memoryTable = this.table(table);
    if (keys.length === 0) throw this.error(ErrorCodes.VALIDATION, 'A batch-get needs at least one key');
    if (keys.length > this.capabilities.maxBatchGetKeys) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `A batch-get takes at most ${this.capabilities.maxBatchGetKeys} keys`, {
        count: keys.length,
        limit: this.capabilities.maxBatchGetKeys,
      });
    }
    const ids = new Set<string>();
    for (const key of keys) {
      this.validateKey(memoryTable.schema, key);
      const id = primaryKeyId(memoryTable.schema, key);
      if (ids.has(id)) throw this.error(ErrorCodes.VALIDATION, 'A batch-get contains duplicate keys', { key });
      ids.add(id);
    }
    this.planner.throwIfFailFast(plan, this.makeError);
    const unprocessedIndexes = this.unprocessedIndexes(plan, keys.length);
    const items: Item[] = [];
    const unprocessedKeys: ItemKey[] = [];
    let read = 0;
    keys.forEach((key, i) => {
      if (unprocessedIndexes.has(i)) {
        unprocessedKeys.push(cloneItem(key) as ItemKey);
        return;
      }
      const record = memoryTable.read(key, options.consistent === true);
      read += readUnits(record?.size ?? 0, options.consistent === true);
      if (record !== undefined) items.push(cloneItem(record.item));
    });
    return { items, unprocessedKeys, consumed: this.consume('batchGet', { read, write: 0 }) };
  }

  /**
   * Apply up to `maxBatchWriteItems` unconditional puts/deletes on distinct items (more: `DRIVER/LIMIT_EXCEEDED`;
   * none or duplicates: `DRIVER/VALIDATION`; an item over `maxItemBytes`: `DRIVER/LIMIT_EXCEEDED`, nothing applied).
   */
  async batchWrite(
    table: string,
    requests: readonly WriteRequest[],
  ): Promise<{ readonly unprocessed: WriteRequest[]; readonly consumed: ConsumedCapacity }> {
    const plan = await this.begin('batchWrite');
    const memoryTable = this.table(table);
    const schema = memoryTable.schema;
    if (requests.length === 0) throw this.error(ErrorCodes.VALIDATION, 'A batch-write needs at least one request');
    if (requests.length > this.capabilities.maxBatchWriteItems) {
      throw this.error(
        ErrorCodes.LIMIT_EXCEEDED,
        `A batch-write takes at most ${this.capabilities.maxBatchWriteItems} requests`,
        { count: requests.length, limit: this.capabilities.maxBatchWriteItems },
      );
    }
    const planned: { key: ItemKey; item: SizedItem | undefined }[] = [];
    const ids = new Set<string>();
    for (const request of requests) {
      let key: ItemKey;
      let item: SizedItem | undefined;
      if ('put' in request) {
        item = this.validateItem(schema, request.put);
        key = extractKey(schema, item.item);
      } else if ('delete' in request) {
        this.validateKey(schema, request.delete);
        key = request.delete;
      } else {
        throw this.error(ErrorCodes.VALIDATION, 'A write request needs put or delete');
      }
      const id = primaryKeyId(schema, key);
      if (ids.has(id)) throw this.error(ErrorCodes.VALIDATION, 'A batch-write contains duplicate keys', { key });
      ids.add(id);
      planned.push({ key, item });
    }
    this.planner.throwIfFailFast(plan, this.makeError);
    const unprocessedIndexes = this.unprocessedIndexes(plan, requests.length);
    const unprocessed: WriteRequest[] = [];
    let write = 0;
    planned.forEach(({ key, item }, i) => {
      if (unprocessedIndexes.has(i)) {
        const request = requests[i]!;
        unprocessed.push('put' in request ? { put: cloneItem(request.put) } : { delete: cloneItem(key) as ItemKey });
        return;
      }
      const { before, indexUnits } = memoryTable.write(key, item);
      write += writeUnits(Math.max(before?.size ?? 0, item?.size ?? 0)) + indexUnits;
    });
    const consumed = this.consume('batchWrite', { read: 0, write });
    this.planner.throwIfLostResponse(plan, this.makeError);
    return { unprocessed, consumed };
  }

  /**
   * Apply every action or none. Limits (`maxTransactionActions`, `maxTransactionBytes`, `maxItemBytes`, two actions
   * on one item) throw `DRIVER/LIMIT_EXCEEDED`; an empty list, a malformed action or a token reused with another
   * request throws `DRIVER/VALIDATION`. A failed condition cancels with the stored item in its reason.
   */
  async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options: { readonly token?: string } = {},
  ): Promise<TransactResult> {
    const plan = await this.begin('transactWrite');
    const memoryTable = this.table(table);
    const schema = memoryTable.schema;
    const token = options.token;
    if (actions.length === 0) throw this.error(ErrorCodes.VALIDATION, 'A transaction needs at least one action');
    if (actions.length > this.capabilities.maxTransactionActions) {
      throw this.error(
        ErrorCodes.LIMIT_EXCEEDED,
        `A transaction takes at most ${this.capabilities.maxTransactionActions} actions`,
        { count: actions.length, limit: this.capabilities.maxTransactionActions },
      );
    }
    if (
      token !== undefined &&
      (typeof token !== 'string' || token.length === 0 || token.length > DYNAMODB_MAX_CLIENT_REQUEST_TOKEN_LENGTH)
    ) {
      throw this.error(ErrorCodes.VALIDATION, `A token is 1 to ${DYNAMODB_MAX_CLIENT_REQUEST_TOKEN_LENGTH} characters`);
    }
    const planned = this.planActions(schema, actions);
    this.planner.throwIfFailFast(plan, this.makeError);

    const useTokens = token !== undefined && this.capabilities.idempotentTransactions;
    const requestFingerprint = useTokens ? fingerprint({ table, actions }) : '';
    if (useTokens) {
      const replay = this.replayToken(token, table, requestFingerprint);
      if (replay !== undefined) {
        this.planner.throwIfLostResponse(plan, this.makeError);
        return replay;
      }
    }

    // Resolve what each action writes, against the items as stored now (all-or-nothing: nothing applied yet).
    const results = planned.map((planned) => this.resolveAction(memoryTable, planned));
    const transactionBytes = results.reduce((sum, result) => sum + result.requestBytes, 0);
    if (transactionBytes > this.capabilities.maxTransactionBytes) {
      throw this.error(
        ErrorCodes.LIMIT_EXCEEDED,
        `A transaction holds at most ${this.capabilities.maxTransactionBytes} bytes of items`,
        { bytes: transactionBytes, limit: this.capabilities.maxTransactionBytes },
      );
    }

    if (plan.fault?.kind === 'conflict') {
      this.planner.record('conflict');
      const at = plan.scripted
        ? Math.min(Math.max(0, plan.fault.actionIndex ?? 0), actions.length - 1)
        : plan.random.integer(0, actions.length - 1);
      const reasons: ActionFailure[] = actions.map((_, i) => (i === at ? { kind: 'conflict' } : { kind: 'none' }));
      return { committed: false, reasons, consumed: this.consume('transactWrite', ZERO) };
    }

    let failed = false;
    const reasons: ActionFailure[] = planned.map(({ action }, i) => {
      const stored = results[i]!.stored;
      if (action.condition === undefined || evaluateCondition(action.condition, stored)) return { kind: 'none' };
      failed = true;
      return stored === undefined ? { kind: 'conditionFailed' } : { kind: 'conditionFailed', item: cloneItem(stored) };
    });
    if (failed) return { committed: false, reasons, consumed: this.consume('transactWrite', ZERO) };

    // Each action costs twice its plain write ("two underlying writes of every item"); index writes once.
    let write = 0;
    planned.forEach(({ action, key }, i) => {
      const result = results[i]!;
      if (action.type === 'conditionCheck') {
        write += 2 * writeUnits(result.storedSize);
        return;
      }
      const { before, indexUnits } = memoryTable.write(key, result.next);
      write += 2 * writeUnits(Math.max(before?.size ?? 0, result.next?.size ?? 0)) + indexUnits;
    });
    if (useTokens) {
      this.tokens.set(token, { table, fingerprint: requestFingerprint, at: this.clock(), writeUnits: write });
    }
    const consumed = this.consume('transactWrite', { read: 0, write });
    this.planner.throwIfLostResponse(plan, this.makeError);
    return { committed: true, consumed };
  }

  /** Mark the driver closed; later calls throw `STORE/CLOSED`. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /**
   * Queue a one-shot fault for the next call of `operation` (before any random fault). Throws
   * `INPUT/INVALID_OPTIONS` when the operation cannot suffer that fault (see {@link KV_FAULTS}).
   */
  injectFault(operation: KvOperation, fault: ScriptedFault): void {
    this.planner.inject(operation, fault);
  }

  /** How many faults of each kind took effect so far. */
  faultCounts(): FaultCounts {
    return this.planner.snapshot();
  }

  /** Cumulative requests and consumed capacity per operation type, since creation or the last `resetMeter`. */
  meter(): MeterSnapshot {
    return this.capacityMeter.snapshot();
  }

  /** Zero the meter. */
  resetMeter(): void {
    this.capacityMeter.reset();
  }

  // ---- internals ----

  private async begin(operation: KvOperation): Promise<FaultPlan> {
    this.assertOpen();
    this.capacityMeter.request(operation);
    const plan = this.planner.plan(operation);
    if (plan.delayMs > 0) {
      await delay(plan.delayMs);
      this.assertOpen();
    }
    return plan;
  }

  private assertOpen(): void {
    if (this.closed) throw this.error(ErrorCodes.CLOSED, 'The driver is closed');
  }

  private error(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    return driverError(this.capabilities.name, code, message, details);
  }

  private readonly makeError = (code: ErrorCode, message: string, details: Record<string, unknown>) => this.error(code, message, details);

  private table(name: string): MemoryTable {
    const table = this.tables.get(name);
    if (table === undefined) {
      throw this.error(ErrorCodes.RESOURCE_NOT_FOUND, `Table ${name} does not exist`, { table: name });
    }
    return table;
  }


  /** Indexes of batch elements the plan leaves unprocessed (empty when it has no such fault). */
  private unprocessedIndexes(plan: FaultPlan, size: number): Set<number> {
    if (plan.fault?.kind !== 'unprocessed') return new Set();
    this.planner.record('unprocessed');
    if (plan.scripted) {
      const count = Math.min(size, Math.max(1, plan.fault.count ?? 1));
      return new Set(Array.from({ length: count }, (_, i) => size - count + i));
    }
    return new Set(plan.random.sample(size, plan.random.integer(1, size)));
  }

  private consume(operation: MeteredOperation, consumed: ConsumedCapacity): ConsumedCapacity {
    this.capacityMeter.consume(operation, consumed);
    return this.capabilities.reportsCapacity ? { read: consumed.read, write: consumed.write } : { ...ZERO };
  }

  /** Validate a primary key: exactly the table's key attributes, with valid values. */
  private validateKey(schema: TableSchema, key: ItemKey): void {
    if (typeof key !== 'object' || key === null) throw this.error(ErrorCodes.VALIDATION, 'A key must be an object');
    const names = Object.keys(key).filter((name) => key[name] !== undefined);
    const expected = schema.sortKey === undefined ? 1 : 2;
    for (const [attribute, maxBytes] of this.keyAttributes(schema)) {
      const problem = keyValueProblem(attribute, key[attribute.name], maxBytes);
      if (problem !== undefined) throw this.error(ErrorCodes.VALIDATION, problem, { key });
    }
    if (names.length !== expected) {
      throw this.error(ErrorCodes.VALIDATION, 'The key must hold exactly the key attributes of the table', { key });
    }
  }

  private keyAttributes(schema: TableSchema): [KeyAttribute, number][] {
    const attributes: [KeyAttribute, number][] = [[schema.partitionKey, DYNAMODB_MAX_PARTITION_KEY_BYTES]];
    if (schema.sortKey !== undefined) attributes.push([schema.sortKey, DYNAMODB_MAX_SORT_KEY_BYTES]);
    return attributes;
  }

  /**
   * Validate a whole item and return the copy to store: storable values, valid table keys, index key attributes
   * of the right type when present (DynamoDB refuses mismatches), size within `maxItemBytes` (else LIMIT_EXCEEDED).
   */
  private validateItem(schema: TableSchema, item: Item): SizedItem {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw this.error(ErrorCodes.VALIDATION, 'An item must be an object');
    }
    const problem = findInvalidValue(item, 'item');
    if (problem !== undefined) throw this.error(ErrorCodes.VALIDATION, problem);
    const copy = cloneItem(item);
    for (const [attribute, maxBytes] of this.keyAttributes(schema)) {
      const keyProblem = keyValueProblem(attribute, copy[attribute.name], maxBytes);
      if (keyProblem !== undefined) throw this.error(ErrorCodes.VALIDATION, keyProblem);
    }
    for (const index of schema.indexes) {
      const attributes: [KeyAttribute | undefined, number][] = [
        [index.partitionKey, DYNAMODB_MAX_PARTITION_KEY_BYTES],
        [index.sortKey, DYNAMODB_MAX_SORT_KEY_BYTES],
      ];
      for (const [attribute, maxBytes] of attributes) {
        if (attribute === undefined || copy[attribute.name] === undefined) continue;
        const indexProblem = keyValueProblem(attribute, copy[attribute.name], maxBytes);
        if (indexProblem !== undefined) {
          throw this.error(ErrorCodes.VALIDATION, `index ${index.name}: ${indexProblem}`, { index: index.name });
        }
      }
    }
    const size = itemSize(copy);
    if (size > this.capabilities.maxItemBytes) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `Item of ${size} bytes exceeds ${this.capabilities.maxItemBytes}`, {
        bytes: size,
        limit: this.capabilities.maxItemBytes,
        key: extractKey(schema, copy),
      });
    }
    return { item: copy, size };
  }

  private validateRange(range: RangeCondition, sortKey: KeyAttribute | undefined): void {
    if (sortKey === undefined) throw this.error(ErrorCodes.VALIDATION, 'A range condition needs a sort key');
    const check = (value: unknown): void => {
      const problem = keyValueProblem(sortKey, value, DYNAMODB_MAX_SORT_KEY_BYTES);
      if (problem !== undefined) throw this.error(ErrorCodes.VALIDATION, `range: ${problem}`);
    };
    switch (range.op) {
      case 'eq':
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        check(range.value);
        return;
      case 'between':
        check(range.low);
        check(range.high);
        if (compareKeyValues(range.low, range.high) > 0) {
          throw this.error(ErrorCodes.VALIDATION, 'between needs low <= high');
        }
        return;
      case 'beginsWith':
        if (sortKey.type !== 'S') throw this.error(ErrorCodes.VALIDATION, 'beginsWith needs a string sort key');
        check(range.prefix);
        return;
      default:
        throw this.error(ErrorCodes.VALIDATION, `unknown range operator`);
    }
  }

  /** Validate the actions and resolve their keys; two actions on one item throw LIMIT_EXCEEDED. */
  private planActions(schema: TableSchema, actions: readonly TransactAction[]): PlannedAction[] {
    const ids = new Set<string>();
    return actions.map((action, i) => {
      let key: ItemKey;
      let put: SizedItem | undefined;
      switch (action?.type) {
        case 'put':
          put = this.validateItem(schema, action.item);
          key = extractKey(schema, put.item);
          break;
        case 'update':
        case 'delete':
        case 'conditionCheck':
          this.validateKey(schema, action.key);
          key = action.key;
          break;
        default:
          throw this.error(ErrorCodes.VALIDATION, `action ${i}: unknown type`);
      }
      if (action.type === 'update') this.validateSet(schema, action.set);
      if (action.type === 'conditionCheck' && action.condition === undefined) {
        throw this.error(ErrorCodes.VALIDATION, `action ${i}: a conditionCheck needs a condition`);
      }
      if (action.condition !== undefined) {
        const problem = conditionProblem(action.condition);
        if (problem !== undefined) throw this.error(ErrorCodes.VALIDATION, `action ${i}: ${problem}`);
      }
      const id = primaryKeyId(schema, key);
      if (ids.has(id)) {
        throw this.error(ErrorCodes.LIMIT_EXCEEDED, 'Two actions of one transaction target the same item', { key });
      }
      ids.add(id);
      return put === undefined ? { action, key } : { action, key, put };
    });
  }

  private validateSet(schema: TableSchema, set: Item): void {
    if (typeof set !== 'object' || set === null || Array.isArray(set)) {
      throw this.error(ErrorCodes.VALIDATION, 'update.set must be an object');
    }
    for (const [attribute] of this.keyAttributes(schema)) {
      if (set[attribute.name] !== undefined) {
        throw this.error(ErrorCodes.VALIDATION, `Cannot update key attribute '${attribute.name}'`);
      }
    }
    const problem = findInvalidValue(set, 'set');
    if (problem !== undefined) throw this.error(ErrorCodes.VALIDATION, problem);
  }

  /**
   * What an action writes: the item as stored now, the item to store after it (`undefined`: delete / nothing)
   * and its bytes toward `maxTransactionBytes` (the written item, or the key for deletes and checks).
   */
  private resolveAction(table: MemoryTable, { action, key, put }: PlannedAction): ResolvedAction {
    const record = table.get(key);
    const stored = record?.item;
    const storedSize = record?.size ?? 0;
    switch (action.type) {
      case 'put':
        return { stored, storedSize, next: put, requestBytes: put!.size };
      case 'update': {
        const merged: Item = { ...(stored ?? {}) };
        for (const [name, value] of Object.entries(action.set)) if (value !== undefined) merged[name] = cloneValue(value);
        Object.assign(merged, key);
        const next = this.validateItem(table.schema, merged);
        return { stored, storedSize, next, requestBytes: next.size };
      }
      case 'delete':
      case 'conditionCheck':
        return { stored, storedSize, next: undefined, requestBytes: itemSize(key) };
    }
  }

  /** The replayed result for a token seen within 10 minutes, `undefined` for a new token; mismatch: VALIDATION. */
  private replayToken(token: string, table: string, requestFingerprint: string): TransactResult | undefined {
    const record = this.tokens.get(token);
    if (record === undefined) return undefined;
    if (this.clock() - record.at >= DYNAMODB_CLIENT_REQUEST_TOKEN_TTL_MS) {
      this.tokens.delete(token);
      return undefined;
    }
    if (record.table !== table || record.fingerprint !== requestFingerprint) {
      throw this.error(ErrorCodes.VALIDATION, 'The token was used with a different request (IdempotentParameterMismatch)', {
        token,
      });
    }
    return { committed: true, consumed: this.consume('transactWrite', { read: record.writeUnits, write: 0 }) };
  }
}

