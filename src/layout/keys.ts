/**
 * Key encoding. Domains, identifiers and event ids may contain any character (`::`, `#`, `|`, unicode), so key
 * components are percent-encoded and joined with a separator the encoding never emits: keys are built, never split.
 */
import { utf8Length } from './item-size.js';
import { DYNAMODB_MAX_PARTITION_KEY_BYTES, DYNAMODB_MAX_SORT_KEY_BYTES } from './limits.js';

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

/** True when `key` (an encoded partition key value) fits DynamoDB's partition key: at most 2,048 UTF-8 bytes. */
export function fitsPartitionKey(key: string): boolean {
  return utf8Length(key) <= DYNAMODB_MAX_PARTITION_KEY_BYTES;
}

/** True when `key` (a string sort key value, e.g. of the global-order index) fits DynamoDB's sort key: at most 1,024 UTF-8 bytes. */
export function fitsSortKey(key: string): boolean {
  return utf8Length(key) <= DYNAMODB_MAX_SORT_KEY_BYTES;
}

/** A lone UTF-16 surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `text` has a lone UTF-16 surrogate. It has no UTF-8 form: the AWS SDK sends U+FFFD in its place, so a
 * key built from it would name ANOTHER item (the one whose text has U+FFFD there), and two ids could share one key.
 * Writes refuse such text (validation.ts, the V6 stream references, consumer names), so nothing is ever stored under
 * it; reads answer as for a missing item instead of reading that other one. The one check of the rule.
 */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/**
 * True when `text`, a caller's component of a key to READ (an id, a stream's domain or identifier, a causation id),
 * can name a stored item at all: well-formed Unicode and, encoded into `key`, within DynamoDB's partition key. When
 * false, nothing can be stored under it (writes check the same), so the read answers as for a missing item.
 */
export function canExist(key: string, ...components: readonly string[]): boolean {
  return fitsPartitionKey(key) && !components.some(hasLoneSurrogate);
}
