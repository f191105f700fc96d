/**
 * KV driver decorators that stage production hazards the local servers cannot show on their own: a transaction
 * that commits after its caller gave up, an index that has not caught up, a hook between two transactions.
 */
import { ForwardingKvDriver } from '../../contract-tests/faulty/forwarding.js';
import { ErrorCodes, EventStoreAdapterError, type ErrorCode } from '../../src/errors/index.js';
import type { KvDriver, QueryPage, QueryRequest, TransactAction, TransactResult } from '../../src/ports/kv-driver.js';

/** Index queries see nothing (an index that lags behind every write); table reads are untouched. */
export class IndexNeverCaughtUpKvDriver extends ForwardingKvDriver {
  override async query(table: string, request: QueryRequest): Promise<QueryPage> {
    const page = await this.inner.query(table, request);
    return request.index === undefined ? page : { items: [], consumed: page.consumed };
  }
}

/**
 * The FIRST transaction is applied `delayMs` late, after its caller was told `DRIVER/TRANSIENT` at once (a lost
 * response whose request is still in flight); every later transaction is refused with `DRIVER/TRANSIENT` unapplied
 * until `release()`; `landed` resolves when the late commit has happened.
 */
export class LateCommitKvDriver extends ForwardingKvDriver {
  private first = true;
  private released = false;
  landed: Promise<TransactResult> | undefined;

  constructor(
    inner: KvDriver,
    private readonly delayMs: number,
  ) {
    super(inner);
  }

  release(): void {
    this.released = true;
  }

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    if (this.released) return this.inner.transactWrite(table, actions, options);
    if (this.first) {
      this.first = false;
      this.landed = new Promise((resolve, reject) =>
        setTimeout(() => this.inner.transactWrite(table, actions, options).then(resolve, reject), this.delayMs),
      );
    }
    throw new EventStoreAdapterError(ErrorCodes.TRANSIENT, 'connection reset (staged)', { details: { staged: true } });
  }
}

/** Every transaction is applied only after `delayMs` (a slow backend); the caller waits for it. */
export class SlowTransactionsKvDriver extends ForwardingKvDriver {
  constructor(
    inner: KvDriver,
    private readonly delayMs: number,
  ) {
    super(inner);
  }

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.inner.transactWrite(table, actions, options);
  }
}

/** Runs `hook` once, right after the first committed transaction that has more than `minActions` actions. */
export class BetweenTransactionsKvDriver extends ForwardingKvDriver {
  private fired = false;

  constructor(
    inner: KvDriver,
    private readonly minActions: number,
    private readonly hook: () => Promise<void>,
  ) {
    super(inner);
  }

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const result = await this.inner.transactWrite(table, actions, options);
    // After a transaction of events (not init's instance markers) with more than minActions actions.
    const writesEvents = actions.some((action) => action.type === 'put' && String(action.item.pk).startsWith('s|'));
    if (result.committed && !this.fired && writesEvents && actions.length > this.minActions) {
      this.fired = true;
      await this.hook();
    }
    return result;
  }
}

/** Records the actions of every transaction sent. */
export class RecordingKvDriver extends ForwardingKvDriver {
  readonly transactions: TransactAction[][] = [];
  cancelled = 0;

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    this.transactions.push([...actions]);
    const result = await this.inner.transactWrite(table, actions, options);
    if (!result.committed) this.cancelled += 1;
    return result;
  }
}

/** Calls of the operations in `hang` never settle (a hung connection); the set may be changed at any time. */
export class HangingKvDriver extends ForwardingKvDriver {
  constructor(
    inner: KvDriver,
    readonly hang: Set<'get' | 'transactWrite'>,
  ) {
    super(inner);
  }

  override get(...args: Parameters<KvDriver['get']>): ReturnType<KvDriver['get']> {
    return this.hang.has('get') ? new Promise(() => undefined) : this.inner.get(...args);
  }

  override transactWrite(...args: Parameters<KvDriver['transactWrite']>): ReturnType<KvDriver['transactWrite']> {
    return this.hang.has('transactWrite') ? new Promise(() => undefined) : this.inner.transactWrite(...args);
  }
}

/**
 * A lost response: the first transaction `matches` accepts is applied, then `hook` runs (what other processes do
 * meanwhile), then its caller is told `DRIVER/TRANSIENT` as if the response never arrived. Every other call is
 * forwarded unchanged. `lost` counts the responses dropped.
 */
export class CommitThenLoseKvDriver extends ForwardingKvDriver {
  lost = 0;

  constructor(
    inner: KvDriver,
    private readonly matches: (actions: readonly TransactAction[]) => boolean,
    private readonly hook: () => Promise<void> = async () => undefined,
  ) {
    super(inner);
  }

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    const result = await this.inner.transactWrite(table, actions, options);
    if (this.lost > 0 || !result.committed || !this.matches(actions)) return result;
    this.lost += 1;
    await this.hook();
    throw new EventStoreAdapterError(ErrorCodes.TRANSIENT, 'response lost after commit (staged)', { details: { staged: true } });
  }
}

/** True for a transaction that puts a snapshot item (sort key -1). */
export const putsSnapshot = (actions: readonly TransactAction[]): boolean =>
  actions.some((action) => action.type === 'put' && action.item.sk === -1);

/** Every transaction `matches` accepts is refused unapplied with `code` (throttled, say); the others are forwarded. */
export class RefusingKvDriver extends ForwardingKvDriver {
  refused = 0;

  constructor(
    inner: KvDriver,
    private readonly matches: (actions: readonly TransactAction[]) => boolean,
    private readonly code: ErrorCode = ErrorCodes.THROTTLED,
  ) {
    super(inner);
  }

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    if (!this.matches(actions)) return this.inner.transactWrite(table, actions, options);
    this.refused += 1;
    throw new EventStoreAdapterError(this.code, 'refused (staged)', { details: { staged: true } });
  }
}

/** Runs `hook` once, right before forwarding the first transaction `matches` accepts (another process gets in first). */
export class BeforeTransactionKvDriver extends ForwardingKvDriver {
  private fired = false;

  constructor(
    inner: KvDriver,
    private readonly matches: (actions: readonly TransactAction[]) => boolean,
    private readonly hook: () => Promise<void>,
  ) {
    super(inner);
  }

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    if (!this.fired && this.matches(actions)) {
      this.fired = true;
      await this.hook();
    }
    return this.inner.transactWrite(table, actions, options);
  }
}

/** True for a transaction that puts an event's id guard (`e|<id>`): an event write. */
export const putsEvents = (actions: readonly TransactAction[]): boolean =>
  actions.some((action) => action.type === 'put' && String(action.item.pk).startsWith('e|'));
