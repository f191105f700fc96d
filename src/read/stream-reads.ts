import type { StoredEvent } from '../compat/contract-types.js';
import type { Item, QueryRequest } from '../ports/kv-driver.js';
import { readItems, type StoreContext } from '../runtime/store-context.js';
import { decodeHeadVersion, headKey } from '../layout/codecs/head.js';
import { A, HEAD_SK, streamPk } from '../layout/table-layout.js';
import { hydrate } from './hydrate.js';

/** Every page of a query, retrying transient failures per request. Yields pages as they arrive. */
export async function* queryPages(ctx: StoreContext, request: Omit<QueryRequest, 'cursor'>): AsyncGenerator<Item[]> {
  let cursor: string | undefined;
  do {
    const page = await ctx.kv.query(ctx.options.tableName, { ...request, cursor });
    cursor = page.cursor;
    if (page.items.length > 0) yield page.items;
  } while (cursor !== undefined);
}

/** Events of a stream with `sequence > fromSequence`, ascending; a strongly consistent read (reads its own writes). */
export async function readStream(ctx: StoreContext, domain: string, identifier: string, fromSequence: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  const request = {
    partition: streamPk(domain, identifier),
    range: { op: 'gt', value: Math.max(fromSequence, HEAD_SK) },
    direction: 'asc',
    consistent: true,
  } as const;
  for await (const items of queryPages(ctx, request)) events.push(...(await hydrate(ctx, items)));
  return events;
}

/** The stream's current sequence (0 when empty), from its head item, strongly consistent. */
export async function readStreamSequence(ctx: StoreContext, domain: string, identifier: string): Promise<number> {
  const { item } = await ctx.kv.get(ctx.options.tableName, headKey(streamPk(domain, identifier)), { consistent: true });
  return decodeHeadVersion(item);
}

/**
 * The versions of the streams `pks` (distinct partition keys) from their head items: ONE strongly consistent batch
 * read (`readItems`: batch-get, unprocessed keys retried). A stream without a head is absent from the map (version 0).
 */
export async function readStreamVersions(ctx: StoreContext, pks: readonly string[]): Promise<Map<string, number>> {
  const items = await readItems(ctx, pks.map(headKey));
  return new Map(items.map((item) => [item[A.pk] as string, decodeHeadVersion(item)]));
}
