import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { TableSchema } from '../../src/ports/kv-driver.js';
import { awsErrorShape } from './aws-error-facts.js';
import { mapDynamoDbError } from './error-mapping.js';
import type { ResolvedDynamoDbKvDriverOptions } from './options.js';
import { createTableInput, isFullyActive, layoutDifferences, streamDifferences } from './table-layout.js';

/**
 * Table lifecycle (control plane): describe, ensure (create or verify, then wait until ACTIVE), drop (delete,
 * then wait until gone). Waiting polls `DescribeTable` every `pollIntervalMs` up to `waitTimeoutMs`, then throws
 * `DRIVER/TABLE_WAIT_TIMEOUT` (not retryable: waiting again would only repeat the wait) with the last status.
 * A `signal` (the calling store's deadline or abort) is sent with every request as the SDK's `abortSignal` and
 * cuts the waits short: an abandoned ensure or drop stops at once and holds no connection.
 */

/** The SDK's per-request options for `signal`. */
function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal === undefined ? {} : { abortSignal: signal };
}

/** The table's description, or `undefined` when it does not exist. Other failures throw mapped errors. */
export async function describeTable(
  client: DynamoDBDocumentClient,
  table: string,
  signal?: AbortSignal,
): Promise<TableDescription | undefined> {
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: table }), sendOptions(signal));
    return output.Table;
  } catch (error) {
    if (awsErrorShape(error).name === 'ResourceNotFoundException') return undefined;
    throw mapDynamoDbError(error, { operation: 'DescribeTable', table });
  }
}

/**
 * Create the table if absent (unless `createTable` is off), then wait until it and every GSI are ACTIVE.
 * A concurrent creator (`ResourceInUseException`) is waited for; a table being deleted is waited out and
 * re-created. A table whose layout differs throws `DRIVER/SCHEMA_MISMATCH` with `details.differences`; a missing
 * table with `createTable: false` throws `DRIVER/RESOURCE_NOT_FOUND`. `call.onCreated` runs as soon as a
 * CreateTable of this call succeeded (before the wait), so a caller abandoning the wait still knows it created it,
 * and when `call.signal` abandoned a CreateTable in flight (it may have landed: the table is then this caller's).
 */
export async function ensureTable(
  client: DynamoDBDocumentClient,
  schema: TableSchema,
  options: ResolvedDynamoDbKvDriverOptions,
  call: { readonly signal?: AbortSignal | undefined; readonly onCreated?: () => void } = {},
): Promise<{ created: boolean; canCreate: boolean }> {
  const { signal } = call;
  const input = createTableInput(schema, options.billing, options.streamViewType); // validates the schema before any call
  const deadline = Date.now() + options.waitTimeoutMs;
  let created = false;
  for (;;) {
    const table = await describeTable(client, schema.name, signal);
    if (table === undefined) {
      if (!options.createTable) {
        throw new EventStoreAdapterError(
          ErrorCodes.RESOURCE_NOT_FOUND,
          `DynamoDB table ${schema.name} does not exist and createTable is off`,
          { details: { driver: 'dynamodb', table: schema.name } },
        );
      }
      if (await createTable(client, input, signal, call.onCreated)) {
        created = true;
        call.onCreated?.();
      }
      continue; // describe again: created by us or by a concurrent caller
    }
    if (table.TableStatus !== 'DELETING') {
      const differences = [...layoutDifferences(schema, table), ...streamDifferences(options.streamViewType, table)];
      if (differences.length > 0) {
        const upstream = isUpstreamTable(table);
        throw new EventStoreAdapterError(
          ErrorCodes.SCHEMA_MISMATCH,
          upstream
            ? `DynamoDB table ${schema.name} is a table of the old adapter (@schemeless/event-store-adapter-dynamodb: keys id, created), ` +
                'not of this package: copy its events into a new table with ' +
                `\`npx event-store-dynamodb migrate-from-upstream --source-table ${schema.name} --table-prefix <new prefix>\` ` +
                '(the old table is only read), then point the store at the new table'
            : `DynamoDB table ${schema.name} exists with a different layout: ${differences.join('; ')}`,
          { details: { driver: 'dynamodb', table: schema.name, differences, ...(upstream ? { upstream: true } : {}) } },
        );
      }
      if (isFullyActive(table)) return { created, canCreate: options.createTable };
    }
    await waitABit(schema.name, deadline, options, `status ${table.TableStatus ?? 'unknown'}`, signal);
  }
}

/** Delete the table if present and wait until `DescribeTable` no longer finds it. A table still being created is waited for first. */
export async function dropTable(
  client: DynamoDBDocumentClient,
  table: string,
  options: ResolvedDynamoDbKvDriverOptions,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + options.waitTimeoutMs;
  for (;;) {
    try {
      await client.send(new DeleteTableCommand({ TableName: table }), sendOptions(signal));
      break;
    } catch (error) {
      const name = awsErrorShape(error).name;
      if (name === 'ResourceNotFoundException') return;
      if (name !== 'ResourceInUseException') throw mapDynamoDbError(error, { operation: 'DeleteTable', table });
      await waitABit(table, deadline, options, 'in use (being created or updated)', signal);
    }
  }
  for (;;) {
    const description = await describeTable(client, table, signal);
    if (description === undefined) return;
    await waitABit(table, deadline, options, `status ${description.TableStatus ?? 'unknown'}`, signal);
  }
}

/** True when this request created the table; false when another caller did (or it is still being deleted). */
async function createTable(
  client: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof CreateTableCommand>[0],
  signal: AbortSignal | undefined,
  onAbandoned?: () => void,
): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand(input), sendOptions(signal));
    return true;
  } catch (error) {
    // Abandoned by our caller: the request may have landed, and nobody else creates this table in that moment.
    if (signal?.aborted === true) onAbandoned?.();
    // Another caller created it (or it is still being deleted): the caller's loop waits for it.
    if (awsErrorShape(error).name === 'ResourceInUseException') return false;
    throw mapDynamoDbError(error, { operation: 'CreateTable', table: input.TableName });
  }
}

async function waitABit(
  table: string,
  deadline: number,
  options: ResolvedDynamoDbKvDriverOptions,
  state: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (Date.now() >= deadline) {
    throw new EventStoreAdapterError(
      ErrorCodes.TABLE_WAIT_TIMEOUT,
      `DynamoDB table ${table} did not become ready within ${options.waitTimeoutMs} ms (last seen: ${state})`,
      { details: { driver: 'dynamodb', table, timedOut: true, waitTimeoutMs: options.waitTimeoutMs, state } },
    );
  }
  await sleep(options.pollIntervalMs, undefined, signal === undefined ? {} : { signal });
}

/**
 * True when `table` has the key schema of the old adapter (`@schemeless/event-store-adapter-dynamodb` up to 5.x:
 * `id` hash, `created` range), whose tables `migrate-from-upstream` copies.
 */
function isUpstreamTable(table: TableDescription): boolean {
  const keys = Object.fromEntries((table.KeySchema ?? []).map((key) => [key.KeyType, key.AttributeName]));
  return keys.HASH === 'id' && keys.RANGE === 'created';
}
