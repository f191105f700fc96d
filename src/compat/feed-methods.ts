/**
 * The change feed's methods (`getLogPage`, `subscribe`, `resetConsumer`; README "Change feed") and the DynamoDB
 * Streams decoders (`decodeStreamRecord(s)`): each checks its arguments, opens a call and runs one function of the
 * feed (change-feed.ts, subscription.ts, consumer-reset.ts, stream-records.ts). Contracts: the `EventStore` methods.
 */
import { readLogPage, type ConsumerStart } from '../feed/change-feed.js';
import { checkConsumerStart, resetConsumer as storeConsumerCursor } from '../feed/consumer-reset.js';
import type { ExpectedStreamVersion, StoredEvent, StreamLogPage } from './contract-types.js';
import {
  decodeStreamRecord as decodeRecord,
  decodeStreamRecords as decodeRecords,
  type DynamoDbStreamRecord,
} from '../feed/stream-records.js';
import { checkConsumerName, checkSubscribeOptions } from '../feed/subscribe-arguments.js';
import { readConsumer, startSubscription, type SubscribeOptions, type Subscription } from '../feed/subscription.js';
import { openCall, type StoreAccess } from './store-access.js';

/** `getLogPage`: the next page of the change feed after `cursor`, and the cursor to pass next. */
export async function getLogPage(
  access: StoreAccess,
  cursor: readonly ExpectedStreamVersion[] | undefined,
  pageSize: number,
): Promise<StreamLogPage> {
  const ctx = await openCall(access);
  access.requireChangeFeed('getLogPage');
  const { events, cursor: next } = await readLogPage(ctx, cursor, pageSize);
  return { events, cursor: next };
}

/** `subscribe`: the named consumer started from its stored cursor, polling until stopped. */
export async function subscribe<Payload>(access: StoreAccess, options: SubscribeOptions<Payload>): Promise<Subscription> {
  const settings = checkSubscribeOptions(options as SubscribeOptions);
  const ctx = await openCall(access);
  access.requireChangeFeed('subscribe');
  const initial = await readConsumer(ctx, options.name);
  const subscription = startSubscription(access.state, options as SubscribeOptions, settings, initial, access.pollSpans(options.name));
  access.track(subscription, options.name);
  return subscription;
}

/** `resetConsumer`: `from` stored as the named consumer's cursor; the stored cursor. */
export async function resetConsumer(access: StoreAccess, name: string, from: ConsumerStart): Promise<ExpectedStreamVersion[]> {
  checkConsumerName('resetConsumer', name);
  checkConsumerStart(from);
  const ctx = await openCall(access);
  access.requireChangeFeed('resetConsumer');
  return storeConsumerCursor(ctx, name, from);
}

/** `decodeStreamRecord`: the stored event a DynamoDB Streams record carries (no `init` needed: it reads blobs only). */
export function decodeStreamRecord(access: StoreAccess, record: DynamoDbStreamRecord): Promise<StoredEvent | undefined> {
  access.assertOpen();
  return decodeRecord(access.call(), record);
}

/** `decodeStreamRecords`: the stored events of a batch of records, in record order. */
export function decodeStreamRecords(access: StoreAccess, records: readonly DynamoDbStreamRecord[]): Promise<StoredEvent[]> {
  access.assertOpen();
  return decodeRecords(access.call(), records);
}
