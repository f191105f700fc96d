/**
 * Runs a schedule's actors concurrently over a backend's store instances (in-process or child processes) and
 * returns the history: every operation with the interval it ran in, by the runner's reference clock (the parent's
 * view: a child's operation ran inside the interval between sending it and receiving its record). The runner
 * owns the state that crosses operations: each actor's persisted feed cursor and the latest export.
 */
import type { OpRecord, OpSpec, ResolvedOp } from './model.js';

/** One store instance as the runner sees it. */
export interface Instance {
  readonly name: string;
  /** The instance's clock, ms (skewed): the `created` of the events it writes. */
  clock(): number;
  /** Run one operation (in this process or in a child) and return its record. */
  exec(op: ResolvedOp): Promise<OpRecord>;
}

/** An actor: a sequence of operations run one after another on one instance. */
export interface ActorSpec {
  readonly instance: number;
  readonly ops: readonly OpSpec[];
}

/** One operation of the history. */
export interface HistoryEntry {
  readonly actor: number;
  readonly instance: string;
  readonly op: ResolvedOp;
  readonly record: OpRecord;
  /** Reference-clock ms when it was dispatched and when its record came back. */
  readonly start: number;
  readonly end: number;
}

/** What the runner needs from its backend. */
export interface RunnerEnv {
  readonly instances: readonly Instance[];
  /** The reference clock (monotonic; the backend's true time on the twin). */
  now(): number;
  /** A pause between two operations of an actor. */
  tick(): Promise<void>;
  /** Grace period given to `sweepOrphanBlobs`, ms. */
  readonly graceMs: number;
  /** A short per-call `deadlineMs` for `store` operations that ask for one. */
  readonly shortDeadlineMs: number;
  /** Whether a `late` sweep waits the grace period first (the twin: virtual time is cheap; the servers: no). */
  readonly lateSweeps: boolean;
}

/** Run every actor to its end (concurrently); resolves to the history in completion order. */
export async function runActors(tag: string, actors: readonly ActorSpec[], env: RunnerEnv): Promise<HistoryEntry[]> {
  const history: HistoryEntry[] = [];
  const cursors = new Map<number, string | undefined>();
  let latestExport: string | undefined;
  let latestExportStart = 0;
  await Promise.all(
    actors.map(async (actor, a) => {
      const instance = env.instances[actor.instance % env.instances.length]!;
      for (const [index, spec] of actor.ops.entries()) {
        const op: ResolvedOp = {
          spec,
          tag: `${tag}a${a}o${index}`,
          createdMs: instance.clock(),
          ...(spec.kind === 'poll' && cursors.get(a) !== undefined ? { cursor: cursors.get(a)! } : {}),
          ...(spec.kind === 'import' && latestExport !== undefined
            ? { importText: latestExport, importExportStart: latestExportStart }
            : {}),
          ...(spec.kind === 'sweep' ? { graceMs: env.graceMs, ...(spec.late && env.lateSweeps ? { waitMs: env.graceMs } : {}) } : {}),
          ...(spec.kind === 'store' && spec.shortDeadline ? { callDeadlineMs: env.shortDeadlineMs } : {}),
        };
        const start = env.now();
        const record = await instance.exec(op);
        const end = env.now();
        history.push({ actor: a, instance: instance.name, op, record, start, end });
        if (spec.kind === 'poll') cursors.set(a, record.cursor);
        if (spec.kind === 'export' && record.exportText !== undefined) {
          latestExport = record.exportText;
          latestExportStart = start;
        }
        await env.tick();
      }
    }),
  );
  return history;
}
