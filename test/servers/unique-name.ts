import { randomBytes } from 'node:crypto';

let counter = 0;

/** A token unique within this process and very likely across concurrent runs: pid, a counter and random hex. */
function uniqueSuffix(): string {
  counter += 1;
  return `${process.pid.toString(36)}-${counter.toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A fresh DynamoDB table name (`[A-Za-z0-9_.-]`, at most 255 characters) so every test gets its own table. */
export function uniqueTableName(label = 'test'): string {
  const safe = label.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 100);
  return `${safe}-${uniqueSuffix()}`;
}

/** A fresh S3 bucket name (lowercase `[a-z0-9-]`, 3 to 63 characters) so every test gets its own bucket. */
export function uniqueBucketName(label = 'test'): string {
  const suffix = uniqueSuffix();
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63 - suffix.length - 1);
  return `${safe || 'b'}-${suffix}`;
}
