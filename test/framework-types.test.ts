/**
 * Type-level and runtime check that one repo satisfies the framework's published contracts: the 6.x adapter
 * interfaces from `@schemeless/event-store-types@6.0.0-rc.5` (installed via npm `overrides`).
 */
import type { EventStoreAdapter, RevertableEventStoreAdapter, StreamEventStoreAdapter } from '@schemeless/event-store-types';
import { describe, expect, it } from 'vitest';
import { EventStoreRepo } from '../src/index.js';

describe('framework contract types', () => {
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
