import { DEFAULT_TABLE_BASE_NAME } from '../src/inspection.js';

/**
 * The table name the tools operate on: `table` when given, else `<tablePrefix>schemeless-event-store`, as the
 * store's `tableNamePrefix` makes it. Loads no AWS SDK module (the CLI's `--help` and infrastructure commands use it).
 */
export function resolveTableName(options: { table?: string; tablePrefix?: string }): string {
  return options.table ?? `${options.tablePrefix ?? ''}${DEFAULT_TABLE_BASE_NAME}`;
}
