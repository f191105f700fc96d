/** The S3 blob driver: `new S3BlobDriver(new S3Client({...}), { bucket })`. */
export { S3BlobDriver, S3_CAPABILITIES, S3_DRIVER_NAME } from './s3-blob-driver.js';
export { DEFAULT_CONTENT_TYPE, DEFAULT_MULTIPART_THRESHOLD_BYTES, type S3BlobDriverOptions } from './options.js';
export { mapS3Error, type S3ErrorContext } from './error-mapping.js';
export { requiredS3IamActions } from './iam.js';
/** S3's service limits (the driver's capabilities are built from them), each with its reason in src/layout/limits.ts. */
export { S3_LIMITS, S3_MAX_DELETE_KEYS, S3_MAX_LIST_KEYS, S3_MAX_OBJECT_BYTES } from '../../src/layout/limits.js';
