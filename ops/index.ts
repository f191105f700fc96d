/**
 * `event-store-adapter-dynamodb/ops`: operating a store, programmatically (the `event-store-dynamodb` CLI is built
 * on it): migrate an old-adapter table, export and import NDJSON, statistics and costs, verification, and the
 * table's infrastructure (IAM, CloudFormation, Terraform).
 */
export {
  migrateFromUpstream,
  MIGRATION_CHUNK,
  MAX_LISTED_PROBLEMS,
  type MigrateOptions,
  type MigrationProblem,
  type MigrationSummary,
  type RenumberedStream,
} from './migrate-from-upstream.js';
export {
  checkUpstreamTable,
  scanUpstreamIndex,
  fetchUpstreamEvents,
  decodeUpstreamItem,
  upstreamTableName,
  type UpstreamIndex,
  type UpstreamStream,
  type UpstreamEntry,
  type UpstreamEvent,
  type DuplicateId,
} from './upstream-table.js';
export type { Progress, ProgressListener } from './progress.js';
export {
  exportEvents,
  checkpointPath,
  EXPORT_PAGE_SIZE,
  DEFAULT_EXPORT_SETTLE_MS,
  type ExportOptions,
  type ExportSummary,
  type ExportCheckpoint,
} from './export.js';
export { importEvents, IMPORT_BATCH, type ImportOptions, type ImportSummary, type ImportIssue } from './import.js';
export { MAX_WAITING_EVENTS } from './import-order.js';
export { eventToLine, lineToEvent, eventIdentity, type EventLine } from './ndjson.js';
export { storeStats, type StatsOptions, type StoreStatsReport } from './stats.js';
export { verifyStore, type VerifyOptions, type VerifyReport, type VerifyProblem } from './verify.js';
export { iamPolicy, cloudFormation, terraform, type InfrastructureOptions, type IamPolicy } from './infrastructure.js';
export * from './pricing.js';
export { openStore, resolveTableName, listBlobs, type StoreTarget, type BlobObject } from './store.js';
export { describeTable, requireOurTable, type TableDescriptionReport } from './describe.js';
export { createStoreTable, sweepOrphans, type CreateTableOptions } from './maintenance.js';
export { OpsError, OpsErrorCodes, type OpsErrorCode } from './errors.js';
