/**
 * Workload 1: single-event appends (`storeEvents([event])`), each run on a fresh table. Variants:
 * - `sequential`: one append at a time, round-robin over `streams` streams (compared with the old adapter);
 * - `sequential, expectedSequence`: the same with `{ expectedSequence }` (the stream's current sequence), ours only;
 * - `concurrent, N in flight`: N appends in flight over the same streams, ours only;
 * - `W writers, disjoint streams`: W writers, each appending single events to its OWN stream one after another, all
 *   W in flight together (compared with the old adapter).
 */
import type { Backend, BenchRepo } from '../backends.js';
import type { BenchConfig } from '../config.js';
import { EventFactory, streamName } from '../events.js';
import { summarize, timeRun, type Measurement, type RunResult } from '../harness/measure.js';
import { inParallel } from '../harness/timing.js';
import type { CreatedEvent } from '../../src/index.js';
import { alternate, comparisonSides, describeRun, isOld, type Log, type Side, type Workload } from './workload.js';

/** Variant names shared with the targets. */
export const SEQUENTIAL = 'sequential';
export const SEQUENTIAL_EXPECTED = 'sequential, expectedSequence';
export const disjointWriters = (writers: number): string => `${writers} writers, disjoint streams`;

interface Variant {
  readonly name: string;
  /** Measured on the old adapter too. */
  readonly compared: boolean;
  /** The run's events in groups: each group is appended one event after another, all groups side by side. */
  plan(factory: EventFactory): CreatedEvent[][];
  /** Instead: append the (single) group with this many appends in flight. */
  readonly inFlight?: number;
  /** Pass `expectedSequence` (the stream's sequence before the append). */
  readonly expected?: boolean;
}

function variants(config: BenchConfig): Variant[] {
  const roundRobin = (factory: EventFactory): CreatedEvent[][] => [
    Array.from({ length: config.singleEvents }, (_, index) => factory.next({ stream: streamName(index % config.streams) })),
  ];
  const perWriter = Math.max(1, Math.floor(config.singleEvents / config.writers));
  return [
    { name: SEQUENTIAL, compared: true, plan: roundRobin },
    { name: SEQUENTIAL_EXPECTED, compared: false, plan: roundRobin, expected: true },
    { name: `concurrent, ${config.concurrency} in flight`, compared: false, plan: roundRobin, inFlight: config.concurrency },
    {
      name: disjointWriters(config.writers),
      compared: true,
      plan: (factory) => {
        const groups: CreatedEvent[][] = Array.from({ length: config.writers }, () => []);
        // Interleaved creation, so the ids (and `created`) of the writers' events are mixed as with real writers.
        for (let index = 0; index < perWriter; index++)
          for (let writer = 0; writer < config.writers; writer++) groups[writer]!.push(factory.next({ stream: streamName(writer) }));
        return groups;
      },
    },
  ];
}

/** One timed run of `variant` on a fresh store of `backend`. */
async function oneRun(backend: Backend<BenchRepo>, variant: Variant, run: number, log: Log): Promise<RunResult> {
  const store = await backend.createStore({ label: 'single' });
  const groups = variant.plan(new EventFactory(`single-${run}-`));
  const total = groups.reduce((sum, group) => sum + group.length, 0);
  const sequences = new Map<string, number>();
  const append = async (event: CreatedEvent): Promise<void> => {
    if (!variant.expected) return store.repo.storeEvents([event]);
    const current = sequences.get(event.identifier!) ?? 0;
    sequences.set(event.identifier!, current + 1);
    return store.repo.storeEvents([event], { expectedSequence: current });
  };
  try {
    const result = await timeRun(store.repo, total, async (probe) => {
      const tick = async (event: CreatedEvent): Promise<void> => {
        await append(event);
        probe.tick();
      };
      if (variant.inFlight !== undefined) await inParallel(groups[0]!, variant.inFlight, tick);
      else
        await Promise.all(
          groups.map(async (group) => {
            for (const event of group) await tick(event);
          }),
        );
    });
    log(`  ${variant.name} run ${run + 1} (${backend.name}): ${describeRun(result)}`);
    return result;
  } finally {
    await store.dispose();
  }
}

/** Every variant of every side (the old adapter: the compared ones), runs alternating between the sides. */
async function measureSides(sides: readonly Side[], log: Log): Promise<Measurement[]> {
  const plans = sides.map((side) => ({ side, variants: variants(side.config).filter((v) => !isOld(side) || v.compared) }));
  const names = [...new Set(plans.flatMap((plan) => plan.variants.map((v) => v.name)))];
  const measurements: Measurement[] = [];
  for (const name of names) {
    const taking = plans.flatMap((plan) => {
      const variant = plan.variants.find((v) => v.name === name);
      return variant ? [{ ...plan.side, variant }] : [];
    });
    const results = await alternate(taking, (side, run) => oneRun(side.backend, side.variant, run, log));
    taking.forEach((side, index) => measurements.push(summarize(singleAppendWorkload.id, name, side.backend.name, results[index]!)));
  }
  return measurements;
}

export const singleAppendWorkload: Workload = {
  id: 'single-append',
  title:
    'Single-event appends: sequential (without and with expectedSequence), N in flight over shared streams, W writers on disjoint streams',
  measure: (backend, config, log) => measureSides([{ backend: backend as Backend<BenchRepo>, runs: config.runs, config }], log),
  compare: (ours, old, config, log) =>
    measureSides(comparisonSides(ours, old, config, { ...config, singleEvents: config.legacySingleEvents }, config.legacyRuns), log),
};
