/**
 * The in-memory twin of S3: a `BlobDriver` over a map of key to bytes (copied in and out), listing in ascending
 * UTF-8 byte order of keys as ListObjectsV2 does, with S3's limits and seeded fault injection. Like S3, every
 * call before `ensureContainer` fails with `DRIVER/RESOURCE_NOT_FOUND` (NoSuchBucket).
 */
import { z } from 'zod';
import { ErrorCodes, EventStoreAdapterError, type ErrorCode } from '../../src/errors/index.js';
import type { BlobCapabilities, BlobDriver, BlobListPage } from '../../src/ports/blob-driver.js';
import { DEFAULT_BLOB_CAPABILITIES, MEMORY_BLOB_DRIVER_NAME } from './capabilities.js';
import { driverError } from './errors.js';
import {
  delay,
  FaultPlanner,
  faultOptionsSchema,
  type FaultCounts,
  type FaultKind,
  type FaultOptions,
  type FaultPlan,
  type ScriptedFault,
} from './faults.js';
import { compareUtf8 } from '../../src/layout/utf8-order.js';

/** S3 object keys are at most 1,024 bytes of UTF-8. */
export const S3_MAX_KEY_BYTES = 1024;

export { DEFAULT_BLOB_CAPABILITIES, MEMORY_BLOB_DRIVER_NAME };

/** Options of {@link MemoryBlobDriver}. */
export interface MemoryBlobDriverOptions {
  /** Override limits (e.g. a small `maxListKeys` for a paging test). Defaults: S3's. */
  readonly capabilities?: Partial<BlobCapabilities>;
  /** Seeded fault injection: throttle, transient and lost-response rates and latency apply; others are ignored. */
  readonly faults?: FaultOptions;
  /** Driver name used in error messages (overrides `capabilities.name`). Default `'memory-blob'`. */
  readonly name?: string;
  /** Milliseconds since the epoch, stamped as each object's last-modified time (S3's clock). Default `Date.now`. */
  readonly clock?: () => number;
}

/** Operations of the blob driver. */
export type BlobOperation = 'ensureContainer' | 'put' | 'get' | 'delete' | 'list';

/** Fault kinds each blob operation can suffer (`lostResponse`: the write applies, then `DRIVER/TRANSIENT`). */
export const BLOB_FAULTS: Readonly<Record<BlobOperation, readonly FaultKind[]>> = Object.freeze({
  ensureContainer: ['throttle', 'transient'],
  put: ['throttle', 'transient', 'lostResponse'],
  get: ['throttle', 'transient'],
  delete: ['throttle', 'transient', 'lostResponse'],
  list: ['throttle', 'transient'],
});

/** Cumulative figures of one blob operation: calls made (failed ones included) and bytes moved. */
export interface BlobOperationTotals {
  readonly requests: number;
  /** Bytes sent by `put` or returned by `get`. */
  readonly bytes: number;
}

/** Cumulative totals per blob operation. */
export type BlobMeterSnapshot = Readonly<Record<BlobOperation, BlobOperationTotals>>;

const positiveInteger = z.number().int().positive();
const optionsSchema = z
  .object({
    capabilities: z
      .object({
        name: z.string().min(1),
        maxObjectBytes: positiveInteger,
        maxDeleteKeys: positiveInteger,
        maxListKeys: positiveInteger,
      })
      .partial()
      .strict()
      .optional(),
    faults: faultOptionsSchema.optional(),
    name: z.string().min(1).optional(),
    clock: z.custom<() => number>((value) => typeof value === 'function', 'clock must be a function').optional(),
  })
  .strict();

/** The in-memory S3 twin. */
export class MemoryBlobDriver implements BlobDriver {
  /** Limits: S3's unless overridden. */
  readonly capabilities: BlobCapabilities;
  private readonly objects = new Map<string, Uint8Array>();
  /** Last-modified time of each object, by `clock`. */
  private readonly modified = new Map<string, number>();
  private readonly clock: () => number;
  /** Keys in ascending UTF-8 byte order, kept in step with `objects`. */
  private readonly sortedKeys: string[] = [];
  private readonly planner: FaultPlanner<BlobOperation>;
  private totals = emptyBlobTotals();
  private containerExists = false;
  private closed = false;

  /** Throws `INPUT/INVALID_OPTIONS` when `options` are invalid. */
  constructor(options: MemoryBlobDriverOptions = {}) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, 'Invalid MemoryBlobDriver options', {
        details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
      });
    }
    const name = options.name ?? options.capabilities?.name ?? MEMORY_BLOB_DRIVER_NAME;
    this.capabilities = Object.freeze({ ...DEFAULT_BLOB_CAPABILITIES, ...options.capabilities, name });
    this.planner = new FaultPlanner<BlobOperation>(options.faults, BLOB_FAULTS);
    this.clock = options.clock ?? Date.now;
  }

  /** Create the container if absent. Idempotent. */
  async ensureContainer(): Promise<void> {
    const plan = await this.begin('ensureContainer');
    this.planner.throwIfFailFast(plan, this.makeError);
    this.containerExists = true;
  }

  /** Store a copy of `body` under `key`. Key: 1..1,024 UTF-8 bytes; body over `maxObjectBytes`: LIMIT_EXCEEDED. */
  async put(key: string, body: Uint8Array, _options?: { readonly contentType?: string }): Promise<void> {
    const plan = await this.begin('put');
    this.assertContainer();
    this.validateKey(key);
    if (!(body instanceof Uint8Array)) throw this.error(ErrorCodes.VALIDATION, 'body must be a Uint8Array');
    if (body.byteLength > this.capabilities.maxObjectBytes) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `Object of ${body.byteLength} bytes is too large`, {
        bytes: body.byteLength,
        limit: this.capabilities.maxObjectBytes,
      });
    }
    this.planner.throwIfFailFast(plan, this.makeError);
    if (!this.objects.has(key)) this.sortedKeys.splice(this.insertionPoint(key), 0, key);
    this.objects.set(key, new Uint8Array(body));
    this.modified.set(key, this.clock());
    this.totals.put.bytes += body.byteLength;
    this.planner.throwIfLostResponse(plan, this.makeError);
  }

  /** A copy of the bytes under `key`, or `undefined` when there is no such object. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const plan = await this.begin('get');
    this.assertContainer();
    this.validateKey(key);
    this.planner.throwIfFailFast(plan, this.makeError);
    const body = this.objects.get(key);
    if (body === undefined) return undefined;
    this.totals.get.bytes += body.byteLength;
    return new Uint8Array(body);
  }

  /** Delete 1..`maxDeleteKeys` keys (none: VALIDATION; more: LIMIT_EXCEEDED). Missing keys are fine. */
  async delete(keys: readonly string[]): Promise<void> {
    const plan = await this.begin('delete');
    this.assertContainer();
    if (keys.length === 0) throw this.error(ErrorCodes.VALIDATION, 'A delete needs at least one key');
    if (keys.length > this.capabilities.maxDeleteKeys) {
      throw this.error(ErrorCodes.LIMIT_EXCEEDED, `A delete takes at most ${this.capabilities.maxDeleteKeys} keys`, {
        count: keys.length,
        limit: this.capabilities.maxDeleteKeys,
      });
    }
    for (const key of keys) this.validateKey(key);
    this.planner.throwIfFailFast(plan, this.makeError);
    for (const key of keys) {
      if (!this.objects.delete(key)) continue;
      this.modified.delete(key);
      const at = this.insertionPoint(key);
      if (this.sortedKeys[at] === key) this.sortedKeys.splice(at, 1);
    }
    this.planner.throwIfLostResponse(plan, this.makeError);
  }

  /**
   * One page of keys under `prefix` in ascending UTF-8 byte order: at most min(`limit`, `maxListKeys`) keys, with a
   * cursor only when more keys follow (as S3's IsTruncated). `limit` must be an integer >= 1.
   */
  async list(prefix: string, options: { readonly cursor?: string; readonly limit?: number } = {}): Promise<BlobListPage> {
    const plan = await this.begin('list');
    this.assertContainer();
    if (typeof prefix !== 'string') throw this.error(ErrorCodes.VALIDATION, 'prefix must be a string');
    const { limit, cursor } = options;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
      throw this.error(ErrorCodes.VALIDATION, 'limit must be an integer >= 1', { limit });
    }
    let after: string | undefined;
    if (cursor !== undefined) {
      after = decodeListCursor(cursor, prefix);
      if (after === undefined) throw this.error(ErrorCodes.VALIDATION, 'The cursor is malformed or for another prefix');
    }
    this.planner.throwIfFailFast(plan, this.makeError);
    const pageSize = Math.min(limit ?? this.capabilities.maxListKeys, this.capabilities.maxListKeys);
    let at = this.insertionPoint(after ?? prefix);
    if (after !== undefined && this.sortedKeys[at] === after) at += 1;
    const keys: string[] = [];
    while (at < this.sortedKeys.length && keys.length < pageSize) {
      const key = this.sortedKeys[at]!;
      if (!key.startsWith(prefix)) break;
      keys.push(key);
      at += 1;
    }
    const more = at < this.sortedKeys.length && this.sortedKeys[at]!.startsWith(prefix) && keys.length > 0;
    const lastModifiedMs = keys.map((key) => this.modified.get(key)!);
    return more ? { keys, lastModifiedMs, cursor: encodeListCursor(prefix, keys[keys.length - 1]!) } : { keys, lastModifiedMs };
  }

  /** Mark the driver closed; later calls throw `STORE/CLOSED`. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /** Queue a one-shot fault for the next call of `operation` (see {@link BLOB_FAULTS}; others: INVALID_OPTIONS). */
  injectFault(operation: BlobOperation, fault: ScriptedFault): void {
    this.planner.inject(operation, fault);
  }

  /** How many faults of each kind took effect so far. */
  faultCounts(): FaultCounts {
    return this.planner.snapshot();
  }

  /** Cumulative requests and bytes per operation, since creation or the last `resetMeter`. */
  meter(): BlobMeterSnapshot {
    const copy = emptyBlobTotals();
    for (const operation of Object.keys(copy) as BlobOperation[]) copy[operation] = { ...this.totals[operation] };
    return copy;
  }

  /** Zero the meter. */
  resetMeter(): void {
    this.totals = emptyBlobTotals();
  }

  // ---- internals ----

  private async begin(operation: BlobOperation): Promise<FaultPlan> {
    if (this.closed) throw this.error(ErrorCodes.CLOSED, 'The driver is closed');
    this.totals[operation].requests += 1;
    const plan = this.planner.plan(operation);
    if (plan.delayMs > 0) await delay(plan.delayMs);
    if (this.closed) throw this.error(ErrorCodes.CLOSED, 'The driver is closed');
    return plan;
  }

  private error(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    return driverError(this.capabilities.name, code, message, details);
  }

  private readonly makeError = (code: ErrorCode, message: string, details: Record<string, unknown>) => this.error(code, message, details);

  private assertContainer(): void {
    if (!this.containerExists) {
      throw this.error(ErrorCodes.RESOURCE_NOT_FOUND, 'The container does not exist (call ensureContainer first)');
    }
  }

  private validateKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0) throw this.error(ErrorCodes.VALIDATION, 'A key is a non-empty string');
    if (Buffer.byteLength(key, 'utf8') > S3_MAX_KEY_BYTES) {
      throw this.error(ErrorCodes.VALIDATION, `A key is at most ${S3_MAX_KEY_BYTES} UTF-8 bytes`);
    }
  }

  /** Index of the first key >= `key` in byte order. */
  private insertionPoint(key: string): number {
    let low = 0;
    let high = this.sortedKeys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareUtf8(this.sortedKeys[middle]!, key) >= 0) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

function emptyBlobTotals(): Record<BlobOperation, { requests: number; bytes: number }> {
  return {
    ensureContainer: { requests: 0, bytes: 0 },
    put: { requests: 0, bytes: 0 },
    get: { requests: 0, bytes: 0 },
    delete: { requests: 0, bytes: 0 },
    list: { requests: 0, bytes: 0 },
  };
}

function encodeListCursor(prefix: string, after: string): string {
  return Buffer.from(JSON.stringify({ p: prefix, a: after }), 'utf8').toString('base64url');
}

function decodeListCursor(cursor: string, prefix: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { p, a } = payload as { p?: unknown; a?: unknown };
    return p === prefix && typeof a === 'string' ? a : undefined;
  } catch {
    return undefined;
  }
}
