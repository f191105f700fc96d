/**
 * Work going on in parallel (issue 20) that the docs tests wait for. Keep both sets empty once it has landed.
 *
 * - `NOT_YET_CHECKED`: pages whose links and snippets are not checked yet (the CLI's docs/operations.md, which
 *   that work rewrites).
 * - `PAGES_IN_PROGRESS`: pages other work is writing; a link to one is accepted while the file does not exist, and
 *   checked like any other once it does.
 */
export const NOT_YET_CHECKED: ReadonlySet<string> = new Set(['docs/operations.md']);

export const PAGES_IN_PROGRESS: ReadonlySet<string> = new Set([
  'docs/codecs.md',
  'docs/observability.md',
  'docs/architecture.md',
  'docs/cli.md',
]);
