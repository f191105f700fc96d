/**
 * Runs the S3 server (fauxqs) in its own process, so the objects it keeps in memory, and its CPU, do not count in
 * the bench process's heap figures. Prints one JSON line `{ "endpoint": ... }` on stdout when ready; stops on
 * SIGTERM or when its parent's stdin pipe closes.
 */
import { startS3Server } from './s3-server.js';

const server = await startS3Server();
process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint })}\n`);
const stop = (): void => {
  void server.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop).resume();
