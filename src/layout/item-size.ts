import type { AttributeValue, Item } from '../ports/kv-driver.js';

/**
 * DynamoDB's item size, in bytes, by AWS's published rules: the sum over attributes of the UTF-8 length of the
 * name plus the size of the value. Strings: UTF-8 bytes. Numbers: 1 byte per 2 significant digits, plus 1 (zero
 * has no significant digit: 1 byte, as DynamoDB Local's 1 MB page cut shows).
 * Binary: raw bytes. Boolean and null: 1. Lists and maps: 3 bytes, plus 1 per element, plus the elements
 * (a map element also counts its name). Attributes whose value is `undefined` are not stored and count 0.
 */
export function itemSize(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    total += utf8Length(name) + attributeValueSize(value);
  }
  return total;
}

/** Size in bytes of one attribute value by DynamoDB's rules (see {@link itemSize}). */
export function attributeValueSize(value: AttributeValue): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8Length(value);
  if (typeof value === 'number') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    let size = 3;
    for (const element of value) size += 1 + attributeValueSize(element);
    return size;
  }
  let size = 3;
  for (const [name, element] of Object.entries(value)) {
    if (element === undefined) continue;
    size += 1 + utf8Length(name) + attributeValueSize(element);
  }
  return size;
}

/** UTF-8 byte length of a string (lone surrogates count 3, as their replacement character does). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function numberSize(value: number): number {
  if (Number.isSafeInteger(value)) {
    // Fast path (sequences, versions, buckets): digits of the integer without trailing zeros.
    let magnitude = Math.abs(value);
    if (magnitude === 0) return 1;
    while (magnitude % 10 === 0) magnitude /= 10;
    let significant = 0;
    for (; magnitude >= 1; magnitude = Math.floor(magnitude / 10)) significant += 1;
    return Math.ceil(significant / 2) + 1;
  }
  // Significant digits of the decimal form, leading and trailing zeros trimmed (as DynamoDB stores numbers).
  const digits = Math.abs(value).toExponential().split('e')[0]!.replace('.', '').replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
}
