import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from './utf8-order.js';

const sign = (n: number): number => Math.sign(n);
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('compareUtf8', () => {
  it('orders an astral character after U+FFFF, unlike UTF-16 code units', () => {
    expect(compareUtf8('\u{1F600}', '\uFFFF')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFFFF').toBe(true); // JS order disagrees
  });

  it('orders ASCII like code units and prefixes first', () => {
    expect(compareUtf8('a', 'b')).toBeLessThan(0);
    expect(compareUtf8('ab', 'a')).toBeGreaterThan(0);
    expect(compareUtf8('same', 'same')).toBe(0);
  });

  it('agrees with Buffer.compare of the UTF-8 bytes on arbitrary strings, lone surrogates included', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', 'z', '\u00e9', '\uFFFF', '\uD83D', '\uDE00', '\u{1F600}', '\uD800', '\uDBFF'),
      fc.string({ unit: 'grapheme', maxLength: 2 }),
    );
    const text = fc.array(unit, { maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(compareUtf8(a, b))).toBe(sign(byBytes(a, b)));
      }),
      { numRuns: 2000 },
    );
  });
});
