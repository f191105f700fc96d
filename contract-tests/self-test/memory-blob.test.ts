/** The blob contract suite against the in-memory twin: default S3 limits, and small list/delete/object-size limits. */
import { MemoryBlobDriver } from '../../drivers/memory/index.js';
import { blobDriverContract } from '../blob/index.js';

blobDriverContract({ name: 'memory twin', createDriver: async () => ({ driver: new MemoryBlobDriver() }) });

blobDriverContract({
  name: 'memory twin with small list, delete and object-size limits',
  createDriver: async () => ({
    driver: new MemoryBlobDriver({ capabilities: { maxListKeys: 2, maxDeleteKeys: 3, maxObjectBytes: 1_100_000 } }),
  }),
});
