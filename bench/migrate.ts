/**
 * `npm run bench:migrate`: throughput of `migrateFromUpstream` on DynamoDB Local + the S3 server (in a child
 * process), from a table written by the REAL old adapter. Seeds `BENCH_MIGRATE_STREAMS` streams (default 200) of
 * `BENCH_MIGRATE_EVENTS_PER_STREAM` events (default 25, the most the old adapter stores on a new stream at once)
 * across 2018-2025, `BENCH_MIGRATE_OFFLOADED` (default 10) of them with 400 KB payloads offloaded to S3; then
 * times a dry run, the migration, and a re-run (everything found stored), `BENCH_MIGRATE_CONCURRENCY` streams in
 * parallel (default 4, the CLI's default). Prints a JSON line and a table.
 */
import { migrateFromUpstream, type MigrationSummary } from '../ops/index.js';
import { EventStoreRepo, type CreatedEvent } from '../src/index.js';
import { startLocalServers } from '../test/helpers/backends.js';
import { createDynamoClient, createS3Client } from '../test/servers/clients.js';
import { uniqueBucketName, uniqueTableName } from '../test/servers/unique-name.js';
import { inParallel } from './harness/timing.js';
import { loadLegacyAdapter } from './legacy/load-legacy-adapter.js';

const streams = Number(process.env.BENCH_MIGRATE_STREAMS ?? 200);
const perStream = Math.min(25, Number(process.env.BENCH_MIGRATE_EVENTS_PER_STREAM ?? 25));
const offloaded = Number(process.env.BENCH_MIGRATE_OFFLOADED ?? 10);
const concurrency = Number(process.env.BENCH_MIGRATE_CONCURRENCY ?? 4);

const servers = await startLocalServers();
const dynamodbClient = createDynamoClient(servers.dynamoEndpoint);
const s3Client = createS3Client(servers.s3Endpoint);
try {
  const { EventStoreRepo: LegacyRepo, version } = loadLegacyAdapter();
  const old = new LegacyRepo(dynamodbClient, s3Client, {
    tableNamePrefix: `${uniqueTableName('bench-old')}-`,
    s3BucketName: uniqueBucketName('bench-old'),
  });
  await old.init();
  const seedStarted = Date.now();
  const start = Date.UTC(2018, 0, 1);
  const span = Date.UTC(2025, 11, 31) - start;
  await inParallel(
    Array.from({ length: streams }, (_, index) => index),
    8,
    async (stream) => {
      const events: CreatedEvent[] = Array.from({ length: perStream }, (_, position) => {
        const n = stream * perStream + position;
        return {
          id: `bench-${String(n).padStart(7, '0')}`,
          domain: 'account',
          identifier: `a-${stream}`,
          type: 'Changed',
          payload: n < offloaded ? { blob: 'x'.repeat(200_000) } : { amount: n, note: 'a small event' },
          created: new Date(start + Math.floor(span * ((position * streams + stream) / (streams * perStream)))),
        };
      });
      await old.storeEvents(events);
    },
  );
  const total = streams * perStream;
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  const target = () =>
    new EventStoreRepo(dynamodbClient, s3Client, {
      tableNamePrefix: `${uniqueTableName('bench-new')}-`,
      s3BucketName: uniqueBucketName('bench-new'),
    });
  const timed = async (label: string, run: () => Promise<MigrationSummary>) => {
    const before = process.memoryUsage().rss;
    const summary = await run();
    return {
      label,
      events: summary.migrated,
      seconds: summary.durationMs / 1000,
      eventsPerSecond: Math.round(summary.migrated / (summary.durationMs / 1000)),
      written: summary.written,
      alreadyPresent: summary.alreadyPresent,
      problems: summary.problems.length,
      verified: summary.verified,
      rssGrowthMb: Math.round((process.memoryUsage().rss - before) / 1e5) / 10,
    };
  };
  const store = target();
  const results = [
    await timed('dry run (read, decode, validate)', () =>
      migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: old.tableName, target: target(), dryRun: true, concurrency }),
    ),
    await timed('migration (empty target)', () =>
      migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: old.tableName, target: store, concurrency }),
    ),
    await timed('re-run (everything found stored)', () =>
      migrateFromUpstream({ dynamodbClient, s3Client, sourceTableName: old.tableName, target: store, concurrency }),
    ),
  ];
  console.log(
    JSON.stringify({
      date: new Date().toISOString(),
      oldAdapter: version,
      streams,
      perStream,
      total,
      offloaded,
      concurrency,
      seedSeconds,
      results,
    }),
  );
  console.log(
    `\nseeded ${total} events (${streams} streams x ${perStream}, ${offloaded} offloaded) through the old adapter ${version} in ${seedSeconds.toFixed(1)} s\n`,
  );
  console.log('| run | events | seconds | events/s | written | already present |');
  console.log('|---|--:|--:|--:|--:|--:|');
  for (const result of results)
    console.log(
      `| ${result.label} | ${result.events} | ${result.seconds.toFixed(1)} | ${result.eventsPerSecond} | ${result.written} | ${result.alreadyPresent} |`,
    );
} finally {
  dynamodbClient.destroy();
  s3Client.destroy();
  await servers.stop();
}
