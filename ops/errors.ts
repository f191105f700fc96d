/**
 * The operations tools' own error codes (`/ops`, the CLI), namespaced `OPS/`: they live here, not in the core's
 * `ErrorCodes`. They are thrown as this package's error class ({@link OpsError} is an `EventStoreAdapterError`, so
 * `instanceof` and `hasCode` work as for every other code); the tools also throw the core's codes (`DRIVER/*`,
 * `STORE/*`, …) as they come.
 */
import { EventStoreAdapterError, type AdapterErrorOptions } from '../src/index.js';

/** Every code of the operations tools. Values are stable (published since the first `/ops`). */
export const OpsErrorCodes = {
  /** The migration's source table is not the old adapter's layout (`details.differences`). */
  SOURCE_LAYOUT: 'OPS/SOURCE_LAYOUT',
  /** A line of an NDJSON event file is not an event (`details.line`, `details.reason`). */
  INVALID_LINE: 'OPS/INVALID_LINE',
  /** An export cannot resume: its checkpoint does not match the output file (`details.reason`). */
  CHECKPOINT_MISMATCH: 'OPS/CHECKPOINT_MISMATCH',
  /**
   * `import` cannot keep an event's exported `sequence` (another event holds it in the target, or the stream's
   * earlier events are not in the file or were refused); the event is not stored (`details.line`, `details.sequence`).
   */
  SEQUENCE_MISMATCH: 'OPS/SEQUENCE_MISMATCH',
  /** The CLI: a flag is missing, malformed or conflicts with another; the message names the flag that fixes it. Exit code 2. */
  USAGE: 'OPS/USAGE',
  /**
   * The CLI: an endpoint could not be reached (refused, unknown host, TLS), or answered as another service would (an
   * S3 endpoint that is DynamoDB Local); the message names the endpoint and the flag (`--endpoint`, `--s3-endpoint`).
   */
  CONNECTION: 'OPS/CONNECTION',
  /** The CLI: no usable AWS credentials (none found, a `--profile` without them, keys the service rejects); the message names the profile. */
  CREDENTIALS: 'OPS/CREDENTIALS',
  /** The CLI: no AWS region (give `--region`, `AWS_REGION` or a profile's), or one AWS does not know. */
  REGION: 'OPS/REGION',
  /** The CLI: a failure it cannot explain further (not from AWS nor the store); the message has the original error's name and message. */
  FAILED: 'OPS/FAILED',
} as const;

/** A code of the operations tools: one of the values of {@link OpsErrorCodes}. */
export type OpsErrorCode = (typeof OpsErrorCodes)[keyof typeof OpsErrorCodes];

/** An error of the operations tools: this package's error class with an `OPS/*` code. */
export class OpsError extends EventStoreAdapterError<OpsErrorCode> {
  constructor(code: OpsErrorCode, message: string, options: AdapterErrorOptions = {}) {
    super(code, message, options);
  }
}
