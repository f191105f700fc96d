import { parseBlobKey } from './blob-keys.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { readGuards } from '../write/guard-reads.js';
import { ownBlobScope, readItems, type StoreContext } from '../runtime/store-context.js';
import { decodeEventItem, eventKey, keyId } from '../layout/codecs/event.js';
import { decodeGuard, guardKey } from '../layout/codecs/guard.js';
import { decodeSnapshot, snapshotKey } from '../layout/codecs/snapshot.js';

/** What a sweep did. */
export interface SweepResult {
  /** Keys of the blobs deleted: this store's, older than the grace period, referenced by no stored item. */
  readonly deleted: string[];
  /** Blobs of this store looked at and kept (referenced, too young, or of unknown age or owner). */
  readonly kept: number;
  /** With `dryRun` only: the orphans a sweep would delete (`deleted` is then empty: nothing was deleted). */
  readonly wouldDelete?: string[];
}

/** Options of {@link sweepOrphanBlobs}. */
export interface SweepOptions {
  /**
   * Grace period in ms: only blobs last modified at least this long ago are candidates. It must cover the longest
   * a write can take between uploading its blob and committing its item (the store's `deadlineMs`, plus clock
   * differences when the blob store gives no last-modified time); an hour is a safe choice.
   */
  readonly olderThanMs: number;
  /** List the orphans in `wouldDelete` and delete nothing (default false). */
  readonly dryRun?: boolean;
}

/**
 * Delete this store's orphaned blobs: those under its table instance's scope (`<blobKeyPrefix><tableName>/<generation>/`,
 * see blob-keys.ts; never a same-named table's elsewhere in the bucket, nor keys of the layout without a generation)
 * that are older than `olderThanMs` and that no stored item references (an event blob is referenced when the id
 * guard of its event points at an event item naming that blob key; a snapshot blob when its stream's snapshot
 * item names it). Orphans come from writes whose outcome was unknown and that did not commit, and from cleanups
 * that failed. Reads are strongly consistent; a blob whose key this layout did not produce, or whose owner it
 * cannot tell (hashed keys), is kept. `dryRun`: the same search, the orphans listed in `wouldDelete`, nothing deleted.
 * Throws `INPUT/INVALID_OPTIONS` for a bad `olderThanMs`.
 */
export async function sweepOrphanBlobs(ctx: StoreContext, options: SweepOptions): Promise<SweepResult> {
  const olderThanMs = options?.olderThanMs;
  if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new EventStoreAdapterError(
      ErrorCodes.INVALID_OPTIONS,
      `sweepOrphanBlobs: olderThanMs must be a number of milliseconds >= 0, got ${String(olderThanMs)}`,
      { details: { issues: [{ path: 'olderThanMs', message: 'must be a number >= 0' }] } },
    );
  }
  const blobs = ctx.blobs;
  if (!blobs) return options.dryRun ? { deleted: [], kept: 0, wouldDelete: [] } : { deleted: [], kept: 0 };
  const scope = ownBlobScope(ctx);
  const cutoff = ctx.clock() - olderThanMs;
  const deleted: string[] = [];
  const wouldDelete: string[] = [];
  let kept = 0;
  let cursor: string | undefined;
  do {
    const listCursor = cursor;
    const page = await blobs.list(scope, listCursor === undefined ? {} : { cursor: listCursor });
    cursor = page.cursor;
    const candidates: { key: string; parsed: NonNullable<ReturnType<typeof parseBlobKey>> }[] = [];
    page.keys.forEach((key, index) => {
      const parsed = parseBlobKey(scope, key);
      const modified = page.lastModifiedMs?.[index] ?? parsed?.writtenAtMs;
      const owner = parsed?.kind === 'event' ? parsed.eventId : parsed?.streamPk;
      if (!parsed || owner === undefined || modified === undefined || modified > cutoff) kept++;
      else candidates.push({ key, parsed });
    });
    const referenced = await referencedKeys(
      ctx,
      candidates.map((candidate) => candidate.parsed),
    );
    const orphans = candidates.filter((candidate) => !referenced.has(candidate.key)).map((candidate) => candidate.key);
    kept += candidates.length - orphans.length;
    if (options.dryRun) {
      wouldDelete.push(...orphans);
      continue;
    }
    for (let start = 0; start < orphans.length; start += blobs.capabilities.maxDeleteKeys) {
      const slice = orphans.slice(start, start + blobs.capabilities.maxDeleteKeys);
      await blobs.delete(slice);
      deleted.push(...slice);
    }
  } while (cursor !== undefined);
  return options.dryRun ? { deleted, kept, wouldDelete } : { deleted, kept };
}

/** The blob keys that stored items reference, among the candidates' owners (strongly consistent batch reads). */
async function referencedKeys(
  ctx: StoreContext,
  candidates: readonly NonNullable<ReturnType<typeof parseBlobKey>>[],
): Promise<Set<string>> {
  const eventIds = [
    ...new Set(
      candidates.flatMap((candidate) => (candidate.kind === 'event' && candidate.eventId !== undefined ? [candidate.eventId] : [])),
    ),
  ];
  const streams = [
    ...new Set(
      candidates.flatMap((candidate) => (candidate.kind === 'snapshot' && candidate.streamPk !== undefined ? [candidate.streamPk] : [])),
    ),
  ];
  const guardKeys = eventIds.map(guardKey);
  const [guardById, snapshots] = await Promise.all([readGuards(ctx, guardKeys), readItems(ctx, streams.map(snapshotKey))]);
  // Decoded with the items' own codecs: a malformed item throws, and the sweep deletes nothing it cannot account for.
  const locations = eventIds.flatMap((eventId, index) => {
    const item = guardById.get(keyId(guardKeys[index]!));
    if (!item) return [];
    const guard = decodeGuard(eventId, item);
    return [eventKey(guard.stream, guard.sequence)];
  });
  const events = await readItems(ctx, locations);
  const referenced = new Set<string>();
  for (const item of events) {
    const blob = decodeEventItem(item).blob;
    if (blob) referenced.add(blob.key);
  }
  for (const item of snapshots) {
    const { blobKey } = decodeSnapshot(item);
    if (blobKey !== undefined) referenced.add(blobKey);
  }
  return referenced;
}
