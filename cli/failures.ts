/**
 * What the CLI says when a command fails: every failure gets one of this package's codes and a message in the
 * CLI's terms, naming the flag that fixes it (`--create`, `--bucket`, `--change-feed`, `--region`, `--profile`)
 * and the endpoint, region or profile concerned, instead of the library's option names or the SDK's raw errors
 * (`connect ECONNREFUSED`, `Region is missing`, `CredentialsProviderError`, `UnknownError`). The original code and
 * error name stay in `details` for scripts (`--json`).
 */
import { ErrorCodes, EventStoreAdapterError } from '../src/index.js';
import { OpsErrorCodes } from '../ops/errors.js';
import type { CommonFlags } from './context.js';
import { DEFAULT_TIMEOUT, type Endpoint, type StallRecord } from './request-timeout.js';

/** A failure as the CLI reports it: `error: <code>: <message>` on stderr, exit code 2 when `usage`, else 3. */
export interface CliFailure {
  readonly code: string;
  readonly message: string;
  /** A flag fixes it: exit code 2. */
  readonly usage: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What the explanation needs to know about the command that failed. */
export interface FailureContext {
  /** The command's name (`import`, `stats`, …). */
  readonly command: string;
  /** Every flag of the command, as commander parsed them. */
  readonly flags: CommonFlags & Readonly<Record<string, unknown>>;
  readonly endpoints: { readonly dynamodb: Endpoint; readonly s3: Endpoint };
  /** Which endpoint stalled or failed. */
  readonly stalls: StallRecord;
  /** The store's table, when known. */
  readonly tableName?: string;
}

/** Flags named by the option paths of `INPUT/INVALID_OPTIONS` (the store the CLI opens is configured from them). */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  s3BucketName: '--bucket',
  s3KeyPrefix: '--s3-key-prefix',
  blobKeyPrefix: '--s3-key-prefix',
  tableName: '--table',
  tableNamePrefix: '--table-prefix',
  changeFeed: '--change-feed',
  deadlineMs: '--timeout',
  eventStoreTableReadCapacityUnits: '--read-capacity',
  eventStoreTableWriteCapacityUnits: '--write-capacity',
  streamViewType: '--stream-view-type',
  olderThanMs: '--older-than',
  pageSize: '--page-size',
};

/** Network failures: the endpoint could not be reached at all, and what that usually means. */
const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused, nothing listens there',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host',
  EPROTO: 'TLS handshake failed (an http:// endpoint given as https://?)',
};

/** AWS error names of credentials the service refuses (as opposed to credentials that may not do something). */
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
]);

/** Signs of an answer that is not the service's (an S3 endpoint that is DynamoDB Local, a web server): its raw error. */
const NOT_THE_SERVICE =
  /Deserialization error|XML parse error|Unknown action|UnknownOperationException|InvalidAction|Unexpected token|is not valid JSON|char '<'/i;

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  details?: Record<string, unknown>;
  $metadata?: { httpStatusCode?: number };
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  path?: unknown;
  syscall?: unknown;
};

/** `error` and its `cause` chain, outermost first. */
function causes(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 10; depth++) {
    chain.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return chain;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const messageOf = (error: ErrorLike) => text(error.message);

/** Explain `error` (see the module comment). */
export function explainFailure(error: unknown, context: FailureContext): CliFailure {
  const chain = causes(error);
  const first = chain[0] ?? {};
  const original = {
    ...(first instanceof EventStoreAdapterError ? { cause: first.code, ...first.details } : {}),
    ...(text(first.name) && !(first instanceof EventStoreAdapterError) ? { errorName: text(first.name) } : {}),
  };
  return (
    usage(first, context) ??
    timeout(error, context) ??
    missing(first, context) ??
    layout(first, context) ??
    region(chain, context) ??
    credentials(chain, context) ??
    network(chain, context) ??
    notTheService(chain, context) ??
    accessDenied(chain, context) ??
    files(first, context) ??
    (first instanceof EventStoreAdapterError
      ? { code: first.code, message: first.message, usage: false, details: first.details }
      : first.$metadata !== undefined
        ? {
            code: ErrorCodes.BACKEND,
            message: `${endpointOf(error, context).service} at ${endpointOf(error, context).where} answered ${text(first.name) || 'an error'}: ${messageOf(first)}`,
            usage: false,
            details: original,
          }
        : {
            code: OpsErrorCodes.FAILED,
            message: `${text(first.name) || 'Error'}: ${messageOf(first) || String(error)}`,
            usage: false,
            details: original,
          })
  );
}

/** Our usage errors, and option errors of the store the flags configure: in flag terms. */
function usage(error: ErrorLike, context: FailureContext): CliFailure | undefined {
  if (error.code === OpsErrorCodes.USAGE) return { code: OpsErrorCodes.USAGE, message: messageOf(error), usage: true };
  if (!(error instanceof EventStoreAdapterError)) return undefined;
  if (error.code === ErrorCodes.INVALID_OPTIONS) {
    const issues = (error.details.issues as { path?: string; message: string }[] | undefined) ?? [];
    const named = issues.map((issue) => {
      const flag = FLAG_OF_OPTION[(issue.path ?? '').split('.')[0] ?? ''];
      return `${flag ?? issue.path ?? 'an option'}: ${issue.message}`;
    });
    return { code: OpsErrorCodes.USAGE, message: named.join('; ') || error.message, usage: true, details: { cause: error.code, issues } };
  }
  if (error.code === ErrorCodes.INVALID_PAGE_SIZE)
    return { code: OpsErrorCodes.USAGE, message: `--page-size: ${error.message}`, usage: true, details: { cause: error.code } };
  if (error.code === ErrorCodes.INVALID_CURSOR && context.command === 'reset-consumer')
    return { code: OpsErrorCodes.USAGE, message: `--from: ${error.message}`, usage: true, details: { cause: error.code } };
  return undefined;
}

/** A request left unanswered within `--timeout`, or a store call past its deadline: naming the endpoint and the flag. */
function timeout(error: unknown, context: FailureContext): CliFailure | undefined {
  const flag = `--timeout ${context.flags.timeout ?? DEFAULT_TIMEOUT}`;
  const hint = 'check the endpoint, the network and the credentials, or raise --timeout';
  const stalled = context.stalls.stalled();
  if (stalled)
    return {
      code: ErrorCodes.DEADLINE_EXCEEDED,
      message: `no answer from ${stalled.service} at ${stalled.where} within ${flag}: ${hint}`,
      usage: false,
    };
  if (error instanceof EventStoreAdapterError && error.code === ErrorCodes.DEADLINE_EXCEEDED) {
    const { dynamodb, s3 } = context.endpoints;
    return {
      code: ErrorCodes.DEADLINE_EXCEEDED,
      message: `the store call did not finish within ${flag} (DynamoDB at ${dynamodb.where}, S3 at ${s3.where}): ${hint}`,
      usage: false,
    };
  }
  return undefined;
}

function region(chain: ErrorLike[], context: FailureContext): CliFailure | undefined {
  const { profile, region: given } = context.flags;
  if (chain.some((error) => /Region is missing/i.test(messageOf(error))))
    return {
      code: OpsErrorCodes.REGION,
      message: `no AWS region to connect to: give --region (e.g. --region eu-west-1), or set AWS_REGION${
        profile ? `, or set a region in profile ${profile} of ~/.aws/config (--profile ${profile} has none, or does not exist)` : ''
      }`,
      usage: true,
    };
  const invalid = chain.find((error) => /Region not accepted|Invalid region|not a valid hostname component/i.test(messageOf(error)));
  if (invalid)
    return {
      code: OpsErrorCodes.REGION,
      message: `${given !== undefined ? `--region ${JSON.stringify(given)}` : 'the configured region'} is not a region AWS accepts: give one such as --region eu-west-1 (${messageOf(invalid)})`,
      usage: true,
    };
  return undefined;
}

function credentials(chain: ErrorLike[], context: FailureContext): CliFailure | undefined {
  const { profile } = context.flags;
  const withProfile = profile ? ` (--profile ${profile})` : '';
  // The SDK's own error first: a driver's error wrapping it repeats its name and message in its own.
  const missing =
    chain.find((error) => text(error.name) === 'CredentialsProviderError') ??
    chain.find((error) =>
      /Could not load credentials|Could not resolve credentials|credentials.*could not be found|profile.*could not be found/i.test(
        messageOf(error),
      ),
    );
  if (missing) {
    const endpoint = endpointOf(chain[0], context);
    const local = context.flags.endpoint !== undefined;
    return {
      code: OpsErrorCodes.CREDENTIALS,
      message: profile
        ? `no usable AWS credentials from profile ${profile} (--profile): it is not in ~/.aws/credentials or ~/.aws/config, has no keys, ` +
          `or its SSO session expired (aws sso login --profile ${profile}). The SDK said: ${messageOf(missing)}`
        : `no AWS credentials found for ${endpoint.service} at ${endpoint.where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE, ` +
          `or give --profile${local ? ' (a local endpoint accepts any keys, e.g. AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local)' : ''}`,
      usage: false,
      details: { errorName: text(missing.name), ...(profile ? { profile } : {}) },
    };
  }
  const rejected = chain.find(
    (error) => REJECTED_CREDENTIALS.has(text(error.name)) || REJECTED_CREDENTIALS.has(text(error.details?.awsErrorName)),
  );
  if (rejected) {
    const endpoint = endpointOf(chain[0], context);
    const name = text(rejected.details?.awsErrorName) || text(rejected.name);
    return {
      code: OpsErrorCodes.CREDENTIALS,
      message: `${endpoint.service} at ${endpoint.where} rejected the credentials${withProfile} (${name}): check the keys, renew a session token, or give another --profile`,
      usage: false,
      details: { errorName: name, ...(profile ? { profile } : {}) },
    };
  }
  return undefined;
}

function network(chain: ErrorLike[], context: FailureContext): CliFailure | undefined {
  const failure = chain.find((error) => text(error.code) in NETWORK_CODES);
  if (!failure) return undefined;
  const code = text(failure.code);
  const endpoint = endpointOf(chain[0], context, failure);
  return {
    code: OpsErrorCodes.CONNECTION,
    message: `cannot connect to ${endpoint.service} at ${endpoint.where}: ${NETWORK_CODES[code]} (${code}${
      text(failure.hostname) ? ` ${text(failure.hostname)}` : ''
    }): ${fixEndpoint(endpoint, context)}`,
    usage: false,
    details: { errorName: code, service: endpoint.service, endpoint: endpoint.where },
  };
}

function notTheService(chain: ErrorLike[], context: FailureContext): CliFailure | undefined {
  const odd = chain.find(
    (error) => text(error.name) === 'Unknown' || NOT_THE_SERVICE.test(messageOf(error)) || NOT_THE_SERVICE.test(text(error.name)),
  );
  if (!odd) return undefined;
  const endpoint = endpointOf(chain[0], context);
  const status = chain.map((error) => error.$metadata?.httpStatusCode).find((value) => value !== undefined);
  // The SDK names an error response it cannot read `Unknown: UnknownError`: say what that means instead.
  const answer =
    text(odd.name) === 'Unknown' ? 'an error response it would not send' : `${text(odd.name) || 'Error'}: ${messageOf(odd).split('\n')[0]}`;
  return {
    code: OpsErrorCodes.CONNECTION,
    message: `${endpoint.service} at ${endpoint.where} did not answer as ${endpoint.service} (${status ? `HTTP ${status}, ` : ''}${answer}): ${fixEndpoint(
      endpoint,
      context,
    )}`,
    usage: false,
    details: {
      errorName: text(odd.name),
      service: endpoint.service,
      endpoint: endpoint.where,
      ...(status ? { httpStatusCode: status } : {}),
    },
  };
}

/** What to check about an endpoint that failed. */
function fixEndpoint(endpoint: Endpoint, context: FailureContext): string {
  const { endpoint: dynamodb, s3Endpoint } = context.flags;
  if (endpoint.service === 'S3') {
    if (s3Endpoint) return 'check --s3-endpoint (is the S3 server running there?)';
    if (dynamodb) return 'give the S3 server with --s3-endpoint (it defaults to --endpoint, which is for DynamoDB)';
  } else if (dynamodb) return 'check --endpoint (is DynamoDB Local running there?)';
  return 'check the network, --region and any proxy settings';
}

/** A missing table or bucket, in the same words from every command, with the flag that fixes it. */
function missing(error: ErrorLike, context: FailureContext): CliFailure | undefined {
  if (!(error instanceof EventStoreAdapterError) || error.code !== ErrorCodes.RESOURCE_NOT_FOUND) return undefined;
  const details = error.details;
  const { command, flags } = context;
  if (typeof details.bucket === 'string') {
    const bucket = details.bucket;
    const create =
      command === 'import'
        ? 'add --create to create it'
        : `create it with event-store-dynamodb create-table ${tableFlags(context)} --bucket ${bucket}`;
    return {
      code: ErrorCodes.RESOURCE_NOT_FOUND,
      message: `bucket ${bucket} does not exist at S3 ${context.endpoints.s3.where}: check --bucket${
        flags.s3Endpoint || flags.endpoint ? ' and --s3-endpoint' : ' and --region'
      }, or ${create}`,
      usage: false,
      details: { bucket },
    };
  }
  const table = typeof details.table === 'string' ? details.table : context.tableName;
  if (table === undefined) return undefined;
  if (table === flags.sourceTable)
    return {
      code: ErrorCodes.RESOURCE_NOT_FOUND,
      message: `source table ${table} does not exist at DynamoDB ${context.endpoints.dynamodb.where}: check --source-table (the old adapter's table)`,
      usage: false,
      details: { table },
    };
  const fix =
    command === 'import'
      ? 'add --create to create it, or check --table / --table-prefix'
      : command === 'migrate-from-upstream' && flags.dryRun
        ? 'a dry run creates nothing: run without --dry-run (it creates the table), or check --table / --table-prefix'
        : `check --table / --table-prefix${flags.endpoint ? ' and --endpoint' : ' and --region'}, or create it with event-store-dynamodb create-table ${tableFlags(context)}`;
  return {
    code: ErrorCodes.RESOURCE_NOT_FOUND,
    message: `table ${table} does not exist at DynamoDB ${context.endpoints.dynamodb.where}: ${fix}`,
    usage: false,
    details: { table },
  };
}

/** A table of another layout (the old adapter's above all) or of another configuration than the flags give. */
function layout(error: ErrorLike, context: FailureContext): CliFailure | undefined {
  if (!(error instanceof EventStoreAdapterError)) return undefined;
  const details = error.details;
  const table = typeof details.table === 'string' ? details.table : (context.tableName ?? '?');
  if (error.code === ErrorCodes.SCHEMA_MISMATCH && details.upstream === true)
    return {
      code: ErrorCodes.SCHEMA_MISMATCH,
      message: `table ${table} is a table of the old adapter (@schemeless/event-store-adapter-dynamodb), not of this package: copy its events into a new table with event-store-dynamodb migrate-from-upstream --source-table ${table} --table-prefix <new prefix>${
        context.flags.bucket ? ` --bucket ${context.flags.bucket}` : ''
      } (the old table is only read)`,
      usage: false,
      details,
    };
  if (error.code === ErrorCodes.BLOB_STORE_REQUIRED)
    return {
      code: error.code,
      message: `${error.message.replace(/, but no blob store is configured.*$/s, '')}: give the store's --bucket (and its --s3-key-prefix, if not events/) to ${
        context.command === 'import' ? 'store' : 'read'
      } offloaded payloads`,
      usage: true,
      details,
    };
  if (error.code === ErrorCodes.CHANGE_FEED_DISABLED)
    return {
      code: error.code,
      message: `table ${table} has no change feed, which ${context.command} needs: it is chosen when a table is created (create-table --change-feed, or import --create --change-feed into a new table)`,
      usage: false,
      details,
    };
  if (error.code !== ErrorCodes.LAYOUT_MISMATCH) return undefined;
  if (details.field === 'changeFeed') {
    const stored = Number(details.stored);
    return {
      code: OpsErrorCodes.USAGE,
      message: `table ${table} was created ${stored === 0 ? 'without a change feed' : `with a change feed of ${stored} shard(s)`}; --change-feed ${String(
        context.flags.changeFeed,
      )} differs: leave --change-feed out (the CLI reads an existing table's change feed from its layout record)`,
      usage: true,
      details: { cause: error.code, ...details },
    };
  }
  if (details.field === 'blobLocation')
    return {
      code: OpsErrorCodes.USAGE,
      message: `table ${table} keeps its offloaded payloads at ${String(details.stored)}, not ${String(details.configured)}: give that bucket and key prefix with --bucket and --s3-key-prefix`,
      usage: true,
      details: { cause: error.code, ...details },
    };
  return undefined;
}

function accessDenied(chain: ErrorLike[], context: FailureContext): CliFailure | undefined {
  const denied = chain.find(
    (error) => error.code === ErrorCodes.ACCESS_DENIED || /^AccessDenied/.test(text(error.name)) || text(error.name) === 'Forbidden',
  );
  if (!denied) return undefined;
  const endpoint = endpointOf(chain[0], context);
  const profile = context.flags.profile ? ` of profile ${context.flags.profile}` : '';
  return {
    code: ErrorCodes.ACCESS_DENIED,
    message: `${endpoint.service} at ${endpoint.where} denied the credentials${profile} a request (${messageOf(denied).split('\n')[0]}): grant the policy that event-store-dynamodb iam --operations ${tableFlags(context)}${
      context.flags.bucket ? ` --bucket ${context.flags.bucket}` : ''
    } prints`,
    usage: false,
    details: { ...(denied instanceof EventStoreAdapterError ? denied.details : { errorName: text(denied.name) }) },
  };
}

/** A file flag (`--in`, `--out`) naming a file that cannot be read or written. */
function files(error: ErrorLike, context: FailureContext): CliFailure | undefined {
  const path = text(error.path);
  if (!path || typeof error.code !== 'string' || !error.code.startsWith('E')) return undefined;
  const flag = (['in', 'out'] as const).find((name) => {
    const value = context.flags[name];
    return typeof value === 'string' && (path === value || path.startsWith(`${value}.`));
  });
  if (!flag) return undefined;
  const reason =
    { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'it is a directory' }[error.code] ?? error.code;
  return {
    code: OpsErrorCodes.USAGE,
    message: `cannot ${flag === 'in' ? 'read' : 'write'} --${flag} ${path}: ${reason}`,
    usage: true,
    details: { errorName: error.code, path },
  };
}

/** `--table <name>` or `--table-prefix <prefix>` as given (for commands to suggest). */
function tableFlags(context: FailureContext): string {
  const { table, tablePrefix } = context.flags;
  return table ? `--table ${table}` : tablePrefix ? `--table-prefix ${tablePrefix}` : '';
}

/**
 * The endpoint a failure came from: the one whose request failed with it (recorded by the bounded clients), else
 * the one a network error names (host and port), else the service a driver error names, else DynamoDB.
 */
function endpointOf(error: unknown, context: FailureContext, network?: ErrorLike): Endpoint {
  const recorded = context.stalls.failedAt(error);
  if (recorded) return recorded;
  const { dynamodb, s3 } = context.endpoints;
  if (network) {
    const host = `${text(network.address) || text(network.hostname)}:${String(network.port ?? '')}`;
    for (const endpoint of [s3, dynamodb]) if (host.length > 1 && endpoint.where.includes(host)) return endpoint;
  }
  for (const link of causes(error)) {
    const driver = link.details?.driver;
    if (driver === 's3' || typeof link.details?.bucket === 'string') return s3;
    if (driver === 'dynamodb') return dynamodb;
  }
  return dynamodb;
}
