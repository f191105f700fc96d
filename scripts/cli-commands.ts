/**
 * The commands the `event-store-dynamodb` CLI must offer, as its checks expect them (the packed package's check and
 * the CLI's tests): written once, apart from the CLI's own registrations, so a command lost from the CLI fails them.
 */

/** The commands that reach AWS: each has `--timeout` and the endpoint, region and credential flags. */
export const AWS_COMMANDS = [
  'migrate-from-upstream',
  'export',
  'import',
  'reset-consumer',
  'stats',
  'verify',
  'sweep-orphans',
  'create-table',
  'describe',
] as const;

/** Every command: the AWS ones and the infrastructure printers (which start without the AWS SDK). */
export const CLI_COMMANDS = [...AWS_COMMANDS, 'iam', 'cloudformation', 'terraform'] as const;
