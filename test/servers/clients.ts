import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

/** Region used against the local servers (any value works with DynamoDB Local's `-sharedDb` and fauxqs). */
export const TEST_REGION = 'us-east-1';
/** Dummy credentials: the local servers accept any. */
const TEST_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
/** The local servers answer fast; a short retry budget keeps a broken server from stalling a test. */
const TEST_MAX_ATTEMPTS = 2;

/** A DynamoDB client for a local endpoint: region `us-east-1`, dummy credentials, otherwise the SDK's defaults. */
export function createDynamoClient(endpoint: string): DynamoDBClient {
  requireLocalEndpoint(endpoint);
  return new DynamoDBClient({
    endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: TEST_MAX_ATTEMPTS,
  });
}

/**
 * An S3 client for a local endpoint: region `us-east-1`, dummy credentials, path-style addressing (with a local
 * host the SDK would otherwise try `<bucket>.localhost`), and the SDK's DEFAULT checksum settings, as production uses.
 */
export function createS3Client(endpoint: string): S3Client {
  requireLocalEndpoint(endpoint);
  return new S3Client({
    endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: TEST_MAX_ATTEMPTS,
  });
}

/** Tests must never reach AWS itself: an empty or non-loopback endpoint (a skipped server) throws at once. */
function requireLocalEndpoint(endpoint: string): void {
  const host = URL.canParse(endpoint) ? new URL(endpoint).hostname : '';
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    throw new Error(`test clients only talk to local servers, got endpoint ${JSON.stringify(endpoint)}`);
  }
}
