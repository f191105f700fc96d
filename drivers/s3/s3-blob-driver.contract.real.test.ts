/** The shared blob driver contract, run against the S3 driver on fauxqs (one fresh bucket per check). */
import { describe } from 'vitest';
import { blobDriverContract } from '../../contract-tests/blob/index.js';
import { createS3Client } from '../../test/servers/clients.js';
import { realS3 } from '../../test/servers/real-servers.js';
import { uniqueBucketName } from '../../test/servers/unique-name.js';
import { S3BlobDriver } from './index.js';

const server = realS3('Blob driver contract: S3BlobDriver on fauxqs');

describe.skipIf(server.skip)('S3BlobDriver on fauxqs', () => {
  // The contract builds a fixture while collecting (to read capabilities): only register it with a server.
  if (server.skip) return;
  blobDriverContract({
    name: 'S3BlobDriver on fauxqs',
    createDriver: async () => {
      const client = createS3Client(server.endpoint);
      const driver = new S3BlobDriver(client, { bucket: uniqueBucketName('contract'), keyPrefix: 'prefix/' });
      await driver.ensureContainer();
      return { driver, teardown: async () => client.destroy() };
    },
  });
});
