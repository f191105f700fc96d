/**
 * The key-provider port of encryption: it wraps and unwraps the table's key (a random AES-256 key, generated once
 * per table; docs/codecs.md "Keys"). A provider is called once per table (and process), never per stream or event:
 * the per-stream data keys are wrapped by the table key, locally.
 */
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { KEY_BYTES, open, seal } from './aes-gcm.js';

/** What a wrapped key is bound to: the table it belongs to (a key wrapped for one table does not unwrap for another). */
export type KeyContext = Readonly<Record<string, string>>;

/** The key-provider port (`encryption: { keys }`). */
export interface KeyProvider {
  /** Names the wrapping key (recorded with the table key, so a store configured with another one is told so). */
  readonly id: string;
  /** Wrap (encrypt) a 32-byte key, bound to `context`. Failures are reported as `CODEC/KEY_PROVIDER`. */
  wrapKey(key: Uint8Array, context: KeyContext): Promise<Uint8Array>;
  /**
   * Unwrap what {@link wrapKey} returned with the same `context`. Throws `CODEC/KEY_UNWRAP_FAILED` when the wrapped
   * key does not unwrap under this provider's key (a wrong master key, a corrupted value); any other failure is
   * reported as `CODEC/KEY_PROVIDER`.
   */
  unwrapKey(wrapped: Uint8Array, context: KeyContext): Promise<Uint8Array>;
}

/** The context as associated data: sorted `name=value` pairs, so the order callers list them in does not matter. */
export function contextText(context: KeyContext): string {
  return Object.keys(context)
    .sort()
    .map((name) => `${name}=${context[name]}`)
    .join('&');
}

/** `CODEC/KEY_UNWRAP_FAILED` for a provider's failed unwrap. */
export function unwrapFailed(provider: string, cause?: unknown): EventStoreAdapterError {
  return new EventStoreAdapterError(
    ErrorCodes.CODEC_KEY_UNWRAP_FAILED,
    `The table key does not unwrap with key provider ${provider}: a wrong master key, or a corrupted key item`,
    { cause, details: { provider } },
  );
}

/**
 * A key provider holding a 32-byte master key in this process (tests, development, or a key the application
 * fetched from its own secret store): wrapping is AES-256-GCM under the master key, bound to the context. No call
 * leaves the process. Throws `INPUT/INVALID_OPTIONS` for a master key that is not 32 bytes.
 */
export function localKeyProvider(masterKey: Uint8Array): KeyProvider {
  if (!(masterKey instanceof Uint8Array) || masterKey.byteLength !== KEY_BYTES) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, `localKeyProvider: the master key must be ${KEY_BYTES} bytes`, {
      details: { issues: [{ path: 'encryption.keys', message: `master key of ${KEY_BYTES} bytes` }] },
    });
  }
  const key = new Uint8Array(masterKey);
  return {
    id: 'local',
    wrapKey: async (plain, context) => seal(key, plain, contextText(context)),
    unwrapKey: async (wrapped, context) => {
      const plain = open(key, wrapped, contextText(context));
      if (plain === undefined) throw unwrapFailed('local');
      return plain;
    },
  };
}
