/**
 * The CLI's flags: the groups commands take (each command shows only the flags it uses), their parsers (a bad
 * value names the flag) and the exit codes. Loads no AWS SDK module (see `clients.ts`).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { OpsErrorCodes } from '../ops/errors.js';
import { DEFAULT_CHANGE_FEED_SHARDS, MAX_CHANGE_FEED_SHARDS } from '../src/inspection.js';
import { DEFAULT_TIMEOUT, MAX_TIMEOUT_MS } from './request-timeout.js';

/** The flags of the commands that talk to AWS (each command has the subset it shows). */
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
  /** `--change-feed [shards]`: the store keeps a change feed (`true`: the default shards), for a table to create. */
  readonly changeFeed?: true | number;
  /** `--timeout <duration>`: the longest wait for one answer from AWS (see request-timeout.ts); default 60s. */
  readonly timeout?: string;
}

/** Longest S3 key prefix the store accepts (its `blobKeyPrefix` rule: S3 keys are at most 1,024 bytes). */
const MAX_KEY_PREFIX_CHARS = 200;

/**
 * The store's table and how to reach DynamoDB, with `--timeout` and the output flags: every command that talks to
 * AWS takes these.
 */
export function withTableFlags(command: Command): Command {
  return command
    .option('--table <name>', 'full table name of the store (overrides --table-prefix)', tableName)
    .option('--table-prefix <prefix>', 'table name prefix: the table is <prefix>schemeless-event-store', tablePrefix, '')
    .option('--endpoint <url>', 'DynamoDB endpoint (e.g. http://localhost:8000 for DynamoDB Local); default: AWS', url('--endpoint'))
    .option('--region <region>', "AWS region (default: AWS_REGION / the profile's; with --endpoint and none set, us-east-1)")
    .option('--profile <name>', "AWS credentials profile of ~/.aws/config (default: the SDK's credential chain)")
    .option(
      '--timeout <duration>',
      'longest wait for AWS to answer one request or one store call (table creation included), e.g. 500ms, 30s, 2m; at most 1h. ' +
        'Past it the command stops with exit code 3 naming the endpoint',
      DEFAULT_TIMEOUT,
    )
    .option('--json', 'print the result as JSON on stdout (for scripts); errors too, as { error: { code, message } }')
    .option('--quiet', 'no progress output, and no line saying where the command connects');
}

/** The store's bucket of offloaded payloads and how to reach S3 (`required`: the command needs the bucket). */
export function withBucketFlags(command: Command, options: { required?: boolean } = {}): Command {
  const bucket = new Option(
    '--bucket <name>',
    options.required ? 'S3 bucket of offloaded payloads (required)' : 'S3 bucket of offloaded payloads (without it, blobs are not read)',
  ).argParser(bucketName);
  if (options.required) bucket.makeOptionMandatory();
  return command
    .addOption(bucket)
    .option('--s3-endpoint <url>', 'S3 endpoint; default: the --endpoint value when given, else AWS', url('--s3-endpoint'))
    .option('--s3-key-prefix <prefix>', 'key prefix of offloaded objects, as the store is configured', keyPrefix, 'events/');
}

/** `--change-feed [shards]`: one meaning wherever it appears (a store with a change feed, optionally its shard count). */
export function withChangeFeedFlag(command: Command, purpose: string): Command {
  return command.option(
    '--change-feed [shards]',
    `the store keeps a change feed (changeFeed), with 1..${MAX_CHANGE_FEED_SHARDS} shards (default ${DEFAULT_CHANGE_FEED_SHARDS}): ${purpose}`,
    changeFeedShards,
  );
}

/** Parse a duration: `90` (ms), `500ms`, `30s`, `15m`, `1h`, `7d`; a usage error naming `flag` otherwise. */
export function parseDuration(text: string, flag = 'a duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be a duration such as 500ms, 30s, 15m, 1h or 7d, got ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 'ms') as 'ms'];
  return Number(match[1]) * unit;
}

/** `--timeout` in ms: a duration from 1 ms to 1 h, else a usage error naming the flag. */
export function parseTimeout(text: string | undefined): number {
  const ms = Math.round(parseDuration(text ?? DEFAULT_TIMEOUT, '--timeout'));
  if (!(ms >= 1 && ms <= MAX_TIMEOUT_MS)) throw new UsageError(`--timeout must be from 1ms to 1h, got ${JSON.stringify(text)}`);
  return ms;
}

/** A commander parser of a positive integer (`InvalidArgumentError` makes commander name the flag and the value). */
export function parsePositiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError('It must be a positive integer.');
  return value;
}

/** A commander parser of a duration flag's value (checked now, so the message names the flag). */
export function durationText(text: string): string {
  if (!/^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.test(text.trim()))
    throw new InvalidArgumentError('It must be a duration such as 500ms, 30s, 15m, 1h or 7d.');
  return text;
}

function changeFeedShards(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_CHANGE_FEED_SHARDS)
    throw new InvalidArgumentError(
      `It must be a shard count from 1 to ${MAX_CHANGE_FEED_SHARDS} (or nothing: ${DEFAULT_CHANGE_FEED_SHARDS} shards).`,
    );
  return value;
}

function tableName(text: string): string {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(text)) throw new InvalidArgumentError('A table name is 3 to 255 characters of A-Z a-z 0-9 _ . -');
  return text;
}

function tablePrefix(text: string): string {
  if (!/^[A-Za-z0-9_.-]*$/.test(text)) throw new InvalidArgumentError('A table prefix has only the characters A-Z a-z 0-9 _ . -');
  return text;
}

/** S3 bucket naming rules: 3..63 characters of a-z 0-9 . -, starting and ending with a letter or digit. */
function bucketName(text: string): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(text))
    throw new InvalidArgumentError('An S3 bucket name is 3 to 63 characters of a-z 0-9 . -, starting and ending with a letter or digit.');
  return text;
}

function keyPrefix(text: string): string {
  if (text.length > MAX_KEY_PREFIX_CHARS) throw new InvalidArgumentError(`It must be at most ${MAX_KEY_PREFIX_CHARS} characters.`);
  return text;
}

function url(flag: string): (text: string) => string {
  return (text) => {
    try {
      const parsed = new URL(text);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return text;
    } catch {
      // reported below
    }
    throw new InvalidArgumentError(`${flag} takes an http:// or https:// URL, e.g. http://localhost:8000.`);
  };
}

/** A usage error (exit code 2, code `OPS/USAGE`): its message names the flag that fixes it. */
export class UsageError extends Error {
  /** `OPS/USAGE`. */
  readonly code = OpsErrorCodes.USAGE;

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
