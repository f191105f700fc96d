/**
 * Workload sizes, each overridable with an environment variable (`BENCH_*`). The defaults keep the whole bench
 * within a few minutes on a 2-core machine with DynamoDB Local.
 */
import { PEER_LIBRARY_NAMES } from './peers/variants.js';
import type { PeerConfig } from './peers/workloads.js';

/** Sizes and knobs of every workload. */
export interface BenchConfig {
  /** Timed runs per measurement; the median is reported (`BENCH_RUNS`, default 3). */
  readonly runs: number;
  /** Single-event appends per run, in every single-append variant (`BENCH_SINGLE_EVENTS`, default 200). */
  readonly singleEvents: number;
  /** Appends in flight in the concurrent variant (`BENCH_CONCURRENCY`, default 16). */
  readonly concurrency: number;
  /** Writers of the disjoint-streams variant, each appending to its own stream, all in flight (`BENCH_WRITERS`, default 8). */
  readonly writers: number;
  /** Streams the single appends are spread over (`BENCH_STREAMS`, default 50). */
  readonly streams: number;
  /** Events per run of the batch workloads (`BENCH_BATCH_EVENTS`, default 800). */
  readonly batchEvents: number;
  /** Batch sizes measured (`BENCH_BATCH_SIZES`, comma-separated, default `10,20,40`; 20 is the one compared with the old adapter). */
  readonly batchSizes: readonly number[];
  /** Offloaded events per run (`BENCH_OFFLOAD_EVENTS`, default 10). */
  readonly offloadEvents: number;
  /** Payload size of an offloaded event, in bytes of JSON string (`BENCH_OFFLOAD_BYTES`, default 400,000). */
  readonly offloadBytes: number;
  /** Events seeded for the replay workload (`BENCH_REPLAY_EVENTS`, default 20,000). */
  readonly replayEvents: number;
  /** Months the replay events are spread over (`BENCH_REPLAY_MONTHS`, default 6). */
  readonly replayMonths: number;
  /** Page sizes passed to `getAllEvents` (`BENCH_REPLAY_PAGE_SIZES`, default `100,1000`). */
  readonly replayPageSizes: readonly number[];
  /** Shard counts measured (`BENCH_REPLAY_SHARDS`, default `1,4`). */
  readonly replayShards: readonly number[];
  /** Streams read by the stream-read workload (`BENCH_READ_STREAMS`, default 50). */
  readonly readStreams: number;
  /** Events per stream read (`BENCH_READ_STREAM_LENGTH`, default 100). */
  readonly readStreamLength: number;
  /** Small events replayed by the memory probe, the small and large case (`BENCH_MEMORY_EVENTS`, default `10000,100000`). */
  readonly memoryProbeEvents: readonly [number, number];
  /**
   * Which backends to run (`BENCH_BACKENDS`, default `twin,dynamodb-local,legacy-dynamodb-local`; `BENCH_LEGACY=0`
   * drops the old adapter from whatever list).
   */
  readonly backends: readonly BackendName[];
  /** Timed runs per append figure on the old adapter (`BENCH_LEGACY_RUNS`, default: `runs`). */
  readonly legacyRuns: number;
  /** Single-event appends per run on the old adapter, sequential and 8 writers (`BENCH_LEGACY_SINGLE_EVENTS`, default: `singleEvents`). */
  readonly legacySingleEvents: number;
  /** Timed replays of its 20,000 events on the old adapter (`BENCH_LEGACY_REPLAY_RUNS`, default 2 or `runs` if fewer; about 9 s each here). */
  readonly legacyReplayRuns: number;
  /** Only the workloads whose id contains one of these (`BENCH_ONLY`, comma-separated; default all; `peers` is the peer bench). */
  readonly only: readonly string[];
  /** The peer bench (`bench/peers/`): which libraries, and its sizes. */
  readonly peers: PeerBenchConfig;
}

/** The peer bench's selection and sizes. */
export interface PeerBenchConfig extends PeerConfig {
  /**
   * Libraries to run (`BENCH_PEERS`, comma-separated names or prefixes: `ours`, `ours+compression`, `old`,
   * `equinox`, `castore`; default all; `0` skips the peer bench).
   */
  readonly libraries: readonly string[];
  /** Factor applied to the counts of appends, batches and read streams (`BENCH_PEER_SCALE`, default 1; e.g. 0.25). */
  readonly scale: number;
}

/** The peer bench's library names, in report order. */
export const PEER_LIBRARIES: readonly string[] = PEER_LIBRARY_NAMES;

/**
 * The backends: the in-memory twin; DynamoDB Local + the S3 server through our drop-in constructor; and the OLD
 * adapter (`@schemeless/event-store-adapter-dynamodb@5.0.0`) on the same DynamoDB Local and S3 server.
 */
export type BackendName = 'twin' | 'dynamodb-local' | 'legacy-dynamodb-local';

/** Every backend name, in run order. */
export const BACKEND_NAMES: readonly BackendName[] = ['twin', 'dynamodb-local', 'legacy-dynamodb-local'];

/** Read the configuration from `env` (default `process.env`). Throws a plain Error naming a malformed variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    return raw === undefined || raw === '' ? fallback : parsePositiveInt(name, raw);
  };
  const ints = (name: string, fallback: readonly number[]): number[] => {
    const raw = env[name];
    return raw === undefined || raw === '' ? [...fallback] : raw.split(',').map((part) => parsePositiveInt(name, part));
  };
  const words = (name: string, fallback: readonly string[]): string[] => {
    const raw = env[name];
    return raw === undefined || raw === ''
      ? [...fallback]
      : raw
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
  };
  const listed = words('BENCH_BACKENDS', BACKEND_NAMES);
  for (const backend of listed) {
    if (!(BACKEND_NAMES as readonly string[]).includes(backend))
      throw new Error(`BENCH_BACKENDS: unknown backend ${JSON.stringify(backend)}`);
  }
  const legacy = (env.BENCH_LEGACY ?? '').trim();
  if (!['', '0', '1'].includes(legacy)) throw new Error(`BENCH_LEGACY must be 0 or 1, got ${JSON.stringify(legacy)}`);
  // Run order is fixed (twin, ours on the servers, then the old adapter on the same servers), whatever the list order.
  const backends = BACKEND_NAMES.filter((name) => listed.includes(name) && !(legacy === '0' && name === 'legacy-dynamodb-local'));
  const memory = ints('BENCH_MEMORY_EVENTS', [10_000, 100_000]);
  if (memory.length !== 2) throw new Error('BENCH_MEMORY_EVENTS must be two sizes, e.g. 10000,100000');
  return {
    runs: int('BENCH_RUNS', 3),
    singleEvents: int('BENCH_SINGLE_EVENTS', 200),
    concurrency: int('BENCH_CONCURRENCY', 16),
    writers: int('BENCH_WRITERS', 8),
    streams: int('BENCH_STREAMS', 50),
    batchEvents: int('BENCH_BATCH_EVENTS', 800),
    batchSizes: ints('BENCH_BATCH_SIZES', [10, 20, 40]),
    offloadEvents: int('BENCH_OFFLOAD_EVENTS', 10),
    offloadBytes: int('BENCH_OFFLOAD_BYTES', 400_000),
    replayEvents: int('BENCH_REPLAY_EVENTS', 20_000),
    replayMonths: int('BENCH_REPLAY_MONTHS', 6),
    replayPageSizes: ints('BENCH_REPLAY_PAGE_SIZES', [100, 1_000]),
    replayShards: ints('BENCH_REPLAY_SHARDS', [1, 4]),
    readStreams: int('BENCH_READ_STREAMS', 50),
    readStreamLength: int('BENCH_READ_STREAM_LENGTH', 100),
    memoryProbeEvents: [memory[0]!, memory[1]!],
    backends,
    legacyRuns: int('BENCH_LEGACY_RUNS', int('BENCH_RUNS', 3)),
    legacySingleEvents: int('BENCH_LEGACY_SINGLE_EVENTS', int('BENCH_SINGLE_EVENTS', 200)),
    legacyReplayRuns: int('BENCH_LEGACY_REPLAY_RUNS', Math.min(2, int('BENCH_RUNS', 3))),
    only: words('BENCH_ONLY', []),
    peers: peerConfig(env, int, words),
  };
}

/** The peer bench's settings from `BENCH_PEER*` (see {@link PeerBenchConfig}). */
function peerConfig(
  env: NodeJS.ProcessEnv,
  int: (name: string, fallback: number) => number,
  words: (name: string, fallback: readonly string[]) => string[],
): PeerBenchConfig {
  const rawScale = (env.BENCH_PEER_SCALE ?? '').trim();
  const scale = rawScale === '' ? 1 : Number(rawScale);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`BENCH_PEER_SCALE must be a positive number, got ${JSON.stringify(rawScale)}`);
  const scaled = (name: string, fallback: number): number => Math.max(1, Math.round(int(name, fallback) * scale));
  const asked = words('BENCH_PEERS', PEER_LIBRARIES);
  // A library is named in full or by its first word (`old` for `old adapter`), case-insensitively.
  const names = (word: string, name: string): boolean =>
    [name.toLowerCase(), name.toLowerCase().split(' ')[0]].includes(word.toLowerCase());
  for (const word of asked) {
    if (word !== '0' && !PEER_LIBRARIES.some((name) => names(word, name)))
      throw new Error(`BENCH_PEERS: unknown library ${JSON.stringify(word)} (known: ${PEER_LIBRARIES.join(', ')})`);
  }
  const libraries = PEER_LIBRARIES.filter((name) => asked.some((word) => names(word, name)));
  const writers = int('BENCH_PEER_WRITERS', 8);
  return {
    libraries,
    scale,
    runs: int('BENCH_PEER_RUNS', int('BENCH_RUNS', 3)),
    appends: scaled('BENCH_PEER_APPENDS', 120),
    appendStreams: int('BENCH_PEER_STREAMS', 6),
    writers,
    writerAppends: Math.max(writers, scaled('BENCH_PEER_WRITER_APPENDS', 120)),
    batches: scaled('BENCH_PEER_BATCHES', 6),
    batchSize: int('BENCH_PEER_BATCH_SIZE', 20),
    readStreams: scaled('BENCH_PEER_READ_STREAMS', 12),
    readStreamLength: int('BENCH_PEER_READ_STREAM_LENGTH', 40),
    seedChunk: int('BENCH_PEER_SEED_CHUNK', 5),
    pageSize: int('BENCH_PEER_PAGE_SIZE', 100),
  };
}

/** A positive integer (`_` separators allowed, e.g. `20_000`); throws naming the variable otherwise. */
function parsePositiveInt(name: string, raw: string): number {
  const value = Number(raw.trim().replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be positive integers, got ${JSON.stringify(raw)}`);
  return value;
}
