/** Running one CLI command: clients, Ctrl-C, progress, output, and the exit code. */
import { ErrorCodes, EventStoreAdapterError } from '../src/index.js';
import type { ProgressListener } from '../ops/progress.js';
import { clientsFor, targetFor, type CliClients } from './clients.js';
import { ExitCodes, parseTimeout, UsageError, type CommonFlags } from './context.js';
import { progressDisplay } from './progress.js';
import { withRecordedLayout, type StoreTarget } from '../ops/store.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_TIMEOUT } from './request-timeout.js';

/** What a command gets. */
export interface CommandContext {
  readonly flags: CommonFlags;
  readonly dynamodbClient: DynamoDBClient;
  readonly s3Client: S3Client;
  /** The store of `--table`/`--table-prefix` and `--bucket`. */
  readonly target: StoreTarget;
  /** Fires on Ctrl-C. */
  readonly signal: AbortSignal;
  readonly onProgress: ProgressListener;
}

/** What a command returns: its result (printed as JSON with `--json`), the human text, and whether it found problems. */
export interface CommandResult {
  readonly result: unknown;
  readonly text: string;
  readonly problems?: boolean;
  /** Print nothing on stdout (the command wrote its own output there, e.g. an export to stdout). */
  readonly silent?: boolean;
}

/**
 * Run `command`, print its result, and exit: 0 ok, 1 problems found, 2 usage error, 3 runtime failure, 130
 * interrupted (with `resumeHint` printed on stderr).
 */
export async function runCommand(
  flags: CommonFlags,
  resumeHint: string,
  command: (context: CommandContext) => Promise<CommandResult>,
): Promise<number> {
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(ExitCodes.INTERRUPTED);
    interrupted = true;
    process.stderr.write('\nstopping cleanly (Ctrl-C again to quit at once)...\n');
    controller.abort(new Error('interrupted (SIGINT)'));
  };
  let timeoutMs: number;
  try {
    timeoutMs = parseTimeout(flags.timeout);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return ExitCodes.USAGE;
  }
  process.on('SIGINT', onSigint);
  const progress = progressDisplay({ quiet: flags.quiet ?? false });
  const clients = clientsFor(flags, timeoutMs);
  try {
    const target = targetFor(flags, clients, timeoutMs);
    // Said before the first request, so that a slow or silent endpoint is never a mystery.
    if (!flags.quiet) process.stderr.write(`${connectingTo(clients, target, flags.timeout)}\n`);
    const recorded = await withRecordedLayout(target);
    // That first read swallows its failures (the command reports them): but not a silent endpoint, which would cost a second wait.
    if (clients.stalls.stalled()) throw new EventStoreAdapterError(ErrorCodes.DEADLINE_EXCEEDED, 'no answer');
    const outcome = await command({ flags, ...clients, target: recorded, signal: controller.signal, onProgress: progress.listener });
    progress.stop();
    if (!outcome.silent)
      process.stdout.write(
        flags.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : outcome.text.endsWith('\n') ? outcome.text : `${outcome.text}\n`,
      );
    return outcome.problems ? ExitCodes.PROBLEMS : ExitCodes.OK;
  } catch (error) {
    progress.stop();
    if (interrupted || (error instanceof EventStoreAdapterError && error.code === ErrorCodes.ABORTED)) {
      process.stderr.write(`interrupted: ${resumeHint}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify({ interrupted: true, resume: resumeHint }, null, 2)}\n`);
      return ExitCodes.INTERRUPTED;
    }
    const timedOut = timeoutMessage(error, clients, flags.timeout);
    if (timedOut !== undefined) {
      process.stderr.write(`error: ${ErrorCodes.DEADLINE_EXCEEDED}: ${timedOut}\n`);
      if (flags.json)
        process.stdout.write(`${JSON.stringify({ error: { code: ErrorCodes.DEADLINE_EXCEEDED, message: timedOut } }, null, 2)}\n`);
      return ExitCodes.FAILURE;
    }
    const usage = error instanceof UsageError || (error instanceof EventStoreAdapterError && error.code === ErrorCodes.INVALID_OPTIONS);
    const code = error instanceof EventStoreAdapterError ? error.code : ((error as { name?: string }).name ?? 'Error');
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${code}: ${message}\n`);
    if (flags.json)
      process.stdout.write(
        `${JSON.stringify({ error: { code, message, ...(error instanceof EventStoreAdapterError ? { details: error.details } : {}) } }, null, 2)}\n`,
      );
    return usage ? ExitCodes.USAGE : ExitCodes.FAILURE;
  } finally {
    process.removeListener('SIGINT', onSigint);
    clients.dynamodbClient.destroy();
    clients.s3Client.destroy();
  }
}

/** The line saying where the command connects: endpoints (or AWS and the region), table, bucket, and the timeout. */
function connectingTo(clients: CliClients, target: StoreTarget, timeout: string | undefined): string {
  const s3 = target.bucket ? `; S3 at ${clients.endpoints.s3.where}, bucket ${target.bucket}` : '';
  return `connecting to DynamoDB at ${clients.endpoints.dynamodb.where}, table ${target.tableName}${s3} (--timeout ${timeout ?? DEFAULT_TIMEOUT})`;
}

/**
 * The message of a command stopped by `--timeout`: a request abandoned unanswered (naming its endpoint), or a
 * store call past its deadline (naming both); undefined for other failures.
 */
function timeoutMessage(error: unknown, clients: CliClients, timeout: string | undefined): string | undefined {
  const flag = `--timeout ${timeout ?? DEFAULT_TIMEOUT}`;
  const stalled = clients.stalls.stalled();
  const hint = 'check the endpoint, the network and the credentials, or raise --timeout';
  if (stalled) return `no answer from ${stalled.service} at ${stalled.where} within ${flag}: ${hint}`;
  if (error instanceof EventStoreAdapterError && error.code === ErrorCodes.DEADLINE_EXCEEDED) {
    const { dynamodb, s3 } = clients.endpoints;
    return `the store call did not finish within ${flag} (DynamoDB at ${dynamodb.where}, S3 at ${s3.where}): ${hint}`;
  }
  return undefined;
}
