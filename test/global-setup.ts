import type { TestProject } from 'vitest/node';
import { dynamoDbLocalUnavailableReason, startDynamoDbLocal, type RunningDynamoDbLocal } from './servers/dynamodb-local.js';
import { startS3Server, type RunningS3Server } from './servers/s3-server.js';

/**
 * Global test setup: starts the real local servers ONCE per vitest run, in parallel: DynamoDB Local (a JVM) and
 * fauxqs (S3, in this process). Their endpoints are provided to tests (`inject('dynamoEndpoint')`,
 * `inject('s3Endpoint')`, typed in `servers/provided-context.d.ts`).
 *
 * When a server cannot start: with `CI=true` the run fails (throws); otherwise its endpoint is `null` and
 * `realServersUnavailable` says why, so real-server suites skip loudly (see `servers/real-servers.ts`).
 * Returns the teardown that stops both.
 *
 * A run without a real-server file (`*.real.test.ts`, e.g. `npx vitest run --exclude '**\/*.real.test.ts'`) starts
 * neither: the servers cost seconds of CPU (a JVM) that twin-only runs do not need.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!(await runsRealServerFiles(project))) {
    project.provide('dynamoEndpoint', null);
    project.provide('s3Endpoint', null);
    project.provide('realServersUnavailable', 'not started: this run selected no *.real.test.ts file');
    return async () => undefined;
  }
  const [dynamo, s3] = await Promise.allSettled([startDynamo(), startS3Server()]);
  const stoppers: Array<() => Promise<void>> = [];
  const reasons: string[] = [];

  if (dynamo.status === 'fulfilled') stoppers.push(dynamo.value.stop);
  else reasons.push(`DynamoDB Local: ${describe(dynamo.reason)}`);
  if (s3.status === 'fulfilled') stoppers.push(s3.value.stop);
  else reasons.push(`S3 server (fauxqs): ${describe(s3.reason)}`);

  const teardown = async (): Promise<void> => {
    await Promise.allSettled(stoppers.map((stop) => stop()));
  };

  if (reasons.length > 0) {
    const reason = reasons.join('; ');
    if (process.env.CI === 'true') {
      await teardown();
      throw new Error(`Real test servers failed to start (CI=true, so the run fails): ${reason}`);
    }
    console.warn(`\n!!! Real test servers unavailable, their suites will be SKIPPED: ${reason} !!!\n`);
  }

  project.provide('dynamoEndpoint', endpointOf(dynamo));
  project.provide('s3Endpoint', endpointOf(s3));
  project.provide('realServersUnavailable', reasons.length > 0 ? reasons.join('; ') : null);
  return teardown;
}

/**
 * Whether the run's files (the config's globs and the command line's filters) include a real-server file. Reads
 * vitest's filters from an internal field; if that field is ever missing, it answers yes (the servers start, as before).
 */
async function runsRealServerFiles(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: unknown }).filenamePattern;
  if (filters !== undefined && !(Array.isArray(filters) && filters.every((filter) => typeof filter === 'string'))) return true;
  const { testFiles } = await project.globTestFiles((filters as string[] | undefined) ?? []);
  return testFiles.some((file) => file.endsWith('.real.test.ts'));
}

async function startDynamo(): Promise<RunningDynamoDbLocal> {
  const unavailable = dynamoDbLocalUnavailableReason();
  if (unavailable !== undefined) throw new Error(unavailable);
  return startDynamoDbLocal();
}

function endpointOf(result: PromiseSettledResult<RunningDynamoDbLocal | RunningS3Server>): string | null {
  return result.status === 'fulfilled' ? result.value.endpoint : null;
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
