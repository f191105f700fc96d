import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
  TransactionCanceledException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import type { TableSchema } from '../../src/ports/kv-driver.js';
import { DynamoDbKvDriver } from './index.js';
import { caught } from '../../test/helpers/caught.js';

const documents = mockClient(DynamoDBDocumentClient);
const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const TABLE = 'events';
const schema: TableSchema = {
  name: TABLE,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  indexes: [{ name: 'byGroup', partitionKey: { name: 'g', type: 'S' }, projection: 'KEYS_ONLY' }],
};
const $metadata = {};

function description(tableStatus: string, indexStatus = 'ACTIVE'): TableDescription {
  return {
    TableName: TABLE,
    TableStatus: tableStatus as TableDescription['TableStatus'],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'g', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byGroup',
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
        IndexStatus: indexStatus as 'ACTIVE',
      },
    ],
  };
}

function cancelled(reasons: TransactionCanceledException['CancellationReasons']): TransactionCanceledException {
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata, CancellationReasons: reasons });
}

beforeEach(() => {
  documents.reset();
});
afterAll(() => {
  documents.restore();
  client.destroy();
});

describe('DynamoDbKvDriver with a mocked client', () => {
  it('maps throttling to a retryable THROTTLED', async () => {
    documents.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata }));
    const error = await caught(new DynamoDbKvDriver(client).get(TABLE, { pk: 'a', sk: 1 }));
    expect(error.code).toBe(ErrorCodes.THROTTLED);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('maps a connection reset to a retryable TRANSIENT', async () => {
    documents.on(GetCommand).rejects(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    const error = await caught(new DynamoDbKvDriver(client).get(TABLE, { pk: 'a', sk: 1 }));
    expect(error.code).toBe(ErrorCodes.TRANSIENT);
    expect(error.retryable).toBe(true);
  });

  it('returns batch-get UnprocessedKeys instead of dropping them, in ONE call', async () => {
    documents.on(BatchGetCommand).resolvesOnce({
      Responses: { [TABLE]: [{ pk: 'a', sk: 1, v: 1 }] },
      UnprocessedKeys: {
        [TABLE]: {
          Keys: [
            { pk: 'a', sk: 2 },
            { pk: 'a', sk: 3 },
          ],
        },
      },
      ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 1.5 }],
    });
    const result = await new DynamoDbKvDriver(client).batchGet(TABLE, [
      { pk: 'a', sk: 1 },
      { pk: 'a', sk: 2 },
      { pk: 'a', sk: 3 },
    ]);
    expect(result).toEqual({
      items: [{ pk: 'a', sk: 1, v: 1 }],
      unprocessedKeys: [
        { pk: 'a', sk: 2 },
        { pk: 'a', sk: 3 },
      ],
      consumed: { read: 1.5, write: 0 },
    });
    expect(documents.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(documents.commandCalls(BatchGetCommand)[0]?.args[0].input.ReturnConsumedCapacity).toBe('TOTAL');
  });

  it('returns batch-write UnprocessedItems as port write requests', async () => {
    documents.on(BatchWriteCommand).resolvesOnce({
      UnprocessedItems: { [TABLE]: [{ PutRequest: { Item: { pk: 'a', sk: 2 } } }, { DeleteRequest: { Key: { pk: 'a', sk: 3 } } }] },
    });
    const result = await new DynamoDbKvDriver(client).batchWrite(TABLE, [
      { put: { pk: 'a', sk: 1 } },
      { put: { pk: 'a', sk: 2 } },
      { delete: { pk: 'a', sk: 3 } },
    ]);
    expect(result.unprocessed).toEqual([{ put: { pk: 'a', sk: 2 } }, { delete: { pk: 'a', sk: 3 } }]);
    expect(documents.commandCalls(BatchWriteCommand)).toHaveLength(1);
  });

  it('maps every cancellation reason, unmarshalling the raw item of a failed condition', async () => {
    documents
      .on(TransactWriteCommand)
      .rejects(
        cancelled([
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed', Item: { pk: { S: 'a' }, sk: { N: '2' }, v: { N: '7' }, b: { B: new Uint8Array([9]) } } },
          { Code: 'TransactionConflict', Message: 'conflict' },
          { Code: 'ThrottlingError' },
          { Code: 'ValidationError', Message: 'bad' },
        ]),
      );
    const result = await new DynamoDbKvDriver(client).transactWrite(TABLE, [
      { type: 'delete', key: { pk: 'a', sk: 1 } },
      { type: 'conditionCheck', key: { pk: 'a', sk: 2 }, condition: { kind: 'notExists' } },
      { type: 'delete', key: { pk: 'a', sk: 3 } },
      { type: 'delete', key: { pk: 'a', sk: 4 } },
      { type: 'delete', key: { pk: 'a', sk: 5 } },
    ]);
    expect(result.committed).toBe(false);
    expect(result.committed === false && result.reasons).toEqual([
      { kind: 'none' },
      { kind: 'conditionFailed', item: { pk: 'a', sk: 2, v: 7, b: new Uint8Array([9]) } },
      { kind: 'conflict' },
      { kind: 'throttled' },
      { kind: 'validation', message: expect.stringContaining('ValidationError') },
    ]);
  });

  it('sends the ClientRequestToken, ALL_OLD on conditioned actions, and values only as placeholders', async () => {
    documents.on(TransactWriteCommand).resolves({ ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 4 }] });
    const driver = new DynamoDbKvDriver(client);
    const result = await driver.transactWrite(
      TABLE,
      [
        {
          type: 'update',
          key: { pk: 'a', sk: 1 },
          set: { state: 'x) OR (1=1' },
          condition: { kind: 'equals', attribute: 'state', value: 'open' },
        },
        { type: 'delete', key: { pk: 'a', sk: 2 } },
      ],
      { token: 'token-123' },
    );
    expect(result).toEqual({ committed: true, consumed: { read: 0, write: 4 } });
    const input = documents.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(input?.ClientRequestToken).toBe('token-123');
    const [update, deletion] = input?.TransactItems ?? [];
    expect(update?.Update?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(update?.Update?.ConditionExpression).not.toContain('open');
    expect(update?.Update?.UpdateExpression).not.toContain('1=1');
    expect(Object.values(update?.Update?.ExpressionAttributeValues ?? {})).toEqual(expect.arrayContaining(['open', 'x) OR (1=1']));
    expect(deletion?.Delete?.ReturnValuesOnConditionCheckFailure).toBeUndefined();
  });

  it('refuses more than 100 actions with LIMIT_EXCEEDED before calling DynamoDB', async () => {
    const actions = Array.from({ length: 101 }, (_, index) => ({ type: 'delete' as const, key: { pk: 'a', sk: index } }));
    const error = await caught(new DynamoDbKvDriver(client).transactWrite(TABLE, actions));
    expect(error.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(documents.calls()).toHaveLength(0);
  });

  it('waits through a slow table creation, polling DescribeTable until table and index are ACTIVE', async () => {
    documents
      .on(DescribeTableCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'no table', $metadata }))
      .resolvesOnce({ Table: description('CREATING', 'CREATING') })
      .resolvesOnce({ Table: description('CREATING', 'CREATING') })
      .resolvesOnce({ Table: description('ACTIVE', 'CREATING') })
      .resolves({ Table: description('ACTIVE') });
    documents.on(CreateTableCommand).resolves({});
    await expect(new DynamoDbKvDriver(client, { pollIntervalMs: 1 }).ensureTable(schema)).resolves.toEqual({
      created: true,
      canCreate: true,
    });
    expect(documents.commandCalls(CreateTableCommand)).toHaveLength(1);
    expect(documents.commandCalls(DescribeTableCommand)).toHaveLength(5);
  });

  it('treats ResourceInUseException on create as a concurrent creator and waits for ACTIVE', async () => {
    documents
      .on(DescribeTableCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'no table', $metadata }))
      .resolvesOnce({ Table: description('CREATING') })
      .resolves({ Table: description('ACTIVE') });
    documents.on(CreateTableCommand).rejects(new ResourceInUseException({ message: 'Table already exists', $metadata }));
    await expect(new DynamoDbKvDriver(client, { pollIntervalMs: 1 }).ensureTable(schema)).resolves.toEqual({
      created: false,
      canCreate: true,
    });
    expect(documents.commandCalls(DescribeTableCommand)).toHaveLength(3);
  });

  it('times out waiting for a table that never becomes ACTIVE with a typed, non-retryable error', async () => {
    documents.on(DescribeTableCommand).resolves({ Table: description('CREATING') });
    const error = await caught(new DynamoDbKvDriver(client, { pollIntervalMs: 1, waitTimeoutMs: 5 }).ensureTable(schema));
    expect(error.code).toBe(ErrorCodes.TABLE_WAIT_TIMEOUT);
    expect(error.retryable).toBe(false);
    expect(error.details.timedOut).toBe(true);
  });

  it('creates provisioned tables with throughput on the table and every GSI', async () => {
    documents
      .on(DescribeTableCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'no table', $metadata }))
      .resolves({ Table: description('ACTIVE') });
    documents.on(CreateTableCommand).resolves({});
    const driver = new DynamoDbKvDriver(client, { billing: { mode: 'PROVISIONED', readCapacityUnits: 5, writeCapacityUnits: 3 } });
    await driver.ensureTable(schema);
    const input = documents.commandCalls(CreateTableCommand)[0]?.args[0].input;
    expect(input?.BillingMode).toBe('PROVISIONED');
    expect(input?.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 5, WriteCapacityUnits: 3 });
    expect(input?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 5, WriteCapacityUnits: 3 });
  });

  it('refuses invalid options with INPUT/INVALID_OPTIONS', () => {
    expect(() => new DynamoDbKvDriver(client, { billing: { mode: 'PROVISIONED', readCapacityUnits: 0, writeCapacityUnits: 1 } })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }),
    );
    expect(() => new DynamoDbKvDriver(client, { pollIntervalMs: -1 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }),
    );
  });
});
