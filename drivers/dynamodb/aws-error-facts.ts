/**
 * Facts about errors thrown by AWS SDK v3 clients that every AWS driver needs: the service's error name, the HTTP
 * status, and whether the failure is a network fault. Shared by the DynamoDB and S3 error mappings.
 */

/** The SDK-error fields the mappings read (all optional: network errors and plain `Error`s lack most of them). */
export interface AwsErrorShape {
  readonly name?: string;
  readonly message?: string;
  /** Node system error code, e.g. `ECONNRESET`. */
  readonly code?: string;
  /** Set by the SDK on errors it deems retryable; `throttling` marks throttling. */
  readonly $retryable?: { readonly throttling?: boolean };
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Node system error codes that mean the connection failed or broke: retrying may succeed. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/** SDK error names that mean a request timed out or its connection broke. */
const NETWORK_ERROR_NAMES: ReadonlySet<string> = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** Read the fields of an unknown thrown value as an {@link AwsErrorShape} (empty for non-objects). */
export function awsErrorShape(error: unknown): AwsErrorShape {
  return typeof error === 'object' && error !== null ? (error as AwsErrorShape) : {};
}

/** The HTTP status the service answered with, when there was an answer. */
export function httpStatusOf(error: AwsErrorShape): number | undefined {
  return error.$metadata?.httpStatusCode;
}

/** True for connection resets, timeouts, refused connections and `socket hang up`: faults below the service. */
export function isNetworkError(error: AwsErrorShape): boolean {
  if (error.code !== undefined && NETWORK_ERROR_CODES.has(error.code)) return true;
  if (error.name !== undefined && NETWORK_ERROR_NAMES.has(error.name)) return true;
  return typeof error.message === 'string' && /socket hang up|ECONNRESET|ETIMEDOUT/i.test(error.message);
}

/** Fallback when a client's `maxAttempts` cannot be read: the SDK's documented standard-mode default (its DynamoDB client now defaults to 4, read from the client itself). */
export const SDK_DEFAULT_MAX_ATTEMPTS = 3;

/**
 * The attempts an AWS SDK v3 client makes per command: its resolved `config.maxAttempts` (a provider function or
 * a number), or the SDK default when it cannot be read. Never throws.
 */
export async function sdkMaxAttempts(client: unknown): Promise<number> {
  try {
    const provider = (client as { config?: { maxAttempts?: unknown } } | null)?.config?.maxAttempts;
    const value = typeof provider === 'function' ? await (provider as () => unknown)() : provider;
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : SDK_DEFAULT_MAX_ATTEMPTS;
  } catch {
    return SDK_DEFAULT_MAX_ATTEMPTS;
  }
}
