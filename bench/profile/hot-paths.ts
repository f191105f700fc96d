/**
 * CPU profiles of the twin's hot paths, the timed section only (set-up and module loading excluded), through the
 * inspector's Profiler (`npm run bench` does not run this):
 *
 *   npx tsx bench/profile/hot-paths.ts append /tmp/append.cpuprofile
 *   npx tsx bench/profile/hot-paths.ts replay /tmp/replay.cpuprofile
 *   npx tsx bench/profile/summarize.ts /tmp/append.cpuprofile     # top functions by self time
 *
 * `append`: `PROFILE_EVENTS` (default 20,000) sequential single-event appends over 50 streams.
 * `replay`: seeds `PROFILE_EVENTS` (default 50,000) small events over 6 months, then `getAllEvents(100)`.
 * The `.cpuprofile` also opens in Chrome DevTools (Performance tab) or speedscope.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { EventStoreRepo } from '../../src/index.js';
import { EventFactory, streamName } from '../events.js';
import { now } from '../harness/timing.js';
import { seed, timelineBatches } from '../workloads/seeding.js';

/** Sampling interval, µs: finer than the default 1 ms, so short functions show up. */
const SAMPLING_INTERVAL_US = 100;

const [mode, output] = process.argv.slice(2);
if ((mode !== 'append' && mode !== 'replay') || !output) {
  process.stderr.write('usage: hot-paths.ts append|replay <output.cpuprofile>\n');
  process.exit(2);
}
const events = Number(process.env.PROFILE_EVENTS ?? (mode === 'append' ? 20_000 : 50_000));
const repo = new EventStoreRepo();
await repo.init();

if (mode === 'append') {
  const factory = new EventFactory('profile-');
  const batch = Array.from({ length: events }, (_, index) => factory.next({ stream: streamName(index % 50) }));
  await profiled(async () => {
    for (const event of batch) await repo.storeEvents([event]);
  });
} else {
  await seed(repo, timelineBatches(events, 6, 50, 'profile-'));
  await profiled(async () => {
    let seen = 0;
    for await (const page of await repo.getAllEvents(100)) seen += page.length;
    if (seen !== events) throw new Error(`replayed ${seen} of ${events}`);
  });
}
await repo.close();

async function profiled(section: () => Promise<void>): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  const started = now();
  await section();
  const ms = now() - started;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync(output!, JSON.stringify(profile));
  process.stdout.write(
    `${mode}: ${events} events in ${ms.toFixed(0)} ms = ${Math.round((events * 1000) / ms)} events/s (${((ms * 1000) / events).toFixed(1)} µs/event, profiler on); profile: ${output}\n`,
  );
}
