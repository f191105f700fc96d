/**
 * `npm run demo`: the adapter on its in-memory default (a DynamoDB-like KV twin and an S3-like blob twin).
 * Stores a few events across streams (one with a 500 KB payload that is offloaded to the blob store), reads them
 * back, replays the store page by page and resumed from a cursor, shows optimistic concurrency, prints the
 * requests and capacity units the twin metered by AWS's published rules, and finally follows a second store's
 * change feed with `getLogPage` and `subscribe`.
 */
import { randomUUID } from 'node:crypto';
import { ConcurrencyError, EventStoreRepo, type CreatedEvent } from '../src/index.js';

const repo = new EventStoreRepo();
await repo.init();

const created = (iso: string) => new Date(iso);
const root: CreatedEvent = {
  id: randomUUID(),
  domain: 'account',
  identifier: 'alice',
  type: 'Opened',
  payload: { owner: 'Alice' },
  created: created('2019-03-31T00:30:00Z'),
};
const events: CreatedEvent[] = [
  root,
  {
    id: randomUUID(),
    domain: 'account',
    identifier: 'alice',
    type: 'Deposited',
    payload: { amount: 100 },
    causationId: root.id,
    created: created('2024-10-27T00:30:00Z'),
  },
  {
    id: randomUUID(),
    domain: 'ledger',
    identifier: '2024',
    type: 'Posted',
    payload: { account: 'alice', amount: 100 },
    causationId: root.id,
    created: created('2024-10-27T00:30:00Z'),
  },
];
await repo.storeEvents(events, { expectedSequence: 0 });
console.log(`stored ${events.length} events across 2 streams in one atomic transaction`);

const document = {
  id: randomUUID(),
  domain: 'account',
  identifier: 'alice',
  type: 'StatementAttached',
  payload: { pdf: 'x'.repeat(500_000) },
  created: created('2026-01-15T09:00:00Z'),
};
await repo.storeEvents([document]);
console.log('stored a 500 KB event: its payload went to the blob store, the item keeps a reference');

try {
  await repo.storeEvents([{ ...document, id: randomUUID(), type: 'Withdrawn', payload: { amount: 5 } }], { expectedSequence: 1 });
} catch (error) {
  if (error instanceof ConcurrencyError)
    console.log(`optimistic concurrency: ${error.code} expected ${error.expectedSequence}, stream is at ${error.actualSequence}`);
}

const stream = await repo.getStreamEvents('account', 'alice');
console.log(`\nstream account::alice (sequence ${await repo.getStreamSequence('account', 'alice')}):`);
for (const event of stream)
  console.log(`  #${event.sequence} ${event.type} ${event.created.toISOString()} payload ${JSON.stringify(event.payload).length} bytes`);

console.log('\nreplay, pages of 2, in created/id order:');
for await (const page of await repo.getAllEvents(2))
  console.log(`  page: ${page.map((event) => `${event.domain}/${event.type}`).join(', ')}`);

console.log(`\nreplay resumed after ${root.type}:`);
for await (const page of await repo.getAllEvents(200, root.id)) console.log(`  page: ${page.map((event) => event.type).join(', ')}`);

console.log(
  `\nconsequences of ${root.type}: ${(await repo.findByCausationId(root.id)).map((event) => `${event.domain}/${event.type}`).join(', ')}`,
);

await repo.saveSnapshot({ domain: 'account', identifier: 'alice', state: { balance: 100 }, sequence: 2, created: new Date() });
console.log(`snapshot: ${JSON.stringify((await repo.getSnapshot('account', 'alice'))?.state)}`);

console.log('\nwhat it cost (requests, and capacity units metered by AWS rules):');
const rows = Object.entries(repo.stats()).filter(([, totals]) => totals.requests > 0);
for (const [operation, totals] of rows)
  console.log(
    `  ${operation.padEnd(14)} ${String(totals.requests).padStart(3)} requests  ${totals.readUnits.toFixed(1).padStart(6)} RCU  ${totals.writeUnits.toFixed(1).padStart(6)} WCU`,
  );
await repo.close();

// The change feed: an exact log that consumers follow while writers write (changeFeed is chosen per table).
const feed = new EventStoreRepo({ changeFeed: { shards: 2 } });
await feed.storeEvents([
  {
    id: randomUUID(),
    domain: 'order',
    identifier: 'o-1',
    type: 'Placed',
    payload: { total: 30 },
    created: created('2999-01-01T00:00:00Z'),
  },
]);
await feed.storeEvents([
  {
    id: randomUUID(),
    domain: 'order',
    identifier: 'o-2',
    type: 'Placed',
    payload: { total: 12 },
    created: created('1970-01-01T00:00:00Z'),
  },
]);
const first = await feed.getLogPage(undefined, 10);
console.log(`
change feed: ${first.events.map((event) => `${event.identifier}/${event.type}`).join(', ')}; the cursor is ${first.cursor.length} JSON entries`);
const seen: string[] = [];
const subscription = await feed.subscribe({
  name: 'demo-projection',
  pollIntervalMs: 10,
  handler: (page) => void seen.push(...page.map((event) => event.identifier ?? '')),
});
await feed.storeEvents([{ id: randomUUID(), domain: 'order', identifier: 'o-1', type: 'Shipped', payload: {}, created: new Date() }]);
while (seen.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
console.log(`subscribe('demo-projection') handled ${seen.length} events; lag now ${JSON.stringify(subscription.lag())}`);
await feed.close(); // stops the subscription first
