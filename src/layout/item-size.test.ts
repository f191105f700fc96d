import { describe, expect, it } from 'vitest';
import { attributeValueSize, itemSize, utf8Length } from './item-size.js';

describe('itemSize (DynamoDB rules)', () => {
  it('counts UTF-8 bytes of names and string values, not UTF-16 units', () => {
    expect(itemSize({ a: 'abc' })).toBe(1 + 3);
    expect(itemSize({ p: '日'.repeat(140_000) })).toBe(1 + 420_000); // upstream measured this 280 KB (defect 2)
    expect(itemSize({ ü: '😀' })).toBe(2 + 4);
    expect(utf8Length('é')).toBe(2);
  });

  it('counts numbers by significant digits, booleans and nulls as 1, binary raw', () => {
    expect(attributeValueSize(0)).toBe(1); // no significant digit (measured on DynamoDB Local's page cut)
    expect(attributeValueSize(-0)).toBe(1);
    expect(attributeValueSize(0.5)).toBe(2);
    expect(attributeValueSize(12)).toBe(2);
    expect(attributeValueSize(123)).toBe(3);
    expect(attributeValueSize(1_000_000)).toBe(2); // trailing zeros trimmed
    expect(attributeValueSize(123_456_789_012_345)).toBe(9);
    expect(attributeValueSize(true)).toBe(1);
    expect(attributeValueSize(null)).toBe(1);
    expect(attributeValueSize(new Uint8Array(10))).toBe(10);
  });

  it('counts lists and maps with 3 bytes overhead plus 1 per element', () => {
    expect(attributeValueSize(['a', 'b'])).toBe(3 + (1 + 1) + (1 + 1));
    expect(attributeValueSize({ k: 'v' })).toBe(3 + 1 + 1 + 1);
    expect(itemSize({ a: undefined as unknown as string, b: 'x' })).toBe(2);
  });
});
