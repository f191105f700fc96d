/**
 * The twin's full-table scan (`KvDriver.scan`, for the operations tools): every item of a table is in exactly one
 * segment (by a hash of its primary key), a segment's items are read in the order of their key ids, and a page ends
 * at `limit` items or, as a query page, with the item at which the bytes read reach `maxQueryPageBytes`. The cursor
 * names the last key id read. The scan reads the current state (it is strongly consistent, `consistent` or not) and
 * suffers no injected faults.
 */
import { ErrorCodes } from '../../src/errors/index.js';
import type { Item, KvCapabilities, ScanRequest } from '../../src/ports/kv-driver.js';
import { cloneItem } from './attribute-values.js';
import type { DriverErrorFactory } from './errors.js';
import type { MemoryTable } from './memory-table.js';

/** One page of a segment, and the bytes it read (for its read units). */
export interface ScanRead {
  readonly items: Item[];
  readonly cursor?: string;
  readonly bytesRead: number;
}

/** Check `request` (`DRIVER/VALIDATION` naming what is wrong) and read its page of `table`. */
export function scanTable(table: MemoryTable, request: ScanRequest, capabilities: KvCapabilities, error: DriverErrorFactory): ScanRead {
  const { segment, segments, limit, cursor, attributes } = request;
  if (!(Number.isInteger(segments) && segments >= 1 && Number.isInteger(segment) && segment >= 0 && segment < segments))
    throw error(ErrorCodes.VALIDATION, `scan segment must be an integer in 0..segments-1, got ${segment} of ${segments}`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    throw error(ErrorCodes.VALIDATION, `scan limit must be an integer >= 1, got ${limit}`);
  let after: string | undefined;
  if (cursor !== undefined) {
    after = decodeScanCursor(cursor, segment, segments);
    if (after === undefined) throw error(ErrorCodes.VALIDATION, 'The scan cursor is malformed or of another segment');
  }
  const ids = [...table.recordIds()].filter((id) => segmentOf(id, segments) === segment && (after === undefined || id > after)).sort();
  const items: Item[] = [];
  let bytesRead = 0;
  let last: string | undefined;
  for (const id of ids) {
    if (items.length >= (limit ?? Number.POSITIVE_INFINITY) || bytesRead >= capabilities.maxQueryPageBytes) break;
    const record = table.recordById(id)!;
    bytesRead += record.size;
    items.push(attributes === undefined ? cloneItem(record.item) : project(record.item, attributes));
    last = id;
  }
  const more = last !== undefined && ids[ids.length - 1] !== last;
  return more ? { items, cursor: encodeScanCursor(last!, segment, segments), bytesRead } : { items, bytesRead };
}

/** The segment of a key id: FNV-1a of its UTF-16 code units, modulo `segments`. */
function segmentOf(id: string, segments: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193) >>> 0;
  return hash % segments;
}

function project(item: Item, attributes: readonly string[]): Item {
  const projected: Item = {};
  for (const name of attributes) if (item[name] !== undefined) projected[name] = item[name]!;
  return cloneItem(projected);
}

function encodeScanCursor(after: string, segment: number, segments: number): string {
  return Buffer.from(JSON.stringify({ a: after, s: segment, n: segments }), 'utf8').toString('base64url');
}

function decodeScanCursor(cursor: string, segment: number, segments: number): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { a?: unknown; s?: unknown; n?: unknown };
    return typeof payload.a === 'string' && payload.s === segment && payload.n === segments ? payload.a : undefined;
  } catch {
    return undefined;
  }
}
