/** Values `test/global-setup.ts` provides to every test file (read them with `inject` from vitest). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local's endpoint, or `null` when it could not start (see `realServersUnavailable`). */
    dynamoEndpoint: string | null;
    /** The S3 server's (fauxqs) endpoint, or `null` when it could not start. */
    s3Endpoint: string | null;
    /** Why one or both real servers are unavailable, or `null` when both run. Never set when `CI=true` (the run fails). */
    realServersUnavailable: string | null;
  }
}

export {};
