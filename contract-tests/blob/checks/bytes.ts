/**
 * Bytes: random binary bodies (empty included, and views into larger buffers) round-trip exactly, and list with
 * their length when a driver reports sizes; a missing key reads as `undefined`; and the driver copies bytes in and out (mutating a put body or a returned body never
 * changes the stored object).
 */
import fc from 'fast-check';
import { ensure, ensureEqual, propertyParameters } from '../../harness.js';
import { withContainer, type BlobCheck } from '../fixture.js';

/** A body: empty, small, or up to 64 KiB, sometimes a view at an offset into a larger buffer. */
const bodyArb = fc
  .tuple(
    fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 1024, maxLength: 65_536 })),
    fc.nat({ max: 7 }),
    fc.nat({ max: 7 }),
  )
  .map(([bytes, before, after]) => {
    const backing = new Uint8Array(before + bytes.length + after).fill(0xee);
    backing.set(bytes, before);
    return backing.subarray(before, before + bytes.length);
  });

/** Random bytes round-trip; missing keys are undefined. */
export const binaryRoundTripCheck: BlobCheck = {
  name: 'bytes: random bodies (empty, views at offsets) round-trip exactly; missing and deleted keys read undefined',
  group: 'bytes',
  run: (factory, options) =>
    withContainer(factory, async (driver, newScope) => {
      await fc.assert(
        fc.asyncProperty(bodyArb, async (body) => {
          const { prefix } = newScope();
          const expected = Uint8Array.from(body);
          ensureEqual(await driver.get(`${prefix}body`), undefined, 'get of a key never written');
          await driver.put(`${prefix}body`, body, { contentType: 'application/octet-stream' });
          const read = await driver.get(`${prefix}body`);
          ensure(read instanceof Uint8Array, 'get did not return a Uint8Array');
          ensureEqual(read, expected, `body of ${expected.length} bytes`);
          // Listed sizes (optional, `BlobListPage.sizes`): each the stored body's length.
          const listed = await driver.list(prefix);
          if (listed.sizes !== undefined) ensureEqual(listed.sizes, [expected.length], `listed size of a body of ${expected.length} bytes`);
          await driver.delete([`${prefix}body`, `${prefix}never-written`]);
          ensureEqual(await driver.get(`${prefix}body`), undefined, 'get of a deleted key');
        }),
        propertyParameters(options),
      );
    }),
};

/** Stored bytes are never aliased with caller buffers. */
export const blobCopySemanticsCheck: BlobCheck = {
  name: 'copy semantics: mutating a put body or a returned body never changes the stored object',
  group: 'bytes',
  run: (factory, options) =>
    withContainer(factory, async (driver, newScope) => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (body) => {
          const key = `${newScope().prefix}copy`;
          const expected = Uint8Array.from(body);
          await driver.put(key, body);
          body.fill(body[0]! ^ 0xff);
          ensureEqual(await driver.get(key), expected, 'object after mutating the put body');
          const first = await driver.get(key);
          first?.fill(0x5a ^ (first[0] ?? 0));
          ensureEqual(await driver.get(key), expected, 'object after mutating a returned body');
        }),
        propertyParameters(options),
      );
    }),
};
