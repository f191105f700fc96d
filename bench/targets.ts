/**
 * The project's goals against the OLD adapter (`@schemeless/event-store-adapter-dynamodb@5.0.0`), measured in the
 * same bench run on the same DynamoDB Local and S3 server (backend `legacy-dynamodb-local`), plus absolute goals
 * for our write units and requests per append. Each row shows our figure, the old adapter's, their ratio (ours ÷
 * old), the target and whether it is met.
 *
 * Where the figures come from: events/s and requests from the DynamoDB Local runs of both adapters; write units by
 * AWS's published rules, for ours from the in-memory twin running the same workload, for the old adapter from its
 * own calls replayed on a shadow twin (`legacy/legacy-meter.ts`): the same metering code prices both. DynamoDB
 * Local's own figures are not used for writes (it misreports transactions).
 */
import type { BenchConfig } from './config.js';
import type { Measurement } from './harness/measure.js';
import { batchVariant, COMPARED_BATCH_SIZE } from './workloads/batch-append.js';
import { COMPARED_PAGE_SIZE, replayVariant } from './workloads/replay.js';
import { disjointWriters, SEQUENTIAL, SEQUENTIAL_EXPECTED } from './workloads/single-append.js';

/** One goal: our figure, the old adapter's, the ratio, the threshold, met or not. */
export interface TargetCheck {
  readonly goal: string;
  /** Our figure, as text (`–` when not measured). */
  readonly ours: string;
  /** The old adapter's figure in the same run, as text (`–` when not measured or not applicable). */
  readonly old: string;
  /** Ours ÷ old, as text (`–` when either is missing). */
  readonly ratio: string;
  /** The threshold, as text. */
  readonly target: string;
  /** Undefined when a figure the goal needs was not measured. */
  readonly met: boolean | undefined;
}

/** Speed goals: our events/s over the old adapter's, same workload, same servers. */
export const SPEED_TARGETS = {
  sequential: 1.5,
  disjointWriters: 1.5,
  batches: 1.0,
  replay: 4,
} as const;
/** Replay requests per 1,000 events the replay speed goal must be met at (ours). */
export const REPLAY_MAX_REQUESTS_PER_THOUSAND = 1;
/** Our write units per single append (AWS rules): without / with `expectedSequence`. */
export const MAX_WCU_PER_APPEND = 5;
export const MAX_WCU_PER_APPEND_EXPECTED = 7;
/** Our write units per event in batches of 20 on one stream (AWS rules). */
export const MAX_WCU_PER_BATCHED_EVENT = 5;
/** Write units of the per-month catalog write (a plain PutItem of a small item). */
const CATALOG_WRITE_UNITS = 1;

/** The measurements of one variant on each backend that a goal reads. */
interface Sides {
  readonly local?: Measurement;
  readonly twin?: Measurement;
  readonly old?: Measurement;
}

/** A speed goal: our events/s over the old adapter's on DynamoDB Local, at least `minimum`. */
interface SpeedGoal {
  readonly goal: string;
  readonly sides: Sides;
  readonly minimum: number;
  /** A further requirement of the goal; present but undefined: not measured. */
  readonly condition?: boolean | undefined;
  /** The target's text, when not just the ratio. */
  readonly target?: string;
}

/** A write-unit goal: our write units per event by AWS's rules (the twin), at most `limit` (+ the catalog write's share). */
interface UnitsGoal {
  readonly goal: string;
  readonly sides: Sides;
  readonly limit: number;
}

/** Check every goal against `measurements`. */
export function checkTargets(measurements: readonly Measurement[], config: Pick<BenchConfig, 'writers'>): TargetCheck[] {
  const find = (workload: string, variant: string, backend: Measurement['backend']): Measurement | undefined =>
    measurements.find((m) => m.workload === workload && m.variant === variant && m.backend === backend);
  const sides = (workload: string, variant: string): Sides => ({
    local: find(workload, variant, 'dynamodb-local'),
    twin: find(workload, variant, 'twin'),
    old: find(workload, variant, 'legacy-dynamodb-local'),
  });
  const sequential = sides('single-append', SEQUENTIAL);
  const expected = sides('single-append', SEQUENTIAL_EXPECTED);
  const writers = sides('single-append', disjointWriters(config.writers));
  const batches = sides('batch-append', batchVariant(COMPARED_BATCH_SIZE));
  const replay = sides('replay', replayVariant(COMPARED_PAGE_SIZE, 1));

  const replayRequests = replay.local?.cost.requests;
  const replayRequestsMet = atMost(replayRequests, REPLAY_MAX_REQUESTS_PER_THOUSAND);
  const speedGoals: SpeedGoal[] = [
    { goal: 'sequential single appends, events/s (DynamoDB Local)', sides: sequential, minimum: SPEED_TARGETS.sequential },
    {
      goal: `${config.writers} concurrent writers on disjoint streams, events/s (DynamoDB Local)`,
      sides: writers,
      minimum: SPEED_TARGETS.disjointWriters,
    },
    {
      goal: `batches of ${COMPARED_BATCH_SIZE}, a new stream each, events/s (DynamoDB Local)`,
      sides: batches,
      minimum: SPEED_TARGETS.batches,
    },
    {
      goal: `replay getAllEvents(${COMPARED_PAGE_SIZE}), 1 shard, events/s (DynamoDB Local)`,
      sides: replay,
      minimum: SPEED_TARGETS.replay,
      condition: replayRequestsMet,
      target: `≥ ${SPEED_TARGETS.replay.toFixed(1)}x at ≤ ${REPLAY_MAX_REQUESTS_PER_THOUSAND} req/1k (next row)`,
    },
  ];
  const unitsGoals: UnitsGoal[] = [
    { goal: 'write units per single append, no expectedSequence (AWS rules)', sides: sequential, limit: MAX_WCU_PER_APPEND },
    { goal: 'write units per single append, with expectedSequence (AWS rules)', sides: expected, limit: MAX_WCU_PER_APPEND_EXPECTED },
    {
      goal: `write units per event, batches of ${COMPARED_BATCH_SIZE} on one stream (AWS rules)`,
      sides: batches,
      limit: MAX_WCU_PER_BATCHED_EVENT,
    },
  ];

  // Steady state: one transaction per append. A process's first write of a month adds one plain write of that
  // month's catalog entry (1 request, 1 WCU: kept out of the transactions so writers never conflict on it). Every
  // run is a new repo (a new process) whose events all fall in the current month, so each per-append target allows
  // that one write spread over the run: + months/events.
  const steadyLimit = 1 + (sequential.local ? CATALOG_MONTHS / sequential.local.events : 0);
  return [
    ...speedGoals.map((goal) => speed(goal)),
    row(
      `replay getAllEvents(${COMPARED_PAGE_SIZE}), DynamoDB requests per 1,000 events`,
      replayRequests,
      replay.old?.cost.requests,
      2,
      '',
      `≤ ${REPLAY_MAX_REQUESTS_PER_THOUSAND} (ours)`,
      replayRequestsMet,
    ),
    ...unitsGoals.map(({ goal, sides: { twin, old }, limit }) =>
      row(goal, wcu(twin), wcu(old), 3, '', steady(limit, twin), atMost(wcu(twin), limit + catalogShare(twin))),
    ),
    row(
      'DynamoDB requests per single append, steady state (sequential, DynamoDB Local)',
      requests(sequential.local),
      requests(sequential.old),
      3,
      '',
      `1 (+${CATALOG_MONTHS} catalog write/month/process: ≤ ${format(steadyLimit, 3)})`,
      atMost(requests(sequential.local), steadyLimit),
    ),
  ];
}

/** Months a run's events fall in (all in the current month): one catalog write each per process. */
const CATALOG_MONTHS = 1;

/** A speed goal's row: met when the ratio is at least its minimum and its condition holds. */
function speed(goal: SpeedGoal): TargetCheck {
  const { sides, minimum } = goal;
  const ratio = ratioOf(sides.local?.eventsPerSec, sides.old?.eventsPerSec);
  const unmeasured = ratio === undefined || ('condition' in goal && goal.condition === undefined);
  const met = unmeasured ? undefined : ratio >= minimum && goal.condition !== false;
  return row(goal.goal, sides.local?.eventsPerSec, sides.old?.eventsPerSec, 0, ' ev/s', goal.target ?? `≥ ${minimum.toFixed(1)}x`, met);
}

/** One row: both figures formatted, their ratio, the target text and whether it is met. */
function row(
  goal: string,
  ours: number | undefined,
  old: number | undefined,
  digits: number,
  unit: string,
  target: string,
  met: boolean | undefined,
): TargetCheck {
  return { goal, ours: format(ours, digits, unit), old: format(old, digits, unit), ratio: format(ratioOf(ours, old), 2, 'x'), target, met };
}

/** `value` with `digits` decimals and `unit`, or `–` when not measured. */
function format(value: number | undefined, digits: number, unit = ''): string {
  return value === undefined || !Number.isFinite(value)
    ? '–'
    : `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit}`;
}

function ratioOf(ours: number | undefined, old: number | undefined): number | undefined {
  return ours === undefined || old === undefined || old === 0 ? undefined : ours / old;
}

function perEvent(m: Measurement | undefined, pick: (m: Measurement) => number): number | undefined {
  return m ? pick(m) / 1000 : undefined;
}

function wcu(m: Measurement | undefined): number | undefined {
  return perEvent(m, (x) => x.cost.writeUnits);
}

function requests(m: Measurement | undefined): number | undefined {
  return perEvent(m, (x) => x.cost.requests);
}

function atMost(value: number | undefined, limit: number): boolean | undefined {
  return value === undefined ? undefined : value <= limit + 1e-9;
}

/** The catalog write's write units spread over `m`'s events (0 when not measured). */
function catalogShare(m: Measurement | undefined): number {
  return m ? (CATALOG_WRITE_UNITS * CATALOG_MONTHS) / m.events : 0;
}

/** The target text of a per-append goal: the steady-state limit, and with the catalog write's share of `m`. */
function steady(limit: number, m: Measurement | undefined): string {
  return `≤ ${limit} (+${CATALOG_MONTHS} catalog write/month/process: ≤ ${format(limit + catalogShare(m), 3)}) (ours)`;
}
