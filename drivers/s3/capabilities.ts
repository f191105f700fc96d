/**
 * The S3 driver's name and capabilities, apart from the driver so that the package root's lazy drop-in driver can
 * report them without loading the AWS SDK.
 */
import { S3_LIMITS } from '../../src/layout/limits.js';
import type { BlobCapabilities } from '../../src/ports/blob-driver.js';

/** The driver's name in capabilities and error messages. */
export const S3_DRIVER_NAME = 's3';

/** S3's limits (AWS's published values, see src/layout/limits.ts). */
export const S3_CAPABILITIES: BlobCapabilities = Object.freeze({ name: S3_DRIVER_NAME, ...S3_LIMITS });
