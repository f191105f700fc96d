/**
 * `--timeout`: the CLI's bound on waiting for AWS. Every request an AWS client of the CLI sends is aborted when
 * it has had no answer within the timeout (the SDK's own retries included: the bound is per `send`), and the
 * store the CLI opens uses it as its `deadlineMs` (each store call, `init` and its table wait included). A wait
 * that ends this way is reported with the endpoint that did not answer and the flag, never as a silent hang.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Default `--timeout`: long enough for a table creation on AWS, short enough that a dead endpoint is noticed. */
export const DEFAULT_TIMEOUT = '60s';
/** {@link DEFAULT_TIMEOUT} in ms. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Longest `--timeout`: the store's largest `deadlineMs` (one hour). */
export const MAX_TIMEOUT_MS = 3_600_000;

/** An AWS service the CLI talks to, as named in messages, and where. */
export interface Endpoint {
  /** `DynamoDB` or `S3`. */
  readonly service: string;
  /** The `--endpoint` / `--s3-endpoint` URL, or `AWS (region …)`. */
  readonly where: string;
}

/**
 * Which endpoint left a request unanswered until it was abandoned (by the timeout or the store's deadline), and
 * which endpoint each failed request went to (so that a failure is reported with the endpoint it came from).
 */
export class StallRecord {
  private last: Endpoint | undefined;
  private readonly failures = new WeakMap<object, Endpoint>();

  /** The endpoint whose request failed with `error` (or with an error in its `cause` chain), if a bounded client sent it. */
  failedAt(error: unknown): Endpoint | undefined {
    for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 10; depth++) {
      const endpoint = this.failures.get(current);
      if (endpoint) return endpoint;
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }

  /** Record that a request to `endpoint` failed with `error`. */
  recordFailure(error: unknown, endpoint: Endpoint): void {
    if (typeof error === 'object' && error !== null) this.failures.set(error, endpoint);
  }

  /** The endpoint of the last request abandoned unanswered, if any. */
  stalled(): Endpoint | undefined {
    return this.last;
  }

  /** Record that a request to `endpoint` was abandoned unanswered. */
  record(endpoint: Endpoint): void {
    this.last = endpoint;
  }
}

/** The parts of an AWS SDK v3 client this module uses: its middleware stack and HTTP handler (both shared with a document client made from it). */
interface SdkClient {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority: 'high' },
    ): void;
  };
  readonly config: { readonly requestHandler: { handle(request: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> } };
}

/** The abort signal of the `send` in progress (set by the middleware, read by the HTTP handler it calls). */
const sendSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Make every request of `client` (and of document clients made from it, which share its middleware and handler)
 * give up after `timeoutMs` without an answer, the SDK's own retries included: the attempt in flight is aborted
 * (its connection closed; the SDK does not retry an abort) and the request rejects with a `TimeoutError` naming the
 * endpoint; `stalls` records `endpoint`, as it does for a request its caller aborted (the store's deadline).
 */
export function boundRequests<T extends { readonly middlewareStack: object }>(
  client: T,
  timeoutMs: number,
  endpoint: Endpoint,
  stalls: StallRecord,
): T {
  const sdk = client as unknown as SdkClient;
  const handler = sdk.config.requestHandler;
  const handle = handler.handle.bind(handler);
  handler.handle = (request, options = {}) => {
    const signal = sendSignal.getStore();
    if (signal === undefined) return handle(request, options);
    return handle(request, { ...options, abortSignal: options.abortSignal ? anySignal([options.abortSignal, signal]) : signal });
  };
  sdk.middlewareStack.add(
    (next) => async (args) => {
      const controller = new AbortController();
      const timeout = Object.assign(new Error(`no answer from ${endpoint.service} at ${endpoint.where} within ${timeoutMs} ms`), {
        name: 'TimeoutError',
      });
      const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
      try {
        return await sendSignal.run(controller.signal, () => next(args));
      } catch (error) {
        if (controller.signal.aborted) {
          stalls.record(endpoint);
          throw timeout;
        }
        // Abandoned by its caller (the store's deadline aborted it): it was still unanswered.
        if ((error as { name?: string } | null)?.name === 'AbortError') stalls.record(endpoint);
        stalls.recordFailure(error, endpoint);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    { step: 'initialize', name: 'cliRequestTimeout', priority: 'high' },
  );
  return client;
}

/** A signal that fires when any of `signals` does (`AbortSignal.any` is Node 20.3+; the package supports 20.0). */
function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}
