/**
 * The lagging reads of one table under the twin's opt-in `indexLag`: every write becomes a version in each index
 * it touches, visible after a delay drawn from the lag distribution (so items reach an index out of order, but
 * never before their base-table write and never older than a state already shown), and, with `eventualReads`, a
 * version of the table itself, so an eventually consistent read sees the table as it was up to `tailMs` ago.
 * Strongly consistent reads never come here: the table's current views serve them.
 */
import type { KeyValue } from '../../src/ports/kv-driver.js';
import type { LagSampler } from './index-lag.js';
import { keyValueId } from './key-schema.js';
import type { StoredRecord } from './memory-table.js';
import { SortedPartitions, type Entry } from './sorted-entries.js';
import { VersionedView } from './versioned-view.js';

/** What a table's lagging reads need from the driver. */
export interface LagSettings {
  /** The lag distribution (shared by the driver's tables, so delays follow the driver-wide call order). */
  readonly sampler: LagSampler;
  /** Milliseconds since the epoch (the driver's `clock`); assumed non-decreasing. */
  readonly clock: () => number;
  /** Whether eventually consistent base-table reads may be stale (else only indexes lag). */
  readonly eventualReads: boolean;
}

/** The lagging index views (and, with `eventualReads`, the lagging table view) of one table. */
export class LaggedReads {
  private seq = 0;
  private readonly indexes = new Map<string, VersionedView<Entry>>();
  private readonly table: VersionedView<StoredRecord> | undefined;

  constructor(
    indexNames: readonly string[],
    private readonly settings: LagSettings,
  ) {
    for (const name of indexNames) this.indexes.set(name, new VersionedView<Entry>());
    this.table = settings.eventualReads ? new VersionedView<StoredRecord>() : undefined;
  }

  /** Whether eventually consistent table reads go through the lagging table view. */
  get eventualReads(): boolean {
    return this.table !== undefined;
  }

  /**
   * Record a write of item `id` (from `before` to `after`; `undefined`: absent): one version in each index either
   * state belongs to, visible after its own random delay, and one version of the table visible at once.
   */
  recordWrite(id: string, before: StoredRecord | undefined, after: StoredRecord | undefined): void {
    const now = this.settings.clock();
    const seq = ++this.seq;
    for (const [name, view] of this.indexes) {
      const fresh = after?.indexEntries.get(name);
      if (before?.indexEntries.get(name) === undefined && fresh === undefined) continue;
      view.record(id, fresh, seq, now + this.settings.sampler.next());
      view.prune(id, now);
    }
    if (this.table !== undefined) {
      this.table.record(id, after, seq, now);
      this.table.prune(id, now - this.settings.sampler.maxMs);
    }
  }

  /** The entries of `partition` that index `index` shows now. */
  indexPartition(index: string, partition: KeyValue): SortedPartitions {
    const view = this.indexes.get(index)!;
    const now = this.settings.clock();
    view.pruneAll(now);
    return SortedPartitions.of(inPartition(view.visibleAll(now), partition));
  }

  /** Item `id` as an eventually consistent read sees it: as stored at a random moment of the last `tailMs`. */
  eventualRecord(id: string): StoredRecord | undefined {
    return this.table!.visible(id, this.readTime());
  }

  /** The table entries of `partition` as an eventually consistent query sees them (one moment for the page). */
  eventualTablePartition(partition: KeyValue): SortedPartitions {
    const table = this.table!;
    const at = this.readTime();
    const entries = function* (): Iterable<[string, Entry]> {
      for (const [id, record] of table.visibleAll(at)) yield [id, record.tableEntry];
    };
    return SortedPartitions.of(inPartition(entries(), partition));
  }

  private readTime(): number {
    return this.settings.clock() - this.settings.sampler.next();
  }
}

function* inPartition(entries: Iterable<[string, Entry]>, partition: KeyValue): Iterable<Entry> {
  const wanted = keyValueId(partition);
  for (const [, entry] of entries) if (keyValueId(entry.partition) === wanted) yield entry;
}
