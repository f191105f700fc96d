import { inject } from 'vitest';

/** What a test file needs to run against one real server, or why it must skip. */
export type RealServer = { readonly endpoint: string; readonly skip: false } | { readonly endpoint: ''; readonly skip: true };

/**
 * The endpoint of DynamoDB Local started by the global setup. When it is unavailable, warns LOUDLY (with the
 * reason) and returns `skip: true`: use it as `describe.skipIf(server.skip)`. With `CI=true` it throws instead.
 */
export function realDynamoDb(suite: string): RealServer {
  return resolve(inject('dynamoEndpoint'), suite, 'DynamoDB Local');
}

/** The endpoint of the S3 server (fauxqs) started by the global setup; see {@link realDynamoDb}. */
export function realS3(suite: string): RealServer {
  return resolve(inject('s3Endpoint'), suite, 'the S3 server');
}

function resolve(endpoint: string | null, suite: string, server: string): RealServer {
  if (endpoint !== null && endpoint !== '') return { endpoint, skip: false };
  // In CI a real-server suite never skips: the global setup already fails the run, and this fails the file too.
  if (process.env.CI === 'true') {
    throw new Error(`"${suite}" needs ${server}, which is unavailable in CI: ${inject('realServersUnavailable') ?? 'unknown reason'}`);
  }
  console.warn(`\n!!! SKIPPING "${suite}": ${server} is unavailable: ${inject('realServersUnavailable') ?? 'unknown reason'} !!!\n`);
  return { endpoint: '', skip: true };
}
