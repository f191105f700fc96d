import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { monotonicIds } from './ids.js';

describe('ids of V6 events without one', () => {
  it('increase strictly within one millisecond and when the clock steps back; 26 characters whose time is the clock', () => {
    let now = Date.UTC(2026, 11, 1);
    const next = monotonicIds(() => now);
    const ids = Array.from({ length: 1_000 }, () => next());
    now -= 5_000; // the clock steps back
    ids.push(...Array.from({ length: 10 }, () => next()));
    now += 60_000;
    ids.push(next());
    for (let index = 1; index < ids.length; index++) expect(ids[index]! > ids[index - 1]!).toBe(true);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(decodeTime(ids[0]!)).toBe(Date.UTC(2026, 11, 1));
    expect(decodeTime(ids.at(-1)!)).toBe(now);
  });
});
