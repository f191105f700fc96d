/**
 * What a KV contract check runs against, and the table bookkeeping every check shares: unique table names,
 * creation, and dropping them (and tearing the fixture down) whatever the outcome.
 */
import type { KvCapabilities, KvDriver, TableSchema } from '../../src/ports/kv-driver.js';
import { uniqueToken, type ContractCheck } from '../harness.js';

/** A fresh, isolated KV driver for one check. */
export interface KvFixture {
  /** The driver under test. */
  readonly driver: KvDriver;
  /** Prefix for every table name the suite creates (default `'contract_'`). Tables are dropped at the end. */
  readonly tablePrefix?: string;
  /**
   * Longest wait, in milliseconds, for an eventually consistent index to reflect writes before an index read is
   * judged wrong. Default {@link DEFAULT_INDEX_SETTLE_MS} when `capabilities.consistentIndexReads` is false, 0
   * otherwise. Pass 0 for backends whose indexes are up to date at once (the in-memory twin without `indexLag`,
   * DynamoDB Local): failures then report at once instead of after the wait. For the twin with `indexLag`, pass
   * comfortably more than its `tailMs`.
   */
  readonly indexSettleMs?: number;
  /** Called once the check is done with the driver (close clients, stop servers). */
  readonly teardown?: () => Promise<void>;
  /**
   * Optional fault hook for the "attempt outcomes" check (it applies only when given): arrange that the NEXT call
   * of `operation` on this fixture's driver is applied by the backend while its answer is lost, and that every
   * later attempt of that same call (the backend client's own retries) is refused with a throttle. For an AWS
   * driver, a request handler below the SDK's retry loop (test/helpers/request-faults.ts `scriptCall`); for the
   * twin, `injectFault(operation, { kind: 'lostResponse', reportAs: 'throttle' })`.
   */
  readonly lostAttempts?: (operation: 'transactWrite' | 'batchWrite') => void;
}

/** What KV checks are gated on: the driver's manifest, and whether the fixture can lose an attempt. */
export interface KvSuiteCapabilities extends KvCapabilities {
  /** True when the fixture provides {@link KvFixture.lostAttempts}. */
  readonly injectsLostAttempts?: boolean;
  /** True when the driver has the optional `scan` (the operations tools' full-table read). */
  readonly scans?: boolean;
}

/** Default wait for eventually consistent indexes: real DynamoDB GSIs typically propagate well within a second. */
export const DEFAULT_INDEX_SETTLE_MS = 2_000;

/** The wait for index reads of `fixture` (see {@link KvFixture.indexSettleMs}). */
export function indexSettleMs(fixture: KvFixture): number {
  return fixture.indexSettleMs ?? (fixture.driver.capabilities.consistentIndexReads ? 0 : DEFAULT_INDEX_SETTLE_MS);
}

/** Creates a fresh {@link KvFixture}; called once per check. */
export type KvDriverFactory = () => Promise<KvFixture>;

/** A KV contract check. */
export type KvCheck = ContractCheck<KvDriverFactory, KvSuiteCapabilities>;

/** A table schema without its name: the check names it uniquely. */
export type TableShape = Omit<TableSchema, 'name'>;

/** A unique table name: the fixture's prefix, the check's label and a random token (DynamoDB-legal characters). */
export function uniqueTableName(fixture: KvFixture, label: string): string {
  return `${fixture.tablePrefix ?? 'contract_'}${label}_${uniqueToken()}`;
}

/**
 * Create a fixture, ensure one table per shape (unique names), run `body` with the driver, the schemas and the fixture, then
 * drop the tables and tear the fixture down, also when `body` throws.
 */
export async function withTables<T>(
  factory: KvDriverFactory,
  label: string,
  shapes: readonly TableShape[],
  body: (driver: KvDriver, schemas: TableSchema[], fixture: KvFixture) => Promise<T>,
): Promise<T> {
  const fixture = await factory();
  const schemas = shapes.map((shape, index) => ({ ...shape, name: uniqueTableName(fixture, `${label}${index}`) }));
  try {
    for (const schema of schemas) await fixture.driver.ensureTable(schema);
    return await body(fixture.driver, schemas, fixture);
  } finally {
    try {
      for (const schema of schemas) await fixture.driver.dropTable(schema.name);
    } finally {
      await fixture.teardown?.();
    }
  }
}

/** A table with a string partition key `pk` and a numeric sort key `sk`, no indexes. */
export const PK_SK_NUMBER: TableShape = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  indexes: [],
};

/** A table with a string partition key `pk` and a string sort key `sk`, no indexes. */
export const PK_SK_STRING: TableShape = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [],
};
