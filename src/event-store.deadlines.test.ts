/**
 * Every public call is bounded (issue 16, defect 8), on the in-memory twin: `init` whose `ensureTable` never
 * resolves, a lazy driver whose module never loads, a layout read that never answers. Each call ends with
 * `STORE/DEADLINE_EXCEEDED` (or `STORE/ABORTED` for a signal), never hangs, and leaves the store usable.
 * Real endpoints that never answer: test/safety/deadlines.real.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import type { CreatedEvent } from './compat/contract-types.js';
import { MAX_DEADLINE_MS } from './runtime/call-budget.js';
import { ErrorCodes, EventStoreAdapterError } from './errors/index.js';
import { EventStore } from './event-store.js';
import { DEFAULT_INIT_DEADLINE_MS } from './runtime/lifecycle.js';
import { lazyKvDriver } from './entry/lazy-drivers.js';
import type { KvDriver } from './ports/kv-driver.js';
import { caught } from '../test/helpers/caught.js';

let next = 0;
const event = (): CreatedEvent => ({
  id: `d${++next}`,
  domain: 'acct',
  type: 'opened',
  identifier: 'a',
  payload: {},
  created: new Date(Date.UTC(2025, 0, 1)),
});

/** The twin, each listed method hanging (never settling) while `hang` holds it. */
function hanging(kv: KvDriver, hang: Set<string>): KvDriver {
  const gate = <T>(name: string, call: () => Promise<T>): Promise<T> => (hang.has(name) ? new Promise<T>(() => undefined) : call());
  return {
    capabilities: kv.capabilities,
    ensureTable: (schema) => gate('ensureTable', () => kv.ensureTable(schema)),
    dropTable: (name) => gate('dropTable', () => kv.dropTable(name)),
    get: (table, key, options) => gate('get', () => kv.get(table, key, options)),
    query: (table, request) => gate('query', () => kv.query(table, request)),
    batchGet: (table, keys, options) => gate('batchGet', () => kv.batchGet(table, keys, options)),
    batchWrite: (table, requests) => gate('batchWrite', () => kv.batchWrite(table, requests)),
    transactWrite: (table, actions, options) => gate('transactWrite', () => kv.transactWrite(table, actions, options)),
  };
}

// Hang detection: a bounded call answers in milliseconds here; a hang fails at this timeout instead of the suite's.
const HANG_GUARD_MS = 10_000;

describe('every public call is bounded, init included (twin)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it(
    'init({ deadlineMs }) over an ensureTable that never resolves: STORE/DEADLINE_EXCEEDED; once the table answers, init succeeds',
    async () => {
      const hang = new Set(['ensureTable']);
      const store = new EventStore({ kv: hanging(new MemoryKvDriver(), hang) });
      expect((await caught(store.init({ deadlineMs: 50 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      expect((await caught(store.init({ deadlineMs: 50 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      hang.clear();
      await store.init({ deadlineMs: 1_000 });
      await store.storeEvents([event()]);
      expect(await store.getStreamSequence('acct', 'a')).toBe(1);
    },
    HANG_GUARD_MS,
  );

  it(
    "a call's deadlineMs / signal covers the init it triggers: storeEvents, getAllEvents, getEventById, subscribe, resetStore, sweep",
    async () => {
      const hang = new Set(['ensureTable']);
      const store = new EventStore({
        kv: hanging(new MemoryKvDriver(), hang),
        blobs: new MemoryBlobDriver(),
        deadlineMs: 60,
        changeFeed: true,
      });
      expect((await caught(store.storeEvents([event()], { deadlineMs: 50 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      const controller = new AbortController();
      const aborted = store.storeEvents([event()], { signal: controller.signal, deadlineMs: 3_600_000 });
      controller.abort(new Error('shutting down'));
      expect((await caught(aborted)).code).toBe(ErrorCodes.ABORTED);
      // Calls without options of their own: the store's deadlineMs.
      expect((await caught(store.getAllEvents())).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      expect((await caught(store.getEventById('x'))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      expect((await caught(store.subscribe({ name: 'c', handler: () => undefined }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      expect((await caught(store.getLogPage())).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      // Control-plane calls have longer defaults (init's, an hour for a sweep) and options of their own.
      expect((await caught(store.resetStore({ deadlineMs: 50 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      expect((await caught(store.sweepOrphanBlobs({ olderThanMs: 0, deadlineMs: 50 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      const stop = new AbortController();
      const sweep = store.sweepOrphanBlobs({ olderThanMs: 0, signal: stop.signal });
      stop.abort(new Error('enough'));
      expect((await caught(sweep)).code).toBe(ErrorCodes.ABORTED);
      hang.clear();
      await store.storeEvents([event()]);
      expect((await (await store.getAllEvents()).next()).value).toHaveLength(1);
      await store.close();
    },
    HANG_GUARD_MS,
  );

  it(
    "the store's signal ends a pending init with STORE/ABORTED",
    async () => {
      const controller = new AbortController();
      const store = new EventStore({ kv: hanging(new MemoryKvDriver(), new Set(['ensureTable'])), signal: controller.signal });
      const pending = store.init();
      controller.abort(new Error('shutdown'));
      expect((await caught(pending)).code).toBe(ErrorCodes.ABORTED);
    },
    HANG_GUARD_MS,
  );

  it(
    'close() while an init hangs returns, and stops the init',
    async () => {
      const store = new EventStore({ kv: hanging(new MemoryKvDriver(), new Set(['ensureTable'])) });
      const pending = store.init();
      pending.catch(() => undefined);
      await store.close();
      expect((await caught(pending)).code).toBe(ErrorCodes.ABORTED);
      expect((await caught(store.init())).code).toBe(ErrorCodes.CLOSED);
    },
    HANG_GUARD_MS,
  );

  it(
    'the first call loading a lazy driver that never loads: STORE/DEADLINE_EXCEEDED',
    async () => {
      const kv = lazyKvDriver(new MemoryKvDriver().capabilities, () => new Promise<KvDriver>(() => undefined), {
        clientMaxAttempts: false,
        close: false,
      });
      const store = new EventStore({ kv });
      expect((await caught(store.storeEvents([event()], { deadlineMs: 50 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      expect((await caught(store.init({ deadlineMs: 50 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
    },
    HANG_GUARD_MS,
  );

  it(
    'an init cut after creating the table (its layout read hung) is not misread later: the table stays created by the store, reset works',
    async () => {
      const hang = new Set(['get']);
      const store = new EventStore({ kv: hanging(new MemoryKvDriver(), hang) });
      expect((await caught(store.init({ deadlineMs: 50 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      hang.clear();
      await store.storeEvents([event()]);
      // A table this store created: the layout record says so, so reset may drop and re-create it.
      await store.resetStore();
      expect(await store.getStreamSequence('acct', 'a')).toBe(0);
    },
    HANG_GUARD_MS,
  );

  it.each(['init', 'resetStore'] as const)(
    `an explicit %s() without deadlineMs is bounded by max(deadlineMs, ${DEFAULT_INIT_DEADLINE_MS} ms), counted on fake timers`,
    async (method) => {
      vi.useFakeTimers();
      const store = new EventStore({ kv: hanging(new MemoryKvDriver(), new Set(['ensureTable'])), clock: () => Date.now() });
      let settled: unknown;
      const pending = store[method]().then(
        () => (settled = 'resolved'),
        (error: unknown) => (settled = error),
      );
      await vi.advanceTimersByTimeAsync(DEFAULT_INIT_DEADLINE_MS - 1);
      expect(settled).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await pending;
      expect(settled).toBeInstanceOf(EventStoreAdapterError);
      expect((settled as EventStoreAdapterError).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
    },
    HANG_GUARD_MS,
  );

  it(
    "a running subscription whose polls stop being answered: each poll ends at the store's deadlineMs (WARN/FEED_RETRY with STORE/DEADLINE_EXCEEDED), stop() returns, close() returns (a guard: polls were bounded before)",
    async () => {
      const hang = new Set<string>();
      const warnings: { code: string; cause?: unknown }[] = [];
      const store = new EventStore({
        kv: hanging(new MemoryKvDriver(), hang),
        changeFeed: true,
        deadlineMs: 100,
        onWarning: (warning) => warnings.push(warning),
      });
      await store.init({ deadlineMs: 10_000 });
      await store.storeEvents([event()], { deadlineMs: 10_000 });
      const delivered: number[] = [];
      const subscription = await store.subscribe({ name: 'p', pollIntervalMs: 1, handler: (events) => void delivered.push(events.length) });
      while (delivered.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      hang.add('batchGet').add('query').add('get');
      while (warnings.filter((warning) => warning.code === 'WARN/FEED_RETRY').length < 2)
        await new Promise((resolve) => setTimeout(resolve, 5));
      const causes = warnings
        .filter((warning) => warning.code === 'WARN/FEED_RETRY')
        .map((warning) => (warning.cause as EventStoreAdapterError).code);
      expect(new Set(causes)).toEqual(new Set([ErrorCodes.DEADLINE_EXCEEDED]));
      await subscription.stop();
      await store.close();
      expect(delivered).toEqual([1]);
    },
    HANG_GUARD_MS,
  );

  it("a per-call deadlineMs has the store option's bound (1..3,600,000 ms): INPUT/INVALID_OPTIONS naming it, nothing written", async () => {
    expect(() => new EventStore({ kv: new MemoryKvDriver(), deadlineMs: MAX_DEADLINE_MS + 1 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }),
    );
    const store = new EventStore({ kv: new MemoryKvDriver() });
    for (const deadlineMs of [MAX_DEADLINE_MS + 1, 0, 1.5]) {
      const bad = await caught(store.storeEvents([event()], { deadlineMs }));
      expect(bad.code).toBe(ErrorCodes.INVALID_OPTIONS);
      expect(bad.details.issues).toEqual([expect.objectContaining({ path: 'deadlineMs' })]);
      expect((await caught(store.init({ deadlineMs }))).code).toBe(ErrorCodes.INVALID_OPTIONS);
    }
    expect(await store.getAllEvents(10).then(async (pages) => (await pages.next()).done)).toBe(true);
    await store.storeEvents([event()], { deadlineMs: MAX_DEADLINE_MS });
    expect(await store.getStreamSequence('acct', 'a')).toBe(1);
  });

  it('init and resetStore refuse a bad deadlineMs or signal with INPUT/INVALID_OPTIONS naming the field', async () => {
    const store = new EventStore({ kv: new MemoryKvDriver() });
    const bad = await caught(store.init({ deadlineMs: 0 }));
    expect(bad.code).toBe(ErrorCodes.INVALID_OPTIONS);
    expect(bad.details.issues).toEqual([expect.objectContaining({ path: 'deadlineMs' })]);
    expect((await caught(store.resetStore({ signal: 'no' as unknown as AbortSignal }))).code).toBe(ErrorCodes.INVALID_OPTIONS);
  });
});
