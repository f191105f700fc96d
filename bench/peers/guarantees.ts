/**
 * What each library guarantees, printed beside its figures: a cheaper figure may buy less. Facts come from each
 * library's own documentation and published source (named in {@link GUARANTEE_SOURCES}); ours from this package's
 * docs (`docs/design.md`, `docs/usage.md`, `docs/change-feed.md`) and tests. Only `compression` depends on the run
 * (whether `ours+compression` ran).
 */

/** One guarantee, with each library's answer. */
export interface GuaranteeRow {
  readonly guarantee: string;
  readonly ours: string;
  readonly old: string;
  readonly equinox: string;
  readonly castore: string;
}

/** Where the peers' facts come from. */
export const GUARANTEE_SOURCES: readonly string[] = [
  'old adapter: its published `dist/EventStore.dynamodb.repo.js` (5.0.0), as the bench loads it (`bench/legacy/`)',
  "Equinox: `@equinox-js/dynamo-store` 1.2.0's published `dist/index.js` and its docs' DynamoStore architecture page (table schema, tip and calving, DynamoDB Streams and the indexer)",
  "castore: `@castore/event-storage-adapter-dynamodb` 2.4.2's README (table, GSI, EventGroups, consistency) and `dist/cjs/singleTableAdapter.js`",
];

/** The table's rows; `compression` says whether our compression option ran in this bench. */
export function guaranteeRows(compression: boolean): GuaranteeRow[] {
  return [
    {
      guarantee: 'unique event ids (store-wide)',
      ours: 'yes: an id guard item per event; a duplicate is refused, nothing written',
      old: 'no: the key is id + `created`; the same id with another `created` is stored twice',
      equinox: 'no: no event id is stored (read back as the nil UUID)',
      castore: 'no: an event is aggregateId + version, it has no id',
    },
    {
      guarantee: 'optimistic concurrency per stream',
      ours: 'yes: `expectedSequence`, gapless sequences',
      old: 'yes, except a first append: `expectedSequence` fails on a new stream',
      equinox: 'yes: version or etag condition on the tip',
      castore: 'yes: conditional put of the version',
    },
    {
      guarantee: 'atomic multi-stream batches',
      ours: 'yes: one transaction (100 actions / 4 MB)',
      old: 'no: one transaction per stream, at most 25 events on a new stream',
      equinox: 'no: one stream per write',
      castore: 'yes: `pushEventGroup`, one transaction (100 events)',
    },
    {
      guarantee: 'exact global order (whole-store read)',
      ours: 'yes: `getAllEvents` in created/id order, no separate indexer (its index is eventually consistent on AWS)',
      old: 'partly: month index from 2020-01 to this month only; equal `created` in index order',
      equinox: 'not in the library: a separate indexer (a Lambda on DynamoDB Streams) writes an ingestion-order index table',
      castore: 'no: `listAggregateIds` (first events by timestamp), then each stream',
    },
    {
      guarantee: 'read-your-writes',
      ours: 'stream, id and causation reads strongly consistent',
      old: 'no stream read; replay through an index (eventually consistent)',
      equinox: 'decider loads with `RequireLeader`; `EventsContext.read` (benched) is eventually consistent',
      castore: '`getEvents` strongly consistent; `listAggregateIds` eventually',
    },
    {
      guarantee: 'offloading of large events',
      ours: 'yes: S3 above `offloadThresholdBytes`',
      old: 'yes: S3 above ~350 KB',
      equinox: 'no: events live in the tip and calved batch items (400 KB item limit)',
      castore: 'no: one item per event (400 KB limit)',
    },
    {
      guarantee: 'change feed',
      ours: 'yes: `changeFeed` (`getLogPage`, `subscribe`, a gapless cursor); `decodeStreamRecords` for DynamoDB Streams',
      old: 'no',
      equinox: 'yes, with separate packages: DynamoDB Streams, the indexer Lambda and its index table',
      castore: 'DynamoDB Streams records parsed by its `ImageParser` (your stream, your Lambda)',
    },
    {
      guarantee: 'snapshots',
      ours: 'yes: `saveSnapshot` (older never replaces newer)',
      old: 'no',
      equinox: 'yes: unfolds in the tip item',
      castore: 'no (in the adapter)',
    },
    {
      guarantee: 'payload compression',
      ours: compression ? 'yes: the `compression` option (`ours+compression`)' : 'no (the `compression` option is not in this build)',
      old: 'no',
      equinox: 'yes: brotli of bodies over 48 bytes (`Codec.compress`, as benched)',
      castore: 'no',
    },
  ];
}
