/**
 * `event-store-dynamodb`: the operations CLI of event-store-adapter-dynamodb, on `event-store-adapter-dynamodb/ops`.
 * Built on commander (the most used Node CLI library: subcommands, typed options, generated `--help`, no
 * dependencies) and cli-progress (bars with counts, rate and ETA on terminals; lines otherwise are ours).
 *
 * Exit codes: 0 ok, 1 problems found (verify, migrate, import), 2 usage error, 3 runtime failure (a `--timeout`
 * too), 130 interrupted. Every command that talks to AWS takes `--timeout` (cli/request-timeout.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { cloudFormation, iamPolicy, terraform, type InfrastructureOptions } from '../ops/infrastructure.js';
import { resolveTableName } from '../ops/table-name.js';
import type { ExpectedStreamVersion } from '../src/index.js';
import { startTelemetry, stopTelemetry, telemetryHelp } from './telemetry.js';
import { OpsErrorCodes } from '../ops/errors.js';
import { prepareSdkEnvironment } from './sdk-environment.js';
import {
  type CommonFlags,
  durationText,
  ExitCodes,
  parseDuration,
  parsePositiveInt,
  withBucketFlags,
  withChangeFeedFlag,
  withTableFlags,
} from './context.js';

// Before any AWS SDK module loads (the commands load it on demand): no Node-version warning, empty regions unset.
prepareSdkEnvironment();

/**
 * The commands' implementations, with the AWS SDK: loaded by the first command that runs against AWS, after
 * OpenTelemetry's Node SDK has started when OTEL_* variables ask for it (cli/telemetry.ts).
 */
const commands = () => startTelemetry().then(() => import('./commands.js'));

const EXAMPLE_ENDPOINTS = '--endpoint http://localhost:8000';

function version(): string {
  const require = createRequire(import.meta.url);
  for (const path of ['../../package.json', '../package.json']) {
    try {
      return (require(path) as { version: string }).version;
    } catch {
      // try the next layout (built: dist/cli/main.js; source: cli/main.ts)
    }
  }
  return 'unknown';
}

/** Add an `Examples:` section to a command's help. */
function examples(command: Command, ...lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`);
}

/** A command's flags as commander parses them: the common ones and its own. */
type Flags<Own> = CommonFlags & Own & Readonly<Record<string, unknown>>;

/** The program, its commands registered; `exit` receives the exit code. */
export function buildProgram(exit: (code: number) => void): Command {
  // Settings made before the commands are added (exit override, output, help after errors) are inherited by them.
  const program = new Command('event-store-dynamodb')
    .description(
      'Operate an event-store-adapter-dynamodb store: migrate from the old adapter, export, import, stats, verify, sweep, infrastructure.',
    )
    .version(version())
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    // Commander's own refusals (unknown option, missing value, bad value) carry our usage code like every other error.
    .configureOutput({ outputError: (text, write) => write(usageText(text, program)) })
    .addHelpText(
      'after',
      `\nExit codes: 0 ok, 1 problems found, 2 usage error, 3 runtime failure (a --timeout too), 130 interrupted (re-run to resume).\n\nErrors are printed as "error: <code>: <message>" naming the flag that fixes them (with --json also as { error: { code, message } } on stdout).\nCommands that talk to AWS say on stderr where they connect (endpoint or region and profile, table, bucket) and give up when AWS does not\nanswer one request or store call within --timeout (default 60s), naming the endpoint.\n\nExamples:\n  $ npx event-store-dynamodb stats --table-prefix prod- --bucket my-event-archive\n  $ npx event-store-dynamodb migrate-from-upstream --source-table schemeless-event-store --table-prefix v2- --bucket my-event-archive\n`,
    );
  program.addHelpText('after', telemetryHelp);
  const done = (code: number) => exit(code);
  /** A command that talks to AWS: its table flags (and `--timeout`), then its own. */
  const awsCommand = (name: string) => withTableFlags(program.command(name));

  examples(
    withChangeFeedFlag(
      withBucketFlags(awsCommand('migrate-from-upstream')),
      'for the new table (created if missing); an existing one keeps its own',
    )
      .description(
        'copy every event of an old @schemeless/event-store-adapter-dynamodb table into the store (created if missing); resumable, idempotent',
      )
      .requiredOption('--source-table <name>', "the old adapter's table (e.g. schemeless-event-store)")
      .option('--dry-run', 'read and check everything, write nothing')
      .option('--concurrency <n>', 'streams migrated in parallel', parsePositiveInt, 4)
      .option('--segments <n>', 'parallel scan segments of the old table', parsePositiveInt, 4),
    `npx event-store-dynamodb migrate-from-upstream --source-table schemeless-event-store --table-prefix v2- --bucket my-event-archive`,
    `npx event-store-dynamodb migrate-from-upstream --source-table schemeless-event-store --table-prefix v2- --dry-run --json`,
  ).action(async (flags: Flags<{ sourceTable: string; dryRun?: boolean; concurrency: number; segments: number }>) => {
    const { runCommand, withOpenStore, migrateFromUpstream, formatMigration } = await commands();
    done(
      await runCommand(
        'migrate-from-upstream',
        flags,
        're-run the same command: it continues where it stopped, without duplicating anything',
        async (context) => {
          return withOpenStore(context.target, { create: !flags.dryRun, onWarning: printWarning }, async (target) => {
            const summary = await migrateFromUpstream({
              dynamodbClient: context.dynamodbClient,
              s3Client: context.s3Client,
              sourceTableName: flags.sourceTable,
              target,
              dryRun: flags.dryRun ?? false,
              concurrency: flags.concurrency,
              scanSegments: flags.segments,
              signal: context.signal,
              onProgress: context.onProgress,
            });
            return { result: summary, text: formatMigration(summary), problems: summary.problemCount > 0 || !summary.verified };
          });
        },
      ),
    );
  });

  examples(
    withBucketFlags(awsCommand('export'))
      .description('write every event as NDJSON (one event a line, replay order), to a file or stdout; streaming, resumable')
      .option('--out <file>', 'output file (default: stdout); a checkpoint <file>.checkpoint.json makes it resumable')
      .option('--gzip', 'gzip the output')
      .option('--resume', 'continue an interrupted (or earlier) export of --out from its checkpoint')
      .option('--after <eventId>', 'start after this event (resume an export to stdout)')
      .option('--page-size <n>', 'events per page read and written', parsePositiveInt, 1000)
      .option(
        '--settle <duration>',
        'wait before reading, so events committed just before reach the index (0: no wait)',
        durationText,
        '2s',
      ),
    `npx event-store-dynamodb export --table-prefix prod- --bucket my-event-archive --out events.ndjson.gz --gzip`,
    `npx event-store-dynamodb export --table-prefix prod- --bucket my-event-archive --out events.ndjson.gz --gzip --resume`,
    `npx event-store-dynamodb export --table-prefix prod- --bucket my-event-archive | jq -c 'select(.domain == "account")'`,
  ).action(async (flags: Flags<{ out?: string; gzip?: boolean; resume?: boolean; after?: string; pageSize: number; settle: string }>) => {
    if (flags.resume && !flags.out) return done(usage('--resume needs --out (to stdout, use --after <last exported id>)', flags));
    const { runCommand, withOpenStore, exportEvents, formatExport } = await commands();
    done(
      await runCommand(
        'export',
        flags,
        flags.out ? 're-run with --resume: it continues after the last complete page' : 're-run with --after <id of the last line written>',
        async (context) => {
          return withOpenStore(context.target, { onWarning: printWarning }, async (store) => {
            const summary = await exportEvents({
              store,
              out: flags.out ?? process.stdout,
              gzip: flags.gzip ?? false,
              resume: flags.resume ?? false,
              ...(flags.after ? { after: flags.after } : {}),
              pageSize: flags.pageSize,
              settleMs: parseDuration(flags.settle, '--settle'),
              signal: context.signal,
              onProgress: context.onProgress,
            });
            // To stdout the events are the output: the summary goes to stderr.
            if (!flags.out) {
              process.stderr.write(`${formatExport(summary)}\n`);
              return { result: undefined, text: '', problems: false, silent: true };
            }
            return { result: summary, text: formatExport(summary) };
          });
        },
      ),
    );
  });

  examples(
    withChangeFeedFlag(withBucketFlags(awsCommand('import')), 'for the table --create creates; an existing one keeps its own')
      .description(
        'store the events of an NDJSON file (the export format) into the store; idempotent: identical events already stored are skipped, other events under a stored id are reported',
      )
      .option('--in <file>', 'input file, gzip detected (default: stdin)')
      .option('--gzip', 'stdin is gzip')
      .option('--create', 'create the table (and the --bucket) if missing'),
    `npx event-store-dynamodb import --table-prefix staging- --bucket my-staging-archive --in events.ndjson.gz --create`,
    `zcat events.ndjson.gz | npx event-store-dynamodb import --table-prefix staging- --json`,
  ).action(async (flags: Flags<{ in?: string; gzip?: boolean; create?: boolean }>) => {
    if (flags.changeFeed !== undefined && !flags.create)
      return done(usage('--change-feed is for the table --create creates: add --create, or leave --change-feed out', flags));
    // Before connecting: a typo in --in must not create a table first.
    if (flags.in !== undefined && !existsSync(flags.in))
      return done(usage(`cannot read --in ${flags.in}: no such file or directory`, flags));
    const { runCommand, withOpenStore, importEvents, formatImport } = await commands();
    done(
      await runCommand('import', flags, 're-run the same command: events already stored are skipped', async (context) => {
        return withOpenStore(context.target, { create: flags.create ?? false, onWarning: printWarning }, async (store) => {
          await store.init(); // a missing table (or bucket) is reported even for empty input
          const summary = await importEvents({
            store,
            input: flags.in ?? process.stdin,
            gzip: flags.gzip ?? false,
            signal: context.signal,
            onProgress: context.onProgress,
          });
          return { result: summary, text: formatImport(summary), problems: summary.issueCount > 0 };
        });
      }),
    );
  });

  examples(
    awsCommand('reset-consumer')
      .description(
        "restart a change-feed consumer (a subscribe name): its next run starts at the log's beginning (default), its end, " +
          'or a cursor; running instances take it up at their next cursor write',
      )
      .requiredOption('--name <name>', 'the consumer name given to subscribe')
      .option('--from <where>', "'start', 'end', or a cursor as getLogPage returned it (JSON)", 'start'),
    `npx event-store-dynamodb reset-consumer --table-prefix prod- --name projector`,
    `npx event-store-dynamodb reset-consumer --table-prefix prod- --name mailer --from end`,
  ).action(async (flags: Flags<{ name: string; from: string }>) => {
    let from: 'start' | 'end' | ExpectedStreamVersion[];
    try {
      from = flags.from === 'start' || flags.from === 'end' ? flags.from : (JSON.parse(flags.from) as ExpectedStreamVersion[]);
    } catch {
      return done(usage(`--from must be start, end or a cursor (JSON), got ${JSON.stringify(flags.from)}`, flags));
    }
    const { runCommand, withOpenStore } = await commands();
    done(
      await runCommand('reset-consumer', flags, 're-run the same command', async (context) => {
        return withOpenStore(context.target, { onWarning: printWarning }, async (store) => {
          const cursor = await store.resetConsumer(flags.name, from);
          return { result: { name: flags.name, cursor }, text: `consumer ${flags.name} restarts at ${JSON.stringify(cursor)}` };
        });
      }),
    );
  });

  examples(
    withBucketFlags(awsCommand('stats'))
      .description(
        'what the store holds: events, streams, per month and shard, offloaded events and bytes (with --bucket), largest items, snapshots, estimated monthly cost',
      )
      .option('--appends-per-month <n>', 'for the cost estimate', parsePositiveInt)
      .option('--replays-per-month <n>', 'full replays per month, for the cost estimate', parsePositiveInt)
      .option('--largest <n>', 'largest items to list', parsePositiveInt, 5),
    `npx event-store-dynamodb stats --table-prefix prod- --bucket my-event-archive --appends-per-month 5000000`,
    `npx event-store-dynamodb stats ${EXAMPLE_ENDPOINTS} --table-prefix dev- --json`,
  ).action(async (flags: Flags<{ appendsPerMonth?: number; replaysPerMonth?: number; largest: number }>) => {
    const { runCommand, storeStats, formatStats } = await commands();
    done(
      await runCommand('stats', flags, 're-run the same command (stats only reads)', async (context) => {
        const report = await storeStats({
          ...context.target,
          largest: flags.largest,
          ...(flags.appendsPerMonth ? { appendsPerMonth: flags.appendsPerMonth } : {}),
          ...(flags.replaysPerMonth ? { replaysPerMonth: flags.replaysPerMonth } : {}),
          signal: context.signal,
          onProgress: context.onProgress,
        });
        return { result: report, text: formatStats(report) };
      }),
    );
  });

  examples(
    withBucketFlags(awsCommand('verify'))
      .description(
        'check heads against streams (gapless), guards and links against events, blob references (with --bucket), orphan blobs, the catalog and the layout record; exit 1 on any problem',
      )
      .option('--orphan-grace <duration>', 'unreferenced blobs younger than this are not orphans yet', durationText, '1h'),
    `npx event-store-dynamodb verify --table-prefix prod- --bucket my-event-archive`,
    `npx event-store-dynamodb verify --table-prefix prod- --bucket my-event-archive --json | jq '.problems[]'`,
  ).action(async (flags: Flags<{ orphanGrace: string }>) => {
    const { runCommand, verifyStore, formatVerify } = await commands();
    done(
      await runCommand('verify', flags, 're-run the same command (verify only reads)', async (context) => {
        const report = await verifyStore({
          ...context.target,
          orphanGraceMs: parseDuration(flags.orphanGrace, '--orphan-grace'),
          signal: context.signal,
          onProgress: context.onProgress,
        });
        return { result: report, text: formatVerify(report), problems: !report.ok };
      }),
    );
  });

  examples(
    withBucketFlags(awsCommand('sweep-orphans'), { required: true })
      .description(
        "delete the store's blobs that no item references and that are older than --older-than (the store's sweeper); --dry-run lists them and deletes nothing",
      )
      .requiredOption('--older-than <duration>', "grace period, well over the store's deadlineMs (e.g. 1h)", durationText)
      .option('--dry-run', 'list the orphans it would delete, delete nothing'),
    `npx event-store-dynamodb sweep-orphans --table-prefix prod- --bucket my-event-archive --older-than 1h --dry-run`,
    `npx event-store-dynamodb sweep-orphans --table-prefix prod- --bucket my-event-archive --older-than 1h`,
  ).action(async (flags: Flags<{ olderThan: string; dryRun?: boolean }>) => {
    const { runCommand, sweepOrphans, formatSweep } = await commands();
    done(
      await runCommand('sweep-orphans', flags, 're-run the same command', async (context) => {
        const result = await sweepOrphans({
          ...context.target,
          olderThanMs: parseDuration(flags.olderThan, '--older-than'),
          dryRun: flags.dryRun ?? false,
        });
        return { result, text: formatSweep(result) };
      }),
    );
  });

  examples(
    withChangeFeedFlag(withBucketFlags(awsCommand('create-table')), 'the table gets its log index and records the shards')
      .description("create the store's table (and bucket, with --bucket) as init does, wait until ACTIVE, and describe it")
      .option('--read-capacity <n>', 'provisioned read capacity (with --write-capacity); default on-demand', parsePositiveInt)
      .option('--write-capacity <n>', 'provisioned write capacity (with --read-capacity)', parsePositiveInt)
      .addOption(new Option('--stream-view-type <type>', 'enable DynamoDB Streams').choices(['NEW_IMAGE', 'NEW_AND_OLD_IMAGES'])),
    `npx event-store-dynamodb create-table --table-prefix prod- --bucket my-event-archive`,
    `npx event-store-dynamodb create-table ${EXAMPLE_ENDPOINTS} --table-prefix dev- --change-feed`,
  ).action(async (flags: Flags<{ readCapacity?: number; writeCapacity?: number; streamViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' }>) => {
    if ((flags.readCapacity === undefined) !== (flags.writeCapacity === undefined))
      return done(usage('--read-capacity and --write-capacity go together: give both, or neither (on-demand)', flags));
    const { runCommand, createStoreTable, formatDescribe } = await commands();
    done(
      await runCommand('create-table', flags, 're-run the same command (it is idempotent)', async (context) => {
        const report = await createStoreTable({
          ...context.target,
          ...(flags.readCapacity ? { capacity: { read: flags.readCapacity, write: flags.writeCapacity! } } : {}),
          ...(flags.streamViewType ? { streamViewType: flags.streamViewType } : {}),
        });
        return { result: report, text: formatDescribe(report) };
      }),
    );
  });

  examples(
    awsCommand('describe').description(
      "describe the table: status, layout (ours or the old adapter's), keys, indexes, billing, streams, size, layout record",
    ),
    `npx event-store-dynamodb describe --table-prefix prod-`,
    `npx event-store-dynamodb describe --table schemeless-event-store --json`,
  ).action(async (flags: Flags<object>) => {
    const { runCommand, describeTable, formatDescribe } = await commands();
    done(
      await runCommand('describe', flags, 're-run the same command', async (context) => {
        const report = await describeTable(context.target);
        return { result: report, text: formatDescribe(report) };
      }),
    );
  });

  registerPrinters(program, done);
  return program;
}

/** The infrastructure printers' flags, as commander parses them. */
interface InfraFlags {
  changeFeed?: true | number;
  table?: string;
  tablePrefix?: string;
  bucket?: string;
  s3KeyPrefix?: string;
  region?: string;
  account?: string;
  storeCreatesResources?: boolean;
  reset?: boolean;
  acl?: boolean;
  operations?: boolean;
  sourceTable?: string;
  sourceBucket?: string;
  readCapacity?: number;
  writeCapacity?: number;
  streamViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
}

/**
 * `iam`, `cloudformation`, `terraform`: they print text and call nothing on AWS. Each shows only the flags its
 * output depends on: the policy's (who does what) for `iam`, the resources' (capacity, streams, change feed) for
 * the templates.
 */
function registerPrinters(program: Command, done: (code: number) => void): void {
  const names = (command: Command) =>
    command
      .option('--table <name>', 'full table name (overrides --table-prefix)')
      .option('--table-prefix <prefix>', 'table name prefix: the table is <prefix>schemeless-event-store', '')
      .option('--bucket <name>', 'S3 bucket of offloaded payloads (none: no bucket)');
  const policy = (command: Command) =>
    names(command)
      .option('--s3-key-prefix <prefix>', 'key prefix of offloaded objects', 'events/')
      .option('--region <region>', 'region in ARNs (default *)')
      .option('--account <id>', 'account in ARNs (default *)')
      .option('--store-creates-resources', 'the store creates its table and bucket (init): adds CreateTable / CreateBucket')
      .option('--reset', 'resetStore is used: adds DeleteTable')
      .option('--acl', 'uploads set an ACL (s3Acl): adds PutObjectAcl')
      .option('--operations', 'the operations CLI runs with it (stats, verify, export): adds Scan')
      .option('--source-table <name>', 'also read this old-adapter table (migrate-from-upstream)')
      .option('--source-bucket <name>', "the old adapter's bucket (migrate-from-upstream)");
  const resources = (command: Command) =>
    withChangeFeedFlag(names(command), 'the table gets its log index')
      .option('--read-capacity <n>', 'provisioned read capacity (with --write-capacity); default on-demand', parsePositiveInt)
      .option('--write-capacity <n>', 'provisioned write capacity (with --read-capacity)', parsePositiveInt)
      .addOption(new Option('--stream-view-type <type>', 'enable DynamoDB Streams').choices(['NEW_IMAGE', 'NEW_AND_OLD_IMAGES']));
  const infrastructure = (flags: InfraFlags): InfrastructureOptions => ({
    tableName: resolveTableName({
      ...(flags.table ? { table: flags.table } : {}),
      ...(flags.tablePrefix ? { tablePrefix: flags.tablePrefix } : {}),
    }),
    ...(flags.bucket ? { bucket: flags.bucket } : {}),
    ...(flags.s3KeyPrefix !== undefined ? { s3KeyPrefix: flags.s3KeyPrefix } : {}),
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.account ? { account: flags.account } : {}),
    storeCreatesResources: flags.storeCreatesResources ?? false,
    reset: flags.reset ?? false,
    acl: flags.acl ?? false,
    operations: flags.operations ?? false,
    ...(flags.sourceTable
      ? { migrationSource: { tableName: flags.sourceTable, ...(flags.sourceBucket ? { bucket: flags.sourceBucket } : {}) } }
      : {}),
    ...(flags.readCapacity && flags.writeCapacity ? { capacity: { read: flags.readCapacity, write: flags.writeCapacity } } : {}),
    ...(flags.streamViewType ? { streamViewType: flags.streamViewType } : {}),
    ...(flags.changeFeed !== undefined ? { changeFeed: true } : {}),
  });
  const printers: ReadonlyArray<{
    name: string;
    flags: (command: Command) => Command;
    description: string;
    examples: string[];
    render: (options: InfrastructureOptions) => string;
  }> = [
    {
      name: 'iam',
      flags: policy,
      description: 'print the least-privilege IAM policy (JSON) of the store, and of the tools with --operations / --source-table',
      examples: [
        `npx event-store-dynamodb iam --table-prefix prod- --bucket my-event-archive --region eu-west-1 --account 123456789012`,
        `npx event-store-dynamodb iam --table-prefix v2- --bucket my-event-archive --operations --source-table schemeless-event-store --source-bucket old-archive`,
      ],
      render: (options) => `${JSON.stringify(iamPolicy(options), null, 2)}\n`,
    },
    {
      name: 'cloudformation',
      flags: resources,
      description: 'print the CloudFormation resources (YAML) of the table and bucket (then use skipDynamoDBTableCreation: true)',
      examples: [`npx event-store-dynamodb cloudformation --table-prefix prod- --bucket my-event-archive > event-store.yaml`],
      render: cloudFormation,
    },
    {
      name: 'terraform',
      flags: resources,
      description: 'print the same resources for Terraform (AWS provider 5.x)',
      examples: [`npx event-store-dynamodb terraform --table-prefix prod- --bucket my-event-archive > event-store.tf`],
      render: terraform,
    },
  ];
  for (const printer of printers) {
    examples(printer.flags(program.command(printer.name)).description(printer.description), ...printer.examples).action(
      (flags: InfraFlags) => {
        if ((flags.readCapacity === undefined) !== (flags.writeCapacity === undefined))
          return done(usage('--read-capacity and --write-capacity go together: give both, or neither (on-demand)', {}));
        process.stdout.write(printer.render(infrastructure(flags)));
        done(ExitCodes.OK);
      },
    );
  }
}

/**
 * Commander's refusal `text` with our usage code; an unknown option that is a flag of other commands is said to be
 * unused here (instead of commander's suggestion of a similar-looking flag).
 */
function usageText(text: string, program: Command): string {
  const coded = text.replace(/^error: /, `error: ${OpsErrorCodes.USAGE}: `);
  const unknown = /unknown option '(--[A-Za-z0-9-]+)'/.exec(coded)?.[1];
  if (unknown === undefined) return coded;
  const users = program.commands
    .filter((command) => command.options.some((option) => option.long === unknown))
    .map((command) => command.name());
  if (users.length === 0) return coded;
  return `${coded.replace(/\n\(Did you mean [^)]*\)/, '').trimEnd()}\n(this command does not use ${unknown}; it is a flag of ${users.join(', ')})\n`;
}

/** The store's warnings (`WARN/*`), on stderr. */
function printWarning(warning: { code: string; message: string }): void {
  process.stderr.write(`warning: ${warning.code}: ${warning.message}\n`);
}

/** A usage error found before the command runs: printed like every error; exit code 2. */
function usage(message: string, flags: { readonly json?: unknown }): number {
  process.stderr.write(`error: ${OpsErrorCodes.USAGE}: ${message}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify({ error: { code: OpsErrorCodes.USAGE, message } }, null, 2)}\n`);
  return ExitCodes.USAGE;
}

/** Parse `argv` and run; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = ExitCodes.OK;
  const program = buildProgram((exitCode) => {
    code = exitCode;
  });
  try {
    await program.parseAsync(argv as string[], { from: 'node' });
  } catch (error) {
    await stopTelemetry();
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; anything else commander refuses is a usage error (already printed).
      if (error.exitCode !== 0 && argv.includes('--json'))
        process.stdout.write(
          `${JSON.stringify({ error: { code: OpsErrorCodes.USAGE, message: error.message.replace(/^error: /, '') } }, null, 2)}\n`,
        );
      return error.exitCode === 0 ? ExitCodes.OK : ExitCodes.USAGE;
    }
    process.stderr.write(`error: ${OpsErrorCodes.FAILED}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCodes.FAILURE;
  }
  await stopTelemetry();
  if (program.args.length === 0 && argv.length <= 2) {
    program.outputHelp();
    return ExitCodes.USAGE;
  }
  return code;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${OpsErrorCodes.FAILED}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCodes.FAILURE;
  },
);
