/**
 * Server floor (DynamoDB Local only): the same server's speed for the bare requests an append needs, sent with
 * the SDK directly (no adapter), on a table of our layout (one GSI, ALL projection):
 * - a PutItem of one small item, and a GetItem of one small stored item (eventually consistent);
 * - a TransactWriteItems of three conditional puts (an event entering the global-order index, an id guard, a stream
 *   head), the shape of our single-event append: any adapter doing one transaction per append is bounded by it;
 * - a TransactWriteItems of an Update (a stream head) and a conditional Put (an event entering the index), the
 *   shape of the old adapter's single-event append (which also sends a GetItem of the head first);
 * - TransactWriteItems of 21 and 41 conditional puts (events entering the index): the size of the old adapter's and
 *   of our transaction for a batch of 20 events, so batch rates can be read against the server's cost per item.
 */
import {
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type ConsumedCapacity,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { OperationType, StoreStats } from '../../src/index.js';
import { emptyStats, OPERATION_TYPES } from '../../src/runtime/metering.js';
import { summarize, timeRun, type StatsSource } from '../harness/measure.js';
import { describeRun, repeat, type Workload } from './workload.js';

/** Requests per run and variant: enough for a stable median, small enough to cost a few seconds. */
const FLOOR_REQUESTS = 100;
/** Requests per run of the large transactions (each takes tens of ms on DynamoDB Local). */
const LARGE_FLOOR_REQUESTS = 10;

export const serverFloorWorkload: Workload = {
  id: 'server-floor',
  title: 'Server floor: bare SDK requests on the same DynamoDB Local (1 "event" = 1 request)',
  backends: ['dynamodb-local'],
  async measure(backend, config, log) {
    const dynamo = backend.dynamo;
    if (!dynamo) throw new Error('server-floor needs a backend with a DynamoDB client');
    const variants: {
      name: string;
      requests: number;
      send: (client: DynamoDBClient, table: string, key: string, meter: SdkMeter) => Promise<void>;
    }[] = [
      { name: 'PutItem, 1 item', requests: FLOOR_REQUESTS, send: putOne },
      { name: 'GetItem, 1 item', requests: FLOOR_REQUESTS, send: getOne },
      { name: 'TransactWriteItems, 3 puts', requests: FLOOR_REQUESTS, send: transactThree },
      { name: 'TransactWriteItems, 2 actions (update + put)', requests: FLOOR_REQUESTS, send: transactUpdatePut },
      { name: 'TransactWriteItems, 21 puts', requests: LARGE_FLOOR_REQUESTS, send: transactPuts(21) },
      { name: 'TransactWriteItems, 41 puts', requests: LARGE_FLOOR_REQUESTS, send: transactPuts(41) },
    ];
    const measurements = [];
    // One table for every variant and run (keys are unique per variant, run and request): the floor measures
    // requests, not an adapter's fresh store, and 18 table set-ups would cost more than the requests.
    const store = await backend.createStore({ label: 'floor' });
    const table = store.repo.options.tableName;
    try {
      await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: GET_KEY }, sk: { N: '0' }, v: { S: SMALL_VALUE } } }));
      for (const [number, variant] of variants.entries()) {
        const runs = await repeat(config.runs, async (run) => {
          const meter = new SdkMeter();
          const result = await timeRun(meter, variant.requests, async (probe) => {
            for (let index = 0; index < variant.requests; index++) {
              await variant.send(dynamo, table, `floor-${number}-${run}-${index}`, meter);
              probe.tick();
            }
          });
          log(`  ${variant.name} run ${run + 1}: ${describeRun(result)}`);
          return result;
        });
        measurements.push(summarize(this.id, variant.name, backend.name, runs));
      }
    } finally {
      await store.dispose();
    }
    return measurements;
  },
};

const SMALL_VALUE = 'x'.repeat(200);

async function putOne(client: DynamoDBClient, table: string, key: string, meter: SdkMeter): Promise<void> {
  const response = await client.send(
    new PutItemCommand({
      TableName: table,
      Item: { pk: { S: `e|${key}` }, sk: { N: '0' }, v: { S: SMALL_VALUE } },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  meter.record('batchWrite', response.ConsumedCapacity);
}

/** The item every GetItem of the floor reads (stored before the timed section). */
const GET_KEY = 'e|floor-get';

async function getOne(client: DynamoDBClient, table: string, _key: string, meter: SdkMeter): Promise<void> {
  const response = await client.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: GET_KEY }, sk: { N: '0' } }, ReturnConsumedCapacity: 'TOTAL' }),
  );
  if (!response.Item) throw new Error('server floor: GetItem found no item');
  meter.record('get', response.ConsumedCapacity);
}

async function transactUpdatePut(client: DynamoDBClient, table: string, key: string, meter: SdkMeter): Promise<void> {
  const created = new Date().toISOString();
  const response = await client.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Update: {
            TableName: table,
            Key: { pk: { S: `s|${key}` }, sk: { N: '0' } },
            UpdateExpression: 'SET v = :new',
            ConditionExpression: 'attribute_not_exists(v) OR v = :old',
            ExpressionAttributeValues: { ':new': { N: '1' }, ':old': { N: '0' } },
          },
        },
        {
          Put: {
            TableName: table,
            Item: {
              pk: { S: `s|${key}` },
              sk: { N: '1' },
              gpk: { S: 'g|floor|0' },
              gsk: { S: `${created}|${key}` },
              p: { S: SMALL_VALUE },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  meter.record('transactWrite', response.ConsumedCapacity);
}

function transactPuts(count: number): (client: DynamoDBClient, table: string, key: string, meter: SdkMeter) => Promise<void> {
  return async (client, table, key, meter) => {
    const created = new Date().toISOString();
    const items: TransactWriteItem[] = Array.from({ length: count }, (_, index) => ({
      Put: {
        TableName: table,
        Item: {
          pk: { S: `s|${key}` },
          sk: { N: String(index + 1) },
          gpk: { S: 'g|floor|0' },
          gsk: { S: `${created}|${key}|${index}` },
          p: { S: SMALL_VALUE },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    const response = await client.send(new TransactWriteItemsCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
    meter.record('transactWrite', response.ConsumedCapacity);
  };
}

async function transactThree(client: DynamoDBClient, table: string, key: string, meter: SdkMeter): Promise<void> {
  const created = new Date().toISOString();
  const notExists = 'attribute_not_exists(pk)';
  const response = await client.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: table,
            Item: {
              pk: { S: `s|${key}` },
              sk: { N: '1' },
              gpk: { S: 'g|floor|0' },
              gsk: { S: `${created}|${key}` },
              p: { S: SMALL_VALUE },
            },
            ConditionExpression: notExists,
          },
        },
        {
          Put: {
            TableName: table,
            Item: { pk: { S: `e|${key}` }, sk: { N: '0' }, s: { S: `s|${key}` }, q: { N: '1' } },
            ConditionExpression: notExists,
          },
        },
        { Put: { TableName: table, Item: { pk: { S: `s|${key}` }, sk: { N: '0' }, v: { N: '1' } }, ConditionExpression: notExists } },
      ],
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  meter.record('transactWrite', response.ConsumedCapacity);
}

/** Counts SDK requests and the capacity DynamoDB Local reports, in the `StoreStats` shape (PutItem is counted as a write under `batchWrite`, GetItem under `get`). */
class SdkMeter implements StatsSource {
  private totals = emptyStats();

  record(operation: OperationType, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    const entry = this.totals[operation];
    entry.requests += 1;
    for (const each of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      if (operation === 'get') entry.readUnits += each.ReadCapacityUnits ?? each.CapacityUnits ?? 0;
      else entry.writeUnits += each.WriteCapacityUnits ?? each.CapacityUnits ?? 0;
    }
  }

  resetStats(): void {
    this.totals = emptyStats();
  }

  stats(): StoreStats {
    return Object.fromEntries(OPERATION_TYPES.map((operation) => [operation, { ...this.totals[operation] }])) as StoreStats;
  }
}
