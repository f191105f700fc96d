/**
 * The existing adapter's figures on DynamoDB Local (2 cores), from the design's "Targets" section, and the
 * project's goals relative to them. Checked against this run's measurements.
 */
import type { Measurement } from './harness/measure.js';

/** Existing adapter: sequential single-event appends per second. */
export const LEGACY_SINGLE_APPEND_EVENTS_PER_SEC = 240;
/** Existing adapter: requests per single-event append (a read, then a transaction). */
export const LEGACY_REQUESTS_PER_APPEND = 2;
/** Existing adapter: capacity units per 1,000 single-event appends (published rules). */
export const LEGACY_UNITS_PER_THOUSAND_APPENDS = 6_500;
/** Existing adapter: `getAllEvents(100)` events per second (the low end of its 5,000–7,000 range). */
export const LEGACY_REPLAY_EVENTS_PER_SEC = { low: 5_000, high: 7_000 } as const;
/** Existing adapter: replay requests per 1,000 events. */
export const LEGACY_REPLAY_REQUESTS_PER_THOUSAND = 24;
/** Existing adapter: replay read units per 1,000 events. */
export const LEGACY_REPLAY_READ_UNITS_PER_THOUSAND = 517;

/** One goal, its threshold and this run's value. */
export interface TargetCheck {
  readonly goal: string;
  /** The existing adapter's figure, as text. */
  readonly legacy: string;
  /** The threshold, as text. */
  readonly target: string;
  /** This run's value, as text (`–` when the workload did not run). */
  readonly measured: string;
  /** Undefined when not measured. */
  readonly met: boolean | undefined;
}

/** Check every goal against `measurements` (the DynamoDB Local rows for speed, the twin's AWS-rule metering for capacity). */
export function checkTargets(measurements: readonly Measurement[]): TargetCheck[] {
  const find = (workload: string, variant: string, backend: Measurement['backend']): Measurement | undefined =>
    measurements.find((m) => m.workload === workload && m.variant === variant && m.backend === backend);
  const sequentialLocal = find('single-append', 'sequential', 'dynamodb-local');
  const sequentialTwin = find('single-append', 'sequential', 'twin');
  const replayLocal = find('replay', 'getAllEvents(100), 1 shard', 'dynamodb-local');
  const replayTwin = find('replay', 'getAllEvents(100), 1 shard', 'twin');
  const check = (goal: string, legacy: string, target: string, value: number | undefined, ok: (v: number) => boolean, digits = 0): TargetCheck => ({
    goal,
    legacy,
    target,
    measured: value === undefined ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }),
    met: value === undefined ? undefined : ok(value),
  });
  const units = (m: Measurement | undefined): number | undefined => (m ? m.cost.readUnits + m.cost.writeUnits : undefined);
  return [
    check('sequential single appends, events/s (DynamoDB Local)', `${LEGACY_SINGLE_APPEND_EVENTS_PER_SEC}`, `≥ ${LEGACY_SINGLE_APPEND_EVENTS_PER_SEC * 1.5} (1.5x)`, sequentialLocal?.eventsPerSec, (v) => v >= LEGACY_SINGLE_APPEND_EVENTS_PER_SEC * 1.5),
    // Steady state: one transaction per append. A process's first write of a month adds one plain write of that
    // month's catalog entry (kept out of the transactions so writers never conflict on it): +1 per run here.
    check('requests per single append (DynamoDB Local)', `${LEGACY_REQUESTS_PER_APPEND}`, '1 (+1 per month per process)', sequentialLocal && sequentialLocal.cost.requests / 1000, (v) => v <= 1 + 1 / (sequentialLocal?.events ?? 1) + 1e-9, 3),
    check('capacity units per 1,000 single appends (AWS rules, twin)', LEGACY_UNITS_PER_THOUSAND_APPENDS.toLocaleString('en-US'), `≤ ${LEGACY_UNITS_PER_THOUSAND_APPENDS.toLocaleString('en-US')}`, units(sequentialTwin), (v) => v <= LEGACY_UNITS_PER_THOUSAND_APPENDS),
    check('getAllEvents(100) events/s (DynamoDB Local, 1 shard)', `${LEGACY_REPLAY_EVENTS_PER_SEC.low.toLocaleString('en-US')}–${LEGACY_REPLAY_EVENTS_PER_SEC.high.toLocaleString('en-US')}`, `≥ ${(LEGACY_REPLAY_EVENTS_PER_SEC.high * 3).toLocaleString('en-US')} (3x the high end)`, replayLocal?.eventsPerSec, (v) => v >= LEGACY_REPLAY_EVENTS_PER_SEC.high * 3),
    check('replay requests per 1,000 events (DynamoDB Local)', `${LEGACY_REPLAY_REQUESTS_PER_THOUSAND}`, '≤ 2.5', replayLocal?.cost.requests, (v) => v <= 2.5, 2),
    check('replay read units per 1,000 events (AWS rules, twin)', `${LEGACY_REPLAY_READ_UNITS_PER_THOUSAND}`, '≤ 100', replayTwin?.cost.readUnits, (v) => v <= 100, 1),
    check('replay read units per 1,000 events (reported by DynamoDB Local)', `${LEGACY_REPLAY_READ_UNITS_PER_THOUSAND}`, '≤ 100', replayLocal?.cost.readUnits, (v) => v <= 100, 1),
  ];
}
