import { guardItem, type Chunk } from './append-plan.js';
import { linkItem } from '../layout/codecs/link.js';
import type { OffloadDecision } from '../blobs/offload.js';
import type { ActionFailure, Condition, Item, TransactAction } from '../ports/kv-driver.js';
import { storedGuardWrite } from '../layout/codecs/guard.js';
import { encodeHead, headKey, storedHeadGeneration, storedHeadVersion } from '../layout/codecs/head.js';
import { encodeLogCounter, storedLogPosition } from '../layout/codecs/log-counter.js';
import { markerCheck } from '../layout/instance-markers.js';
import { A } from '../layout/table-layout.js';

/** What each action of a chunk's transaction is for, by position. */
export type ActionRole =
  | { readonly kind: 'head'; readonly pk: string }
  | { readonly kind: 'log'; readonly shard: number }
  | { readonly kind: 'event'; readonly index: number }
  | { readonly kind: 'guard'; readonly index: number }
  | { readonly kind: 'link'; readonly index: number }
  /** A condition check on the head of a stream the batch reads but does not write (a read dependency). */
  | { readonly kind: 'check'; readonly pk: string }
  /** The check of an instance marker (see instance-markers.ts): the transaction commits only into the writer's instance. */
  | { readonly kind: 'instance' };

/** The transaction of one chunk at given stream bases. */
export interface ChunkTransaction {
  readonly actions: TransactAction[];
  readonly roles: ActionRole[];
  /** The sequence each event of the chunk gets, in chunk order. */
  readonly sequences: number[];
}

/** No change feed: no log shards, no bases. */
const NO_LOG_BASES: ReadonlyMap<number, number> = new Map();
/** No read dependencies. */
const NO_CHECKS: ReadonlyMap<string, number> = new Map();
/** No heads of another generation accepted. */
const NO_ACCEPTED: ReadonlyMap<string, string | null> = new Map();

/** What the transaction's head conditions name of the table instance (see {@link buildTransaction}). */
export interface InstanceCondition {
  /** The generation of the instance the writer verified (its `init` read it from the layout record): never ''. */
  readonly generation: string;
  /**
   * Streams whose head carries another generation (a string) or none (null) although the writer has just verified
   * its instance (by reading the layout record): their condition names that value instead, and the put stamps
   * `generation`; an instance marker check then ties the transaction.
   */
  readonly accepted?: ReadonlyMap<string, string | null>;
}

/**
 * Build the chunk's transaction: per stream a head put conditioned on its base (`notExists` for 0, else
 * `version = base` and the head's generation = `extras.instance.generation`, see {@link InstanceCondition}) that
 * sets the new version and the writer's generation; with a change feed, per log shard the same on its counter
 * (`extras.logBases`), each event taking the next position of its shard (`lsk`); per read dependency
 * (`extras.checks`: pk -> expected version, streams the chunk does not write) a condition check on its head (0:
 * absent or at 0; else `version = expected`); when no head condition names the writer's generation, a check of the
 * first stream's instance marker (see instance-markers.ts); per event its item and id guard (both `notExists`) and,
 * with a cause, its causation link at the event's slot + `linkProbes[index]` (`notExists`).
 * So every transaction built commits only into the instance `extras.instance` names (a head condition or the
 * marker check ties it): a commit never needs its instance confirmed after the fact. Throws when that generation
 * is '' (a write before `init`: nothing could tie it), before anything is sent.
 */
export function buildTransaction(
  chunk: Chunk,
  decisions: readonly OffloadDecision[],
  bases: ReadonlyMap<string, number>,
  writeId: string,
  linkProbes: ReadonlyMap<number, number>,
  extras: {
    readonly logBases?: ReadonlyMap<number, number>;
    readonly checks?: ReadonlyMap<string, number>;
    readonly instance: InstanceCondition;
  },
): ChunkTransaction {
  const logBases = extras.logBases ?? NO_LOG_BASES;
  const checks = extras.checks ?? NO_CHECKS;
  const { generation } = extras.instance;
  if (generation === '')
    throw new Error('buildTransaction: no verified table instance (a write before init): the commit could not be tied to one');
  const accepted = extras.instance.accepted ?? NO_ACCEPTED;
  /** Whether some head condition names `generation` (else the marker check must). */
  let tied = false;
  /** The condition on a head at `version` > 0: its version, and the generation it must carry. */
  const atHead = (pk: string, version: number): Condition => {
    const atVersion: Condition = { kind: 'equals', attribute: A.version, value: version };
    const seen = accepted.has(pk) ? accepted.get(pk)! : generation;
    if (!accepted.has(pk)) tied = true;
    return seen === null || seen === ''
      ? atVersion
      : { kind: 'and', conditions: [atVersion, { kind: 'equals', attribute: A.generation, value: seen }] };
  };
  const next = new Map(bases);
  const nextPosition = new Map(logBases);
  const sequences: number[] = [];
  const actions: TransactAction[] = [];
  const roles: ActionRole[] = [];
  const perEvent: { action: TransactAction; role: ActionRole }[] = [];
  chunk.events.forEach((event, index) => {
    const sequence = next.get(event.pk)! + 1;
    next.set(event.pk, sequence);
    sequences.push(sequence);
    const item: Item = { ...decisions[index]!.item, [A.sk]: sequence };
    if (event.logShard !== undefined) {
      const position = nextPosition.get(event.logShard)! + 1;
      nextPosition.set(event.logShard, position);
      item[A.logSk] = position;
    }
    perEvent.push({ action: { type: 'put', item, condition: { kind: 'notExists' } }, role: { kind: 'event', index } });
    perEvent.push({
      action: { type: 'put', item: guardItem(event, sequence, writeId), condition: { kind: 'notExists' } },
      role: { kind: 'guard', index },
    });
    if (event.causationId !== undefined) {
      const slot = event.linkSlot! + (linkProbes.get(index) ?? 0);
      const link = linkItem(event.causationId, slot, event.validated.event.id, event.pk, sequence, event.validated.createdIso);
      perEvent.push({ action: { type: 'put', item: link, condition: { kind: 'notExists' } }, role: { kind: 'link', index } });
    }
  });
  for (const [pk, base] of bases) {
    actions.push({
      type: 'put',
      item: encodeHead(pk, next.get(pk)!, generation),
      condition: base === 0 ? { kind: 'notExists' } : atHead(pk, base),
    });
    roles.push({ kind: 'head', pk });
  }
  for (const [shard, base] of logBases) {
    actions.push({
      type: 'put',
      item: encodeLogCounter(shard, nextPosition.get(shard)!),
      condition: base === 0 ? { kind: 'notExists' } : { kind: 'equals', attribute: A.version, value: base },
    });
    roles.push({ kind: 'log', shard });
  }
  for (const [pk, expected] of checks) {
    const atZero: Condition = { kind: 'or', conditions: [{ kind: 'notExists' }, { kind: 'equals', attribute: A.version, value: 0 }] };
    actions.push({ type: 'conditionCheck', key: headKey(pk), condition: expected === 0 ? atZero : atHead(pk, expected) });
    roles.push({ kind: 'check', pk });
  }
  if (!tied) {
    // Nothing above names the instance (every stream new, or heads of accepted generations): an instance marker does.
    actions.push(markerCheck(chunk.events[0]!.pk, generation));
    roles.push({ kind: 'instance' });
  }
  for (const { action, role } of perEvent) {
    actions.push(action);
    roles.push(role);
  }
  return { actions, roles, sequences };
}

/** What a cancelled chunk transaction says. */
export interface CancellationAnalysis {
  /** Head pk -> the version it is really at. */
  readonly headConflicts: Map<string, number>;
  /** Head pk -> the generation its head really carries (undefined: absent head, or one written before generations). */
  readonly headGenerations: Map<string, string | undefined>;
  /** Log shard -> the position its counter is really at (change feed). */
  readonly logConflicts: Map<number, number>;
  /** Chunk indexes of events whose id guard exists, written by ANOTHER write. */
  readonly foreignGuards: number[];
  /** Chunk index -> sequence, for guards this very write already stored (an earlier attempt committed). */
  readonly ownSequences: Map<number, number>;
  /** Chunk indexes whose causation link slot is taken by another event's link (a hash clash: probe the next slot). */
  readonly linkClashes: number[];
  /** An event's sequence slot was taken although its head matched (a head out of step with its events). */
  readonly sequenceTaken: boolean;
  /** Some action was cancelled by a conflicting transaction or throttled (retry as is). */
  readonly retryable: boolean;
  /** Some action was throttled (a fault: counted against the retry policy's attempts). */
  readonly throttled: boolean;
  /** The backend's validation message, when an action was invalid. */
  readonly validation: string | undefined;
  /** The instance marker did not name the writer's generation (the table was reset elsewhere, or lost its markers). */
  readonly instanceMoved: boolean;
}

/** Read the per-action reasons of a cancelled transaction against the roles of its actions. */
export function analyseCancellation(
  tx: ChunkTransaction,
  reasons: readonly ActionFailure[],
  chunk: Chunk,
  writeId: string,
): CancellationAnalysis {
  const analysis = {
    headConflicts: new Map<string, number>(),
    headGenerations: new Map<string, string | undefined>(),
    logConflicts: new Map<number, number>(),
    foreignGuards: [] as number[],
    ownSequences: new Map<number, number>(),
    linkClashes: [] as number[],
    sequenceTaken: false,
    retryable: false,
    throttled: false,
    validation: undefined as string | undefined,
    instanceMoved: false,
  };
  reasons.forEach((reason, position) => {
    const role = tx.roles[position];
    if (!role) return;
    if (reason.kind === 'conflict' || reason.kind === 'throttled') analysis.retryable = true;
    if (reason.kind === 'throttled') analysis.throttled = true;
    if (reason.kind === 'validation') analysis.validation = reason.message;
    if (reason.kind !== 'conditionFailed') return;
    switch (role.kind) {
      case 'head':
      case 'check': {
        analysis.headConflicts.set(role.pk, storedHeadVersion(reason.item));
        analysis.headGenerations.set(role.pk, storedHeadGeneration(reason.item));
        return;
      }
      case 'log': {
        analysis.logConflicts.set(role.shard, storedLogPosition(reason.item));
        return;
      }
      case 'guard': {
        const stored = storedGuardWrite(reason.item);
        if (stored?.writeId === writeId) analysis.ownSequences.set(role.index, stored.sequence);
        else analysis.foreignGuards.push(role.index);
        return;
      }
      case 'link': {
        // Our own link (same event id) means the event itself is stored: the guard says by whom.
        if (reason.item?.[A.id] !== chunk.events[role.index]!.validated.event.id) analysis.linkClashes.push(role.index);
        return;
      }
      case 'event':
        analysis.sequenceTaken = true;
        return;
      case 'instance':
        analysis.instanceMoved = true;
        return;
    }
  });
  return analysis;
}
