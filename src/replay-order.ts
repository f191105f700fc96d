/** Sort order of the global-order index: DynamoDB compares strings by UTF-8 bytes, which is Unicode code point order. */

/** Compare by Unicode code point (= UTF-8 byte order, DynamoDB's string order), not by UTF-16 code unit. */
export function compareCodePoints(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const a = left.charCodeAt(index);
    const b = right.charCodeAt(index);
    if (a === b) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF: they sort after every other BMP unit.
    const aHigh = a >= 0xd800 && a <= 0xdfff;
    const bHigh = b >= 0xd800 && b <= 0xdfff;
    if (aHigh !== bHigh) return aHigh ? 1 : -1;
    return a - b;
  }
  return left.length - right.length;
}
