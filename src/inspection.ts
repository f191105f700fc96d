/**
 * The core's surface for the operations tools (`/ops`: verify, stats, describe, infrastructure; the CLI): the table's
 * schema and layout record, what each stored item is, and where a table's blobs live. A tool reads items raw (a scan
 * through the KV port's `scan`) and asks the core what each is: its kind, its decoded content, and whether the keys
 * derived from it (global-order and log index keys) are the layout's. The item encodings (codecs/*) and the
 * attribute names (table-layout.ts) stay inside the core: ops/ imports the core only through the package root, the
 * ports and this module, the one entry of the modules of inspection/ (each member's contract is there).
 */
export {
  compareUtf8,
  DEFAULT_CHANGE_FEED_SHARDS,
  DEFAULT_TABLE_BASE_NAME,
  decodeLayoutRecord,
  instanceBlobScope,
  LAYOUT_RECORD_KEY,
  LAYOUT_VERSION,
  MAX_CHANGE_FEED_SHARDS,
  mapWithConcurrency,
  monthLabel,
  readItems,
  storeTableSchema,
  tableBlobScope,
  type TableMetadata,
} from './inspection/table.js';
export { catalogKeyOf, eventKeyOf, guardKeyOf, headKeyOf, itemId, keyOf, logCounterKeyOf, snapshotKeyOf } from './inspection/item-keys.js';
export { itemFacts, itemKind, type ItemFacts, type ItemKind } from './inspection/item-kinds.js';
export { eventIdOf, inspectItem, pointsAt, type InspectedItem, type LayoutShards } from './inspection/inspect-item.js';
