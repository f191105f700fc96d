/**
 * The contract suite's own DynamoDB item-size oracle, written from AWS's published rules ("Item sizes and
 * formats", DynamoDB developer guide) and deliberately sharing no code with the library's `src/layout/item-size.ts`, so
 * one mistake cannot hide in both the suite and the code it judges. The suite sizes every item of its size checks
 * (exactly `maxItemBytes`, one byte more, items that fill `maxQueryPageBytes` exactly) with it.
 *
 * The rules: an item's size is the sum over its attributes of the UTF-8 length of the attribute name plus the
 * size of the value. String: UTF-8 bytes. Number: 1 byte per two significant digits (rounded up) plus 1, leading
 * and trailing zeros trimmed. Binary: its raw bytes. Boolean and null: 1 byte. List and map: 3 bytes, plus 1 byte
 * per element, plus each element's size (a map element also counts its name's UTF-8 bytes). `undefined` members
 * are not stored and count nothing.
 */
import type { AttributeValue, Item } from '../../src/ports/kv-driver.js';

/** Overhead of a list or a map, in bytes, before its elements. */
export const CONTAINER_OVERHEAD_BYTES = 3;
/** Overhead of each element of a list or a map, in bytes. */
export const ELEMENT_OVERHEAD_BYTES = 1;
/** Size of a boolean or a null, in bytes. */
export const BOOLEAN_OR_NULL_BYTES = 1;

const encoder = new TextEncoder();

/** UTF-8 byte length of `text` (a lone surrogate is encoded as U+FFFD: 3 bytes). */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).byteLength;
}

/**
 * Significant decimal digits of a finite number as DynamoDB stores it: the digits of its shortest round-trip
 * decimal form, sign, decimal point, exponent, leading and trailing zeros removed. Zero has none (so it is one
 * byte: measured on DynamoDB Local, whose 1 MB page cut moves by one byte when a sort key 0 is in the page).
 */
export function significantDigits(value: number): number {
  const [mantissa = ''] = String(Math.abs(value)).toLowerCase().split('e');
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

/** Size in bytes of one attribute value by AWS's rules (see the module comment). */
export function oracleValueSize(value: AttributeValue): number {
  if (value === null || typeof value === 'boolean') return BOOLEAN_OR_NULL_BYTES;
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number') return Math.ceil(significantDigits(value) / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  const elements: [string | undefined, AttributeValue | undefined][] = Array.isArray(value)
    ? value.map((element) => [undefined, element])
    : Object.entries(value);
  let size = CONTAINER_OVERHEAD_BYTES;
  for (const [name, element] of elements) {
    if (element === undefined) continue;
    size += ELEMENT_OVERHEAD_BYTES + (name === undefined ? 0 : utf8Bytes(name)) + oracleValueSize(element);
  }
  return size;
}

/** Size in bytes of a whole item by AWS's rules: attribute names plus values; `undefined` attributes count 0. */
export function oracleItemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += utf8Bytes(name) + oracleValueSize(value);
  }
  return size;
}

/**
 * `item` padded to exactly `bytes` bytes by the oracle: attribute `name` (which must not be in `item`) set to a
 * string of ASCII `x`. Throws a RangeError when `item` with an empty `name` attribute is already larger.
 */
export function padItemTo(item: Item, name: string, bytes: number): Item {
  const shell: Item = { ...item, [name]: '' };
  const room = bytes - oracleItemSize(shell);
  if (room < 0) throw new RangeError(`an item of ${oracleItemSize(shell)} bytes cannot be padded to ${bytes}`);
  return { ...shell, [name]: 'x'.repeat(room) };
}
