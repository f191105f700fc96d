/**
 * What an erased event reads as (docs/codecs.md "Erasure"): its envelope as stored (id, domain, type, identifier,
 * correlation and causation ids, created, sequence) with `payload` replaced by {@link ERASED_PAYLOAD} and `meta`,
 * when it had one, by {@link ERASED_META}. Never an error, never the plaintext.
 */
import type { StoredEvent } from '../compat/contract-types.js';

/** The payload of an erased event. */
export const ERASED_PAYLOAD: Readonly<{ $erased: true }> = Object.freeze({ $erased: true as const });
/** The meta of an erased event that had a meta. */
export const ERASED_META: Readonly<{ $erased: true }> = Object.freeze({ $erased: true as const });

/** True for an event whose payload was erased by `eraseStream`. */
export function isErased(event: Pick<StoredEvent, 'payload'>): boolean {
  const payload = event.payload as { $erased?: unknown } | null;
  return typeof payload === 'object' && payload !== null && payload.$erased === true && Object.keys(payload).length === 1;
}
