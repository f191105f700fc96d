/**
 * The package's error class, its constructor options and fields, and the code check. Every error of this package
 * carries the brand this module defines, so `instanceof EventStoreAdapterError` holds also for the classes that
 * extend a V6 class instead (v6-classes.ts), and `hasCode()` works for all of them.
 */
import { EventStoreError } from '@schemeless/event-store-types';
// ErrorCodes: for the doc comments' links (typedoc resolves them through the imports).
import { type ErrorCode, type ErrorCodes, RETRYABLE_CODES } from './codes.js';

/**
 * The brand every error of this package carries on its prototype: `instanceof EventStoreAdapterError` checks it, so
 * the classes that extend a V6 class (and so cannot extend `EventStoreAdapterError`) still pass. `Symbol.for`: the
 * ESM and CommonJS builds of this package, if both are loaded, recognise each other's errors.
 */
const ADAPTER_ERROR: unique symbol = Symbol.for('event-store-adapter-dynamodb/EventStoreAdapterError') as never;

/** Options of an error's constructor: the original error and structured facts. */
export interface AdapterErrorOptions {
  /** The original error (set as the standard `cause`). */
  cause?: unknown;
  /** Structured facts about the failure; frozen into `details`. */
  details?: Record<string, unknown>;
}

/** The fields every error of this package has, whichever class it extends. */
export interface AdapterErrorFields {
  /** Stable, namespaced code; see {@link ErrorCodes}. */
  readonly code: ErrorCode;
  /** Structured facts about the failure (field names, keys, ids); shape depends on the code. */
  readonly details: Readonly<Record<string, unknown>>;
  /** True when the core's retry policy treats this error as transient. */
  readonly retryable: boolean;
}

/**
 * Set `cause` as the standard `Error` constructor does (own, non-enumerable), for base classes that take only a message.
 * Internal to errors/ (the V6 classes use it); not re-exported by the feature's entry.
 */
export function setCause(error: Error, cause: unknown): void {
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, writable: true, enumerable: false, configurable: true });
}

/**
 * Brand a class's prototype and give it the `retryable` getter (for classes that do not extend {@link EventStoreAdapterError}).
 * Internal to errors/ (the V6 classes use it); not re-exported by the feature's entry.
 */
export function brand(target: { prototype: object }): void {
  Object.defineProperty(target.prototype, ADAPTER_ERROR, { value: true });
  Object.defineProperty(target.prototype, 'retryable', {
    get(this: AdapterErrorFields) {
      return RETRYABLE_CODES.has(this.code);
    },
    configurable: true,
  });
}

/**
 * The package's error: `code` is stable, `details` is structured data about the failure, `cause` the original error.
 * Extends the V6 framework's `EventStoreError`. `instanceof EventStoreAdapterError` is true for every error of this
 * package, including the classes that extend a V6 class instead (they carry the same brand). `Code`: the codes it
 * may carry, the core's by default; a module outside the core with codes of its own (ops/errors.ts) names them.
 */
export class EventStoreAdapterError<Code extends string = ErrorCode> extends EventStoreError {
  /** Stable, namespaced code; see {@link ErrorCodes}. */
  readonly code: Code;
  /** Structured facts about the failure (field names, keys, ids); shape depends on the code. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: Code, message: string, options: AdapterErrorOptions = {}) {
    super(message);
    setCause(this, options.cause);
    this.name = 'EventStoreAdapterError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /** True when the core's retry policy treats this error as transient. */
  get retryable(): boolean {
    return RETRYABLE_CODES.has(this.code as string as ErrorCode);
  }

  /** Every error of this package (branded); subclasses keep the ordinary prototype-chain check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` names (a subclass), not always this one
    if (this !== EventStoreAdapterError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [ADAPTER_ERROR]?: unknown })[ADAPTER_ERROR] === true;
  }
}
Object.defineProperty(EventStoreAdapterError.prototype, ADAPTER_ERROR, { value: true });

/** True when `error` is an error of this package ({@link EventStoreAdapterError}, branded) with the given code. */
export function hasCode<Code extends string = ErrorCode>(error: unknown, code: Code): error is EventStoreAdapterError<Code> {
  return error instanceof EventStoreAdapterError && error.code === code;
}
