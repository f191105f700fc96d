/**
 * Type-level and runtime check that one repo satisfies the framework's published contracts: the 6.x adapter
 * interfaces from `@schemeless/event-store-types@6.0.0-rc.5` (installed via npm `overrides`).
 */
import type {
  AppendableEvent,
  EventStoreAdapter,
  RevertableEventStoreAdapter,
  StreamEventStoreAdapter,
} from '@schemeless/event-store-types';
import { describe, expect, it } from 'vitest';
import { EventStoreRepo } from '../../src/index.js';

/** rc.6's `ExpectedStreamVersion` and `BatchEventStoreAdapter`, by their published shapes (rc.6 is not on our registry yet). */
interface ExpectedStreamVersion {
  domain: string;
  identifier?: string;
  expectedVersion: number;
}
interface BatchEventStoreAdapter extends StreamEventStoreAdapter {
  appendBatch(events: AppendableEvent[], expectedVersions: readonly ExpectedStreamVersion[]): Promise<void>;
  getStreamVersions(streams: readonly Pick<ExpectedStreamVersion, 'domain' | 'identifier'>[]): Promise<ExpectedStreamVersion[]>;
}

describe('framework contract types', () => {
  it('EventStoreRepo is an rc.6 BatchEventStoreAdapter (published shape)', async () => {
    const repo = new EventStoreRepo();
    const batch: BatchEventStoreAdapter = repo;
    await batch.appendBatch(
      [{ domain: 'd', identifier: 'i', type: 't', payload: 1, created: new Date() }],
      [{ domain: 'd', identifier: 'i', expectedVersion: 0 }],
    );
    expect(await batch.getStreamVersions([{ domain: 'd', identifier: 'i' }])).toEqual([
      { domain: 'd', identifier: 'i', expectedVersion: 1 },
    ]);
  });

  it('EventStoreRepo is a 6.x StreamEventStoreAdapter and RevertableEventStoreAdapter', async () => {
    const repo = new EventStoreRepo();
    const stream: StreamEventStoreAdapter = repo;
    const revertable: RevertableEventStoreAdapter = repo;
    const base: EventStoreAdapter = repo;
    await base.init();
    const { nextVersion } = await stream.appendToStream([{ domain: 'd', identifier: 'i', type: 't', payload: 1, created: new Date() }], 0);
    expect(nextVersion).toBe(1);
    const [event] = await stream.getStreamEvents('d', 'i');
    expect(await revertable.getEventById(event!.id)).toMatchObject({ domain: 'd', identifier: 'i', sequence: 1 });
    expect(stream.capabilities).toMatchObject({ streamQuery: true, optimisticConcurrency: true, snapshot: true });
  });
});
