/**
 * Versions of items with visibility times: what a lagging view (an index, or an eventually consistent replica of
 * the table) shows at a time. Each write adds a version (a value, or `undefined` for "absent") with a sequence
 * number and the time from which it is visible. At time `t` the view shows, for each item, the version with the
 * HIGHEST sequence number among those visible by `t`: versions may become visible out of write order, but once a
 * version shows, no older one ever shows again (for a non-decreasing `t`), and nothing shows before it is written.
 */

/** One version of one item. */
interface Version<T> {
  /** Write order: higher is newer. */
  readonly seq: number;
  /** Milliseconds from which this version is visible. */
  readonly visibleAt: number;
  /** The value, `undefined` when the item is absent in this version. */
  readonly value: T | undefined;
}

/** Versions of items keyed by id. */
export class VersionedView<T> {
  private readonly versions = new Map<string, Version<T>[]>();

  /** Add a version of item `id`: `value` (`undefined`: absent), written as number `seq`, visible from `visibleAt`. */
  record(id: string, value: T | undefined, seq: number, visibleAt: number): void {
    const list = this.versions.get(id);
    if (list === undefined) this.versions.set(id, [{ seq, visibleAt, value }]);
    else list.push({ seq, visibleAt, value });
  }

  /** The value item `id` shows at time `at` (`undefined` when absent or nothing is visible yet). */
  visible(id: string, at: number): T | undefined {
    return newestVisible(this.versions.get(id), at)?.value;
  }

  /** Every value shown at time `at`, with its id (absent items left out). */
  *visibleAll(at: number): Iterable<[string, T]> {
    for (const [id, list] of this.versions) {
      const value = newestVisible(list, at)?.value;
      if (value !== undefined) yield [id, value];
    }
  }

  /**
   * Forget what can no longer show from time `horizon` on (for non-decreasing read times >= `horizon`): versions
   * older than the newest one visible by `horizon`, and items whose only remaining version is a visible absence.
   */
  prune(id: string, horizon: number): void {
    const list = this.versions.get(id);
    if (list === undefined) return;
    const shown = newestVisible(list, horizon);
    if (shown === undefined) return;
    const kept = list.filter((version) => version.seq >= shown.seq);
    if (kept.length === 1 && kept[0]!.value === undefined) this.versions.delete(id);
    else this.versions.set(id, kept);
  }

  /** {@link prune} every item. */
  pruneAll(horizon: number): void {
    for (const id of [...this.versions.keys()]) this.prune(id, horizon);
  }
}

function newestVisible<T>(list: readonly Version<T>[] | undefined, at: number): Version<T> | undefined {
  let shown: Version<T> | undefined;
  for (const version of list ?? []) {
    if (version.visibleAt <= at && (shown === undefined || version.seq > shown.seq)) shown = version;
  }
  return shown;
}
