/** The pipeline for snapshot states: encoded on save like an event's payload, decoded on read; an erased stream's snapshot reads as none. */
import type { WriteContext } from '../runtime/store-context.js';
import type { StreamKey } from './keyring.js';
import { decodeValues, encodeTexts, streamKeysFor, isEncrypted, type Encoded, type ValueOwner } from './pipeline.js';

/** The owner of a snapshot state (associated data and errors). */
export function snapshotOwner(pk: string, sequence: number): ValueOwner {
  return {
    stream: pk,
    owner: `snapshot@${sequence}`,
    label: `Snapshot of ${pk} at sequence ${sequence}`,
    details: { stream: pk, sequence },
  };
}

/**
 * The state's stored form: undefined when no step applies (plain JSON text), else its marker and bytes.
 * @throws `CODEC/STREAM_ERASED` for an erased stream, key errors (`CODEC/KEY_*`), `INPUT/INVALID_EVENT` for a state over the decompression limit.
 */
export async function encodeState(ctx: WriteContext, pk: string, sequence: number, stateJson: string): Promise<Encoded | undefined> {
  const pipeline = ctx.options.payload;
  if (pipeline.compression.algorithm === undefined && pipeline.keyring === undefined) return undefined;
  const key = pipeline.keyring ? (await pipeline.keyring.keysForWrite(ctx, [pk])).get(pk) : undefined;
  return encodeTexts(pipeline, snapshotOwner(pk, sequence), ['s'], [stateJson], key);
}

/** The state's JSON text from its stored bytes and marker, or 'erased'. @throws `CODEC/*` naming the snapshot. */
export async function decodeState(
  ctx: WriteContext,
  pk: string,
  sequence: number,
  marker: string,
  bytes: Uint8Array,
): Promise<string | 'erased'> {
  const keys = isEncrypted(marker) ? await streamKeysFor(ctx, [pk]) : new Map<string, StreamKey>();
  const decode = (key: StreamKey | undefined) =>
    decodeValues(ctx.options.payload, snapshotOwner(pk, sequence), marker, ['s'], [bytes], key);
  const keyring = ctx.options.payload.keyring;
  const texts = keyring ? await keyring.withFreshRetry(ctx, pk, keys.get(pk), decode) : decode(undefined);
  return texts === 'erased' ? 'erased' : texts[0]!;
}
