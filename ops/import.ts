/**
 * `importEvents`: store the events of an NDJSON file (the `export` format) into a store, idempotently. Lines are
 * read as a stream (memory: one batch of {@link IMPORT_BATCH} events) and stored in file order, a batch at a time
 * (one atomic transaction when it fits). Before each batch its ids are looked up (`getEventById`, strongly
 * consistent): an identical event already stored is skipped, another event under the same id is reported as a
 * conflict and not stored. Sequences are the target's: each event goes at the end of its stream (an export's
 * `created, id` order keeps each stream's order when its events were appended in `created` order).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CreatedEvent } from '../src/contract-types.js';
import { ErrorCodes, EventStoreAdapterError, hasCode } from '../src/errors.js';
import type { EventStore } from '../src/event-store.js';
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
  /** `conflict`: another event is stored under this id; `invalid`: not an event, or refused by the store (`code`). */
  readonly kind: 'conflict' | 'invalid';
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

/** Import (see the module comment). Throws runtime failures (`DRIVER/*`, `STORE/ABORTED`); issues are in the summary. */
export async function importEvents(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { store, signal } = options;
  const source = typeof options.input === 'string' ? await openFile(options.input) : options.gzip ? options.input.pipe(createGunzip()) : options.input;
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
  let batch: { line: number; event: CreatedEvent }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    throwIfAborted(signal);
    const found = await Promise.all(batch.map((entry) => store.getEventById(entry.event.id)));
    const fresh: typeof batch = [];
    const seen = new Set<string>();
    batch.forEach((entry, index) => {
      const stored = found[index];
      if (stored && eventIdentity(stored) === eventIdentity(entry.event)) skipped++;
      else if (stored) issue({ line: entry.line, id: entry.event.id, kind: 'conflict', code: ErrorCodes.DUPLICATE_EVENT_ID, message: `another event is stored under id ${entry.event.id}` });
      else if (seen.has(entry.event.id)) fresh.push(entry); // a repeated line: stored alone below, then found
      else {
        seen.add(entry.event.id);
        fresh.push(entry);
      }
    });
    batch = [];
    if (fresh.length === 0) return;
    try {
      await store.appendEvents(fresh.map((entry) => entry.event), signal ? { signal } : {});
      imported += fresh.length;
    } catch (error) {
      if (!hasCode(error, ErrorCodes.DUPLICATE_EVENT_ID) && !hasCode(error, ErrorCodes.INVALID_EVENT) && !hasCode(error, ErrorCodes.ITEM_TOO_LARGE)) throw error;
      for (const entry of fresh) await storeOne(entry);
    }
  };
  const storeOne = async (entry: { line: number; event: CreatedEvent }) => {
    const stored = await store.getEventById(entry.event.id);
    if (stored) {
      if (eventIdentity(stored) === eventIdentity(entry.event)) skipped++;
      else issue({ line: entry.line, id: entry.event.id, kind: 'conflict', code: ErrorCodes.DUPLICATE_EVENT_ID, message: `another event is stored under id ${entry.event.id}` });
      return;
    }
    try {
      await store.appendEvents([entry.event], signal ? { signal } : {});
      imported++;
    } catch (error) {
      if (hasCode(error, ErrorCodes.DUPLICATE_EVENT_ID)) issue({ line: entry.line, id: entry.event.id, kind: 'conflict', code: error.code, message: error.message });
      else if (hasCode(error, ErrorCodes.INVALID_EVENT) || hasCode(error, ErrorCodes.ITEM_TOO_LARGE)) issue({ line: entry.line, id: entry.event.id, kind: 'invalid', code: error.code, message: error.message });
      else throw error;
    }
  };
  try {
    for await (const text of lines) {
      lineCount++;
      if (text.trim() === '') continue;
      try {
        batch.push({ line: lineCount, event: lineToEvent(text, lineCount).event });
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
