/**
 * `importEvents`: store the events of an NDJSON file (the `export` format) into a store, idempotently. Lines are
 * read as a stream (memory: one batch of {@link IMPORT_BATCH} events) and stored in file order, a batch at a time
 * (one atomic transaction when it fits). Before each batch its ids are looked up (`getEventById`, strongly
 * consistent): an identical event already stored is skipped, another event under the same id is reported as a
 * conflict and not stored. Each event keeps the `sequence` it was exported with (import-order.ts): one that comes
 * before its stream's earlier events waits for them; one whose sequence cannot be kept is an `OPS/SEQUENCE_MISMATCH`
 * issue, never stored at another sequence. Lines without a `sequence` go to the end of their stream.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ErrorCodes, EventStoreAdapterError, hasCode, type EventStore, type ExpectedStreamSequence } from '../src/index.js';
import { OpsErrorCodes } from './errors.js';
import { SequenceKeeper, type ImportEntry } from './import-order.js';
import { eventIdentity, lineToEvent } from './ndjson.js';
import { report, type ProgressListener } from './progress.js';
import { throwIfAborted } from './raw-table.js';

/** Events looked up and stored together. */
export const IMPORT_BATCH = 25;

/** Options of {@link importEvents}. */
export interface ImportOptions {
  readonly store: EventStore;
  /** A file path (gzip detected by its magic bytes) or a stream (stdin; set `gzip` for compressed input). */
  readonly input: string | Readable;
  /** The input stream is gzip (a file is detected). */
  readonly gzip?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

/** A line that was not stored. */
export interface ImportIssue {
  /** 1-based line number. */
  readonly line: number;
  readonly id: string | undefined;
  /**
   * `conflict`: another event is stored under this id; `invalid`: not an event, or refused by the store (`code`);
   * `sequence`: its exported sequence cannot be kept (`OPS/SEQUENCE_MISMATCH`).
   */
  readonly kind: 'conflict' | 'invalid' | 'sequence';
  readonly code: string;
  readonly message: string;
}

/** What an import did. */
export interface ImportSummary {
  /** Lines read (empty lines included, and skipped). */
  readonly lines: number;
  /** Events stored by this run. */
  readonly imported: number;
  /** Events found already stored, identical. */
  readonly skipped: number;
  /** Lines not stored (conflicts and invalid lines), the first 1,000. */
  readonly issues: ImportIssue[];
  /** Lines not stored, in all. */
  readonly issueCount: number;
  readonly durationMs: number;
}

const MAX_ISSUES = 1000;
/** Refusals of a batch that may concern some of its events only: its events are then stored one by one. */
const BATCH_REFUSALS = [
  ErrorCodes.DUPLICATE_EVENT_ID,
  ErrorCodes.INVALID_EVENT,
  ErrorCodes.ITEM_TOO_LARGE,
  ErrorCodes.CONCURRENCY,
] as const;

/** Import (see the module comment). Throws runtime failures (`DRIVER/*`, `STORE/ABORTED`); issues are in the summary. */
export async function importEvents(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { store, signal } = options;
  const source =
    typeof options.input === 'string' ? await openFile(options.input) : options.gzip ? options.input.pipe(createGunzip()) : options.input;
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  const issues: ImportIssue[] = [];
  let issueCount = 0;
  let lineCount = 0;
  let imported = 0;
  let skipped = 0;
  const issue = (entry: ImportIssue) => {
    issueCount++;
    if (issues.length < MAX_ISSUES) issues.push(entry);
  };
  const keeper = new SequenceKeeper((domain, identifier) => store.getStreamSequence(domain, identifier));
  type Expectations = { expectedSequence?: number; expectedSequences?: ExpectedStreamSequence[] };
  const writeOptions = (expectations: Expectations) => ({ ...expectations, ...(signal ? { signal } : {}) });
  const sequenceIssue = (entry: ImportEntry, reason: string) => {
    const message = `event ${entry.event.id} cannot keep sequence ${entry.sequence}: ${reason}`;
    issue({ line: entry.line, id: entry.event.id, kind: 'sequence', code: OpsErrorCodes.SEQUENCE_MISMATCH, message });
  };
  let batch: ImportEntry[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    throwIfAborted(signal);
    const found = await Promise.all(batch.map((entry) => store.getEventById(entry.event.id)));
    const fresh: ImportEntry[] = [];
    const repeated: ImportEntry[] = [];
    const seen = new Set<string>();
    batch.forEach((entry, index) => {
      const stored = found[index];
      if (stored && eventIdentity(stored) === eventIdentity(entry.event)) skipped++;
      else if (stored)
        issue({
          line: entry.line,
          id: entry.event.id,
          kind: 'conflict',
          code: ErrorCodes.DUPLICATE_EVENT_ID,
          message: `another event is stored under id ${entry.event.id}`,
        });
      else if (seen.has(entry.event.id))
        repeated.push(entry); // a repeated line: looked up again once the batch is stored
      else {
        seen.add(entry.event.id);
        fresh.push(entry);
      }
    });
    batch = [];
    const plan = await keeper.plan(fresh);
    for (const { entry, head } of plan.taken) {
      sequenceIssue(entry, `its stream is at ${head} in the target already (another event holds that sequence)`);
    }
    if (plan.ready.length > 0) {
      try {
        await store.appendEvents(
          plan.ready.map((entry) => entry.event),
          writeOptions({ expectedSequences: plan.expectations }),
        );
        imported += plan.ready.length;
      } catch (error) {
        // Refused as a whole: each event alone, so the refusal lands on the events it concerns only.
        if (!BATCH_REFUSALS.some((code) => hasCode(error, code))) throw error;
        keeper.forget(plan.ready);
        for (const entry of plan.ready) await storeOne(entry);
      }
    }
    for (const entry of repeated) await storeOne(entry);
  };
  /** Store one event on its own, at its exported sequence when it has one. */
  const storeOne = async (entry: ImportEntry) => {
    const stored = await store.getEventById(entry.event.id);
    if (stored) {
      if (eventIdentity(stored) === eventIdentity(entry.event)) skipped++;
      else
        issue({
          line: entry.line,
          id: entry.event.id,
          kind: 'conflict',
          code: ErrorCodes.DUPLICATE_EVENT_ID,
          message: `another event is stored under id ${entry.event.id}`,
        });
      return;
    }
    try {
      await store.appendEvents([entry.event], writeOptions(entry.sequence === undefined ? {} : { expectedSequence: entry.sequence - 1 }));
      imported++;
    } catch (error) {
      if (hasCode(error, ErrorCodes.DUPLICATE_EVENT_ID))
        issue({ line: entry.line, id: entry.event.id, kind: 'conflict', code: error.code, message: error.message });
      else if (hasCode(error, ErrorCodes.INVALID_EVENT) || hasCode(error, ErrorCodes.ITEM_TOO_LARGE))
        issue({ line: entry.line, id: entry.event.id, kind: 'invalid', code: error.code, message: error.message });
      else if (hasCode(error, ErrorCodes.CONCURRENCY)) {
        sequenceIssue(
          entry,
          `its stream is not at ${entry.sequence! - 1} in the target (an earlier event of it is missing, or another holds the sequence)`,
        );
      } else throw error;
    }
  };
  try {
    for await (const text of lines) {
      lineCount++;
      if (text.trim() === '') continue;
      try {
        const parsed = lineToEvent(text, lineCount);
        batch.push({ line: lineCount, event: parsed.event, sequence: parsed.sequence });
      } catch (error) {
        if (!(error instanceof EventStoreAdapterError)) throw error;
        issue({ line: lineCount, id: undefined, kind: 'invalid', code: error.code, message: error.message });
      }
      if (batch.length >= IMPORT_BATCH) {
        await flush();
        report(options.onProgress, { phase: 'import', done: imported + skipped + issueCount, unit: 'events' });
      }
    }
    await flush();
    for (const entry of keeper.drain()) sequenceIssue(entry, `the earlier events of its stream are not in the file (or were not stored)`);
    report(options.onProgress, { phase: 'import', done: imported + skipped + issueCount, unit: 'events' });
  } finally {
    lines.close();
    source.destroy();
  }
  issues.sort((a, b) => a.line - b.line);
  return { lines: lineCount, imported, skipped, issues, issueCount, durationMs: Date.now() - started };
}

/** A file's lines, gunzipped when it starts with gzip's magic bytes. */
async function openFile(path: string): Promise<Readable> {
  const handle = await open(path, 'r');
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  const stream = createReadStream(path);
  return magic[0] === 0x1f && magic[1] === 0x8b ? stream.pipe(createGunzip()) : stream;
}
