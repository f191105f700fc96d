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

/** Check every goal against `measurements`. */
export function checkTargets(measurements: readonly Measurement[], config: Pick<BenchConfig, 'writers'>): TargetCheck[] {
  const find = (workload: string, variant: string, backend: Measurement['backend']): Measurement | undefined =>
    measurements.find((m) => m.workload === workload && m.variant === variant && m.backend === backend);
  const sides = (workload: string, variant: string) => ({
    local: find(workload, variant, 'dynamodb-local'),
    twin: find(workload, variant, 'twin'),
    old: find(workload, variant, 'legacy-dynamodb-local'),
  });
  const sequential = sides('single-append', SEQUENTIAL);
  const expected = sides('single-append', SEQUENTIAL_EXPECTED);
  const writers = sides('single-append', disjointWriters(config.writers));
  const batches = sides('batch-append', batchVariant(COMPARED_BATCH_SIZE));
  const replay = sides('replay', replayVariant(COMPARED_PAGE_SIZE, 1));

  const format = (value: number | undefined, digits: number, unit = ''): string =>
    value === undefined || !Number.isFinite(value)
      ? '–'
      : `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit}`;
  const ratioOf = (ours: number | undefined, old: number | undefined): number | undefined =>
    ours === undefined || old === undefined || old === 0 ? undefined : ours / old;
  const row = (
    goal: string,
    ours: number | undefined,
    old: number | undefined,
    digits: number,
    unit: string,
    target: string,
    met: boolean | undefined,
  ): TargetCheck => ({
    goal,
    ours: format(ours, digits, unit),
    old: format(old, digits, unit),
    ratio: format(ratioOf(ours, old), 2, 'x'),
    target,
    met,
  });
  /** `condition`: a further requirement of the goal (undefined: not measured). */
  const speed = (
    goal: string,
    pair: { local?: Measurement; old?: Measurement },
    minimum: number,
    condition: boolean | undefined = true,
  ): TargetCheck => {
    const ratio = ratioOf(pair.local?.eventsPerSec, pair.old?.eventsPerSec);
    const met = ratio === undefined || condition === undefined ? undefined : ratio >= minimum && condition;
    return row(goal, pair.local?.eventsPerSec, pair.old?.eventsPerSec, 0, ' ev/s', `≥ ${minimum.toFixed(1)}x`, met);
  };
  const perEvent = (m: Measurement | undefined, pick: (m: Measurement) => number): number | undefined => (m ? pick(m) / 1000 : undefined);
  const wcu = (m: Measurement | undefined): number | undefined => perEvent(m, (x) => x.cost.writeUnits);
  const requests = (m: Measurement | undefined): number | undefined => perEvent(m, (x) => x.cost.requests);
  const atMost = (value: number | undefined, limit: number): boolean | undefined =>
    value === undefined ? undefined : value <= limit + 1e-9;

  const replayRequests = replay.local?.cost.requests;
  const replayRequestsMet = atMost(replayRequests, REPLAY_MAX_REQUESTS_PER_THOUSAND);
  const replaySpeed = speed(
    `replay getAllEvents(${COMPARED_PAGE_SIZE}), 1 shard, events/s (DynamoDB Local)`,
    replay,
    SPEED_TARGETS.replay,
    replayRequestsMet,
  );
  // Steady state: one transaction per append. A process's first write of a month adds one plain write of that
  // month's catalog entry (1 request, 1 WCU: kept out of the transactions so writers never conflict on it). Every
  // run is a new repo (a new process) whose events all fall in the current month, so each per-append target allows
  // that one write spread over the run: + months/events.
  const months = 1;
  const catalogShare = (m: Measurement | undefined): number => (m ? (CATALOG_WRITE_UNITS * months) / m.events : 0);
  const steadyLimit = 1 + (sequential.local ? months / sequential.local.events : 0);
  const steady = (limit: number, m: Measurement | undefined): string =>
    `≤ ${limit} (+${months} catalog write/month/process: ≤ ${format(limit + catalogShare(m), 3)}) (ours)`;
  return [
    speed('sequential single appends, events/s (DynamoDB Local)', sequential, SPEED_TARGETS.sequential),
    speed(`${config.writers} concurrent writers on disjoint streams, events/s (DynamoDB Local)`, writers, SPEED_TARGETS.disjointWriters),
    speed(`batches of ${COMPARED_BATCH_SIZE}, a new stream each, events/s (DynamoDB Local)`, batches, SPEED_TARGETS.batches),
    { ...replaySpeed, target: `≥ ${SPEED_TARGETS.replay.toFixed(1)}x at ≤ ${REPLAY_MAX_REQUESTS_PER_THOUSAND} req/1k (next row)` },
    row(
      `replay getAllEvents(${COMPARED_PAGE_SIZE}), DynamoDB requests per 1,000 events`,
      replayRequests,
      replay.old?.cost.requests,
      2,
      '',
      `≤ ${REPLAY_MAX_REQUESTS_PER_THOUSAND} (ours)`,
      replayRequestsMet,
    ),
    row(
      'write units per single append, no expectedSequence (AWS rules)',
      wcu(sequential.twin),
      wcu(sequential.old),
      3,
      '',
      steady(MAX_WCU_PER_APPEND, sequential.twin),
      atMost(wcu(sequential.twin), MAX_WCU_PER_APPEND + catalogShare(sequential.twin)),
    ),
    row(
      'write units per single append, with expectedSequence (AWS rules)',
      wcu(expected.twin),
      wcu(expected.old),
      3,
      '',
      steady(MAX_WCU_PER_APPEND_EXPECTED, expected.twin),
      atMost(wcu(expected.twin), MAX_WCU_PER_APPEND_EXPECTED + catalogShare(expected.twin)),
    ),
    row(
      `write units per event, batches of ${COMPARED_BATCH_SIZE} on one stream (AWS rules)`,
      wcu(batches.twin),
      wcu(batches.old),
      3,
      '',
      steady(MAX_WCU_PER_BATCHED_EVENT, batches.twin),
      atMost(wcu(batches.twin), MAX_WCU_PER_BATCHED_EVENT + catalogShare(batches.twin)),
    ),
    row(
      'DynamoDB requests per single append, steady state (sequential, DynamoDB Local)',
      requests(sequential.local),
      requests(sequential.old),
      3,
      '',
      `1 (+${months} catalog write/month/process: ≤ ${format(steadyLimit, 3)})`,
      atMost(requests(sequential.local), steadyLimit),
    ),
  ];
}
