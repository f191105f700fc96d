/**
 * The invariants checked after each whole-API schedule, through a fault-free store on the same table, relative to
 * the LAST reset: a `resetStore` legitimately drops what was written before it, so an operation is judged by the
 * resets that may have overlapped it. An acknowledged write "must survive" when every reset (attempt) of the
 * schedule had ended before the write was dispatched; a write overlapping a reset may or may not be there, but
 * whatever is there must be whole, readable and unique.
 *
 * - 0 lost: every event of a write that must survive (`storeEvents`, `appendBatch`, or an import) is readable by id,
 *   in its stream, in replay and in the change feed, with the content written;
 * - 0 unreadable: every replayed and streamed event hydrates (no `DECODE/MISSING_BLOB`), every stream's snapshot reads,
 *   and a snapshot acknowledged after the last reset is there at its sequence or a later one;
 * - 0 hidden: replay holds exactly the union of the streams' events; the feed read from its beginning, exactly them;
 * - 0 duplicated: each id once in replay, in each stream and in the feed; each stream's sequences are 1..n, gapless;
 * - definite failures are definite: nothing of a batch refused with `STORE/CONCURRENCY` or an `INPUT/*` error is
 *   stored; `STORE/DUPLICATE_EVENT_ID` only after an unknown outcome, for a batch stored in part (never whole);
 *   nothing stored that no operation wrote;
 * - every call answered within its deadline plus {@link AuditEnv.slackMs};
 * - a consumer always makes progress: every consumer name used in the schedule, and a new one, subscribed after the
 *   schedule, delivers every stored event within a bound.
 */
import { lineToEvent } from '../../ops/ndjson.js';
import type { CreatedEvent, ExpectedStreamVersion, StoredEvent } from '../../src/compat/contract-types.js';
import { ErrorCodes, type EventStoreAdapterError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/event-store.js';
import { codeOf } from './execute.js';
import { DOMAIN, eventsOf, STREAMS } from './model.js';
import type { HistoryEntry } from './runner.js';

/** What the audit needs from its backend. */
export interface AuditEnv {
  /** A store on the same table over fault-free drivers, with `onUnreadable` reporting into {@link unreadable}. */
  readonly verifier: EventStore;
  readonly unreadable: EventStoreAdapterError[];
  tick(): Promise<void>;
  /** Ticks a consumer may take to deliver every stored event after the schedule. */
  readonly maxDrainTicks: number;
  /** Allowed time past a call's deadline, in the instance's clock ms (see the test files for why each value). */
  readonly slackMs: number;
}

/** Figures of one audit. */
export interface AuditCounts {
  storedEvents: number;
  mustSurvive: number;
  overlappedReset: number;
  calls: number;
  overruns: number;
  maxOverrunMs: number;
}

/** Check the invariants; resolves to the violations (empty when the schedule passed) and its figures. */
export async function audit(history: readonly HistoryEntry[], env: AuditEnv): Promise<{ violations: string[]; counts: AuditCounts }> {
  const violations: string[] = [];
  const counts: AuditCounts = { storedEvents: 0, mustSurvive: 0, overlappedReset: 0, calls: 0, overruns: 0, maxOverrunMs: 0 };
  const { verifier } = env;
  for (const entry of history)
    for (const violation of entry.record.violations)
      violations.push(`${entry.op.tag} (${entry.record.kind} on ${entry.instance}): ${violation}`);

  // Resets, as intervals: any attempt may have dropped the table.
  const resets = history.filter((entry) => entry.record.kind === 'reset');
  const overlapsReset = (entry: HistoryEntry) => resets.some((reset) => reset.end >= entry.start && reset !== entry);

  // Every event any operation wrote (writes and imports), by id.
  const written = new Map<string, CreatedEvent>();
  for (const entry of history) for (const event of eventsOf(entry.op)) written.set(event.id, event);

  // Replay, streams, snapshots: through the fault-free verifier.
  env.unreadable.length = 0;
  const replayed: StoredEvent[] = [];
  try {
    for await (const page of await verifier.getAllEvents(13)) replayed.push(...page);
  } catch (error) {
    violations.push(`replay failed: ${codeOf(error)}: ${(error as Error).message}`);
  }
  for (const error of env.unreadable) violations.push(`unreadable in replay: ${error.code} ${JSON.stringify(error.details).slice(0, 200)}`);
  const replayIds = replayed.map((event) => event.id);
  const replayById = new Map(replayed.map((event) => [event.id, event]));
  if (replayById.size !== replayIds.length)
    violations.push(
      `replay holds ids twice: ${replayIds
        .filter((id, index) => replayIds.indexOf(id) !== index)
        .slice(0, 5)
        .join(', ')}`,
    );
  counts.storedEvents = replayById.size;

  const streamed = new Map<string, StoredEvent>();
  /** Streams whose read failed: their events are not looked for in them (the failure is the violation). */
  const unreadableStreams = new Set<string>();
  for (let stream = 0; stream < STREAMS; stream++) {
    const identifier = `s${stream}`;
    try {
      const events = await verifier.getStreamEvents(DOMAIN, identifier);
      const sequences = events.map((event) => event.sequence);
      if (sequences.some((sequence, index) => sequence !== index + 1))
        violations.push(`stream ${identifier} not gapless: ${JSON.stringify(sequences.slice(0, 30))}`);
      for (const event of events) {
        if (streamed.has(event.id)) violations.push(`${event.id} twice in streams`);
        streamed.set(event.id, event);
      }
    } catch (error) {
      unreadableStreams.add(identifier);
      violations.push(`getStreamEvents ${identifier}: ${codeOf(error)}: ${(error as Error).message.slice(0, 200)}`);
    }
    try {
      const snapshot = await verifier.getSnapshot<{ sequence: number }>(DOMAIN, identifier);
      if (snapshot && snapshot.state.sequence !== snapshot.sequence)
        violations.push(`snapshot of ${identifier}: state of sequence ${snapshot.state.sequence} saved as ${snapshot.sequence}`);
      const acked = history.filter(
        (entry) =>
          entry.op.spec.kind === 'snapshot' &&
          entry.op.spec.stream === stream &&
          entry.record.outcome === 'acked' &&
          entry.record.snapshotSaved !== undefined &&
          !overlapsReset(entry),
      );
      const newest = Math.max(-1, ...acked.map((entry) => entry.record.snapshotSaved!));
      if (newest >= 0 && (snapshot === null || snapshot.sequence < newest))
        violations.push(
          `snapshot of ${identifier}: saved at ${newest} (after the last reset), reads ${snapshot === null ? 'null' : snapshot.sequence}`,
        );
    } catch (error) {
      violations.push(`getSnapshot ${identifier} after the schedule: ${codeOf(error)}: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  const hiddenFromReplay = [...streamed.keys()].filter((id) => !replayById.has(id));
  const notInStreams = replayIds.filter((id) => !streamed.has(id) && !unreadableStreams.has(replayById.get(id)!.identifier ?? ''));
  if (hiddenFromReplay.length > 0)
    violations.push(`in a stream but hidden from replay: ${hiddenFromReplay.slice(0, 5).join(', ')} (${hiddenFromReplay.length})`);
  if (notInStreams.length > 0) violations.push(`in replay but in no stream: ${notInStreams.slice(0, 5).join(', ')}`);
  for (const [id, event] of replayById) {
    const source = written.get(id);
    if (!source) violations.push(`stored but written by no operation: ${id}`);
    else if (!sameContent(event, source)) violations.push(`${id}: replayed content differs from what was written`);
    const inStream = streamed.get(id);
    if (inStream && inStream.sequence !== event.sequence)
      violations.push(`${id}: sequence ${event.sequence} in replay, ${inStream.sequence} in its stream`);
  }

  // The feed, read from its beginning by a new consumer of getLogPage.
  const feed = await readWholeFeed(verifier, env, violations);
  if (feed) {
    const missing = [...streamed.keys()].filter((id) => !feed.has(id));
    const extra = [...feed].filter((id) => !streamed.has(id) && !replayById.has(id));
    if (missing.length > 0) violations.push(`stored but not in the change feed: ${missing.slice(0, 5).join(', ')} (${missing.length})`);
    if (extra.length > 0) violations.push(`in the change feed but not stored: ${extra.slice(0, 5).join(', ')}`);
  }

  // Each operation's obligations.
  for (const entry of history) {
    const { record, op } = entry;
    const label = `${op.tag} (${record.kind} on ${entry.instance}, ${record.outcome}${record.code ? ` ${record.code}` : ''}, ${record.unknownOutcomes} unknown)`;
    const overlapped = overlapsReset(entry);
    if (overlapped) counts.overlappedReset++;
    for (const call of record.calls) {
      counts.calls++;
      if (call.deadlineMs === undefined) continue; // export and import: many calls, each bounded (and recorded) inside
      const over = call.durationMs - call.deadlineMs;
      if (over > env.slackMs) {
        counts.overruns++;
        violations.push(
          `${label}: ${call.method} answered ${call.durationMs} ms after it started, deadline ${call.deadlineMs} ms + slack ${env.slackMs} ms`,
        );
      }
      counts.maxOverrunMs = Math.max(counts.maxOverrunMs, over);
      if (call.code === ErrorCodes.RESOURCE_NOT_FOUND && resets.length === 0)
        violations.push(`${label}: ${call.method} found no table, and nothing reset it`);
    }
    if ((record.staleCursors ?? 0) > 0 && !resets.some((reset) => reset.start <= entry.end))
      violations.push(`${label}: a stale cursor without a reset before it`);
    if (record.kind === 'export' && record.exportText !== undefined) {
      for (const [index, line] of record.exportText
        .split('\n')
        .filter((text) => text !== '')
        .entries()) {
        const exported = lineToEvent(line, index + 1).event;
        const source = written.get(exported.id);
        if (!source) violations.push(`${label}: exported an event no operation wrote: ${exported.id}`);
        else if (!sameContent(exported, source)) violations.push(`${label}: exported ${exported.id} with other content than written`);
      }
    }
    if (record.kind === 'import' && record.imported) {
      // A reset after the export began may have dropped its events, and writers since may have taken their
      // sequences in the new table: the import then reports each such event (OPS/SEQUENCE_MISMATCH) instead of
      // storing it out of place. Without such a reset no sequence of an exported event can be taken.
      const resetSinceExport = resets.some(
        (reset) => reset.end >= (op.importExportStart ?? Number.POSITIVE_INFINITY) && reset.start <= entry.end,
      );
      const reported = new Set<string>();
      for (const issue of record.imported.issues) {
        if (issue.code === 'OPS/SEQUENCE_MISMATCH' && resetSinceExport && issue.id !== undefined) reported.add(issue.id);
        else violations.push(`${label}: import issue ${issue.kind} ${issue.code} for ${issue.id ?? '?'}`);
      }
      if (record.outcome === 'acked' && !overlapped && op.importText !== undefined) {
        const ids = op.importText
          .split('\n')
          .filter((text) => text !== '')
          .map((line, index) => lineToEvent(line, index + 1).event.id)
          .filter((id) => !reported.has(id));
        counts.mustSurvive += ids.length;
        const lost = ids.filter(
          (id) => !replayById.has(id) || (!streamed.has(id) && !unreadableStreams.has(written.get(id)?.identifier ?? '')),
        );
        if (lost.length > 0)
          violations.push(`${label}: imported events lost: ${lost.slice(0, 5).join(', ')} (${lost.length} of ${ids.length})`);
      }
    }
    if (
      record.kind === 'snapshot' &&
      record.snapshotSaved !== undefined &&
      record.snapshotRead &&
      record.snapshotRead.code === undefined &&
      !overlapped
    ) {
      if (record.snapshotRead.sequence === null || record.snapshotRead.sequence < record.snapshotSaved)
        violations.push(`${label}: saved at ${record.snapshotSaved}, read back right after as ${record.snapshotRead.sequence}`);
    }
    const events = eventsOf(op);
    if (events.length === 0) continue;
    const ids = events.map((event) => event.id);
    const present = ids.filter((id) => streamed.has(id) || replayById.has(id));
    if (record.kind === 'bad') {
      if (present.length > 0) violations.push(`${label}: an invalid batch stored ${present.length} of ${ids.length} events`);
      continue;
    }
    if (record.outcome === 'acked' && !overlapped) {
      counts.mustSurvive += ids.length;
      for (const id of ids) {
        const byId = await verifier.getEventById(id).catch((error: unknown) => {
          violations.push(`${label}: getEventById ${id}: ${codeOf(error)}`);
          return undefined;
        });
        const inUnreadableStream = unreadableStreams.has(written.get(id)!.identifier ?? '');
        const where = [
          byId ? '' : 'by id',
          streamed.has(id) || inUnreadableStream ? '' : 'in its stream',
          replayById.has(id) ? '' : 'in replay',
          !feed || feed.has(id) ? '' : 'in the feed',
        ].filter((text) => text !== '');
        if (where.length > 0) violations.push(`${label}: acknowledged event ${id} lost: not readable ${where.join(', ')}`);
        else if (byId && !sameContent(byId, written.get(id)!)) violations.push(`${label}: ${id} read by id with other content`);
      }
    }
    if (record.outcome === 'refused' && record.code === ErrorCodes.CONCURRENCY && present.length > 0)
      violations.push(`${label}: refused with a concurrency error, yet ${present.length} of its events are stored`);
    if (record.outcome === 'refused' && record.code === ErrorCodes.DUPLICATE_EVENT_ID && !overlapped) {
      if (record.unknownOutcomes === 0) violations.push(`${label}: DUPLICATE_EVENT_ID without an earlier unknown outcome`);
      if (present.length === ids.length)
        violations.push(`${label}: DUPLICATE_EVENT_ID for a batch stored whole and identical (its retry must succeed)`);
    }
    const inUnreadableStreams = events.some((event) => unreadableStreams.has(event.identifier ?? ''));
    if (present.length > 0 && !overlapped && record.outcome !== 'refused' && !inUnreadableStreams) {
      const prefix = ids.slice(0, present.length);
      if (prefix.join() !== present.join())
        violations.push(`${label}: stored events are not a prefix of the batch: ${present.slice(0, 5).join(', ')}`);
    }
  }

  // A consumer always makes progress: every name used, and a new one, delivers every stored event.
  const names = new Set(history.flatMap((entry) => (entry.op.spec.kind === 'subscribe' ? [`consumer-${entry.op.spec.consumer}`] : [])));
  const deliveredBefore = new Map<string, Set<string>>();
  for (const entry of history) {
    if (entry.op.spec.kind !== 'subscribe') continue;
    const name = `consumer-${entry.op.spec.consumer}`;
    const set = deliveredBefore.get(name) ?? new Set<string>();
    for (const id of entry.record.delivered ?? []) set.add(id);
    deliveredBefore.set(name, set);
  }
  for (const name of [...names, 'consumer-after-the-schedule']) {
    await drainConsumer(verifier, name, new Set(streamed.keys()), deliveredBefore.get(name) ?? new Set(), env, violations);
  }
  return { violations, counts };
}

/** The whole change feed from its beginning (getLogPage chained), or undefined when it failed (a violation). */
async function readWholeFeed(verifier: EventStore, env: AuditEnv, violations: string[]): Promise<Set<string> | undefined> {
  const ids: string[] = [];
  let cursor: ExpectedStreamVersion[] | undefined;
  let empty = 0;
  for (let page = 0; page < env.maxDrainTicks && empty < 3; page++) {
    try {
      const result = await verifier.getLogPage(cursor, 17);
      ids.push(...result.events.map((event) => event.id));
      cursor = result.cursor;
      empty = result.events.length === 0 ? empty + 1 : 0;
    } catch (error) {
      violations.push(`reading the change feed: ${codeOf(error)}: ${(error as Error).message.slice(0, 200)}`);
      return undefined;
    }
    if (empty > 0) await env.tick();
  }
  const set = new Set(ids);
  if (set.size !== ids.length)
    violations.push(
      `the change feed delivered ids twice: ${ids
        .filter((id, index) => ids.indexOf(id) !== index)
        .slice(0, 5)
        .join(', ')}`,
    );
  return set;
}

/** Subscribe `name` and wait until it has delivered (now or before) every id of `stored`; a violation when it cannot. */
async function drainConsumer(
  verifier: EventStore,
  name: string,
  stored: ReadonlySet<string>,
  before: ReadonlySet<string>,
  env: AuditEnv,
  violations: string[],
): Promise<void> {
  const delivered = new Set(before);
  const missing = () => [...stored].filter((id) => !delivered.has(id));
  let subscription: Awaited<ReturnType<EventStore['subscribe']>>;
  try {
    subscription = await verifier.subscribe({
      name,
      pageSize: 50,
      pollIntervalMs: 5,
      handler: (events: StoredEvent[]) => void events.forEach((event) => delivered.add(event.id)),
    });
  } catch (error) {
    violations.push(`consumer ${name} cannot subscribe after the schedule: ${codeOf(error)}: ${(error as Error).message.slice(0, 200)}`);
    return;
  }
  let ended: string | undefined;
  void subscription.done.catch((error: unknown) => {
    ended = codeOf(error);
  });
  for (let tick = 0; tick < env.maxDrainTicks && missing().length > 0 && ended === undefined; tick++) await env.tick();
  await subscription.stop();
  await subscription.done.catch(() => undefined);
  if (ended !== undefined) violations.push(`consumer ${name} ended with ${ended} after the schedule (no progress)`);
  else if (missing().length > 0)
    violations.push(
      `consumer ${name} made no progress: ${missing().length} of ${stored.size} stored events never delivered (e.g. ${missing().slice(0, 3).join(', ')})`,
    );
}

function sameContent(stored: CreatedEvent | StoredEvent, written: CreatedEvent): boolean {
  return (
    stored.id === written.id &&
    stored.identifier === written.identifier &&
    stored.type === written.type &&
    stored.created.toISOString() === written.created.toISOString() &&
    JSON.stringify(stored.payload) === JSON.stringify(written.payload)
  );
}
