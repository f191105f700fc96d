/** The operations tools' view of the table: every item a store writes is recognised, decoded and checked. */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import { EventStore } from './event-store.js';
import {
  catalogKeyOf,
  decodeLayoutRecord,
  eventIdOf,
  eventKeyOf,
  guardKeyOf,
  headKeyOf,
  inspectItem,
  itemFacts,
  itemId,
  itemKind,
  LAYOUT_RECORD_KEY,
  logCounterKeyOf,
  pointsAt,
  readItems,
  snapshotKeyOf,
  type InspectedItem,
} from './inspection.js';
import type { Item } from './ports/kv-driver.js';

const TABLE = 'inspected';
const created = new Date(Date.UTC(2025, 2, 4));

/** Every item of the twin's table, through the port's scan. */
async function everyItem(kv: MemoryKvDriver): Promise<Item[]> {
  const items: Item[] = [];
  for (let segment = 0; segment < 2; segment++) {
    let cursor: string | undefined;
    do {
      const page = await kv.scan(TABLE, { segment, segments: 2, consistent: true, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  return items;
}

describe('inspection: the table item by item', () => {
  it('recognises and decodes every kind of item a store writes, its derived keys matching the layout', async () => {
    const kv = new MemoryKvDriver();
    const store = new EventStore({
      kv,
      blobs: new MemoryBlobDriver(),
      tableName: TABLE,
      changeFeed: { shards: 2 },
      offloadThresholdBytes: 2_000,
    });
    await store.storeEvents([
      { id: 'a|1', domain: 'acct', identifier: 'x', type: 'opened', payload: { n: 1 }, created },
      { id: 'a2', domain: 'acct', identifier: 'x', type: 'big', payload: 'y'.repeat(3_000), causationId: 'a|1', created },
    ]);
    await store.saveSnapshot({ domain: 'acct', identifier: 'x', sequence: 2, state: { n: 2 }, created });
    await store.resetConsumer('reader');
    const { item: record } = await kv.get(TABLE, LAYOUT_RECORD_KEY, { consistent: true });
    const layout = decodeLayoutRecord(TABLE, record!);
    expect(layout).toMatchObject({ bucketShards: 1, feedShards: 2 });
    const found = (await everyItem(kv)).map((item) => inspectItem(item, layout));
    const byKind = (kind: InspectedItem['kind']) => found.filter((entry) => entry.kind === kind);
    const events = byKind('event') as Extract<InspectedItem, { kind: 'event' }>[];
    expect(events.map((event) => [event.eventId, event.sequence, event.globalKeysMatch, event.log?.matches]).sort()).toEqual([
      ['a2', 2, true, true],
      ['a|1', 1, true, true],
    ]);
    expect(events.find((event) => event.eventId === 'a2')?.blobKey).toEqual(expect.any(String));
    expect(byKind('head')).toEqual([{ kind: 'head', stream: events[0]!.stream, version: 2 }]);
    expect(
      byKind('guard')
        .map((guard) => (guard as { eventId: string }).eventId)
        .sort(),
    ).toEqual(['a2', 'a|1']);
    expect(byKind('link')).toEqual([{ kind: 'link', eventId: 'a2', stream: events[0]!.stream, sequence: 2 }]);
    expect(byKind('snapshot')).toEqual([{ kind: 'snapshot', stream: events[0]!.stream, sequence: 2 }]);
    expect(byKind('catalog')).toHaveLength(1);
    expect(byKind('metadata')).toHaveLength(1);
    expect(byKind('consumer')).toHaveLength(1);
    expect(byKind('log-counter').map((counter) => (counter as { counter?: number }).counter)).toContain(2);
    expect(byKind('unknown')).toEqual([]);
    // The keys a tool asks for name those items.
    const stream = events[0]!.stream;
    const keys = [headKeyOf(stream), snapshotKeyOf(stream), guardKeyOf('a|1'), eventKeyOf(stream, 1), catalogKeyOf(events[0]!.bucket)];
    const read = await readItems(kv, TABLE, keys, { consistent: true });
    expect(read.map(itemId).sort()).toEqual(keys.map(itemId).sort());
    const guard = read.find((item) => itemKind(item) === 'guard');
    expect(pointsAt(guard, stream, 1)).toBe(true);
    expect(pointsAt(guard, stream, 2)).toBe(false);
    expect(eventIdOf(read.find((item) => itemKind(item) === 'event'))).toBe('a|1');
    expect(itemKind({ ...logCounterKeyOf(1) })).toBe('log-counter');
  });

  it('flags derived keys that do not match the layout, a counter of a shard the layout lacks, and items of no kind', async () => {
    const kv = new MemoryKvDriver();
    const store = new EventStore({ kv, tableName: TABLE, changeFeed: { shards: 2 } });
    await store.storeEvents([{ id: 'e1', domain: 'acct', identifier: 'x', type: 'opened', payload: 1, created }]);
    const items = await everyItem(kv);
    const event = items.find((item) => itemKind(item) === 'event')!;
    const misplaced = inspectItem({ ...event, gsk: 'elsewhere' }, { bucketShards: 1, feedShards: 2 });
    expect(misplaced).toMatchObject({ kind: 'event', globalKeysMatch: false, log: { matches: true } });
    expect(inspectItem(event, { bucketShards: 4, feedShards: 2 })).toMatchObject({ globalKeysMatch: false });
    const unlogged = { ...event };
    delete unlogged.lsk;
    expect(inspectItem(unlogged, { bucketShards: 1, feedShards: 2 })).toMatchObject({ log: { matches: false, position: undefined } });
    const counter = items.find((item) => itemKind(item) === 'log-counter')!;
    expect(inspectItem(counter, { bucketShards: 1, feedShards: 0 })).toMatchObject({ kind: 'log-counter', counter: undefined });
    expect(inspectItem({ pk: 'zzz|1', sk: 0 }, { bucketShards: 1, feedShards: 2 })).toEqual({ kind: 'unknown' });
    expect(() => inspectItem({ ...event, c: 'not a date' }, { bucketShards: 1, feedShards: 2 })).toThrow(
      expect.objectContaining({ code: 'DECODE/INVALID_ITEM' }),
    );
    const facts = itemFacts(event);
    expect(facts).toMatchObject({ kind: 'event', month: '2025-03', writeShard: 0, offloaded: false, inLogIndex: true, eventId: 'e1' });
    expect(facts.bytes).toBeGreaterThan(0);
    expect(itemFacts({ pk: 'catalog', sk: 1 })).toEqual({ kind: 'catalog', bytes: expect.any(Number) });
  });
});
