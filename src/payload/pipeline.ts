/**
 * The payload pipeline: one place between an event's `payload`/`meta` (or a snapshot's state) as JSON text and the
 * values stored in its item and blob. On write: compression (above `minBytes`, kept only when it shrinks), then
 * encryption under the stream's data key; the steps taken are recorded in the item's marker (marker.ts). On read
 * the steps are undone in reverse, whatever the store's settings are now (an item without a marker is plain text).
 * Upcasting is separate (upcast.ts): it applies to decoded events, on reads only.
 */
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import type { WriteContext } from '../runtime/store-context.js';
import { open, seal } from './aes-gcm.js';
import { compress, DecompressionFailure, decompress, type ResolvedCompression } from './compression.js';
import type { Keyring, StreamKey } from './keyring.js';
import { ENCRYPTION_STEP, parseMarker } from './marker.js';

/** The store's pipeline settings, resolved from its options. */
export interface PayloadPipeline {
  readonly compression: ResolvedCompression;
  /** Present when `encryption` is configured. */
  readonly keyring: Keyring | undefined;
}

/** Values encoded on write: the marker and each field's bytes (in the order given). */
export interface Encoded {
  readonly marker: string;
  readonly fields: Uint8Array[];
}

/** What an encoded value belongs to, for associated data and for the errors that name it. */
export interface ValueOwner {
  /** The stream's partition key. */
  readonly stream: string;
  /** The event id, or `snapshot@<sequence>` for a snapshot's state. */
  readonly owner: string;
  /** Facts every error carries (`eventId`, `key`, …). */
  readonly details: Readonly<Record<string, unknown>>;
  /** "Event <id>" or "Snapshot of <stream>": the subject of error messages. */
  readonly label: string;
}

/** Associated data of field `field` of `owner`: a value moved to another event, stream or field does not decrypt. */
const aadOf = (owner: ValueOwner, field: string): string => `${owner.stream}|${owner.owner}|${field}`;

/**
 * Encode the JSON texts `texts` (named `names`, e.g. ['p', 'm']) of `owner`: undefined when no step applies (the
 * item keeps plain text: compression off or under `minBytes` or not shrinking, and no encryption). `key` is the
 * stream's data key when encryption is on. Throws `INPUT/INVALID_EVENT` for a value over `maxDecompressedBytes`
 * when compression is on (it could not be read back).
 */
export function encodeTexts(
  pipeline: PayloadPipeline,
  owner: ValueOwner,
  names: readonly string[],
  texts: readonly string[],
  key: Uint8Array | undefined,
): Encoded | undefined {
  const { compression } = pipeline;
  let fields: Uint8Array[] | undefined;
  const steps: string[] = [];
  // Each text encoded to UTF-8 once: sizes, compression and encryption all work on these bytes.
  const plain: Uint8Array[] = texts.map((text) => Buffer.from(text, 'utf8'));
  if (compression.algorithm !== undefined) {
    let bytes = 0;
    for (const value of plain) {
      bytes += value.byteLength;
      if (value.byteLength > compression.maxDecompressedBytes) {
        throw new EventStoreAdapterError(
          ErrorCodes.INVALID_EVENT,
          `${owner.label}: a value of ${value.byteLength} bytes is over compression.maxDecompressedBytes (${compression.maxDecompressedBytes}); it could not be read back`,
          { details: { ...owner.details, bytes: value.byteLength, limit: compression.maxDecompressedBytes, rule: 'maxDecompressedBytes' } },
        );
      }
    }
    if (bytes >= compression.minBytes) {
      const packed = plain.map((value) => compress(compression.algorithm!, compression.level, value));
      // Kept only when it shrinks the whole (incompressible or tiny values are stored as they are).
      if (packed.reduce((sum, value) => sum + value.byteLength, 0) < bytes) {
        fields = packed;
        steps.push(compression.step!);
      }
    }
  }
  if (key !== undefined) {
    fields = (fields ?? plain).map((value, index) => seal(key, value, aadOf(owner, names[index]!)));
    steps.push(ENCRYPTION_STEP);
  }
  return fields === undefined ? undefined : { marker: steps.join('.'), fields };
}

/**
 * Decode the stored values `fields` (named `names`) of `owner` by `marker`: their JSON texts, or 'erased' when they
 * were encrypted under a key that `eraseStream` destroyed. `streamKey` is the stream's key as stored (needed only
 * when the marker has the encryption step).
 * @throws `CODEC/UNKNOWN_ENCODING`, `CODEC/KEY_MISSING`, `CODEC/KEY_UNWRAP_FAILED`, `CODEC/DECRYPT_FAILED`,
 *   `CODEC/DECOMPRESSION_LIMIT`, `CODEC/CORRUPT`, each naming `owner`.
 */
export function decodeValues(
  pipeline: PayloadPipeline,
  owner: ValueOwner,
  marker: string,
  names: readonly string[],
  fields: readonly Uint8Array[],
  streamKey: StreamKey | undefined,
): string[] | 'erased' {
  const steps = parseMarker(marker);
  if (steps === undefined) {
    throw codecError(ErrorCodes.CODEC_UNKNOWN_ENCODING, owner, `its encoding marker '${marker}' names an unknown step`, marker);
  }
  let values = [...fields];
  for (const step of [...steps].reverse()) {
    if (step.kind === 'encryption') {
      if (streamKey === undefined || streamKey.kind === 'none') {
        const why = pipeline.keyring ? 'its stream has no data key' : 'the store has no `encryption` option';
        throw codecError(ErrorCodes.CODEC_KEY_MISSING, owner, `it is encrypted and ${why}`, marker);
      }
      if (streamKey.kind === 'erased') return 'erased';
      if (streamKey.kind === 'bad')
        throw codecError(ErrorCodes.CODEC_KEY_UNWRAP_FAILED, owner, streamKey.error.message, marker, streamKey.error);
      values = values.map((value, index) => {
        const plain = open(streamKey.key, value, aadOf(owner, names[index]!));
        if (plain === undefined)
          throw codecError(
            ErrorCodes.CODEC_DECRYPT_FAILED,
            owner,
            `its ${names[index]} does not decrypt (corrupted, or moved from elsewhere)`,
            marker,
          );
        return plain;
      });
    } else {
      const limit = pipeline.compression.maxDecompressedBytes;
      values = values.map((value, index) => {
        try {
          return decompress(step.algorithm, value, limit);
        } catch (error) {
          if (!(error instanceof DecompressionFailure)) throw error;
          if (error.reason === 'limit') {
            throw codecError(
              ErrorCodes.CODEC_DECOMPRESSION_LIMIT,
              owner,
              `its ${names[index]} decompresses past ${limit} bytes (compression.maxDecompressedBytes)`,
              marker,
              error,
            );
          }
          throw codecError(ErrorCodes.CODEC_CORRUPT, owner, `its ${names[index]} is not valid ${step.algorithm} data`, marker, error);
        }
      });
    }
  }
  return values.map((value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
}

/** Whether `marker` has the encryption step (its stream's key is needed to read it). */
export function isEncrypted(marker: string | undefined): boolean {
  return marker?.split('.').includes(ENCRYPTION_STEP) ?? false;
}

/** The data keys of `streams` as stored, when encryption is readable at all; an empty map without a keyring. */
export async function streamKeysFor(ctx: WriteContext, streams: readonly string[]): Promise<Map<string, StreamKey>> {
  const keyring = ctx.options.payload.keyring;
  if (keyring === undefined || streams.length === 0) return new Map();
  return keyring.lookup(ctx, streams);
}

/** A typed codec error naming `owner`. */
export function codecError(
  code: (typeof ErrorCodes)[keyof typeof ErrorCodes],
  owner: ValueOwner,
  reason: string,
  marker: string,
  cause?: unknown,
): EventStoreAdapterError {
  return new EventStoreAdapterError(code, `${owner.label} cannot be read: ${reason}`, {
    cause,
    details: { ...owner.details, marker, reason },
  });
}
