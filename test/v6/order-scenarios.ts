/**
 * What a V6 user gets as `getAllEvents` order, and how they choose (README "Ordering under V6"), through the real V6
 * core (`scan`, `export`, `import({ replace: true })`): by default `created, id`; with `changeFeed` and
 * `replayOrder: 'log'`, commit order, so an event appended later with an earlier `created` stays after it and an
 * export/import round trip keeps every stream's sequences.
 */
import { makeEventStoreCore } from '@schemeless/event-store-core';
import type { PersistedEvent } from '@schemeless/event-store-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/event-store.js';
import type { SafetyBackend } from '../safety/backends.js';

/** Register the order scenarios on `makeBackend()`. */
export function v6OrderScenarios(makeBackend: () => SafetyBackend): void {
  let backend: SafetyBackend;
  const stores: EventStore[] = [];
  beforeAll(() => {
    backend = makeBackend();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await backend.dispose();
  });

  /** Append `late` after `early` to one stream, `late` carrying the EARLIER created; return what scan and a round trip give. */
  async function scenario(options: Parameters<SafetyBackend['store']>[1]) {
    const store = backend.store(backend.table('v6-order'), options);
    stores.push(store);
    const core = makeEventStoreCore(store);
    await core.append([
      { domain: 'ticket', identifier: 't1', type: 'Opened', payload: { n: 1 }, created: new Date('2026-06-02T00:00:00.000Z') },
    ]);
    await core.append([
      { domain: 'ticket', identifier: 't1', type: 'Closed', payload: { n: 2 }, created: new Date('2026-06-01T00:00:00.000Z') },
    ]);
    await core.append([
      { domain: 'ticket', identifier: 't2', type: 'Opened', payload: { n: 3 }, created: new Date('1999-01-01T00:00:00.000Z') },
    ]);
    const scanned: string[] = [];
    for await (const page of core.scan({ pageSize: 2 }))
      scanned.push(...page.map((event) => `${event.identifier}:${event.type}:${event.sequence}`));
    const exported: PersistedEvent[] = [];
    for await (const page of core.export({ pageSize: 2 })) exported.push(...page);
    await core.import(JSON.parse(JSON.stringify(exported)) as PersistedEvent[], { replace: true });
    const t1 = (await store.getStreamEvents('ticket', 't1')).map((event) => `${event.type}:${event.sequence}`);
    return { scanned, t1 };
  }

  describe('V6: getAllEvents order, chosen by replayOrder', () => {
    it("default ('created'): scan follows created; a round trip renumbers the stream whose later append has an earlier created", async () => {
      const { scanned, t1 } = await scenario({});
      expect(scanned).toEqual(['t2:Opened:1', 't1:Closed:2', 't1:Opened:1']);
      expect(t1).toEqual(['Closed:1', 'Opened:2']);
    });

    it("replayOrder 'log' with a one-shard change feed: scan is the commit order; a round trip keeps every sequence", async () => {
      const { scanned, t1 } = await scenario({ changeFeed: { shards: 1 }, replayOrder: 'log' });
      expect(scanned).toEqual(['t1:Opened:1', 't1:Closed:2', 't2:Opened:1']);
      expect(t1).toEqual(['Opened:1', 'Closed:2']);
    });
  });
}
