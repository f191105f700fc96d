/**
 * The key-value port: a DynamoDB-shaped driver. A driver performs exactly ONE backend call per primitive
 * and reports exactly what happened. It never retries, chunks, or loops over unprocessed keys: the core does.
 *
 * Failures of a whole request are thrown as `EventStoreAdapterError` with a `DRIVER/*` code
 * (`THROTTLED`, `TRANSIENT`, `VALIDATION`, `LIMIT_EXCEEDED`, `RESOURCE_NOT_FOUND`, `ACCESS_DENIED`,
 * `SCHEMA_MISMATCH`, `BACKEND`). A cancelled transaction is NOT thrown: it is reported per action.
 *
 * Writes that may have landed (MUST): a failed `transactWrite` or `batchWrite` whose request may have been applied
 * without the driver learning the outcome carries `details.mayHaveLanded: true`, WHATEVER its code. That includes
 * every attempt the backend client made on its own: the AWS SDK retries a request itself and throws only the last
 * attempt's error, so a transaction whose first attempt committed unanswered and whose retries were throttled
 * ends in `DRIVER/THROTTLED`, a code that otherwise proves a refusal. The core treats a `THROTTLED` or
 * `TRANSACTION_CONFLICT` write as refused (not applied) unless `mayHaveLanded` is set, and then the write is
 * ambiguous (it keeps its blobs and proves the outcome, or fails `STORE/OUTCOME_UNKNOWN`). A driver that cannot
 * tell sets it (over-reporting costs a read, under-reporting can lose a committed write). `TRANSIENT` is always
 * treated as possibly applied. Checked by the contract suite's "attempt outcomes" group when the fixture can
 * inject a lost attempt (`KvFixture.lostAttempts`).
 */

/** A scalar attribute value usable in keys. */
export type KeyValue = string | number;

/**
 * An attribute value: JSON-like data plus binary. Maps are plain objects. `undefined` is never stored
 * (drivers drop attributes whose value is `undefined`, as DynamoDB's document client does with `removeUndefinedValues`).
 */
export type AttributeValue = string | number | boolean | null | Uint8Array | AttributeValue[] | { [name: string]: AttributeValue };

/** An item: attribute name to value. Must contain the table's key attributes. */
export type Item = Record<string, AttributeValue>;

/** A primary key: the table's partition key attribute and, if the table has one, its sort key attribute. */
export type ItemKey = Record<string, KeyValue>;

/** Type of a key attribute: `'S'` string or `'N'` number, as in DynamoDB. */
export type KeyType = 'S' | 'N';

/** A key attribute definition. */
export interface KeyAttribute {
  /** Attribute name. */
  readonly name: string;
  /** Attribute type. */
  readonly type: KeyType;
}

/** A global secondary index. Items lacking the index's key attributes are not in the index (sparse). */
export interface IndexSchema {
  /** Index name, unique within the table. */
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** `'ALL'` copies every attribute into the index; `'KEYS_ONLY'` only table and index keys. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

/** A table and its global secondary indexes. */
export interface TableSchema {
  /** Full table name (any prefix already applied). */
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexSchema[];
}

/**
 * An abstract condition on the item an action targets, evaluated against the item as stored before the action.
 * Drivers translate it into their backend's form; no backend expression strings cross this port.
 */
export type Condition =
  /** The item does not exist. */
  | { readonly kind: 'notExists' }
  /** The item exists. */
  | { readonly kind: 'exists' }
  /** The item exists and `attribute` equals `value` (scalars only). */
  | { readonly kind: 'equals'; readonly attribute: string; readonly value: KeyValue | boolean }
  /** Either sub-condition holds. */
  | { readonly kind: 'or'; readonly conditions: readonly Condition[] }
  /** Every sub-condition holds. */
  | { readonly kind: 'and'; readonly conditions: readonly Condition[] };

/** One action of a transaction. No two actions of one transaction may target the same item. */
export type TransactAction =
  /** Write `item` whole (replacing any existing item with its key). */
  | { readonly type: 'put'; readonly item: Item; readonly condition?: Condition }
  /** Set the given attributes on the item at `key`, creating it if absent (an upsert). */
  | { readonly type: 'update'; readonly key: ItemKey; readonly set: Item; readonly condition?: Condition }
  /** Delete the item at `key` (no error when absent, unless the condition says otherwise). */
  | { readonly type: 'delete'; readonly key: ItemKey; readonly condition?: Condition }
  /** Only check the condition on the item at `key`; writes nothing. */
  | { readonly type: 'conditionCheck'; readonly key: ItemKey; readonly condition: Condition };

/** Why one action of a cancelled transaction failed. */
export type ActionFailure =
  /** This action did not fail (another action did). */
  | { readonly kind: 'none' }
  /** The action's condition did not hold; `item` is the item as stored (absent when there was none). */
  | { readonly kind: 'conditionFailed'; readonly item?: Item }
  /** A concurrent transaction touched this item (retryable). */
  | { readonly kind: 'conflict' }
  /** The item's partition was throttled (retryable). */
  | { readonly kind: 'throttled' }
  /** The action was invalid (for example the item is too large). `message` is the backend's text. */
  | { readonly kind: 'validation'; readonly message: string };

/** Capacity consumed by one call, in DynamoDB units (RCU, WCU), table and indexes together. */
export interface ConsumedCapacity {
  /** Read capacity units. */
  readonly read: number;
  /** Write capacity units. */
  readonly write: number;
}

/** Outcome of a transaction: committed whole, or cancelled with one reason per action (same order as the actions). */
export type TransactResult =
  | { readonly committed: true; readonly consumed: ConsumedCapacity }
  | { readonly committed: false; readonly reasons: readonly ActionFailure[]; readonly consumed: ConsumedCapacity };

/** A range condition on the sort key of a query. */
export type RangeCondition =
  | { readonly op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte'; readonly value: KeyValue }
  | { readonly op: 'between'; readonly low: KeyValue; readonly high: KeyValue }
  | { readonly op: 'beginsWith'; readonly prefix: string };

/** A query of one partition of the table or of an index. */
export interface QueryRequest {
  /** Index name; absent to query the table. */
  readonly index?: string;
  /** Value of the (table or index) partition key. */
  readonly partition: KeyValue;
  /** Optional condition on the sort key. */
  readonly range?: RangeCondition;
  /** Sort-key order. */
  readonly direction: 'asc' | 'desc';
  /** Maximum items evaluated (the backend also stops at `maxQueryPageBytes`). */
  readonly limit?: number;
  /** Opaque cursor from a previous page of the SAME query; absent for the first page. */
  readonly cursor?: string;
  /** Strongly consistent read (table only; see `capabilities.consistentIndexReads`). */
  readonly consistent?: boolean;
}

/** One page of a query. */
export interface QueryPage {
  /** Items in sort-key order (ties in an index's sort key in an order stable across pages). */
  readonly items: Item[];
  /** Present when more items MAY follow: pass it back as `cursor`. Absent when the query is exhausted. */
  readonly cursor?: string;
  readonly consumed: ConsumedCapacity;
}

/**
 * One page of one segment of a full-table scan (`KvDriver.scan`): for the operations tools (`/ops` verify, stats,
 * the old-adapter migration), which read a whole table; the store itself never scans.
 */
export interface ScanRequest {
  /** This segment, 0-based, of `segments` (1 or more) disjoint segments that together hold every item exactly once. */
  readonly segment: number;
  readonly segments: number;
  /** Most items evaluated; the page also ends at `maxQueryPageBytes`, as a query page. */
  readonly limit?: number;
  /** Opaque cursor from the previous page of the SAME segment; absent for its first page. */
  readonly cursor?: string;
  /** Strongly consistent scan. */
  readonly consistent?: boolean;
  /** Only these attributes of each item (name the key attributes to get them too); absent: whole items. */
  readonly attributes?: readonly string[];
}

/** One page of a scan segment: items in no particular order, `cursor` while more may follow (as {@link QueryPage}). */
export interface ScanPage {
  readonly items: Item[];
  readonly cursor?: string;
  readonly consumed: ConsumedCapacity;
}

/** One request of a batch write. */
export type WriteRequest = { readonly put: Item } | { readonly delete: ItemKey };

/** A KV driver's limits and flags. The core plans from these; the contract suite gates optional groups on them. */
export interface KvCapabilities {
  /** Driver name, used in error messages. */
  readonly name: string;
  /** Largest item in bytes, by DynamoDB's item-size rules (DynamoDB: 409,600). */
  readonly maxItemBytes: number;
  /** Most actions in one transaction (DynamoDB: 100). */
  readonly maxTransactionActions: number;
  /** Most total item bytes in one transaction (DynamoDB: 4 MB). */
  readonly maxTransactionBytes: number;
  /** Most keys in one batch-get (DynamoDB: 100). */
  readonly maxBatchGetKeys: number;
  /** Most requests in one batch-write (DynamoDB: 25). */
  readonly maxBatchWriteItems: number;
  /**
   * A query page ends with the first item at which the bytes of items read (DynamoDB's item sizes) reach this
   * (that item included), as DynamoDB Local does (DynamoDB: 1 MB).
   */
  readonly maxQueryPageBytes: number;
  /** Whether index queries can be strongly consistent (DynamoDB: false, GSIs are eventually consistent). */
  readonly consistentIndexReads: boolean;
  /** Whether `transactWrite` honours `token` idempotency (a replayed token does not apply twice). */
  readonly idempotentTransactions: boolean;
  /** Whether the driver reports consumed capacity (zeros otherwise). */
  readonly reportsCapacity: boolean;
}

/** What `ensureTable` did. */
export interface EnsureTableResult {
  /** True when this very call created the table; false when it already existed (or a concurrent call created it). */
  readonly created: boolean;
  /**
   * False when the driver is configured never to create tables (DynamoDB `createTable: false`, the drop-in's
   * `skipDynamoDBTableCreation`): the core then never drops the table (`resetStore` refuses), since it could not
   * re-create it. Absent: the driver may create tables.
   */
  readonly canCreate?: boolean;
}

/**
 * The requests of the key-value driver contract: each method performs one backend call (ensure/drop may poll until
 * ready). Every decorator of the core forwards them generically (src/runtime/decorate.ts): a new request is declared here and
 * listed there.
 */
export interface KvRequests {
  /**
   * Create the table and its indexes if absent and wait until usable. Idempotent and safe to call concurrently.
   * Resolves to `{ created: true }` only for the ONE call whose request created the table (a concurrent caller
   * that found it being created, or a call on an existing table, gets `false`): the core records this, so that it
   * never deletes a table it did not create. A call abandoned (its `withSignal` signal fired) after its creation
   * request was sent passes the report on: the driver's next `ensureTable` of that table resolves `{ created: true }`.
   * An existing table whose key schema or indexes differ throws
   * `DRIVER/SCHEMA_MISMATCH` listing the differences.
   */
  ensureTable(schema: TableSchema): Promise<EnsureTableResult>;

  /** Delete the table if present and wait until it is gone. No error when absent. */
  dropTable(tableName: string): Promise<void>;

  /** Read one item by primary key; `undefined` when absent. */
  get(
    table: string,
    key: ItemKey,
    options?: { readonly consistent?: boolean },
  ): Promise<{ readonly item: Item | undefined; readonly consumed: ConsumedCapacity }>;

  /** Read one page of a partition of the table or an index. */
  query(table: string, request: QueryRequest): Promise<QueryPage>;

  /**
   * Read up to `capabilities.maxBatchGetKeys` items by key. Returns the items found (any order) and the keys
   * the backend did not process; keys not found and not unprocessed are simply absent.
   */
  batchGet(
    table: string,
    keys: readonly ItemKey[],
    options?: { readonly consistent?: boolean },
  ): Promise<{ readonly items: Item[]; readonly unprocessedKeys: ItemKey[]; readonly consumed: ConsumedCapacity }>;

  /**
   * Apply up to `capabilities.maxBatchWriteItems` unconditional puts/deletes (not atomic).
   * Returns the requests the backend did not process. A failure that may have applied any of them carries
   * `details.mayHaveLanded: true` (see the module doc).
   */
  batchWrite(
    table: string,
    requests: readonly WriteRequest[],
  ): Promise<{ readonly unprocessed: WriteRequest[]; readonly consumed: ConsumedCapacity }>;

  /**
   * Apply all actions atomically or none. At most `maxTransactionActions` actions and `maxTransactionBytes`
   * bytes; more throws `DRIVER/LIMIT_EXCEEDED`, as do two actions on one item. A cancelled transaction returns
   * `committed: false` with one reason per action; a failed condition carries the stored item.
   * `token` (at most 36 characters) makes a retried call idempotent where `capabilities.idempotentTransactions`.
   * A thrown failure of a call any of whose attempts may have committed carries `details.mayHaveLanded: true`,
   * whatever its code (see the module doc).
   */
  transactWrite(table: string, actions: readonly TransactAction[], options?: { readonly token?: string }): Promise<TransactResult>;
}

/** The key-value driver contract: its requests, its limits, and optional members the core checks for. */
export interface KvDriver extends KvRequests {
  /** Limits and flags; constant for the driver's lifetime. */
  readonly capabilities: KvCapabilities;

  /**
   * Attempts the backend client itself makes per call (the AWS SDK's `maxAttempts`, 3 by default), when the
   * driver knows it; the core divides its own retry budget by it so the two do not multiply silently.
   */
  clientMaxAttempts?(): Promise<number>;

  /**
   * This driver with every request it sends bound to `signal`: when `signal` fires, requests in flight are
   * abandoned (their connections released, table waits cut short) and reject. The core binds each call's
   * requests to that call's budget (deadline, abort signals), so that no request outlives its call. Optional: the
   * core races every request against the call's budget anyway; without it a request that never answers keeps its
   * resources until the backend client's own timeouts.
   */
  withSignal?(signal: AbortSignal): KvDriver;

  /**
   * One page of one segment of a scan of the whole table ({@link ScanRequest}): every item of the table is in
   * exactly one segment, and a segment's cursor chain yields each of its items once. Optional: only the operations
   * tools scan (the store never does, so the core's decorators do not forward it); DynamoDB's driver and the twin
   * have it. A malformed request is `DRIVER/VALIDATION`.
   */
  scan?(table: string, request: ScanRequest): Promise<ScanPage>;

  /** Release resources (clients the driver created). The driver is unusable afterwards. */
  close?(): Promise<void>;
}
