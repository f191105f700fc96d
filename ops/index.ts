/**
 * `event-store-adapter-dynamodb/ops`: operating a store, programmatically (the `event-store-dynamodb` CLI is built
 * on it): migrate an old-adapter table, export and import NDJSON, statistics and costs, verification, and the
 * table's infrastructure (IAM, CloudFormation, Terraform).
 */
export { migrateFromUpstream, MIGRATION_CHUNK, type MigrateOptions, type MigrationProblem, type MigrationSummary, type RenumberedStream } from './migrate-from-upstream.js';
export { checkUpstreamTable, scanUpstreamIndex, fetchUpstreamEvents, decodeUpstreamItem, upstreamTableName, type UpstreamIndex, type UpstreamStream, type UpstreamEntry, type UpstreamEvent, type DuplicateId } from './upstream-table.js';
export type { Progress, ProgressListener } from './progress.js';
