/**
 * `exportEvents`: every event of a store as NDJSON (see ndjson.ts), in replay order (`created, id`), streamed
 * page by page (memory: one page). Each page is written as one piece: with `gzip`, one gzip member per page
 * (concatenated members are one valid gzip file). To a file, a checkpoint `<file>.checkpoint.json` records after
 * each page the bytes written and the last event id: `resume` truncates the file to the checkpoint and continues
 * after that id, so an interrupted export (or one re-run later, for the events stored since) never repeats or
 * skips an event.
 *
 * The replay reads the global-order index, which lags the table (DynamoDB's global secondary indexes are eventually
 * consistent, usually well under a second): an event committed just before the export started may not be there
 * yet, and a page read past its position would miss it, silently. So the export first waits `settleMs` (default
 * {@link DEFAULT_EXPORT_SETTLE_MS}) and says so in its summary: every event committed before the export started
 * whose index entry arrived within that wait is exported. Events committed while it runs may or may not be.
 */
import { closeSync, existsSync, ftruncateSync, fstatSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ErrorCodes, EventStoreAdapterError, type EventStore } from '../src/index.js';
import { OpsError, OpsErrorCodes } from './errors.js';
import { eventToLine } from './ndjson.js';
import { report, type ProgressListener } from './progress.js';
import { throwIfAborted } from './raw-table.js';

/** Events per page read and written (one gzip member each). */
export const EXPORT_PAGE_SIZE = 1000;
/**
 * Default wait before reading, in ms: the index lag an export allows for events committed just before it. AWS
 * documents no bound for global secondary index propagation; under a second is usual, so 2 s leaves room.
 */
export const DEFAULT_EXPORT_SETTLE_MS = 2_000;

/** Options of {@link exportEvents}. */
export interface ExportOptions {
  readonly store: EventStore;
  /** A file path (with a checkpoint, resumable) or a stream (stdout). */
  readonly out: string | Writable;
  /** gzip the output. */
  readonly gzip?: boolean;
  /** File only: continue an earlier export of this file from its checkpoint. */
  readonly resume?: boolean;
  /** Start after this event id (a stream's manual resume). */
  readonly after?: string;
  readonly pageSize?: number;
  /** Wait this long (ms, >= 0) before reading, so that events committed just before reach the index (see the module comment). */
  readonly settleMs?: number;
  /** How the settle waits (default: real time; tests pass one that advances a fake clock). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

/** What an export wrote. */
export interface ExportSummary {
  /** Events written by this run. */
  readonly events: number;
  /** Events in the file, counting earlier runs (file with checkpoint only). */
  readonly totalEvents: number;
  /** Bytes written by this run. */
  readonly bytes: number;
  /** Id of the last event written (the resume point), when any. */
  readonly lastId: string | undefined;
  /** The id this run resumed after, when it resumed. */
  readonly resumedAfter: string | undefined;
  /**
   * How long the export waited before reading (ms): events committed before it started are in the file when their
   * index entries arrived within this wait; with 0, those still in index lag may be missing.
   */
  readonly settledMs: number;
  readonly durationMs: number;
}

/** The checkpoint beside an exported file. */
export interface ExportCheckpoint {
  readonly version: 1;
  readonly gzip: boolean;
  /** Bytes of the file that hold complete pages. */
  readonly bytes: number;
  readonly events: number;
  readonly lastId: string | undefined;
  /** True once the export reached the end of the store (a later resume picks up newer events). */
  readonly complete: boolean;
}

/** The checkpoint file's path for an export file. */
export function checkpointPath(file: string): string {
  return `${file}.checkpoint.json`;
}

/** Export the store (see the module comment). On an abort, what was written stays valid and resumable: `STORE/ABORTED`. */
export async function exportEvents(options: ExportOptions): Promise<ExportSummary> {
  const started = Date.now();
  const gzip = options.gzip ?? false;
  let checkpoint: ExportCheckpoint = { version: 1, gzip, bytes: 0, events: 0, lastId: undefined, complete: false };
  let write: (bytes: Buffer) => Promise<void>;
  let close: () => void = () => undefined;
  const file = typeof options.out === 'string' ? options.out : undefined;
  if (file !== undefined) {
    if (options.resume && existsSync(checkpointPath(file))) {
      checkpoint = readCheckpoint(file);
      if (checkpoint.gzip !== gzip) throw mismatch(file, `the file was written ${checkpoint.gzip ? 'with' : 'without'} --gzip`);
    } else if (options.resume && existsSync(file)) {
      throw mismatch(file, 'the file exists but has no checkpoint');
    }
    const fd = openSync(file, options.resume && existsSync(file) ? 'r+' : 'w');
    const size = fstatSync(fd).size;
    if (size < checkpoint.bytes) {
      closeSync(fd);
      throw mismatch(file, `the file is shorter (${size} bytes) than its checkpoint (${checkpoint.bytes})`);
    }
    ftruncateSync(fd, checkpoint.bytes);
    let position = checkpoint.bytes;
    write = async (bytes) => {
      writeSync(fd, bytes, 0, bytes.length, position);
      position += bytes.length;
    };
    close = () => closeSync(fd);
  } else {
    const stream = options.out as Writable;
    write = (bytes) =>
      new Promise((resolve, reject) => {
        stream.write(bytes, (error) => (error ? reject(error) : resolve()));
      });
  }
  const settledMs = options.settleMs ?? DEFAULT_EXPORT_SETTLE_MS;
  if (!Number.isFinite(settledMs) || settledMs < 0) {
    const message = `export: settleMs must be a number of ms >= 0, got ${String(settledMs)}`;
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, message, { details: { field: 'settleMs' } });
  }
  const resumedAfter = checkpoint.lastId ?? options.after;
  let events = 0;
  let bytes = 0;
  let lastId = resumedAfter;
  try {
    if (settledMs > 0) {
      report(options.onProgress, { phase: 'settle', done: 0, unit: 'ms' });
      await settle(settledMs, options.sleep, options.signal);
    }
    const pages = await options.store.getAllEvents(options.pageSize ?? EXPORT_PAGE_SIZE, resumedAfter);
    report(options.onProgress, { phase: 'export', done: 0, unit: 'events' });
    for await (const page of pages) {
      throwIfAborted(options.signal);
      if (page.length === 0) continue;
      const text = Buffer.from(page.map((event) => `${eventToLine(event)}\n`).join(''), 'utf8');
      const piece = gzip ? gzipSync(text) : text;
      await write(piece);
      events += page.length;
      bytes += piece.length;
      lastId = page[page.length - 1]!.id;
      checkpoint = {
        ...checkpoint,
        bytes: checkpoint.bytes + piece.length,
        events: checkpoint.events + page.length,
        lastId,
        complete: false,
      };
      if (file !== undefined) writeCheckpoint(file, checkpoint);
      report(options.onProgress, { phase: 'export', done: events, unit: 'events' });
    }
    checkpoint = { ...checkpoint, complete: true };
    if (file !== undefined) writeCheckpoint(file, checkpoint);
  } finally {
    close();
  }
  const totalEvents = file !== undefined ? checkpoint.events : events;
  return { events, totalEvents, bytes, lastId, resumedAfter, settledMs, durationMs: Date.now() - started };
}

/** Wait `ms` (cut short by `signal`: `STORE/ABORTED`). */
async function settle(ms: number, sleep: ((ms: number) => Promise<void>) | undefined, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  if (sleep) await sleep(ms);
  else {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  throwIfAborted(signal);
}

function readCheckpoint(file: string): ExportCheckpoint {
  try {
    const parsed = JSON.parse(readFileSync(checkpointPath(file), 'utf8')) as ExportCheckpoint;
    if (parsed.version !== 1 || typeof parsed.bytes !== 'number') throw new Error('unknown checkpoint version');
    return parsed;
  } catch (cause) {
    throw mismatch(file, `its checkpoint ${checkpointPath(file)} is unreadable`, cause);
  }
}

function writeCheckpoint(file: string, checkpoint: ExportCheckpoint): void {
  writeFileSync(checkpointPath(file), `${JSON.stringify(checkpoint)}\n`);
}

function mismatch(file: string, reason: string, cause?: unknown): OpsError {
  return new OpsError(OpsErrorCodes.CHECKPOINT_MISMATCH, `Cannot resume the export to ${file}: ${reason}`, {
    cause,
    details: { file, reason },
  });
}
