import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import type { Item, TableSchema } from '../../src/ports/kv-driver.js';
import { createDynamoClient } from '../../test/servers/clients.js';
import { realDynamoDb } from '../../test/servers/real-servers.js';
import { uniqueTableName } from '../../test/servers/unique-name.js';
import { DynamoDbKvDriver } from './index.js';
import { caught } from '../../test/helpers/caught.js';

const server = realDynamoDb('DynamoDbKvDriver against DynamoDB Local');

function schemaFor(name: string): TableSchema {
  return {
    name,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'N' },
    indexes: [
      { name: 'byGroup', partitionKey: { name: 'g', type: 'S' }, sortKey: { name: 'o', type: 'S' }, projection: 'ALL' },
      { name: 'byTag', partitionKey: { name: 't', type: 'S' }, projection: 'KEYS_ONLY' },
    ],
  };
}

describe.skipIf(server.skip)('DynamoDbKvDriver against DynamoDB Local', () => {
  const client = server.skip ? undefined! : createDynamoClient(server.endpoint);
  const driver = server.skip ? undefined! : new DynamoDbKvDriver(client, { pollIntervalMs: 10 });
  const created: string[] = [];

  async function freshTable(label: string): Promise<TableSchema> {
    const schema = schemaFor(uniqueTableName(label));
    created.push(schema.name);
    await driver.ensureTable(schema);
    return schema;
  }

  afterAll(async () => {
    await Promise.all(created.map((name) => driver.dropTable(name)));
    client.destroy();
  });

  describe('ensureTable', () => {
    it('creates the table with its GSIs and projections', async () => {
      const schema = await freshTable('create');
      const { Table } = await client.send(new DescribeTableCommand({ TableName: schema.name }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const indexes = Object.fromEntries(
        (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.Projection?.ProjectionType]),
      );
      expect(indexes).toEqual({ byGroup: 'ALL', byTag: 'KEYS_ONLY' });
    });

    it('is idempotent', async () => {
      const schema = await freshTable('idempotent');
      await expect(driver.ensureTable(schema)).resolves.toEqual({ created: false, canCreate: true });
      await expect(driver.ensureTable(schema)).resolves.toEqual({ created: false, canCreate: true });
    });

    it('is safe to call three times concurrently', async () => {
      const schema = schemaFor(uniqueTableName('concurrent'));
      created.push(schema.name);
      const drivers = [0, 1, 2].map(() => new DynamoDbKvDriver(client, { pollIntervalMs: 10 }));
      const results = await Promise.allSettled(drivers.map((each) => each.ensureTable(schema)));
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      // Exactly one of the three created it: the core records this to never delete a table it did not create.
      const createdFlags = results.map((result) => (result.status === 'fulfilled' ? result.value.created : undefined));
      expect(createdFlags.filter((flag) => flag === true)).toHaveLength(1);
    });

    it('refuses an existing table with another layout, naming the differences', async () => {
      const name = uniqueTableName('mismatch');
      created.push(name);
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
            { AttributeName: 'g', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexes: [
            { IndexName: 'byGroup', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const error = await caught(driver.ensureTable(schemaFor(name)));
      expect(error.code).toBe(ErrorCodes.SCHEMA_MISMATCH);
      const differences = error.details.differences as string[];
      expect(differences.some((line) => line.includes('sort key sk') && line.includes('type S'))).toBe(true);
      expect(differences.some((line) => line.includes('index byTag') && line.includes('missing'))).toBe(true);
      expect(differences.some((line) => line.includes('index byGroup') && line.includes('projection'))).toBe(true);
      expect(differences.some((line) => line.includes('index byGroup') && line.includes('no sort key'))).toBe(true);
    });

    it('with createTable off, verifies an existing table and refuses a missing one', async () => {
      const schema = await freshTable('verify');
      const verifying = new DynamoDbKvDriver(client, { createTable: false });
      await expect(verifying.ensureTable(schema)).resolves.toEqual({ created: false, canCreate: false });
      const error = await caught(verifying.ensureTable(schemaFor(uniqueTableName('absent'))));
      expect(error.code).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    });
  });

  describe('items', () => {
    let table: string;
    beforeAll(async () => {
      table = (await freshTable('items')).name;
    });

    it('puts through a transaction and gets the item back, binary and nested values included', async () => {
      const item: Item = {
        pk: 'a',
        sk: 1,
        text: 'héllo',
        bin: new Uint8Array([0, 1, 255]),
        nested: { list: [1, 'two', null, true] },
        gone: undefined as never,
      };
      const result = await driver.transactWrite(table, [{ type: 'put', item }]);
      expect(result.committed).toBe(true);
      expect(result.consumed.write).toBeGreaterThan(0);
      const read = await driver.get(table, { pk: 'a', sk: 1 }, { consistent: true });
      expect(read.item).toEqual({
        pk: 'a',
        sk: 1,
        text: 'héllo',
        bin: new Uint8Array([0, 1, 255]),
        nested: { list: [1, 'two', null, true] },
      });
      expect(read.consumed.read).toBeGreaterThan(0);
      expect((await driver.get(table, { pk: 'a', sk: 2 })).item).toBeUndefined();
    });

    it('notExists fails on an existing item and reports the stored item', async () => {
      await driver.transactWrite(table, [{ type: 'put', item: { pk: 'c1', sk: 1, v: 'old' } }]);
      const result = await driver.transactWrite(table, [
        { type: 'put', item: { pk: 'c1', sk: 2, v: 'other' } },
        { type: 'put', item: { pk: 'c1', sk: 1, v: 'new' }, condition: { kind: 'notExists' } },
      ]);
      expect(result).toEqual({
        committed: false,
        reasons: [{ kind: 'none' }, { kind: 'conditionFailed', item: { pk: 'c1', sk: 1, v: 'old' } }],
        consumed: { read: 0, write: 0 },
      });
      expect((await driver.get(table, { pk: 'c1', sk: 2 }, { consistent: true })).item).toBeUndefined();
    });

    it('exists fails on a missing item with no item reported, and holds on an existing one', async () => {
      const failed = await driver.transactWrite(table, [
        { type: 'conditionCheck', key: { pk: 'c2', sk: 1 }, condition: { kind: 'exists' } },
      ]);
      expect(failed).toMatchObject({ committed: false, reasons: [{ kind: 'conditionFailed' }] });
      expect(failed.committed === false && failed.reasons[0]?.kind === 'conditionFailed' && failed.reasons[0].item).toBeUndefined();
      await driver.transactWrite(table, [{ type: 'put', item: { pk: 'c2', sk: 1, n: 1 } }]);
      const held = await driver.transactWrite(table, [
        { type: 'update', key: { pk: 'c2', sk: 1 }, set: { n: 2 }, condition: { kind: 'exists' } },
      ]);
      expect(held.committed).toBe(true);
      expect((await driver.get(table, { pk: 'c2', sk: 1 }, { consistent: true })).item).toEqual({ pk: 'c2', sk: 1, n: 2 });
    });

    it('equals, and/or conditions hold or fail as their logic says', async () => {
      await driver.transactWrite(table, [{ type: 'put', item: { pk: 'c3', sk: 1, version: 3, state: 'open', flag: true } }]);
      const wrongVersion = await driver.transactWrite(table, [
        { type: 'update', key: { pk: 'c3', sk: 1 }, set: { version: 4 }, condition: { kind: 'equals', attribute: 'version', value: 2 } },
      ]);
      expect(wrongVersion).toMatchObject({ committed: false, reasons: [{ kind: 'conditionFailed', item: { version: 3, state: 'open' } }] });

      const andFails = await driver.transactWrite(table, [
        {
          type: 'delete',
          key: { pk: 'c3', sk: 1 },
          condition: {
            kind: 'and',
            conditions: [
              { kind: 'equals', attribute: 'version', value: 3 },
              { kind: 'equals', attribute: 'state', value: 'closed' },
            ],
          },
        },
      ]);
      expect(andFails.committed).toBe(false);

      const orHolds = await driver.transactWrite(table, [
        {
          type: 'update',
          key: { pk: 'c3', sk: 1 },
          set: { version: 4 },
          condition: {
            kind: 'or',
            conditions: [
              { kind: 'notExists' },
              {
                kind: 'and',
                conditions: [
                  { kind: 'equals', attribute: 'version', value: 3 },
                  { kind: 'equals', attribute: 'flag', value: true },
                ],
              },
            ],
          },
        },
      ]);
      expect(orHolds.committed).toBe(true);
      const upsert = await driver.transactWrite(table, [
        {
          type: 'update',
          key: { pk: 'c4', sk: 1 },
          set: { version: 1 },
          condition: { kind: 'or', conditions: [{ kind: 'notExists' }, { kind: 'equals', attribute: 'version', value: 0 }] },
        },
      ]);
      expect(upsert.committed).toBe(true);
      expect((await driver.get(table, { pk: 'c3', sk: 1 }, { consistent: true })).item?.version).toBe(4);
      expect((await driver.get(table, { pk: 'c4', sk: 1 }, { consistent: true })).item).toEqual({ pk: 'c4', sk: 1, version: 1 });
    });

    it('throws LIMIT_EXCEEDED for two actions on one item, an item over 400 KB and a transaction over 4 MB', async () => {
      const twice = await caught(
        driver.transactWrite(table, [
          { type: 'put', item: { pk: 'l', sk: 1 } },
          { type: 'delete', key: { pk: 'l', sk: 1 } },
        ]),
      );
      expect(twice.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
      const huge = await caught(driver.transactWrite(table, [{ type: 'put', item: { pk: 'l', sk: 2, blob: 'x'.repeat(410_000) } }]));
      expect(huge.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
      const big = 'x'.repeat(399_000);
      const overBudget = Array.from({ length: 11 }, (_, index) => ({ type: 'put' as const, item: { pk: 'l', sk: 10 + index, big } }));
      expect((await caught(driver.transactWrite(table, overBudget))).code).toBe(ErrorCodes.LIMIT_EXCEEDED);
    });

    it('replays a transaction with the same token without applying it twice', async () => {
      const token = `tok-${Date.now()}`;
      const actions = [{ type: 'put', item: { pk: 'idem', sk: 1, n: 1 }, condition: { kind: 'notExists' } }] as const;
      expect((await driver.transactWrite(table, actions, { token })).committed).toBe(true);
      expect((await driver.transactWrite(table, actions, { token })).committed).toBe(true);
      const other = await driver.transactWrite(table, actions, { token: `${token}-2` });
      expect(other.committed).toBe(false);
    });

    it('reports a missing table as RESOURCE_NOT_FOUND', async () => {
      const error = await caught(driver.get(uniqueTableName('missing'), { pk: 'a', sk: 1 }));
      expect(error.code).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
    });
  });

  describe('query', () => {
    let table: string;
    beforeAll(async () => {
      table = (await freshTable('query')).name;
      const requests = Array.from({ length: 25 }, (_, index) => ({
        put: { pk: 'p', sk: index, g: index % 2 === 0 ? 'even' : 'odd', o: `o${String(index).padStart(2, '0')}`, t: 'tag' },
      }));
      expect((await driver.batchWrite(table, requests)).unprocessed).toEqual([]);
    });

    it('pages the table with a cursor until exhausted, in order both ways', async () => {
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await driver.query(table, {
          partition: 'p',
          direction: 'asc',
          limit: 7,
          consistent: true,
          ...(cursor === undefined ? {} : { cursor }),
        });
        seen.push(...page.items.map((item) => item.sk as number));
        cursor = page.cursor;
        pages += 1;
      } while (cursor !== undefined);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => index));
      expect(pages).toBe(4);

      const desc = await driver.query(table, { partition: 'p', direction: 'desc', limit: 3 });
      expect(desc.items.map((item) => item.sk)).toEqual([24, 23, 22]);
      expect(desc.cursor).toEqual(expect.any(String));
    });

    it('applies range conditions on the sort key', async () => {
      const between = await driver.query(table, { partition: 'p', direction: 'asc', range: { op: 'between', low: 3, high: 5 } });
      expect(between.items.map((item) => item.sk)).toEqual([3, 4, 5]);
      expect(between.cursor).toBeUndefined();
      const gt = await driver.query(table, { partition: 'p', direction: 'asc', range: { op: 'gt', value: 22 } });
      expect(gt.items.map((item) => item.sk)).toEqual([23, 24]);
    });

    it('pages a GSI with a cursor and begins_with on its sort key; KEYS_ONLY projects keys only', async () => {
      const odds: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await driver.query(table, {
          index: 'byGroup',
          partition: 'odd',
          direction: 'asc',
          limit: 5,
          ...(cursor === undefined ? {} : { cursor }),
        });
        odds.push(...page.items.map((item) => item.o as string));
        cursor = page.cursor;
      } while (cursor !== undefined);
      expect(odds).toEqual(Array.from({ length: 12 }, (_, index) => `o${String(index * 2 + 1).padStart(2, '0')}`));

      const prefixed = await driver.query(table, {
        index: 'byGroup',
        partition: 'even',
        direction: 'desc',
        range: { op: 'beginsWith', prefix: 'o1' },
      });
      expect(prefixed.items.map((item) => item.o)).toEqual(['o18', 'o16', 'o14', 'o12', 'o10']);

      const keysOnly = await driver.query(table, { index: 'byTag', partition: 'tag', direction: 'asc', limit: 1 });
      expect(Object.keys(keysOnly.items[0] ?? {}).sort()).toEqual(['pk', 'sk', 't']);
    });

    it('refuses a consistent index read and a foreign cursor with VALIDATION', async () => {
      const consistent = await caught(driver.query(table, { index: 'byGroup', partition: 'odd', direction: 'asc', consistent: true }));
      expect(consistent.code).toBe(ErrorCodes.VALIDATION);
      const cursor = await caught(driver.query(table, { partition: 'p', direction: 'asc', cursor: 'not a cursor!' }));
      expect(cursor.code).toBe(ErrorCodes.VALIDATION);
    });
  });

  describe('batches and drop', () => {
    it('batch-writes puts and deletes, batch-gets what exists', async () => {
      const { name } = await freshTable('batch');
      await driver.batchWrite(name, [
        { put: { pk: 'b', sk: 1, v: 1 } },
        { put: { pk: 'b', sk: 2, v: 2 } },
        { put: { pk: 'b', sk: 3, v: 3 } },
      ]);
      const written = await driver.batchWrite(name, [{ delete: { pk: 'b', sk: 2 } }, { put: { pk: 'b', sk: 4, v: 4 } }]);
      expect(written.unprocessed).toEqual([]);
      expect(written.consumed.write).toBeGreaterThan(0);
      const read = await driver.batchGet(
        name,
        [
          { pk: 'b', sk: 1 },
          { pk: 'b', sk: 2 },
          { pk: 'b', sk: 4 },
          { pk: 'b', sk: 1 },
        ],
        { consistent: true },
      );
      expect(read.items.map((item) => item.v).sort()).toEqual([1, 4]);
      expect(read.unprocessedKeys).toEqual([]);
      expect(read.consumed.read).toBeGreaterThan(0);
    });

    it('drops a table, and dropping a missing one is fine', async () => {
      const schema = schemaFor(uniqueTableName('drop'));
      await driver.ensureTable(schema);
      await driver.dropTable(schema.name);
      const error = await caught(driver.get(schema.name, { pk: 'a', sk: 1 }));
      expect(error.code).toBe(ErrorCodes.RESOURCE_NOT_FOUND);
      await expect(driver.dropTable(schema.name)).resolves.toBeUndefined();
    });
  });
});
