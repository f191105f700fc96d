/**
 * Every public call is bounded (issue 16, defect 8) against endpoints that misbehave at the TCP level: a server
 * that accepts connections and never answers (as the DynamoDB endpoint, and as the S3 endpoint next to DynamoDB
 * Local), and a proxy in front of DynamoDB Local that answers every request late. Each call ends with
 * `STORE/DEADLINE_EXCEEDED` (or `STORE/ABORTED`), its connections released (nothing keeps the process alive), and
 * the store stays usable. Before the fix, `init()` and the first call of a store hung here until the server closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, EventStoreRepo, type CreatedEvent } from '../../src/index.js';
import { createDynamoClient, createS3Client, realDynamoDb, realS3, uniqueBucketName, uniqueTableName } from '../servers/index.js';
import { startBlackHole, startSlowProxy, type SilentServer } from '../servers/silent-servers.js';
import { caught } from '../helpers/caught.js';

const dynamo = realDynamoDb('deadlines against silent endpoints');
const s3 = realS3('deadlines against silent endpoints');
const skip = dynamo.skip || s3.skip;

/** Hang detection only (never a pass criterion on time): a bounded call here answers within its deadline plus a few ms. */
const HANG_GUARD_MS = 30_000;

let next = 0;
const event = (extra: Partial<CreatedEvent> = {}): CreatedEvent => ({
  id: `dl-${++next}-${Date.now()}`,
  domain: 'acct',
  identifier: 'a',
  type: 'opened',
  payload: {},
  created: new Date(),
  ...extra,
});

/** Resolves once `server` holds no open connection (the client released them); the test's timeout catches a leak. */
async function released(server: SilentServer): Promise<void> {
  while (server.openConnections() > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe.skipIf(skip)('every public call is bounded against endpoints that never answer (real servers)', () => {
  let hole: SilentServer;
  beforeAll(async () => {
    hole = await startBlackHole();
    // The drivers' modules load on a store's first call: loaded once here, so that a busy machine's slow import does
    // not use up a short deadline before the first request is even sent (the request counts below need it sent).
    await Promise.all([import('../../drivers/dynamodb/index.js'), import('../../drivers/s3/index.js')]);
  });
  afterAll(async () => {
    await hole?.close();
  });

  it(
    'DynamoDB endpoint never answers: init({ deadlineMs }) is STORE/DEADLINE_EXCEEDED, its connection released; a later init tries again',
    async () => {
      const client = createDynamoClient(hole.endpoint);
      try {
        const store = new EventStoreRepo(client, undefined, { tableName: uniqueTableName('dl-init') });
        const before = hole.connections();
        expect((await caught(store.init({ deadlineMs: 3_000 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect(hole.connections()).toBeGreaterThan(before); // the request did reach the silent server
        await released(hole);
        const again = hole.connections();
        expect((await caught(store.init({ deadlineMs: 3_000 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect(hole.connections()).toBeGreaterThan(again); // not a cached failure: init ran again
        await released(hole);
        await store.close();
      } finally {
        client.destroy();
      }
    },
    HANG_GUARD_MS,
  );

  it(
    "storeEvents(…, { deadlineMs: 2000 }) on a fresh store (its first call runs init) is STORE/DEADLINE_EXCEEDED; so are getAllEvents, getEventById, subscribe, getLogPage, resetStore, sweepOrphanBlobs, and a signal's abort is STORE/ABORTED",
    async () => {
      const client = createDynamoClient(hole.endpoint);
      try {
        const store = new EventStoreRepo(client, undefined, { tableName: uniqueTableName('dl-calls'), deadlineMs: 500, changeFeed: true });
        expect((await caught(store.storeEvents([event()], { deadlineMs: 2_000 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect((await caught(store.getAllEvents())).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect((await caught(store.getEventById('x'))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect((await caught(store.subscribe({ name: 'c', handler: () => undefined }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect((await caught(store.getLogPage())).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect((await caught(store.resetStore({ deadlineMs: 500 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect((await caught(store.sweepOrphanBlobs({ olderThanMs: 0, deadlineMs: 500 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        const controller = new AbortController();
        const pending = store.storeEvents([event()], { signal: controller.signal });
        setTimeout(() => controller.abort(new Error('shutdown')), 100);
        expect((await caught(pending)).code).toBe(ErrorCodes.ABORTED);
        await released(hole);
        await store.close();
      } finally {
        client.destroy();
      }
    },
    HANG_GUARD_MS,
  );

  it(
    'S3 endpoint never answers (DynamoDB Local answers): init and the first storeEvents are STORE/DEADLINE_EXCEEDED, connections released',
    async () => {
      const dynamodbClient = createDynamoClient(dynamo.endpoint);
      const s3Client = createS3Client(hole.endpoint);
      try {
        const store = new EventStoreRepo(dynamodbClient, s3Client, {
          tableName: uniqueTableName('dl-s3'),
          s3BucketName: uniqueBucketName('dl-s3'),
        });
        expect((await caught(store.init({ deadlineMs: 1_500 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        expect((await caught(store.storeEvents([event()], { deadlineMs: 2_000 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
        await released(hole);
        await store.close();
      } finally {
        dynamodbClient.destroy();
        s3Client.destroy();
      }
    },
    HANG_GUARD_MS,
  );
});

describe.skipIf(skip)('init through an endpoint that answers very slowly (DynamoDB Local behind a delaying proxy)', () => {
  /** Each answer arrives this late: longer than the short deadlines below, far shorter than the patient ones. */
  const DELAY_MS = 1_000;
  let slow: SilentServer;
  let slowCreate: SilentServer;
  beforeAll(async () => {
    slow = await startSlowProxy(dynamo.endpoint, DELAY_MS);
    slowCreate = await startSlowProxy(dynamo.endpoint, 3 * DELAY_MS, /X-Amz-Target: DynamoDB_\d+\.CreateTable/i);
  });
  afterAll(async () => {
    await slow?.close();
    await slowCreate?.close();
  });

  it('every answer late: init and the first storeEvents past their deadlines are STORE/DEADLINE_EXCEEDED; patient calls then succeed', async () => {
    const client = createDynamoClient(slow.endpoint);
    try {
      const store = new EventStoreRepo(client, undefined, { tableName: uniqueTableName('dl-slow') });
      expect((await caught(store.init({ deadlineMs: 500 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      expect((await caught(store.storeEvents([event()], { deadlineMs: 500 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      await store.storeEvents([event()], { deadlineMs: 20_000 });
      expect(await store.getStreamSequence('acct', 'a')).toBe(1);
      await store.close();
    } finally {
      client.destroy();
    }
  }, 60_000);

  it("an init cut while its CreateTable is in flight (the table is created) leaves nothing misread: a patient init completes, the table is the store's (reset works)", async () => {
    const client = createDynamoClient(slowCreate.endpoint);
    try {
      const tableName = uniqueTableName('dl-create');
      const store = new EventStoreRepo(client, undefined, { tableName });
      // DescribeTable answers at once; CreateTable lands, its answer is held 3 s: the 1.5 s deadline cuts the init then.
      expect((await caught(store.init({ deadlineMs: 1_500 }))).code).toBe(ErrorCodes.DEADLINE_EXCEEDED);
      await store.init({ deadlineMs: 20_000 });
      await store.storeEvents([event()], { deadlineMs: 20_000 });
      expect(await store.getStreamSequence('acct', 'a')).toBe(1);
      // The layout record says an event store created the table: reset drops and re-creates it (else STORE/RESET_REFUSED).
      await store.resetStore({ deadlineMs: 25_000 });
      expect(await store.getStreamSequence('acct', 'a')).toBe(0);
      await store.close();
    } finally {
      client.destroy();
    }
  }, 60_000);
});
