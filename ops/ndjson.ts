/**
 * The NDJSON event format of `export` and `import`: one event a line, fields
 * `id, domain, type, payload, meta?, identifier?, correlationId?, causationId?, created (ISO-8601 UTC), sequence`.
 */
import type { CreatedEvent, StoredEvent } from '../src/index.js';
import { OpsError, OpsErrorCodes } from './errors.js';

/** One event as a line of JSON (no newline). */
export function eventToLine(event: StoredEvent): string {
  const line: Record<string, unknown> = { id: event.id, domain: event.domain, type: event.type, payload: event.payload };
  if (event.meta !== undefined) line.meta = event.meta;
  if (event.identifier !== undefined) line.identifier = event.identifier;
  if (event.correlationId !== undefined) line.correlationId = event.correlationId;
  if (event.causationId !== undefined) line.causationId = event.causationId;
  line.created = event.created.toISOString();
  line.sequence = event.sequence;
  return JSON.stringify(line);
}

/** An event read from a line: what a store would store, and the `sequence` it had where it was exported. */
export interface EventLine {
  readonly event: CreatedEvent;
  readonly sequence: number | undefined;
}

/** Parse line `lineNumber` (1-based). `OPS/INVALID_LINE` when it is not JSON or not an event. */
export function lineToEvent(text: string, lineNumber: number): EventLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw invalidLine(lineNumber, 'not JSON', cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidLine(lineNumber, 'not a JSON object');
  const line = parsed as Record<string, unknown>;
  for (const field of ['id', 'domain', 'type', 'created'] as const) {
    if (typeof line[field] !== 'string' || line[field] === '') throw invalidLine(lineNumber, `${field} must be a non-empty string`);
  }
  const created = new Date(line.created as string);
  if (Number.isNaN(created.getTime())) throw invalidLine(lineNumber, 'created is not a date');
  if (!('payload' in line)) throw invalidLine(lineNumber, 'payload is missing');
  const event: CreatedEvent = {
    id: line.id as string,
    domain: line.domain as string,
    type: line.type as string,
    payload: line.payload,
    created,
  };
  if (line.meta !== undefined) event.meta = line.meta as CreatedEvent['meta'];
  if (typeof line.identifier === 'string') event.identifier = line.identifier;
  if (typeof line.correlationId === 'string') event.correlationId = line.correlationId;
  if (typeof line.causationId === 'string') event.causationId = line.causationId;
  return { event, sequence: typeof line.sequence === 'number' ? line.sequence : undefined };
}

/** The fields that make two events the same event (the store's identical-batch rule): a canonical text. */
export function eventIdentity(event: CreatedEvent | StoredEvent): string {
  return JSON.stringify([
    event.id,
    event.domain,
    event.identifier ?? '',
    event.type,
    event.created.toISOString(),
    event.payload ?? null,
    event.meta ?? null,
    event.correlationId ?? null,
    event.causationId ?? null,
  ]);
}

function invalidLine(line: number, reason: string, cause?: unknown): OpsError {
  return new OpsError(OpsErrorCodes.INVALID_LINE, `line ${line}: ${reason}`, { cause, details: { line, reason } });
}
