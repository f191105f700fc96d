/**
 * One generic decorator per port. Every decorator of a driver (metering.ts, retrying-drivers.ts, lazy-drivers.ts,
 * the contract suite's faulty drivers) is built here from the port's ONE list of request methods, so a new port
 * method is declared in the port (`KvRequests`, `BlobRequests`) and listed in {@link KV_REQUESTS} or {@link BLOB_REQUESTS}
 * (the compiler asks for it), after which every decorator forwards it; a decorator that treats it specially says so in its own `around`.
 *
 * A request method sends one backend request (`get`, `put`, …). The other members are the decorators' common
 * handling: `capabilities` (and a blob driver's `location`) are the inner driver's; `clientMaxAttempts` and `close`
 * are forwarded when the inner driver has them; `withSignal` is re-decorated over the inner driver's binding
 * (`signals: 'rebind'`) or left out (`'drop'`: a decorator applied to an already bound driver, once per call).
 */
import type { BlobDriver, BlobRequests } from '../ports/blob-driver.js';
import type { KvDriver, KvRequests } from '../ports/kv-driver.js';

/** The request methods of the KV port (`KvRequests`). */
export type KvRequest = keyof KvRequests;
/** The request methods of the blob port (`BlobRequests`). */
export type BlobRequest = keyof BlobRequests;

/** Every key of `keys`, each once: a port request missing from a list below does not compile. */
const every = <K extends string>(keys: Record<K, true>): readonly K[] => Object.keys(keys) as K[];

/** Every request method of the KV port. A new KV port method is added here, and nowhere else. */
export const KV_REQUESTS: readonly KvRequest[] = every<KvRequest>({
  ensureTable: true,
  dropTable: true,
  get: true,
  query: true,
  batchGet: true,
  batchWrite: true,
  transactWrite: true,
});

/** Every request method of the blob port. A new blob port method is added here, and nowhere else. */
export const BLOB_REQUESTS: readonly BlobRequest[] = every<BlobRequest>({
  ensureContainer: true,
  put: true,
  get: true,
  delete: true,
  list: true,
});

/**
 * How a decorator runs one request: `method` and its `args`, and `proceed`, which sends them to the inner driver
 * and resolves to its result. Resolve to what the method resolves to (`proceed`'s result, or one like it).
 */
export type Around<M extends string> = (method: M, proceed: () => Promise<unknown>, args: readonly unknown[]) => Promise<unknown>;

/** What a decorator does with `withSignal`: see the module comment. */
export type SignalHandling = 'rebind' | 'drop';

/** `inner` with each request run through `around` (see the module comment for the other members). */
export function decorateKv(inner: KvDriver, around: Around<KvRequest>, signals: SignalHandling = 'rebind'): KvDriver {
  const send = (method: KvRequest, args: readonly unknown[]) => around(method, () => call(inner, method, args), args);
  return forwarder<KvDriver, KvRequest>(KV_REQUESTS, inner.capabilities, send, {
    clientMaxAttempts: inner.clientMaxAttempts && (() => inner.clientMaxAttempts!()),
    withSignal: signals === 'rebind' && inner.withSignal ? (signal) => decorateKv(inner.withSignal!(signal), around, signals) : undefined,
    close: inner.close && (() => inner.close!()),
  });
}

/** `inner` with each request run through `around` (see the module comment for the other members). */
export function decorateBlobs(inner: BlobDriver, around: Around<BlobRequest>, signals: SignalHandling = 'rebind'): BlobDriver {
  const send = (method: BlobRequest, args: readonly unknown[]) => around(method, () => call(inner, method, args), args);
  return forwarder<BlobDriver, BlobRequest>(
    BLOB_REQUESTS,
    inner.capabilities,
    send,
    {
      clientMaxAttempts: inner.clientMaxAttempts && (() => inner.clientMaxAttempts!()),
      withSignal:
        signals === 'rebind' && inner.withSignal ? (signal) => decorateBlobs(inner.withSignal!(signal), around, signals) : undefined,
      close: inner.close && (() => inner.close!()),
    },
    inner.location,
  );
}

/** The optional members of a forwarder; an absent (undefined) one is left out of the driver. */
interface OptionalMembers<D> {
  readonly clientMaxAttempts?: (() => Promise<number>) | undefined;
  readonly withSignal?: ((signal: AbortSignal) => D) | undefined;
  readonly close?: (() => Promise<void>) | undefined;
}

/**
 * A KV driver reporting `capabilities` whose every request runs `send(method, args)`: for decorators without an inner
 * driver to hand (a lazy driver loads it on its first request).
 */
export function kvForwarder(
  capabilities: KvDriver['capabilities'],
  send: (method: KvRequest, args: readonly unknown[]) => Promise<unknown>,
  optional: OptionalMembers<KvDriver>,
): KvDriver {
  return forwarder<KvDriver, KvRequest>(KV_REQUESTS, capabilities, send, optional);
}

/** A blob driver reporting `capabilities` (and `location`) whose every request runs `send(method, args)`; see {@link kvForwarder}. */
export function blobForwarder(
  capabilities: BlobDriver['capabilities'],
  send: (method: BlobRequest, args: readonly unknown[]) => Promise<unknown>,
  optional: OptionalMembers<BlobDriver>,
  location?: string,
): BlobDriver {
  return forwarder<BlobDriver, BlobRequest>(BLOB_REQUESTS, capabilities, send, optional, location);
}

/**
 * Install on `prototype` a forwarding method for each request of `requests` it does not define itself: it calls the
 * same method of `this[innerField]`. For class-based decorators (the contract suite's faulty drivers), whose
 * subclasses override the one request they break.
 */
export function forwardRequests<M extends string>(prototype: object, requests: readonly M[], innerField: string): void {
  for (const method of requests) {
    if (Object.hasOwn(prototype, method)) continue;
    Object.defineProperty(prototype, method, {
      value: function (this: Record<string, unknown>, ...args: unknown[]) {
        return call(this[innerField] as object, method, args);
      },
      writable: true,
      configurable: true,
    });
  }
}

function forwarder<D, M extends string>(
  requests: readonly M[],
  capabilities: unknown,
  send: (method: M, args: readonly unknown[]) => Promise<unknown>,
  optional: OptionalMembers<D>,
  location?: string,
): D {
  const driver: Record<string, unknown> = { capabilities };
  if (location !== undefined) driver.location = location;
  for (const method of requests) driver[method] = (...args: unknown[]) => send(method, args);
  for (const [name, member] of Object.entries(optional)) if (member !== undefined) driver[name] = member;
  return driver as D;
}

/** `target[method](...args)`, as a promise: one request sent to a driver by name. */
export function call(target: object, method: string, args: readonly unknown[]): Promise<unknown> {
  return (target as Record<string, (...args: readonly unknown[]) => Promise<unknown>>)[method]!(...args);
}
