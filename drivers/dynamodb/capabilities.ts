/**
 * The DynamoDB driver's name and capabilities, apart from the driver so that the package root's lazy drop-in driver
 * can report them without loading the AWS SDK.
 */
import { DYNAMODB_LIMITS } from '../../src/layout/limits.js';
import type { KvCapabilities } from '../../src/ports/kv-driver.js';

/** The driver's name in capabilities and error messages. */
export const DYNAMODB_DRIVER_NAME = 'dynamodb';

/** DynamoDB's limits and behaviour (AWS's published values, see src/layout/limits.ts). */
export const DYNAMODB_CAPABILITIES: KvCapabilities = Object.freeze({ name: DYNAMODB_DRIVER_NAME, ...DYNAMODB_LIMITS });
