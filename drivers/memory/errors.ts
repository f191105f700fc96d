/** Error construction for the in-memory drivers: every failure is an `EventStoreAdapterError` with a `DRIVER/*` code. */
import { EventStoreAdapterError, type ErrorCode } from '../../src/errors/index.js';

/** Build an `EventStoreAdapterError` naming the driver in its message. */
export function driverError(
  driverName: string,
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): EventStoreAdapterError {
  return new EventStoreAdapterError(code, `[${driverName}] ${message}`, { details });
}

/** Builds one driver's errors: {@link driverError} with the driver's name bound; `details` default `{}`. */
export type DriverErrorFactory = (code: ErrorCode, message: string, details?: Record<string, unknown>) => EventStoreAdapterError;

/** The {@link DriverErrorFactory} of the driver named `driverName`. */
export function driverErrors(driverName: string): DriverErrorFactory {
  return (code, message, details = {}) => driverError(driverName, code, message, details);
}
