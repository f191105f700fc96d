/**
 * Lazy drivers: what the package root's `EventStoreRepo` builds, so that importing the root loads neither the AWS
 * SDK nor the in-memory twin. A lazy driver is constructed synchronously with the real driver's capabilities (the
 * shared constants the real drivers use) and loads the real driver's module (`import()`) on its first call, then
 * builds the real driver from the same arguments and forwards every call to it (directly, with no extra await, once
 * loaded). Options are validated up front by the caller, with the real drivers' own validators, so that bad options
 * still throw from the constructor.
 *
 * A lazy driver is loaded by the call that first needs it, under that call's deadline: the core races the call
 * (load included) against its budget, so a load that never finishes fails the call, not the process.
 *
 * Only the optional port methods the real driver has are present (the core checks `clientMaxAttempts`/`close` for
 * presence). `close()` before any call loads nothing: it is applied to the real driver if one is ever loaded, before
 * that call, which then fails as a call on a closed driver does.
 */
import { blobForwarder, call, kvForwarder } from '../runtime/decorate.js';
import type { BlobDriver } from '../ports/blob-driver.js';
import type { KvDriver } from '../ports/kv-driver.js';

interface Closable {
  close?(): Promise<void>;
}

/** Loads and builds the real driver once; `use` runs a call on it. */
class Loader<T extends Closable> {
  private driver: T | undefined;
  private loading: Promise<T> | undefined;
  private closeRequested = false;

  constructor(private readonly create: () => Promise<T>) {}

  use<R>(call: (driver: T) => Promise<R>): Promise<R> {
    const driver = this.driver;
    return driver ? call(driver) : this.load().then(call);
  }

  async close(): Promise<void> {
    if (this.driver === undefined && this.loading === undefined) {
      this.closeRequested = true;
      return;
    }
    await this.use(async (driver) => driver.close?.());
  }

  private load(): Promise<T> {
    this.loading ??= this.create().then(
      async (driver) => {
        if (this.closeRequested) await driver.close?.();
        this.driver = driver;
        return driver;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }
}

/** Which optional port methods the real driver implements. */
export interface OptionalMethods {
  readonly clientMaxAttempts: boolean;
  readonly close: boolean;
  /** The real driver binds requests to a signal (`withSignal`); the lazy one then forwards the binding. */
  readonly withSignal?: boolean;
}

/** A `KvDriver` reporting `capabilities` now and building the real driver with `create` on its first call. */
export function lazyKvDriver(capabilities: KvDriver['capabilities'], create: () => Promise<KvDriver>, optional: OptionalMethods): KvDriver {
  const loader = new Loader(create);
  const view = (bind: (driver: KvDriver) => KvDriver): KvDriver =>
    kvForwarder(capabilities, (method, args) => loader.use((driver) => call(bind(driver), method, args)), {
      clientMaxAttempts: optional.clientMaxAttempts ? () => loader.use((driver) => driver.clientMaxAttempts!()) : undefined,
      withSignal: optional.withSignal ? (signal) => view((driver) => driver.withSignal?.(signal) ?? driver) : undefined,
      close: optional.close ? () => loader.close() : undefined,
    });
  return view((driver) => driver);
}

/** A `BlobDriver` reporting `capabilities` now and building the real driver with `create` on its first call. */
export function lazyBlobDriver(
  capabilities: BlobDriver['capabilities'],
  create: () => Promise<BlobDriver>,
  optional: OptionalMethods,
): BlobDriver {
  const loader = new Loader(create);
  const view = (bind: (driver: BlobDriver) => BlobDriver): BlobDriver =>
    blobForwarder(capabilities, (method, args) => loader.use((driver) => call(bind(driver), method, args)), {
      clientMaxAttempts: optional.clientMaxAttempts ? () => loader.use((driver) => driver.clientMaxAttempts!()) : undefined,
      withSignal: optional.withSignal ? (signal) => view((driver) => driver.withSignal?.(signal) ?? driver) : undefined,
      close: optional.close ? () => loader.close() : undefined,
    });
  return view((driver) => driver);
}
