/**
 * The CLI as a user runs it: `npm pack`, the tarball extracted, its `bin` (`dist/cli/main.js`, with its shebang)
 * run with node as a child process (dependencies from this worktree's node_modules), against DynamoDB Local + the
 * S3 server: help, usage errors, a migration of a real old-adapter table, verify, stats, export/import, describe,
 * the infrastructure printers, and Ctrl-C.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/index.js';
import {
  createDynamoClient,
  createS3Client,
  realDynamoDb,
  realS3,
  TEST_REGION,
  uniqueBucketName,
  uniqueTableName,
} from '../servers/index.js';
import { startBlackHole, type SilentServer } from '../servers/silent-servers.js';
import { seedUpstreamTable, type UpstreamFixture } from './upstream-fixture.js';

const dynamo = realDynamoDb('cli from the packed package');
const s3 = realS3('cli from the packed package');
const skip = dynamo.skip || s3.skip;
const root = resolve(import.meta.dirname, '../..');
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: TEST_REGION,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  CI: '',
};

describe.skipIf(skip)('event-store-dynamodb CLI from the packed package (DynamoDB Local + S3)', () => {
  const work = mkdtempSync(join(tmpdir(), 'ops-cli-'));
  let bin: string;
  let fixture: UpstreamFixture;
  const dynamodbClient = skip ? undefined! : createDynamoClient(dynamo.endpoint);
  const s3Client = skip ? undefined! : createS3Client(s3.endpoint);
  const endpoints = () => ['--endpoint', dynamo.endpoint, '--s3-endpoint', s3.endpoint];
  /** Run the bin; resolves with its exit code and output (never rejects on a non-zero exit). `killAfterMs`: a hang guard (exit code -1). */
  const cli = (args: string[], input?: string, killAfterMs = 0) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const child = execFile(
        'node',
        [bin, ...args],
        { env, cwd: work, maxBuffer: 64 * 1024 * 1024, timeout: killAfterMs, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => {
          done({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin!.end(input);
    });

  beforeAll(async () => {
    execFileSync('npm', ['pack', '--loglevel=error', '--pack-destination', work], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'))!;
    execFileSync('tar', ['xzf', join(work, tarball)], { cwd: work });
    symlinkSync(join(root, 'node_modules'), join(work, 'package', 'node_modules'));
    const manifest = JSON.parse(readFileSync(join(work, 'package', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    bin = join(work, 'package', manifest.bin['event-store-dynamodb']!);
    fixture = await seedUpstreamTable(dynamodbClient, s3Client);
  }, 240_000);
  afterAll(() => {
    dynamodbClient?.destroy();
    s3Client?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('--help lists every command and the exit codes; each command has --help with an example; a bad command is exit 2', async () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'migrate-from-upstream',
      'export',
      'import',
      'stats',
      'verify',
      'sweep-orphans',
      'create-table',
      'describe',
      'reset-consumer',
      'iam',
      'cloudformation',
      'terraform',
    ]) {
      expect(help.stdout).toContain(command);
      const own = await cli([command, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`Examples:\\n  \\$ npx event-store-dynamodb ${command}`));
    }
    expect(help.stdout).toContain('130 interrupted');
    expect((await cli(['no-such-command'])).code).toBe(2);
    expect((await cli(['migrate-from-upstream', '--table-prefix', 'x-'])).code).toBe(2); // --source-table is required
    expect((await cli(['sweep-orphans', '--older-than', 'soon', '--bucket', 'b'])).code).toBe(2);
  }, 120_000);

  it('migrate-from-upstream --json: exit 1 (the old table holds problems), the summary, then verify (0), stats, a re-run, describe', async () => {
    const prefix = `${uniqueTableName('cli')}-`;
    const bucket = uniqueBucketName('cli');
    const target = ['--table-prefix', prefix, '--bucket', bucket, ...endpoints()];
    const migrated = await cli(['migrate-from-upstream', '--source-table', fixture.tableName, ...target, '--json']);
    expect(migrated.stderr).not.toContain('error:');
    expect(migrated.code).toBe(1);
    const summary = JSON.parse(migrated.stdout) as { written: number; verified: boolean; problems: { kind: string }[]; streams: number };
    expect(summary).toMatchObject({ written: fixture.events.length, verified: true, streams: fixture.streams });
    expect(summary.problems.map((problem) => problem.kind).sort()).toEqual(['duplicate-id', 'payload-dropped']);

    // Not a terminal: plain progress lines on stderr (the last state of each phase at least), the result alone on stdout.
    expect(migrated.stderr).toMatch(new RegExp(`write: ${fixture.events.length} of ${fixture.events.length} events \\(\\d+/s`));
    expect(migrated.stderr).toMatch(/verify: \d+ of \d+ streams/);

    const verified = await cli(['verify', ...target, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, problemCount: 0, blobsChecked: true });

    const stats = await cli(['stats', ...target, '--json']);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ events: fixture.events.length, streams: fixture.streams, offloadedEvents: 1 });
    const human = await cli(['stats', ...target]);
    expect(human.stdout).toMatch(new RegExp(`events: ${fixture.events.length} in ${fixture.streams} streams`));

    // A terminal (a pseudo-terminal from util-linux `script`): a cli-progress bar with counts, rate and ETA.
    const command = ['node', bin, 'migrate-from-upstream', '--source-table', fixture.tableName, ...target, '--dry-run'].join(' ');
    const tty = await new Promise<string>((done) =>
      execFile('script', ['-qec', command, '/dev/null'], { env: { ...env, TERM: 'xterm' }, cwd: work }, (_error, stdout) => done(stdout)),
    );
    expect(tty).toMatch(
      new RegExp(`check \\[[^\\]]+\\] 100% \\| ${fixture.events.length}/${fixture.events.length} events \\| \\d+/s \\| ETA`),
    );
    expect(tty).toMatch(/scan \[[^\]]+\] \d+% \| \d+\/\d+ items/); // DescribeTable's item count as the scan's total
    expect(tty).toContain('dry run: nothing written.');

    const again = await cli(['migrate-from-upstream', '--source-table', fixture.tableName, ...target, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, alreadyPresent: fixture.events.length });

    const described = await cli(['describe', ...target, '--json']);
    expect(described.code).toBe(0);
    expect(JSON.parse(described.stdout)).toMatchObject({ layout: 'ours', layoutRecord: { bucketShards: 1 } });
    const missing = await cli(['describe', '--table', 'no-such-table-anywhere', ...endpoints(), '--json']);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: ErrorCodes.RESOURCE_NOT_FOUND } });
  }, 120_000);

  it('export to a file, import into another store (0), a re-import skips everything; export to stdout; Ctrl-C during an import is exit 130 with a resume hint', async () => {
    const prefix = `${uniqueTableName('cli-ex')}-`;
    const bucket = uniqueBucketName('cli-ex');
    const source = ['--table-prefix', prefix, '--bucket', bucket, ...endpoints()];
    await cli(['migrate-from-upstream', '--source-table', fixture.tableName, ...source, '--quiet']);
    const file = join(work, 'cli-events.ndjson.gz');
    const exported = await cli(['export', ...source, '--out', file, '--gzip', '--json']);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ events: fixture.events.length });
    const toStdout = await cli(['export', ...source]);
    expect(toStdout.code).toBe(0);
    const lines = toStdout.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(fixture.events.length);

    const copy = ['--table-prefix', `${uniqueTableName('cli-im')}-`, '--bucket', uniqueBucketName('cli-im'), ...endpoints()];
    const imported = await cli(['import', ...copy, '--in', file, '--create', '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: fixture.events.length, skipped: 0, issueCount: 0 });
    const again = await cli(['import', ...copy, '--json'], `${lines.join('\n')}\n`);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, skipped: fixture.events.length });
    const conflicting = await cli(['import', ...copy, '--json'], `${JSON.stringify({ ...JSON.parse(lines[0]!), type: 'Changed' })}\n`);
    expect(conflicting.code).toBe(1);
    expect(JSON.parse(conflicting.stdout)).toMatchObject({ issues: [{ line: 1, kind: 'conflict', code: ErrorCodes.DUPLICATE_EVENT_ID }] });

    // Ctrl-C: the first batch is stored (its progress line seen), then SIGINT, then more input: it stops cleanly.
    const target = ['--table-prefix', `${uniqueTableName('cli-int')}-`, ...endpoints()];
    await cli(['create-table', ...target]);
    const child = spawn('node', [bin, 'import', ...target], { env, cwd: work });
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const small = lines.filter((line) => line.length < 10_000);
    child.stdin.write(`${small.slice(0, 25).join('\n')}\n`);
    await new Promise<void>((done) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/import: 25 events/.test(stderr)) done();
      });
    });
    child.kill('SIGINT');
    await new Promise((done) => setTimeout(done, 200));
    child.stdin.end(`${small.slice(25).join('\n')}\n`);
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted: re-run the same command: events already stored are skipped');
  }, 180_000);

  it('a change-feed table: create-table --change-feed 2; import, export and verify then read its shards from the layout record', async () => {
    const feed = ['--table-prefix', `${uniqueTableName('cli-feed')}-`, ...endpoints()];
    const created = await cli(['create-table', ...feed, '--change-feed', '2', '--json']);
    expect(created.code).toBe(0);
    expect((JSON.parse(created.stdout) as { indexes: { name: string }[] }).indexes.map((index) => index.name).sort()).toEqual([
      'global-order',
      'log',
    ]);
    const lines = Array.from({ length: 5 }, (_, index) =>
      JSON.stringify({
        id: `cf-${index}`,
        domain: 'd',
        identifier: `s${index % 2}`,
        type: 't',
        payload: index,
        created: '2025-01-01T00:00:00.000Z',
      }),
    );
    // No --change-feed here: without the recorded shards the store would refuse the table (DRIVER/SCHEMA_MISMATCH).
    const imported = await cli(['import', ...feed, '--json'], `${lines.join('\n')}\n`);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 5 });
    const exported = await cli(['export', ...feed]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trimEnd().split('\n')).toHaveLength(5);
    const verified = await cli(['verify', ...feed, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, checked: { 'log-counter': expect.any(Number) } });
    // reset-consumer: a consumer put at the log's end (its cursor holds the 5 positions); a bad --from is a usage error.
    const reset = await cli(['reset-consumer', ...feed, '--name', 'projector', '--from', 'end', '--json']);
    expect(reset.code).toBe(0);
    const { cursor } = JSON.parse(reset.stdout) as { cursor: { expectedVersion: number }[] };
    expect(cursor).toHaveLength(3);
    expect(cursor.slice(1).reduce((sum, entry) => sum + entry.expectedVersion, 0)).toBe(5);
    expect((await cli(['reset-consumer', ...feed, '--name', 'projector', '--from', 'middle'])).code).toBe(2);
    const unsettled = await cli(['export', ...feed, '--settle', '0s']);
    expect(unsettled.code).toBe(0);
    expect(unsettled.stderr).toContain('events committed just before may be missing');
  }, 120_000);

  it('--timeout: against an endpoint that never answers, every AWS command says where it connects, then exits 3 naming the endpoint and the flag', async () => {
    const hole: SilentServer = await startBlackHole();
    try {
      const aws = ['migrate-from-upstream', 'export', 'import', 'stats', 'verify', 'sweep-orphans', 'create-table', 'describe'];
      for (const command of aws) expect((await cli([command, '--help'])).stdout).toMatch(/--timeout <duration>[\s\S]*\(default: "60s"\)/);
      expect((await cli(['describe', '--endpoint', hole.endpoint, '--timeout', 'soon'])).code).toBe(2);
      expect((await cli(['describe', '--endpoint', hole.endpoint, '--timeout', '2h'])).code).toBe(2);
      const silent = ['--endpoint', hole.endpoint, '--s3-endpoint', hole.endpoint, '--table-prefix', 'hole-', '--timeout', '2s'];
      const runs: [string, string[]][] = [
        ['describe', []],
        ['stats', []],
        ['create-table', []],
        ['export', []],
        ['verify', []],
        ['import', ['--in', '/dev/null']],
        ['sweep-orphans', ['--bucket', 'hole-bucket', '--older-than', '1h']],
        ['migrate-from-upstream', ['--source-table', 'old-table']],
      ];
      // Hang guard only: a command stopped by a 2 s timeout exits in a few seconds; a hang is killed here (code -1).
      const results = await Promise.all(runs.map(([command, extra]) => cli([command, ...silent, ...extra], undefined, 45_000)));
      results.forEach((result, index) => {
        const command = runs[index]![0];
        expect({ command, code: result.code }).toEqual({ command, code: 3 });
        expect(result.stderr).toContain(`connecting to DynamoDB at ${hole.endpoint}, table hole-schemeless-event-store`);
        expect(result.stderr).toContain(
          `error: ${ErrorCodes.DEADLINE_EXCEEDED}: no answer from DynamoDB at ${hole.endpoint} within --timeout 2s`,
        );
      });
      // The S3 endpoint silent, DynamoDB Local answering: the message names S3's endpoint and the bucket was announced.
      const s3Silent = await cli(
        [
          'create-table',
          '--endpoint',
          dynamo.endpoint,
          '--s3-endpoint',
          hole.endpoint,
          '--table-prefix',
          `${uniqueTableName('cli-hole')}-`,
          '--bucket',
          'hole-bucket',
          '--timeout',
          '2s',
          '--json',
        ],
        undefined,
        45_000,
      );
      expect(s3Silent.code).toBe(3);
      expect(s3Silent.stderr).toContain(`; S3 at ${hole.endpoint}, bucket hole-bucket (--timeout 2s)`);
      expect(JSON.parse(s3Silent.stdout)).toMatchObject({
        error: { code: ErrorCodes.DEADLINE_EXCEEDED, message: expect.stringContaining(`S3 at ${hole.endpoint}`) },
      });
    } finally {
      await hole.close();
    }
  }, 180_000);

  it('iam, cloudformation and terraform print the table, index and bucket for the options', async () => {
    const iam = await cli([
      'iam',
      '--table-prefix',
      'prod-',
      '--bucket',
      'my-event-archive',
      '--region',
      'eu-west-1',
      '--account',
      '123456789012',
      '--operations',
      '--source-table',
      'schemeless-event-store',
    ]);
    expect(iam.code).toBe(0);
    const policy = JSON.parse(iam.stdout) as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };
    const table = policy.Statement.find((statement) => statement.Sid === 'EventStoreTable')!;
    expect(table.Resource).toEqual([
      'arn:aws:dynamodb:eu-west-1:123456789012:table/prod-schemeless-event-store',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/prod-schemeless-event-store/index/*',
    ]);
    expect(table.Action).toContain('dynamodb:Scan');
    expect(table.Action).not.toContain('dynamodb:DeleteTable');
    expect(policy.Statement.find((statement) => statement.Sid === 'EventStorePayloads')!.Resource).toEqual([
      'arn:aws:s3:::my-event-archive/events/*',
    ]);
    expect(policy.Statement.find((statement) => statement.Sid === 'MigrationSourceTable')!.Action).toEqual([
      'dynamodb:DescribeTable',
      'dynamodb:Scan',
      'dynamodb:BatchGetItem',
    ]);
    const yaml = await cli(['cloudformation', '--table-prefix', 'prod-', '--bucket', 'my-event-archive']);
    expect(yaml.stdout).toContain('TableName: prod-schemeless-event-store');
    expect(yaml.stdout).toContain('IndexName: global-order');
    expect(yaml.stdout).toContain('BucketName: my-event-archive');
    const tf = await cli([
      'terraform',
      '--table-prefix',
      'prod-',
      '--bucket',
      'my-event-archive',
      '--read-capacity',
      '5',
      '--write-capacity',
      '5',
    ]);
    expect(tf.stdout).toContain('resource "aws_dynamodb_table" "event_store"');
    expect(tf.stdout).toContain('billing_mode = "PROVISIONED"');
    expect(tf.stdout).toContain('name            = "global-order"');
  }, 60_000);
});
