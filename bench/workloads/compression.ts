/**
 * The compression workload: ours with `compression` off against ours with it on (the default setting), on the same
 * realistic JSON corpus (json-corpus.ts) in two size classes: under 1 KB (under `minBytes`: must be unchanged) and
 * 2 KB to 50 KB. Per variant: sequential single appends over 50 streams (write units per append, client CPU per
 * append, bytes stored per event: the event item as stored, counted twice for its copy in the global-order index,
 * plus its blob when offloaded), then `getAllEvents(100)` from a fresh repo (read units per replayed event). On the
 * twin the capacity is metered by AWS's rules. A third variant adds encryption (local key provider): its cost per
 * event and per stream (each of the 50 streams' first append creates its key item). Sizes: `BENCH_COMPRESSION_EVENTS` (default 300 per class).
 */
import { EventFactory, streamName } from '../events.js';
import { summarize, timeRun, type Measurement, type RunResult } from '../harness/measure.js';
import type { StoreHandle, StoreSettings } from '../backends.js';
import { localKeyProvider } from '../../src/payload/key-provider.js';
import { DEFAULT_COMPRESSION_MIN_BYTES } from '../../src/payload/compression.js';
import { itemSize } from '../../src/layout/item-size.js';
import { A, streamPk } from '../../src/layout/table-layout.js';
import { corpus } from './json-corpus.js';
import { describeRun, repeat, type Workload } from './workload.js';

/** Size classes of the corpus: [label, min bytes, max bytes]. */
const CLASSES: readonly (readonly [string, number, number])[] = [
  ['200-700 B', 200, 700],
  ['2-50 KB', 2048, 50_000],
];
/** The settings compared: off, the store's default when on, and that with encryption (a local key provider). */
const SETTINGS: readonly (readonly [string, Pick<StoreSettings, 'compression' | 'encryption'>])[] = [
  ['compression off', { compression: false }],
  ['compression on', { compression: true }],
  ['compression on + encryption', { compression: true, encryption: { keys: localKeyProvider(new Uint8Array(32).fill(9)) } }],
];

const eventCount = (): number => Number(process.env.BENCH_COMPRESSION_EVENTS ?? 300);

/** Bytes stored per event: event item (table + global-order index copy) and blob bodies, averaged. */
async function storedBytes(store: StoreHandle, events: readonly { identifier?: string }[]): Promise<{ items: number; blobs: number }> {
  const kv = store.repo.options.kv;
  const blobs = store.repo.options.blobs;
  const table = store.repo.options.tableName;
  const sequences = new Map<string, number>();
  let items = 0;
  let blobBytes = 0;
  for (const event of events) {
    const pk = streamPk('account', event.identifier);
    const sequence = (sequences.get(pk) ?? 0) + 1;
    sequences.set(pk, sequence);
    const { item } = await kv.get(table, { [A.pk]: pk, [A.sk]: sequence }, { consistent: true });
    items += 2 * itemSize(item!);
    const key = item![A.blobKey];
    if (typeof key === 'string' && blobs) blobBytes += (await blobs.get(key))?.byteLength ?? 0;
  }
  return { items: items / events.length, blobs: blobBytes / events.length };
}

export const compressionWorkload: Workload = {
  id: 'compression',
  title: 'Compression off vs on (realistic JSON corpus): bytes, WCU and CPU per append, RCU per replayed event',
  // The twin meters capacity by AWS's rules and is the CPU profile the targets name (DynamoDB Local misreports
  // transactions); 18 variants of 300 sequential appends on DynamoDB Local would add minutes to every bench run.
  backends: ['twin'],
  async measure(backend, config, log) {
    const measurements: Measurement[] = [];
    const count = eventCount();
    for (const [label, min, max] of CLASSES) {
      // The small class strictly under minBytes (payload and the bench's meta, about 40 bytes): it must be unchanged.
      const payloads = corpus(count * 2, min, max, 7)
        .filter((payload) => max > DEFAULT_COMPRESSION_MIN_BYTES || JSON.stringify(payload).length + 64 < DEFAULT_COMPRESSION_MIN_BYTES)
        .slice(0, count);
      for (const [setting, options] of SETTINGS) {
        const variant = `${label}, ${setting}`;
        const appendRuns: RunResult[] = [];
        const replayRuns: RunResult[] = [];
        let bytes = { items: 0, blobs: 0 };
        await repeat(config.runs, async (run) => {
          const store = await backend.createStore({ label: 'compress', ...options });
          try {
            const factory = new EventFactory(`cmp-${run}-`);
            const events = payloads.map((payload, index) => factory.next({ stream: streamName(index % 50), payload }));
            const appended = await timeRun(store.repo, events.length, async (probe) => {
              for (const event of events) {
                await store.repo.storeEvents([event]);
                probe.tick();
              }
            });
            log(`  ${variant} append run ${run + 1}: ${describeRun(appended)}`);
            appendRuns.push(appended);
            bytes = await storedBytes(store, events);
            const reader = await store.reopen();
            const replayed = await timeRun(reader, events.length, async (probe) => {
              for await (const page of await reader.getAllEvents(100)) if (page.length > 0) probe.tick();
            });
            replayRuns.push(replayed);
            return appended;
          } finally {
            await store.dispose();
          }
        });
        const cpuMs = (run: RunResult) => ((run.processCpuPercent / 100) * run.ms) / run.events;
        const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
        measurements.push(
          summarize(this.id, `${variant}: append`, backend.name, appendRuns, {
            bytesPerEvent: Math.round(bytes.items + bytes.blobs),
            itemBytesPerEvent: Math.round(bytes.items),
            blobBytesPerEvent: Math.round(bytes.blobs),
            cpuMsPerEvent: median(appendRuns.map(cpuMs)),
          }),
          summarize(this.id, `${variant}: getAllEvents(100)`, backend.name, replayRuns, { cpuMsPerEvent: median(replayRuns.map(cpuMs)) }),
        );
      }
    }
    return measurements;
  },
};
