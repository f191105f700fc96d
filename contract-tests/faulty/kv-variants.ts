/**
 * Deliberately faulty KV drivers, each a decorator around a CORRECT driver that plants one bug. They exist to
 * prove the contract suite catches real mistakes: the self-test runs the relevant checks against each and
 * requires a rejection. Never use them for anything else.
 */
import { ErrorCodes, EventStoreAdapterError, hasCode } from '../../src/errors/index.js';
import type {
  ActionFailure,
  EnsureTableResult,
  Item,
  ItemKey,
  KeyValue,
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
import { canonical } from '../harness.js';
import { actionKey, keyString, primaryKey } from '../kv/model.js';
import { ForwardingKvDriver } from './forwarding.js';

/** Bug: strips the condition of every put, update and delete before forwarding (condition checks are kept). */
export class IgnoresConditionsKvDriver extends ForwardingKvDriver {
  override transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const stripped = actions.map((action): TransactAction => {
      if (action.type === 'conditionCheck') return action;
      const { condition: _dropped, ...rest } = action;
      return rest as TransactAction;
    });
    return this.inner.transactWrite(table, stripped, options);
  }
}

/**
 * Bug: not atomic. Forwards the actions one by one as single-action transactions, so the actions before a failing
 * one stay committed; reports the failing action's reason and `none` for the others.
 */
export class PartialTransactionKvDriver extends ForwardingKvDriver {
  override async transactWrite(table: string, actions: readonly TransactAction[]): Promise<TransactResult> {
    const reasons: ActionFailure[] = actions.map(() => ({ kind: 'none' }));
    let committed = true;
    for (const [index, action] of actions.entries()) {
      const result = await this.inner.transactWrite(table, [action]);
      if (!result.committed) {
        reasons[index] = result.reasons[0] ?? { kind: 'none' };
        committed = false;
      }
    }
    const consumed = { read: 0, write: 0 };
    return committed ? { committed: true, consumed } : { committed: false, reasons, consumed };
  }
}

/** Bug: marks every action of a cancelled transaction as `conditionFailed`, not only the failing ones. */
export class BlamesEveryActionKvDriver extends ForwardingKvDriver {
  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const result = await this.inner.transactWrite(table, actions, options);
    if (result.committed) return result;
    return { ...result, reasons: result.reasons.map((reason) => (reason.kind === 'none' ? { kind: 'conditionFailed' } : reason)) };
  }
}

/** Bug: the last page of a multi-page query comes back empty (its items are lost). */
export class DropsLastQueryPageKvDriver extends ForwardingKvDriver {
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    return request.cursor !== undefined && page.cursor === undefined ? { ...page, items: [] } : page;
  }
}

/** Bug: swaps the first two items of every page of two or more items. */
export class MisordersPageKvDriver extends ForwardingKvDriver {
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    if (page.items.length < 2) return page;
    const [first, second, ...rest] = page.items;
    return { ...page, items: [second!, first!, ...rest] };
  }
}

/** Bug: a page after a cursor starts with the last item of the previous page (one item repeated per page). */
export class RepeatsItemAcrossCursorKvDriver extends ForwardingKvDriver {
  private readonly lastItemByCursor = new Map<string, Item>();
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    const last = page.items[page.items.length - 1];
    if (page.cursor !== undefined && last !== undefined) this.lastItemByCursor.set(page.cursor, last);
    const repeated = request.cursor === undefined ? undefined : this.lastItemByCursor.get(request.cursor);
    return repeated === undefined ? page : { ...page, items: [structuredClone(repeated), ...page.items] };
  }
}

/** Bug: resuming from a cursor skips the first item of the next page. */
export class CursorSkipsItemKvDriver extends ForwardingKvDriver {
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    return request.cursor === undefined ? page : { ...page, items: page.items.slice(1) };
  }
}

/** Bug: ignores the page byte cut: keeps reading inner pages into one page until the limit or the end. */
export class IgnoresPageBytesKvDriver extends ForwardingKvDriver {
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    let page = await this.inner.query(table, request);
    const items = [...page.items];
    while (page.cursor !== undefined && (request.limit === undefined || items.length < request.limit)) {
      const remaining = request.limit === undefined ? {} : { limit: request.limit - items.length };
      page = await this.inner.query(table, { ...request, ...remaining, cursor: page.cursor });
      items.push(...page.items);
    }
    return { ...page, items };
  }
}

/**
 * Bug: loses unprocessed keys. Sends only the first half of a batch-get to the backend and reports the other
 * half neither as items nor as unprocessed keys (a correct driver would return them as `unprocessedKeys`).
 */
export class LosesUnprocessedKeysKvDriver extends ForwardingKvDriver {
  override async batchGet(table: string, keys: readonly ItemKey[], options?: { readonly consistent?: boolean }) {
    const sent = keys.slice(0, Math.ceil(keys.length / 2));
    return this.inner.batchGet(table, sent, options);
  }
}

/**
 * Bug: shares references. Keeps the very objects it was given by puts (no copy) and hands them out from
 * get/query/batchGet, so mutating a written or returned object changes what later reads see.
 */
export class SharesReferencesKvDriver extends ForwardingKvDriver {
  private readonly cache = new Map<string, Item>();

  private id(table: string, item: Item | ItemKey): string | undefined {
    const schema = this.schemas.get(table);
    return schema === undefined ? undefined : `${table}|${keyString(schema, item)}`;
  }
  private remember(table: string, item: Item): void {
    const id = this.id(table, item);
    if (id !== undefined) this.cache.set(id, item);
  }
  private forget(table: string, key: ItemKey): void {
    const id = this.id(table, key);
    if (id !== undefined) this.cache.delete(id);
  }
  private shared(table: string, item: Item): Item {
    const id = this.id(table, item);
    return (id === undefined ? undefined : this.cache.get(id)) ?? this.rememberReturned(table, item);
  }
  private rememberReturned(table: string, item: Item): Item {
    this.remember(table, item);
    return item;
  }

  override async get(table: string, key: ItemKey, options?: { readonly consistent?: boolean }) {
    const result = await this.inner.get(table, key, options);
    return { ...result, item: result.item === undefined ? undefined : this.shared(table, result.item) };
  }
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    return request.index === undefined ? { ...page, items: page.items.map((item) => this.shared(table, item)) } : page;
  }
  override async batchGet(table: string, keys: readonly ItemKey[], options?: { readonly consistent?: boolean }) {
    const result = await this.inner.batchGet(table, keys, options);
    return { ...result, items: result.items.map((item) => this.shared(table, item)) };
  }
  override async batchWrite(table: string, requests: readonly WriteRequest[]) {
    const result = await this.inner.batchWrite(table, requests);
    const unprocessed = new Set(result.unprocessed.map(canonical));
    for (const request of requests) {
      if (unprocessed.has(canonical(request))) continue;
      if ('put' in request) this.remember(table, request.put);
      else this.forget(table, request.delete);
    }
    return result;
  }
  override async transactWrite(table: string, actions: readonly TransactAction[], options?: { readonly token?: string }) {
    const result = await this.inner.transactWrite(table, actions, options);
    const schema = this.schemas.get(table);
    if (result.committed && schema !== undefined) {
      for (const action of actions) {
        if (action.type === 'put') this.remember(table, action.item);
        else if (action.type !== 'conditionCheck') this.forget(table, actionKey(schema, action));
      }
    }
    return result;
  }
}

/** How many bytes {@link AcceptsOversizeItemsKvDriver} understates its item limit by. */
export const UNDERSTATED_ITEM_BYTES = 100;

/**
 * Bug: accepts items larger than its declared `maxItemBytes` (it declares 100 bytes less than it enforces), so the
 * core's size planning and the real limit disagree.
 */
export class AcceptsOversizeItemsKvDriver extends ForwardingKvDriver {
  override get capabilities(): KvCapabilities {
    return { ...this.inner.capabilities, maxItemBytes: this.inner.capabilities.maxItemBytes - UNDERSTATED_ITEM_BYTES };
  }
}

/** Bug: declares `idempotentTransactions` but drops the token, so a replayed transaction applies (or fails) again. */
export class IgnoresTokenKvDriver extends ForwardingKvDriver {
  override get capabilities(): KvCapabilities {
    return { ...this.inner.capabilities, idempotentTransactions: true };
  }
  override transactWrite(table: string, actions: readonly TransactAction[]): Promise<TransactResult> {
    return this.inner.transactWrite(table, actions);
  }
}

/**
 * Bug: a refusal inferred from the last attempt only. A failed write loses `details.mayHaveLanded` (what a driver
 * reporting only the AWS SDK's final error would throw: a throttle, though an earlier attempt committed).
 */
export class RefusalFromLastAttemptKvDriver extends ForwardingKvDriver {
  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    try {
      return await this.inner.transactWrite(table, actions, options);
    } catch (error) {
      throw lastAttemptOnly(error);
    }
  }
  override async batchWrite(table: string, requests: readonly WriteRequest[]) {
    try {
      return await this.inner.batchWrite(table, requests);
    } catch (error) {
      throw lastAttemptOnly(error);
    }
  }
}

function lastAttemptOnly(error: unknown): unknown {
  if (!(error instanceof EventStoreAdapterError) || error.details.mayHaveLanded === undefined) return error;
  const { mayHaveLanded: _dropped, ...details } = error.details;
  return new EventStoreAdapterError(error.code, error.message, { cause: error.cause, details });
}

/** Bug: reads of a missing table answer "no item" instead of throwing `DRIVER/RESOURCE_NOT_FOUND`. */
export class MissingTableReadsEmptyKvDriver extends ForwardingKvDriver {
  override async get(table: string, key: ItemKey, options?: { readonly consistent?: boolean }) {
    try {
      return await this.inner.get(table, key, options);
    } catch (error) {
      if (hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)) return { item: undefined, consumed: { read: 0, write: 0 } };
      throw error;
    }
  }
}

/** Sort key attribute of the view a query reads (the table's, or its index's); `undefined` when it has none. */
function viewSortKey(schema: TableSchema | undefined, request: QueryRequest): string | undefined {
  if (schema === undefined) return undefined;
  if (request.index === undefined) return schema.sortKey?.name;
  return schema.indexes.find((index) => index.name === request.index)?.sortKey?.name;
}

/**
 * Bug: sorts each query page by its sort key comparing strings by UTF-16 code units (JavaScript's `<`), not by
 * UTF-8 bytes as DynamoDB does; numbers stay numeric. Only pages holding characters on both sides of the
 * surrogate range (e.g. '\uFFFF' and '\u{1F600}') come out wrong.
 */
export class Utf16QueryOrderKvDriver extends ForwardingKvDriver {
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    const sortKey = viewSortKey(this.schemas.get(table), request);
    if (sortKey === undefined) return page;
    const utf16 = (a: Item, b: Item): number => {
      const x = a[sortKey] as KeyValue;
      const y = b[sortKey] as KeyValue;
      return x < y ? -1 : x > y ? 1 : 0;
    };
    const sorted = [...page.items].sort(utf16);
    return { ...page, items: request.direction === 'desc' ? sorted.reverse() : sorted };
  }
}

/**
 * Bug: strongly consistent reads are stale. `get`, `batchGet` and table `query` with `consistent: true` return each
 * item as it was BEFORE the last write to it through this driver (absent if it did not exist then; an item deleted
 * by that write reappears in get/batchGet). Reads without `consistent` are untouched. To know the earlier state it
 * reads every targeted item (consistently, from the correct driver) before forwarding each write.
 */
export class StaleConsistentReadsKvDriver extends ForwardingKvDriver {
  /** Per table and key: the item before the last applied write (`undefined`: it did not exist). */
  private readonly before = new Map<string, { readonly item: Item | undefined }>();

  private id(table: string, itemOrKey: Item | ItemKey): string {
    const schema = this.schemas.get(table);
    return `${table}|${schema === undefined ? canonical(itemOrKey) : keyString(schema, itemOrKey)}`;
  }
  private async snapshot(table: string, keys: readonly ItemKey[]): Promise<Map<string, Item | undefined>> {
    const states = new Map<string, Item | undefined>();
    for (const key of keys) states.set(this.id(table, key), (await this.inner.get(table, key, { consistent: true })).item);
    return states;
  }
  private staleOf(table: string, current: Item): Item | undefined {
    const earlier = this.before.get(this.id(table, current));
    return earlier === undefined ? current : earlier.item;
  }

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const schema = this.schemas.get(table);
    const writes = actions.filter((action) => action.type !== 'conditionCheck');
    const states =
      schema === undefined
        ? new Map()
        : await this.snapshot(
            table,
            writes.map((action) => actionKey(schema, action)),
          );
    const result = await this.inner.transactWrite(table, actions, options);
    if (result.committed) for (const [id, item] of states) this.before.set(id, { item });
    return result;
  }
  override async batchWrite(table: string, requests: readonly WriteRequest[]) {
    const schema = this.schemas.get(table);
    const keyOf = (request: WriteRequest): ItemKey => ('put' in request ? primaryKey(schema!, request.put) : request.delete);
    const states = schema === undefined ? new Map<string, Item | undefined>() : await this.snapshot(table, requests.map(keyOf));
    const result = await this.inner.batchWrite(table, requests);
    const unprocessed = new Set(result.unprocessed.map((request) => this.id(table, keyOf(request))));
    for (const [id, item] of states) if (!unprocessed.has(id)) this.before.set(id, { item });
    return result;
  }
  override async get(table: string, key: ItemKey, options?: { readonly consistent?: boolean }) {
    const result = await this.inner.get(table, key, options);
    if (options?.consistent !== true) return result;
    const earlier = this.before.get(this.id(table, key));
    return earlier === undefined ? result : { ...result, item: earlier.item === undefined ? undefined : structuredClone(earlier.item) };
  }
  override async batchGet(table: string, keys: readonly ItemKey[], options?: { readonly consistent?: boolean }) {
    const result = await this.inner.batchGet(table, keys, options);
    if (options?.consistent !== true) return result;
    const unprocessed = new Set(result.unprocessedKeys.map((key) => this.id(table, key)));
    const items: Item[] = [];
    for (const key of keys) {
      const id = this.id(table, key);
      if (unprocessed.has(id)) continue;
      const earlier = this.before.get(id);
      const item = earlier === undefined ? result.items.find((candidate) => this.id(table, candidate) === id) : earlier.item;
      if (item !== undefined) items.push(structuredClone(item));
    }
    return { ...result, items };
  }
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    if (request.consistent !== true || request.index !== undefined) return page;
    const items = page.items.flatMap((item) => {
      const stale = this.staleOf(table, item);
      return stale === undefined ? [] : [structuredClone(stale)];
    });
    return { ...page, items };
  }
}

/** Bug: a `conditionFailed` reason never carries the stored item (as if `ReturnValuesOnConditionCheckFailure: ALL_OLD` were not asked for). */
export class ReasonLacksStoredItemKvDriver extends ForwardingKvDriver {
  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const result = await this.inner.transactWrite(table, actions, options);
    if (result.committed) return result;
    return {
      ...result,
      reasons: result.reasons.map((reason) => (reason.kind === 'conditionFailed' ? { kind: 'conditionFailed' } : reason)),
    };
  }
}

/** Bug: the reasons of a cancelled transaction are shifted one position later (a `none` first, the last one dropped). */
export class ShiftedReasonsKvDriver extends ForwardingKvDriver {
  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const result = await this.inner.transactWrite(table, actions, options);
    if (result.committed) return result;
    return { ...result, reasons: [{ kind: 'none' }, ...result.reasons.slice(0, -1)] };
  }
}

/** True when `page` stopped on the byte cut: it has a cursor and fewer items than the request's limit. */
function cutOnBytes(request: QueryRequest, page: QueryPage): boolean {
  return page.cursor !== undefined && (request.limit === undefined || page.items.length < request.limit);
}

/**
 * Bug: a page cut on bytes stops one item EARLIER than the rule (it leaves out the item at which the bytes read
 * reach `maxQueryPageBytes`). Re-reads the page with a limit one less, so its cursor stays correct.
 */
export class PageCutOneEarlyKvDriver extends ForwardingKvDriver {
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    if (!cutOnBytes(request, page) || page.items.length < 2) return page;
    return this.inner.query(table, { ...request, limit: page.items.length - 1 });
  }
}

/**
 * Bug: a page cut on bytes stops one item LATER than the rule (it also takes the item after the one at which the
 * bytes read reach `maxQueryPageBytes`), with the cursor after that item.
 */
export class PageCutOneLateKvDriver extends ForwardingKvDriver {
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    if (!cutOnBytes(request, page)) return page;
    const next = await this.inner.query(table, { ...request, cursor: page.cursor!, limit: 1 });
    const items = [...page.items, ...next.items];
    return next.cursor === undefined ? { items, consumed: page.consumed } : { items, cursor: next.cursor, consumed: page.consumed };
  }
}

/** Bug: `ensureTable` always reports `created: true`, also for a table that already existed. */
export class ClaimsEveryTableCreatedKvDriver extends ForwardingKvDriver {
  override async ensureTable(schema: TableSchema): Promise<EnsureTableResult> {
    await super.ensureTable(schema);
    return { created: true };
  }
}

/** Bug: `scan` ignores its segment: every segment of a scan returns the whole table (each item once per segment). */
export class ScanIgnoresSegmentsKvDriver extends ForwardingKvDriver {
  scan(table: string, request: ScanRequest): Promise<ScanPage> {
    return this.inner.scan!(table, { ...request, segment: 0, segments: 1 });
  }
}

/** A named faulty KV driver: the bug it plants and how to wrap a correct driver with it. */
export interface FaultyKvVariant {
  /** Short stable name. */
  readonly name: string;
  /** The planted bug, in words. */
  readonly bug: string;
  /** Wrap a correct driver. */
  readonly wrap: (inner: KvDriver) => KvDriver;
}

/** Every faulty KV variant. */
export const faultyKvVariants: readonly FaultyKvVariant[] = [
  { name: 'ignores-conditions', bug: 'strips conditions from put/update/delete', wrap: (inner) => new IgnoresConditionsKvDriver(inner) },
  { name: 'partial-transaction', bug: 'commits the actions before a failing one', wrap: (inner) => new PartialTransactionKvDriver(inner) },
  { name: 'blames-every-action', bug: 'marks non-failing actions conditionFailed', wrap: (inner) => new BlamesEveryActionKvDriver(inner) },
  {
    name: 'drops-last-query-page',
    bug: 'the final page of a multi-page query is empty',
    wrap: (inner) => new DropsLastQueryPageKvDriver(inner),
  },
  { name: 'misorders-page', bug: 'swaps the first two items of a page', wrap: (inner) => new MisordersPageKvDriver(inner) },
  {
    name: 'repeats-item-across-cursor',
    bug: "a page after a cursor repeats the previous page's last item",
    wrap: (inner) => new RepeatsItemAcrossCursorKvDriver(inner),
  },
  { name: 'cursor-skips-item', bug: 'resuming from a cursor skips one item', wrap: (inner) => new CursorSkipsItemKvDriver(inner) },
  { name: 'ignores-page-bytes', bug: 'query pages ignore the 1 MB byte cut', wrap: (inner) => new IgnoresPageBytesKvDriver(inner) },
  {
    name: 'loses-unprocessed-keys',
    bug: 'batch-get drops half the keys without reporting them unprocessed',
    wrap: (inner) => new LosesUnprocessedKeysKvDriver(inner),
  },
  { name: 'shares-references', bug: 'hands out the objects it was given by puts', wrap: (inner) => new SharesReferencesKvDriver(inner) },
  {
    name: 'accepts-oversize-items',
    bug: 'accepts items over its declared maxItemBytes',
    wrap: (inner) => new AcceptsOversizeItemsKvDriver(inner),
  },
  { name: 'ignores-token', bug: 'declares idempotent transactions but drops the token', wrap: (inner) => new IgnoresTokenKvDriver(inner) },
  {
    name: 'missing-table-reads-empty',
    bug: 'get on a missing table returns no item instead of RESOURCE_NOT_FOUND',
    wrap: (inner) => new MissingTableReadsEmptyKvDriver(inner),
  },
  {
    name: 'utf16-query-order',
    bug: 'query pages sorted by UTF-16 code units instead of UTF-8 bytes',
    wrap: (inner) => new Utf16QueryOrderKvDriver(inner),
  },
  {
    name: 'stale-consistent-reads',
    bug: 'consistent get/batchGet/query return the item as it was before the last write',
    wrap: (inner) => new StaleConsistentReadsKvDriver(inner),
  },
  {
    name: 'reason-lacks-stored-item',
    bug: 'a conditionFailed reason lacks the stored item (no ALL_OLD)',
    wrap: (inner) => new ReasonLacksStoredItemKvDriver(inner),
  },
  { name: 'shifted-reasons', bug: 'cancellation reasons shifted one position later', wrap: (inner) => new ShiftedReasonsKvDriver(inner) },
  {
    name: 'page-cut-one-early',
    bug: 'a page cut on bytes stops one item before the item that reaches maxQueryPageBytes',
    wrap: (inner) => new PageCutOneEarlyKvDriver(inner),
  },
  {
    name: 'page-cut-one-late',
    bug: 'a page cut on bytes takes one item after the item that reaches maxQueryPageBytes',
    wrap: (inner) => new PageCutOneLateKvDriver(inner),
  },
  {
    name: 'claims-every-table-created',
    bug: 'ensureTable reports created: true for a table that already existed',
    wrap: (inner) => new ClaimsEveryTableCreatedKvDriver(inner),
  },
  {
    name: 'scan-ignores-segments',
    bug: 'every segment of a scan returns the whole table',
    wrap: (inner) => new ScanIgnoresSegmentsKvDriver(inner),
  },
  {
    name: 'refusal-from-last-attempt',
    bug: 'a refusal inferred from the last attempt only: failed writes lose details.mayHaveLanded',
    wrap: (inner) => new RefusalFromLastAttemptKvDriver(inner),
  },
];
