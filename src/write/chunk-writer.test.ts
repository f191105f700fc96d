/** ChunkWriter: each outcome of an attempt, on the in-memory twin (its scripted faults) or with a scripted transactWrite. */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { planChunks, planEvent } from './append-plan.js';
import { writeStamp } from '../blobs/blob-keys.js';
import { CallBudget } from '../runtime/call-budget.js';
import { ChunkWriter, type ChunkTerms } from './chunk-writer.js';
import { encodeHead } from '../layout/codecs/head.js';
import { linkItem, linkSlot } from '../layout/codecs/link.js';
import type { CreatedEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { EventStore } from '../event-store.js';
import { markerCheck, markerIndexOf, markerKey } from '../layout/instance-markers.js';
import { planOffload } from '../blobs/offload.js';
import type { ActionFailure, Item, KvDriver, TransactAction, TransactResult } from '../ports/kv-driver.js';
import { backoffDelay } from '../runtime/retry.js';
import {
  callInstance,
  forWrite,
  openCall,
  ownBlobScope,
  type StoreContext,
  type StoreState,
  type WriteContext,
} from '../runtime/store-context.js';
import { A, causationPk, streamPk } from '../layout/table-layout.js';
import { validateEvents } from './validation.js';

/** One call the writer made on its KV driver. */
interface Call {
  readonly operation: string;
  readonly args: readonly unknown[];
}

/** A scripted transactWrite step: its result (or error) instead of the driver's; `undefined`: let the driver answer. */
type Step = (actions: readonly TransactAction[]) => Promise<TransactResult | undefined>;

/** `kv` recording every call into `calls`; transactWrite answered by `script` first, one step per call. */
function recording(kv: KvDriver, calls: Call[], script: Step[]): KvDriver {
  return new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls.push({ operation: String(property), args });
        const step = property === 'transactWrite' ? script.shift() : undefined;
        const scripted = step ? await step(args[1] as TransactAction[]) : undefined;
        return scripted ?? value.apply(target, args);
      };
    },
  });
}

let next = 0;
const event = (identifier: string, extra: Partial<CreatedEvent> = {}): CreatedEvent => ({
  id: `cw${++next}`,
  domain: 'acct',
  type: 'deposited',
  identifier,
  payload: { amount: next },
  created: new Date(Date.UTC(2025, 3, 1)),
  ...extra,
});

const noSleep = async () => {};
const generationOf = (store: EventStore): string => (store as unknown as { ctx: StoreContext }).ctx.instance.generation;

/** A store on the twin (initialised) and a write context over it whose KV calls are recorded (and scriptable). */
async function open(options: { maxAttempts?: number; maxConflictRetries?: number; threshold?: number; changeFeed?: boolean } = {}) {
  const kv = new MemoryKvDriver();
  const blobs = new MemoryBlobDriver();
  const sleeps: number[] = [];
  const store = new EventStore(
    {
      kv,
      blobs,
      retry: { maxAttempts: options.maxAttempts ?? 4 },
      maxConflictRetries: options.maxConflictRetries ?? 3,
      ...(options.threshold === undefined ? {} : { offloadThresholdBytes: options.threshold }),
      ...(options.changeFeed ? { changeFeed: true } : {}),
    },
    { sleep: async (ms) => void sleeps.push(ms) },
  );
  await store.init();
  // The store's long-lived state under a call without a deadline (the write context a store call builds).
  const state = (store as unknown as { ctx: StoreState }).ctx;
  const base = forWrite(openCall(state, new CallBudget(Infinity, [state.options.signal], state.clock)));
  const calls: Call[] = [];
  const script: Step[] = [];
  const ctx: WriteContext = { ...base, kv: recording(base.kv, calls, script), instance: callInstance(base.instance) };
  /** Another process on the same table. */
  const other = () => new EventStore({ kv, blobs, tableName: store.options.tableName }, { sleep: noSleep });
  return { kv, blobs, store, ctx, calls, script, sleeps, other };
}

/** Plan `events` as one chunk the way appendEvents does, and its writer. */
function writerOf(ctx: WriteContext, events: readonly CreatedEvent[], terms: Partial<ChunkTerms> = {}) {
  const writeId = randomUUID();
  const scope = ownBlobScope(ctx);
  const stamp = writeStamp(ctx.clock(), writeId);
  const planned = validateEvents(events).map((validated) => planEvent(ctx, validated, scope, stamp));
  const chunk = planChunks(ctx, planned)[0]!;
  const { maxItemBytes, maxTransactionBytes } = ctx.kv.capabilities;
  const candidates = chunk.events.map((e) => ({ eventId: e.validated.event.id, item: e.draft, blobKey: e.blobKey, size: e.draftBytes }));
  const limits = { thresholdBytes: ctx.options.offloadThresholdBytes, maxItemBytes, maxTransactionBytes, canOffload: true };
  const writer = new ChunkWriter(ctx, chunk, planOffload(candidates, 0, limits), {
    writeId,
    exact: new Map(),
    wholeBatch: true,
    checks: new Map(),
    names: new Map(),
    ...terms,
  });
  return { writer, writeId };
}

const operations = (calls: readonly Call[]) => calls.map((call) => call.operation);
const transactions = (calls: readonly Call[]) =>
  calls
    .filter((call) => call.operation === 'transactWrite')
    .map((call) => ({ actions: call.args[1] as TransactAction[], token: (call.args[2] as { token?: string } | undefined)?.token }));
const puts = (actions: readonly TransactAction[], pk: string): Item[] =>
  actions.flatMap((action) => (action.type === 'put' && action.item[A.pk] === pk ? [action.item] : []));
const headCondition = (actions: readonly TransactAction[], pk: string) =>
  actions.find((action) => action.type === 'put' && action.item[A.pk] === pk && action.item[A.sk] === 0)?.condition;
const cancelled = (actions: readonly TransactAction[], reason: (index: number) => ActionFailure): TransactResult => ({
  committed: false,
  reasons: actions.map((_, index) => reason(index)),
  consumed: { read: 0, write: 0 },
});
const failure = async (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected an error'),
    (error: unknown) => error as EventStoreAdapterError,
  );

beforeEach(() => {
  // Jitter at the middle of its range: waits are exact (0.5 * ceiling).
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('ChunkWriter: committed', () => {
  it('a new stream: one transaction (head if absent, instance marker check, event and guard each); heads remembered, no read', async () => {
    const { ctx, calls } = await open();
    const pk = streamPk('acct', 'new');
    const { writer, writeId } = writerOf(ctx, [event('new'), event('new')]);
    const stored = await writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([1, 2]);
    expect(operations(calls)).toEqual(['transactWrite']);
    const { actions } = transactions(calls)[0]!;
    expect(actions.map((action) => action.type)).toEqual(['put', 'conditionCheck', 'put', 'put', 'put', 'put']);
    expect(headCondition(actions, pk)).toEqual({ kind: 'notExists' });
    expect(actions[1]).toEqual(markerCheck(pk, ctx.instance.generation));
    expect(JSON.stringify(actions)).toContain(writeId);
    expect(ctx.heads.get(pk)).toBe(2);
  });

  it('a known stream: its head conditioned on version and generation, no marker check', async () => {
    const { ctx, calls, store } = await open();
    await store.storeEvents([event('known')]);
    const pk = streamPk('acct', 'known');
    const stored = await writerOf(ctx, [event('known')]).writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([2]);
    const { actions } = transactions(calls)[0]!;
    expect(headCondition(actions, pk)).toEqual({
      kind: 'and',
      conditions: [
        { kind: 'equals', attribute: A.version, value: 1 },
        { kind: 'equals', attribute: A.generation, value: ctx.instance.generation },
      ],
    });
    expect(actions.some((action) => action.type === 'conditionCheck')).toBe(false);
  });

  it('with a change feed, each log counter is remembered where the commit set it', async () => {
    const { ctx } = await open({ changeFeed: true });
    await writerOf(ctx, [event('feed'), event('feed'), event('feed')]).writer.write();
    expect([...ctx.logPositions.values()]).toEqual([3]);
  });

  it('a writer knowing no table instance (before init) sends nothing: no transaction could be tied to an instance', async () => {
    const { ctx, calls } = await open();
    const { writer } = writerOf(ctx, [event('blind')]);
    ctx.instance.generation = '';
    await expect(writer.write()).rejects.toThrow('no verified table instance');
    expect(operations(calls)).toEqual([]);
  });
});

describe('ChunkWriter: conflict', () => {
  it('a head moved elsewhere: rebuilt on the version its failed condition returned, a new token, no read, no wait', async () => {
    const { ctx, calls, store, sleeps, other } = await open();
    await store.storeEvents([event('hot')]);
    await other().storeEvents([event('hot'), event('hot')]);
    const pk = streamPk('acct', 'hot');
    const stored = await writerOf(ctx, [event('hot')]).writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([4]);
    expect(operations(calls)).toEqual(['transactWrite', 'transactWrite']);
    const [first, second] = transactions(calls);
    expect(JSON.stringify(headCondition(first!.actions, pk))).toContain('"value":1');
    expect(JSON.stringify(headCondition(second!.actions, pk))).toContain('"value":3');
    expect(second!.token).not.toBe(first!.token);
    expect(sleeps).toEqual([]); // an informed first re-try is immediate
    expect(ctx.heads.get(pk)).toBe(4);
  });

  it('an exact stream moved: ConcurrencyError with both versions, one transaction', async () => {
    const { ctx, calls, other } = await open();
    await other().storeEvents([event('exact'), event('exact')]);
    const pk = streamPk('acct', 'exact');
    const error = await failure(writerOf(ctx, [event('exact')], { exact: new Map([[pk, 1]]) }).writer.write());
    expect(error.code).toBe(ErrorCodes.CONCURRENCY);
    expect(error.message).toContain('acct::exact');
    expect(transactions(calls)).toHaveLength(1);
  });

  it('an id stored by another write with other content: DuplicateEventIdError, one transaction', async () => {
    const { ctx, calls, other } = await open();
    const taken = event('dup');
    await other().storeEvents([taken]);
    const error = await failure(writerOf(ctx, [{ ...taken, payload: { other: true } }]).writer.write());
    expect(error.code).toBe(ErrorCodes.DUPLICATE_EVENT_ID);
    expect(transactions(calls)).toHaveLength(1);
  });

  it('the identical batch stored by an earlier call: its events, read by id, no layout read', async () => {
    const { ctx, calls, other } = await open();
    const same = event('same');
    await other().storeEvents([event('same'), same]);
    const stored = await writerOf(ctx, [same]).writer.write();
    expect(stored.map((e) => [e.id, e.sequence])).toEqual([[same.id, 2]]);
    expect(transactions(calls)).toHaveLength(1);
    expect(operations(calls)).toEqual(['transactWrite', 'batchGet', 'batchGet']); // guards, then the events they name
  });

  it('a causation link slot taken by another event: the link probes the next slot, without a wait', async () => {
    const { ctx, calls, kv, store, sleeps } = await open();
    const caused = event('child', { causationId: 'cause-1' });
    const slot = linkSlot(caused.id);
    const clash = linkItem('cause-1', slot, 'someone-else', streamPk('acct', 'x'), 1, new Date().toISOString());
    await kv.transactWrite(store.options.tableName, [{ type: 'put', item: clash }]);
    const stored = await writerOf(ctx, [caused]).writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([1]);
    const links = transactions(calls).map(({ actions }) => puts(actions, causationPk('cause-1'))[0]![A.sk]);
    expect(links).toEqual([slot, slot + 1]);
    expect(sleeps).toEqual([]);
  });

  it('a sequence taken under a matching head: heads read again before each re-try, RETRY/EXHAUSTED past maxConflictRetries', async () => {
    const { ctx, calls, kv, store } = await open({ maxConflictRetries: 2 });
    const pk = streamPk('acct', 'gap');
    await kv.transactWrite(store.options.tableName, [{ type: 'put', item: { [A.pk]: pk, [A.sk]: 1 } }]);
    const error = await failure(writerOf(ctx, [event('gap')]).writer.write());
    expect(error.code).toBe(ErrorCodes.RETRIES_EXHAUSTED);
    expect((error.cause as EventStoreAdapterError).code).toBe(ErrorCodes.TRANSACTION_CONFLICT);
    expect(error.details).toMatchObject({ attempts: 3 });
    expect(operations(calls)).toEqual(['transactWrite', 'get', 'transactWrite', 'get', 'transactWrite', 'get']);
    expect(calls.filter((call) => call.operation === 'get').map((call) => call.args[2])).toEqual([
      { consistent: true },
      { consistent: true },
      { consistent: true },
    ]);
  });
});

describe('ChunkWriter: instance moved', () => {
  it('a reset elsewhere: the new instance adopted, blobs re-keyed under its scope and uploaded, the commit made there', async () => {
    const { ctx, calls, blobs, other } = await open({ threshold: 1024 });
    const before = ownBlobScope(ctx);
    const { writer } = writerOf(ctx, [event('moved', { payload: { text: 'x'.repeat(3000) } })]);
    const resetter = other();
    await resetter.init();
    await resetter.resetStore();
    const stored = await writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([1]);
    expect(ctx.instance.generation).toBe(generationOf(resetter));
    const after = ownBlobScope(ctx);
    expect(after).not.toBe(before);
    const keys = transactions(calls).map(({ actions }) =>
      String(puts(actions, streamPk('acct', 'moved')).find((item) => item[A.sk] === 1)![A.blobKey]),
    );
    expect(keys).toHaveLength(2);
    expect(keys[0]!.startsWith(before)).toBe(true);
    expect(keys[1]!.startsWith(after)).toBe(true);
    expect(await blobs.get(keys[1]!)).toBeDefined();
    const second = transactions(calls)[1]!.actions;
    expect(second).toContainEqual(markerCheck(streamPk('acct', 'moved'), generationOf(resetter)));
  });

  it('a failed marker check, the instance unchanged: markers written again, then the commit', async () => {
    const { ctx, calls, kv, store } = await open();
    const pk = streamPk('acct', 'lost');
    const key = markerKey(markerIndexOf(pk));
    await kv.transactWrite(store.options.tableName, [{ type: 'delete', key }]);
    const generation = ctx.instance.generation;
    const stored = await writerOf(ctx, [event('lost')]).writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([1]);
    expect(ctx.instance.generation).toBe(generation);
    const { item } = await kv.get(store.options.tableName, key);
    expect(item?.[A.generation]).toBe(generation);
    expect(operations(calls).filter((operation) => operation === 'get')).toHaveLength(1); // the layout record
  });

  it('a head of another generation, the instance unchanged: accepted as it is (and a marker check ties the re-try)', async () => {
    const { ctx, calls, kv, store } = await open();
    const pk = streamPk('acct', 'foreign');
    await kv.transactWrite(store.options.tableName, [{ type: 'put', item: encodeHead(pk, 1, 'another-generation') }]);
    ctx.heads.set(pk, 1);
    const stored = await writerOf(ctx, [event('foreign')]).writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([2]);
    const second = transactions(calls)[1]!.actions;
    expect(headCondition(second, pk)).toEqual({
      kind: 'and',
      conditions: [
        { kind: 'equals', attribute: A.version, value: 1 },
        { kind: 'equals', attribute: A.generation, value: 'another-generation' },
      ],
    });
    expect(second).toContainEqual(markerCheck(pk, ctx.instance.generation));
  });
});

describe('ChunkWriter: throttled or transient', () => {
  it('a throttled request is sent again as it was (same token), after the policy backoff', async () => {
    const { ctx, calls, kv, sleeps } = await open();
    kv.injectFault('transactWrite', { kind: 'throttle' });
    const stored = await writerOf(ctx, [event('slow')]).writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([1]);
    const [first, second] = transactions(calls);
    expect(second!.token).toBe(first!.token);
    expect(second!.actions).toBe(first!.actions);
    expect(sleeps).toEqual([backoffDelay(ctx.retry.policy, 0)]);
  });

  it('throttled past the retry policy: RETRY/EXHAUSTED (a refusal, not an unknown outcome)', async () => {
    const { ctx, calls, kv, sleeps } = await open({ maxAttempts: 2 });
    kv.injectFault('transactWrite', { kind: 'throttle' });
    kv.injectFault('transactWrite', { kind: 'throttle' });
    const error = await failure(writerOf(ctx, [event('slower')]).writer.write());
    expect(error.code).toBe(ErrorCodes.RETRIES_EXHAUSTED);
    expect((error.cause as EventStoreAdapterError).code).toBe(ErrorCodes.THROTTLED);
    expect(operations(calls)).toEqual(['transactWrite', 'transactWrite']);
    expect(sleeps).toHaveLength(1);
  });

  it('a cancellation for throttling counts against the retry policy, not maxConflictRetries; each re-try rebuilt', async () => {
    const { ctx, calls, script } = await open({ maxAttempts: 2, maxConflictRetries: 10 });
    const throttled: Step = async (actions) => cancelled(actions, (index) => (index === 0 ? { kind: 'throttled' } : { kind: 'none' }));
    script.push(throttled, throttled);
    const error = await failure(writerOf(ctx, [event('part')]).writer.write());
    expect(error.code).toBe(ErrorCodes.RETRIES_EXHAUSTED);
    expect((error.cause as EventStoreAdapterError).code).toBe(ErrorCodes.THROTTLED);
    const [first, second] = transactions(calls);
    expect(second!.token).not.toBe(first!.token);
  });

  it('a conflict with a concurrent transaction is contention: re-tried after the contention wait, within maxConflictRetries', async () => {
    const { ctx, calls, kv, sleeps } = await open({ maxConflictRetries: 1 });
    kv.injectFault('transactWrite', { kind: 'conflict' });
    expect((await writerOf(ctx, [event('busy')]).writer.write()).map((e) => e.sequence)).toEqual([1]);
    expect(transactions(calls)).toHaveLength(2);
    expect(sleeps).toEqual([backoffDelay(ctx.retry.policy, 0)]);
    kv.injectFault('transactWrite', { kind: 'conflict' });
    kv.injectFault('transactWrite', { kind: 'conflict' });
    const error = await failure(writerOf(ctx, [event('busy')]).writer.write());
    expect(error.code).toBe(ErrorCodes.RETRIES_EXHAUSTED);
    expect((error.cause as EventStoreAdapterError).code).toBe(ErrorCodes.TRANSACTION_CONFLICT);
  });
});

describe('ChunkWriter: ambiguous', () => {
  it('a lost response, then the attempts ran out: the guards prove the commit (tied to the instance: no layout read)', async () => {
    const { ctx, calls, kv } = await open({ maxAttempts: 1 });
    kv.injectFault('transactWrite', { kind: 'lostResponse', reportAs: 'throttle' });
    const stored = await writerOf(ctx, [event('landed'), event('landed')]).writer.write();
    expect(stored.map((e) => e.sequence)).toEqual([1, 2]);
    expect(operations(calls)).toEqual(['transactWrite', 'batchGet']);
  });

  it('an attempt that may have landed and did not: STORE/OUTCOME_UNKNOWN with the event ids and the last ambiguity', async () => {
    const { ctx, calls, script } = await open({ maxAttempts: 1 });
    script.push(async () => {
      throw new EventStoreAdapterError(ErrorCodes.TRANSIENT, 'lost', { details: { mayHaveLanded: true } });
    });
    const lost = event('unknown');
    const error = await failure(writerOf(ctx, [lost], { wholeBatch: false }).writer.write());
    expect(error.code).toBe(ErrorCodes.OUTCOME_UNKNOWN);
    expect(error.message).toContain('retry the identical transaction');
    expect(error.details).toMatchObject({ eventIds: [lost.id], lastAmbiguity: `${ErrorCodes.TRANSIENT}: lost` });
    expect(operations(calls)).toEqual(['transactWrite', 'batchGet']);
  });

  it('a definite error after an uncertain attempt is thrown as is', async () => {
    const { ctx, script } = await open();
    script.push(
      async () => {
        throw new EventStoreAdapterError(ErrorCodes.TRANSIENT, 'lost', { details: { mayHaveLanded: true } });
      },
      async (actions) => cancelled(actions, (index) => (index === 0 ? { kind: 'validation', message: 'bad item' } : { kind: 'none' })),
    );
    const error = await failure(writerOf(ctx, [event('definite')]).writer.write());
    expect(error.code).toBe(ErrorCodes.VALIDATION);
    expect(error.details).toMatchObject({ reason: 'bad item' });
  });

  it('an attempt abandoned by an abort: STORE/OUTCOME_UNKNOWN without a guard read (the budget allows none)', async () => {
    const { ctx: base, calls, script } = await open();
    const abort = new AbortController();
    const ctx: WriteContext = { ...base, budget: CallBudget.of(60_000, [abort.signal]) };
    script.push(() => {
      setTimeout(() => abort.abort(), 0); // after the race listens
      return new Promise(() => {});
    });
    const error = await failure(writerOf(ctx, [event('aborted')]).writer.write());
    expect(error.code).toBe(ErrorCodes.OUTCOME_UNKNOWN);
    expect(error.details).toMatchObject({ lastAmbiguity: expect.stringContaining(ErrorCodes.ABORTED) });
    expect(operations(calls)).toEqual(['transactWrite']);
  });
});
