/** The shared KV driver contract, run against the DynamoDB driver on DynamoDB Local. */
import { describe } from 'vitest';
import { kvDriverContract } from '../../contract-tests/kv/index.js';
import { createDynamoClient } from '../../test/servers/clients.js';
import { realDynamoDb } from '../../test/servers/real-servers.js';
import { DynamoDbKvDriver } from './index.js';

const server = realDynamoDb('KV driver contract: DynamoDbKvDriver on DynamoDB Local');

describe.skipIf(server.skip)('DynamoDbKvDriver on DynamoDB Local', () => {
  // The contract builds a fixture while collecting (to read capabilities): only register it with a server.
  if (server.skip) return;
  kvDriverContract({
    name: 'DynamoDbKvDriver on DynamoDB Local',
    createDriver: async () => {
      const client = createDynamoClient(server.endpoint);
      return { driver: new DynamoDbKvDriver(client, { pollIntervalMs: 20 }), teardown: async () => client.destroy() };
    },
  });
});
