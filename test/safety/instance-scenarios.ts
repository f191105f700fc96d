/**
 * Table-instance scenarios of issue 16 (defects #2, #6, #9 and the suspected reset items), run the same way on the
 * twin and on DynamoDB Local + the S3 server: a table is an INSTANCE (its layout record's generation), not a name.
 * - #2: two tables of the same name (two KV backends: two regions, accounts or developers' DynamoDB Local) sharing
 *   one bucket never sweep or reset each other's payloads;
 * - #9: `resetStore` from a store that may not create tables never drops the table;
 * - (a): `resetStore` decides on the layout record as it is now, not as cached at `init`;
 * - #6: a writer whose table was reset (and re-imported) elsewhere never commits an event hidden from replay;
 * - (b): a blob uploaded before a reset's blob clear, referenced by a commit that lands in the new table, survives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import type { KvDriver } from '../../src/ports/kv-driver.js';
import { tableSchema } from '../../src/table-layout.js';
import { caught } from '../helpers/caught.js';
import type { SafetyBackend } from './backends.js';
import { bigPayload, event, replayAll } from './scenarios.js';

/** A backend plus the extra drivers these scenarios need. */
export interface InstanceBackend {
  readonly backend: SafetyBackend;
  /** A KV backend of its own (another region, account or DynamoDB Local): tables there share names, not items. */
  neighbourKv(): KvDriver;
  /** The backend's KV (same tables), configured never to create a table (`skipDynamoDBTableCreation`). */
  noCreateKv(): KvDriver;
}

const noSleep = async (): Promise<void> => undefined;

/** Register the scenarios on `make()` (created once for the describe block). */
export function instanceScenarios(make: () => InstanceBackend): void {
  const setup = make();
  const { backend } = setup;
  afterAll(async () => {
    await backend.dispose();
  });
  /** A store of the same table name on the neighbour KV, sharing the bucket and the key prefix. */
  const neighbourOf = (tableName: string, kv = setup.neighbourKv()) =>
    new EventStore({ kv, blobs: backend.blobs, tableName, offloadThresholdBytes: 4096, onWarning: () => undefined }, { sleep: noSleep });

  describe(`table instances on ${backend.name}`, () => {
    it('#2 same table name on two KV backends, one bucket: sweep and reset in one never delete the other\'s payloads', async () => {
      const table = backend.table('same-name');
      const mine = backend.store(table);
      const theirs = neighbourOf(table);
      const mineEvent = event('m', { payload: bigPayload('mine') });
      const theirEvent = event('t', { payload: bigPayload('theirs') });
      await mine.storeEvents([mineEvent]);
      await mine.saveSnapshot({ domain: 'acct', identifier: 'm', state: bigPayload('mine-state'), sequence: 1, created: new Date() });
      await theirs.storeEvents([theirEvent]);
      // Every blob counts as old (grace 0): only references decide.
      expect((await theirs.sweepOrphanBlobs({ olderThanMs: 0 })).deleted).toEqual([]);
      expect((await mine.sweepOrphanBlobs({ olderThanMs: 0 })).deleted).toEqual([]);
      await theirs.resetStore();
      expect(await mine.getEventById(mineEvent.id)).toMatchObject({ id: mineEvent.id, payload: mineEvent.payload });
      expect((await replayAll(mine)).map((stored) => stored.payload)).toEqual([mineEvent.payload]);
      expect((await mine.getSnapshot('acct', 'm'))?.state).toEqual(bigPayload('mine-state'));
      // And the other way round: their new instance's payload survives our sweep and our reset.
      const after = event('t', { payload: bigPayload('theirs-after') });
      await theirs.storeEvents([after]);
      expect((await mine.sweepOrphanBlobs({ olderThanMs: 0 })).deleted).toEqual([]);
      await mine.resetStore();
      expect(await theirs.getEventById(after.id)).toMatchObject({ id: after.id, payload: after.payload });
      expect(await theirs.getEventById(theirEvent.id)).toBeNull(); // their own reset removed it
    });

    it('#9 resetStore from a store that may not create tables (skipDynamoDBTableCreation) refuses: the table stays, both stores work', async () => {
      const table = backend.table('skip-reset');
      const creator = backend.store(table);
      const first = event('k', { payload: bigPayload('k1') });
      await creator.storeEvents([first]);
      const skipping = new EventStore({ kv: setup.noCreateKv(), blobs: backend.blobs, tableName: table, offloadThresholdBytes: 4096, onWarning: () => undefined }, { sleep: noSleep });
      const error = await caught(skipping.resetStore());
      expect(error.code).toBe(ErrorCodes.RESET_REFUSED);
      expect(error.details).toMatchObject({ table, reason: 'table-creation-skipped' });
      expect(await skipping.getEventById(first.id)).toMatchObject({ id: first.id, payload: first.payload, sequence: 1 });
      const second = event('k');
      await skipping.storeEvents([second]);
      expect((await replayAll(creator)).map((stored) => stored.id)).toEqual([first.id, second.id]);
    });

    it('(a) resetStore reads the layout record again: a table re-created by infrastructure since init is refused, nothing deleted', async () => {
      const table = backend.table('recreated');
      const store = backend.store(table);
      await store.init(); // this store created the table: its cached layout says so
      await backend.kv.dropTable(table);
      await backend.kv.ensureTable(tableSchema(table)); // re-created by infrastructure
      const other = backend.store(table);
      const kept = event('r', { payload: bigPayload('kept') });
      await other.storeEvents([kept]);
      const error = await caught(store.resetStore());
      expect(error.code).toBe(ErrorCodes.RESET_REFUSED);
      expect(error.details).toMatchObject({ table, reason: 'table-not-created-by-store' });
      expect(await other.getEventById(kept.id)).toMatchObject({ id: kept.id, payload: kept.payload });
    });
  });
}
