/**
 * AES-256-GCM (node:crypto) as the pipeline uses it: `nonce (12 bytes) | ciphertext | tag (16 bytes)`, a fresh
 * random nonce per value (keys are per stream and per table, so a key seals far fewer than 2^32 values, NIST's bound
 * for random 96-bit nonces), and associated data binding the value to where it is stored.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256: a 32-byte key. */
export const KEY_BYTES = 32;
/** GCM's recommended 96-bit nonce. */
const NONCE_BYTES = 12;
/** GCM's full 128-bit authentication tag. */
const TAG_BYTES = 16;
/** Bytes a sealed value adds to its plaintext. */
export const SEAL_OVERHEAD_BYTES = NONCE_BYTES + TAG_BYTES;

/** A fresh random 256-bit key. */
export function generateKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

/** Encrypt and authenticate `plaintext` under `key`, bound to `aad` (the same `aad` is needed to open it). */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return new Uint8Array(Buffer.concat([nonce, body, final, cipher.getAuthTag()]));
}

/** Decrypt a value {@link seal} made; undefined when it does not authenticate (wrong key, other `aad`, corrupted). */
export function open(key: Uint8Array, sealed: Uint8Array, aad: string): Uint8Array | undefined {
  if (sealed.byteLength < SEAL_OVERHEAD_BYTES) return undefined;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const body = decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES));
    return new Uint8Array(Buffer.concat([body, decipher.final()]));
  } catch {
    return undefined;
  }
}
