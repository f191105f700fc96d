/**
 * fast-check arbitraries of the whole-API schedules, and the switches that narrow them while diagnosing:
 * - `API_OPS=store,batch,…` keeps only these operation classes (default: all of {@link OP_KINDS});
 * - `API_HAZARDS=throttle,transient,…` keeps only these hazard classes (default: all of {@link HAZARDS}).
 * A class switched off is never generated (an operation) or drawn at rate 0 (a hazard).
 */
import fc from 'fast-check';
import { OP_KINDS, STREAMS, type OpKind, type OpSpec } from './model.js';
import type { ActorSpec } from './runner.js';

/**
 * Hazard classes: driver faults (throttling, transient errors, transaction conflicts, unprocessed keys, lost
 * responses: the write applied, then an error), latency, index lag (with eventually consistent reads), clock skew
 * between instances, short per-call deadlines, (real servers) request-level faults below the SDK, a neighbour
 * (another table of the same name, e.g. another region or another developer's DynamoDB Local, sharing the bucket),
 * and (real servers) an instance whose driver does not create tables (`createTable: false`, as with
 * `skipDynamoDBTableCreation`).
 */
export const HAZARDS = [
  'throttle',
  'transient',
  'conflict',
  'unprocessed',
  'lostResponse',
  'latency',
  'lag',
  'skew',
  'deadline',
  'request',
  'neighbour',
  'managedTable',
] as const;
export type Hazard = (typeof HAZARDS)[number];

function switches<T extends string>(variable: string, all: readonly T[]): ReadonlySet<T> {
  const value = process.env[variable];
  if (value === undefined || value.trim() === '') return new Set(all);
  const chosen = value.split(',').map((name) => name.trim());
  const unknown = chosen.filter((name) => !(all as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`${variable}: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`);
  return new Set(chosen as T[]);
}

/**
 * For diagnosis only (never set in CI): `API_IGNORE=<regex>` drops the violations it matches, so a run can look
 * past a known failure for the next one. Unset: every violation counts.
 */
export function diagnosisFilter(violations: readonly string[]): readonly string[] {
  const pattern = process.env.API_IGNORE;
  if (pattern === undefined || pattern === '') return violations;
  const ignore = new RegExp(pattern);
  return violations.filter((violation) => !ignore.test(violation));
}

/** Operation classes off unless `API_OPS` names them: none (every class runs by default). */
const OFF_BY_DEFAULT: readonly OpKind[] = [];

/** The operation classes switched on (`API_OPS`; default: all but {@link OFF_BY_DEFAULT}). */
export const enabledOps: ReadonlySet<OpKind> =
  process.env.API_OPS === undefined || process.env.API_OPS.trim() === ''
    ? new Set(OP_KINDS.filter((kind) => !OFF_BY_DEFAULT.includes(kind)))
    : switches('API_OPS', OP_KINDS);
/** The hazard classes switched on (`API_HAZARDS`). */
export const enabledHazards: ReadonlySet<Hazard> = switches('API_HAZARDS', HAZARDS);
export const hazard = (name: Hazard): boolean => enabledHazards.has(name);

const streamsArb = fc.uniqueArray(fc.nat(STREAMS - 1), { minLength: 1, maxLength: 3 });

/** Each operation class with its weight (how often it is drawn). Resets are rare: each one voids the obligations of the writes it overlaps. */
const OP_ARBS: Record<OpKind, { weight: number; arbitrary: fc.Arbitrary<OpSpec> }> = {
  store: {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('store' as const),
      streams: streamsArb,
      count: fc.integer({ min: 1, max: 8 }),
      bigMask: fc.oneof(fc.constant(0), fc.nat(255)),
      expect: fc.boolean(),
      shortDeadline: fc.integer({ min: 0, max: 5 }).map((n) => n === 0 && hazard('deadline')),
    }),
  },
  batch: {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      streams: streamsArb,
      count: fc.integer({ min: 1, max: 6 }),
      bigMask: fc.oneof(fc.constant(0), fc.nat(63)),
    }),
  },
  snapshot: {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('snapshot' as const), stream: fc.nat(STREAMS - 1), big: fc.boolean(), pair: fc.boolean() }),
  },
  poll: {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('poll' as const),
      pages: fc.integer({ min: 1, max: 4 }),
      pageSize: fc.integer({ min: 1, max: 20 }),
    }),
  },
  subscribe: {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      consumer: fc.nat(1),
      ticks: fc.integer({ min: 1, max: 30 }),
      pageSize: fc.integer({ min: 1, max: 20 }),
    }),
  },
  sweep: { weight: 2, arbitrary: fc.record({ kind: fc.constant('sweep' as const), late: fc.boolean() }) },
  reset: { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  export: { weight: 1, arbitrary: fc.constant({ kind: 'export' as const }) },
  import: { weight: 1, arbitrary: fc.constant({ kind: 'import' as const }) },
  bad: { weight: 1, arbitrary: fc.constant({ kind: 'bad' as const }) },
  pause: { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), ticks: fc.integer({ min: 1, max: 400 }) }) },
};

/** One operation of the enabled classes. */
export const opArb: fc.Arbitrary<OpSpec> = fc.oneof(
  ...OP_KINDS.filter((kind) => enabledOps.has(kind)).map((kind) => ({ weight: OP_ARBS[kind].weight, arbitrary: OP_ARBS[kind].arbitrary })),
);

/** A fault rate in [0, max] (uniform in steps of max/100), 0 when its hazard is off. */
const rate = (name: Hazard, max: number) =>
  hazard(name) ? fc.integer({ min: 0, max: 100 }).map((step) => (step * max) / 100) : fc.constant(0);

/** Per-instance hazards: its faults (drawn per driver call), latency in turns, clock skew. */
export const instanceArb = fc.record({
  throttleRate: rate('throttle', 0.08),
  transientRate: rate('transient', 0.06),
  conflictRate: rate('conflict', 0.08),
  unprocessedRate: rate('unprocessed', 0.2),
  lostResponseRate: rate('lostResponse', 0.12),
  maxTurns: hazard('latency') ? fc.integer({ min: 0, max: 3 }) : fc.constant(0),
  skewMs: hazard('skew') ? fc.integer({ min: -3000, max: 3000 }) : fc.constant(0),
});
export type InstanceSpec = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

/** `count` actors over `instances` instances, each with 1..`maxOps` operations. */
export function actorsArb(instances: number, count: { min: number; max: number }, maxOps: number): fc.Arbitrary<ActorSpec[]> {
  return fc.array(fc.record({ instance: fc.nat(instances - 1), ops: fc.array(opArb, { minLength: 1, maxLength: maxOps }) }), {
    minLength: count.min,
    maxLength: count.max,
  });
}

/** A schedule on the twin: 3..6 instances sharing the drivers, 3..6 actors, index lag, table settings. */
export const twinScheduleArb = fc.integer({ min: 3, max: 6 }).chain((instances) =>
  fc.record({
    seed: fc.integer(),
    instances: fc.array(instanceArb, { minLength: instances, maxLength: instances }),
    actors: actorsArb(instances, { min: 3, max: 6 }, 5),
    lag: hazard('lag')
      ? fc.option(fc.record({ medianMs: fc.constantFrom(5, 50, 300), tailProbability: fc.constantFrom(0.01, 0.1, 0.3) }), { freq: 3 })
      : fc.constant(null),
    shards: fc.constantFrom(1, 2, 4),
    bucketShards: fc.constantFrom(1, 3),
    smallTransactions: fc.boolean(),
    /** Transactions deduplicated by their token (DynamoDB's ClientRequestToken) or not. */
    idempotentTransactions: fc.integer({ min: 0, max: 3 }).map((n) => n !== 0),
    maxAttempts: fc.integer({ min: 2, max: 5 }),
    /** Offloaded events a neighbour table of the same name (sharing the blob store) holds: 0 for none. */
    neighbourEvents: hazard('neighbour') ? fc.constantFrom(0, 0, 3) : fc.constant(0),
  }),
);
export type TwinSchedule = typeof twinScheduleArb extends fc.Arbitrary<infer T> ? T : never;

/** A schedule on the real servers: instances are `children` child processes plus 1..2 in-process stores. */
export const realScheduleArb = fc.record({
  seed: fc.integer(),
  inProcess: fc.integer({ min: 1, max: 2 }),
  skews: fc.array(hazard('skew') ? fc.integer({ min: -3000, max: 3000 }) : fc.constant(0), { minLength: 6, maxLength: 6 }),
  /**
   * In a third of the schedules one instance (a child) suffers a request storm (lost answers followed by throttled SDK
   * retries: the SDK's last attempt is a refusal); one, as the SDK's throttle backoff makes a storm cost seconds.
   */
  storm: fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
  actors: actorsArb(5, { min: 3, max: 4 }, 3),
  shards: fc.constantFrom(1, 2, 4),
  /** The last child's driver does not create tables (its table is managed elsewhere). */
  managedTable: hazard('managedTable') ? fc.boolean() : fc.constant(false),
});
export type RealSchedule = typeof realScheduleArb extends fc.Arbitrary<infer T> ? T : never;
