/**
 * Ids for V6 events that arrive without one (`append`, `appendToStream`, `appendBatch`): 26 characters of Crockford
 * base32 like a ULID (10 of time, 16 more), increasing within the process. Why: `getAllEvents` orders by
 * `created` then `id`, and events of one call often share a millisecond; random ids would order such events at
 * random, so `export` then `import` would renumber their streams. Increasing ids keep them in insertion order
 * (the PostgreSQL adapter uses monotonic ULIDs for the same reason).
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(value: bigint, width: number): string {
  let text = '';
  for (let i = 0; i < width; i += 1) {
    text = ALPHABET[Number(value & 31n)]! + text;
    value >>= 5n;
  }
  return text;
}

/** A generator of increasing ids over `clock` (ms): a later call never returns a smaller id, even if the clock steps back. */
export function monotonicIds(clock: () => number): () => string {
  let lastTime = -1;
  let tail = 0n;
  return () => {
    const now = Math.max(Math.floor(clock()), lastTime, 0);
    if (now === lastTime) tail += 1n;
    else tail = BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n; // room to increment within the millisecond
    lastTime = now;
    return base32(BigInt(now), 10) + base32(tail, 16);
  };
}
