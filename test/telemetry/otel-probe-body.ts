/** The store work of otel-probe.mjs: store, read, replay and subscribe on the twin (package root), then close. */
import { EventStoreRepo } from '../../src/index.js';

export async function runProbe(mode: string): Promise<{ events: number; pages: number }> {
  const store = new EventStoreRepo({ changeFeed: true, ...(mode === 'disabled' ? { telemetry: false as const } : {}) });
  await store.storeEvents([{ id: 'p1', domain: 'd', identifier: 'i', type: 't', payload: { n: 1 }, created: new Date() }]);
  const events = (await store.getStreamEvents('d', 'i')).length;
  let pages = 0;
  for await (const _page of await store.getAllEvents(10)) pages += 1;
  await store.getLogPage();
  await store.close();
  return { events, pages };
}
