/**
 * The compression step of the payload pipeline: node:zlib, synchronous (an event's text is small; a sync call
 * costs no event-loop hops and no thread-pool queueing). Decompression is bounded by `maxOutputLength`, so a
 * stored value that would inflate past the limit (a decompression bomb) fails before the memory is spent.
 */
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateRawSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
  inflateSync,
} from 'node:zlib';

/** The algorithms of Node 20's zlib this store writes (every one of them is read whatever the setting). */
export type CompressionAlgorithm = 'brotli' | 'gzip' | 'deflate' | 'deflate-raw';

/** `compression: { … }`: every field optional. */
export interface CompressionSettings {
  /** Default `'brotli'` (docs/codecs.md: at level 1, gzip's ratio at about half of gzip's CPU, and the fastest to decompress). */
  readonly algorithm?: CompressionAlgorithm;
  /** Payload plus meta (JSON text, UTF-8 bytes) below this are stored as they are. Default 1,024. */
  readonly minBytes?: number;
  /** Algorithm level: brotli 0..11 (default 1), gzip/deflate 0..9 (default 6). */
  readonly level?: number;
  /**
   * Largest decompressed value read (bytes; default {@link DEFAULT_MAX_DECOMPRESSED_BYTES}): past it a stored value
   * is a decompression bomb (`CODEC/DECOMPRESSION_LIMIT`), and a write whose value is larger is refused.
   */
  readonly maxDecompressedBytes?: number;
}

/** Default `minBytes`: under about 1 KB an item costs 1 WCU either way, and short JSON compresses poorly. */
export const DEFAULT_COMPRESSION_MIN_BYTES = 1024;
/**
 * Default brotli level: 1. On the bench's JSON corpus (docs/codecs.md) it stores 23.5% of the text at 82 us per
 * 16 KB event; level 4 stores 21.2% at 2.8 times the CPU, level 9 and up cost 100 times more: the client CPU
 * per append is what the default must keep within +15%, and every level is far under half the bytes.
 */
export const DEFAULT_BROTLI_LEVEL = 1;
/** Default gzip/deflate level: zlib's own default. */
export const DEFAULT_ZLIB_LEVEL = 6;
/**
 * Default decompression limit: 64 MiB, far above the largest event text the store accepts in practice (an inline
 * item is at most 400 KB compressed; an offloaded payload is read into one string per event, and a replay page holds
 * up to 16 of them in flight), and far below what would exhaust a process.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** The marker step of each algorithm (two letters: every byte of the marker is stored in every item). */
export const COMPRESSION_STEPS: Readonly<Record<CompressionAlgorithm, string>> = Object.freeze({
  brotli: 'br',
  gzip: 'gz',
  deflate: 'df',
  'deflate-raw': 'dr',
});

/** A compression setting resolved: what to write (`undefined`: compression off) and the read limit. */
export interface ResolvedCompression {
  readonly algorithm: CompressionAlgorithm | undefined;
  readonly step: string | undefined;
  readonly minBytes: number;
  readonly level: number;
  readonly maxDecompressedBytes: number;
}

/** Resolve the `compression` option (`false`/absent: off, `true`: defaults, or settings). Assumes validated input. */
export function resolveCompression(setting: boolean | CompressionSettings | undefined): ResolvedCompression {
  const settings: CompressionSettings = typeof setting === 'object' ? setting : {};
  const algorithm = setting === undefined || setting === false ? undefined : (settings.algorithm ?? 'brotli');
  return {
    algorithm,
    step: algorithm === undefined ? undefined : COMPRESSION_STEPS[algorithm],
    minBytes: settings.minBytes ?? DEFAULT_COMPRESSION_MIN_BYTES,
    level: settings.level ?? (algorithm === 'brotli' ? DEFAULT_BROTLI_LEVEL : DEFAULT_ZLIB_LEVEL),
    maxDecompressedBytes: settings.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
  };
}

/** Compress `bytes` with `algorithm` at `level`. */
export function compress(algorithm: CompressionAlgorithm, level: number, bytes: Uint8Array): Uint8Array {
  switch (algorithm) {
    case 'brotli':
      return brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: level,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
        },
      });
    case 'gzip':
      return gzipSync(bytes, { level });
    case 'deflate':
      return deflateSync(bytes, { level });
    case 'deflate-raw':
      return deflateRawSync(bytes, { level });
  }
}

/** Why a decompression failed: past the limit, or not valid compressed data. */
export class DecompressionFailure extends Error {
  constructor(
    readonly reason: 'limit' | 'corrupt',
    cause: unknown,
  ) {
    super(reason === 'limit' ? 'decompressed output over the limit' : 'not valid compressed data', { cause });
  }
}

/** The algorithm of a marker step, or undefined for a step that is not a compression. */
export function algorithmOfStep(step: string): CompressionAlgorithm | undefined {
  for (const [algorithm, id] of Object.entries(COMPRESSION_STEPS)) if (id === step) return algorithm as CompressionAlgorithm;
  return undefined;
}

/** Decompress `bytes`, at most `limit` bytes of output. Throws {@link DecompressionFailure}. */
export function decompress(algorithm: CompressionAlgorithm, bytes: Uint8Array, limit: number): Uint8Array {
  const options = { maxOutputLength: limit };
  try {
    switch (algorithm) {
      case 'brotli':
        return brotliDecompressSync(bytes, options);
      case 'gzip':
        return gunzipSync(bytes, options);
      case 'deflate':
        return inflateSync(bytes, options);
      case 'deflate-raw':
        return inflateRawSync(bytes, options);
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new DecompressionFailure(code === 'ERR_BUFFER_TOO_LARGE' ? 'limit' : 'corrupt', error);
  }
}
