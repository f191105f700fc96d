/** The generic port decorators: every request goes through `around`, the other members are handled once. */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import { BLOB_REQUESTS, decorateBlobs, decorateKv, forwardRequests, KV_REQUESTS, kvForwarder } from './decorate.js';
import type { BlobDriver } from '../ports/blob-driver.js';
import type { KvDriver, TableSchema } from '../ports/kv-driver.js';

const schema: TableSchema = { name: 'tbl', partitionKey: { name: 'pk', type: 'S' }, indexes: [] };

describe('decorate: one generic decorator per port', () => {
  it('lists every request method of each port (every one a function of the real drivers, none else)', () => {
    const kv = new MemoryKvDriver();
    const blobs = new MemoryBlobDriver();
    expect([...KV_REQUESTS].sort()).toEqual(['batchGet', 'batchWrite', 'dropTable', 'ensureTable', 'get', 'query', 'transactWrite']);
    expect([...BLOB_REQUESTS].sort()).toEqual(['delete', 'ensureContainer', 'get', 'list', 'put']);
    for (const method of KV_REQUESTS) expect(typeof kv[method], method).toBe('function');
    for (const method of BLOB_REQUESTS) expect(typeof blobs[method], method).toBe('function');
  });

  it('runs every KV request through around, with its name and arguments, and returns what around resolves to', async () => {
    const seen: { method: string; args: readonly unknown[] }[] = [];
    const kv = decorateKv(new MemoryKvDriver(), async (method, proceed, args) => {
      seen.push({ method, args });
      return proceed();
    });
    await kv.ensureTable(schema);
    await kv.transactWrite('tbl', [{ type: 'put', item: { pk: 'a', v: 1 } }]);
    const { item } = await kv.get('tbl', { pk: 'a' }, { consistent: true });
    expect(item).toEqual({ pk: 'a', v: 1 });
    await kv.batchWrite('tbl', [{ put: { pk: 'b' } }]);
    await kv.batchGet('tbl', [{ pk: 'b' }]);
    await kv.query('tbl', { partition: 'a', direction: 'asc' });
    await kv.dropTable('tbl');
    expect(seen.map((entry) => entry.method)).toEqual([
      'ensureTable',
      'transactWrite',
      'get',
      'batchWrite',
      'batchGet',
      'query',
      'dropTable',
    ]);
    expect(seen[2]!.args).toEqual(['tbl', { pk: 'a' }, { consistent: true }]);
    const replaced = decorateKv(new MemoryKvDriver(), async () => 'replaced');
    expect(await replaced.dropTable('x')).toBe('replaced');
  });

  it('runs every blob request through around and forwards location', async () => {
    const seen: string[] = [];
    const inner: BlobDriver = Object.assign(new MemoryBlobDriver(), { location: 'memory://here/' });
    const blobs = decorateBlobs(inner, (method, proceed) => {
      seen.push(method);
      return proceed();
    });
    await blobs.ensureContainer();
    await blobs.put('k', new Uint8Array([1]));
    expect(await blobs.get('k')).toEqual(new Uint8Array([1]));
    expect((await blobs.list('')).keys).toEqual(['k']);
    await blobs.delete(['k']);
    expect(seen).toEqual(['ensureContainer', 'put', 'get', 'list', 'delete']);
    expect(blobs.location).toBe('memory://here/');
    expect(blobs.capabilities).toBe(inner.capabilities);
  });

  it('forwards clientMaxAttempts and close when the inner driver has them, and only then', async () => {
    let closed = 0;
    const inner: KvDriver = Object.assign(new MemoryKvDriver(), {
      clientMaxAttempts: async () => 3,
      close: async () => {
        closed += 1;
      },
    });
    const kv = decorateKv(inner, (_, proceed) => proceed());
    expect(await kv.clientMaxAttempts!()).toBe(3);
    await kv.close!();
    expect(closed).toBe(1);
    const bare = decorateKv(
      kvForwarder(inner.capabilities, async () => undefined, {}),
      (_, proceed) => proceed(),
    );
    expect('clientMaxAttempts' in bare).toBe(false);
    expect('close' in bare).toBe(false);
    expect('withSignal' in bare).toBe(false);
  });

  it("withSignal: 'rebind' decorates the inner driver's binding, 'drop' leaves withSignal out", async () => {
    const bound: AbortSignal[] = [];
    const seen: string[] = [];
    const memory = new MemoryKvDriver();
    const inner: KvDriver = Object.assign(Object.create(memory) as MemoryKvDriver, {
      withSignal: (signal: AbortSignal) => {
        bound.push(signal);
        return memory;
      },
    });
    const around = (method: string, proceed: () => Promise<unknown>) => {
      seen.push(method);
      return proceed();
    };
    const signal = new AbortController().signal;
    const rebound = decorateKv(inner, around).withSignal!(signal);
    await rebound.ensureTable(schema);
    expect(bound).toEqual([signal]);
    expect(seen).toEqual(['ensureTable']);
    expect('withSignal' in decorateKv(inner, around, 'drop')).toBe(false);
  });

  it('forwardRequests installs a forwarding method for each request a class does not define, so subclasses override one', async () => {
    class Forwarding {
      constructor(readonly inner: KvDriver) {}
      get capabilities() {
        return this.inner.capabilities;
      }
      async ensureTable(table: TableSchema) {
        return { ...(await this.inner.ensureTable(table)), mine: true };
      }
    }
    forwardRequests(Forwarding.prototype, KV_REQUESTS, 'inner');
    class Broken extends Forwarding {
      async get() {
        return { item: { pk: 'lie' }, consumed: { read: 0, write: 0 } };
      }
    }
    const driver = new Broken(new MemoryKvDriver()) as unknown as KvDriver;
    expect(await driver.ensureTable(schema)).toEqual({ created: true, mine: true });
    await driver.transactWrite('tbl', [{ type: 'put', item: { pk: 'a' } }]);
    expect((await driver.batchGet('tbl', [{ pk: 'a' }])).items).toEqual([{ pk: 'a' }]);
    expect((await driver.get('tbl', { pk: 'a' })).item).toEqual({ pk: 'lie' });
  });
});
