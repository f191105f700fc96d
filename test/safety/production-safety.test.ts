/**
 * Production safety on the in-memory twin: the shared scenarios (test/safety/scenarios.ts, also run on DynamoDB
 * Local + the S3 server), and the hazards only a staged driver can show: a commit that lands after its caller
 * gave up, a hung request, an abort, a month rollover under 32 writers, a table that never becomes ACTIVE.
 * Numbers (#n) are the defects of issue #8.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbKvDriver } from '../../drivers/dynamodb/index.js';
import { sdkMaxAttempts } from '../../drivers/dynamodb/aws-error-facts.js';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { ForwardingKvDriver } from '../../contract-tests/faulty/forwarding.js';
import { ErrorCodes } from '../../src/errors/index.js';
import { EventStore } from '../../src/event-store.js';
import { A, CATALOG_PK } from '../../src/layout/table-layout.js';
import { WarningCodes, type StoreWarning } from '../../src/runtime/warnings.js';
import { caught } from '../helpers/caught.js';
import { memorySafetyBackend } from './backends.js';
import { bigPayload, event, replayAll, safetyScenarios } from './scenarios.js';
import { HangingKvDriver, LateCommitKvDriver, RecordingKvDriver, SlowTransactionsKvDriver } from './wrappers.js';

const noSleep = async (): Promise<void> => undefined;

/** Our table's description, stuck in CREATING (its index too). */
function stuckTable(): TableDescription {
  return {
    TableName: 'stuck',
    TableStatus: 'CREATING',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'gpk', AttributeType: 'S' },
      { AttributeName: 'gsk', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'global-order',
        KeySchema: [
          { AttributeName: 'gpk', KeyType: 'HASH' },
          { AttributeName: 'gsk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
        IndexStatus: 'CREATING',
      },
    ],
  };
}

safetyScenarios(memorySafetyBackend);

function twin(options: ConstructorParameters<typeof EventStore>[0] extends infer O ? Partial<O> : never = {}) {
  const kv = new MemoryKvDriver();
  const blobs = new MemoryBlobDriver();
  const warnings: StoreWarning[] = [];
  const make = (overrides: Partial<typeof options> = {}, sleep = noSleep) =>
    new EventStore(
      {
        kv,
        blobs,
        offloadThresholdBytes: 4096,
        onWarning: (warning) => warnings.push(warning),
        ...options,
        ...overrides,
      } as ConstructorParameters<typeof EventStore>[0],
      { sleep },
    );
  return { kv, blobs, warnings, make };
}

describe('production safety: staged hazards on the twin', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('#5 a commit that lands after the call gave up still finds its payload (blobs of unknown outcomes are kept)', async () => {
    const { kv, make } = twin();
    await make().init(); // the table and its layout record exist (written without the staged driver)
    const late = new LateCommitKvDriver(kv, 30);
    const store = make({ kv: late, retry: { maxAttempts: 3 } });
    await store.init();
    const big = event('late', { payload: bigPayload('late') });
    const error = await caught(store.storeEvents([big]));
    expect(error.code).toBe(ErrorCodes.OUTCOME_UNKNOWN);
    expect(error.details.eventIds).toEqual([big.id]);
    const landed = await late.landed!;
    expect(landed.committed).toBe(true);
    const reader = make();
    expect(await reader.getEventById(big.id)).toMatchObject({ id: big.id, payload: big.payload, sequence: 1 });
  });

  it('#10 after STORE/OUTCOME_UNKNOWN (deadline while the transaction was in flight), the identical retry from a new instance returns the stored events', async () => {
    const { kv, make } = twin();
    await make().init(); // the table and its layout record exist
    const slow = make({ kv: new SlowTransactionsKvDriver(kv, 120), deadlineMs: 40 });
    await slow.init();
    const root = event('unknown');
    const batch = [root, event('unknown', { causationId: root.id, payload: bigPayload('u') })];
    const error = await caught(slow.storeEvents(batch));
    expect(error.code).toBe(ErrorCodes.OUTCOME_UNKNOWN);
    expect(error.details.eventIds).toEqual(batch.map((entry) => entry.id));
    expect((error.cause as { code?: string }).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the in-flight transaction lands meanwhile
    const restarted = make();
    const stored = await restarted.appendEvents(batch);
    expect(stored.map((entry) => [entry.id, entry.sequence])).toEqual([
      [root.id, 1],
      [batch[1]!.id, 2],
    ]);
    expect(await restarted.getStreamSequence('acct', 'unknown')).toBe(2);
    expect((await replayAll(restarted)).map((entry) => entry.id)).toEqual(batch.map((entry) => entry.id));
  });

  it('#7 a month rollover under 32 writers on 4 store instances: no transaction touches the catalog, none is cancelled', async () => {
    const { kv, make } = twin();
    const recording = new RecordingKvDriver(kv);
    const stores = [0, 1, 2, 3].map(() => make({ kv: recording }));
    await Promise.all(stores.map((store) => store.init()));
    recording.transactions.length = 0; // the layout record's conditional write at init is not under test
    recording.cancelled = 0;
    const base = Date.UTC(2024, 11, 31, 23, 59, 59, 990);
    const writes = Array.from({ length: 32 }, (_, writer) =>
      stores[writer % 4]!.storeEvents([
        event(`w${writer}`, { created: new Date(base + writer) }),
        event(`w${writer}`, { created: new Date(base + writer + 20) }),
      ]),
    );
    await Promise.all(writes);
    const catalogActions = recording.transactions
      .flat()
      .filter(
        (action) => action.type !== 'conditionCheck' && action.type !== 'delete' && 'item' in action && action.item[A.pk] === CATALOG_PK,
      );
    expect(catalogActions).toEqual([]);
    expect(recording.cancelled).toBe(0);
    const events = await replayAll(stores[0]!);
    expect(events).toHaveLength(64);
    const catalog = await kv.query(stores[0]!.options.tableName, { partition: CATALOG_PK, direction: 'asc', consistent: true });
    expect(catalog.items.map((item) => item[A.sk])).toEqual([659, 660]); // 2024-12 and 2025-01
  });

  it('#8 a table that never becomes ACTIVE fails init once with DRIVER/TABLE_WAIT_TIMEOUT (not retried as transient)', async () => {
    const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const mock = mockClient(DynamoDBDocumentClient);
    try {
      mock.on(DescribeTableCommand).resolves({ Table: stuckTable() });
      mock.on(CreateTableCommand).resolves({});
      const store = new EventStore(
        { kv: new DynamoDbKvDriver(client, { waitTimeoutMs: 30, pollIntervalMs: 5 }), tableName: 'stuck' },
        { sleep: noSleep },
      );
      const error = await caught(store.init());
      expect(error.code).toBe(ErrorCodes.TABLE_WAIT_TIMEOUT);
      expect(error.retryable).toBe(false);
      expect(mock.commandCalls(CreateTableCommand)).toHaveLength(0); // it exists (CREATING): waited for, never re-created
      expect(mock.commandCalls(DescribeTableCommand).length).toBeLessThan(20);
    } finally {
      mock.restore();
      client.destroy();
    }
  });

  it("#9 a hung transaction returns by the call's deadline as STORE/OUTCOME_UNKNOWN; a hung read as STORE/DEADLINE_EXCEEDED", async () => {
    const { kv, make } = twin();
    const ready = make();
    await ready.init();
    const hungWrites = make({ kv: new HangingKvDriver(kv, new Set(['transactWrite'])) });
    const error = await caught(hungWrites.storeEvents([event('hung')], { deadlineMs: 30 }));
    expect(error.code).toBe(ErrorCodes.OUTCOME_UNKNOWN);
    const hanging = new HangingKvDriver(kv, new Set());
    const hungReads = make({ kv: hanging, deadlineMs: 30 });
    await hungReads.init();
    hanging.hang.add('get');
    expect((await caught(hungReads.getEventById('x'))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
  });

  it('#9 conflict re-bases stop at the deadline instead of running 100 growing waits', async () => {
    const { kv, make } = twin();
    let attempts = 0;
    class EverMovingHead extends ForwardingKvDriver {
      override async transactWrite(...args: Parameters<MemoryKvDriver['transactWrite']>) {
        attempts += 1;
        const [, actions] = args;
        return {
          committed: false as const,
          consumed: { read: 0, write: 0 },
          reasons: actions.map((_, index) =>
            index === 0 ? { kind: 'conditionFailed' as const, item: { [A.version]: 1_000 + attempts } } : { kind: 'none' as const },
          ),
        };
      }
    }
    const store = new EventStore({ kv: new EverMovingHead(kv), deadlineMs: 150, retry: { baseDelayMs: 20, maxDelayMs: 2_000 } });
    await make().init();
    const error = await caught(store.storeEvents([event('moving')]));
    expect(error.code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
    expect(attempts).toBeLessThan(100);
  });

  it("#9 the store's AbortSignal aborts calls in flight and refuses later ones; a call's own signal aborts it before anything is sent", async () => {
    const { kv, make } = twin();
    await make().init();
    const controller = new AbortController();
    const hanging = new HangingKvDriver(kv, new Set());
    const store = make({ kv: hanging, signal: controller.signal });
    await store.init();
    hanging.hang.add('get');
    const pending = caught(store.getEventById('x'));
    setTimeout(() => controller.abort(new Error('shutting down')), 5);
    expect((await pending).code).toBe(ErrorCodes.ABORTED);
    expect((await caught(store.storeEvents([event('after')]))).code).toBe(ErrorCodes.ABORTED);

    const fresh = make();
    await fresh.init();
    fresh.resetStats();
    const call = new AbortController();
    call.abort();
    expect((await caught(fresh.storeEvents([event('aborted')], { signal: call.signal }))).code).toBe(ErrorCodes.ABORTED);
    expect(fresh.stats().transactWrite.requests).toBe(0);
  });

  it("#9 the backend client's own retries are composed, not multiplied: divided when the adapter's are defaults, warned when both are set", async () => {
    const { kv, make, warnings } = twin();
    class SdkLike extends ForwardingKvDriver {
      override async clientMaxAttempts() {
        return 3;
      }
    }
    const composed = make({ kv: new SdkLike(kv) });
    await composed.init();
    expect(composed.retryPolicy.maxAttempts).toBe(3); // ceil(8 / 3): at most 9 attempts in all, not 24
    const explicit = make({ kv: new SdkLike(kv), retry: { maxAttempts: 8 } });
    await explicit.init();
    expect(explicit.retryPolicy.maxAttempts).toBe(8);
    expect(warnings.map((warning) => warning.code)).toContain(WarningCodes.RETRIES_MULTIPLY);
    // What the real drivers report is the SDK client's own resolved setting (this SDK's DynamoDB default is 4).
    const sdkDefault = new DynamoDBClient({ region: 'us-east-1' });
    expect(await sdkMaxAttempts(sdkDefault)).toBe(await sdkDefault.config.maxAttempts());
    expect(await sdkMaxAttempts(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 5 }))).toBe(5);
    expect(await new DynamoDbKvDriver(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 2 })).clientMaxAttempts()).toBe(2);
  });

  it('#3 without onWarning, a throwing callback is logged once, not per call', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = new EventStore(
      {
        kv: new MemoryKvDriver(),
        onCapacity: () => {
          throw new Error('sink down');
        },
      },
      { sleep: noSleep },
    );
    await store.storeEvents([event('log1')]);
    await store.storeEvents([event('log2')]);
    expect(await store.getStreamSequence('acct', 'log2')).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain(WarningCodes.CALLBACK_FAILED);
  });

  it('#12 on the twin with lagging indexes (indexLag): replay has not seen the events yet, findByCausationId has them all', async () => {
    let now = Date.UTC(2025, 0, 1);
    const kv = new MemoryKvDriver({ clock: () => now, indexLag: { seed: 7, medianMs: 200, tailMs: 5_000, tailProbability: 0.2 } });
    const store = new EventStore({ kv, blobs: new MemoryBlobDriver(), clock: () => now }, { sleep: noSleep });
    const root = event('lag');
    const children = [1, 2, 3, 4].map((n) => event(`lag-${n}`, { causationId: root.id }));
    await store.storeEvents([root, ...children]);
    expect((await replayAll(store)).length).toBeLessThan(5); // the index has not caught up
    expect((await store.findByCausationId(root.id)).map((entry) => entry.id).sort()).toEqual(children.map((entry) => entry.id).sort());
    now += 5_001; // past the longest lag, the index has every event
    expect((await replayAll(store)).length).toBe(5);
  });

  it('an unreadable event fails replay naming it by default; with onUnreadable it is reported and replay goes on', async () => {
    const { blobs, make } = twin();
    const store = make();
    const good = event('u1');
    const lost = event('u2', { payload: bigPayload('lost') });
    const after = event('u3');
    await store.storeEvents([good, lost, after]);
    const lostKey = (await blobs.list('')).keys[0]!;
    await blobs.delete([lostKey]);
    const error = await caught(replayAll(store));
    expect(error.code).toBe(ErrorCodes.MISSING_BLOB);
    expect(error.details).toMatchObject({ eventId: lost.id, blobKey: lostKey, key: { pk: 's|acct|u2', sk: 1 } });
    const reported: unknown[] = [];
    const tolerant = make({ onUnreadable: (unreadable) => reported.push(unreadable.details) });
    expect((await replayAll(tolerant)).map((entry) => entry.id)).toEqual([good.id, after.id]);
    expect(reported).toEqual([expect.objectContaining({ eventId: lost.id, blobKey: lostKey })]);
    // A page holding only unreadable events is skipped, never yielded empty (a consumer would stop there).
    const pages: number[] = [];
    for await (const page of await tolerant.getAllEvents(1)) pages.push(page.length);
    expect(pages).toEqual([1, 1]);
  });
});

describe('deadlines of long replays', () => {
  it('a replay that takes longer than deadlineMs in all is not cut off: each request has its own deadline', async () => {
    const store = new EventStore({ kv: new MemoryKvDriver(), deadlineMs: 40, replayFetchLimit: 2 }, { sleep: noSleep });
    await store.storeEvents(
      Array.from({ length: 12 }, (_, index) => event(`long-${index % 3}`, { created: new Date(Date.UTC(2025, 0, 1, 0, 0, index)) })),
    );
    const seen: string[] = [];
    for await (const page of await store.getAllEvents(1)) {
      seen.push(...page.map((entry) => entry.id));
      await new Promise((resolve) => setTimeout(resolve, 10)); // a slow consumer: 12 pages, ~120 ms in all
    }
    // 12 pages of a 10 ms consumer outlive one call's 40 ms deadline: with one budget for the whole replay, its later
    // requests failed with STORE/DEADLINE_EXCEEDED (seen before the fix).
    expect(seen).toHaveLength(12);
  });
});
