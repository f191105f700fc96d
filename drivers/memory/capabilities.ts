/**
 * The twin drivers' default names and capabilities, apart from the drivers so that the package root's lazy default
 * twin can report them without loading the twin.
 */
import { DYNAMODB_LIMITS, S3_LIMITS } from '../../src/layout/limits.js';
import type { BlobCapabilities } from '../../src/ports/blob-driver.js';
import type { KvCapabilities } from '../../src/ports/kv-driver.js';

/** Default name of the KV twin. */
export const MEMORY_KV_DRIVER_NAME = 'memory-kv';

/** DynamoDB's limits, as the KV twin's defaults. */
export const DEFAULT_KV_CAPABILITIES: KvCapabilities = Object.freeze({ name: MEMORY_KV_DRIVER_NAME, ...DYNAMODB_LIMITS });

/** Default name of the blob twin. */
export const MEMORY_BLOB_DRIVER_NAME = 'memory-blob';

/** S3's limits, as the blob twin's defaults. */
export const DEFAULT_BLOB_CAPABILITIES: BlobCapabilities = Object.freeze({ name: MEMORY_BLOB_DRIVER_NAME, ...S3_LIMITS });
