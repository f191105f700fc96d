/** Start and stop the S3 server child process (see `s3-child.ts`). */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A running S3 server in a child process. */
export interface S3Process {
  /** Its HTTP endpoint (use with `forcePathStyle: true`). */
  readonly endpoint: string;
  /** SIGTERM it and wait for it to exit. */
  stop(): Promise<void>;
}

/** fauxqs starts in well under a second; this covers a loaded machine. */
const READY_TIMEOUT_MS = 20_000;

/** Spawn `s3-child.ts` with this process's node and loader flags (tsx) and wait for its endpoint line. */
export async function startS3Process(): Promise<S3Process> {
  const script = fileURLToPath(new URL('./s3-child.ts', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('S3 server child not ready in time')), READY_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`S3 server child exited early (${String(code)})`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { endpoint: string }).endpoint);
      } catch {
        reject(new Error(`S3 server child printed ${JSON.stringify(line)}`));
      }
    });
  });
  return {
    endpoint,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
