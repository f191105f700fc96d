/**
 * How `import` keeps each event's exported `sequence`. An export is in `created, id` order, which is not each
 * stream's sequence order when a stream's events were appended out of `created` order (a writer with a later clock
 * first, a historic `created`). Appending in file order would then give them other sequences than they had; so an
 * event carrying a `sequence` is stored only at that sequence (`expectedSequences`: the stream must be at
 * `sequence - 1`):
 * - an event that arrives before its stream's earlier events waits (in memory, at most {@link MAX_WAITING_EVENTS})
 *   and is stored right after them;
 * - an event whose sequence is already taken in the target by another event, or whose earlier events never come
 *   (not in the file, or refused), is not stored: an `OPS/SEQUENCE_MISMATCH` issue names it.
 * Events without a `sequence` (files from elsewhere) go to the end of their stream, as appends do.
 */
import type { CreatedEvent, ExpectedStreamSequence } from '../src/index.js';
import { OpsError, OpsErrorCodes } from './errors.js';

/** Most events held back waiting for an earlier event of their stream; past it the import stops (`OPS/SEQUENCE_MISMATCH`). */
export const MAX_WAITING_EVENTS = 10_000;

/** Stream heads remembered between batches; past it, those of streams without waiting events are forgotten (read again when needed). */
const MAX_KNOWN_HEADS = 100_000;

/** A line's event and its exported sequence. */
export interface ImportEntry {
  readonly line: number;
  readonly event: CreatedEvent;
  readonly sequence: number | undefined;
}

/** The key of an event's stream (for maps). */
export function streamOf(event: CreatedEvent): string {
  return JSON.stringify([event.domain, event.identifier ?? '']);
}

/** What to do with a batch: the events to store now (each stream's in sequence order) and the expectations to store them under. */
export interface PlannedBatch {
  readonly ready: ImportEntry[];
  readonly expectations: ExpectedStreamSequence[];
  /** Entries whose sequence is taken in the target (the stream is already past it). */
  readonly taken: { entry: ImportEntry; head: number }[];
}

/** Orders the events of an import by their exported sequences (see the module comment). */
export class SequenceKeeper {
  /** Each stream's head as last read or stored (streams of waiting events, and those of the current batch). */
  private readonly heads = new Map<string, number>();
  /** Events waiting for an earlier event of their stream: stream -> sequence -> entry. */
  private readonly waiting = new Map<string, Map<number, ImportEntry>>();
  private waitingCount = 0;

  /** @param headOf the stream's current sequence in the target (strongly consistent). */
  constructor(private readonly headOf: (domain: string, identifier: string) => Promise<number>) {}

  /**
   * Plan `entries` (not stored yet, distinct ids, in file order): which to store now, in what order, under which
   * expectations; the rest wait. @throws `OPS/SEQUENCE_MISMATCH` past {@link MAX_WAITING_EVENTS} waiting events.
   */
  async plan(entries: readonly ImportEntry[]): Promise<PlannedBatch> {
    const ready: ImportEntry[] = [];
    const taken: PlannedBatch['taken'] = [];
    const before = new Map<string, number>();
    if (this.heads.size > MAX_KNOWN_HEADS) for (const stream of this.heads.keys()) if (!this.waiting.has(stream)) this.heads.delete(stream);
    for (const entry of entries) {
      const stream = streamOf(entry.event);
      let head = this.heads.get(stream);
      if (head === undefined) {
        head = await this.headOf(entry.event.domain, entry.event.identifier ?? '');
        this.heads.set(stream, head);
      }
      if (!before.has(stream)) before.set(stream, head);
      if (entry.sequence === undefined || entry.sequence === head + 1) {
        ready.push(entry);
        this.heads.set(stream, head + 1);
        this.release(stream, ready);
      } else if (entry.sequence <= head) {
        taken.push({ entry, head });
      } else if (!this.wait(stream, entry)) {
        taken.push({ entry, head }); // another line of the file claims this sequence already
      }
    }
    const expectations = [...before].map(([stream, version]) => {
      const [domain, identifier] = JSON.parse(stream) as [string, string];
      return { domain, identifier, expectedSequence: version };
    });
    return { ready, expectations, taken };
  }

  /** After a planned batch failed to store: forget the heads it assumed (they are read again when next needed). */
  forget(entries: readonly ImportEntry[]): void {
    for (const entry of entries) this.heads.delete(streamOf(entry.event));
  }

  /** Events still waiting (their earlier events never came), in line order; empties the keeper. */
  drain(): ImportEntry[] {
    const left = [...this.waiting.values()].flatMap((entries) => [...entries.values()]).sort((a, b) => a.line - b.line);
    this.waiting.clear();
    this.waitingCount = 0;
    return left;
  }

  /** Move the waiting successors of `stream`'s head into `into`, advancing the head. */
  private release(stream: string, into: ImportEntry[]): void {
    const queue = this.waiting.get(stream);
    if (!queue) return;
    for (let head = this.heads.get(stream)!; queue.has(head + 1); head++) {
      into.push(queue.get(head + 1)!);
      queue.delete(head + 1);
      this.waitingCount--;
      this.heads.set(stream, head + 1);
    }
    if (queue.size === 0) this.waiting.delete(stream);
  }

  /** Hold `entry` back until its stream reaches `sequence - 1`; false when another entry waits for that sequence already. */
  private wait(stream: string, entry: ImportEntry): boolean {
    let queue = this.waiting.get(stream);
    if (!queue) this.waiting.set(stream, (queue = new Map()));
    if (queue.has(entry.sequence!)) return false;
    if (this.waitingCount >= MAX_WAITING_EVENTS) {
      throw new OpsError(
        OpsErrorCodes.SEQUENCE_MISMATCH,
        `line ${entry.line}: more than ${MAX_WAITING_EVENTS} events wait for an earlier event of their stream ` +
          "(the file is far from each stream's sequence order); what was stored so far is kept, a re-run skips it",
        { details: { line: entry.line, id: entry.event.id, waiting: this.waitingCount } },
      );
    }
    queue.set(entry.sequence!, entry);
    this.waitingCount++;
    return true;
  }
}
