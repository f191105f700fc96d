/**
 * Request validation of the KV driver: what a call is refused for, and with which code, before it touches a
 * table. Malformed input throws `DRIVER/VALIDATION`; input over a limit of the driver's capabilities throws
 * `DRIVER/LIMIT_EXCEEDED`. Validation reads only the request and the table's schema, never the stored items.
 *
 * Choices where DynamoDB leaves room:
 * - Two actions of one transaction on the same item throw `DRIVER/LIMIT_EXCEEDED` (the port's contract; DynamoDB
 *   answers ValidationException). An oversize item inside a transaction throws `DRIVER/LIMIT_EXCEEDED` too, as
 *   DynamoDB throws ValidationException rather than cancelling.
 * - Empty batches and empty transactions throw `DRIVER/VALIDATION` (DynamoDB requires at least one element).
 * - `update` may not set key attributes (`DRIVER/VALIDATION`, as DynamoDB refuses to update a key attribute).
 */
import { ErrorCodes } from '../../src/errors/index.js';
import { itemSize } from '../../src/layout/item-size.js';
import { DYNAMODB_MAX_CLIENT_REQUEST_TOKEN_LENGTH } from '../../src/layout/limits.js';
import type {
  Item,
  ItemKey,
  KeyAttribute,
  KeyValue,
  KvCapabilities,
  QueryRequest,
  RangeCondition,
  TableSchema,
  TransactAction,
  WriteRequest,
} from '../../src/ports/kv-driver.js';
import { cloneItem, findInvalidValue } from './attribute-values.js';
import { conditionProblem } from './conditions.js';
import type { DriverErrorFactory } from './errors.js';
import {
  DYNAMODB_MAX_PARTITION_KEY_BYTES,
  DYNAMODB_MAX_SORT_KEY_BYTES,
  compareKeyValues,
  extractKey,
  keyValueProblem,
  primaryKeyId,
} from './key-schema.js';
import type { SizedItem } from './memory-table.js';
import { decodeCursor } from './query-cursor.js';
import type { Position } from './sorted-entries.js';
import { DYNAMODB_MAX_GLOBAL_SECONDARY_INDEXES, schemaProblems } from './table-schema.js';

/** A validated query: what to read, with the cursor decoded and the limit defaulted (no limit: infinity). */
export interface ValidQuery {
  readonly index: string | undefined;
  readonly partition: KeyValue;
  readonly range: RangeCondition | undefined;
  readonly direction: 'asc' | 'desc';
  /** The position after which the page starts, `undefined` for the first page. */
  readonly cursor: Position | undefined;
  readonly limit: number;
  readonly consistent: boolean;
}

/** A validated batch-write request with its target key and, for a put, the validated copy of its item. */
export interface PlannedWrite {
  readonly request: WriteRequest;
  readonly key: ItemKey;
  /** For a put: the item to store; `undefined` for a delete. */
  readonly item: SizedItem | undefined;
}

/** A validated transaction action with its target key resolved. */
export interface PlannedAction {
  readonly action: TransactAction;
  readonly key: ItemKey;
  /** For a put: the validated copy of its item. */
  readonly put?: SizedItem;
}

/** Validates requests against the driver's capabilities; errors come from the driver's error factory. */
export class KvRequestValidator {
  /** Limits come from `capabilities`; every refusal is built by `error` (which names the driver). */
  constructor(
    private readonly capabilities: KvCapabilities,
    private readonly error: DriverErrorFactory,
  ) {}

  /** A schema for `ensureTable`: CreateTable's rules (`DRIVER/VALIDATION`), at most 20 indexes (LIMIT_EXCEEDED). */
  tableSchema(schema: TableSchema): void {
    const problems = schemaProblems(schema);
    if (problems.length > 0) throw this.error(ErrorCodes.VALIDATION, problems.join('; '), { problems });
    if (schema.indexes.length > DYNAMODB_MAX_GLOBAL_SECONDARY_INDEXES) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `At most ${DYNAMODB_MAX_GLOBAL_SECONDARY_INDEXES} indexes`);
    }
  }

  /** A primary key: exactly the table's key attributes, with valid values (else `DRIVER/VALIDATION`). */
  key(schema: TableSchema, key: ItemKey): void {
    if (typeof key !== 'object' || key === null) throw this.error(ErrorCodes.VALIDATION, 'A key must be an object');
    const names = Object.keys(key).filter((name) => key[name] !== undefined);
    const expected = schema.sortKey === undefined ? 1 : 2;
    for (const [attribute, maxBytes] of keyAttributes(schema)) {
      const problem = keyValueProblem(attribute, key[attribute.name], maxBytes);
      if (problem !== undefined) throw this.error(ErrorCodes.VALIDATION, problem, { key });
    }
    if (names.length !== expected) {
      throw this.error(ErrorCodes.VALIDATION, 'The key must hold exactly the key attributes of the table', { key });
    }
  }

  /**
   * A whole item, returning the copy to store: storable values, valid table keys, index key attributes of the
   * right type when present (DynamoDB refuses mismatches) (`DRIVER/VALIDATION`), size within `maxItemBytes`
   * (else `DRIVER/LIMIT_EXCEEDED`).
   */
  item(schema: TableSchema, item: Item): SizedItem {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw this.error(ErrorCodes.VALIDATION, 'An item must be an object');
    }
    const problem = findInvalidValue(item, 'item');
    if (problem !== undefined) throw this.error(ErrorCodes.VALIDATION, problem);
    const copy = cloneItem(item);
    for (const [attribute, maxBytes] of keyAttributes(schema)) {
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

  /**
   * A query (`DRIVER/VALIDATION` for each problem): an existing index, `consistent` on an index only with
   * `consistentIndexReads`, a valid partition value and range, a direction, a limit >= 1, and a cursor of this
   * very query.
   */
  query(schema: TableSchema, request: QueryRequest): ValidQuery {
    let partitionKey: KeyAttribute = schema.partitionKey;
    let sortKey: KeyAttribute | undefined = schema.sortKey;
    if (request.index !== undefined) {
      const index = schema.indexes.find((candidate) => candidate.name === request.index);
      if (index === undefined) {
        throw this.error(ErrorCodes.VALIDATION, `Table ${schema.name} has no index ${request.index}`, { index: request.index });
      }
      if (request.consistent === true && !this.capabilities.consistentIndexReads) {
        throw this.error(ErrorCodes.VALIDATION, 'Consistent reads are not supported on global secondary indexes');
      }
      partitionKey = index.partitionKey;
      sortKey = index.sortKey;
    }
    const partitionProblem = keyValueProblem(partitionKey, request.partition, DYNAMODB_MAX_PARTITION_KEY_BYTES);
    if (partitionProblem !== undefined) throw this.error(ErrorCodes.VALIDATION, partitionProblem);
    if (request.range !== undefined) this.range(request.range, sortKey);
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
    return {
      index: request.index,
      partition: request.partition,
      range: request.range,
      direction: request.direction,
      cursor,
      limit: request.limit ?? Number.POSITIVE_INFINITY,
      consistent: request.consistent === true,
    };
  }

  /** Batch-get keys: at least one (`DRIVER/VALIDATION`), at most `maxBatchGetKeys` (LIMIT_EXCEEDED), valid, distinct. */
  batchGet(schema: TableSchema, keys: readonly ItemKey[]): void {
    if (keys.length === 0) throw this.error(ErrorCodes.VALIDATION, 'A batch-get needs at least one key');
    if (keys.length > this.capabilities.maxBatchGetKeys) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `A batch-get takes at most ${this.capabilities.maxBatchGetKeys} keys`, {
        count: keys.length,
        limit: this.capabilities.maxBatchGetKeys,
      });
    }
    const ids = new Set<string>();
    for (const key of keys) {
      this.key(schema, key);
      const id = primaryKeyId(schema, key);
      if (ids.has(id)) throw this.error(ErrorCodes.VALIDATION, 'A batch-get contains duplicate keys', { key });
      ids.add(id);
    }
  }

  /**
   * Batch-write requests, planned in order: at least one (`DRIVER/VALIDATION`), at most `maxBatchWriteItems`
   * (LIMIT_EXCEEDED), each a put of a valid item or a delete of a valid key, on distinct items.
   */
  batchWrite(schema: TableSchema, requests: readonly WriteRequest[]): PlannedWrite[] {
    if (requests.length === 0) throw this.error(ErrorCodes.VALIDATION, 'A batch-write needs at least one request');
    if (requests.length > this.capabilities.maxBatchWriteItems) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `A batch-write takes at most ${this.capabilities.maxBatchWriteItems} requests`, {
        count: requests.length,
        limit: this.capabilities.maxBatchWriteItems,
      });
    }
    const ids = new Set<string>();
    return requests.map((request) => {
      let key: ItemKey;
      let item: SizedItem | undefined;
      if ('put' in request) {
        item = this.item(schema, request.put);
        key = extractKey(schema, item.item);
      } else if ('delete' in request) {
        this.key(schema, request.delete);
        key = request.delete;
      } else {
        throw this.error(ErrorCodes.VALIDATION, 'A write request needs put or delete');
      }
      const id = primaryKeyId(schema, key);
      if (ids.has(id)) throw this.error(ErrorCodes.VALIDATION, 'A batch-write contains duplicate keys', { key });
      ids.add(id);
      return { request, key, item };
    });
  }

  /**
   * A transaction, planned in order: at least one action (`DRIVER/VALIDATION`), at most `maxTransactionActions`
   * (LIMIT_EXCEEDED), a token of 1 to 36 characters when given, well-formed actions (a put of a valid item, an
   * update / delete / condition check of a valid key, valid conditions, a `set` without key attributes) and no two
   * on one item (LIMIT_EXCEEDED).
   */
  transaction(schema: TableSchema, actions: readonly TransactAction[], token: string | undefined): PlannedAction[] {
    if (actions.length === 0) throw this.error(ErrorCodes.VALIDATION, 'A transaction needs at least one action');
    if (actions.length > this.capabilities.maxTransactionActions) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `A transaction takes at most ${this.capabilities.maxTransactionActions} actions`, {
        count: actions.length,
        limit: this.capabilities.maxTransactionActions,
      });
    }
    if (
      token !== undefined &&
      (typeof token !== 'string' || token.length === 0 || token.length > DYNAMODB_MAX_CLIENT_REQUEST_TOKEN_LENGTH)
    ) {
      throw this.error(ErrorCodes.VALIDATION, `A token is 1 to ${DYNAMODB_MAX_CLIENT_REQUEST_TOKEN_LENGTH} characters`);
    }
    const ids = new Set<string>();
    return actions.map((action, i) => {
      let key: ItemKey;
      let put: SizedItem | undefined;
      switch (action?.type) {
        case 'put':
          put = this.item(schema, action.item);
          key = extractKey(schema, put.item);
          break;
        case 'update':
        case 'delete':
        case 'conditionCheck':
          this.key(schema, action.key);
          key = action.key;
          break;
        default:
          throw this.error(ErrorCodes.VALIDATION, `action ${i}: unknown type`);
      }
      if (action.type === 'update') this.set(schema, action.set);
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

  /** The bytes of a transaction's items (known once resolved): at most `maxTransactionBytes` (else LIMIT_EXCEEDED). */
  transactionBytes(bytes: number): void {
    if (bytes > this.capabilities.maxTransactionBytes) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `A transaction holds at most ${this.capabilities.maxTransactionBytes} bytes of items`, {
        bytes,
        limit: this.capabilities.maxTransactionBytes,
      });
    }
  }

  private set(schema: TableSchema, set: Item): void {
    if (typeof set !== 'object' || set === null || Array.isArray(set)) {
      throw this.error(ErrorCodes.VALIDATION, 'update.set must be an object');
    }
    for (const [attribute] of keyAttributes(schema)) {
      if (set[attribute.name] !== undefined) {
        throw this.error(ErrorCodes.VALIDATION, `Cannot update key attribute '${attribute.name}'`);
      }
    }
    const problem = findInvalidValue(set, 'set');
    if (problem !== undefined) throw this.error(ErrorCodes.VALIDATION, problem);
  }

  private range(range: RangeCondition, sortKey: KeyAttribute | undefined): void {
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
}

/** The table's key attributes with the byte limit of each. */
function keyAttributes(schema: TableSchema): [KeyAttribute, number][] {
  const attributes: [KeyAttribute, number][] = [[schema.partitionKey, DYNAMODB_MAX_PARTITION_KEY_BYTES]];
  if (schema.sortKey !== undefined) attributes.push([schema.sortKey, DYNAMODB_MAX_SORT_KEY_BYTES]);
  return attributes;
}
