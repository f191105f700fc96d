/**
 * Blob limits and container lifecycle: deleting more than `maxDeleteKeys` keys is refused with
 * `DRIVER/LIMIT_EXCEEDED` and deletes nothing, exactly `maxDeleteKeys` is accepted; an object of exactly
 * `maxObjectBytes` is stored and one byte more refused (for drivers declaring a limit small enough to build);
 * `ensureContainer` is idempotent, safe concurrently, and keeps stored objects.
 */
import { ErrorCodes } from '../../../src/errors/index.js';
import { ensure, ensureEqual, ensureRejectsWithCode } from '../../harness.js';
import { withContainer, type BlobCheck } from '../fixture.js';

/** Largest key count the check builds a delete request of (a driver declaring more is not probed). */
const MAX_KEYS_BUILT = 100_000;

/** delete over maxDeleteKeys is refused whole. */
export const deleteLimitCheck: BlobCheck = {
  name: 'limits: delete of maxDeleteKeys + 1 keys is refused with LIMIT_EXCEEDED and deletes nothing; maxDeleteKeys is accepted',
  group: 'limits',
  run: (factory) =>
    withContainer(factory, async (driver, newScope) => {
      const max = driver.capabilities.maxDeleteKeys;
      if (max >= MAX_KEYS_BUILT) return;
      const { prefix } = newScope();
      const stored = `${prefix}kept`;
      const body = Uint8Array.of(1, 2, 3);
      await driver.put(stored, body);
      const keys = [stored, ...Array.from({ length: max }, (_, index) => `${prefix}absent-${index}`)];
      await ensureRejectsWithCode(() => driver.delete(keys), ErrorCodes.LIMIT_EXCEEDED, `delete of ${keys.length} keys`);
      ensureEqual(await driver.get(stored), body, 'object named in a refused delete');
      await driver.delete(keys.slice(0, max));
      ensureEqual(await driver.get(stored), undefined, `object deleted by a delete of exactly ${max} keys`);
    }),
};

/** Largest `maxObjectBytes` the object-size check builds bodies of (a driver declaring more is not probed). */
export const MAX_OBJECT_BYTES_BUILT = 32 * 1024 * 1024;

/** An object of exactly maxObjectBytes is stored; one byte more is refused and stores nothing. */
export const objectSizeLimitCheck: BlobCheck = {
  name: 'limits: an object of exactly maxObjectBytes is stored, one of maxObjectBytes + 1 is refused with LIMIT_EXCEEDED and not stored',
  group: 'limits',
  requires: (caps) => caps.maxObjectBytes <= MAX_OBJECT_BYTES_BUILT,
  run: (factory) =>
    withContainer(factory, async (driver, newScope) => {
      const max = driver.capabilities.maxObjectBytes;
      const { prefix } = newScope();
      const oversize = new Uint8Array(max + 1).fill(0x4f);
      await ensureRejectsWithCode(() => driver.put(`${prefix}over`, oversize), ErrorCodes.LIMIT_EXCEEDED, `put of ${max + 1} bytes`);
      ensureEqual(await driver.get(`${prefix}over`), undefined, `object after a refused put of ${max + 1} bytes`);
      const exact = oversize.subarray(0, max);
      await driver.put(`${prefix}exact`, exact);
      const read = await driver.get(`${prefix}exact`);
      ensure(read?.byteLength === max, () => `an object of exactly ${max} bytes read back as ${read?.byteLength ?? 'nothing'}`);
    }),
};

/** ensureContainer is idempotent and concurrent-safe. */
export const containerCheck: BlobCheck = {
  name: 'container: ensureContainer is idempotent, safe concurrently, and keeps stored objects',
  group: 'container',
  run: (factory) =>
    withContainer(factory, async (driver, newScope) => {
      const key = `${newScope().prefix}survivor`;
      const body = Uint8Array.of(9, 8, 7);
      await driver.put(key, body);
      await Promise.all([driver.ensureContainer(), driver.ensureContainer(), driver.ensureContainer()]);
      await driver.ensureContainer();
      ensureEqual(await driver.get(key), body, 'object after ensureContainer calls');
    }),
};
