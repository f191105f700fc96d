/**
 * String ordering as DynamoDB and S3 apply it: by the bytes of the UTF-8 encoding, not by JavaScript's UTF-16
 * code units. The two differ for characters beyond the Basic Multilingual Plane: `'\u{1F600}'` (UTF-16 `D83D DE00`,
 * UTF-8 `F0 9F 98 80`) sorts AFTER `'\uFFFF'` (UTF-8 `EF BF BF`) by bytes, but before it by code units.
 */

const HIGH_SURROGATE_MIN = 0xd800;
const HIGH_SURROGATE_MAX = 0xdbff;
const SURROGATE_MIN = 0xd800;
const SURROGATE_MAX = 0xdfff;

function isSurrogate(unit: number): boolean {
  return unit >= SURROGATE_MIN && unit <= SURROGATE_MAX;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= HIGH_SURROGATE_MIN && unit <= HIGH_SURROGATE_MAX;
}

/**
 * Compare two strings by their UTF-8 bytes (lone surrogates encode as U+FFFD, as `Buffer.from(s, 'utf8')` does).
 * Returns a negative number, zero or a positive number. Exactly `Buffer.compare(utf8(a), utf8(b))`, but without
 * encoding in the common case: code-unit order equals byte order until a surrogate is involved.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const unitA = a.charCodeAt(i);
    const unitB = b.charCodeAt(i);
    if (unitA === unitB) continue;
    const previous = i > 0 ? a.charCodeAt(i - 1) : 0;
    if (isSurrogate(unitA) || isSurrogate(unitB) || isHighSurrogate(previous)) return slowCompare(a, b);
    return unitA - unitB;
  }
  // One is a code-unit prefix of the other. Bytes agree unless the prefix ends inside a surrogate pair.
  if (length > 0 && isHighSurrogate(a.charCodeAt(length - 1))) return slowCompare(a, b);
  return a.length - b.length;
}

function slowCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
