/**
 * Listing: keys come back in ascending UTF-8 byte order (not UTF-16 order), paged through cursors with random
 * page sizes without loss or repetition, and a prefix selects exactly the keys that start with it.
 */
import fc from 'fast-check';
import { compareUtf8, ensureEqual, propertyParameters } from '../../harness.js';
import { listAll, withContainer, type BlobCheck } from '../fixture.js';

/**
 * Characters of key suffixes. '\uFF5E' sorts AFTER '\u{1F600}' in UTF-16 but BEFORE it in UTF-8; '/' makes
 * nested-looking keys; no XML-illegal characters (S3 lists in XML).
 */
const KEY_CHARACTERS = ['a', 'b', 'B', '/', '-', 'é', '\uFF5E', '\u{1F600}'] as const;

const suffixArb = fc.array(fc.constantFrom(...KEY_CHARACTERS), { minLength: 1, maxLength: 4 }).map((chars) => chars.join(''));

/** UTF-8 order, cursor paging and prefix selection of `list`. */
export const listPagingCheck: BlobCheck = {
  name: 'list: UTF-8 byte order, cursor paging with random page sizes loses and repeats nothing, prefixes select exactly',
  group: 'list',
  run: (factory, options) =>
    withContainer(factory, async (driver, newScope) => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(suffixArb, { maxLength: 25 }),
          fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
          fc.constantFrom(...KEY_CHARACTERS),
          async (suffixes, limit, subPrefix) => {
            const { prefix } = newScope();
            const keys = suffixes.map((suffix) => prefix + suffix);
            for (const key of keys) await driver.put(key, new TextEncoder().encode(key));
            const sorted = [...keys].sort(compareUtf8);
            ensureEqual((await listAll(driver, prefix, limit)).keys, sorted, `paged listing by ${limit}`);
            const narrower = prefix + subPrefix;
            ensureEqual(
              (await listAll(driver, narrower, limit)).keys,
              sorted.filter((key) => key.startsWith(narrower)),
              `paged listing of sub-prefix ${subPrefix}`,
            );
          },
        ),
        propertyParameters(options),
      );
    }),
};
