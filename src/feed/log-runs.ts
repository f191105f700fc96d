/**
 * The change feed's one rule of delivery: a shard's log is gapless (positions are allocated in the appends' own
 * transactions), so a position missing from the index is an event on its way there, never a hole. A reader
 * delivers only the run of positions that directly follows its cursor and stops at the first gap; the rest waits
 * for the next call. Advancing past a gap would skip that event for good (the mutant `feed-skips-gaps` does).
 */

/** How many of `positions` (ascending) form the contiguous run `after + 1, after + 2, …`. */
export function contiguousRun(after: number, positions: readonly number[]): number {
  let run = 0;
  while (run < positions.length && positions[run] === after + run + 1) run++;
  return run;
}
