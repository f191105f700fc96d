/**
 * OpenTelemetry for the CLI: when the standard `OTEL_*` environment variables ask for an export
 * ({@link TELEMETRY_VARIABLES}) and `@opentelemetry/sdk-node` is installed, the Node SDK is started (configured by
 * those variables alone: exporters, endpoint, headers, service name, sampler...) before the first command loads the
 * AWS SDK, with the AWS SDK's instrumentation when `@opentelemetry/instrumentation-aws-sdk` is installed too; the
 * stores the commands open then trace and meter through the global providers (docs/observability.md). Flushed and
 * shut down when the command ends. Without the SDK, a note on stderr says how to enable it; nothing is loaded.
 */
import { createRequire } from 'node:module';

/** The variables that ask for an export: any of them set (and not `none`) starts the SDK. */
export const TELEMETRY_VARIABLES = [
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
] as const;

/** The Node SDK's package, an optional install of the user's. */
export const NODE_SDK_MODULE = '@opentelemetry/sdk-node';
/** The AWS SDK's instrumentation, used when installed. */
const AWS_INSTRUMENTATION_MODULE = '@opentelemetry/instrumentation-aws-sdk';
/** `service.name` when `OTEL_SERVICE_NAME` does not say. */
export const DEFAULT_SERVICE_NAME = 'event-store-dynamodb';

/** True when `env` asks for telemetry: one of {@link TELEMETRY_VARIABLES} set to something other than `none`, and `OTEL_SDK_DISABLED` not `true`. */
export function telemetryRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return TELEMETRY_VARIABLES.some((name) => {
    const value = env[name]?.trim();
    return value !== undefined && value !== '' && value.toLowerCase() !== 'none';
  });
}

/** True when `module` can be resolved from the CLI (it is installed); nothing is loaded. */
function installed(module: string): boolean {
  try {
    createRequire(import.meta.url).resolve(module);
    return true;
  } catch {
    return false;
  }
}

/** The `--help` paragraph: how telemetry is enabled, given whether the Node SDK is installed. */
export function telemetryHelp(): string {
  return installed(NODE_SDK_MODULE)
    ? `\nOpenTelemetry: set the standard OTEL_* variables (e.g. OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318) to export the\nstore's traces and metrics; ${NODE_SDK_MODULE} is installed. See docs/observability.md.\n`
    : `\nOpenTelemetry: to export the store's traces and metrics, install ${NODE_SDK_MODULE} beside this package\n(npm install @opentelemetry/api ${NODE_SDK_MODULE}) and set the standard OTEL_* variables, e.g.\nOTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318. See docs/observability.md.\n`;
}

interface NodeSdkLike {
  start(): void;
  shutdown(): Promise<void>;
}

/** A started SDK's shutdown, or nothing. */
let running: Promise<NodeSdkLike | undefined> | undefined;

/**
 * Start the Node SDK once, if `env` asks for telemetry ({@link telemetryRequested}). Without the SDK installed,
 * writes how to enable it to `stderr` and goes on without telemetry. Never throws: telemetry cannot stop a command.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env, stderr: NodeJS.WritableStream = process.stderr): Promise<void> {
  running ??= (async () => {
    if (!telemetryRequested(env)) return undefined;
    if (!installed(NODE_SDK_MODULE)) {
      stderr.write(
        `note: OTEL_* variables are set, but ${NODE_SDK_MODULE} is not installed: running without telemetry (npm install @opentelemetry/api ${NODE_SDK_MODULE})\n`,
      );
      return undefined;
    }
    try {
      // Specifiers in variables: the build leaves these optional packages to the user's install.
      const sdkModule: string = NODE_SDK_MODULE;
      const { NodeSDK } = (await import(sdkModule)) as { NodeSDK: new (config: object) => NodeSdkLike };
      const instrumentations: unknown[] = [];
      if (installed(AWS_INSTRUMENTATION_MODULE)) {
        const awsModule: string = AWS_INSTRUMENTATION_MODULE;
        const { AwsInstrumentation } = (await import(awsModule)) as { AwsInstrumentation: new () => unknown };
        instrumentations.push(new AwsInstrumentation());
      }
      const sdk = new NodeSDK({ instrumentations, ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: DEFAULT_SERVICE_NAME }) });
      sdk.start();
      return sdk;
    } catch (error) {
      stderr.write(`note: OpenTelemetry could not start, running without it: ${error instanceof Error ? error.message : String(error)}\n`);
      return undefined;
    }
  })();
  return running.then(() => undefined);
}

/** Flush and shut down the SDK if {@link startTelemetry} started it (exports what is pending). Never throws. */
export async function stopTelemetry(): Promise<void> {
  const sdk = await running;
  await sdk?.shutdown().catch(() => undefined);
}
