import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import { decodeCursor, encodeCursor } from './cursor-codec.js';

describe('cursor codec', () => {
  it('round-trips string, number and binary keys as URL-safe text', () => {
    const key = { pk: 'a|b::ü/+=', sk: -12.5, bin: new Uint8Array([0, 255, 62, 63]) };
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(key);
  });

  it.each([
    '',
    'not base64!',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('{"a":{"b":1}}').toString('base64url'),
    Buffer.from('{}').toString('base64url'),
  ])('refuses a foreign cursor %j with VALIDATION', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: ErrorCodes.VALIDATION }));
  });
});
