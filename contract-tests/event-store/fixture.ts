/**
 * What an event-store contract check runs against: a KV driver and (optionally) a blob driver, wrapped in the
 * core `EventStore` with a unique table name and blob prefix per store, cleaned up whatever the outcome.
 */
import type { CreatedEvent, StoredEvent } from '../../src/compat/contract-types.js';
import { EventStore, type EventStoreCoreOptions } from '../../src/event-store.js';
import type { BlobDriver } from '../../src/ports/blob-driver.js';
import type { KvCapabilities, KvDriver } from '../../src/ports/kv-driver.js';
import { ForwardingKvDriver } from '../faulty/forwarding.js';
import { compareUtf8, ensure, ensureEqual, uniqueToken, type ContractCheck } from '../harness.js';

/** A fresh driver pair for one check. */
export interface EventStoreFixture {
  readonly kv: KvDriver;
  /** Optional: checks that need offloading require it (gated on its presence). */
  readonly blobs?: BlobDriver;
  /** Prefix of every table name the suite creates (default `'es_contract_'`). */
  readonly tablePrefix?: string;
  /** Called once the check is done with the drivers. */
  readonly teardown?: () => Promise<void>;
  /**
   * How long, in ms, an index may take to reflect a write (default 0: the twin and DynamoDB Local update indexes at
   * once). Replay is eventually consistent on AWS: before every replay the suite waits until this long has passed
   * since the fixture's last write (a bounded wait); consistent reads (stream reads, lookups by id or cause) are
   * asserted at once. For AWS pass about 2,000; for the twin with `indexLag`, its `tailMs`.
   */
  readonly indexSettleMs?: number;
  /**
   * Options every store the suite opens gets (a check's own options win): e.g. the payload codecs
   * (`compression`, `encryption`), so the whole suite runs with them on.
   */
  readonly storeOptions?: Partial<Omit<EventStoreCoreOptions, 'kv' | 'blobs' | 'tableName'>>;
}

/** Creates a fresh {@link EventStoreFixture}; called once per check. */
export type EventStoreFactory = () => Promise<EventStoreFixture>;

/** The manifest event-store checks are gated on: the KV driver's capabilities plus whether blobs exist. */
export interface EventStoreCapabilities extends KvCapabilities {
  readonly hasBlobStore: boolean;
}

/** An event-store contract check. */
export type EventStoreCheck = ContractCheck<EventStoreFactory, EventStoreCapabilities>;

/** Options for the stores a check opens (everything but the drivers and the table name). */
export type StoreOptions = Omit<EventStoreCoreOptions, 'kv' | 'blobs' | 'tableName'> & {
  /** Open the store without the fixture's blob driver. */
  withoutBlobs?: boolean;
  /** Open a second instance on this store's table and blob prefix (like a second process). */
  sameTableAs?: EventStore;
};

/** A store opened by {@link withFixture}, plus the fixture it runs on. */
export interface OpenStore {
  readonly store: EventStore;
  readonly fixture: EventStoreFixture;
}

/**
 * Create a fixture, then run `body` with a function that opens initialised stores on it (each with its own table
 * and blob prefix). Afterwards every store's table is dropped and blobs deleted, then the fixture is torn down,
 * also when `body` throws.
 */
export async function withFixture<T>(
  factory: EventStoreFactory,
  body: (open: (options?: StoreOptions) => Promise<EventStore>, fixture: EventStoreFixture) => Promise<T>,
): Promise<T> {
  const fixture = await factory();
  const opened: EventStore[] = [];
  const writes = new WriteClock(fixture.kv, fixture.indexSettleMs ?? 0);
  const open = async (options: StoreOptions = {}): Promise<EventStore> => {
    const { withoutBlobs, sameTableAs, ...rest } = options;
    const token = uniqueToken();
    const tableName = sameTableAs?.options.tableName ?? `${fixture.tablePrefix ?? 'es_contract_'}${token}`;
    const blobKeyPrefix = sameTableAs?.options.blobKeyPrefix ?? `es-contract/${token}/`;
    const store = new EventStore({
      retry: { baseDelayMs: 1, maxDelayMs: 20 },
      ...fixture.storeOptions,
      ...rest,
      kv: writes.driver,
      ...(fixture.blobs && !withoutBlobs ? { blobs: fixture.blobs } : {}),
      tableName,
      blobKeyPrefix,
    });
    if (!sameTableAs) opened.push(store);
    clocks.set(store, writes);
    await store.init();
    return store;
  };
  try {
    return await body(open, fixture);
  } finally {
    try {
      for (const store of opened) await store.resetStore().then(() => fixture.kv.dropTable(store.options.tableName));
    } finally {
      await fixture.teardown?.();
    }
  }
}

/** Open one store and run `body` with it (see {@link withFixture}). */
export function withStore<T>(
  factory: EventStoreFactory,
  body: (store: EventStore, fixture: EventStoreFixture) => Promise<T>,
  options?: StoreOptions,
): Promise<T> {
  return withFixture(factory, async (open, fixture) => body(await open(options), fixture));
}

/** A KV driver that notes the time of every write, so that replays can wait for the index to settle (see `indexSettleMs`). */
class WriteClockKvDriver extends ForwardingKvDriver {
  lastWriteAt = 0;

  override async batchWrite(...args: Parameters<KvDriver['batchWrite']>): ReturnType<KvDriver['batchWrite']> {
    return this.stamp(() => super.batchWrite(...args));
  }

  override async transactWrite(...args: Parameters<KvDriver['transactWrite']>): ReturnType<KvDriver['transactWrite']> {
    return this.stamp(() => super.transactWrite(...args));
  }

  private async stamp<T>(write: () => Promise<T>): Promise<T> {
    this.lastWriteAt = Date.now();
    try {
      return await write();
    } finally {
      this.lastWriteAt = Date.now();
    }
  }
}

/** When the fixture last wrote, and how long its index may take to reflect a write. */
class WriteClock {
  readonly driver: KvDriver;
  private readonly tracker: WriteClockKvDriver | undefined;

  constructor(
    inner: KvDriver,
    private readonly settleMs: number,
  ) {
    this.tracker = settleMs > 0 ? new WriteClockKvDriver(inner) : undefined;
    this.driver = this.tracker ?? inner;
  }

  /** Wait until `settleMs` has passed since the last write. */
  async settled(): Promise<void> {
    if (!this.tracker) return;
    const wait = this.tracker.lastWriteAt + this.settleMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

const clocks = new WeakMap<EventStore, WriteClock>();

/** Wait until the store's indexes may be assumed to reflect every write so far (its fixture's `indexSettleMs`; at once when 0). */
export async function settled(store: EventStore): Promise<void> {
  await clocks.get(store)?.settled();
}

/** Every event of the store via `getAllEvents(pageSize, startFromId)`, checking each page's length; waits for the index to settle first. */
export async function replayAll(store: EventStore, pageSize: number, startFromId?: string): Promise<StoredEvent[]> {
  await settled(store);
  const events: StoredEvent[] = [];
  for await (const page of await store.getAllEvents(pageSize, startFromId)) {
    if (page.length === 0 || page.length > pageSize) throw new Error(`replay page of ${page.length} events, page size ${pageSize}`);
    events.push(...page);
  }
  return events;
}

/** The contract's global order: `created ASC`, then `id ASC` by UTF-8 bytes. */
export function globalOrder(a: Pick<CreatedEvent, 'created' | 'id'>, b: Pick<CreatedEvent, 'created' | 'id'>): number {
  return a.created.getTime() - b.created.getTime() || compareUtf8(a.id, b.id);
}

/** Deep copy with every `Date` replaced by a tagged ISO string, so equality checks compare instants (and notice a string where a Date belongs). */
export function withDatesAsText(value: unknown): unknown {
  if (value instanceof Date) return `date:${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()}`;
  if (Array.isArray(value)) return value.map(withDatesAsText);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, withDatesAsText(member)]));
  return value;
}

/** Throw a contract violation unless two event lists (or events) are equal, dates compared as instants, key sets compared exactly. */
export function ensureSameEvents(actual: unknown, expected: unknown, what: string): void {
  ensureEqual(withDatesAsText(actual), withDatesAsText(expected), what);
  const keysOf = (value: unknown): string =>
    JSON.stringify(
      Array.isArray(value)
        ? value.map(keysOf)
        : value && typeof value === 'object'
          ? Object.keys(value)
              .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
              .sort()
          : null,
    );
  ensure(
    keysOf(actual) === keysOf(expected),
    () => `${what}: field sets differ: ${keysOf(actual).slice(0, 300)} vs ${keysOf(expected).slice(0, 300)}`,
  );
}
