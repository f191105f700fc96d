/**
 * Issue 16's ops hazards on the twin: `import` keeps each event's exported `sequence` (a stream appended out of
 * `created` order used to be re-sequenced by a round trip), and `export` waits for the index to settle before
 * reading (an export right after writers stop used to miss events still in index lag, silently).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { DEFAULT_EXPORT_SETTLE_MS, exportEvents, importEvents, MAX_WAITING_EVENTS, OpsErrorCodes } from '../../ops/index.js';
import { caught } from '../helpers/caught.js';
import { EventStore } from '../../src/event-store.js';
import { ErrorCodes, type CreatedEvent, type StoredEvent } from '../../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'import-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const stores: EventStore[] = [];
const open = (kv = new MemoryKvDriver()) => {
  const store = new EventStore({ kv, blobs: new MemoryBlobDriver(), tableName: 'ops-twin' });
  stores.push(store);
  return store;
};
afterAll(async () => Promise.all(stores.map((store) => store.close())));

let counter = 0;
const event = (identifier: string, created: string): CreatedEvent => ({
  id: `ops-${++counter}`,
  domain: 'acct',
  identifier,
  type: 'changed',
  payload: { n: counter },
  created: new Date(created),
});
const sequences = (events: readonly StoredEvent[]) =>
  Object.fromEntries(events.map((stored) => [stored.id, `${stored.identifier}#${stored.sequence}`]));
async function allEvents(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const page of await store.getAllEvents(100)) events.push(...page);
  return events;
}

describe('import keeps the exported sequence', () => {
  it('a stream appended out of created order comes back with the same sequences (each event at its own), and a re-import skips all', async () => {
    const source = open();
    // Stream 1: appended later-created first (a writer with a fast clock), so created order is not sequence order.
    await source.storeEvents([event('1', '2026-03-01T00:00:05.000Z')]);
    await source.storeEvents([event('2', '2026-03-01T00:00:01.000Z')]);
    await source.storeEvents([event('1', '2026-03-01T00:00:00.000Z')]);
    await source.storeEvents([event('1', '2026-03-01T00:00:09.000Z'), event('3', '2026-03-01T00:00:02.000Z')]);
    await source.storeEvents([event('1', '2026-03-01T00:00:03.000Z')]);
    const stored = await allEvents(source);
    // In the export's (created) order, stream 1's sequences are 2, 4, 1, 3: the hazard is present.
    expect(stored.filter((e) => e.identifier === '1').map((e) => e.sequence)).toEqual([2, 4, 1, 3]);
    const file = join(work, 'out-of-order.ndjson');
    await exportEvents({ store: source, out: file, pageSize: 2, settleMs: 0 });
    const target = open();
    const summary = await importEvents({ store: target, input: file });
    expect(summary).toMatchObject({ imported: 6, skipped: 0, issueCount: 0 });
    expect(sequences(await allEvents(target))).toEqual(sequences(stored));
    expect(await target.getStreamSequence('acct', '1')).toBe(4);
    const again = await importEvents({ store: target, input: file });
    expect(again).toMatchObject({ imported: 0, skipped: 6, issueCount: 0 });
  });

  it('a stream appended in reverse created order (60 events): every event waits for its predecessors across batches, and keeps its sequence', async () => {
    const source = open();
    const start = Date.UTC(2026, 4, 1);
    const written = Array.from({ length: 60 }, (_, index) => event('rev', new Date(start - index * 1_000).toISOString()));
    for (const single of written) await source.storeEvents([single]);
    const file = join(work, 'reverse.ndjson');
    await exportEvents({ store: source, out: file, settleMs: 0 });
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { sequence: number }).sequence);
    expect(lines).toEqual(Array.from({ length: 60 }, (_, index) => 60 - index)); // the file is in exactly the wrong order
    const target = open();
    expect(await importEvents({ store: target, input: file })).toMatchObject({ imported: 60, issueCount: 0 });
    expect(sequences(await target.getStreamEvents('acct', 'rev'))).toEqual(sequences(await source.getStreamEvents('acct', 'rev')));
  });

  it(`more than MAX_WAITING_EVENTS (${MAX_WAITING_EVENTS}) events waiting for an earlier one: the import stops with OPS/SEQUENCE_MISMATCH, nothing stored out of place`, async () => {
    const file = join(work, 'waiting.ndjson');
    const count = MAX_WAITING_EVENTS + 1;
    const lines = Array.from({ length: count }, (_, index) =>
      JSON.stringify({
        id: `wait-${index}`,
        domain: 'acct',
        identifier: 'gap',
        type: 't',
        payload: index,
        created: '2026-01-01T00:00:00.000Z',
        sequence: count + 1 - index,
      }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const target = open();
    const error = await caught(importEvents({ store: target, input: file }));
    expect(error.code).toBe(OpsErrorCodes.SEQUENCE_MISMATCH);
    expect(error.details).toMatchObject({ waiting: MAX_WAITING_EVENTS });
    expect(await target.getStreamSequence('acct', 'gap')).toBe(0);
  }, 120_000);

  it('a sequence held by another event in the target, or whose earlier events are not in the file: OPS/SEQUENCE_MISMATCH, never stored elsewhere', async () => {
    const target = open();
    const other = event('9', '2026-01-01T00:00:00.000Z');
    await target.storeEvents([other]);
    const line = (e: CreatedEvent, sequence: number) =>
      JSON.stringify({
        id: e.id,
        domain: e.domain,
        identifier: e.identifier,
        type: e.type,
        payload: e.payload,
        created: e.created.toISOString(),
        sequence,
      });
    const taken = event('9', '2026-01-02T00:00:00.000Z');
    const orphan = event('8', '2026-01-03T00:00:00.000Z');
    const fine = event('7', '2026-01-04T00:00:00.000Z');
    const file = join(work, 'mismatch.ndjson');
    writeFileSync(file, `${line(taken, 1)}\n${line(orphan, 2)}\n${line(fine, 1)}\n`);
    const summary = await importEvents({ store: target, input: file });
    expect(summary.imported).toBe(1);
    expect(summary.issues.map((issue) => [issue.line, issue.kind, issue.code])).toEqual([
      [1, 'sequence', OpsErrorCodes.SEQUENCE_MISMATCH],
      [2, 'sequence', OpsErrorCodes.SEQUENCE_MISMATCH],
    ]);
    expect(await target.getEventById(taken.id)).toBeNull();
    expect(await target.getEventById(orphan.id)).toBeNull();
    expect(await target.getStreamSequence('acct', '9')).toBe(1);
    expect((await target.getEventById(fine.id))?.sequence).toBe(1);
  });
});

describe('export waits for the index to settle', () => {
  it('an export right after writers stop: without a settle it misses events still in index lag; with settleMs past the lag it has every one, and says how long it waited', async () => {
    const clock = { now: Date.UTC(2026, 5, 1) };
    const kv = new MemoryKvDriver({ clock: () => clock.now, indexLag: { seed: 16, medianMs: 80, tailMs: 600, tailProbability: 0.2 } });
    const store = new EventStore({ kv, blobs: new MemoryBlobDriver(), tableName: 'ops-lag', clock: () => clock.now });
    stores.push(store);
    const written = Array.from({ length: 40 }, (_, index) =>
      event(`lag${index % 7}`, new Date(clock.now - 60_000 + index * 1_000).toISOString()),
    );
    for (let start = 0; start < written.length; start += 4) await store.storeEvents(written.slice(start, start + 4));
    const exportTo = async (settleMs: number) => {
      const file = join(work, `lag-${settleMs}.ndjson`);
      const summary = await exportEvents({ store, out: file, settleMs, sleep: async (ms) => void (clock.now += ms) });
      const ids = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { id: string }).id);
      return { summary, ids };
    };
    // The writers just stopped (the fake clock has not moved): events still in index lag are missed.
    const hasty = await exportTo(0);
    expect(hasty.summary.settledMs).toBe(0);
    expect(hasty.ids.length).toBeLessThan(written.length);
    // Settled past the lag's bound (600 ms): every event, in replay order.
    const settled = await exportTo(1_000);
    expect(settled.summary.settledMs).toBe(1_000);
    expect(settled.ids.sort()).toEqual(written.map((e) => e.id).sort());
    expect((await caught(exportEvents({ store, out: new PassThrough(), settleMs: -1 }))).code).toBe(ErrorCodes.INVALID_ARGUMENT);
  });

  it('the default settle is DEFAULT_EXPORT_SETTLE_MS, and an abort during it stops the export with STORE/ABORTED before anything is written', async () => {
    const store = open();
    await store.storeEvents([event('d', '2026-01-01T00:00:00.000Z')]);
    const waits: number[] = [];
    const summary = await exportEvents({ store, out: join(work, 'default.ndjson'), sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([DEFAULT_EXPORT_SETTLE_MS]);
    expect(summary).toMatchObject({ events: 1, settledMs: DEFAULT_EXPORT_SETTLE_MS });
    const controller = new AbortController();
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const aborted = exportEvents({ store, out, settleMs: 60_000, signal: controller.signal });
    controller.abort();
    expect((await caught(aborted)).code).toBe(ErrorCodes.ABORTED);
    expect(chunks).toEqual([]);
  });
});
