/** The options of the payload pipeline (`compression`, `encryption`, `upcast`): their validation and resolution. */
import { z } from 'zod';
import { COMPRESSION_STEPS, resolveCompression, type CompressionAlgorithm, type CompressionSettings } from './compression.js';
import type { KeyProvider } from './key-provider.js';
import { DEFAULT_KEY_CACHE_SIZE, Keyring } from './keyring.js';
import type { PayloadPipeline } from './pipeline.js';
import type { Upcaster } from './upcast.js';

/** `encryption: { … }`. */
export interface EncryptionSettings {
  /** The key provider that wraps the table key: `localKeyProvider(masterKey)` or `kmsKeyProvider(…)` (`/kms`). */
  readonly keys: KeyProvider;
  /** Stream data keys kept unwrapped in memory (default 10,000; 0 keeps none: one key read per stream per call). */
  readonly keyCacheSize?: number;
}

const isKeyProvider = (value: unknown): value is KeyProvider =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as KeyProvider).wrapKey === 'function' &&
  typeof (value as KeyProvider).unwrapKey === 'function' &&
  typeof (value as KeyProvider).id === 'string';

const algorithms = Object.keys(COMPRESSION_STEPS) as [keyof typeof COMPRESSION_STEPS, ...(keyof typeof COMPRESSION_STEPS)[]];

/** The zod schemas of the three options (merged into the store's options schema). */
export const payloadOptionSchemas = {
  compression: z
    .union([
      z.boolean(),
      z
        .object({
          // A refinement, not an enum: the union then reports this field (an enum failure collapses to 'compression').
          algorithm: z
            .string()
            .refine(
              (value): value is CompressionAlgorithm => (algorithms as readonly string[]).includes(value),
              `must be one of ${algorithms.join(', ')}`,
            )
            .optional(),
          minBytes: z.number().int().nonnegative().optional(),
          level: z.number().int().min(0).max(11).optional(),
          maxDecompressedBytes: z.number().int().min(1024).optional(),
        })
        .strict()
        .refine((value) => value.level === undefined || value.algorithm === 'brotli' || value.algorithm === undefined || value.level <= 9, {
          message: 'gzip and deflate levels are 0..9',
          path: ['level'],
        }),
    ])
    .optional(),
  encryption: z
    .object({
      keys: z.custom<KeyProvider>(
        isKeyProvider,
        'must be a key provider (id, wrapKey, unwrapKey): localKeyProvider(masterKey) or kmsKeyProvider(…)',
      ),
      keyCacheSize: z.number().int().nonnegative().optional(),
    })
    .strict()
    .optional(),
  upcast: z.custom<Upcaster>((value) => typeof value === 'function', 'must be a function (event) => event').optional(),
};

/** The pipeline of the given (validated) options. */
export function resolvePipeline(
  compression: boolean | CompressionSettings | undefined,
  encryption: EncryptionSettings | undefined,
): PayloadPipeline {
  return {
    compression: resolveCompression(compression),
    keyring: encryption ? new Keyring(encryption.keys, encryption.keyCacheSize ?? DEFAULT_KEY_CACHE_SIZE) : undefined,
  };
}
