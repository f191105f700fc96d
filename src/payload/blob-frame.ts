/**
 * The body of a blob holding an encoded item's offloaded fields (items with an encoding marker): binary, each field
 * in the order p, m as `u32 big-endian length | bytes`. Items without a marker keep the JSON body `{ p, m }` of
 * text fields (codecs/event.ts), so blobs written before codecs existed read as before.
 */

/** Frame the offloaded fields (`p` first, then `m`, those present). */
export function frameFields(fields: readonly Uint8Array[]): Uint8Array {
  const total = fields.reduce((sum, field) => sum + 4 + field.byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const field of fields) {
    view.setUint32(offset, field.byteLength);
    out.set(field, offset + 4);
    offset += 4 + field.byteLength;
  }
  return out;
}

/** The `count` fields of a framed body; undefined when the body is not such a frame. */
export function unframeFields(body: Uint8Array, count: number): Uint8Array[] | undefined {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const fields: Uint8Array[] = [];
  let offset = 0;
  for (let index = 0; index < count; index++) {
    if (offset + 4 > body.byteLength) return undefined;
    const length = view.getUint32(offset);
    if (offset + 4 + length > body.byteLength) return undefined;
    fields.push(body.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return offset === body.byteLength ? fields : undefined;
}
