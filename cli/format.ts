/** Human-readable output of the CLI's commands (`--json` prints the results as they are). */
import type { TableDescriptionReport } from '../ops/describe.js';
import type { ExportSummary } from '../ops/export.js';
import type { ImportSummary } from '../ops/import.js';
import type { MigrationSummary } from '../ops/migrate-from-upstream.js';
import type { StoreStatsReport } from '../ops/stats.js';
import type { VerifyReport } from '../ops/verify.js';
import { ErrorCodes, type SweepResult } from '../src/index.js';

const number = (value: number) => value.toLocaleString('en-US');
const bytes = (value: number) =>
  value >= 1024 ** 3
    ? `${(value / 1024 ** 3).toFixed(2)} GiB`
    : value >= 1024 ** 2
      ? `${(value / 1024 ** 2).toFixed(2)} MiB`
      : value >= 1024
        ? `${(value / 1024).toFixed(1)} KiB`
        : `${value} B`;
const usd = (value: number) => `$${value < 0.01 && value > 0 ? value.toPrecision(2) : value.toFixed(2)}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A migration summary. */
export function formatMigration(summary: MigrationSummary): string {
  const rate = summary.durationMs > 0 ? Math.round((summary.migrated / summary.durationMs) * 1000) : 0;
  const lines = [
    `${summary.dryRun ? 'dry run: nothing written. ' : ''}${summary.sourceTable} -> ${summary.targetTable}`,
    `events in the old table: ${number(summary.events)} (${number(summary.before2020)} before 2020, ${number(summary.offloaded)} offloaded to S3)`,
    `${summary.dryRun ? 'would migrate' : 'migrated'}: ${number(summary.migrated)} events in ${number(summary.streams)} streams (${number(summary.written)} written now, ${number(summary.alreadyPresent)} already present) in ${seconds(summary.durationMs)}, ${number(rate)} events/s`,
    `renumbered streams (old sequence not 1..n in created order): ${summary.renumberedStreams.length}`,
    ...summary.renumberedStreams
      .slice(0, 20)
      .map(
        (stream) =>
          `  ${stream.domain}/${stream.identifier}: ${stream.differing} of ${stream.events} positions differ${stream.headVersion === undefined ? '' : `, old head at ${stream.headVersion}`}`,
      ),
    `verified: ${summary.verified ? 'yes' : 'NO'}`,
    `problems: ${summary.problemCount}${
      summary.problemCount > 0
        ? ` (${Object.entries(summary.problemCounts)
            .map(([kind, count]) => `${kind} ${count}`)
            .join(', ')})`
        : ''
    }`,
    ...summary.problems.slice(0, 50).map((problem) => `  [${problem.kind}] ${problem.message}`),
  ];
  if (summary.problemCount > 50) lines.push(`  ... ${summary.problemCount - 50} more (--json lists the first ${summary.problems.length})`);
  return lines.join('\n');
}

/** An export summary. */
export function formatExport(summary: ExportSummary): string {
  return `exported ${number(summary.events)} events (${bytes(summary.bytes)})${summary.resumedAfter ? ` after ${summary.resumedAfter}` : ''}; ${number(summary.totalEvents)} in the file; last id ${summary.lastId ?? '-'}; ${settled(summary.settledMs)}; ${seconds(summary.durationMs)}`;
}

/** What an export's settle means for the events committed just before it. */
function settled(ms: number): string {
  return ms === 0
    ? 'did not wait for the index to settle (events committed just before may be missing)'
    : `waited ${seconds(ms)} for the index to settle first`;
}

/** An import summary. */
export function formatImport(summary: ImportSummary): string {
  return [
    `read ${number(summary.lines)} lines: ${number(summary.imported)} imported, ${number(summary.skipped)} already stored (skipped), ${number(summary.issueCount)} not stored; ${seconds(summary.durationMs)}`,
    ...summary.issues
      .slice(0, 50)
      .map(
        (issue) =>
          `  line ${issue.line} [${issue.kind} ${issue.code}] ${issue.message}${issue.code === ErrorCodes.BLOB_STORE_REQUIRED ? ' (give --bucket)' : ''}`,
      ),
  ].join('\n');
}

/** Store statistics. */
export function formatStats(report: StoreStatsReport): string {
  return [
    `table ${report.table}`,
    `events: ${number(report.events)} in ${number(report.streams)} streams; snapshots: ${number(report.snapshots)}`,
    `offloaded: ${number(report.offloadedEvents)} events; blobs: ${
      report.blobsChecked ? `${number(report.blobs)} (${bytes(report.blobBytes)})` : 'not checked: give --bucket'
    }`,
    `storage billed: ${bytes(report.storageBytes)} DynamoDB (items, index copies, 100 B per item), ${
      report.blobsChecked ? `${bytes(report.blobBytes)} S3` : 'S3 not checked (give --bucket)'
    }`,
    'events per month:',
    ...Object.entries(report.perMonth).map(([month, count]) => `  ${month}  ${number(count)}`),
    `events per shard: ${
      Object.entries(report.perShard)
        .map(([shard, count]) => `${shard}: ${number(count)}`)
        .join(', ') || '-'
    }`,
    'largest items:',
    ...report.largestItems.map(
      (item) => `  ${bytes(item.bytes)}  ${item.kind} ${item.pk}#${item.sk}${item.eventId ? ` (${item.eventId})` : ''}`,
    ),
    `estimated monthly cost (${report.cost.region}, AWS prices of ${report.cost.pricesDate}): ${usd(report.cost.totalUsd)} = storage ${usd(report.cost.dynamodbStorageUsd)} DynamoDB + ${usd(report.cost.s3StorageUsd)} S3 + appends ${usd(report.cost.appendsUsd)} + replays ${usd(report.cost.replaysUsd)}`,
    `  one million single appends: ${usd(report.cost.usdPerMillionAppends)}; one full replay: ${usd(report.cost.usdPerFullReplay)}`,
  ].join('\n');
}

/** A sweep (or, with `--dry-run`, what it would delete). */
export function formatSweep(result: SweepResult): string {
  const keys = result.wouldDelete ?? result.deleted;
  const list = keys.map((key) => `\n  ${key}`).join('');
  return result.wouldDelete
    ? `dry run: nothing deleted; would delete ${number(keys.length)} orphan blob(s), keep ${number(result.kept)}${list}`
    : `deleted ${number(keys.length)} orphan blob(s), kept ${number(result.kept)}${list}`;
}

/** A verification report. */
export function formatVerify(report: VerifyReport): string {
  return [
    `table ${report.table}: ${report.ok ? 'OK' : `${number(report.problemCount)} problem(s)`}`,
    `checked: ${Object.entries(report.checked)
      .map(([kind, count]) => `${number(count)} ${kind}`)
      .join(', ')}${report.blobsChecked ? '' : ' (blobs not checked: give --bucket)'}`,
    ...(report.youngUnreferencedBlobs > 0
      ? [`unreferenced blobs younger than the grace period (not problems): ${report.youngUnreferencedBlobs}`]
      : []),
    ...report.problems.slice(0, 100).map((problem) => `  [${problem.kind}] ${problem.message}`),
  ].join('\n');
}

/** A table description. */
export function formatDescribe(report: TableDescriptionReport): string {
  return [
    `table ${report.table}: ${report.status ?? 'unknown status'}, layout ${report.layout === 'ours' ? 'event-store-adapter-dynamodb' : report.layout === 'upstream' ? "the old adapter's (migrate it with migrate-from-upstream)" : 'unknown'}`,
    `keys: ${report.keySchema.HASH ?? '-'} (hash), ${report.keySchema.RANGE ?? '-'} (range); billing ${report.billingMode}; streams ${report.streamViewType ?? 'off'}`,
    ...report.indexes.map(
      (index) => `index ${index.name}: ${index.keys.HASH ?? '-'} / ${index.keys.RANGE ?? '-'}, projection ${index.projection ?? '-'}`,
    ),
    `approximately ${number(report.approximateItems ?? 0)} items, ${bytes(report.approximateBytes ?? 0)} (DynamoDB updates these about every 6 hours)`,
    report.layoutRecord
      ? `layout record: version ${report.layoutRecord.layoutVersion}, ${report.layoutRecord.bucketShards} shard(s), ${
          report.layoutRecord.feedShards > 0 ? `change feed of ${report.layoutRecord.feedShards} shard(s)` : 'no change feed'
        }, created by ${report.layoutRecord.createdByStore ? 'an event store' : 'infrastructure'}`
      : report.layout === 'ours'
        ? 'layout record: none yet (the first init writes it)'
        : '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}
