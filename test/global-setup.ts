/** Global test setup. Real servers (DynamoDB Local, the S3 server) are started here once per run (see drivers/*). */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
