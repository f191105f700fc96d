/**
 * Issue 16's ops hazards on the twin: `import` keeps each event's exported `sequence` (a stream appended out of
 * `created` order used to be re-sequenced by a round trip), and `export` waits for the index to settle before
 * reading (an export right after writers stop used to miss events still in index lag, silently).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { exportEvents, importEvents } from '../../ops/index.js';
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
const event = (identifier: string, created: string): CreatedEvent => ({ id: `ops-${++counter}`, domain: 'acct', identifier, type: 'changed', payload: { n: counter }, created: new Date(created) });
const sequences = (events: readonly StoredEvent[]) => Object.fromEntries(events.map((stored) => [stored.id, `${stored.identifier}#${stored.sequence}`]));
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
    await exportEvents({ store: source, out: file, pageSize: 2 });
    const target = open();
    const summary = await importEvents({ store: target, input: file });
    expect(summary).toMatchObject({ imported: 6, skipped: 0, issueCount: 0 });
    expect(sequences(await allEvents(target))).toEqual(sequences(stored));
    expect(await target.getStreamSequence('acct', '1')).toBe(4);
    const again = await importEvents({ store: target, input: file });
    expect(again).toMatchObject({ imported: 0, skipped: 6, issueCount: 0 });
  });

  it('a sequence held by another event in the target, or whose earlier events are not in the file: OPS/SEQUENCE_MISMATCH, never stored elsewhere', async () => {
    const target = open();
    const other = event('9', '2026-01-01T00:00:00.000Z');
    await target.storeEvents([other]);
    const line = (e: CreatedEvent, sequence: number) => JSON.stringify({ id: e.id, domain: e.domain, identifier: e.identifier, type: e.type, payload: e.payload, created: e.created.toISOString(), sequence });
    const taken = event('9', '2026-01-02T00:00:00.000Z');
    const orphan = event('8', '2026-01-03T00:00:00.000Z');
    const fine = event('7', '2026-01-04T00:00:00.000Z');
    const file = join(work, 'mismatch.ndjson');
    writeFileSync(file, `${line(taken, 1)}\n${line(orphan, 2)}\n${line(fine, 1)}\n`);
    const summary = await importEvents({ store: target, input: file });
    expect(summary.imported).toBe(1);
    expect(summary.issues.map((issue) => [issue.line, issue.kind, issue.code])).toEqual([
      [1, 'sequence', ErrorCodes.OPS_SEQUENCE_MISMATCH],
      [2, 'sequence', ErrorCodes.OPS_SEQUENCE_MISMATCH],
    ]);
    expect(await target.getEventById(taken.id)).toBeNull();
    expect(await target.getEventById(orphan.id)).toBeNull();
    expect(await target.getStreamSequence('acct', '9')).toBe(1);
    expect((await target.getEventById(fine.id))?.sequence).toBe(1);
  });
});
