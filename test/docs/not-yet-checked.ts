/**
 * Pages the docs tests do not check yet: they belong to work going on in parallel (the CLI's docs/operations.md,
 * issue 20), which fixes their links and snippets. Remove an entry once its page passes; keep this set empty.
 */
export const NOT_YET_CHECKED: ReadonlySet<string> = new Set(['docs/operations.md']);
