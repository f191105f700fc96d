import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';

/** How the driver bills a table it creates. */
export type BillingOptions =
  /** On-demand: pay per request, no capacity planning (the default). */
  | { readonly mode: 'PAY_PER_REQUEST' }
  /** Provisioned: fixed read/write capacity units per second, applied to the table AND to every GSI. */
  | { readonly mode: 'PROVISIONED'; readonly readCapacityUnits: number; readonly writeCapacityUnits: number };

/** Options of {@link DynamoDbKvDriver}. */
export interface DynamoDbKvDriverOptions {
  /** Billing of tables the driver creates. Default `{ mode: 'PAY_PER_REQUEST' }`. Ignored for existing tables. */
  readonly billing?: BillingOptions;
  /**
   * `true` (default): `ensureTable` creates a missing table. `false`: it only verifies that the table exists
   * (else `DRIVER/RESOURCE_NOT_FOUND`) and matches the schema (else `DRIVER/SCHEMA_MISMATCH`), for deployments
   * where tables are managed by infrastructure code and the credentials may not create them.
   */
  readonly createTable?: boolean;
  /** How long `ensureTable`/`dropTable` wait for a table (and its indexes) to become ACTIVE or gone, in ms. Default 300,000. */
  readonly waitTimeoutMs?: number;
  /** Delay between `DescribeTable` polls while waiting, in ms. Default 1,000. */
  readonly pollIntervalMs?: number;
  /**
   * Enable DynamoDB Streams with this view type (AWS's names) when the driver creates the table; an existing table
   * without it (or with another view type) is `DRIVER/SCHEMA_MISMATCH` naming the stream. Default: no stream.
   */
  readonly streamViewType?: StreamViewType;
}

/** DynamoDB Streams view types a store can decode events from (both carry the new image). */
export type StreamViewType = 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** Table creation and index backfill on real DynamoDB can take minutes; five covers large GSIs on new tables. */
export const DEFAULT_WAIT_TIMEOUT_MS = 300_000;
/** One DescribeTable a second is well within its control-plane rate limit. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;

/** Options with defaults applied. */
export interface ResolvedDynamoDbKvDriverOptions {
  readonly billing: BillingOptions;
  readonly createTable: boolean;
  readonly waitTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly streamViewType: StreamViewType | undefined;
}

/** Apply defaults and check numeric options (non-finite or negative values throw `INPUT/INVALID_OPTIONS`). */
export function resolveOptions(options: DynamoDbKvDriverOptions = {}): ResolvedDynamoDbKvDriverOptions {
  const resolved: ResolvedDynamoDbKvDriverOptions = {
    billing: options.billing ?? { mode: 'PAY_PER_REQUEST' },
    createTable: options.createTable ?? true,
    waitTimeoutMs: options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    streamViewType: options.streamViewType,
  };
  const issues: string[] = [];
  if (!(Number.isFinite(resolved.waitTimeoutMs) && resolved.waitTimeoutMs >= 0)) issues.push('waitTimeoutMs must be a number >= 0');
  if (!(Number.isFinite(resolved.pollIntervalMs) && resolved.pollIntervalMs >= 0)) issues.push('pollIntervalMs must be a number >= 0');
  if (
    resolved.streamViewType !== undefined &&
    resolved.streamViewType !== 'NEW_IMAGE' &&
    resolved.streamViewType !== 'NEW_AND_OLD_IMAGES'
  ) {
    issues.push("streamViewType must be 'NEW_IMAGE' or 'NEW_AND_OLD_IMAGES'");
  }
  if (resolved.billing.mode === 'PROVISIONED') {
    const { readCapacityUnits, writeCapacityUnits } = resolved.billing;
    if (!(Number.isInteger(readCapacityUnits) && readCapacityUnits >= 1)) issues.push('billing.readCapacityUnits must be an integer >= 1');
    if (!(Number.isInteger(writeCapacityUnits) && writeCapacityUnits >= 1))
      issues.push('billing.writeCapacityUnits must be an integer >= 1');
  } else if (resolved.billing.mode !== 'PAY_PER_REQUEST') {
    issues.push("billing.mode must be 'PAY_PER_REQUEST' or 'PROVISIONED'");
  }
  return issues.length === 0 ? resolved : throwInvalid(issues);
}

function throwInvalid(issues: readonly string[]): never {
  throw new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, `Invalid DynamoDbKvDriver options: ${issues.join('; ')}`, {
    details: { issues: issues.map((message) => ({ message })) },
  });
}
