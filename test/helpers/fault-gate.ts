/**
 * Switchable random faults over the in-memory twins, for the fault-schedule property test.
 *
 * `MemoryKvDriver`/`MemoryBlobDriver` draw random faults from their own options and cannot turn them off, so the
 * shared drivers are built WITHOUT random faults and wrapped in a {@link FaultyKv}/{@link FaultyBlobs} view: at
 * the start of each call the view draws a fault from the schedule's rates with a seeded PRNG and queues it on the
 * driver itself (`injectFault`) in the same synchronous tick as the call, so the driver applies (and counts) it
 * exactly as it would a random fault. `gate.enabled = false` turns every fault off; the raw drivers are the
 * fault-free view of the same data (for the final audit).
 *
 * Latency is a number of `setImmediate` turns drawn from the same PRNG (not timers), so the interleaving of
 * concurrent writers depends only on the seeds: a failing schedule replays identically.
 */
import {
  BLOB_FAULTS,
  KV_FAULTS,
  Prng,
  type BlobOperation,
  type FaultKind,
  type KvOperation,
  type MemoryBlobDriver,
  type MemoryKvDriver,
  type ScriptedFault,
} from '../../drivers/memory/index.js';
import type { BlobDriver } from '../../src/ports/blob-driver.js';
import type { KvDriver } from '../../src/ports/kv-driver.js';

/** Per-call probabilities of each fault kind (0..1) and the most `setImmediate` turns a call waits before it applies. */
export interface GateRates {
  readonly throttleRate: number;
  readonly transientRate: number;
  readonly conflictRate: number;
  readonly unprocessedRate: number;
  readonly lostResponseRate: number;
  readonly maxTurns: number;
}

/** The random fault source of one schedule, shared by the KV and blob views. */
export class FaultGate {
  /** While false, no fault and no latency is drawn. */
  enabled = true;
  private readonly random: Prng;

  constructor(
    seed: number,
    private readonly rates: GateRates,
  ) {
    this.random = new Prng(seed);
  }

  /** Draw the fault of one call (`size`: actions of a transaction, keys/requests of a batch) and its latency. */
  draw(applicable: readonly FaultKind[], size: number): { fault: ScriptedFault | undefined; turns: number } {
    if (!this.enabled) return { fault: undefined, turns: 0 };
    const turns = this.random.integer(0, this.rates.maxTurns);
    for (const kind of applicable) {
      if (this.random.next() >= this.rateOf(kind)) continue;
      if (kind === 'conflict') return { fault: { kind, actionIndex: this.random.integer(0, Math.max(0, size - 1)) }, turns };
      if (kind === 'unprocessed') return { fault: { kind, count: this.random.integer(1, Math.max(1, size)) }, turns };
      return { fault: { kind } as ScriptedFault, turns };
    }
    return { fault: undefined, turns };
  }

  private rateOf(kind: FaultKind): number {
    switch (kind) {
      case 'throttle':
        return this.rates.throttleRate;
      case 'transient':
        return this.rates.transientRate;
      case 'conflict':
        return this.rates.conflictRate;
      case 'unprocessed':
        return this.rates.unprocessedRate;
      case 'lostResponse':
        return this.rates.lostResponseRate;
    }
  }
}

/** Wait `turns` macrotask turns (deterministic: `setImmediate` callbacks run in the order they were queued). */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A `KvDriver` view of `inner` whose calls suffer the gate's faults (queued on `inner`, which applies and counts them). */
export class FaultyKv implements KvDriver {
  constructor(
    readonly inner: MemoryKvDriver,
    private readonly gate: FaultGate,
  ) {}

  get capabilities() {
    return this.inner.capabilities;
  }

  ensureTable: KvDriver['ensureTable'] = (schema) => this.inner.ensureTable(schema);
  dropTable: KvDriver['dropTable'] = (name) => this.inner.dropTable(name);
  get: KvDriver['get'] = (table, key, options) => this.call('get', 1, () => this.inner.get(table, key, options));
  query: KvDriver['query'] = (table, request) => this.call('query', 1, () => this.inner.query(table, request));
  batchGet: KvDriver['batchGet'] = (table, keys, options) =>
    this.call('batchGet', keys.length, () => this.inner.batchGet(table, keys, options));
  batchWrite: KvDriver['batchWrite'] = (table, requests) =>
    this.call('batchWrite', requests.length, () => this.inner.batchWrite(table, requests));
  transactWrite: KvDriver['transactWrite'] = (table, actions, options) =>
    this.call('transactWrite', actions.length, () => this.inner.transactWrite(table, actions, options));

  private async call<T>(operation: KvOperation, size: number, run: () => Promise<T>): Promise<T> {
    const { fault, turns: wait } = this.gate.draw(KV_FAULTS[operation], size);
    await turns(wait);
    // Queued and consumed in one synchronous tick: the driver plans the call before its first await.
    if (fault && this.gate.enabled) this.inner.injectFault(operation, fault);
    return run();
  }
}

/** A `BlobDriver` view of `inner` whose calls suffer the gate's faults. */
export class FaultyBlobs implements BlobDriver {
  constructor(
    readonly inner: MemoryBlobDriver,
    private readonly gate: FaultGate,
  ) {}

  get capabilities() {
    return this.inner.capabilities;
  }

  ensureContainer: BlobDriver['ensureContainer'] = () => this.call('ensureContainer', () => this.inner.ensureContainer());
  put: BlobDriver['put'] = (key, body, options) => this.call('put', () => this.inner.put(key, body, options));
  get: BlobDriver['get'] = (key) => this.call('get', () => this.inner.get(key));
  delete: BlobDriver['delete'] = (keys) => this.call('delete', () => this.inner.delete(keys));
  list: BlobDriver['list'] = (prefix, options) => this.call('list', () => this.inner.list(prefix, options));

  private async call<T>(operation: BlobOperation, run: () => Promise<T>): Promise<T> {
    const { fault, turns: wait } = this.gate.draw(BLOB_FAULTS[operation], 1);
    await turns(wait);
    if (fault && this.gate.enabled) this.inner.injectFault(operation, fault);
    return run();
  }
}

/**
 * Replace `Math.random` (the store's backoff jitter, which decides whether a retry waits at all and so shifts the
 * interleaving) with a seeded PRNG until the returned function is called.
 */
export function seedMathRandom(seed: number): () => void {
  const original = Math.random;
  const random = new Prng(seed);
  Math.random = () => random.next();
  return () => {
    Math.random = original;
  };
}
