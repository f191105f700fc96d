/** "Did you mean …?" for a misspelt option name: the closest known name by edit distance. */

/**
 * Edit distance between two names, case ignored: insertions, deletions, substitutions and swaps of two adjacent
 * letters (the commonest typo) each cost 1.
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[x.length]![y.length]!;
}

/**
 * The known name `name` most likely meant, or undefined when none is close: within an edit distance of a third of
 * the name's length (at least 2), or a known name that contains it or that it contains (`bucket` → `s3BucketName`),
 * case ignored. Ties go to the first in `known`.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  if (best !== undefined && best.distance <= Math.max(2, Math.floor(name.length / 3))) return best.name;
  if (lower.length < 4) return undefined;
  return known.find((candidate) => candidate.toLowerCase().includes(lower) || lower.includes(candidate.toLowerCase()));
}

/** `" (did you mean <name>?)"`, or `''` when no known name is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const closest = closestName(name, known);
  return closest === undefined ? '' : ` (did you mean ${closest}?)`;
}
