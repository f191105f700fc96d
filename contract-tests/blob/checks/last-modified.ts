/**
 * Last-modified times of listings (`BlobListPage.lastModifiedMs`, optional): when a page carries them, there is
 * one per key, each a time in milliseconds since the epoch near the test machine's clock (the real servers run on
 * it; the window is generous), and overwriting an object never moves its time backwards. A driver that never
 * reports them passes (the port allows it); `listAll` checks the length and type on every page of every check.
 */
import type { BlobDriver } from '../../../src/ports/blob-driver.js';
import { ensure } from '../../harness.js';
import { MAX_LIST_PAGES, withContainer, type BlobCheck } from '../fixture.js';

/** How far a reported last-modified time may be from the machine's clock: 10 minutes. */
export const LAST_MODIFIED_WINDOW_MS = 10 * 60 * 1000;

/** Pause before the overwrite, so a store with a coarse clock could show a later time. */
const OVERWRITE_PAUSE_MS = 5;

/**
 * The last-modified time listed for each key under `prefix`, paged to the end, or `undefined` when the first page
 * carries none. A later page without times, or a page with one count of times and another of keys, is a violation.
 */
async function listedTimes(driver: BlobDriver, prefix: string): Promise<Map<string, number> | undefined> {
  const times = new Map<string, number>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await driver.list(prefix, cursor === undefined ? {} : { cursor });
    const listed = page.lastModifiedMs;
    if (listed === undefined) {
      ensure(pages === 0, 'a later page of a listing carries no last-modified times, though the first did');
      return undefined;
    }
    ensure(listed.length === page.keys.length, () => `a page of ${page.keys.length} keys carries ${listed.length} last-modified times`);
    page.keys.forEach((key, index) => times.set(key, listed[index]!));
    pages += 1;
    ensure(pages <= MAX_LIST_PAGES, 'list cursor chain never ends');
    cursor = page.cursor;
  } while (cursor !== undefined);
  return times;
}

/** Listed last-modified times are near now and do not go backwards on an overwrite. */
export const lastModifiedCheck: BlobCheck = {
  name: 'list: last-modified times (when listed) are one per key, near now, and never go backwards on an overwrite',
  group: 'list',
  run: (factory) =>
    withContainer(factory, async (driver, newScope) => {
      const { prefix } = newScope();
      const keys = ['a', 'b', 'c'].map((suffix) => `${prefix}${suffix}`);
      for (const key of keys) await driver.put(key, Uint8Array.of(1));
      const before = await listedTimes(driver, prefix);
      if (before === undefined) return;
      const now = Date.now();
      for (const key of keys) {
        const at = before.get(key);
        ensure(typeof at === 'number' && Number.isFinite(at), () => `last-modified time of ${key} is ${String(at)}, not a number`);
        ensure(
          Math.abs(at - now) <= LAST_MODIFIED_WINDOW_MS,
          () => `last-modified time of ${key} is ${at} (${new Date(at).toISOString()}), more than 10 minutes from now (${now})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, OVERWRITE_PAUSE_MS));
      await driver.put(keys[1]!, Uint8Array.of(2));
      const after = await listedTimes(driver, prefix);
      ensure(after !== undefined, 'a listing carried last-modified times before an overwrite but not after it');
      const [earlier, later] = [before.get(keys[1]!)!, after.get(keys[1]!)];
      ensure(later !== undefined && later >= earlier, () => `last-modified time of an overwritten object went from ${earlier} to ${later}`);
    }),
};
