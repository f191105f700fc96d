/** fast-check generators for events: small pools of ids, streams and instants so collisions and ties happen. */
import fc from 'fast-check';
import type { CreatedEvent } from '../../src/compat/contract-types.js';

/** Instants across the whole supported range, with repeats (same millisecond) to exercise the id tie-break. */
export const INSTANTS: readonly number[] = [
  Date.UTC(1970, 0, 1),
  Date.UTC(1999, 11, 31, 23, 59, 59, 999),
  Date.UTC(2000, 0, 1),
  Date.UTC(2024, 2, 31, 1, 30), // the night European clocks change: local-time bucketing would misplace it
  Date.UTC(2024, 9, 27, 0, 30),
  Date.UTC(2024, 9, 27, 0, 30), // a tie
  Date.UTC(2026, 10, 25, 12),
  Date.UTC(2099, 5, 15),
  Date.UTC(2999, 11, 31, 23, 59, 59, 999),
];

/** An instant from {@link INSTANTS} or anywhere in 1970..2999. */
export const createdArb: fc.Arbitrary<Date> = fc
  .oneof(fc.constantFrom(...INSTANTS), fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2999, 11, 31) }))
  .map((ms) => new Date(ms));

/** Strings that break naive key schemes: separators, percent signs, unicode beyond the BMP. */
export const trickyStrings: readonly string[] = ['a', 'b::c', 'b', 'c', '#x#', 'a|b', '%7C', 'ü', '日本', '😀', '\uFFFF', 'x y'];

/** A stream (domain, identifier) from a small pool. */
export const streamArb = fc.record({ domain: fc.constantFrom('acct', 'a::b', 'ü'), identifier: fc.constantFrom('1', '2', '::', '😀') });

/** JSON payloads, falsy values included. */
export const payloadArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, false, '', null, [], {}),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
);

let counter = 0;
/** A fresh id, unique in this process, with an optional tricky suffix. */
export function freshId(suffix = ''): string {
  counter += 1;
  return `ev-${String(counter).padStart(8, '0')}${suffix}`;
}

/** A created event with a fresh id. */
export const eventArb: fc.Arbitrary<CreatedEvent> = fc
  .record({ stream: streamArb, payload: payloadArb, created: createdArb, suffix: fc.constantFrom('', '😀', 'é', '|') })
  .map(({ stream, payload, created, suffix }) => ({
    id: freshId(suffix),
    domain: stream.domain,
    identifier: stream.identifier,
    type: 'happened',
    payload,
    created,
  }));
