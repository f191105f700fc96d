import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';

/**
 * The query cursor: DynamoDB's `LastEvaluatedKey` (a native, unmarshalled key) as base64url JSON. Binary key
 * values are encoded as `{"$b64": "<base64>"}` so they survive the round trip (no clash with real values is
 * possible: key attributes are scalars, S, N or B, never maps).
 */

/** A key as DynamoDB returns it in `LastEvaluatedKey`: attribute name to string, number or binary. */
export type EvaluatedKey = Record<string, string | number | Uint8Array>;

const BINARY_TAG = '$b64';

/** Encode a `LastEvaluatedKey` as an opaque, URL-safe cursor. */
export function encodeCursor(key: EvaluatedKey): string {
  const plain: Record<string, string | number | { [BINARY_TAG]: string }> = {};
  for (const [name, value] of Object.entries(key)) {
    plain[name] = value instanceof Uint8Array ? { [BINARY_TAG]: Buffer.from(value).toString('base64') } : value;
  }
  return Buffer.from(JSON.stringify(plain), 'utf8').toString('base64url');
}

/** Decode a cursor made by {@link encodeCursor}. Anything else throws `DRIVER/VALIDATION`. */
export function decodeCursor(cursor: string): EvaluatedKey {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw malformed(cursor, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed(cursor);
  const key: EvaluatedKey = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
      key[name] = value;
    } else if (isBinary(value)) {
      key[name] = new Uint8Array(Buffer.from(value[BINARY_TAG], 'base64'));
    } else {
      throw malformed(cursor);
    }
  }
  if (Object.keys(key).length === 0) throw malformed(cursor);
  return key;
}

function isBinary(value: unknown): value is { [BINARY_TAG]: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as Record<string, unknown>)[BINARY_TAG] === 'string'
  );
}

function malformed(cursor: string, cause?: unknown): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.VALIDATION, 'DynamoDB query cursor is malformed (not made by this driver)', {
    cause,
    details: { driver: 'dynamodb', cursor },
  });
}
