/** The shared KV driver contract, run against the DynamoDB driver on DynamoDB Local. */
import { describe } from 'vitest';
import { kvDriverContract } from '../../contract-tests/kv/index.js';
import { dynamoClientWithFaults, RequestFaultInjector } from '../../test/helpers/request-faults.js';
import { realDynamoDb } from '../../test/servers/real-servers.js';
import { DynamoDbKvDriver } from './index.js';

/** The attempts of the test clients (test/servers/clients.ts): a broken server does not stall the suite. */
const TEST_MAX_ATTEMPTS = 2;

const server = realDynamoDb('KV driver contract: DynamoDbKvDriver on DynamoDB Local');

describe.skipIf(server.skip)('DynamoDbKvDriver on DynamoDB Local', () => {
  // The contract builds a fixture while collecting (to read capabilities): only register it with a server.
  if (server.skip) return;
  kvDriverContract({
    name: 'DynamoDbKvDriver on DynamoDB Local',
    createDriver: async () => {
      // Every request through a (pass-through) fault injector, so the attempt-outcomes check can lose one below the
      // SDK's retry loop; the short test retry budget of createDynamoClient (2 attempts) is kept.
      const faults = new RequestFaultInjector();
      const client = dynamoClientWithFaults(server.endpoint, faults, { maxAttempts: TEST_MAX_ATTEMPTS });
      return {
        driver: new DynamoDbKvDriver(client, { pollIntervalMs: 20 }),
        teardown: async () => client.destroy(),
        lostAttempts: (operation) => {
          faults.scriptCall(
            { operation: operation === 'transactWrite' ? 'TransactWriteItems' : 'BatchWriteItem' },
            [{ kind: 'commitThenLose' }],
            { kind: 'throttle' },
          );
        },
      };
    },
  });
});
