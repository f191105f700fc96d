import { eventStoreContract } from '../contract-tests/event-store/index.js';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';

eventStoreContract({ name: 'in-memory twin', createDrivers: async () => ({ kv: new MemoryKvDriver(), blobs: new MemoryBlobDriver() }) });
eventStoreContract({ name: 'in-memory twin without blob store', createDrivers: async () => ({ kv: new MemoryKvDriver() }) });
