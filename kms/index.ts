/**
 * `event-store-adapter-dynamodb/kms`: the AWS KMS key provider for `encryption: { keys }`. Needs the optional peer
 * dependency `@aws-sdk/client-kms`; the package root never loads it.
 */
export { kmsKeyProvider, type KmsKeyProviderOptions } from '../src/payload/kms-key-provider.js';
