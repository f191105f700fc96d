/**
 * `npm run check:package`: pack the package, install the tarball into a fresh app, and prove it works as users
 * consume it: CommonJS `require` and ESM `import` of every subpath, TypeScript declarations under NodeNext, the
 * README's drop-in example against DynamoDB Local + the S3 server (started here), and that importing the root loads
 * the core only (no AWS SDK module, no driver: see scripts/import-cost.ts). Exits non-zero on failure.
 */
import { execFile, execFileSync } from 'node:child_process';
import { CLI_COMMANDS } from './cli-commands.js';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, startS3Server } from '../test/servers/index.js';
import { loadProblems, modulesLoadedBy, modulesLoadedByRunning, type ModuleFormat } from './import-cost.js';
import { packageContentProblems, unpackedSize } from './package-contents.js';
import { packedPackage, removePackedPackage } from './packed-package.js';

const work = mkdtempSync(join(tmpdir(), 'esa-pack-'));
const run = (command: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } }).toString();
/** Asynchronous, for children that talk to the in-process S3 server: a synchronous wait would block it. */
const runAsync = async (command: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  (await promisify(execFile)(command, args, { cwd, env: { ...process.env, ...env } })).stdout;

const dynamo = await startDynamoDbLocal();
const s3 = await startS3Server();
try {
  const { tarball, dir: unpacked } = packedPackage();
  // What ships: the licence, the entry points and the docs; no tests, bench or sources, no maps embedding sources.
  const contentProblems = packageContentProblems(unpacked);
  if (contentProblems.length > 0) throw new Error(`the package's contents:\n  ${contentProblems.join('\n  ')}`);
  const size = unpackedSize(unpacked);
  console.log(
    `contents: LICENSE, entry points and docs shipped; no tests, bench or sources; maps without sourcesContent: ok (unpacked ${size.bytes} bytes, maps ${size.mapBytes})`,
  );
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      tarball,
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-s3',
      'typescript@5.9',
      '@types/node@20',
      'vitest@4.1.12',
      'fast-check@4',
    ],
    app,
  );

  writeFileSync(
    join(app, 'require.cjs'),
    `const { EventStoreRepo, ErrorCodes } = require('event-store-adapter-dynamodb');
const { MemoryKvDriver } = require('event-store-adapter-dynamodb/memory');
const { DynamoDbKvDriver } = require('event-store-adapter-dynamodb/dynamodb');
const { S3BlobDriver } = require('event-store-adapter-dynamodb/s3');
if (typeof EventStoreRepo !== 'function' || typeof MemoryKvDriver !== 'function' || typeof DynamoDbKvDriver !== 'function' || typeof S3BlobDriver !== 'function' || ErrorCodes.CONCURRENCY !== 'STORE/CONCURRENCY') throw new Error('CommonJS exports missing');
const ops = require('event-store-adapter-dynamodb/ops');
if (typeof ops.migrateFromUpstream !== 'function' || typeof ops.exportEvents !== 'function' || typeof ops.verifyStore !== 'function') throw new Error('CommonJS /ops exports missing');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
(async () => {
  const repo = new EventStoreRepo();
  await repo.storeEvents([{ id: 'c1', domain: 'd', type: 't', payload: 1, created: new Date() }]);
  if ((await repo.getEventById('c1')).sequence !== 1) throw new Error('CommonJS round trip failed');
  // The V6 framework's error classes (the peer @schemeless/event-store-types, installed by npm beside the package).
  const types = require('@schemeless/event-store-types');
  const conflict = await repo.appendToStream([{ domain: 'd', identifier: 'v6', type: 't', payload: 1, created: new Date() }], 3).catch((error) => error);
  if (!(conflict instanceof types.StreamConcurrencyError) || !(conflict instanceof types.EventStoreError) || conflict.code !== 'STORE/CONCURRENCY' || conflict.actualVersion !== 0) throw new Error('CommonJS: a conflict is not the types package StreamConcurrencyError');
  // The drop-in form from CommonJS: its lazy DynamoDB driver loads the CommonJS build of the driver on first call.
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: process.env.DYNAMO_ENDPOINT });
  const dropIn = new EventStoreRepo(dynamodb, undefined, { tableNamePrefix: 'cjs-' });
  await dropIn.init();
  await dropIn.storeEvents([{ id: 'c2', domain: 'd', identifier: 'i', type: 't', payload: 2, created: new Date() }]);
  if ((await dropIn.getEventById('c2')).sequence !== 1) throw new Error('CommonJS drop-in round trip failed');
  await dropIn.close();
  dynamodb.destroy();
  console.log('require (twin and drop-in on DynamoDB Local): ok');
})().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  // The README's drop-in example, verbatim apart from the local endpoints.
  writeFileSync(
    join(app, 'drop-in.mjs'),
    `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { EventStoreRepo } from 'event-store-adapter-dynamodb';
import { migrateFromUpstream, iamPolicy } from 'event-store-adapter-dynamodb/ops';
if (typeof migrateFromUpstream !== 'function' || iamPolicy({ tableName: 't-schemeless-event-store' }).Statement.length !== 1) throw new Error('ESM /ops exports missing');

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const dynamodb = new DynamoDBClient({ ...local, endpoint: process.env.DYNAMO_ENDPOINT });
const s3 = new S3Client({ ...local, endpoint: process.env.S3_ENDPOINT, forcePathStyle: true });

const repo = new EventStoreRepo(dynamodb, s3, {
  tableNamePrefix: 'prod-',
  s3BucketName: 'my-event-archive',
});
await repo.init();
await repo.storeEvents([{ id: 'e1', domain: 'account', identifier: 'a1', type: 'Opened', payload: { pdf: 'x'.repeat(500_000) }, created: new Date() }]);
const [event] = await repo.getStreamEvents('account', 'a1');
if (event.sequence !== 1 || event.payload.pdf.length !== 500_000) throw new Error('drop-in round trip failed');
await repo.close();
dynamodb.destroy();
s3.destroy();
console.log('import + drop-in on DynamoDB Local and S3: ok');
`,
  );
  // ESM: the adapter's errors are the V6 framework's classes, and the package loads the peer types package once.
  writeFileSync(
    join(app, 'v6-errors.mjs'),
    `import { EventCursorNotFoundError, StreamConcurrencyError } from '@schemeless/event-store-types';
import { EventStoreRepo, hasCode } from 'event-store-adapter-dynamodb';
const repo = new EventStoreRepo();
await repo.appendToStream([{ domain: 'd', identifier: 'i', type: 't', payload: 1, created: new Date() }], 0);
const conflict = await repo.appendToStream([{ domain: 'd', identifier: 'i', type: 't', payload: 2, created: new Date() }], 0).catch((error) => error);
const cursor = await repo.getAllEvents(10, 'nope').catch((error) => error);
if (!(conflict instanceof StreamConcurrencyError) || !hasCode(conflict, 'STORE/CONCURRENCY') || !(cursor instanceof EventCursorNotFoundError) || !hasCode(cursor, 'INPUT/UNKNOWN_CURSOR')) throw new Error('ESM: errors are not the types package classes');
console.log('V6 error classes (esm, the peer types package): ok');
`,
  );
  // The error classes keep their names in both builds (esbuild would rename some: `_EventStoreAdapterError`).
  writeFileSync(
    join(app, 'error-names.mjs'),
    `import { createRequire } from 'node:module';
import { inspect } from 'node:util';
const builds = { esm: await import('event-store-adapter-dynamodb'), cjs: createRequire(import.meta.url)('event-store-adapter-dynamodb') };
for (const [format, exports] of Object.entries(builds)) {
  const classes = Object.entries(exports).filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error);
  if (classes.length < 10) throw new Error(format + ': only ' + classes.length + ' error classes exported');
  for (const [name, value] of classes) if (value.name !== name) throw new Error(format + ': class ' + name + ' is named ' + value.name);
  const error = new exports.EventStoreAdapterError('INPUT/INVALID_OPTIONS', 'x');
  if (error.name !== 'EventStoreAdapterError' || !inspect(error).startsWith('EventStoreAdapterError: x')) throw new Error(format + ': prints as ' + inspect(error).split('\\n')[0]);
}
console.log('error classes keep their names (esm, cjs): ok');
`,
  );
  writeFileSync(
    join(app, 'types.mts'),
    `import { EventStoreRepo, type StoredEvent, type KvDriver } from 'event-store-adapter-dynamodb';
import { MemoryKvDriver } from 'event-store-adapter-dynamodb/memory';
const kv: KvDriver = new MemoryKvDriver();
const repo = new EventStoreRepo({ kv });
const events: Promise<StoredEvent[]> = repo.getStreamEvents('d', 'i');
void events;
import { migrateFromUpstream, type MigrationSummary } from 'event-store-adapter-dynamodb/ops';
const summary: Promise<MigrationSummary> = migrateFromUpstream({ dynamodbClient: {} as never, sourceTableName: 'old', target: repo, dryRun: true });
void summary;
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['types.mts'],
    }),
  );

  // A third-party driver author's test file: the published contract suites against a driver (here the twin).
  writeFileSync(
    join(app, 'my-driver.contract.test.mjs'),
    `import { blobDriverContract, eventStoreContract, kvDriverContract } from 'event-store-adapter-dynamodb/contract-tests';
import { MemoryBlobDriver, MemoryKvDriver } from 'event-store-adapter-dynamodb/memory';

kvDriverContract({ name: 'packaged twin', createDriver: async () => ({ driver: new MemoryKvDriver(), indexSettleMs: 0 }), numRuns: 5 });
blobDriverContract({ name: 'packaged twin', createDriver: async () => ({ driver: new MemoryBlobDriver() }), numRuns: 5 });
eventStoreContract({ name: 'packaged twin', createDrivers: async () => ({ kv: new MemoryKvDriver(), blobs: new MemoryBlobDriver() }), numRuns: 5 });
`,
  );

  // The root loads the core only; the same detector sees the SDK and the drivers in the subpaths that hold them.
  for (const format of ['esm', 'cjs'] as ModuleFormat[]) {
    const problems = loadProblems(await modulesLoadedBy('event-store-adapter-dynamodb', format, app));
    if (problems.length > 0) throw new Error(`importing the package root (${format}) loaded:\n  ${problems.join('\n  ')}`);
  }
  const expectLoaded = async (subpath: string, format: ModuleFormat, pattern: RegExp) => {
    const problems = loadProblems(await modulesLoadedBy(`event-store-adapter-dynamodb/${subpath}`, format, app));
    if (!problems.some((problem) => pattern.test(problem)))
      throw new Error(`the module-load check saw no ${pattern} in /${subpath} (${format}): it is not detecting anything`);
  };
  // The CLI, as npx runs it: the bin linked into node_modules/.bin by the install.
  const help = run(join(app, 'node_modules', '.bin', 'event-store-dynamodb'), ['--help'], app);
  for (const command of CLI_COMMANDS) {
    if (!help.includes(command)) throw new Error(`event-store-dynamodb --help does not list ${command}:\n${help}`);
  }
  console.log('bin event-store-dynamodb --help lists every command: ok');
  // --help and the infrastructure printers start without the AWS SDK; a command against AWS loads it (the control).
  const bin = join(app, 'node_modules', 'event-store-adapter-dynamodb', 'dist', 'cli', 'main.js');
  for (const args of [['--help'], ['iam', '--table-prefix', 'x-'], ['terraform', '--table-prefix', 'x-']]) {
    const sdk = loadProblems(await modulesLoadedByRunning(bin, args, app)).filter((problem) => problem.startsWith('AWS SDK module'));
    if (sdk.length > 0) throw new Error(`event-store-dynamodb ${args.join(' ')} loaded the AWS SDK:\n  ${sdk.slice(0, 5).join('\n  ')}`);
  }
  const describeModules = await modulesLoadedByRunning(bin, ['describe', '--endpoint', 'http://127.0.0.1:9', '--table-prefix', 'x-'], app, {
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_MAX_ATTEMPTS: '1',
  });
  if (!loadProblems(describeModules).some((problem) => /AWS SDK module: @aws-sdk\/client-dynamodb/.test(problem)))
    throw new Error('the CLI start-up check saw no AWS SDK module in describe: it is not detecting anything');
  console.log('bin --help, iam and terraform load no AWS SDK module; describe does: ok');
  for (const format of ['esm', 'cjs'] as ModuleFormat[]) {
    await expectLoaded('ops', format, /AWS SDK module: @aws-sdk\/client-dynamodb/);
    if (
      loadProblems(await modulesLoadedBy('event-store-adapter-dynamodb/ops', format, app)).some((problem) =>
        problem.startsWith('CLI library'),
      )
    )
      throw new Error(`/ops (${format}) loads the CLI libraries`);
    await expectLoaded('memory', format, /driver MemoryKvDriver/);
    await expectLoaded('dynamodb', format, /driver DynamoDbKvDriver/);
    await expectLoaded('dynamodb', format, /AWS SDK module: @aws-sdk\/client-dynamodb/);
  }
  console.log('root import loads no AWS SDK module, no driver and no CLI library (esm, cjs); /ops loads no CLI library: ok');
  process.stdout.write(
    run('node', ['require.cjs'], app, { DYNAMO_ENDPOINT: dynamo.endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }),
  );
  process.stdout.write(run('node', ['v6-errors.mjs'], app));
  process.stdout.write(run('node', ['error-names.mjs'], app));
  const contract = await runAsync(join(app, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=dot'], app);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI colour codes of vitest's output
  if (!/Tests\s+\d+ passed/.test(contract.replace(/\x1b\[[0-9;]*m/g, '')))
    throw new Error(`contract suites from the package did not pass:\n${contract}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI colour codes of vitest's output
  console.log(`contract-tests from the package: ${/Tests\s+(\d+) passed/.exec(contract.replace(/\x1b\[[0-9;]*m/g, ''))![1]} passed`);
  process.stdout.write(
    await runAsync('node', ['drop-in.mjs'], app, {
      DYNAMO_ENDPOINT: dynamo.endpoint,
      S3_ENDPOINT: s3.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }),
  );
  run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
  console.log('types: ok (NodeNext, strict)');
} finally {
  await dynamo.stop();
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
  removePackedPackage();
}
