/**
 * The figures of ONE public call, gathered where they happen (the meter, the retry loops, the append loop) without
 * threading anything through the core: the instrumentation (instrument.ts) runs each call inside a {@link CallScope}
 * held by an `AsyncLocalStorage`, and the core's `note*` calls below add to the scope of the call they run in.
 *
 * The storage exists only once a store with telemetry or a logger runs a call: until then every `note*` is one
 * property read, and a process without telemetry never enables async-context tracking for it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsumedCapacity } from '../ports/kv-driver.js';

/** What a scope reports to the store's instrumentation as it happens (logging) and after it closed (metrics only). */
export interface ScopeSink {
  /** A request is about to be sent again after a retryable failure (`what`: the request, e.g. `query`). */
  retried(scope: CallScope, what: string, error: unknown): void;
  /** A write lost a race and re-bases (re-builds its transaction on the newer state). */
  conflicted(scope: CallScope, why: string): void;
  /** Capacity consumed by a request that completed after its call's scope closed (a replay's prefetch). */
  lateCapacity(scope: CallScope, consumed: ConsumedCapacity): void;
}

/** One call's figures (capacity units, retries, re-bases, blobs written), while the call runs. */
export class CallScope {
  readUnits = 0;
  writeUnits = 0;
  retries = 0;
  conflicts = 0;
  offloaded = 0;
  /** False once the call has returned: later figures go to the sink (metrics), not to the call's span. */
  open = true;

  /**
   * @param owner the instrumentation of the store running the call (a public method called by another of the same
   *   store, inside its scope, is part of that call)
   * @param operation the public method, e.g. `storeEvents`, `getAllEvents.page`
   */
  constructor(
    readonly owner: object,
    readonly operation: string,
    private readonly sink: ScopeSink,
  ) {}

  capacity(consumed: ConsumedCapacity): void {
    if (!this.open) {
      this.sink.lateCapacity(this, consumed);
      return;
    }
    this.readUnits += consumed.read;
    this.writeUnits += consumed.write;
  }

  retry(what: string, error: unknown): void {
    if (this.open) this.retries += 1;
    this.sink.retried(this, what, error);
  }

  conflict(why: string): void {
    if (this.open) this.conflicts += 1;
    this.sink.conflicted(this, why);
  }

  blobWritten(): void {
    if (this.open) this.offloaded += 1;
  }
}

let storage: AsyncLocalStorage<CallScope> | undefined;

/** The storage of call scopes, created on first use (by the instrumentation only). */
export function callScopes(): AsyncLocalStorage<CallScope> {
  storage ??= new AsyncLocalStorage<CallScope>();
  return storage;
}

/** The scope of the call running now, if any. */
export function currentScope(): CallScope | undefined {
  return storage?.getStore();
}

/** A driver request of the current call consumed `consumed` (the meter calls this). */
export function noteCapacity(consumed: ConsumedCapacity): void {
  storage?.getStore()?.capacity(consumed);
}

/** The current call sends `what` again after the retryable `error` (retry loops call this before each re-send). */
export function noteRetry(what: string, error: unknown): void {
  storage?.getStore()?.retry(what, error);
}

/** The current call's write lost a race and re-bases (the append loop calls this). */
export function noteConflict(why: string): void {
  storage?.getStore()?.conflict(why);
}

/** The current call wrote a blob (an offloaded payload or snapshot). */
export function noteBlobWritten(): void {
  storage?.getStore()?.blobWritten();
}

/**
 * Run `callback` (user code: a `subscribe` handler) outside any call scope, so that the store calls it makes are
 * calls of their own (their own spans and figures), not part of the call that invoked it.
 */
export function outsideCalls<T>(callback: () => T): T {
  return storage ? storage.exit(callback) : callback();
}
