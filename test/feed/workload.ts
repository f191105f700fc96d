/**
 * The change feed's proof workload, shared by the lagging twin (test/feed/change-feed.test.ts, under random faults)
 * and DynamoDB Local + S3 (test/feed/change-feed.real.test.ts):
 * - 8 to 10 writers over TWO store instances of one table, each writer with its own clock skew (-5 s..+5 s) that
 *   stamps its events' `created`, some events with historic or far-future dates (1970, 1999, 2999), batches of
 *   1..6 events over 1..3 streams of a pool of 5 (they contend), without expectation, with the observed sequence,
 *   or with a stale one (a real conflict); a batch failing with an unknown outcome or a retryable code is retried
 *   IDENTICAL (as a careful caller does);
 * - two consumers polling while they write: A chains `getLogPage` through `JSON.stringify`/`JSON.parse` of its
 *   cursor (as a consumer that persists it), B is a `subscribe` whose handler throws at a seeded rate;
 * - at the end, after the writers finish, both keep polling until they hold as many events as are stored (a poll
 *   cap fails the run: "not delivered within the bound"), then A polls more, past the longest lag: nothing new.
 * Checked: each consumer holds exactly the stored events (read back strongly consistent, stream by stream), no
 * duplicates, the same content, and each stream's events in sequence order.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CreatedEvent, ExpectedStreamVersion, StoredEvent } from '../../src/compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/event-store.js';
import type { Subscription } from '../../src/feed/subscription.js';

/** Streams the writers share. */
export const FEED_STREAMS = 5;
const DOMAIN = 'ledger';
/** Historic and future dates some events carry (index 0: none, the writer's own clock). */
const HISTORIC = [undefined, Date.UTC(1970, 0, 1, 0, 0, 0, 7), Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2999, 5, 1)];

/** Codes after which a writer retries the identical batch. */
const RETRY_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.OUTCOME_UNKNOWN,
  ErrorCodes.RETRIES_EXHAUSTED,
  ErrorCodes.UNPROCESSED_LEFT,
  ErrorCodes.THROTTLED,
  ErrorCodes.TRANSIENT,
  ErrorCodes.TRANSACTION_CONFLICT,
]);
/** Definite outcomes of a batch (nothing, or a known prefix, stored). */
const DEFINITE_CODES: ReadonlySet<string> = new Set([ErrorCodes.CONCURRENCY, ErrorCodes.DUPLICATE_EVENT_ID, ErrorCodes.PARTIAL_BATCH]);
/** Codes a poll may fail with under injected faults (the consumer polls again from the same cursor). */
const POLL_FAILURES: ReadonlySet<string> = new Set([
  ErrorCodes.RETRIES_EXHAUSTED,
  ErrorCodes.UNPROCESSED_LEFT,
  ErrorCodes.THROTTLED,
  ErrorCodes.TRANSIENT,
]);

type Expectation = 'none' | 'observed' | 'stale';

export interface FeedBatchSpec {
  readonly streams: readonly number[];
  readonly count: number;
  readonly expect: Expectation;
  readonly historic: number;
}

export interface FeedWriterSpec {
  readonly store: 0 | 1;
  /** The writer's clock offset, ms. */
  readonly skewMs: number;
  readonly batches: readonly FeedBatchSpec[];
}

export interface FeedSchedule {
  readonly seed: number;
  readonly writers: readonly FeedWriterSpec[];
  readonly pageSizeA: number;
  readonly pageSizeB: number;
  /** Probability that B's handler throws on a page (it is then retried). */
  readonly handlerFailRate: number;
}

const batchArb: fc.Arbitrary<FeedBatchSpec> = fc.record({
  streams: fc.uniqueArray(fc.nat(FEED_STREAMS - 1), { minLength: 1, maxLength: 3 }),
  count: fc.integer({ min: 1, max: 6 }),
  expect: fc.constantFrom<Expectation>('none', 'none', 'observed', 'stale'),
  historic: fc.constantFrom(0, 0, 0, 1, 2, 3),
});

/** Schedules of the proof: 8..10 writers over 2 instances, skews within ±5 s. */
export const feedScheduleArb: fc.Arbitrary<FeedSchedule> = fc.record({
  seed: fc.integer(),
  writers: fc.array(
    fc.record({
      store: fc.constantFrom<0 | 1>(0, 1),
      skewMs: fc.integer({ min: -5000, max: 5000 }),
      batches: fc.array(batchArb, { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 8, maxLength: 10 },
  ),
  pageSizeA: fc.integer({ min: 1, max: 25 }),
  pageSizeB: fc.integer({ min: 1, max: 25 }),
  handlerFailRate: fc.constantFrom(0, 0.1, 0.3),
});

/** What a run needs from its backend. */
export interface FeedRunEnvironment {
  /** The two writer instances (same table, same `changeFeed`). */
  readonly stores: readonly [EventStore, EventStore];
  /** A fault-free store on the same table: reads the truth at the end. */
  readonly audit: EventStore;
  /** Now, in ms, as the backend's clock has it (virtual on the twin). */
  now(): number;
  /** Let time pass (virtual time and a macrotask turn on the twin, a short real sleep on a server). */
  tick(): Promise<void>;
  /** Ticks of B's and A's drain before the run fails as "not delivered within the bound". */
  readonly maxDrainTicks: number;
  /** Ticks A keeps polling after catching up (past the longest index lag) to prove nothing more arrives. */
  readonly settleTicks: number;
  /** A number in [0, 1) from the schedule's seeded source. */
  random(): number;
}

/** Counts of one run, summed over runs for the report. */
export interface FeedRunCounts {
  events: number;
  batches: number;
  definiteFailures: number;
  retriedCalls: number;
  pollsA: number;
  emptyPollsA: number;
  handlerFailures: number;
}

/** Run one schedule and check its invariants (vitest `expect`); resolves to its counts. */
export async function runFeedSchedule(schedule: FeedSchedule, env: FeedRunEnvironment, tag: string): Promise<FeedRunCounts> {
  const counts: FeedRunCounts = {
    events: 0,
    batches: 0,
    definiteFailures: 0,
    retriedCalls: 0,
    pollsA: 0,
    emptyPollsA: 0,
    handlerFailures: 0,
  };
  const receivedA: StoredEvent[] = [];
  const receivedB: StoredEvent[] = [];
  let persistedCursor: string | undefined;

  const pollA = async (): Promise<void> => {
    counts.pollsA++;
    try {
      const page = await env.stores[0].getLogPage(
        persistedCursor === undefined ? undefined : (JSON.parse(persistedCursor) as ExpectedStreamVersion[]),
        schedule.pageSizeA,
      );
      expect(page.events.length).toBeLessThanOrEqual(schedule.pageSizeA);
      expect(page.cursor.length).toBeLessThanOrEqual(64);
      if (page.events.length === 0) {
        counts.emptyPollsA++;
        // An empty page loses nothing: its cursor is the one given.
        if (persistedCursor !== undefined) expect(page.cursor).toEqual(JSON.parse(persistedCursor));
      }
      persistedCursor = JSON.stringify(page.cursor);
      receivedA.push(...page.events);
    } catch (error) {
      if (!(error instanceof EventStoreAdapterError) || !POLL_FAILURES.has(error.code)) throw error;
    }
  };

  const subscription: Subscription = await env.stores[1].subscribe({
    name: `consumer-b-${tag}`,
    pageSize: schedule.pageSizeB,
    pollIntervalMs: 0,
    handler: (events) => {
      if (env.random() < schedule.handlerFailRate) {
        counts.handlerFailures++;
        throw new Error('handler failure (planted)');
      }
      receivedB.push(...events);
    },
  });

  let writersDone = false;
  const writers = schedule.writers.map((writer, w) => runWriter(writer, w, env, tag, counts));
  const consumerA = (async () => {
    while (!writersDone) {
      await pollA();
      await env.tick();
    }
  })();
  try {
    await Promise.all(writers);
  } finally {
    writersDone = true;
  }
  await consumerA;

  const truth = await storedEvents(env.audit);
  for (let ticks = 0; receivedA.length < truth.length || receivedB.length < truth.length; ticks++) {
    if (ticks > env.maxDrainTicks) {
      throw new Error(
        `not delivered within the bound: after ${env.maxDrainTicks} ticks A holds ${receivedA.length}, B ${receivedB.length} of ${truth.length} events`,
      );
    }
    if (receivedA.length < truth.length) await pollA();
    await env.tick();
  }
  for (let ticks = 0; ticks < env.settleTicks; ticks++) {
    await pollA();
    await env.tick();
  }
  await subscription.stop();
  await subscription.done;

  expectExactly(receivedA, truth, 'consumer A (getLogPage)');
  expectExactly(receivedB, truth, 'consumer B (subscribe)');
  counts.events = truth.length;
  return counts;
}

/** Every stored event, read stream by stream strongly consistent (the twin's indexes may still lag). */
async function storedEvents(audit: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let stream = 0; stream < FEED_STREAMS; stream++) events.push(...(await audit.getStreamEvents(DOMAIN, `s${stream}`)));
  return events;
}

function expectExactly(received: readonly StoredEvent[], truth: readonly StoredEvent[], who: string): void {
  const ids = received.map((event) => event.id);
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  expect(duplicates, `${who}: duplicates`).toEqual([]);
  expect([...ids].sort(), `${who}: exactly the stored events`).toEqual(truth.map((event) => event.id).sort());
  const byId = new Map(truth.map((event) => [event.id, event]));
  for (const event of received) {
    const stored = byId.get(event.id)!;
    expect({ ...event, created: event.created.toISOString() }, `${who}: content of ${event.id}`).toEqual({
      ...stored,
      created: stored.created.toISOString(),
    });
  }
  const last = new Map<string, number>();
  for (const event of received) {
    const stream = `${event.domain}/${event.identifier ?? ''}`;
    expect(event.sequence, `${who}: ${stream} in sequence order`).toBe((last.get(stream) ?? 0) + 1);
    last.set(stream, event.sequence);
  }
}

async function runWriter(writer: FeedWriterSpec, w: number, env: FeedRunEnvironment, tag: string, counts: FeedRunCounts): Promise<void> {
  const store = env.stores[writer.store];
  for (const [b, batch] of writer.batches.entries()) {
    counts.batches++;
    const events: CreatedEvent[] = Array.from({ length: batch.count }, (_, e) => {
      const historic = HISTORIC[batch.historic];
      const created = new Date((historic ?? env.now() + writer.skewMs) + e);
      return {
        id: `${tag}-w${w}-b${b}-e${e}`,
        domain: DOMAIN,
        identifier: `s${batch.streams[e % batch.streams.length]}`,
        type: 'posted',
        payload: { w, b, e },
        created,
      };
    });
    let expectedSequence: number | undefined;
    if (batch.expect !== 'none') {
      const observed = await readSequence(store, `s${batch.streams[0]}`);
      expectedSequence = batch.expect === 'observed' ? observed : observed + 1;
    }
    for (let calls = 1; ; calls++) {
      try {
        await store.storeEvents(events, expectedSequence === undefined ? {} : { expectedSequence });
        break;
      } catch (error) {
        if (!(error instanceof EventStoreAdapterError)) throw error;
        if (DEFINITE_CODES.has(error.code)) {
          counts.definiteFailures++;
          break;
        }
        if (!RETRY_CODES.has(error.code) || calls >= 200) throw error;
        counts.retriedCalls++;
        await env.tick();
      }
    }
    await env.tick();
  }
}

async function readSequence(store: EventStore, identifier: string): Promise<number> {
  for (;;) {
    try {
      return await store.getStreamSequence(DOMAIN, identifier);
    } catch (error) {
      if (!(error instanceof EventStoreAdapterError) || !POLL_FAILURES.has(error.code)) throw error;
    }
  }
}
