/**
 * Defect 4 (issue 16): an SDK-internal retry hides a committed write. The first attempt of a TransactWriteItems
 * commits and its answer is lost; the SDK retries on its own and its later attempts are throttled, so the call's
 * error is a throttle. A write is a refusal only when NO attempt may have landed: `storeEvents` and `saveSnapshot`
 * must end in success (their check after an ambiguous write finds their own write) or `STORE/OUTCOME_UNKNOWN`,
 * never `RETRY/EXHAUSTED` with a committed event (whose blob was deleted), and an identical retry succeeds.
 *
 * Here on DynamoDB Local + the S3 server: faults below the SDK's retry loop (test/helpers/request-faults.ts), the
 * SDK's default retry strategy. The same outcome scripted on the twin: sdk-retry-outcome.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbKvDriver } from '../../drivers/dynamodb/index.js';
import { S3BlobDriver } from '../../drivers/s3/index.js';
import { ErrorCodes } from '../../src/errors/index.js';
import { EventStore } from '../../src/event-store.js';
import type { BlobDriver } from '../../src/ports/blob-driver.js';
import type { KvDriver } from '../../src/ports/kv-driver.js';
import { dynamoClientWithFaults, RequestFaultInjector } from '../helpers/request-faults.js';
import { createS3Client, realDynamoDb, realS3, uniqueBucketName, uniqueTableName } from '../servers/index.js';
import {
  bigEvent,
  bigSnapshot,
  expectEventWhole,
  expectSnapshotWhole,
  expectSuccessOrUnknown,
  noSleep,
  outcome,
  STORE_ATTEMPTS,
  THRESHOLD,
} from './sdk-retry-outcome.js';

const dynamo = realDynamoDb('defect 4 on DynamoDB Local + S3');
const s3 = realS3('defect 4 on DynamoDB Local + S3');
const skip = dynamo.skip || s3.skip;

describe.skipIf(skip)('defect 4 on DynamoDB Local + S3: first attempt committed unanswered, SDK retries throttled', () => {
  const faults = new RequestFaultInjector();
  let kv: KvDriver;
  let blobs: BlobDriver;
  let dispose: () => void;

  beforeAll(() => {
    const dynamoClient = dynamoClientWithFaults(dynamo.endpoint, faults);
    const s3Client = createS3Client(s3.endpoint);
    kv = new DynamoDbKvDriver(dynamoClient, { pollIntervalMs: 20 });
    blobs = new S3BlobDriver(s3Client, { bucket: uniqueBucketName('defect4') });
    dispose = () => {
      dynamoClient.destroy();
      s3Client.destroy();
    };
  });
  afterAll(() => dispose());

  async function open(label: string): Promise<EventStore> {
    faults.clear();
    const store = new EventStore(
      { kv, blobs, tableName: uniqueTableName(`d4-${label}`), offloadThresholdBytes: THRESHOLD, retry: { maxAttempts: STORE_ATTEMPTS } },
      { sleep: noSleep },
    );
    await store.init();
    return store;
  }

  /** Every TransactWriteItems from now on: the first applied and its answer lost, every later one throttled. */
  const lostThenThrottled = () => faults.script({ operation: 'TransactWriteItems' }, [{ kind: 'commitThenLose' }], { kind: 'throttle' });

  it('storeEvents (offloaded payload): success or OUTCOME_UNKNOWN, the event whole, an identical retry succeeds', async () => {
    const store = await open('events');
    const event = bigEvent('real');
    lostThenThrottled();
    const from = faults.records.length;
    const result = await outcome(store.storeEvents([event]));
    const writes = faults.recordsOf({ operation: 'TransactWriteItems' }).filter((record) => record.seq >= from);
    // The fault happened as scripted: one applied attempt (answer lost), then throttles only.
    expect(writes[0]).toMatchObject({ forwarded: true, serverStatus: 200, errorName: 'ECONNRESET' });
    expect(writes.slice(1).every((record) => !record.forwarded && record.answeredStatus === 400)).toBe(true);
    expectSuccessOrUnknown(result);
    faults.clear();
    await expectEventWhole(store, event);
  });

  it("a write delayed past the caller's deadline that lands later: OUTCOME_UNKNOWN, then the event whole (its blob kept)", async () => {
    const store = await open('late');
    const event = bigEvent('late');
    faults.scriptCall({ operation: 'TransactWriteItems' }, [{ kind: 'delay', ms: 3_000 }]);
    const result = await outcome(store.storeEvents([event], { deadlineMs: 1_000 }));
    expect(result === 'ok' ? 'ok' : result.code).toBe(ErrorCodes.OUTCOME_UNKNOWN);
    await faults.settled(); // the delayed attempt reaches DynamoDB and commits after the caller gave up
    const late = faults.recordsOf({ operation: 'TransactWriteItems' }).at(-1)!;
    expect(late).toMatchObject({ fault: { kind: 'delay' }, forwarded: true, serverStatus: 200 });
    await expectEventWhole(store, event);
  });

  it('saveSnapshot (offloaded state): success or OUTCOME_UNKNOWN, the snapshot readable, an identical save succeeds', async () => {
    const store = await open('snapshot');
    const snapshot = bigSnapshot('real-snap');
    lostThenThrottled();
    const from = faults.records.length;
    const result = await outcome(store.saveSnapshot(snapshot));
    const writes = faults.recordsOf({ operation: 'TransactWriteItems' }).filter((record) => record.seq >= from);
    expect(writes[0]).toMatchObject({ forwarded: true, serverStatus: 200, errorName: 'ECONNRESET' });
    expectSuccessOrUnknown(result);
    faults.clear();
    await expectSnapshotWhole(store, snapshot);
  });
});
