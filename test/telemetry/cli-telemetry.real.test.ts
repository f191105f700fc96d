/**
 * The CLI with the standard OTEL_* variables (cli/telemetry.ts), run from source as a child process against
 * DynamoDB Local + the S3 server: the Node SDK starts, the store's spans and the AWS SDK's spans (nested under
 * them) reach an OTLP/HTTP (JSON) endpoint, here a local receiver, together with the store's metrics; without the
 * variables nothing is exported; `--help` says how to enable it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telemetryRequested } from '../../cli/telemetry.js';
import { realDynamoDb, realS3, TEST_REGION, uniqueTableName } from '../servers/index.js';

const dynamo = realDynamoDb('CLI telemetry on DynamoDB Local');
const s3 = realS3('CLI telemetry on DynamoDB Local');
const skip = dynamo.skip || s3.skip;
const root = resolve(import.meta.dirname, '../..');

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

describe('telemetryRequested', () => {
  it('any OTEL exporter or endpoint variable asks for it; none, empty or OTEL_SDK_DISABLED=true do not', () => {
    expect(telemetryRequested({})).toBe(false);
    expect(telemetryRequested({ OTEL_SERVICE_NAME: 'x' })).toBe(false);
    expect(telemetryRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' })).toBe(true);
    expect(telemetryRequested({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(telemetryRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: ' ' })).toBe(false);
    expect(telemetryRequested({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });
});

describe.skipIf(skip)('the CLI exports OpenTelemetry data when OTEL_* variables are set', () => {
  const work = mkdtempSync(join(tmpdir(), 'cli-otel-'));
  const received: { path: string; body: unknown }[] = [];
  let receiver: Server;
  let endpoint: string;

  const cli = (args: string[], extraEnv: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: TEST_REGION,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...extraEnv,
      };
      delete env.NODE_OPTIONS;
      execFile(process.execPath, ['--import', 'tsx', join(root, 'cli/main.ts'), ...args], { env, cwd: root }, (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      );
    });
  const spans = (): OtlpSpan[] =>
    received
      .filter((request) => request.path === '/v1/traces')
      .flatMap((request) =>
        (request.body as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((resource) =>
          resource.scopeSpans.flatMap((scope) => scope.spans),
        ),
      );

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((closed) => receiver.close(closed));
    rmSync(work, { recursive: true, force: true });
  });

  it('import: the store span and the DynamoDB spans under it reach the OTLP endpoint, and the metrics', async () => {
    const input = join(work, 'events.ndjson');
    const line = {
      id: 'cli-1',
      domain: 'account',
      identifier: 'a1',
      type: 'Opened',
      payload: { n: 1 },
      created: '2026-01-01T00:00:00.000Z',
    };
    writeFileSync(input, `${JSON.stringify(line)}\n`);
    const args = (table: string) => [
      'import',
      '--endpoint',
      dynamo.endpoint,
      '--s3-endpoint',
      s3.endpoint,
      '--table',
      table,
      '--in',
      input,
      '--create',
      '--quiet',
    ];

    const quiet = await cli(args(uniqueTableName('cli-otel')), {});
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(received).toEqual([]); // no OTEL_* variable: nothing exported

    const table = uniqueTableName('cli-otel');
    const run = await cli(args(table), {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRICS_EXPORTER: 'otlp',
    });
    expect(run.code, run.stderr).toBe(0);
    const exported = spans();
    const append = exported.find((span) => span.name === 'eventstore.appendEvents');
    expect(append, exported.map((span) => span.name).join(', ')).toBeDefined();
    const attribute = (span: OtlpSpan, key: string) => span.attributes.find((entry) => entry.key === key)?.value;
    expect(attribute(append!, 'db.system.name')).toEqual({ stringValue: 'aws.dynamodb' });
    expect(attribute(append!, 'db.collection.name')).toEqual({ stringValue: table });
    const children = exported.filter((span) => span.parentSpanId === append!.spanId && span.traceId === append!.traceId);
    expect(children.map((span) => span.name)).toContain('DynamoDB.TransactWriteItems');
    const metricNames = received
      .filter((request) => request.path === '/v1/metrics')
      .flatMap((request) =>
        (request.body as { resourceMetrics: { scopeMetrics: { metrics: { name: string }[] }[] }[] }).resourceMetrics.flatMap((resource) =>
          resource.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.name)),
        ),
      );
    expect(metricNames).toEqual(expect.arrayContaining(['eventstore.operation.duration', 'eventstore.capacity']));
  });

  it('--help says how to enable it', async () => {
    const help = await cli(['--help'], {});
    expect(help.stdout).toMatch(/OpenTelemetry: .*OTEL_EXPORTER_OTLP_ENDPOINT/s);
  });
});
