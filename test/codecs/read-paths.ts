/**
 * Every read path of a store, for the codec scenarios: each returns the events of one stream as that path delivers
 * them (or its snapshot), so a scenario can assert the same thing of all of them.
 */
import { Readable, Writable } from 'node:stream';
import { marshall } from '@aws-sdk/util-dynamodb';
import { exportEvents } from '../../ops/export.js';
import { importEvents } from '../../ops/import.js';
import type { EventStore } from '../../src/event-store.js';
import type { StoredEvent } from '../../src/compat/contract-types.js';
import { A, streamPk } from '../../src/layout/table-layout.js';

/** The read paths, by name: each gives the stream's events in sequence order. */
export type ReadPath = (store: EventStore, domain: string, identifier: string, causeId: string) => Promise<StoredEvent[]>;

const ofStream = (domain: string, identifier: string) => (event: StoredEvent) => event.domain === domain && event.identifier === identifier;
const bySequence = (events: StoredEvent[]) => [...events].sort((a, b) => a.sequence - b.sequence);

/** Read paths that need nothing but the store (and its change feed). */
export const READ_PATHS: Readonly<Record<string, ReadPath>> = {
  getStreamEvents: (store, domain, identifier) => store.getStreamEvents(domain, identifier),
  getAllEvents: async (store, domain, identifier) => {
    const events: StoredEvent[] = [];
    for await (const page of await store.getAllEvents(50)) events.push(...page.filter(ofStream(domain, identifier)));
    return bySequence(events);
  },
  getEventById: async (store, domain, identifier) => {
    const ids = (await store.getStreamEvents(domain, identifier)).map((event) => event.id);
    return Promise.all(ids.map(async (id) => (await store.getEventById(id))!));
  },
  findByCausationId: async (store, domain, identifier, causeId) => {
    const first = await store.getEventById(causeId);
    const caused = (await store.findByCausationId(causeId)).filter(ofStream(domain, identifier));
    return bySequence([...(first ? [first] : []), ...caused]);
  },
  getLogPage: async (store, domain, identifier) => {
    const events: StoredEvent[] = [];
    let cursor: Awaited<ReturnType<EventStore['getLogPage']>>['cursor'] | undefined;
    for (;;) {
      const page = await store.getLogPage(cursor, 20);
      events.push(...page.events.filter(ofStream(domain, identifier)));
      if (page.events.length === 0) break;
      cursor = page.cursor;
    }
    return bySequence(events);
  },
  subscribe: async (store, domain, identifier) => {
    const expected = await store.getStreamSequence(domain, identifier);
    const events: StoredEvent[] = [];
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const subscription = await store.subscribe({
      name: `codecs-${Math.random().toString(36).slice(2)}`,
      pollIntervalMs: 5,
      handler: (page) => {
        events.push(...page.filter(ofStream(domain, identifier)));
        if (events.length >= expected) done();
      },
    });
    await finished;
    await subscription.stop();
    return bySequence(events);
  },
  decodeStreamRecords: async (store, domain, identifier) => {
    const sequence = await store.getStreamSequence(domain, identifier);
    const records = [];
    for (let sk = 1; sk <= sequence; sk++) {
      const { item } = await store.options.kv.get(
        store.options.tableName,
        { [A.pk]: streamPk(domain, identifier), [A.sk]: sk },
        { consistent: true },
      );
      records.push({ eventName: 'INSERT', dynamodb: { NewImage: marshall(item!, { removeUndefinedValues: true }) } });
    }
    return store.decodeStreamRecords(records);
  },
  export: async (store, domain, identifier) => {
    const lines = await exportLines(store);
    return bySequence(
      lines.map((line) => {
        const parsed = JSON.parse(line) as StoredEvent & { created: string };
        return { ...parsed, created: new Date(parsed.created) } as StoredEvent;
      }),
    ).filter(ofStream(domain, identifier));
  },
};

/** The store's export (NDJSON lines). */
export async function exportLines(store: EventStore): Promise<string[]> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  await exportEvents({ store, out, settleMs: 0 });
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}

/** Import NDJSON `lines` into `store`; the number imported. */
export async function importLines(store: EventStore, lines: readonly string[]): Promise<number> {
  const summary = await importEvents({ store, input: Readable.from([`${lines.join('\n')}\n`]) });
  return summary.imported;
}
