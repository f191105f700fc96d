/**
 * One whole-API schedule on the in-memory twin: 3..6 `EventStore` instances ("processes") sharing one
 * `MemoryKvDriver` and one `MemoryBlobDriver`, each behind its own seeded fault source (test/helpers/fault-gate.ts:
 * throttling, transient errors, conflicts, unprocessed keys, lost responses, latency) and with its own clock skew;
 * optional seeded index lag with eventually consistent reads; a change feed; virtual time.
 *
 * Virtual time: a ticker advances the shared clock by {@link TICK_MS} on every macrotask turn while the schedule
 * runs, and sleeps (backoff, poll intervals, pauses) wait for the clock, so index lag, deadlines, blob ages and
 * backoff are all measured in the same deterministic time; a schedule of tens of virtual seconds runs in well
 * under a second. (The store races an in-flight driver call against its deadline with a real timer; twin calls
 * last a few turns, so that timer never decides an outcome.)
 */
import { MemoryBlobDriver, MemoryKvDriver, type FaultCounts } from '../../drivers/memory/index.js';
import type { EventStoreAdapterError } from '../../src/errors/index.js';
import { EventStore, type EventStoreCoreOptions } from '../../src/event-store.js';
import { localKeyProvider, type KeyProvider } from '../../src/payload/key-provider.js';
import { FaultGate, FaultyBlobs, FaultyKv, seedMathRandom, turns } from '../helpers/fault-gate.js';
import { executeOp } from './execute.js';
import type { TwinSchedule } from './generators.js';
import { audit, type AuditCounts } from './invariants.js';
import { BIG_CHARS, incompressible, OFFLOAD_THRESHOLD_BYTES } from './model.js';
import { runActors, type HistoryEntry, type Instance } from './runner.js';

/** Virtual ms per macrotask turn. */
export const TICK_MS = 20;
/** Longest index lag (the distribution's tail), virtual ms. */
export const TAIL_MS = 3_000;
/** Every instance's `deadlineMs` (virtual ms). */
export const DEADLINE_MS = 4_000;
/** The per-call `deadlineMs` of `store` operations drawn with a short deadline: a few driver calls' worth. */
export const SHORT_DEADLINE_MS = 200;
/** Largest clock skew of an instance (generators.ts), ms: two instances differ by up to twice this. */
export const MAX_SKEW_MS = 3_000;
/**
 * The sweeper's grace period: longer than any write can take between uploading a blob and committing the item that
 * names it (the deadline; a twin request in flight lands within a few turns of its call's end), plus the largest
 * difference between the sweeping instance's clock and the blob store's (the skew), plus a margin. A shorter grace
 * lets a sweep delete the blob of a write still in flight: the documented unsafe setting, not a defect.
 */
export const GRACE_MS = DEADLINE_MS + 2 * MAX_SKEW_MS + 2_000;
/**
 * Slack allowed past a call's deadline, virtual ms: the store checks its deadline between driver calls and races a
 * call in flight with a real timer (which cannot fire within a twin call's few turns), so a call can end up to one
 * driver call's latency (<= 3 turns = 60 ms) plus the turns of its own synchronous continuations after the deadline;
 * 500 ms (25 turns) covers both with a wide margin.
 */
export const TWIN_SLACK_MS = 500;

/** Figures of one schedule. */
export interface TwinRun {
  violations: string[];
  history: HistoryEntry[];
  counts: AuditCounts;
  faults: number;
  faultsByKind: FaultCounts[];
}

/** A clock advanced by the macrotask turns of a running schedule. */
class VirtualTime {
  now = Date.UTC(2026, 11, 1);
  private running = false;
  private loop: Promise<void> | undefined;

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        this.now += TICK_MS;
        await turns(1);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves once `ms` virtual ms have passed (at least one turn). */
  sleep = async (ms: number): Promise<void> => {
    const until = this.now + ms;
    do await turns(1);
    while (this.now < until);
  };

  tick = (): Promise<void> => turns(1);
}

/**
 * `SCHEDULE_CODECS=1`: every store of the schedule runs with the payload codecs on (compression from 0 bytes and
 * encryption under one local master key), so the schedules' invariants are checked through the pipeline too.
 */
function scheduleCodecs(): Partial<EventStoreCoreOptions> {
  if (process.env.SCHEDULE_CODECS !== '1') return {};
  return { compression: { minBytes: 0 }, encryption: { keys: SCHEDULE_KEYS } };
}
const SCHEDULE_KEYS = localKeyProvider(new Uint8Array(32).fill(11));

/**
 * With `SCHEDULE_CODECS=1`, each instance's key provider fails its first call and then every fifth (a KMS outage or
 * throttling): the calls that needed it fail with `CODEC/KEY_PROVIDER`, and are repeated by the caller.
 */
function instanceCodecs(): Partial<EventStoreCoreOptions> {
  if (process.env.SCHEDULE_CODECS !== '1') return {};
  let calls = 0;
  const fail = () => {
    if (calls++ % 5 === 0) throw new Error('key provider unavailable (scheduled fault)');
  };
  const keys: KeyProvider = {
    id: SCHEDULE_KEYS.id,
    wrapKey: async (key, context) => {
      fail();
      return SCHEDULE_KEYS.wrapKey(key, context);
    },
    unwrapKey: async (wrapped, context) => {
      fail();
      return SCHEDULE_KEYS.unwrapKey(wrapped, context);
    },
  };
  return { encryption: { keys } };
}

/**
 * A neighbour: a table of the same name in another KV driver (another region or account, or another developer's
 * DynamoDB Local) whose store shares the blob store, holding `count` offloaded events written before the schedule.
 * Nothing the schedule's stores do (sweeps, resets) may touch its blobs: `check` resolves to the violations.
 */
async function plantNeighbour(
  count: number,
  common: Omit<EventStoreCoreOptions, 'kv'>,
  blobs: MemoryBlobDriver,
  clock: () => number,
  sleep: (ms: number) => Promise<void>,
): Promise<{ check(): Promise<string[]> }> {
  if (count === 0) return { check: async () => [] };
  const store = new EventStore({ ...common, kv: new MemoryKvDriver({ clock }), blobs, clock }, { sleep });
  const events = Array.from({ length: count }, (_, index) => ({
    id: `neighbour.${index}`,
    domain: 'acct',
    identifier: 'n',
    type: 'moved',
    payload: { blob: incompressible(`neighbour.${index}:`, BIG_CHARS) }, // offloaded, compressed or not
    created: new Date(clock()),
  }));
  await store.appendEvents(events);
  return {
    async check() {
      const violations: string[] = [];
      for (const event of events) {
        const read = await store.getEventById(event.id).catch((error: unknown) => `${(error as { code?: string }).code ?? String(error)}`);
        if (typeof read === 'string' || read === null)
          violations.push(
            `the neighbour's event ${event.id} (same table name, another KV store, shared blob store) is unreadable: ${read}`,
          );
      }
      await store.close();
      return violations;
    },
  };
}

/** Run `schedule` on a fresh twin and audit it. `tag` prefixes ids (unique per schedule). */
export async function runTwinSchedule(schedule: TwinSchedule, tag: string): Promise<TwinRun> {
  const restoreRandom = seedMathRandom(schedule.seed ^ 0x5ca1ab1e);
  const time = new VirtualTime();
  const clock = () => time.now;
  const kv = new MemoryKvDriver({
    clock,
    ...(schedule.lag
      ? {
          indexLag: {
            seed: schedule.seed,
            medianMs: schedule.lag.medianMs,
            tailMs: TAIL_MS,
            tailProbability: schedule.lag.tailProbability,
          },
          eventualReads: true,
        }
      : {}),
    capabilities: {
      idempotentTransactions: schedule.idempotentTransactions,
      ...(schedule.smallTransactions ? { maxTransactionActions: 12 } : {}),
    },
  });
  const blobs = new MemoryBlobDriver({ clock });
  const unreadable: EventStoreAdapterError[] = [];
  const common: Omit<EventStoreCoreOptions, 'kv'> = {
    tableName: 'api-schedules',
    offloadThresholdBytes: OFFLOAD_THRESHOLD_BYTES,
    bucketShards: schedule.bucketShards,
    changeFeed: { shards: schedule.shards },
    deadlineMs: DEADLINE_MS,
    retry: { maxAttempts: schedule.maxAttempts, baseDelayMs: 10, maxDelayMs: 200 },
    onWarning: () => undefined,
    ...scheduleCodecs(),
  };
  const verifier = new EventStore({ ...common, kv, blobs, clock, onUnreadable: (error) => unreadable.push(error) }, { sleep: time.sleep });
  const gates = schedule.instances.map((spec, index) => new FaultGate(schedule.seed ^ (index * 0x9e3779b1), spec));
  const stores = schedule.instances.map(
    (spec, index) =>
      new EventStore(
        {
          ...common,
          kv: new FaultyKv(kv, gates[index]!),
          blobs: new FaultyBlobs(blobs, gates[index]!),
          clock: () => time.now + spec.skewMs,
          ...instanceCodecs(),
        },
        { sleep: time.sleep },
      ),
  );
  const storedIds = async (ids: readonly string[]) => {
    // A reset elsewhere may have the table dropped right now (reads then fail with DRIVER/RESOURCE_NOT_FOUND): wait
    // for it to be re-created. A table that stays missing took whatever the refused call wrote with it.
    for (let round = 0; round < 50; round++) {
      try {
        const found: string[] = [];
        for (const id of ids) if (await verifier.getEventById(id)) found.push(id);
        return found;
      } catch (error) {
        if ((error as { code?: string }).code !== 'DRIVER/RESOURCE_NOT_FOUND') throw error;
        await time.tick();
      }
    }
    return [];
  };
  const instances: Instance[] = stores.map((store, index) => ({
    name: `i${index}`,
    clock: () => time.now + schedule.instances[index]!.skewMs,
    exec: (op) =>
      executeOp(
        { store, clock: () => time.now + schedule.instances[index]!.skewMs, tick: time.tick, deadlineMs: DEADLINE_MS, storedIds },
        op,
      ),
  }));
  time.start();
  try {
    for (const gate of gates) gate.enabled = false;
    await verifier.init();
    await Promise.all(stores.map((store) => store.init()));
    for (const gate of gates) gate.enabled = true;
    const neighbour = await plantNeighbour(schedule.neighbourEvents, common, blobs, clock, time.sleep);
    const history = await runActors(tag, schedule.actors, {
      instances,
      now: clock,
      tick: time.tick,
      graceMs: GRACE_MS,
      shortDeadlineMs: SHORT_DEADLINE_MS,
      lateSweeps: true,
    });
    for (const gate of gates) gate.enabled = false;
    // Requests of calls that gave up land, and every index catches up, before the audit.
    await time.sleep(TAIL_MS + 10 * TICK_MS);
    const { violations, counts } = await audit(history, {
      verifier,
      unreadable,
      tick: time.tick,
      maxDrainTicks: Math.ceil((4 * TAIL_MS) / TICK_MS) + 500,
      slackMs: TWIN_SLACK_MS,
    });
    violations.push(...(await neighbour.check()));
    const faultsByKind = [kv.faultCounts(), blobs.faultCounts()];
    const faults = faultsByKind.flatMap((count) => Object.values(count)).reduce((sum, count) => sum + count, 0);
    return { violations, history, counts, faults, faultsByKind };
  } finally {
    await Promise.all([...stores, verifier].map((store) => store.close()));
    await time.stop();
    restoreRandom();
  }
}
