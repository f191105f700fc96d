/** Progress reports of long operations: what the CLI turns into a bar (terminal) or periodic lines (pipes). */

/** One progress report: `done` of `total` (when known) units of `phase`. */
export interface Progress {
  /** The operation's current phase, e.g. `scan`, `write`, `verify`, `export`. */
  readonly phase: string;
  /** Units done so far in this phase (events, items or lines). */
  readonly done: number;
  /** Units this phase will do, when known (a scan of a table whose size is unknown has none). */
  readonly total?: number;
  /** What a unit is, for humans (`events`, `items`, `lines`). */
  readonly unit: string;
}

/** Receives progress reports; what it throws is ignored (a display must never stop an operation). */
export type ProgressListener = (progress: Progress) => void;

/** Call `listener` without letting it change the outcome. */
export function report(listener: ProgressListener | undefined, progress: Progress): void {
  if (!listener) return;
  try {
    listener(progress);
  } catch {
    // A display failure is not the operation's failure.
  }
}
