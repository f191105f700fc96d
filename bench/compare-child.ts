/**
 * One side of `bench/compare.ts`, started in a checkout of this repository (its working directory): it loads THAT
 * checkout's bench (`bench/config.ts`, `bench/backends.ts`, `bench/workloads/index.ts`), and so that checkout's
 * `src/`, and measures what the parent asks over IPC, one workload on one backend per request (`BENCH_RUNS=1`:
 * the parent alternates the checkouts between runs). The servers are the parent's (endpoints in the environment).
 *
 * Nothing here imports this repository's own modules: the only code of `src/` in this process is the checkout's.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A request of the parent: one run of `workload` on `backend`; or stop. */
export type ChildRequest = { readonly workload: string; readonly backend: ComparedBackend } | { readonly stop: true };

/** The child's answer: the workload's measurements (one run each), or why it failed. */
export type ChildReply = { readonly measurements: readonly unknown[] } | { readonly error: string };

/** The backends a comparison can run on (the old adapter's is not one: it is the same code in both checkouts). */
export type ComparedBackend = 'twin' | 'dynamodb-local';

/** Environment variables of the parent's servers. */
export const DYNAMO_ENDPOINT_VARIABLE = 'BENCH_COMPARE_DYNAMO_ENDPOINT';
export const S3_ENDPOINT_VARIABLE = 'BENCH_COMPARE_S3_ENDPOINT';

/** What this child uses of a checkout's bench (the shapes every commit since the bench's start has). */
interface CheckoutBench {
  readonly loadConfig: () => unknown;
  readonly startBackend: (name: ComparedBackend, servers: () => Promise<unknown>) => Promise<{ stop(): Promise<void> }>;
  readonly WORKLOADS: readonly {
    readonly id: string;
    measure(backend: unknown, config: unknown, log: (message: string) => void): Promise<unknown[]>;
  }[];
}

// Run as the child only (the parent imports this module's types, which load nothing).
if (process.send !== undefined && process.env[DYNAMO_ENDPOINT_VARIABLE] !== undefined) await serve();

async function serve(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const checkout = process.cwd();
  const load = async (path: string): Promise<Record<string, unknown>> =>
    (await import(pathToFileURL(join(checkout, path)).href)) as Record<string, unknown>;
  const bench = {
    ...(await load('bench/config.ts')),
    ...(await load('bench/backends.ts')),
    ...(await load('bench/workloads/index.ts')),
  } as unknown as CheckoutBench;
  const servers = {
    dynamoEndpoint: process.env[DYNAMO_ENDPOINT_VARIABLE] ?? '',
    s3Endpoint: process.env[S3_ENDPOINT_VARIABLE] ?? '',
    stop: async () => undefined, // the parent's servers: the parent stops them
  };
  const backends = new Map<ComparedBackend, Promise<{ stop(): Promise<void> }>>();
  const label = process.env.BENCH_COMPARE_LABEL ?? checkout;
  const log = (message: string): void => {
    process.stderr.write(`[${label}] ${message}\n`);
  };
  const answer = async (request: ChildRequest): Promise<ChildReply> => {
    if ('stop' in request) {
      for (const backend of backends.values()) await (await backend).stop();
      process.exit(0);
    }
    const workload = bench.WORKLOADS.find((each) => each.id === request.workload);
    if (!workload) return { error: `this checkout's bench has no workload ${JSON.stringify(request.workload)}` };
    let backend = backends.get(request.backend);
    if (!backend) {
      backend = bench.startBackend(request.backend, async () => servers);
      backends.set(request.backend, backend);
    }
    return { measurements: await workload.measure(await backend, bench.loadConfig(), log) };
  };
  process.on('message', (request: ChildRequest) => {
    answer(request).then(
      (reply) => process.send!(reply),
      (error: unknown) => process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
