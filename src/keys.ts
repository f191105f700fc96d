/**
 * Key encoding. Domains, identifiers and event ids may contain any character (`::`, `#`, `|`, unicode), so key
 * components are percent-encoded and joined with a separator the encoding never emits: keys are built, never split.
 */

/** Separator between encoded key components; {@link encodeComponent} always escapes it. */
const SEPARATOR = '|';

/** Percent-encode one key component (injective: distinct inputs give distinct outputs, none containing `|`). */
export function encodeComponent(value: string): string {
  return value.replace(/%/g, '%25').replace(/\|/g, '%7C');
}

/** Join a kind tag and encoded components into one key string. */
export function joinKey(kind: string, ...components: readonly string[]): string {
  return [kind, ...components.map(encodeComponent)].join(SEPARATOR);
}

/** The contract's stream key used in errors: `${domain}::${identifier ?? ''}` (for humans, never parsed). */
export function streamKey(domain: string, identifier: string | undefined): string {
  return `${domain}::${identifier ?? ''}`;
}
