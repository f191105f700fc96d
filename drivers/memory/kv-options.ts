/** Options of the in-memory KV driver, their zod schema and the default (DynamoDB) capabilities. */
import { z } from 'zod';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { KvCapabilities } from '../../src/ports/kv-driver.js';
import { faultOptionsSchema, type FaultOptions } from './faults.js';
import { indexLagSchema, type IndexLagOptions } from './index-lag.js';

export { DEFAULT_KV_CAPABILITIES, MEMORY_KV_DRIVER_NAME } from './capabilities.js';

/** Options of {@link MemoryKvDriver}. */
export interface MemoryKvDriverOptions {
  /** Override limits and flags (e.g. a small `maxItemBytes` for a test). Defaults: DynamoDB's real limits. */
  readonly capabilities?: Partial<KvCapabilities>;
  /** Seeded, deterministic fault injection. Absent: no random faults (scripted ones still work). */
  readonly faults?: FaultOptions;
  /** Driver name used in error messages (overrides `capabilities.name`). Default `'memory-kv'`. */
  readonly name?: string;
  /**
   * Milliseconds since the epoch: the 10-minute lifetime of transaction tokens, and the time index lag and eventual
   * reads are measured on (a test can advance a fake clock instead of sleeping). Default `Date.now`.
   */
  readonly clock?: () => number;
  /**
   * Opt-in, seeded index propagation lag, like DynamoDB's eventually consistent GSIs: each write reaches each index
   * after its own delay drawn from this long-tailed distribution (see {@link IndexLagOptions}), so items reach an
   * index out of order, never before their base-table write, and an index never shows an item older than a state
   * it already showed. Strongly consistent index reads (only with `capabilities.consistentIndexReads`) see the
   * current state. Absent: indexes are current at once (DynamoDB Local's behaviour).
   */
  readonly indexLag?: IndexLagOptions;
  /**
   * With `indexLag` (required): base-table `get`, `batchGet` and `query` WITHOUT `consistent: true` see the table
   * as it was at a moment up to the lag ago (a fresh draw of the lag distribution per item read, one per query
   * page). Reads with `consistent: true` always see the current state. Default false.
   */
  readonly eventualReads?: boolean;
  /**
   * False: never create a table, as DynamoDB's driver with `createTable: false` (the drop-in's
   * `skipDynamoDBTableCreation`): `ensureTable` of a missing table throws `DRIVER/RESOURCE_NOT_FOUND`, and reports
   * `canCreate: false`. Default true.
   */
  readonly createTable?: boolean;
}

const positiveInteger = z.number().int().positive();

const optionsSchema = z
  .object({
    capabilities: z
      .object({
        name: z.string().min(1),
        maxItemBytes: positiveInteger,
        maxTransactionActions: positiveInteger,
        maxTransactionBytes: positiveInteger,
        maxBatchGetKeys: positiveInteger,
        maxBatchWriteItems: positiveInteger,
        maxQueryPageBytes: positiveInteger,
        consistentIndexReads: z.boolean(),
        idempotentTransactions: z.boolean(),
        reportsCapacity: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
    faults: faultOptionsSchema.optional(),
    name: z.string().min(1).optional(),
    clock: z.custom<() => number>((value) => typeof value === 'function', 'clock must be a function').optional(),
    indexLag: indexLagSchema.optional(),
    eventualReads: z.boolean().optional(),
    createTable: z.boolean().optional(),
  })
  .strict()
  .refine((options) => options.eventualReads !== true || options.indexLag !== undefined, {
    message: 'eventualReads needs indexLag (its delays are drawn from the lag distribution)',
    path: ['eventualReads'],
  });

/** Validate options; throws `INPUT/INVALID_OPTIONS` with `details.issues` (path and message of each problem). */
export function parseKvOptions(options: MemoryKvDriverOptions): MemoryKvDriverOptions {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, 'Invalid MemoryKvDriver options', {
      details: { issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    });
  }
  return options;
}
