/**
 * The in-memory twin of DynamoDB: a `KvDriver` with DynamoDB's limits, ordering, sparse indexes, transactions,
 * token idempotency and capacity metering, plus deterministic fault injection. Every call is atomic in JS terms:
 * after any injected latency it validates and applies synchronously, so concurrent callers interleave only
 * between calls, like separate requests.
 *
 * This class only coordinates. Per call it counts the request, draws the fault plan (and waits its latency),
 * finds the table, validates the request, lets a fail-fast fault throw, runs the table engine, meters the capacity
 * and lets a lost-response fault throw. Each part, with the choices it makes where DynamoDB leaves room:
 * - kv-validation.ts: what a request is refused for, and with which `DRIVER/*` code (duplicate and oversize items
 *   in transactions, empty batches, updates of key attributes);
 * - table-engine.ts: tables, indexes, reads, query pages and their cut, transactions (index lag, eventual reads);
 * - transaction-tokens.ts: ClientRequestToken idempotency for 10 minutes (replays reported as read units);
 * - capacity.ts: the capacity rules and the meter (cancelled transactions report zero);
 * - kv-faults.ts: which faults each operation suffers and what they do.
 */
import { ErrorCodes } from '../../src/errors/index.js';
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
import {
  batchGetReadUnits,
  batchWriteUnits,
  CANCELLED_TRANSACTION_CAPACITY,
  CapacityMeter,
  queryReadUnits,
  readUnits,
  transactionWriteUnits,
  type MeterSnapshot,
} from './capacity.js';
import { driverErrors, type DriverErrorFactory } from './errors.js';
import { delay, type FaultCounts, type FaultPlan, type ScriptedFault } from './faults.js';
import { LagSampler } from './index-lag.js';
import { DEFAULT_KV_CAPABILITIES, MEMORY_KV_DRIVER_NAME, parseKvOptions, type MemoryKvDriverOptions } from './kv-options.js';
import { KvFaults, type KvOperation } from './kv-faults.js';
import { KvRequestValidator } from './kv-validation.js';
import { TableEngine } from './table-engine.js';
import { scanTable } from './table-scan.js';
import { TransactionTokens } from './transaction-tokens.js';

export { KV_FAULTS, type KvOperation } from './kv-faults.js';
export { DYNAMODB_CLIENT_REQUEST_TOKEN_TTL_MS } from './transaction-tokens.js';

/** The in-memory DynamoDB twin. See the module comment for behaviour and where each choice is documented. */
export class MemoryKvDriver implements KvDriver {
  /** Limits and flags: DynamoDB's unless overridden by `options.capabilities`. */
  readonly capabilities: KvCapabilities;
  private readonly error: DriverErrorFactory;
  private readonly validate: KvRequestValidator;
  private readonly engine: TableEngine;
  private readonly tokens: TransactionTokens;
  private readonly capacityMeter: CapacityMeter;
  private readonly faults: KvFaults;
  private closed = false;
  /** Whether `ensureTable` may create a missing table (`createTable` option). */
  private readonly createTable: boolean;

  /** Throws `INPUT/INVALID_OPTIONS` when `options` are invalid. */
  constructor(options: MemoryKvDriverOptions = {}) {
    parseKvOptions(options);
    const name = options.name ?? options.capabilities?.name ?? MEMORY_KV_DRIVER_NAME;
    this.capabilities = Object.freeze({ ...DEFAULT_KV_CAPABILITIES, ...options.capabilities, name });
    this.error = driverErrors(name);
    this.faults = new KvFaults(options.faults, this.error);
    const clock = options.clock ?? Date.now;
    const lag =
      options.indexLag === undefined
        ? undefined
        : { sampler: new LagSampler(options.indexLag), clock, eventualReads: options.eventualReads === true };
    this.validate = new KvRequestValidator(this.capabilities, this.error);
    this.engine = new TableEngine(this.capabilities, this.validate, this.error, lag);
    this.tokens = new TransactionTokens(this.capabilities.idempotentTransactions, clock, this.error);
    this.capacityMeter = new CapacityMeter(this.capabilities.reportsCapacity);
    this.createTable = options.createTable ?? true;
  }

  /** Create the table (idempotent). A table of that name with another key schema or indexes: `DRIVER/SCHEMA_MISMATCH`. */
  async ensureTable(schema: TableSchema): Promise<EnsureTableResult> {
    this.assertOpen();
    this.validate.tableSchema(schema);
    if (!this.createTable) {
      this.engine.table(schema.name); // DRIVER/RESOURCE_NOT_FOUND when missing, as DynamoDB's driver with createTable off
      return { ...this.engine.ensureTable(schema), canCreate: false };
    }
    return this.engine.ensureTable(schema);
  }

  /** Delete the table and its items; no error when absent. Forgets tokens of transactions on it. */
  async dropTable(tableName: string): Promise<void> {
    this.assertOpen();
    this.engine.dropTable(tableName);
    this.tokens.forgetTable(tableName);
  }

  /** Read one item. Costs 1 RCU per 4 KB (half when eventually consistent); a missing item still costs one unit. */
  async get(
    table: string,
    key: ItemKey,
    options: { readonly consistent?: boolean } = {},
  ): Promise<{ readonly item: Item | undefined; readonly consumed: ConsumedCapacity }> {
    const plan = await this.begin('get');
    const memoryTable = this.engine.table(table);
    this.validate.key(memoryTable.schema, key);
    this.faults.throwIfFailFast(plan);
    const consistent = options.consistent === true;
    const { item, size } = this.engine.get(memoryTable, key, consistent);
    return { item, consumed: this.capacityMeter.consume('get', { read: readUnits(size, consistent), write: 0 }) };
  }

  /** Read one page of a partition of the table or an index. Costs the bytes read, rounded up to 4 KB once. */
  async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const plan = await this.begin('query');
    const memoryTable = this.engine.table(table);
    const query = this.validate.query(memoryTable.schema, request);
    this.faults.throwIfFailFast(plan);
    const { page, bytesRead } = this.engine.query(memoryTable, query);
    const read = queryReadUnits(bytesRead, query.index, query.consistent);
    return { ...page, consumed: this.capacityMeter.consume('query', { read, write: 0 }) };
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
    const memoryTable = this.engine.table(table);
    this.validate.batchGet(memoryTable.schema, keys);
    this.faults.throwIfFailFast(plan);
    const consistent = options.consistent === true;
    const skip = this.faults.unprocessed(plan, keys.length);
    const { items, unprocessedKeys, readSizes } = this.engine.batchGet(memoryTable, keys, skip, consistent);
    const read = batchGetReadUnits(readSizes, consistent);
    return { items, unprocessedKeys, consumed: this.capacityMeter.consume('batchGet', { read, write: 0 }) };
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
    const memoryTable = this.engine.table(table);
    const planned = this.validate.batchWrite(memoryTable.schema, requests);
    this.faults.throwIfFailFast(plan);
    const skip = this.faults.unprocessed(plan, requests.length);
    const { unprocessed, writes } = this.engine.batchWrite(memoryTable, planned, skip);
    const consumed = this.capacityMeter.consume('batchWrite', { read: 0, write: batchWriteUnits(writes) });
    this.faults.throwIfLostResponse(plan);
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
    const memoryTable = this.engine.table(table);
    const planned = this.validate.transaction(memoryTable.schema, actions, options.token);
    this.faults.throwIfFailFast(plan);
    const tokened = this.tokens.open(options.token, table, actions);
    if (tokened?.replay !== undefined) {
      const consumed = this.capacityMeter.consume('transactWrite', tokened.replay);
      this.faults.throwIfLostResponse(plan);
      return { committed: true, consumed };
    }
    const prepared = this.engine.prepareTransaction(memoryTable, planned);
    this.validate.transactionBytes(prepared.requestBytes);
    const reasons = this.faults.conflict(plan, actions.length) ?? prepared.failedConditions();
    if (reasons !== undefined) {
      return { committed: false, reasons, consumed: this.capacityMeter.consume('transactWrite', CANCELLED_TRANSACTION_CAPACITY) };
    }
    const write = transactionWriteUnits(prepared.commit());
    tokened?.remember(write);
    const consumed = this.capacityMeter.consume('transactWrite', { read: 0, write });
    this.faults.throwIfLostResponse(plan);
    return { committed: true, consumed };
  }

  /**
   * One page of one segment of a full-table scan (see table-scan.ts): the current state, no injected faults, not
   * counted among the requests (it is the operations tools', not the store's). Costs the bytes read, as a query.
   */
  async scan(table: string, request: ScanRequest): Promise<ScanPage> {
    this.assertOpen();
    const consistent = request.consistent === true;
    const { items, cursor, bytesRead } = scanTable(this.engine.table(table), request, this.capabilities, this.error);
    const consumed = this.capabilities.reportsCapacity
      ? { read: queryReadUnits(bytesRead, undefined, consistent), write: 0 }
      : { read: 0, write: 0 };
    return cursor === undefined ? { items, consumed } : { items, cursor, consumed };
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
    this.faults.inject(operation, fault);
  }

  /** How many faults of each kind took effect so far. */
  faultCounts(): FaultCounts {
    return this.faults.counts();
  }

  /** Cumulative requests and consumed capacity per operation type, since creation or the last `resetMeter`. */
  meter(): MeterSnapshot {
    return this.capacityMeter.snapshot();
  }

  /** Zero the meter. */
  resetMeter(): void {
    this.capacityMeter.reset();
  }

  /** Start a call: refuse it when closed, count the request, draw its fault plan and wait out its latency. */
  private async begin(operation: KvOperation): Promise<FaultPlan> {
    this.assertOpen();
    this.capacityMeter.request(operation);
    const plan = this.faults.plan(operation);
    if (plan.delayMs > 0) {
      await delay(plan.delayMs);
      this.assertOpen();
    }
    return plan;
  }

  private assertOpen(): void {
    if (this.closed) throw this.error(ErrorCodes.CLOSED, 'The driver is closed');
  }
}
