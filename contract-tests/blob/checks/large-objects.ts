/**
 * Large objects: one object just above 1 MiB and one just above the S3 driver's multipart threshold (so that
 * driver uploads it in parts) round-trip byte-exact. Single examples, not property runs: the suite also runs
 * against real S3 servers. Bodies are position-dependent pseudo-random bytes, so reordered, repeated or dropped
 * parts cannot go unnoticed.
 */
import { DEFAULT_MULTIPART_THRESHOLD_BYTES } from '../../../drivers/s3/options.js';
import { ensure } from '../../harness.js';
import { withContainer, type BlobCheck } from '../fixture.js';

/** One mebibyte. */
const MIB = 1024 * 1024;

/** The sizes tried, smallest first: just above 1 MiB, and just above the multipart threshold (not a part multiple). */
export const LARGE_OBJECT_BYTES: readonly number[] = [MIB + 1, DEFAULT_MULTIPART_THRESHOLD_BYTES + 1_001];

/** `length` deterministic pseudo-random bytes (xorshift32 from `seed`): position-dependent, never periodic in parts. */
export function patternBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Where `actual` first differs from `expected` (a length difference counts), or `undefined` when equal. */
function firstDifference(actual: Uint8Array, expected: Uint8Array): string | undefined {
  const shared = Math.min(actual.length, expected.length);
  for (let i = 0; i < shared; i++) {
    if (actual[i] !== expected[i]) return `byte ${i} is ${actual[i]}, expected ${expected[i]}`;
  }
  return actual.length === expected.length ? undefined : `${actual.length} bytes, expected ${expected.length}`;
}

/** Objects above 1 MiB and above the multipart threshold round-trip exactly (those within `maxObjectBytes`). */
export const largeObjectsCheck: BlobCheck = {
  name: 'bytes: objects just above 1 MiB and just above the multipart threshold round-trip byte-exact',
  group: 'bytes',
  requires: (caps) => caps.maxObjectBytes >= LARGE_OBJECT_BYTES[0]!,
  run: (factory) =>
    withContainer(factory, async (driver, newScope) => {
      const { prefix } = newScope();
      for (const size of LARGE_OBJECT_BYTES.filter((bytes) => bytes <= driver.capabilities.maxObjectBytes)) {
        const key = `${prefix}large-${size}`;
        const body = patternBytes(size, size);
        await driver.put(key, body, { contentType: 'application/octet-stream' });
        const read = await driver.get(key);
        ensure(
          read instanceof Uint8Array,
          () => `get of an object of ${size} bytes returned ${read === undefined ? 'undefined' : typeof read}`,
        );
        const difference = firstDifference(read, body);
        ensure(difference === undefined, () => `object of ${size} bytes did not round-trip: ${difference}`);
        await driver.delete([key]);
      }
    }),
};
