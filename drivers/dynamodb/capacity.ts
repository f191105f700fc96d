import type { ConsumedCapacity as AwsConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { ConsumedCapacity } from '../../src/ports/kv-driver.js';

/** No capacity consumed (or none reported, e.g. for a cancelled transaction). */
export const NO_CAPACITY: ConsumedCapacity = Object.freeze({ read: 0, write: 0 });

/**
 * Sum what DynamoDB reported (one entry, or one per table) into read and write units. Where the response splits
 * units into `ReadCapacityUnits`/`WriteCapacityUnits` those are used; otherwise the `CapacityUnits` total is
 * attributed to `kind`, the kind of the operation (reads for get/query/batch-get, writes for writes).
 */
export function consumedCapacity(
  reported: AwsConsumedCapacity | readonly AwsConsumedCapacity[] | undefined,
  kind: 'read' | 'write',
): ConsumedCapacity {
  if (reported === undefined) return NO_CAPACITY;
  const entries: readonly AwsConsumedCapacity[] = Array.isArray(reported) ? reported : [reported as AwsConsumedCapacity];
  let read = 0;
  let write = 0;
  for (const entry of entries) {
    if (entry.ReadCapacityUnits !== undefined || entry.WriteCapacityUnits !== undefined) {
      read += entry.ReadCapacityUnits ?? 0;
      write += entry.WriteCapacityUnits ?? 0;
    } else if (kind === 'read') {
      read += entry.CapacityUnits ?? 0;
    } else {
      write += entry.CapacityUnits ?? 0;
    }
  }
  return { read, write };
}
