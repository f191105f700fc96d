import { startFauxqs } from 'fauxqs';
import { patchFauxqsListOrder } from './fauxqs-list-order.js';

/** A running in-process S3 emulator (fauxqs). */
export interface RunningS3Server {
  /** HTTP endpoint, e.g. `http://127.0.0.1:41235`; use it with `forcePathStyle: true`. */
  readonly endpoint: string;
  /** Stop the server. */
  stop(): Promise<void>;
}

/**
 * Start fauxqs in this process on a free port. It keeps objects in memory, accepts any credentials and handles the
 * SDK's default client settings (CRC32 checksums, aws-chunked streaming uploads), unlike s3rver. Its listing is
 * patched to S3's UTF-8 byte order (see `fauxqs-list-order.ts`); rejects when the patch no longer applies.
 */
export async function startS3Server(): Promise<RunningS3Server> {
  if (!(await patchFauxqsListOrder())) {
    throw new Error('fauxqs store has an unexpected shape: cannot make its listing use S3 (UTF-8 byte) order');
  }
  const server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
