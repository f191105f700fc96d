/**
 * The DynamoDB driver reports whether ANY attempt of a failed write may have landed, with the SDK's DEFAULT retry
 * strategy on and faults below its retry loop (test/helpers/request-faults.ts), on DynamoDB Local. Also the
 * figure behind keeping the SDK's retries: requests per failed write under a throttle storm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, type EventStoreAdapterError } from '../../src/errors/index.js';
import { EventStore } from '../../src/event-store.js';
import type { TableSchema } from '../../src/ports/kv-driver.js';
import { caught } from '../../test/helpers/caught.js';
import { dynamoClientWithFaults, RequestFaultInjector } from '../../test/helpers/request-faults.js';
import { realDynamoDb } from '../../test/servers/real-servers.js';
import { uniqueTableName } from '../../test/servers/unique-name.js';
import { DynamoDbKvDriver } from './index.js';

const server = realDynamoDb('DynamoDB driver: mayHaveLanded under request faults');
const TRANSACT = { operation: 'TransactWriteItems' } as const;
const BATCH_WRITE = { operation: 'BatchWriteItem' } as const;

describe.skipIf(server.skip)('DynamoDB driver: mayHaveLanded under request faults (DynamoDB Local)', () => {
  const faults = new RequestFaultInjector();
  const client = server.skip ? undefined! : dynamoClientWithFaults(server.endpoint, faults);
  const driver = server.skip ? undefined! : new DynamoDbKvDriver(client, { pollIntervalMs: 10 });
  const schema: TableSchema = { name: uniqueTableName('may-have-landed'), partitionKey: { name: 'pk', type: 'S' }, indexes: [] };
  let sdkAttempts = 0;

  beforeAll(async () => {
    await driver.ensureTable(schema);
    sdkAttempts = await driver.clientMaxAttempts();
  });
  afterAll(async () => {
    faults.clear();
    await driver.dropTable(schema.name);
    client.destroy();
  });

  const stored = async (pk: string) => (await driver.get(schema.name, { pk }, { consistent: true })).item !== undefined;
  const put = (pk: string) =>
    driver.transactWrite(schema.name, [{ type: 'put', item: { pk }, condition: { kind: 'notExists' } }], { token: `tok-${pk}` });

  it('transactWrite: first attempt applied unanswered, later attempts throttled: THROTTLED with mayHaveLanded, and it IS stored', async () => {
    faults.clear().scriptCall(TRANSACT, [{ kind: 'commitThenLose' }], { kind: 'throttle' });
    const error = await caught(put('lost-then-throttled'));
    expect(error.code).toBe(ErrorCodes.THROTTLED);
    expect(error.details.mayHaveLanded).toBe(true);
    expect(await stored('lost-then-throttled')).toBe(true);
  });

  it('transactWrite: every attempt throttled: THROTTLED, mayHaveLanded false, nothing stored', async () => {
    faults.clear().scriptCall(TRANSACT, [], { kind: 'throttle', errorName: 'ProvisionedThroughputExceededException' });
    const error = await caught(put('refused'));
    expect(error.code).toBe(ErrorCodes.THROTTLED);
    expect(error.details.mayHaveLanded).toBe(false);
    expect(await stored('refused')).toBe(false);
  });

  it('transactWrite: a reset then throttles (never forwarded, but the client cannot know): mayHaveLanded', async () => {
    faults.clear().scriptCall(TRANSACT, [{ kind: 'reset' }], { kind: 'throttle' });
    const error = await caught(put('reset-then-throttled'));
    expect(error.code).toBe(ErrorCodes.THROTTLED);
    expect(error.details.mayHaveLanded).toBe(true);
  });

  it('transactWrite: a 5xx then throttles: mayHaveLanded', async () => {
    faults.clear().scriptCall(TRANSACT, [{ kind: 'serverError', forward: true }], { kind: 'throttle' });
    const error = await caught(put('applied-500'));
    expect(error.details.mayHaveLanded).toBe(true);
    expect(await stored('applied-500')).toBe(true);
  });

  it('batchWrite: first attempt applied unanswered, later throttled: mayHaveLanded; all throttled: not', async () => {
    faults.clear().scriptCall(BATCH_WRITE, [{ kind: 'commitThenLose', error: 'timeout' }], { kind: 'throttle' });
    const lost = await caught(driver.batchWrite(schema.name, [{ put: { pk: 'batch-lost' } }]));
    expect(lost.code).toBe(ErrorCodes.THROTTLED);
    expect(lost.details.mayHaveLanded).toBe(true);
    expect(await stored('batch-lost')).toBe(true);
    faults.clear().scriptCall(BATCH_WRITE, [], { kind: 'throttle' });
    const refused = await caught(driver.batchWrite(schema.name, [{ put: { pk: 'batch-refused' } }]));
    expect(refused.details.mayHaveLanded).toBe(false);
  });

  it('measured: requests per failed storeEvents under a throttle storm = store attempts x SDK attempts', async () => {
    const storeAttempts = 3;
    const store = new EventStore(
      { kv: driver, tableName: uniqueTableName('storm'), retry: { maxAttempts: storeAttempts }, onWarning: () => undefined },
      { sleep: async () => undefined },
    );
    await store.init();
    faults.clear().script(TRANSACT, [], { kind: 'throttle' });
    const from = faults.records.length;
    const error = await store
      .storeEvents([{ id: 'storm-1', domain: 'acct', type: 't', identifier: 'x', payload: {}, created: new Date(Date.UTC(2025, 0, 1)) }])
      .catch((failure: unknown) => failure as EventStoreAdapterError);
    faults.clear();
    const requests = faults.recordsOf(TRANSACT).filter((record) => record.seq >= from).length;
    expect(error).toMatchObject({ code: ErrorCodes.RETRIES_EXHAUSTED });
    // Each of the store's attempts is one SDK call of sdkAttempts requests (4 with the DynamoDB client's defaults).
    expect(requests).toBe(storeAttempts * sdkAttempts);
    console.info(
      `[measure] throttle storm: ${requests} TransactWriteItems requests for one storeEvents (store ${storeAttempts} x SDK ${sdkAttempts})`,
    );
    await store.close();

    // The alternative measured: the adapter owning write retries, the SDK at one attempt (a client so configured).
    const single = new RequestFaultInjector();
    const singleClient = dynamoClientWithFaults(server.endpoint, single, { maxAttempts: 1 });
    const owned = new EventStore(
      {
        kv: new DynamoDbKvDriver(singleClient),
        tableName: uniqueTableName('storm-1'),
        retry: { maxAttempts: storeAttempts },
        onWarning: () => undefined,
      },
      { sleep: async () => undefined },
    );
    await owned.init();
    single.script(TRANSACT, [], { kind: 'throttle' });
    const ownedFrom = single.records.length;
    const ownedError = await owned
      .storeEvents([{ id: 'storm-2', domain: 'acct', type: 't', identifier: 'x', payload: {}, created: new Date(Date.UTC(2025, 0, 1)) }])
      .catch((failure: unknown) => failure as EventStoreAdapterError);
    expect(ownedError).toMatchObject({ code: ErrorCodes.RETRIES_EXHAUSTED });
    const ownedRequests = single.recordsOf(TRANSACT).filter((record) => record.seq >= ownedFrom).length;
    expect(ownedRequests).toBe(storeAttempts);
    console.info(`[measure] throttle storm, SDK maxAttempts 1: ${ownedRequests} TransactWriteItems requests for one storeEvents`);
    await owned.close();
    singleClient.destroy();
  });
});
