/**
 * The CLI as a user runs it: `npm pack`, the tarball extracted (scripts/packed-package.ts, packed once per process),
 * its `bin` (`dist/cli/main.js`, with its shebang) run with node as a child process (dependencies from this
 * worktree's node_modules), against DynamoDB Local + the S3 server: help, usage errors, a migration of a real
 * old-adapter table, verify, stats, export/import, describe, the infrastructure printers, and Ctrl-C.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/index.js';
import { OpsErrorCodes } from '../../ops/errors.js';
import { AWS_COMMANDS, CLI_COMMANDS } from '../../scripts/cli-commands.js';
import { packedPackage, removePackedPackage } from '../../scripts/packed-package.js';
import { findFreePort } from '../servers/free-port.js';
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
// Without the SDK's warning switch (vitest sets it for the test process): the CLI must silence the SDK itself.
const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _warningSwitch, ...inherited } = process.env;
const env: NodeJS.ProcessEnv = {
  ...inherited,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: TEST_REGION,
  CI: '',
};

describe.skipIf(skip)('event-store-dynamodb CLI from the packed package (DynamoDB Local + S3)', () => {
  const work = mkdtempSync(join(tmpdir(), 'ops-cli-'));
  let bin: string;
  /** The extracted package (its `node_modules` links this worktree's). */
  let packageDir: string;
  let fixture: UpstreamFixture;
  const dynamodbClient = skip ? undefined! : createDynamoClient(dynamo.endpoint);
  const s3Client = skip ? undefined! : createS3Client(s3.endpoint);
  const endpoints = () => ['--endpoint', dynamo.endpoint, '--s3-endpoint', s3.endpoint];
  /** For the commands without a bucket (describe, reset-consumer): DynamoDB's endpoint only. */
  const dynamoOnly = () => ['--endpoint', dynamo.endpoint];
  /**
   * Run the bin; resolves with its exit code and output (never rejects on a non-zero exit). `killAfterMs`: a hang
   * guard (exit code -1). `childEnv`: the environment (default: local credentials and region).
   */
  const cli = (args: string[], input?: string, killAfterMs = 0, childEnv: NodeJS.ProcessEnv = env) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const child = execFile(
        'node',
        [bin, ...args],
        { env: childEnv, cwd: work, maxBuffer: 64 * 1024 * 1024, timeout: killAfterMs, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => {
          done({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin!.end(input);
    });

  beforeAll(async () => {
    ({ bin, dir: packageDir } = packedPackage({ linkModules: true }));
    fixture = await seedUpstreamTable(dynamodbClient, s3Client);
  }, 240_000);
  afterAll(() => {
    dynamodbClient?.destroy();
    s3Client?.destroy();
    rmSync(work, { recursive: true, force: true });
    removePackedPackage();
  });

  it('--help lists every command and the exit codes; each command has --help with an example; a bad command is exit 2', async () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of CLI_COMMANDS) {
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

    const described = await cli(['describe', '--table-prefix', prefix, ...dynamoOnly(), '--json']);
    expect(described.code).toBe(0);
    expect(JSON.parse(described.stdout)).toMatchObject({ layout: 'ours', layoutRecord: { bucketShards: 1 } });
    const missing = await cli(['describe', '--table', 'no-such-table-anywhere', ...dynamoOnly(), '--json']);
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
    const feedTable = feed.slice(0, 2); // --table-prefix <prefix>
    const reset = await cli(['reset-consumer', ...feedTable, ...dynamoOnly(), '--name', 'projector', '--from', 'end', '--json']);
    expect(reset.code).toBe(0);
    const { cursor } = JSON.parse(reset.stdout) as { cursor: { expectedVersion: number }[] };
    expect(cursor).toHaveLength(3);
    expect(cursor.slice(1).reduce((sum, entry) => sum + entry.expectedVersion, 0)).toBe(5);
    expect((await cli(['reset-consumer', ...feedTable, ...dynamoOnly(), '--name', 'projector', '--from', 'middle'])).code).toBe(2);
    const unsettled = await cli(['export', ...feed, '--settle', '0s']);
    expect(unsettled.code).toBe(0);
    expect(unsettled.stderr).toContain('events committed just before may be missing');
  }, 120_000);

  it('--timeout: against an endpoint that never answers, every AWS command says where it connects, then exits 3 naming the endpoint and the flag', async () => {
    const hole: SilentServer = await startBlackHole();
    try {
      for (const command of AWS_COMMANDS)
        expect((await cli([command, '--help'])).stdout).toMatch(/--timeout <duration>[\s\S]*\(default: "60s"\)/);
      expect((await cli(['describe', '--endpoint', hole.endpoint, '--timeout', 'soon'])).code).toBe(2);
      expect((await cli(['describe', '--endpoint', hole.endpoint, '--timeout', '2h'])).code).toBe(2);
      const silent = ['--endpoint', hole.endpoint, '--table-prefix', 'hole-', '--timeout', '2s'];
      const s3Silent = ['--s3-endpoint', hole.endpoint];
      const runs: [string, string[]][] = [
        ['describe', []],
        ['reset-consumer', ['--name', 'projector']],
        ['stats', s3Silent],
        ['create-table', s3Silent],
        ['export', s3Silent],
        ['verify', s3Silent],
        ['import', [...s3Silent, '--in', '/dev/null']],
        ['sweep-orphans', [...s3Silent, '--bucket', 'hole-bucket', '--older-than', '1h']],
        ['migrate-from-upstream', [...s3Silent, '--source-table', 'old-table']],
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
      const s3Stalled = await cli(
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
      expect(s3Stalled.code).toBe(3);
      expect(s3Stalled.stderr).toContain(`; S3 at ${hole.endpoint}, bucket hole-bucket (--timeout 2s)`);
      expect(JSON.parse(s3Stalled.stdout)).toMatchObject({
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
  // Issue 20: the CLI speaks in flags. Each problem a newcomer met, as an exit code and a message.

  it('each command shows only the flags it uses; --change-feed is one kind of flag everywhere; --timeout on every AWS command', async () => {
    const help = async (command: string) => (await cli([command, '--help'])).stdout;
    const flags = (text: string) => new Set([...text.matchAll(/^ {2}(--[a-z0-9-]+)/gm)].map((match) => match[1]!));
    const shown = Object.fromEntries(
      await Promise.all(CLI_COMMANDS.map(async (command) => [command, flags(await help(command))] as const)),
    );
    for (const command of AWS_COMMANDS) expect({ command, timeout: shown[command]!.has('--timeout') }).toEqual({ command, timeout: true });
    // The change feed only where a table may be created (and in the templates of one).
    const withFeed = Object.keys(shown).filter((command) => shown[command]!.has('--change-feed'));
    expect(withFeed.sort()).toEqual(['cloudformation', 'create-table', 'import', 'migrate-from-upstream', 'terraform']);
    for (const command of withFeed) expect(await help(command)).toContain('--change-feed [shards]');
    // No bucket where none is read.
    for (const command of ['describe', 'reset-consumer']) {
      expect([...shown[command]!].filter((flag) => /bucket|s3/.test(flag))).toEqual([]);
    }
    // The policy's flags on iam only; the resources' on the templates only; printers call nothing on AWS.
    const policyOnly = ['--account', '--store-creates-resources', '--reset', '--acl', '--operations', '--source-table', '--source-bucket'];
    const resourcesOnly = ['--read-capacity', '--write-capacity', '--stream-view-type', '--change-feed'];
    for (const flag of policyOnly) expect(shown.iam!.has(flag)).toBe(true);
    for (const command of ['cloudformation', 'terraform']) {
      expect(policyOnly.filter((flag) => shown[command]!.has(flag))).toEqual([]);
      for (const flag of resourcesOnly) expect(shown[command]!.has(flag)).toBe(true);
    }
    expect(resourcesOnly.filter((flag) => shown.iam!.has(flag))).toEqual([]);
    for (const command of ['iam', 'cloudformation', 'terraform']) expect(shown[command]!.has('--timeout')).toBe(false);
    // A flag of another command is refused as unused here, with our code.
    const unused = await cli(['export', '--change-feed', '--table-prefix', 'x-']);
    expect(unused.code).toBe(2);
    expect(unused.stderr).toContain(`error: ${OpsErrorCodes.USAGE}: unknown option '--change-feed'`);
    expect(unused.stderr).toContain(
      '(this command does not use --change-feed; it is a flag of migrate-from-upstream, import, create-table',
    );
    const templates = await cli(['cloudformation', '--table-prefix', 'p-', '--change-feed', '--operations']);
    expect(templates.code).toBe(2);
    expect(templates.stderr).toContain("unknown option '--operations'");
  }, 120_000);

  it('usage errors: our code, the flag that fixes it, exit 2, JSON with --json; never a class name or an option name', async () => {
    const local = ['--table-prefix', `${uniqueTableName('cli-usage')}-`, ...dynamoOnly()];
    const cases: [string[], string][] = [
      [['export', ...local, '--page-size', '0'], "option '--page-size <n>' argument '0' is invalid. It must be a positive integer."],
      [
        ['create-table', ...local, '--change-feed', '99'],
        "option '--change-feed [shards]' argument '99' is invalid. It must be a shard count from 1 to 63",
      ],
      [['import', ...local, '--change-feed', '2', '--in', '/dev/null'], '--change-feed is for the table --create creates: add --create'],
      [['sweep-orphans', ...local, '--older-than', '1h'], "required option '--bucket <name>' not specified"],
      [
        ['sweep-orphans', ...local, '--bucket', 'my-archive', '--older-than', 'soon'],
        "option '--older-than <duration>' argument 'soon' is invalid",
      ],
      [['export', ...local, '--resume'], '--resume needs --out'],
      [
        ['stats', ...local, '--bucket', 'Bad_Bucket'],
        "option '--bucket <name>' argument 'Bad_Bucket' is invalid. An S3 bucket name is 3 to 63 characters",
      ],
      [['migrate-from-upstream', ...local], "required option '--source-table <name>' not specified"],
      [['describe', ...local, '--timeout', 'soon'], '--timeout must be a duration such as 500ms, 30s, 15m, 1h or 7d, got "soon"'],
      [['create-table', ...local, '--read-capacity', '5'], '--read-capacity and --write-capacity go together'],
      [
        ['describe', '--endpoint', 'localhost:8000'],
        "option '--endpoint <url>' argument 'localhost:8000' is invalid. --endpoint takes an http:// or https:// URL",
      ],
      [
        ['import', ...local, '--in', join(work, 'no-such-file.ndjson'), '--create'],
        `cannot read --in ${join(work, 'no-such-file.ndjson')}: no such file`,
      ],
      [['reset-consumer', ...local, '--name', 'p', '--from', 'middle'], '--from must be start, end or a cursor (JSON), got "middle"'],
    ];
    const results = await Promise.all(cases.map(([args]) => cli([...args, '--json'])));
    results.forEach((result, index) => {
      const [args, message] = cases[index]!;
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(`error: ${OpsErrorCodes.USAGE}: ${message}`);
      expect(result.stderr).not.toMatch(/UsageError|createTable|changeFeed|s3BucketName|pageSize/);
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: OpsErrorCodes.USAGE, message: expect.stringContaining(message) } });
    });
  }, 120_000);

  it('a missing table or bucket: the same typed message from stats, verify and export (and import, naming --create)', async () => {
    const prefix = `${uniqueTableName('cli-missing')}-`;
    const bucket = uniqueBucketName('cli-missing');
    expect((await cli(['create-table', '--table-prefix', prefix, ...endpoints(), '--quiet'])).code).toBe(0);
    const withBucket = ['--table-prefix', prefix, '--bucket', bucket, ...endpoints()];
    const noBucket = `error: ${ErrorCodes.RESOURCE_NOT_FOUND}: bucket ${bucket} does not exist at S3 ${s3.endpoint}: check --bucket and --s3-endpoint, or `;
    const [stats, verify, exported, imported] = await Promise.all([
      cli(['stats', ...withBucket, '--json']),
      cli(['verify', ...withBucket, '--json']),
      cli(['export', ...withBucket, '--settle', '0s', '--json']),
      cli(['import', ...withBucket, '--in', '/dev/null', '--json']),
    ]);
    for (const result of [stats, verify, exported]) {
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        `${noBucket}create it with event-store-dynamodb create-table --table-prefix ${prefix} --bucket ${bucket}`,
      );
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: ErrorCodes.RESOURCE_NOT_FOUND, details: { bucket } } });
    }
    expect(imported.code).toBe(3);
    expect(imported.stderr).toContain(`${noBucket}add --create to create it`);

    const table = `${uniqueTableName('cli-none')}-schemeless-event-store`;
    const none = ['--table', table, ...dynamoOnly()];
    const noTable = `error: ${ErrorCodes.RESOURCE_NOT_FOUND}: table ${table} does not exist at DynamoDB ${dynamo.endpoint}: `;
    const runs = await Promise.all([
      cli(['stats', ...none]),
      cli(['verify', ...none]),
      cli(['export', ...none, '--settle', '0s']),
      cli(['describe', ...none]),
      cli(['import', ...none, '--in', '/dev/null']),
    ]);
    for (const result of runs.slice(0, 4)) {
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        `${noTable}check --table / --table-prefix and --endpoint, or create it with event-store-dynamodb create-table --table ${table}`,
      );
    }
    expect(runs[4]!.stderr).toContain(`${noTable}add --create to create it`);
    expect(runs.map((result) => result.stderr).join('')).not.toMatch(/NoSuchBucket|createTable is off|createBucket is off/);
  }, 120_000);

  it("the old adapter's table: every command points to migrate-from-upstream; a --change-feed that differs from the table's names the flag", async () => {
    const old = ['--table', fixture.tableName, ...dynamoOnly()];
    const [stats, exported] = await Promise.all([cli(['stats', ...old]), cli(['export', ...old, '--settle', '0s'])]);
    for (const result of [stats, exported]) {
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        `error: ${ErrorCodes.SCHEMA_MISMATCH}: table ${fixture.tableName} is a table of the old adapter (@schemeless/event-store-adapter-dynamodb), not of this package: copy its events into a new table with event-store-dynamodb migrate-from-upstream --source-table ${fixture.tableName} --table-prefix <new prefix>`,
      );
    }
    const feed = ['--table-prefix', `${uniqueTableName('cli-cf')}-`, ...dynamoOnly()];
    expect((await cli(['create-table', ...feed, '--change-feed', '--quiet', '--json'])).stdout).toContain('"feedShards": 4');
    const plain = ['--table-prefix', `${uniqueTableName('cli-nocf')}-`, ...dynamoOnly()];
    expect((await cli(['create-table', ...plain, '--quiet'])).code).toBe(0);
    const noFeed = await cli(['reset-consumer', ...plain, '--name', 'projector']);
    expect(noFeed.code).toBe(3);
    expect(noFeed.stderr).toContain(
      `error: ${ErrorCodes.CHANGE_FEED_DISABLED}: table ${plain[1]}schemeless-event-store has no change feed, which reset-consumer needs: it is chosen when a table is created (create-table --change-feed`,
    );
    expect(noFeed.stderr).not.toContain('changeFeed: true');
    const differs = await cli(['import', ...feed, '--create', '--change-feed', '2', '--in', '/dev/null']);
    expect(differs.code).toBe(2);
    expect(differs.stderr).toContain(
      `error: ${OpsErrorCodes.USAGE}: table ${feed[1]}schemeless-event-store was created with a change feed of 4 shard(s); --change-feed 2 differs: leave --change-feed out`,
    );
  }, 120_000);

  it('connection, region, profile and credentials: mapped to our codes naming the endpoint, region or profile; no SDK warning', async () => {
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    const home = join(work, 'empty-home'); // no ~/.aws: no profile, region or credentials from files
    const bare: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true', // no instance-metadata lookup from the credential chain
    };
    const table = ['--table-prefix', 'p-'];
    const [refused, s3Refused, notS3, notDynamo, noRegion, noProfileRegion, noCredentials, noProfile] = await Promise.all([
      cli(['describe', ...table, '--endpoint', closed]),
      cli([
        'create-table',
        '--table-prefix',
        `${uniqueTableName('cli-s3closed')}-`,
        '--endpoint',
        dynamo.endpoint,
        '--s3-endpoint',
        closed,
        '--bucket',
        'some-archive',
      ]),
      cli([
        'create-table',
        '--table-prefix',
        `${uniqueTableName('cli-nots3')}-`,
        '--endpoint',
        dynamo.endpoint,
        '--bucket',
        'some-archive',
      ]),
      cli(['describe', ...table, '--endpoint', s3.endpoint]),
      cli(['describe', ...table], undefined, 30_000, { ...bare, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }),
      cli(['describe', ...table, '--profile', 'nosuch'], undefined, 30_000, bare),
      cli(['describe', ...table, '--endpoint', dynamo.endpoint], undefined, 30_000, bare),
      cli(['describe', ...table, '--endpoint', dynamo.endpoint, '--region', 'eu-west-1', '--profile', 'nosuch'], undefined, 30_000, bare),
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `error: ${OpsErrorCodes.CONNECTION}: cannot connect to DynamoDB at ${closed}: connection refused, nothing listens there (ECONNREFUSED): check --endpoint`,
    );
    expect(s3Refused.stderr).toContain(`error: ${OpsErrorCodes.CONNECTION}: cannot connect to S3 at ${closed}: connection refused`);
    expect(s3Refused.stderr).toContain('check --s3-endpoint');
    // The S3 endpoint defaulting to DynamoDB Local's: its answer (HTTP 500 "UnknownError") is named for what it is.
    expect(notS3.code).toBe(3);
    expect(notS3.stderr).toContain(`error: ${OpsErrorCodes.CONNECTION}: S3 at ${dynamo.endpoint} did not answer as S3 (HTTP`);
    expect(notS3.stderr).toContain('give the S3 server with --s3-endpoint (it defaults to --endpoint, which is for DynamoDB)');
    expect(notDynamo.stderr).toContain(`error: ${OpsErrorCodes.CONNECTION}: DynamoDB at ${s3.endpoint} did not answer as DynamoDB`);
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain(
      `error: ${OpsErrorCodes.REGION}: no AWS region to connect to: give --region (e.g. --region eu-west-1), or set AWS_REGION`,
    );
    expect(noProfileRegion.stderr).toContain(
      'or set a region in profile nosuch of ~/.aws/config (--profile nosuch has none, or does not exist)',
    );
    expect(noCredentials.code).toBe(3);
    expect(noCredentials.stderr).toContain(
      `error: ${OpsErrorCodes.CREDENTIALS}: no AWS credentials found for DynamoDB at ${dynamo.endpoint}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or give --profile (a local endpoint accepts any keys`,
    );
    expect(noProfile.stderr).toContain(`error: ${OpsErrorCodes.CREDENTIALS}: no usable AWS credentials from profile nosuch (--profile)`);
    const all = [refused, s3Refused, notS3, notDynamo, noRegion, noProfileRegion, noCredentials, noProfile];
    for (const result of all) {
      expect(result.stderr).not.toMatch(
        /Error: connect|Region is missing|CredentialsProviderError|Unknown: UnknownError|NodeVersionSupportWarning/,
      );
    }
    // The first line names the profile and the region it resolved (AWS, no endpoint).
    const aws = await cli(
      ['describe', ...table, '--region', 'eu-west-1', '--profile', 'nosuch', '--timeout', '1ms'],
      undefined,
      30_000,
      bare,
    );
    expect(aws.stderr.split('\n')[0]).toBe(
      'connecting to DynamoDB at AWS (region eu-west-1, profile nosuch), table p-schemeless-event-store (--timeout 1ms)',
    );
    // Every AWS command talks to AWS without the SDK's Node-version warning (the CLI sets the SDK's switch itself).
    const quiet = await cli(['stats', '--table', fixture.tableName, ...dynamoOnly()]);
    expect(quiet.stderr).toContain('connecting to DynamoDB');
    expect(quiet.stderr).not.toContain('NodeVersionSupportWarning');
  }, 120_000);

  it('stats without --bucket says the blobs were not checked; sweep-orphans --dry-run lists the orphans and deletes nothing', async () => {
    const prefix = `${uniqueTableName('cli-blobs')}-`;
    const bucket = uniqueBucketName('cli-blobs');
    const store = ['--table-prefix', prefix, '--bucket', bucket, ...endpoints()];
    const big = { id: 'big-1', domain: 'd', identifier: 'i', type: 't', payload: 'x'.repeat(400_000), created: '2025-01-01T00:00:00.000Z' };
    expect((await cli(['import', ...store, '--create', '--quiet'], `${JSON.stringify(big)}\n`)).code).toBe(0);
    const unchecked = await cli(['stats', '--table-prefix', prefix, ...dynamoOnly()]);
    expect(unchecked.code).toBe(0);
    expect(unchecked.stdout).toContain('offloaded: 1 events; blobs: not checked: give --bucket');
    expect(unchecked.stdout).not.toContain('blobs: 0');
    expect(JSON.parse((await cli(['stats', '--table-prefix', prefix, ...dynamoOnly(), '--json'])).stdout)).toMatchObject({
      blobsChecked: false,
      offloadedEvents: 1,
    });
    expect((await cli(['stats', ...store])).stdout).toMatch(/blobs: 1 \(\d/);
    // Reading the offloaded payload without --bucket names the flag, not the library's "blob store".
    const unread = await cli(['export', '--table-prefix', prefix, ...dynamoOnly(), '--settle', '0s']);
    expect(unread.code).toBe(2);
    expect(unread.stderr).toMatch(
      new RegExp(
        `error: ${ErrorCodes.BLOB_STORE_REQUIRED}: Event big-1 is offloaded to [^ ]+: give the store's --bucket \\(and its --s3-key-prefix, if not events/\\) to read offloaded payloads`,
      ),
    );

    // An orphan in the store's scope (as a write that never committed leaves one).
    const { Item: layout } = await DynamoDBDocumentClient.from(dynamodbClient).send(
      new GetCommand({ TableName: `${prefix}schemeless-event-store`, Key: { pk: 'meta', sk: 0 }, ConsistentRead: true }),
    );
    const orphan = `${prefix}schemeless-event-store/${String(layout!.g)}/e/ghost/000000001.w`;
    await s3Client.send(new PutObjectCommand({ Bucket: bucket, Key: `events/${orphan}`, Body: '{}' }));
    const dry = await cli(['sweep-orphans', ...store, '--older-than', '0s', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(`dry run: nothing deleted; would delete 1 orphan blob(s), keep 1\n  ${orphan}\n`);
    await s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: `events/${orphan}` })); // still there
    const swept = await cli(['sweep-orphans', ...store, '--older-than', '0s', '--json']);
    expect(JSON.parse(swept.stdout)).toEqual({ deleted: [orphan], kept: 1 });
    await expect(s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: `events/${orphan}` }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  }, 120_000);

  it('the packed build keeps its error classes named (esm and cjs): no _EventStoreAdapterError', async () => {
    const built = join(packageDir, 'dist', 'src');
    const builds = {
      esm: (await import(pathToFileURL(join(built, 'index.js')).href)) as Record<string, unknown>,
      cjs: createRequire(import.meta.url)(join(built, 'index.cjs')) as Record<string, unknown>,
    };
    for (const [file, exports] of Object.entries(builds)) {
      const classes = Object.entries(exports).filter(
        ([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error,
      );
      expect(classes.length).toBeGreaterThanOrEqual(10);
      for (const [name, value] of classes) expect({ file, name: (value as { name: string }).name }).toEqual({ file, name });
      const error = new (exports.EventStoreAdapterError as new (code: string, message: string) => Error)(ErrorCodes.INVALID_OPTIONS, 'x');
      expect(inspect(error).split('\n')[0]).toBe('EventStoreAdapterError: x');
    }
  });
});
