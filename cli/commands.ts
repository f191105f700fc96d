/**
 * What the CLI's commands run: the `/ops` functions, the command runner and the output formats. `main.ts` imports
 * this module dynamically, on the first command that needs it, so `--help`, `--version`, `iam`, `cloudformation`
 * and `terraform` start without loading the AWS SDK.
 */
export { createStoreTable, sweepOrphans } from '../ops/maintenance.js';
export { describeTable } from '../ops/describe.js';
export { exportEvents } from '../ops/export.js';
export { importEvents } from '../ops/import.js';
export { migrateFromUpstream } from '../ops/migrate-from-upstream.js';
export { storeStats } from '../ops/stats.js';
export { withOpenStore } from '../ops/store.js';
export { verifyStore } from '../ops/verify.js';
export { runCommand } from './run.js';
export { formatDescribe, formatExport, formatImport, formatMigration, formatStats, formatSweep, formatVerify } from './format.js';
