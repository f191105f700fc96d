/**
 * Request-level faults BELOW the AWS SDK's retry loop: a `requestHandler` for `DynamoDBClient` / `S3Client` that
 * wraps the SDK's `NodeHttpHandler` and, per HTTP request (that is, per SDK attempt), forwards it, loses its answer,
 * delays it, answers a throttle or a 5xx itself, resets the connection or never answers, following a scripted or
 * seeded plan. The client keeps the SDK's DEFAULT retry strategy: every retry the SDK makes is another request here.
 *
 * Why a request handler and not a TCP/HTTP proxy: the handler is the SDK's own boundary to the wire, below the
 * retry middleware, signing and deserialization, so everything above it (retry classification, throttle backoff,
 * the retry quota, error parsing, `$metadata.attempts`) runs unchanged on what it returns; it sees each attempt
 * already parsed (the `X-Amz-Target` operation, the `amz-sdk-invocation-id` / `amz-sdk-request: attempt=N` headers)
 * so plans match per operation and per attempt without parsing HTTP or TLS, and it is deterministic (no socket
 * timing). The errors it throws have the shapes `NodeHttpHandler` throws for the same faults (`ECONNRESET` /
 * `socket hang up`, `TimeoutError` with `ETIMEDOUT`, `AbortError`), and its throttles and 5xx are the services'
 * real wire bodies, so the SDK classifies them as it would the real thing. What a proxy would add (real half-open
 * sockets, keep-alive pools) is the `deadlines` engineer's never-answering server; this is the general injector.
 *
 * Usage: `const faults = new RequestFaultInjector(); new DynamoDBClient({ ..., requestHandler: faults })`, then
 * `faults.script({ operation: 'TransactWriteItems' }, [{ kind: 'commitThenLose' }], { kind: 'throttle' })`.
 * Every request is recorded in `faults.records` (what was done and whether the server saw it). See
 * `test/helpers/request-faults.md`.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { HttpResponse } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, HttpRequest } from '@smithy/types';
import { Prng } from '../../drivers/memory/faults.js';

/** What to do with one request. Every kind but `pass`, `commitThenLose`, `delay` and `serverError{forward}` never reaches the server. */
export type RequestFault =
  /** Forward it and return the server's answer. */
  | { readonly kind: 'pass' }
  /**
   * Forward it, wait for the server's whole answer (so the server has applied it), then throw as if the connection
   * broke before the answer arrived: `reset` (default) an `ECONNRESET` `socket hang up`, `timeout` the
   * `TimeoutError` (`ETIMEDOUT`) of a request timeout. The SDK retries both.
   */
  | { readonly kind: 'commitThenLose'; readonly error?: 'reset' | 'timeout' }
  /** Hold it `ms` milliseconds, then forward it and return the answer (a caller whose deadline passed has left; it lands anyway). */
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * Answer a throttle without forwarding: DynamoDB HTTP 400 with the JSON body of `errorName` (default
   * `ThrottlingException`), S3 HTTP 503 `SlowDown`.
   */
  | { readonly kind: 'throttle'; readonly errorName?: 'ThrottlingException' | 'ProvisionedThroughputExceededException' }
  /** Answer HTTP 500 (`InternalServerError` / S3 `InternalError`); `forward: true` forwards it first (applied, then a 5xx). */
  | { readonly kind: 'serverError'; readonly forward?: boolean }
  /** Throw `ECONNRESET` (`socket hang up`) without forwarding. */
  | { readonly kind: 'reset' }
  /**
   * Never answer (`forward: true`: forward it, then never answer). Ends only when the SDK aborts it (`AbortError`),
   * its `requestTimeout` passes (`TimeoutError`), or {@link RequestFaultInjector.releaseHung} / `destroy` is called.
   */
  | { readonly kind: 'hang'; readonly forward?: boolean };

/** The kinds of {@link RequestFault}. */
export type RequestFaultKind = RequestFault['kind'];

/** What the injector knows of one request, for matching and recording. */
export interface RequestInfo {
  /** `dynamodb` (has an `X-Amz-Target` of DynamoDB), `s3` (anything else without a target), or `other`. */
  readonly service: 'dynamodb' | 's3' | 'other';
  /**
   * The operation: DynamoDB's action from `X-Amz-Target` (`TransactWriteItems`); for S3 a name derived from the
   * method and query (`PutObject`, `GetObject`, `HeadObject`, `DeleteObject`, `DeleteObjects`, `ListObjectsV2`,
   * `HeadBucket`, `CreateBucket`, else `${METHOD}`).
   */
  readonly operation: string;
  /** The full `X-Amz-Target` header, when present (`DynamoDB_20120810.TransactWriteItems`). */
  readonly target?: string;
  readonly method: string;
  /** The request path (S3: `/bucket/key` with path-style addressing). */
  readonly path: string;
  /** The SDK's id of the command invocation (`amz-sdk-invocation-id`): the same for every attempt of one call. */
  readonly invocationId?: string;
  /** The SDK's 1-based attempt number of this request within its invocation (`amz-sdk-request: attempt=N`). */
  readonly attempt?: number;
}

/** Which requests a rule applies to: every given field must match (strings exactly, regexps by `test`), or a predicate. */
export type RequestMatcher =
  | {
      readonly service?: RequestInfo['service'];
      readonly operation?: string | RegExp;
      readonly method?: string;
      readonly path?: string | RegExp;
    }
  | ((request: RequestInfo) => boolean);

/** One request as handled, appended to {@link RequestFaultInjector.records} when the request STARTS. */
export interface RequestRecord extends RequestInfo {
  /** 0-based order of arrival at the injector. */
  readonly seq: number;
  /** What the plan decided. */
  readonly fault: RequestFault;
  /** True once the request was sent to the server (it may have been applied). */
  forwarded: boolean;
  /** The HTTP status the server answered (forwarded requests), when it did. */
  serverStatus?: number;
  /** The HTTP status the caller saw (the server's, or the injector's own answer); absent when the caller got an error. */
  answeredStatus?: number;
  /** The error the caller got instead of an answer (`ECONNRESET`, `TimeoutError`, `AbortError`, ...). */
  errorName?: string;
  /** True once the request is over for the injector (answered, failed, or its forwarded copy landed). */
  done: boolean;
}

/** A source of decisions: given a request (and how many requests matched before), what fault, if any. */
export interface FaultPlan {
  decide(request: RequestInfo): RequestFault | undefined;
}

/**
 * A scripted rule: the n-th request it matches gets `faults[n]`; once the script is used up, `then` (when given)
 * applies to every further match, else the rule stops matching (later rules and the plan decide).
 */
export interface ScriptedRule {
  readonly match: RequestMatcher;
  readonly faults: readonly RequestFault[];
  readonly then?: RequestFault;
}

/** Per-request probabilities of a {@link seededPlan}, checked in this order; the rest pass. */
export interface SeededRates {
  readonly commitThenLose?: number;
  readonly throttle?: number;
  readonly serverError?: number;
  readonly reset?: number;
  readonly hang?: number;
  readonly delay?: number;
  /** Delays are drawn uniformly from [0, maxDelayMs]. Default 50. */
  readonly maxDelayMs?: number;
}

/**
 * A reproducible random plan: each request that `match` accepts (default all) draws its fault from `rates` with a
 * PRNG seeded by `seed`; the same seed and request order give the same faults.
 */
export function seededPlan(seed: number, rates: SeededRates, match: RequestMatcher = {}): FaultPlan {
  const random = new Prng(seed);
  return {
    decide(request) {
      if (!matches(match, request)) return undefined;
      const draw = random.next();
      let threshold = 0;
      const order: [number | undefined, () => RequestFault][] = [
        [rates.commitThenLose, () => ({ kind: 'commitThenLose', error: random.next() < 0.5 ? 'reset' : 'timeout' })],
        [rates.throttle, () => ({ kind: 'throttle' })],
        [rates.serverError, () => ({ kind: 'serverError', forward: random.next() < 0.5 })],
        [rates.reset, () => ({ kind: 'reset' })],
        [rates.hang, () => ({ kind: 'hang' })],
        [rates.delay, () => ({ kind: 'delay', ms: random.integer(0, rates.maxDelayMs ?? 50) })],
      ];
      for (const [rate, make] of order) {
        threshold += rate ?? 0;
        if (draw < threshold) return make();
      }
      return undefined;
    },
  };
}

/** True when `request` satisfies `matcher`. */
export function matches(matcher: RequestMatcher, request: RequestInfo): boolean {
  if (typeof matcher === 'function') return matcher(request);
  const field = (wanted: string | RegExp | undefined, actual: string) =>
    wanted === undefined || (typeof wanted === 'string' ? wanted === actual : wanted.test(actual));
  return (
    (matcher.service === undefined || matcher.service === request.service) &&
    field(matcher.operation, request.operation) &&
    (matcher.method === undefined || matcher.method.toUpperCase() === request.method) &&
    field(matcher.path, request.path)
  );
}

/** Options of {@link RequestFaultInjector}. */
export interface RequestFaultInjectorOptions {
  /** The handler that really sends requests. Default: a new `NodeHttpHandler` (the SDK's default in Node). */
  readonly inner?: NodeHttpHandler;
  /** Decides for requests no scripted rule takes. Default: every request passes. */
  readonly plan?: FaultPlan;
}

/** An SDK `requestHandler` that applies scripted and planned {@link RequestFault}s per request and records them. */
export class RequestFaultInjector {
  /** Every request handled, in order of arrival. */
  readonly records: RequestRecord[] = [];
  /** While false every request passes untouched (still recorded, as `pass`). */
  enabled = true;
  /** The SDK reads this from its request handler. */
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly inner: NodeHttpHandler;
  private plan: FaultPlan | undefined;
  private readonly rules: { rule: ScriptedRule; used: number }[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly hung = new Set<(error: Error) => void>();

  constructor(options: RequestFaultInjectorOptions = {}) {
    this.inner = options.inner ?? new NodeHttpHandler();
    this.plan = options.plan;
  }

  /** Add a scripted rule (checked before later rules and before the plan): see {@link ScriptedRule}. Returns `this`. */
  script(match: RequestMatcher, faults: readonly RequestFault[], then?: RequestFault): this {
    this.rules.push({ rule: { match, faults, ...(then === undefined ? {} : { then }) }, used: 0 });
    return this;
  }

  /**
   * Script ONE call: the first request matching `match` fixes the SDK invocation (`amz-sdk-invocation-id`); its
   * attempts get `faults[n]` in order, then `then` (default pass); requests of other invocations are untouched.
   * E.g. `scriptCall({ operation: 'TransactWriteItems' }, [{ kind: 'commitThenLose' }], { kind: 'throttle' })`.
   */
  scriptCall(match: RequestMatcher, faults: readonly RequestFault[], then?: RequestFault): this {
    let invocation: string | undefined;
    const sameCall = (request: RequestInfo): boolean => {
      if (invocation !== undefined) return request.invocationId === invocation;
      if (!matches(match, request)) return false;
      invocation = request.invocationId ?? `seq-${this.records.length}`;
      return true;
    };
    return this.script(sameCall, faults, then);
  }

  /** Replace the fallback plan (`undefined`: pass). */
  setPlan(plan: FaultPlan | undefined): this {
    this.plan = plan;
    return this;
  }

  /** Remove every scripted rule and the plan (records are kept). */
  clear(): this {
    this.rules.length = 0;
    this.plan = undefined;
    return this;
  }

  /** The records matching `matcher` (default all). */
  recordsOf(matcher: RequestMatcher = {}): RequestRecord[] {
    return this.records.filter((record) => matches(matcher, record));
  }

  /** Resolves once every request forwarded so far (delayed ones included) has landed or failed, and every answer was given. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Make every request that is hanging now fail with `ECONNRESET` (for cleanup, or to end a "never answers" phase). */
  releaseHung(): void {
    for (const release of [...this.hung]) release(connectionReset());
    this.hung.clear();
  }

  /** SDK hook: the handler's configuration is the inner handler's. */
  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  /** SDK hook: the inner handler's configuration. */
  httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.inner.httpHandlerConfigs();
  }

  /** SDK hook (client `destroy`): releases hanging requests and the inner handler's sockets. */
  destroy(): void {
    this.releaseHung();
    this.inner.destroy();
  }

  /** SDK hook: handle one attempt. */
  handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const info = describeRequest(request);
    const fault = (this.enabled ? this.decide(info) : undefined) ?? PASS;
    const record: RequestRecord = { ...info, seq: this.records.length, fault, forwarded: false, done: false };
    this.records.push(record);
    const work = this.apply(fault, request, options, record).then(
      (result) => {
        record.answeredStatus = result.response.statusCode;
        return result;
      },
      (error: unknown) => {
        record.errorName = errorName(error);
        throw error;
      },
    );
    this.track(work);
    return work;
  }

  private decide(info: RequestInfo): RequestFault | undefined {
    for (const entry of this.rules) {
      if (!matches(entry.rule.match, info)) continue;
      if (entry.used < entry.rule.faults.length) return entry.rule.faults[entry.used++];
      if (entry.rule.then !== undefined) return entry.rule.then;
    }
    return this.plan?.decide(info);
  }

  private async apply(
    fault: RequestFault,
    request: HttpRequest,
    options: HttpHandlerOptions,
    record: RequestRecord,
  ): Promise<{ response: HttpResponse }> {
    switch (fault.kind) {
      case 'pass':
        return this.forward(request, options, record);
      case 'delay': {
        // The caller may give up meanwhile; the request still goes out and lands (tracked until it does).
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return this.forward(request, {}, record);
      }
      case 'commitThenLose': {
        const { response } = await this.forward(request, {}, record);
        await drain(response);
        throw fault.error === 'timeout' ? requestTimeout() : connectionReset();
      }
      case 'throttle':
        record.done = true;
        return { response: throttleResponse(record, fault.errorName ?? 'ThrottlingException') };
      case 'serverError':
        if (fault.forward === true) await drain((await this.forward(request, {}, record)).response);
        record.done = true;
        return { response: serverErrorResponse(record) };
      case 'reset':
        record.done = true;
        throw connectionReset();
      case 'hang':
        if (fault.forward === true) await drain((await this.forward(request, {}, record)).response);
        return this.hang(options, record);
    }
  }

  /** Send through the inner handler; the record learns that the server saw it and what it answered. */
  private async forward(request: HttpRequest, options: HttpHandlerOptions, record: RequestRecord): Promise<{ response: HttpResponse }> {
    record.forwarded = true;
    try {
      const result = (await this.inner.handle(request as never, options)) as { response: HttpResponse };
      record.serverStatus = result.response.statusCode;
      return result;
    } finally {
      record.done = true;
    }
  }

  /** Never answer: end only on the SDK's abort signal, its per-request timeout, or a release. */
  private hang(options: HttpHandlerOptions, record: RequestRecord): Promise<never> {
    return new Promise<never>((_, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error: Error) => {
        if (timer !== undefined) clearTimeout(timer);
        this.hung.delete(finish);
        record.done = true;
        reject(error);
      };
      this.hung.add(finish);
      const signal = options.abortSignal as
        | { aborted?: boolean; addEventListener?: (type: 'abort', listener: () => void) => void }
        | undefined;
      if (signal?.aborted) return finish(abortError());
      signal?.addEventListener?.('abort', () => finish(abortError()));
      const timeout = options.requestTimeout ?? this.inner.httpHandlerConfigs().requestTimeout;
      if (timeout !== undefined && timeout > 0) timer = setTimeout(() => finish(requestTimeout()), timeout);
    });
  }

  private track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }
}

/**
 * A DynamoDB client for a local endpoint whose every request goes through `faults`, with the SDK's DEFAULT retry
 * strategy and attempts (unlike `createDynamoClient`, which shortens them) unless `config.maxAttempts` says
 * otherwise. Region `us-east-1`, dummy credentials.
 */
export function dynamoClientWithFaults(
  endpoint: string,
  faults: RequestFaultInjector,
  config: { readonly maxAttempts?: number } = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: localEndpoint(endpoint),
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    requestHandler: faults,
    ...config,
  });
}

/** An S3 client (path-style) for a local endpoint whose every request goes through `faults`; SDK default retries. */
export function s3ClientWithFaults(endpoint: string, faults: RequestFaultInjector): S3Client {
  return new S3Client({
    endpoint: localEndpoint(endpoint),
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestHandler: faults,
  });
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Tests never reach AWS itself: a non-loopback endpoint throws. */
function localEndpoint(endpoint: string): string {
  const host = URL.canParse(endpoint) ? new URL(endpoint).hostname : '';
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host))
    throw new Error(`fault clients only talk to local servers, got ${JSON.stringify(endpoint)}`);
  return endpoint;
}

const PASS: RequestFault = { kind: 'pass' };

/** Read the request's service, operation and SDK attempt headers. */
export function describeRequest(request: HttpRequest): RequestInfo {
  const header = (name: string): string | undefined => {
    for (const [key, value] of Object.entries(request.headers)) if (key.toLowerCase() === name) return value;
    return undefined;
  };
  const target = header('x-amz-target');
  const method = request.method.toUpperCase();
  const path = request.path;
  const attempt = /attempt=(\d+)/.exec(header('amz-sdk-request') ?? '')?.[1];
  const invocationId = header('amz-sdk-invocation-id');
  const common = {
    method,
    path,
    ...(invocationId === undefined ? {} : { invocationId }),
    ...(attempt === undefined ? {} : { attempt: Number(attempt) }),
  };
  if (target !== undefined) {
    const service = target.startsWith('DynamoDB_') ? ('dynamodb' as const) : ('other' as const);
    return { service, operation: target.slice(target.indexOf('.') + 1), target, ...common };
  }
  return { service: 's3', operation: s3Operation(method, path, request.query ?? {}), ...common };
}

function s3Operation(method: string, path: string, query: Record<string, unknown>): string {
  const hasKey = path.replace(/^\/+/, '').includes('/');
  switch (method) {
    case 'PUT':
      return hasKey ? 'PutObject' : 'CreateBucket';
    case 'GET':
      return hasKey ? 'GetObject' : 'list-type' in query ? 'ListObjectsV2' : 'ListObjects';
    case 'HEAD':
      return hasKey ? 'HeadObject' : 'HeadBucket';
    case 'DELETE':
      return hasKey ? 'DeleteObject' : 'DeleteBucket';
    case 'POST':
      return 'delete' in query ? 'DeleteObjects' : 'POST';
    default:
      return method;
  }
}

/** The wire answer of a throttle: DynamoDB's JSON 400, S3's XML 503 `SlowDown`. */
function throttleResponse(request: RequestInfo, errorName: string): HttpResponse {
  if (request.service === 'dynamodb') {
    const message =
      errorName === 'ThrottlingException'
        ? 'Rate of requests exceeds the allowed throughput.'
        : 'The level of configured provisioned throughput for the table was exceeded.';
    return jsonError(400, errorName, message);
  }
  return xmlError(503, 'SlowDown', 'Please reduce your request rate.');
}

function serverErrorResponse(request: RequestInfo): HttpResponse {
  if (request.service === 'dynamodb') return jsonError(500, 'InternalServerError', 'Internal server error');
  return xmlError(500, 'InternalError', 'We encountered an internal error. Please try again.');
}

function jsonError(statusCode: number, name: string, message: string): HttpResponse {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message });
  return new HttpResponse({
    statusCode,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': `fault-${name}`,
      'content-length': String(Buffer.byteLength(body)),
    },
    body: Readable.from([Buffer.from(body)]),
  });
}

function xmlError(statusCode: number, code: string, message: string): HttpResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`;
  return new HttpResponse({
    statusCode,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'fault', 'content-length': String(Buffer.byteLength(body)) },
    body: Readable.from([Buffer.from(body)]),
  });
}

/** Read and discard a response body (the connection goes back to the pool; the server finished the request). */
async function drain(response: HttpResponse): Promise<void> {
  const body = response.body as AsyncIterable<unknown> | undefined;
  if (body === undefined || body === null || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function')
    return;
  for await (const _chunk of body) {
    // discard
  }
}

/** What `NodeHttpHandler` throws when the server's side of the connection closes before the answer. */
function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** What `NodeHttpHandler` throws when its `requestTimeout` passes (with `throwOnRequestTimeout`). */
function requestTimeout(): Error {
  return Object.assign(new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured requestTimeout.'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
  });
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

function errorName(error: unknown): string {
  const shape = error as { code?: unknown; name?: unknown } | null;
  if (typeof shape?.code === 'string') return shape.code;
  return typeof shape?.name === 'string' ? shape.name : 'Error';
}
