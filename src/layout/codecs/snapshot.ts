/**
 * The snapshot item `(s|<domain>|<identifier>, -1)`: the state (inline JSON text, or the key of its immutable
 * blob), the `sequence` it belongs to, `created`, and the id of the write that stored it (the compare-and-swap
 * token of the next save). State and sequence live in one item, so they cannot tear.
 */
import { z } from 'zod';
import type { Item, ItemKey } from '../../ports/kv-driver.js';
import { A, SNAPSHOT_SK } from '../table-layout.js';
import { invalidItem } from './event.js';

/** A snapshot item decoded: either `stateJson` (plain), `stateBytes` (encoded) or `blobKey` is set. */
export interface SnapshotRecord {
  readonly stateJson: string | undefined;
  /** The encoded state inline (items with an encoding marker). */
  readonly stateBytes: Uint8Array | undefined;
  /** The encoding marker (src/payload/marker.ts): the state inline or in the blob is encoded so. */
  readonly marker: string | undefined;
  readonly blobKey: string | undefined;
  readonly sequence: number;
  readonly createdIso: string;
  /** Absent on items written before write ids existed. */
  readonly writeId: string | undefined;
}

const schema = z.object({
  [A.state]: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
  [A.encoding]: z.string().min(1).optional(),
  [A.blobKey]: z.string().optional(),
  [A.sequence]: z.number().int().nonnegative(),
  [A.created]: z.string(),
  [A.writeToken]: z.string().optional(),
});

/** The snapshot's key for stream pk `pk`. */
export function snapshotKey(pk: string): ItemKey {
  return { [A.pk]: pk, [A.sk]: SNAPSHOT_SK };
}

/** The snapshot item: `state` inline (JSON text) or `blobKey` of its offloaded state. */
export function encodeSnapshot(
  pk: string,
  record: {
    readonly stateJson?: string;
    /** The encoded state and its marker (instead of `stateJson`). */
    readonly encoded?: { readonly marker: string; readonly bytes?: Uint8Array };
    readonly blobKey?: string;
    readonly sequence: number;
    readonly createdIso: string;
    readonly writeId: string;
  },
): Item {
  const item: Item = { ...snapshotKey(pk), [A.sequence]: record.sequence, [A.created]: record.createdIso, [A.writeToken]: record.writeId };
  if (record.stateJson !== undefined) item[A.state] = record.stateJson;
  if (record.encoded !== undefined) {
    item[A.encoding] = record.encoded.marker;
    if (record.encoded.bytes !== undefined) item[A.state] = record.encoded.bytes;
  }
  if (record.blobKey !== undefined) item[A.blobKey] = record.blobKey;
  return item;
}

/** Decode a snapshot item. Throws `DECODE/INVALID_ITEM` for one that is neither inline nor offloaded, or malformed. */
export function decodeSnapshot(item: Item): SnapshotRecord {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw invalidItem(item, 'not a snapshot item');
  const data = parsed.data as Record<string, unknown>;
  const state = data[A.state] as string | Uint8Array | undefined;
  const marker = data[A.encoding] as string | undefined;
  const blobKey = data[A.blobKey] as string | undefined;
  if (state === undefined && blobKey === undefined) throw invalidItem(item, 'a snapshot item holds neither a state nor a blob key');
  if (state !== undefined && (marker === undefined) !== (typeof state === 'string'))
    throw invalidItem(item, 'its state and encoding marker disagree');
  return {
    stateJson: typeof state === 'string' ? state : undefined,
    stateBytes: state instanceof Uint8Array ? state : undefined,
    marker,
    blobKey,
    sequence: data[A.sequence] as number,
    createdIso: data[A.created] as string,
    writeId: data[A.writeToken] as string | undefined,
  };
}
