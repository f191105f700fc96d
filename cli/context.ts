/** The CLI's common flags, their parsers and the exit codes; loads no AWS SDK module (see `clients.ts`). */
import type { Command } from 'commander';
import { DEFAULT_TIMEOUT, MAX_TIMEOUT_MS } from './request-timeout.js';

/** Flags every command accepts. */
export interface CommonFlags {
  readonly endpoint?: string;
  readonly s3Endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly table?: string;
  readonly tablePrefix?: string;
  readonly bucket?: string;
  readonly s3KeyPrefix?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** The store's change-feed shards (`--change-feed <shards>`); absent: as the table records it. */
  readonly changeFeed?: number;
  /** `--timeout <duration>`: the longest wait for one answer from AWS (see request-timeout.ts); default 60s. */
  readonly timeout?: string;
}

/** Add the common flags to `command`. */
export function withCommonFlags(command: Command): Command {
  return command
    .option('--endpoint <url>', 'DynamoDB endpoint (e.g. http://localhost:8000 for DynamoDB Local); default: AWS')
    .option('--s3-endpoint <url>', 'S3 endpoint; default: the --endpoint value when given, else AWS')
    .option('--region <region>', "AWS region (default: AWS_REGION / the profile's; with --endpoint and none set, us-east-1)")
    .option('--profile <name>', "AWS credentials profile (default: the SDK's credential chain)")
    .option('--table <name>', 'full table name of the store (overrides --table-prefix)')
    .option('--table-prefix <prefix>', 'table name prefix: the table is <prefix>schemeless-event-store', '')
    .option('--bucket <name>', 'S3 bucket of offloaded payloads')
    .option('--s3-key-prefix <prefix>', 'key prefix of offloaded objects, as the store is configured', 'events/')
    .option(
      '--change-feed <shards>',
      "the store's change feed (changeFeed shards, 1..63): for a table to create; an existing table's is read from its layout record",
      parsePositiveInt,
    )
    .option(
      '--timeout <duration>',
      'longest wait for AWS to answer one request or one store call (table creation included), e.g. 500ms, 30s, 2m; at most 1h. ' +
        'Past it the command stops with exit code 3 naming the endpoint',
      DEFAULT_TIMEOUT,
    )
    .option('--json', 'print the result as JSON on stdout (for scripts)')
    .option('--quiet', 'no progress output');
}

/** Parse a duration: `90` (ms), `500ms`, `30s`, `15m`, `1h`, `7d`. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`not a duration: ${JSON.stringify(text)} (use e.g. 500ms, 30s, 15m, 1h, 7d)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 'ms') as 'ms'];
  return Number(match[1]) * unit;
}

/** `--timeout` in ms: a duration from 1 ms to 1 h, else a usage error. */
export function parseTimeout(text: string | undefined): number {
  const ms = Math.round(parseDuration(text ?? DEFAULT_TIMEOUT));
  if (!(ms >= 1 && ms <= MAX_TIMEOUT_MS)) throw new UsageError(`--timeout must be from 1ms to 1h, got ${JSON.stringify(text)}`);
  return ms;
}

/** Parse a positive integer flag. */
export function parsePositiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`not a positive integer: ${JSON.stringify(text)}`);
  return value;
}

/** A usage error: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes scripts can trust. */
export const ExitCodes = {
  /** Done, nothing wrong. */
  OK: 0,
  /** Done, and problems were found (verify, migrate, import). */
  PROBLEMS: 1,
  /** Bad flags or arguments. */
  USAGE: 2,
  /** The operation failed (AWS error, missing table, I/O). */
  FAILURE: 3,
  /** Interrupted (Ctrl-C); re-run to resume. */
  INTERRUPTED: 130,
} as const;
