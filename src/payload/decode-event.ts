/** The read side of the pipeline for events: an encoded event item (and its blob body) back to the stored event. */
import { invalidItem, orderFields, type DecodedEventItem } from '../layout/codecs/event.js';
import type { StoredEvent } from '../compat/contract-types.js';
import type { Item } from '../ports/kv-driver.js';
import { A } from '../layout/table-layout.js';
import { unframeFields } from './blob-frame.js';
import { eventOwner } from './encode-events.js';
import { ERASED_META, ERASED_PAYLOAD } from './erased.js';
import type { StreamKey } from './keyring.js';
import { decodeValues, type PayloadPipeline } from './pipeline.js';

/**
 * The event of an item with an encoding marker: its inline values and, when offloaded, those of `body` (the
 * blob), decoded by the marker. An erased event (its stream's key destroyed) comes back with the erased markers
 * (erased.ts). `streamKey` is its stream's key as stored (for encrypted items).
 * @throws `DECODE/INVALID_ITEM` (a malformed blob body, a value that is not JSON), `CODEC/*` (see `decodeValues`).
 */
export function decodeEncodedEvent(
  pipeline: PayloadPipeline,
  entry: DecodedEventItem,
  item: Item,
  body: Uint8Array | undefined,
  streamKey: StreamKey | undefined,
): StoredEvent {
  const encoding = entry.encoding!;
  const offloaded = entry.blob?.fields ?? '';
  let payload = encoding.payload;
  let meta = encoding.meta;
  if (offloaded !== '') {
    const frame = body === undefined ? undefined : unframeFields(body, offloaded.length);
    if (frame === undefined)
      throw invalidItem(item, `the blob ${entry.blob?.key} of event ${entry.event.id} is not a framed body of ${offloaded}`);
    if (offloaded.includes('p')) payload = frame[0];
    if (offloaded.includes('m')) meta = frame[offloaded.length - 1];
  }
  if (payload === undefined || (encoding.hasMeta && meta === undefined)) throw invalidItem(item, 'an encoded field is missing');
  const key = { [A.pk]: item[A.pk], [A.sk]: item[A.sk] };
  const owner = eventOwner(entry.event.id, item[A.pk] as string, key);
  const names = encoding.hasMeta ? ['p', 'm'] : ['p'];
  const texts = decodeValues(pipeline, owner, encoding.marker, names, encoding.hasMeta ? [payload, meta!] : [payload], streamKey);
  const event: StoredEvent = { ...entry.event };
  if (texts === 'erased') {
    event.payload = ERASED_PAYLOAD;
    if (encoding.hasMeta) event.meta = ERASED_META as unknown as StoredEvent['meta'];
    return orderFields(event);
  }
  event.payload = parse(item, 'payload', texts[0]!);
  if (encoding.hasMeta) event.meta = parse(item, 'meta', texts[1]!) as StoredEvent['meta'];
  return orderFields(event);
}

function parse(item: Item, field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw invalidItem(item, `${field} is not valid JSON once decoded`, cause);
  }
}
