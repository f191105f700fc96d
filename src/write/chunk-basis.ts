/**
 * What a chunk's next transaction is built on (see chunk-writer.ts): the head version of each stream, the position
 * of each log counter, the causation-link slots probed, and the heads accepted under another generation. Each
 * cancellation moves it to what the failed conditions returned, so the re-try is informed.
 */
import { buildTransaction, type CancellationAnalysis, type ChunkTransaction } from './append-actions.js';
import type { Chunk } from './append-plan.js';
import { decodeHeadVersion, headKey } from '../layout/codecs/head.js';
import { ConcurrencyError } from '../errors/index.js';
import type { OffloadDecision } from '../blobs/offload.js';
import type { WriteContext } from '../runtime/store-context.js';

/** The stream expectations a chunk's transaction is held to. */
export interface ChunkExpectations {
  /** Streams held to an exact version (pk -> the version the chunk must find): another head is `ConcurrencyError`. */
  readonly exact: ReadonlyMap<string, number>;
  /** Read dependencies (pk -> expected version): streams the chunk does not write, checked on their heads. */
  readonly checks: ReadonlyMap<string, number>;
  /** `${domain}::${identifier}` by pk of the streams named in expectations, for errors. */
  readonly names: ReadonlyMap<string, string>;
}

/** The basis of one chunk's transactions; see the module comment. */
export class ChunkBasis {
  /** pk -> the head version the next transaction builds on (exact for expected streams, else the last known). */
  private readonly bases: Map<string, number>;
  /** Change feed: shard -> the counter position the next transaction builds on (soft: a conflict re-bases it). */
  private readonly logBases: Map<number, number>;
  /** pk -> `${domain}::${identifier}`, for `ConcurrencyError`. */
  private readonly streamKeys: Map<string, string>;
  /** Chunk index -> how many slots past its first one the event's causation link probes (hash clashes). */
  private readonly linkProbes = new Map<number, number>();
  /**
   * Heads found carrying another (or no) generation although this process's instance was just verified: the
   * condition names what they carry, once (see append-actions.ts InstanceCondition).
   */
  private readonly accepted = new Map<string, string | null>();

  /** Bases from `expected.exact`, else this process's caches as they are now. */
  constructor(
    private readonly ctx: WriteContext,
    private readonly chunk: Chunk,
    private readonly writeId: string,
    private readonly expected: ChunkExpectations,
  ) {
    this.bases = new Map([...chunk.streams].map((pk) => [pk, expected.exact.get(pk) ?? ctx.heads.get(pk) ?? 0]));
    this.logBases = new Map([...chunk.shards].map((shard) => [shard, ctx.logPositions.get(shard) ?? 0]));
    this.streamKeys = new Map([...expected.names, ...chunk.events.map((event) => [event.pk, event.streamKey] as const)]);
  }

  /** The chunk's transaction on this basis, with `decisions` (its offloads), under the call's current instance. */
  transaction(decisions: readonly OffloadDecision[]): ChunkTransaction {
    return buildTransaction(this.chunk, decisions, this.bases, this.writeId, this.linkProbes, {
      logBases: this.logBases,
      checks: this.expected.checks,
      instance: { generation: this.ctx.instance.generation, accepted: this.accepted },
    });
  }

  /** True when a failed condition shows an exact stream at another version. */
  exactConflict(analysis: CancellationAnalysis): boolean {
    const { exact } = this.expected;
    return [...analysis.headConflicts].some(([pk, actual]) => exact.has(pk) && exact.get(pk) !== actual);
  }

  /**
   * The heads the cancellation shows carrying another (or no) generation than the call's instance, those accepted
   * with exactly that value excepted (an accepted head found at the call's generation was stamped since: forgotten).
   */
  foreignHeads(analysis: CancellationAnalysis): [string, string | undefined][] {
    const { generation } = this.ctx.instance;
    for (const [pk, found] of analysis.headGenerations) if (found === generation) this.accepted.delete(pk);
    return [...analysis.headGenerations].filter(
      ([pk, found]) => found !== generation && !(this.accepted.has(pk) && this.accepted.get(pk) === (found ?? null)),
    );
  }

  /** True when a log counter this basis knew above 0 is gone (the table may have been reset). */
  logGone(analysis: CancellationAnalysis): boolean {
    return [...analysis.logConflicts].some(([shard, actual]) => actual === 0 && (this.logBases.get(shard) ?? 0) > 0);
  }

  /** The instance was confirmed unchanged: the `foreign` heads that exist are conditioned on what they carry, once. */
  accept(foreign: readonly [string, string | undefined][], analysis: CancellationAnalysis): void {
    for (const [pk, found] of foreign) if ((analysis.headConflicts.get(pk) ?? 0) > 0) this.accepted.set(pk, found ?? null);
  }

  /** A new instance was adopted: no head of another generation is accepted any more. */
  acceptNone(): void {
    this.accepted.clear();
  }

  /**
   * Move to what the failed conditions returned: heads (this process's cache too; an exact stream elsewhere is
   * `ConcurrencyError`), log counters, and the next slot of each clashing causation link.
   */
  rebase(analysis: CancellationAnalysis): void {
    const { ctx } = this;
    for (const [pk, actual] of analysis.headConflicts) {
      ctx.heads.set(pk, actual);
      this.expect(pk, actual);
      if (this.bases.has(pk)) this.bases.set(pk, actual); // a read dependency (check) is never written: no head put for it
    }
    for (const [shard, actual] of analysis.logConflicts) {
      ctx.logPositions.set(shard, actual);
      this.logBases.set(shard, actual);
    }
    for (const index of analysis.linkClashes) this.linkProbes.set(index, (this.linkProbes.get(index) ?? 0) + 1);
  }

  /** Read every written stream's head again (strongly consistent, one get each): a sequence was taken under a matching head. */
  async readHeads(): Promise<void> {
    const { ctx } = this;
    for (const pk of [...this.bases.keys()]) {
      const { item } = await ctx.kv.get(ctx.options.tableName, headKey(pk), { consistent: true });
      const actual = decodeHeadVersion(item);
      this.expect(pk, actual);
      this.bases.set(pk, actual);
      ctx.heads.set(pk, actual);
    }
  }

  /** `ConcurrencyError` when `pk` is held to an exact version other than `actual`. */
  private expect(pk: string, actual: number): void {
    const { exact } = this.expected;
    if (exact.has(pk) && exact.get(pk) !== actual) throw new ConcurrencyError(this.streamKeys.get(pk)!, exact.get(pk)!, actual);
  }
}
