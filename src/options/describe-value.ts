/**
 * How an option's value is shown in a message: the value received (numbers and short strings as they are, an AWS
 * SDK client by its service, others by kind), so a message says what was wrong without dumping the value.
 */

/** The value at `path` in `record` (for messages). */
export function valueAt(record: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let value: unknown = record;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** A rule's message with the value received, unless the message says it already. */
export function withReceived(message: string, value: unknown): string {
  return /received|got /i.test(message) ? message : `${message}, got ${describeValue(value)}`;
}

/**
 * A short description of a value for messages: numbers and short strings as they are, an AWS SDK client by its
 * service (`a DynamoDB client`), others by kind.
 */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  const service = awsServiceOf(value);
  if (service !== undefined) return `${/^([AEIOU]|S3)/.test(service) ? 'an' : 'a'} ${service} client`;
  return 'an object';
}

/** The AWS service of an AWS SDK v3 client (`DynamoDB`, `S3`, …: its `config.serviceId`), or undefined for anything else. */
export function awsServiceOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as { send?: unknown }).send !== 'function') return undefined;
  const serviceId = (value as { config?: { serviceId?: unknown } }).config?.serviceId;
  return typeof serviceId === 'string' ? serviceId : 'AWS SDK';
}
