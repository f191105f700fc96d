/**
 * The peer bench's workloads, the same for every library, their runs ALTERNATING between the libraries (run 1 of
 * each, then run 2 of each, …; the order rotates by one library each run), so all meet the same load on this shared
 * machine:
 *
 * - `single appends, known version`: one event per call, sequential, round-robin over a few streams;
 * - `8 concurrent writers`: each writer appends single events to its own stream, all writers in flight;
 * - `20 events on one stream`: one call of 20 events on a new stream, sequential;
 * - `whole-stream reads`: every stream of a seeded data set read whole (decoded), one after another;
 * - `whole-store read`: the same data set read in global order, pages of 100, where the library has such a read.
 *
 * Each append run gets a fresh store; the read workloads share one seeded store per library (seeded untimed,
 * through the library's own appends of a few events each). Every run records requests and units by AWS's rules
 * (the rules meter, settled outside the timed section), the bench process's CPU time, and for append runs the bytes
 * stored (a scan of the run's store).
 */
import { now, median } from '../harness/timing.js';
import { corpusEvent } from './corpus.js';
import type { PeerEvent, PeerLibrary, PeerServers, PeerStore } from './libraries.js';
import { type MeterTotals, totalRequests } from './rules-meter.js';
import { measureStorage, type StoredBytes } from './storage.js';

/** Sizes of the peer workloads (see `config.ts`, `BENCH_PEER_*`). */
export interface PeerConfig {
  /** Timed runs per figure per library; the median is reported. */
  readonly runs: number;
  /** Single appends per run. */
  readonly appends: number;
  /** Streams the single appends go round-robin over. */
  readonly appendStreams: number;
  /** Concurrent writers (each on its own stream). */
  readonly writers: number;
  /** Appends per run of the writers workload, spread evenly over the writers. */
  readonly writerAppends: number;
  /** Batches per run of the batch workload. */
  readonly batches: number;
  /** Events per batch. */
  readonly batchSize: number;
  /** Streams of the read data set. */
  readonly readStreams: number;
  /** Events per stream of the read data set. */
  readonly readStreamLength: number;
  /** Events per seeding append of the read data set. */
  readonly seedChunk: number;
  /** Page size of the whole-store read. */
  readonly pageSize: number;
  /** Warm every library up (untimed) before the first measured run (default true; tests turn it off). */
  readonly warmUp?: boolean;
}

/** One timed run of one library. */
export interface PeerRun {
  readonly ms: number;
  /** Events written or read. */
  readonly events: number;
  readonly eventsPerSec: number;
  readonly meter: MeterTotals;
  /** CPU time of the bench process (user + system) during the run, ms. */
  readonly cpuMs: number;
  /** What the run's store holds afterwards (append runs). */
  readonly stored?: StoredBytes;
  /** Events in that store. */
  readonly storedEvents?: number;
}

/** A workload's figures for one library: every run, and the summary. */
export interface PeerMeasurement {
  readonly workload: string;
  readonly library: string;
  readonly events: number;
  readonly runs: readonly PeerRun[];
  /** Median events/s. */
  readonly eventsPerSec: number;
  /** Per event, from the median run: DynamoDB requests, WCU and RCU by AWS's rules, S3 requests, CPU ms. */
  readonly requestsPerEvent: number;
  readonly writeUnitsPerEvent: number;
  readonly readUnitsPerEvent: number;
  readonly blobRequestsPerEvent: number;
  readonly cpuMsPerEvent: number;
  /** Requests per event by SDK command, median run. */
  readonly requestsByCommand: Readonly<Record<string, number>>;
  /** Bytes stored per event (items, index entries, objects) and billed (+100 B per item and entry). */
  readonly storedBytes?: StoredBytes;
  readonly storedEvents?: number;
}

/** Workload names, in report order. */
export const PEER_WORKLOADS = {
  single: 'single appends, known version',
  writers: 'concurrent writers',
  batch: 'events on one stream, one call',
  streamRead: 'whole-stream reads',
  storeRead: 'whole-store read',
} as const;

/** The display name of a workload with its sizes (e.g. `8 concurrent writers`, `20 events on one stream, one call`). */
export function workloadTitle(workload: string, config: PeerConfig): string {
  if (workload === PEER_WORKLOADS.writers) return `${config.writers} ${workload}`;
  if (workload === PEER_WORKLOADS.batch) return `${config.batchSize} ${workload}`;
  return workload;
}

type Log = (message: string) => void;

/** Run every peer workload over `libraries`; returns one measurement per workload and library that can run it. */
export async function runPeerWorkloads(
  libraries: readonly PeerLibrary[],
  servers: Pick<PeerServers, 'dynamo' | 's3'>,
  config: PeerConfig,
  log: Log,
): Promise<PeerMeasurement[]> {
  if (config.warmUp !== false) for (const library of libraries) await warmUp(library, config, new EventPlanner(WARM_UP_FIRST_INDEX));
  const measurements: PeerMeasurement[] = [];
  const events = new EventPlanner();
  const singles = events.roundRobin(config.appends, config.appendStreams, 'single');
  measurements.push(...(await appendWorkload(PEER_WORKLOADS.single, libraries, servers, config, log, [singles])));
  const perWriter = Math.max(1, Math.floor(config.writerAppends / config.writers));
  const writerGroups = Array.from({ length: config.writers }, (_, writer) =>
    events.stream(`w${String(writer).padStart(5, '0')}`, perWriter, 'writer'),
  );
  measurements.push(...(await appendWorkload(PEER_WORKLOADS.writers, libraries, servers, config, log, writerGroups)));
  const batches = Array.from({ length: config.batches }, (_, batch) =>
    events.stream(`b${String(batch).padStart(5, '0')}`, config.batchSize, 'batch'),
  );
  measurements.push(...(await appendWorkload(PEER_WORKLOADS.batch, libraries, servers, config, log, [batches.flat()], config.batchSize)));
  measurements.push(...(await readWorkloads(libraries, servers, config, log, events)));
  return measurements;
}

/** Corpus index of the warm-up's first event: far from the measured events' indexes. */
const WARM_UP_FIRST_INDEX = 1_000_000;

/**
 * Untimed and unmeasured: a few appends, a batch and the reads on a throwaway store, so no library's first
 * measured run pays for a cold JIT, cold connections or DynamoDB Local's first requests on its tables.
 */
async function warmUp(library: PeerLibrary, config: PeerConfig, events: EventPlanner): Promise<void> {
  const store = await library.createStore('warmup');
  try {
    const singles = events.roundRobin(20, 2, 'warmup');
    const versions = new Map<string, number>();
    for (const event of singles) {
      const version = versions.get(event.stream) ?? 0;
      versions.set(event.stream, version + 1);
      await store.append(event.stream, [event], version);
    }
    await store.append('warmbatch', events.stream('warmbatch', config.batchSize, 'warmup'), 0);
    await store.readStream?.(singles[0]!.stream);
    await store.readAll?.(config.pageSize);
    await library.meter.settle();
  } finally {
    await store.dispose();
  }
}

/** Plans events: corpus payloads by a running index (the same sequence for every library), ids unique per plan. */
class EventPlanner {
  constructor(private index = 0) {}

  /** `count` events round-robin over `streams` streams. */
  roundRobin(count: number, streams: number, tag: string): PeerEvent[] {
    return Array.from({ length: count }, (_, n) => this.event(`r${String(n % streams).padStart(5, '0')}`, tag));
  }

  /** `count` events on `stream`. */
  stream(stream: string, count: number, tag: string): PeerEvent[] {
    return Array.from({ length: count }, () => this.event(stream, tag));
  }

  private event(stream: string, tag: string): PeerEvent {
    const n = this.index++;
    const entry = corpusEvent(n);
    return {
      id: `peer-${tag}-${String(n).padStart(10, '0')}`,
      stream,
      type: entry.type,
      payload: entry.payload,
      meta: entry.meta,
      correlationId: `corr-${n}`,
      created: new Date(Date.now() - 60_000 + n),
    };
  }
}

/**
 * An append workload: each group's events are appended one call after another (calls of `callSize` events, on one
 * stream each), all groups side by side; a fresh store per run and library.
 */
async function appendWorkload(
  workload: string,
  libraries: readonly PeerLibrary[],
  servers: Pick<PeerServers, 'dynamo' | 's3'>,
  config: PeerConfig,
  log: Log,
  groups: readonly (readonly PeerEvent[])[],
  callSize = 1,
): Promise<PeerMeasurement[]> {
  const total = groups.reduce((sum, group) => sum + group.length, 0);
  const runs = await alternate(libraries, config.runs, async (library, run) => {
    const store = await library.createStore(`${workload.split(' ')[0]}${run}`);
    try {
      const versions = new Map<string, number>();
      const result = await timed(library, total, async () => {
        await Promise.all(
          groups.map(async (group) => {
            for (let start = 0; start < group.length; start += callSize) {
              const call = group.slice(start, start + callSize);
              const stream = call[0]!.stream;
              const version = versions.get(stream) ?? 0;
              versions.set(stream, version + call.length);
              await store.append(stream, call, version);
            }
          }),
        );
      });
      const stored = await measureStorage(servers.dynamo, servers.s3, store.location());
      log(`  ${workload} run ${run + 1} (${library.name}): ${describe(result)}`);
      return { ...result, stored, storedEvents: total };
    } finally {
      await store.dispose();
    }
  });
  return libraries.map((library, index) => summarize(workload, library.name, runs[index]!));
}

/** The read workloads: one seeded store per library, then whole-stream reads and whole-store reads, alternating. */
async function readWorkloads(
  libraries: readonly PeerLibrary[],
  servers: Pick<PeerServers, 'dynamo' | 's3'>,
  config: PeerConfig,
  log: Log,
  events: EventPlanner,
): Promise<PeerMeasurement[]> {
  const streams = Array.from({ length: config.readStreams }, (_, index) => `d${String(index).padStart(5, '0')}`);
  const data = streams.map((stream) => events.stream(stream, config.readStreamLength, 'read'));
  const total = config.readStreams * config.readStreamLength;
  const stores = new Map<PeerLibrary, PeerStore>();
  const storedBytes = new Map<PeerLibrary, StoredBytes>();
  try {
    for (const library of libraries) {
      const began = now();
      const store = await library.createStore('reads');
      stores.set(library, store);
      // Untimed seeding, a few streams at a time, each stream's events in order in calls of `seedChunk`.
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < data.length) {
          const stream = data[next++]!;
          for (let start = 0; start < stream.length; start += config.seedChunk)
            await store.append(stream[0]!.stream, stream.slice(start, start + config.seedChunk), start);
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      await library.meter.settle();
      storedBytes.set(library, await measureStorage(servers.dynamo, servers.s3, store.location()));
      log(`  seeded ${total} events for ${library.name} in ${((now() - began) / 1000).toFixed(1)} s`);
    }
    const measurements: PeerMeasurement[] = [];
    const readers = libraries.filter((library) => stores.get(library)!.readStream);
    const streamRuns = await alternate(readers, config.runs, async (library, run) => {
      const reader = await stores.get(library)!.fresh();
      const result = await timed(library, total, async () => {
        for (const stream of streams) {
          const count = await reader.readStream!(stream);
          if (count !== config.readStreamLength)
            throw new Error(`${library.name}: stream ${stream} read ${count} events, expected ${config.readStreamLength}`);
        }
      });
      log(`  ${PEER_WORKLOADS.streamRead} run ${run + 1} (${library.name}): ${describe(result)}`);
      return result;
    });
    readers.forEach((library, index) =>
      measurements.push(
        withStorage(summarize(PEER_WORKLOADS.streamRead, library.name, streamRuns[index]!), storedBytes.get(library)!, total),
      ),
    );
    const scanners = libraries.filter((library) => stores.get(library)!.readAll);
    const storeRuns = await alternate(scanners, config.runs, async (library, run) => {
      const reader = await stores.get(library)!.fresh();
      let count = 0;
      const result = await timed(library, total, async () => {
        count = await reader.readAll!(config.pageSize);
      });
      if (count !== total) throw new Error(`${library.name}: the whole-store read returned ${count} events, expected ${total}`);
      log(`  ${PEER_WORKLOADS.storeRead} run ${run + 1} (${library.name}): ${describe(result)}`);
      return result;
    });
    scanners.forEach((library, index) =>
      measurements.push(
        withStorage(summarize(PEER_WORKLOADS.storeRead, library.name, storeRuns[index]!), storedBytes.get(library)!, total),
      ),
    );
    return measurements;
  } finally {
    for (const store of stores.values()) await store.dispose();
  }
}

/**
 * Run `run(library, index)` for `count` runs of every library, alternating: run 0 of each, then run 1 of each, …;
 * run r starts at library r (mod n), so no library always goes first. Returns each library's runs, in input order.
 */
export async function alternate<T>(
  libraries: readonly PeerLibrary[],
  count: number,
  run: (library: PeerLibrary, index: number) => Promise<T>,
): Promise<T[][]> {
  const results: T[][] = libraries.map(() => []);
  for (let index = 0; index < count; index++) {
    for (let offset = 0; offset < libraries.length; offset++) {
      const position = (index + offset) % libraries.length;
      results[position]!.push(await run(libraries[position]!, index));
    }
  }
  return results;
}

/** Time `body` (`events` events) on `library`: its meter settled and zeroed before, settled after. */
async function timed(library: PeerLibrary, events: number, body: () => Promise<void>): Promise<PeerRun> {
  await library.meter.settle();
  library.meter.reset();
  const cpu = process.cpuUsage();
  const started = now();
  await body();
  const ms = now() - started;
  const used = process.cpuUsage(cpu);
  await library.meter.settle();
  return { ms, events, eventsPerSec: (events * 1000) / ms, meter: library.meter.totals(), cpuMs: (used.user + used.system) / 1000 };
}

/** The median run's figures per event, the median events/s. */
function summarize(workload: string, library: string, runs: readonly PeerRun[]): PeerMeasurement {
  const middle = median(runs.map((run) => run.eventsPerSec));
  const representative = runs.reduce((best, run) =>
    Math.abs(run.eventsPerSec - middle) < Math.abs(best.eventsPerSec - middle) ? run : best,
  );
  const per = (value: number): number => value / representative.events;
  return {
    workload,
    library,
    events: representative.events,
    runs,
    eventsPerSec: middle,
    requestsPerEvent: per(totalRequests(representative.meter.requests)),
    writeUnitsPerEvent: per(representative.meter.writeUnits),
    readUnitsPerEvent: per(representative.meter.readUnits),
    blobRequestsPerEvent: per(totalRequests(representative.meter.blobRequests)),
    cpuMsPerEvent: per(median(runs.map((run) => run.cpuMs))),
    requestsByCommand: Object.fromEntries(Object.entries(representative.meter.requests).map(([command, count]) => [command, per(count)])),
    ...(representative.stored
      ? { storedBytes: representative.stored, storedEvents: representative.storedEvents ?? representative.events }
      : {}),
  };
}

function withStorage(measurement: PeerMeasurement, stored: StoredBytes, events: number): PeerMeasurement {
  return { ...measurement, storedBytes: stored, storedEvents: events };
}

function describe(run: PeerRun): string {
  const per = (value: number) => (value / run.events).toFixed(2);
  return `${Math.round(run.eventsPerSec).toLocaleString('en-US')} ev/s, ${per(totalRequests(run.meter.requests))} req/ev, ${per(run.meter.writeUnits)} WCU/ev, ${per(run.meter.readUnits)} RCU/ev`;
}
