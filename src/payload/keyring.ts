/**
 * The keys of encryption (docs/codecs.md "Keys"): one table key, wrapped by the key provider and stored in the
 * item `(tablekey, 0)`; one data key per stream, wrapped by the table key (AES-256-GCM, in this process) and stored
 * in the item `(s|<domain>|<identifier>, -2)`. So the provider (KMS) is called once per table and process, whatever
 * the number of streams; a stream's first use in a process costs one strongly consistent read of its key item
 * (batched, 100 a request, on replay pages), then the key is cached (bounded, least recently set forgotten).
 * Erasure overwrites the stream's key item with a tombstone: the data key is gone from the table.
 */
import { BoundedCache } from '../runtime/concurrency.js';
import { ErrorCodes, EventStoreAdapterError, hasCode } from '../errors/index.js';
import { InstanceChanged, markerCheck } from '../layout/instance-markers.js';
import type { ActionFailure, Item, ItemKey, TransactAction } from '../ports/kv-driver.js';
import { backOff } from '../runtime/retry.js';
import { resendableTransaction } from '../runtime/retrying-drivers.js';
import { readItems, type WriteContext } from '../runtime/store-context.js';
import { followInstance } from '../layout/table-metadata.js';
import { A, STREAM_KEY_SK, TABLE_KEY_PK } from '../layout/table-layout.js';
import { generateKey, open, seal } from './aes-gcm.js';
import type { KeyContext, KeyProvider } from './key-provider.js';

/** Rounds of put-if-absent then read a key creation tries before giving up (cancellations by concurrent writes, throttling). */
const KEY_CREATION_ROUNDS = 8;
/** Default number of stream data keys a store keeps unwrapped in memory (32 bytes each, plus the map's overhead). */
export const DEFAULT_KEY_CACHE_SIZE = 10_000;
/** The context the table key is wrapped under: fixed, so a table restored from a backup under another name still reads. */
const TABLE_KEY_CONTEXT: KeyContext = Object.freeze({ purpose: 'event-store-table-key' });

/** A stream's data key as stored: the key, or the fact that it was erased, or nothing (never written encrypted). */
export type StreamKey =
  | { readonly kind: 'key'; readonly key: Uint8Array }
  | { readonly kind: 'erased' }
  | { readonly kind: 'none' }
  /** The key item is there but does not unwrap (wrong master key, corrupted): `CODEC/KEY_UNWRAP_FAILED`. */
  | { readonly kind: 'bad'; readonly error: EventStoreAdapterError };

/** The key item of stream `pk`. */
export function streamKeyKey(pk: string): ItemKey {
  return { [A.pk]: pk, [A.sk]: STREAM_KEY_SK };
}
/** The table key item's key. */
export const TABLE_KEY_KEY: ItemKey = Object.freeze({ [A.pk]: TABLE_KEY_PK, [A.sk]: 0 });

/** Associated data of a stream's wrapped data key: bound to its stream (a key item copied to another stream fails). */
const streamKeyAad = (pk: string): string => `stream-key|${pk}`;

/** Keys of one store: its provider, the table key of each table instance seen, and a bounded cache of stream keys. */
export class Keyring {
  private readonly tableKeys = new Map<string, Promise<Uint8Array>>();
  private readonly streamKeys: BoundedCache<string, StreamKey>;

  constructor(
    readonly provider: KeyProvider,
    cacheSize: number = DEFAULT_KEY_CACHE_SIZE,
  ) {
    this.streamKeys = new BoundedCache(cacheSize);
  }

  /** Forget every key (after a reset: the table's keys went with it). */
  clear(): void {
    this.tableKeys.clear();
    this.streamKeys.clear();
  }

  /**
   * The table key: read and unwrapped once per table instance (one provider call), created on first need (one
   * provider call, one conditional put; a concurrent creator's key wins and is read back).
   * @throws `CODEC/KEY_UNWRAP_FAILED` (wrong master key), `CODEC/KEY_PROVIDER` (the provider failed), driver errors.
   */
  tableKey(ctx: WriteContext): Promise<Uint8Array> {
    const generation = ctx.instance.generation;
    let pending = this.tableKeys.get(generation);
    if (pending === undefined) {
      pending = this.loadTableKey(ctx);
      this.tableKeys.set(generation, pending);
      pending.catch(() => this.tableKeys.delete(generation)); // a failure is not remembered
    }
    return pending;
  }

  private async loadTableKey(ctx: WriteContext): Promise<Uint8Array> {
    let key: Uint8Array | undefined;
    let wrapped: Uint8Array | undefined;
    for (let round = 0; round < KEY_CREATION_ROUNDS; round++) {
      const { item } = await ctx.kv.get(ctx.options.tableName, TABLE_KEY_KEY, { consistent: true });
      if (item !== undefined) return this.unwrapTableKey(item);
      // One key and one provider call per creation, whatever the rounds (a cancelled put is tried again as it is).
      key ??= generateKey();
      wrapped ??= await this.callProvider(() => this.provider.wrapKey(key!, TABLE_KEY_CONTEXT));
      const put: Item = { ...TABLE_KEY_KEY, [A.wrappedKey]: wrapped, [A.keyProvider]: this.provider.id };
      const result = await resendableTransaction(ctx, 'create the table key', () =>
        ctx.kv.transactWrite(ctx.options.tableName, [
          { type: 'put', item: put, condition: { kind: 'notExists' } },
          ...instanceTie(ctx, TABLE_KEY_PK),
        ]),
      );
      if (result.committed) return key;
      await this.checkInstance(ctx, result.reasons, 'create the table key');
      await backOff(ctx, round, 'create the table key');
    }
    throw new EventStoreAdapterError(
      ErrorCodes.TRANSACTION_CONFLICT,
      `Table ${ctx.options.tableName}: its table key could not be created`,
      {
        details: { table: ctx.options.tableName },
      },
    );
  }

  private async unwrapTableKey(item: Item): Promise<Uint8Array> {
    const wrapped = item[A.wrappedKey];
    if (!(wrapped instanceof Uint8Array)) {
      throw new EventStoreAdapterError(ErrorCodes.CODEC_KEY_UNWRAP_FAILED, 'The table key item holds no wrapped key', {
        details: { key: TABLE_KEY_KEY },
      });
    }
    return this.callProvider(() => this.provider.unwrapKey(wrapped, TABLE_KEY_CONTEXT));
  }

  /** A provider call: its typed errors as they are, anything else `CODEC/KEY_PROVIDER`. */
  private async callProvider<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof EventStoreAdapterError) throw error;
      throw new EventStoreAdapterError(
        ErrorCodes.CODEC_KEY_PROVIDER,
        `Key provider ${this.provider.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, details: { provider: this.provider.id } },
      );
    }
  }

  /**
   * The data keys of streams `pks` as stored (uncached ones read in strongly consistent batches of 100). A key item
   * whose key does not unwrap (under the table key, or the table key under the provider) is `bad`, with its
   * `CODEC/KEY_UNWRAP_FAILED`; a provider failure (`CODEC/KEY_PROVIDER`) and driver errors are thrown. `fresh`:
   * the cached table key and stream keys are read again (after a key failed: the table may have been reset elsewhere).
   */
  async lookup(ctx: WriteContext, pks: readonly string[], options: { readonly fresh?: boolean } = {}): Promise<Map<string, StreamKey>> {
    const generation = ctx.instance.generation;
    const found = new Map<string, StreamKey>();
    const missing: string[] = [];
    // Fresh: nothing cached is trusted (the table may have been reset since: other keys under the same name).
    if (options.fresh) this.tableKeys.delete(generation);
    for (const pk of new Set(pks)) {
      const cached = options.fresh ? undefined : this.streamKeys.get(`${generation}|${pk}`);
      if (cached !== undefined) found.set(pk, cached);
      else missing.push(pk);
    }
    if (missing.length === 0) return found;
    const items = await readItems(ctx, missing.map(streamKeyKey));
    const byPk = new Map(items.map((item) => [item[A.pk] as string, item]));
    let tableKey: Uint8Array | undefined;
    let tableKeyError: EventStoreAdapterError | undefined;
    if (items.some((item) => item[A.wrappedKey] !== undefined)) {
      try {
        tableKey = await this.tableKey(ctx);
      } catch (error) {
        if (!(error instanceof EventStoreAdapterError) || error.code !== ErrorCodes.CODEC_KEY_UNWRAP_FAILED) throw error;
        tableKeyError = error;
      }
    }
    for (const pk of missing) {
      const item = byPk.get(pk);
      const key: StreamKey =
        tableKeyError && item?.[A.erased] === undefined && item !== undefined
          ? { kind: 'bad', error: tableKeyError }
          : this.decodeStreamKey(pk, item, tableKey);
      // Only keys and erasures are cached: another process may create a missing key any time, and a bad one is reported each time.
      if (key.kind === 'key' || key.kind === 'erased') this.streamKeys.set(`${generation}|${pk}`, key);
      found.set(pk, key);
    }
    return found;
  }

  private decodeStreamKey(pk: string, item: Item | undefined, tableKey: Uint8Array | undefined): StreamKey {
    if (item === undefined) return { kind: 'none' };
    if (item[A.erased] !== undefined) return { kind: 'erased' };
    const wrapped = item[A.wrappedKey];
    const key = wrapped instanceof Uint8Array && tableKey ? open(tableKey, wrapped, streamKeyAad(pk)) : undefined;
    if (key === undefined) {
      const error = new EventStoreAdapterError(
        ErrorCodes.CODEC_KEY_UNWRAP_FAILED,
        `The data key of stream ${pk} does not unwrap under the table key`,
        { details: { stream: pk, key: streamKeyKey(pk) } },
      );
      return { kind: 'bad', error };
    }
    return { kind: 'key', key };
  }

  /**
   * `decode` with stream `pk`'s key as this process has it (`cached`, from {@link lookup}); when that key fails (it
   * does not unwrap: `CODEC/KEY_UNWRAP_FAILED`, or does not decrypt: `CODEC/DECRYPT_FAILED`), the keys cached here
   * may be those of a table reset elsewhere since: the key is looked up fresh once and `decode` runs again with it
   * (its error then stands). Any other error of `decode` is thrown as it is. The one fresh-key retry of the read
   * paths (events, snapshot states).
   */
  async withFreshRetry<T>(
    ctx: WriteContext,
    pk: string,
    cached: StreamKey | undefined,
    decode: (key: StreamKey | undefined) => T | Promise<T>,
  ): Promise<T> {
    try {
      return await decode(cached);
    } catch (error) {
      if (!hasCode(error, ErrorCodes.CODEC_DECRYPT_FAILED) && !hasCode(error, ErrorCodes.CODEC_KEY_UNWRAP_FAILED)) throw error;
      return decode((await this.lookup(ctx, [pk], { fresh: true })).get(pk));
    }
  }

  /**
   * The data keys to write streams `pks` with: existing ones, and new ones created (a conditional put each; a
   * concurrent creator's key wins and is read back). Throws `CODEC/STREAM_ERASED` naming the first erased stream.
   */
  async keysForWrite(ctx: WriteContext, pks: readonly string[]): Promise<Map<string, Uint8Array>> {
    let stored = await this.lookup(ctx, pks);
    // A key that does not unwrap may be one of a table reset elsewhere (this process's table key is the old one's).
    if ([...stored.values()].some((key) => key.kind === 'bad')) stored = await this.lookup(ctx, pks, { fresh: true });
    // Every stream checked before any key is created: a refused write creates nothing.
    for (const [pk, key] of stored) {
      if (key.kind === 'erased') throw streamErased(pk);
      if (key.kind === 'bad') throw key.error;
    }
    const keys = new Map<string, Uint8Array>();
    for (const [pk, key] of stored) keys.set(pk, key.kind === 'key' ? key.key : await this.createStreamKey(ctx, pk));
    return keys;
  }

  private async createStreamKey(ctx: WriteContext, pk: string): Promise<Uint8Array> {
    const tableKey = await this.tableKey(ctx);
    const key = generateKey();
    const item: Item = { ...streamKeyKey(pk), [A.wrappedKey]: seal(tableKey, key, streamKeyAad(pk)) };
    // A cancellation that is not our condition (a concurrent transaction on the item, throttling) is tried again; a
    // failed condition means a key is there (another writer's, or ours from an attempt whose answer was lost): read it.
    for (let round = 0; round < KEY_CREATION_ROUNDS; round++) {
      const result = await resendableTransaction(ctx, 'create a stream key', () =>
        ctx.kv.transactWrite(ctx.options.tableName, [{ type: 'put', item, condition: { kind: 'notExists' } }, ...instanceTie(ctx, pk)]),
      );
      if (result.committed) {
        this.streamKeys.set(`${ctx.instance.generation}|${pk}`, { kind: 'key', key });
        return key;
      }
      await this.checkInstance(ctx, result.reasons, 'create a stream key');
      const again = (await this.lookup(ctx, [pk])).get(pk)!;
      if (again.kind === 'erased') throw streamErased(pk);
      if (again.kind === 'bad') throw again.error;
      if (again.kind === 'key') return again.key;
      await backOff(ctx, round, 'create a stream key');
    }
    throw new EventStoreAdapterError(
      ErrorCodes.TRANSACTION_CONFLICT,
      `The data key of stream ${pk} could not be created: concurrent writes kept cancelling it`,
      {
        details: { stream: pk },
      },
    );
  }

  /**
   * A key item is created only in the table instance its creator planned for (it is wrapped by that instance's table
   * key): when the creation's instance marker check failed, the table was reset elsewhere. The new instance is
   * adopted and the write starts again from its planning ({@link InstanceChanged}); lost markers are written again.
   */
  private async checkInstance(ctx: WriteContext, reasons: readonly ActionFailure[], what: string): Promise<void> {
    if (reasons[1]?.kind !== 'conditionFailed') return;
    if (await followInstance(ctx, what)) throw new InstanceChanged(what);
  }

  /** Remember that stream `pk`'s key was erased (by this process). */
  markErased(ctx: WriteContext, pk: string): void {
    this.streamKeys.set(`${ctx.instance.generation}|${pk}`, { kind: 'erased' });
  }
}

/** `CODEC/STREAM_ERASED` for a write to stream `pk`. */
export function streamErased(pk: string): EventStoreAdapterError {
  return new EventStoreAdapterError(
    ErrorCodes.CODEC_STREAM_ERASED,
    `Stream ${pk} was erased (eraseStream): its key is destroyed and it takes no more events or snapshots`,
    { details: { stream: pk } },
  );
}

/** The instance marker check that ties a key item's creation to the writer's table instance (none before `init`). */
function instanceTie(ctx: WriteContext, pk: string): TransactAction[] {
  return ctx.instance.generation === '' ? [] : [markerCheck(pk, ctx.instance.generation)];
}
