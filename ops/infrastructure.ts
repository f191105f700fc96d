/**
 * The infrastructure of a store, as text for the tools that own it: the least-privilege IAM policy, the
 * CloudFormation resources (table with its global-order index, bucket) and the same in Terraform (chosen over CDK:
 * plain text, no toolkit or language runtime to install, reviewable in a pull request). All derived from the
 * store's own layout (`storeTableSchema`) and the drivers' IAM action lists, so they cannot drift from what the code needs.
 */
import { requiredDynamoDbIamActions } from '../drivers/dynamodb/iam.js';
import { requiredS3IamActions } from '../drivers/s3/iam.js';
import { storeTableSchema } from '../src/inspection.js';

/** What the infrastructure is for. */
export interface InfrastructureOptions {
  readonly tableName: string;
  /** Bucket of offloaded payloads; none: no S3 statements or resources. */
  readonly bucket?: string;
  /** Key prefix of offloaded objects (default `'events/'`). */
  readonly s3KeyPrefix?: string;
  /** For ARNs; default `*` (any region / account). */
  readonly region?: string;
  readonly account?: string;
  /** The store creates its table and bucket itself (`init`): adds `CreateTable` / `CreateBucket`. Default false (infrastructure creates them). */
  readonly storeCreatesResources?: boolean;
  /** `resetStore` is used (tests, imports): adds `DeleteTable`. */
  readonly reset?: boolean;
  /** Uploads set an ACL (`s3Acl`): adds `PutObjectAcl`. */
  readonly acl?: boolean;
  /** The operations tools run with this policy too (`stats`, `verify`, `export`: adds `Scan`). */
  readonly operations?: boolean;
  /** Also read an old-adapter table for `migrate-from-upstream`: its name and the bucket of its offloaded payloads. */
  readonly migrationSource?: { readonly tableName: string; readonly bucket?: string };
  /** Provisioned capacity (read, write) instead of on-demand. */
  readonly capacity?: { readonly read: number; readonly write: number };
  /** DynamoDB Streams view type. */
  readonly streamViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  /** The store has a change feed (`changeFeed`): the table gets its `log` index too. */
  readonly changeFeed?: boolean;
}

/** An IAM policy document. */
export interface IamPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string[] }[];
}

/** The least-privilege IAM policy of a store (and of the tools, with `operations` / `migrationSource`). */
export function iamPolicy(options: InfrastructureOptions): IamPolicy {
  const region = options.region ?? '*';
  const account = options.account ?? '*';
  const tableArn = (name: string) => `arn:aws:dynamodb:${region}:${account}:table/${name}`;
  const prefix = options.s3KeyPrefix ?? 'events/';
  const tableActions = requiredDynamoDbIamActions({
    createTable: options.storeCreatesResources ?? false,
    dropTable: options.reset ?? false,
  });
  if (options.operations) tableActions.push('dynamodb:Scan');
  const statements: IamPolicy['Statement'] = [
    {
      Sid: 'EventStoreTable',
      Effect: 'Allow',
      Action: tableActions,
      Resource: [tableArn(options.tableName), `${tableArn(options.tableName)}/index/*`],
    },
  ];
  if (options.bucket) {
    const objectActions = requiredS3IamActions({ createBucket: false, acl: options.acl ?? false }).filter(
      (action) => action !== 's3:ListBucket',
    );
    // The key prefix, not the table's scope under it: blobs of the earlier key layout (`<prefix><id>/<write id>`) stay readable.
    statements.push({
      Sid: 'EventStorePayloads',
      Effect: 'Allow',
      Action: objectActions,
      Resource: [`arn:aws:s3:::${options.bucket}/${prefix}*`],
    });
    statements.push({
      Sid: 'EventStoreBucket',
      Effect: 'Allow',
      Action: ['s3:ListBucket', ...(options.storeCreatesResources ? ['s3:CreateBucket'] : [])],
      Resource: [`arn:aws:s3:::${options.bucket}`],
    });
  }
  if (options.migrationSource) {
    statements.push({
      Sid: 'MigrationSourceTable',
      Effect: 'Allow',
      Action: ['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:BatchGetItem'],
      Resource: [tableArn(options.migrationSource.tableName)],
    });
    if (options.migrationSource.bucket)
      statements.push({
        Sid: 'MigrationSourcePayloads',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [`arn:aws:s3:::${options.migrationSource.bucket}/*`],
      });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** Logical id for a resource name (CloudFormation: alphanumeric). */
function logicalId(base: string): string {
  return base.replace(/[^A-Za-z0-9]/g, '');
}

/** The CloudFormation resources (YAML) of the table and the bucket. */
export function cloudFormation(options: InfrastructureOptions): string {
  const schema = storeTableSchema(options.tableName, options.changeFeed ?? false);
  const attributes = [schema.partitionKey, schema.sortKey!, ...schema.indexes.flatMap((index) => [index.partitionKey, index.sortKey!])];
  const lines = [
    'Resources:',
    '  EventStoreTable:',
    '    Type: AWS::DynamoDB::Table',
    '    DeletionPolicy: Retain',
    '    UpdateReplacePolicy: Retain',
    '    Properties:',
    `      TableName: ${options.tableName}`,
    `      BillingMode: ${options.capacity ? 'PROVISIONED' : 'PAY_PER_REQUEST'}`,
    ...(options.capacity
      ? [`      ProvisionedThroughput: { ReadCapacityUnits: ${options.capacity.read}, WriteCapacityUnits: ${options.capacity.write} }`]
      : []),
    '      AttributeDefinitions:',
    ...attributes.map((attribute) => `        - { AttributeName: ${attribute.name}, AttributeType: ${attribute.type} }`),
    '      KeySchema:',
    `        - { AttributeName: ${schema.partitionKey.name}, KeyType: HASH }`,
    `        - { AttributeName: ${schema.sortKey!.name}, KeyType: RANGE }`,
    '      GlobalSecondaryIndexes:',
    ...schema.indexes.flatMap((index) => [
      `        - IndexName: ${index.name}`,
      `          KeySchema: [{ AttributeName: ${index.partitionKey.name}, KeyType: HASH }, { AttributeName: ${index.sortKey!.name}, KeyType: RANGE }]`,
      `          Projection: { ProjectionType: ${index.projection} }`,
      ...(options.capacity
        ? [
            `          ProvisionedThroughput: { ReadCapacityUnits: ${options.capacity.read}, WriteCapacityUnits: ${options.capacity.write} }`,
          ]
        : []),
    ]),
    '      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }',
    ...(options.streamViewType ? [`      StreamSpecification: { StreamViewType: ${options.streamViewType} }`] : []),
  ];
  if (options.bucket) {
    lines.push(
      `  ${logicalId('EventArchiveBucket')}:`,
      '    Type: AWS::S3::Bucket',
      '    DeletionPolicy: Retain',
      '    Properties:',
      `      BucketName: ${options.bucket}`,
      '      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }',
      '      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: AES256 } }] }',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The same resources in Terraform (AWS provider 5.x). */
export function terraform(options: InfrastructureOptions): string {
  const schema = storeTableSchema(options.tableName, options.changeFeed ?? false);
  const attributes = [schema.partitionKey, schema.sortKey!, ...schema.indexes.flatMap((index) => [index.partitionKey, index.sortKey!])];
  const lines = [
    'resource "aws_dynamodb_table" "event_store" {',
    `  name         = "${options.tableName}"`,
    `  billing_mode = "${options.capacity ? 'PROVISIONED' : 'PAY_PER_REQUEST'}"`,
    ...(options.capacity ? [`  read_capacity  = ${options.capacity.read}`, `  write_capacity = ${options.capacity.write}`] : []),
    `  hash_key     = "${schema.partitionKey.name}"`,
    `  range_key    = "${schema.sortKey!.name}"`,
    ...attributes.flatMap((attribute) => ['', '  attribute {', `    name = "${attribute.name}"`, `    type = "${attribute.type}"`, '  }']),
    ...schema.indexes.flatMap((index) => [
      '',
      '  global_secondary_index {',
      `    name            = "${index.name}"`,
      `    hash_key        = "${index.partitionKey.name}"`,
      `    range_key       = "${index.sortKey!.name}"`,
      `    projection_type = "${index.projection}"`,
      ...(options.capacity ? [`    read_capacity   = ${options.capacity.read}`, `    write_capacity  = ${options.capacity.write}`] : []),
      '  }',
    ]),
    '',
    '  point_in_time_recovery {',
    '    enabled = true',
    '  }',
    ...(options.streamViewType ? ['', '  stream_enabled   = true', `  stream_view_type = "${options.streamViewType}"`] : []),
    '',
    '  lifecycle {',
    '    prevent_destroy = true',
    '  }',
    '}',
  ];
  if (options.bucket) {
    lines.push(
      '',
      'resource "aws_s3_bucket" "event_archive" {',
      `  bucket = "${options.bucket}"`,
      '}',
      '',
      'resource "aws_s3_bucket_public_access_block" "event_archive" {',
      '  bucket                  = aws_s3_bucket.event_archive.id',
      '  block_public_acls       = true',
      '  block_public_policy     = true',
      '  ignore_public_acls      = true',
      '  restrict_public_buckets = true',
      '}',
      '',
      'resource "aws_s3_bucket_server_side_encryption_configuration" "event_archive" {',
      '  bucket = aws_s3_bucket.event_archive.id',
      '  rule {',
      '    apply_server_side_encryption_by_default {',
      '      sse_algorithm = "AES256"',
      '    }',
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}
