/** The write side of the pipeline for events: a validated batch with each event's payload and meta encoded. */
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { utf8Length } from '../layout/item-size.js';
import type { WriteContext } from '../runtime/store-context.js';
import { streamPk } from '../layout/table-layout.js';
import type { ValidatedEvent } from '../write/validation.js';
import { encodeTexts, type ValueOwner } from './pipeline.js';

/** The owner of an event's values (for associated data and errors). */
export function eventOwner(eventId: string, stream: string, key?: Readonly<Record<string, unknown>>): ValueOwner {
  return { stream, owner: eventId, label: `Event ${eventId}`, details: { eventId, ...(key ? { key } : {}) } };
}

/**
 * `batch` with payload and meta encoded by the store's pipeline (the events whose values take no step are returned
 * as they are). With encryption, the streams' data keys are read (and created for new streams) first.
 * @throws `CODEC/STREAM_ERASED` for an event of an erased stream, `INPUT/INVALID_EVENT` for a value over the
 *   decompression limit, key errors (`CODEC/KEY_*`): all before anything of the batch is written (a new stream's key
 *   item aside, which a refused write may leave; it holds no event data).
 */
export async function encodeEvents(ctx: WriteContext, batch: readonly ValidatedEvent[]): Promise<readonly ValidatedEvent[]> {
  const pipeline = ctx.options.payload;
  if (pipeline.compression.algorithm === undefined && pipeline.keyring === undefined) return batch;
  const limit = pipeline.compression.maxDecompressedBytes;
  if (pipeline.compression.algorithm !== undefined) {
    // Checked for the whole batch before any key is read or created (encodeTexts checks again, per value).
    for (const [index, validated] of batch.entries()) {
      // UTF-16 length bounds the UTF-8 length from below (x1) and above (x3): measure only when it may be over.
      const longest = Math.max(validated.payloadJson.length, validated.metaJson?.length ?? 0);
      if (longest * 3 <= limit) continue;
      const bytes = Math.max(utf8Length(validated.payloadJson), validated.metaJson === undefined ? 0 : utf8Length(validated.metaJson));
      if (bytes > limit) {
        throw new EventStoreAdapterError(
          ErrorCodes.INVALID_EVENT,
          `event #${index} (id ${validated.event.id}): its payload or meta is ${bytes} bytes as JSON, over compression.maxDecompressedBytes (${limit}): it could not be read back`,
          { details: { index, eventId: validated.event.id, field: 'payload', rule: 'maxDecompressedBytes', bytes, limit } },
        );
      }
    }
  }
  const pks = batch.map((validated) => streamPk(validated.event.domain, validated.event.identifier));
  const keys = pipeline.keyring ? await pipeline.keyring.keysForWrite(ctx, pks) : undefined;
  return batch.map((validated, index) => {
    const pk = pks[index]!;
    const names = validated.metaJson === undefined ? ['p'] : ['p', 'm'];
    const texts = validated.metaJson === undefined ? [validated.payloadJson] : [validated.payloadJson, validated.metaJson];
    const encoded = encodeTexts(pipeline, eventOwner(validated.event.id, pk), names, texts, keys?.get(pk));
    return encoded === undefined ? validated : { ...validated, encoded };
  });
}
