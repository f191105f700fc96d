/** Running one CLI command: clients, Ctrl-C, progress, output, and the exit code. */
import { ErrorCodes, EventStoreAdapterError } from '../src/errors.js';
import type { ProgressListener } from '../ops/progress.js';
import { clientsFor, targetFor } from './clients.js';
import { ExitCodes, UsageError, type CommonFlags } from './context.js';
import { progressDisplay } from './progress.js';
import { withRecordedLayout, type StoreTarget } from '../ops/store.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

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
export async function runCommand(flags: CommonFlags, resumeHint: string, command: (context: CommandContext) => Promise<CommandResult>): Promise<number> {
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(ExitCodes.INTERRUPTED);
    interrupted = true;
    process.stderr.write('\nstopping cleanly (Ctrl-C again to quit at once)...\n');
    controller.abort(new Error('interrupted (SIGINT)'));
  };
  process.on('SIGINT', onSigint);
  const progress = progressDisplay({ quiet: flags.quiet ?? false });
  const clients = clientsFor(flags);
  try {
    const target = await withRecordedLayout(targetFor(flags, clients));
    const outcome = await command({ flags, ...clients, target, signal: controller.signal, onProgress: progress.listener });
    progress.stop();
    if (!outcome.silent) process.stdout.write(flags.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : outcome.text.endsWith('\n') ? outcome.text : `${outcome.text}\n`);
    return outcome.problems ? ExitCodes.PROBLEMS : ExitCodes.OK;
  } catch (error) {
    progress.stop();
    if (interrupted || (error instanceof EventStoreAdapterError && error.code === ErrorCodes.ABORTED)) {
      process.stderr.write(`interrupted: ${resumeHint}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify({ interrupted: true, resume: resumeHint }, null, 2)}\n`);
      return ExitCodes.INTERRUPTED;
    }
    const usage = error instanceof UsageError || (error instanceof EventStoreAdapterError && error.code === ErrorCodes.INVALID_OPTIONS);
    const code = error instanceof EventStoreAdapterError ? error.code : (error as { name?: string }).name ?? 'Error';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${code}: ${message}\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify({ error: { code, message, ...(error instanceof EventStoreAdapterError ? { details: error.details } : {}) } }, null, 2)}\n`);
    return usage ? ExitCodes.USAGE : ExitCodes.FAILURE;
  } finally {
    process.removeListener('SIGINT', onSigint);
    clients.dynamodbClient.destroy();
    clients.s3Client.destroy();
  }
}
