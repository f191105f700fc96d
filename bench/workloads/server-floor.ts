/**
 * Server floor (DynamoDB Local only): the same server's speed for the bare requests an append needs, sent with
 * the SDK directly (no adapter): a PutItem of one small item, and a TransactWriteItems of three conditional puts
 * (an event entering the global-order index, an id guard, a stream head), the shape of a single-event append.
 * Any adapter doing one transaction per append is bounded by the second figure on this machine.
 */
import { PutItemCommand, TransactWriteItemsCommand, type ConsumedCapacity, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OperationType, StoreStats } from '../../src/index.js';
import { summarize, timeRun, type StatsSource } from '../harness/measure.js';
import { describeRun, repeat, type Workload } from './workload.js';

/** Requests per run and variant: enough for a stable median, small enough to cost a few seconds. */
const FLOOR_REQUESTS = 100;

export const serverFloorWorkload: Workload = {
  id: 'server-floor',
  title: 'Server floor: bare SDK requests on the same DynamoDB Local (1 "event" = 1 request)',
  backends: ['dynamodb-local'],
  async measure(backend, config, log) {
    const dynamo = backend.dynamo;
    if (!dynamo) throw new Error('server-floor needs a backend with a DynamoDB client');
    const variants: { name: string; send: (client: DynamoDBClient, table: string, key: string, meter: SdkMeter) => Promise<void> }[] = [
      { name: 'PutItem, 1 item', send: putOne },
      { name: 'TransactWriteItems, 3 puts', send: transactThree },
    ];
    const measurements = [];
    for (const variant of variants) {
      const runs = await repeat(config.runs, async (run) => {
        const store = await backend.createStore({ label: 'floor' });
        const table = store.repo.options.tableName;
        const meter = new SdkMeter();
        try {
          const result = await timeRun(meter, FLOOR_REQUESTS, async (probe) => {
            for (let index = 0; index < FLOOR_REQUESTS; index++) {
              await variant.send(dynamo, table, `floor-${run}-${index}`, meter);
              probe.tick();
            }
          });
          log(`  ${variant.name} run ${run + 1}: ${describeRun(result)}`);
          return result;
        } finally {
          await store.dispose();
        }
      });
      measurements.push(summarize(this.id, variant.name, backend.name, runs));
    }
    return measurements;
  },
};

const SMALL_VALUE = 'x'.repeat(200);

async function putOne(client: DynamoDBClient, table: string, key: string, meter: SdkMeter): Promise<void> {
  const response = await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `e|${key}` }, sk: { N: '0' }, v: { S: SMALL_VALUE } }, ReturnConsumedCapacity: 'TOTAL' }));
  meter.record('batchWrite', response.ConsumedCapacity);
}

async function transactThree(client: DynamoDBClient, table: string, key: string, meter: SdkMeter): Promise<void> {
  const created = new Date().toISOString();
  const notExists = 'attribute_not_exists(pk)';
  const response = await client.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: table, Item: { pk: { S: `s|${key}` }, sk: { N: '1' }, gpk: { S: 'g|floor|0' }, gsk: { S: `${created}|${key}` }, p: { S: SMALL_VALUE } }, ConditionExpression: notExists } },
        { Put: { TableName: table, Item: { pk: { S: `e|${key}` }, sk: { N: '0' }, s: { S: `s|${key}` }, q: { N: '1' } }, ConditionExpression: notExists } },
        { Put: { TableName: table, Item: { pk: { S: `s|${key}` }, sk: { N: '0' }, v: { N: '1' } }, ConditionExpression: notExists } },
      ],
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  meter.record('transactWrite', response.ConsumedCapacity);
}

/** Counts SDK requests and the capacity DynamoDB Local reports, in the `StoreStats` shape (PutItem is counted as a write under `batchWrite`). */
class SdkMeter implements StatsSource {
  private totals = new Map<OperationType, { requests: number; readUnits: number; writeUnits: number }>();

  record(operation: OperationType, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    const entry = this.totals.get(operation) ?? { requests: 0, readUnits: 0, writeUnits: 0 };
    entry.requests += 1;
    for (const each of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) entry.writeUnits += each.WriteCapacityUnits ?? each.CapacityUnits ?? 0;
    this.totals.set(operation, entry);
  }

  resetStats(): void {
    this.totals.clear();
  }

  stats(): StoreStats {
    const operations: OperationType[] = ['get', 'query', 'batchGet', 'batchWrite', 'transactWrite', 'blobPut', 'blobGet', 'blobDelete', 'blobList'];
    return Object.fromEntries(operations.map((operation) => [operation, { ...(this.totals.get(operation) ?? { requests: 0, readUnits: 0, writeUnits: 0 }) }])) as StoreStats;
  }
}
