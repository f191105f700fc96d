/**
 * A key provider backed by AWS KMS (the `/kms` subpath; `@aws-sdk/client-kms` is an optional peer dependency):
 * the table key is wrapped with KMS `Encrypt` and unwrapped with `Decrypt` under `keyId`, bound to an encryption
 * context. The store calls it once per table and process (docs/codecs.md "Keys"): the number of KMS calls does not
 * grow with the number of streams or events.
 */
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { unwrapFailed, type KeyContext, type KeyProvider } from './key-provider.js';

/** Options of {@link kmsKeyProvider}. */
export interface KmsKeyProviderOptions {
  /** A KMS client (its region, credentials and retries are the application's). */
  readonly client: KMSClient;
  /** The KMS key (id, ARN, alias name or alias ARN) that wraps the table key: a symmetric encryption key. */
  readonly keyId: string;
}

/** KMS errors that mean "this ciphertext does not decrypt under this key", not "KMS failed". */
const UNWRAP_REFUSALS = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * A key provider wrapping keys with AWS KMS. Throws `INPUT/INVALID_OPTIONS` without a client or key id. Its
 * `unwrapKey` throws `CODEC/KEY_UNWRAP_FAILED` when KMS refuses the ciphertext (another key, another context, a
 * corrupted value); other KMS errors (access denied, throttling after the client's retries, a disabled key) reach the
 * store as `CODEC/KEY_PROVIDER`.
 */
export function kmsKeyProvider(options: KmsKeyProviderOptions): KeyProvider {
  const { client, keyId } = options ?? ({} as KmsKeyProviderOptions);
  if (typeof client?.send !== 'function' || typeof keyId !== 'string' || keyId === '') {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, 'kmsKeyProvider: needs { client: KMSClient, keyId: string }', {
      details: { issues: [{ path: 'encryption.keys', message: 'kmsKeyProvider({ client, keyId })' }] },
    });
  }
  const context = (given: KeyContext): Record<string, string> => ({ ...given });
  return {
    id: `kms:${keyId}`,
    async wrapKey(key, given) {
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: key, EncryptionContext: context(given) }));
      if (!CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
      return CiphertextBlob;
    },
    async unwrapKey(wrapped, given) {
      try {
        const { Plaintext } = await client.send(
          new DecryptCommand({ KeyId: keyId, CiphertextBlob: wrapped, EncryptionContext: context(given) }),
        );
        if (Plaintext?.byteLength !== 32) throw unwrapFailed(`kms:${keyId}`);
        return Plaintext;
      } catch (error) {
        if (UNWRAP_REFUSALS.has((error as { name?: string }).name ?? '')) throw unwrapFailed(`kms:${keyId}`, error);
        throw error;
      }
    },
  };
}
