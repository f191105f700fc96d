/** Running one CLI command: clients, Ctrl-C, progress, output, and the exit code. */
import { ErrorCodes, EventStoreAdapterError } from '../src/index.js';
import { OpsErrorCodes } from '../ops/errors.js';
import type { ProgressListener } from '../ops/progress.js';
import { clientsFor, targetFor, type CliClients } from './clients.js';
import { ExitCodes, parseTimeout, type CommonFlags } from './context.js';
import { explainFailure, type CliFailure } from './failures.js';
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
 * Run `command` (named `name`, for messages), print its result, and exit: 0 ok, 1 problems found, 2 usage error,
 * 3 runtime failure, 130 interrupted (with `resumeHint` printed on stderr). A failure is printed as
 * `error: <code>: <message>` on stderr (and as `{ error: { code, message, details } }` on stdout with `--json`), in
 * the CLI's terms (see failures.ts). Unless `--quiet`, the first line on stderr says where the command connects.
 */
export async function runCommand(
  name: string,
  flags: CommonFlags & Readonly<Record<string, unknown>>,
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
    return printFailure({ code: OpsErrorCodes.USAGE, message: (error as Error).message, usage: true }, flags);
  }
  process.on('SIGINT', onSigint);
  const progress = progressDisplay({ quiet: flags.quiet ?? false });
  const clients = clientsFor(flags, timeoutMs);
  let target: StoreTarget | undefined;
  try {
    target = targetFor(flags, clients, timeoutMs);
    await clients.resolveRegion();
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
    const context = { command: name, flags, endpoints: clients.endpoints, stalls: clients.stalls };
    return printFailure(explainFailure(error, target ? { ...context, tableName: target.tableName } : context), flags);
  } finally {
    process.removeListener('SIGINT', onSigint);
    clients.dynamodbClient.destroy();
    clients.s3Client.destroy();
  }
}

/** Print `failure` (stderr, and stdout as JSON with `--json`); its exit code. */
export function printFailure(failure: CliFailure, flags: { readonly json?: boolean }): number {
  process.stderr.write(`error: ${failure.code}: ${failure.message}\n`);
  if (flags.json) {
    const error = { code: failure.code, message: failure.message, ...(failure.details ? { details: failure.details } : {}) };
    process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
  }
  return failure.usage ? ExitCodes.USAGE : ExitCodes.FAILURE;
}

/** The line saying where the command connects: endpoints (or AWS, its region and profile), table, bucket, and the timeout. */
function connectingTo(clients: CliClients, target: StoreTarget, timeout: string | undefined): string {
  const s3 = target.bucket ? `; S3 at ${clients.endpoints.s3.where}, bucket ${target.bucket}` : '';
  return `connecting to DynamoDB at ${clients.endpoints.dynamodb.where}, table ${target.tableName}${s3} (--timeout ${timeout ?? DEFAULT_TIMEOUT})`;
}
