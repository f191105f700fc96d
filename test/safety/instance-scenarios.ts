/**
 * Table-instance scenarios of issue 16 (defects #2, #6, #9 and the suspected reset items), run the same way on the
 * twin and on DynamoDB Local + the S3 server: a table is an INSTANCE (its layout record's generation), not a name.
 * - #2: two tables of the same name (two KV backends: two regions, accounts or developers' DynamoDB Local) sharing
 *   one bucket never sweep or reset each other's payloads;
 * - #9: `resetStore` from a store that may not create tables never drops the table;
 * - (a): `resetStore` decides on the layout record as it is now, not as cached at `init`;
 * - #6: a writer whose table was reset (and re-imported) elsewhere never commits an event hidden from replay;
 * - (b): a write or snapshot save planned before a reset elsewhere commits into the new table naming only blobs of
 *   the new instance's scope, uploaded before the commit (no window, no post-commit repair: a writer dying right
 *   after its commit leaves the event readable); lost instance markers are written again;
 * - (c): a store whose blobs resolve elsewhere (another bucket or key prefix) is refused at `init`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ForwardingBlobDriver, ForwardingKvDriver } from '../../contract-tests/faulty/forwarding.js';
import { ErrorCodes } from '../../src/errors/index.js';
import { instanceScope } from '../../src/blobs/blob-keys.js';
import { METADATA_KEY } from '../../src/layout/codecs/metadata.js';
import { EventStore } from '../../src/event-store.js';
import type { BlobDriver } from '../../src/ports/blob-driver.js';
import type { KvDriver, TransactResult } from '../../src/ports/kv-driver.js';
import { INSTANCE_MARKERS, markerKey } from '../../src/layout/instance-markers.js';
import { tableSchema } from '../../src/layout/table-layout.js';
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
  /** A blob driver of the backend's kind whose keys resolve under `keyPrefix` (its `location` says so). */
  blobsAt(keyPrefix: string): BlobDriver;
}

const noSleep = async (): Promise<void> => undefined;

/** A blob driver that can hold one event-blob put (after it landed): a writer paused between its upload and its commit. */
class PausingBlobDriver extends ForwardingBlobDriver {
  private pause: { readonly held: () => void; readonly gate: Promise<void>; readonly marker: string } | undefined;

  /** Hold the next put of a key containing `marker` (default event blobs) until `release()`; `held` resolves once it is being held. */
  arm(marker = '/e/'): { held: Promise<void>; release: () => void } {
    let release!: () => void;
    let onHeld!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = new Promise<void>((resolve) => (onHeld = resolve));
    this.pause = { held: onHeld, gate, marker };
    return { held, release };
  }

  override async put(...args: Parameters<BlobDriver['put']>): Promise<void> {
    await super.put(...args);
    const pause = this.pause;
    if (pause && args[0].includes(pause.marker)) {
      this.pause = undefined;
      pause.held();
      await pause.gate;
    }
  }
}

/**
 * A KV driver whose process "dies" right after its first event transaction commits once `armed`: that call never
 * answers (and nothing after it runs), so a test shows what the table holds with no post-commit work of the writer.
 */
class FreezeAfterEventCommitKv extends ForwardingKvDriver {
  armed = false;
  private onCommitted!: () => void;
  /** Resolves once the frozen commit landed. */
  readonly committed = new Promise<void>((resolve) => (this.onCommitted = resolve));

  override async transactWrite(...args: Parameters<KvDriver['transactWrite']>): Promise<TransactResult> {
    const result = await super.transactWrite(...args);
    const writesEvent = args[1].some(
      (action) => action.type === 'put' && String(action.item.pk).startsWith('s|') && Number(action.item.sk) > 0,
    );
    if (this.armed && result.committed && writesEvent) {
      this.armed = false;
      this.onCommitted();
      return new Promise<TransactResult>(() => undefined);
    }
    return result;
  }
}

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
    it("#2 same table name on two KV backends, one bucket: sweep and reset in one never delete the other's payloads", async () => {
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

    it("sweepOrphanBlobs sweeps the table's current instance, also when it was reset elsewhere since this store verified it", async () => {
      const table = backend.table('sweep-current');
      const sweeper = backend.store(table);
      await sweeper.init();
      const other = backend.store(table);
      await other.resetStore();
      const kept = event('sc', { payload: bigPayload('kept') });
      await other.storeEvents([kept]);
      const { item: layout } = await backend.kv.get(table, METADATA_KEY, { consistent: true });
      const orphan = `${instanceScope('events/', table, String(layout!.g))}e/never-stored/000000000.write`;
      await backend.blobs.put(orphan, new Uint8Array([1]));
      expect((await sweeper.sweepOrphanBlobs({ olderThanMs: 0 })).deleted).toEqual([orphan]);
      expect(await sweeper.getEventById(kept.id)).toMatchObject({ id: kept.id, payload: kept.payload });
    });

    it('#9 resetStore from a store that may not create tables (skipDynamoDBTableCreation) refuses: the table stays, both stores work', async () => {
      const table = backend.table('skip-reset');
      const creator = backend.store(table);
      const first = event('k', { payload: bigPayload('k1') });
      await creator.storeEvents([first]);
      const skipping = new EventStore(
        { kv: setup.noCreateKv(), blobs: backend.blobs, tableName: table, offloadThresholdBytes: 4096, onWarning: () => undefined },
        { sleep: noSleep },
      );
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
    it('(c) a store configured with another blob key prefix (or bucket) is refused at init, naming the field; the recorded one works', async () => {
      const table = backend.table('moved-blobs');
      const at = (keyPrefix: string) =>
        new EventStore(
          { kv: backend.kv, blobs: setup.blobsAt(keyPrefix), tableName: table, offloadThresholdBytes: 4096, onWarning: () => undefined },
          { sleep: noSleep },
        );
      const big = event('c', { payload: bigPayload('located') });
      await at('events/').storeEvents([big]);
      const moved = at('moved/');
      const error = await caught(moved.init());
      expect(error.code).toBe(ErrorCodes.LAYOUT_MISMATCH);
      expect(error.details).toMatchObject({
        table,
        field: 'blobLocation',
        stored: setup.blobsAt('events/').location,
        configured: setup.blobsAt('moved/').location,
      });
      expect(await at('events/').getEventById(big.id)).toMatchObject({ id: big.id, payload: big.payload });
    });

    const may = (day: number) => new Date(Date.UTC(2025, 4, day));
    const july = new Date(Date.UTC(2025, 6, 1));
    const june = new Date(Date.UTC(2025, 5, 1));

    it('#6 a writer whose table was reset and re-imported elsewhere (head back at the version it remembers) commits nothing hidden from replay', async () => {
      const table = backend.table('hidden-known');
      const writer = backend.store(table);
      await writer.storeEvents([event('h', { created: may(1) })]); // knows head 1 and May recorded
      const other = backend.store(table);
      await other.resetStore();
      await other.storeEvents([event('h', { created: july })]); // re-import: head back at 1, only July in the catalog
      const late = event('h', { created: may(2) });
      await writer.storeEvents([late]);
      expect(await writer.getEventById(late.id)).toMatchObject({ id: late.id, sequence: 2 });
      expect((await replayAll(backend.store(table))).map((stored) => stored.id)).toContain(late.id);
    });

    it('#6 the same for a writer creating a new stream (no head carries the instance): confirmed after the commit, nothing hidden', async () => {
      const table = backend.table('hidden-new');
      const writer = backend.store(table);
      await writer.storeEvents([event('a', { created: may(1) })]);
      const other = backend.store(table);
      await other.resetStore();
      await other.storeEvents([event('a', { created: july })]);
      const fresh = event('new-stream', { created: may(3) });
      await writer.storeEvents([fresh]);
      expect((await replayAll(backend.store(table))).map((stored) => stored.id)).toContain(fresh.id);
      // And the writer now writes for the new instance: a later May event of a known stream is visible too.
      const next = event('a', { created: may(4) });
      await writer.storeEvents([next]);
      expect((await replayAll(backend.store(table))).map((stored) => stored.id)).toEqual(expect.arrayContaining([fresh.id, next.id]));
    });

    it("#6 two writers that missed the reset: the first one's new stream carries the new instance, so the second appending to it notices too", async () => {
      const table = backend.table('hidden-two');
      const first = backend.store(table);
      const second = backend.store(table);
      await first.storeEvents([event('one', { created: may(1) })]); // first: knows May
      await second.storeEvents([event('two', { created: june })]); // second: knows June
      const other = backend.store(table);
      await other.resetStore();
      await other.storeEvents([event('three', { created: july })]); // the new catalog: July only
      const created = event('created-after', { created: may(5) });
      await first.storeEvents([created]); // a new stream, confirmed: first adopts the new instance
      const appended = event('created-after', { created: june });
      await second.storeEvents([appended]); // second has not noticed yet; June is in its old beliefs only
      expect(await second.getEventById(appended.id)).toMatchObject({ id: appended.id, sequence: 2 });
      expect((await replayAll(backend.store(table))).map((stored) => stored.id)).toEqual(expect.arrayContaining([created.id, appended.id]));
    });

    it('a head written before generations (none on it) is adopted once the layout record confirms the instance; it then carries the generation', async () => {
      const table = backend.table('legacy-head');
      const store = backend.store(table);
      await store.storeEvents([event('lh', { created: may(1) })]);
      await backend.kv.batchWrite(table, [{ put: { pk: 's|acct|lh', sk: 0, v: 1 } }]); // as an earlier version wrote it
      const next = event('lh', { created: may(2) });
      await store.storeEvents([next], { expectedSequence: 1 });
      expect(await store.getEventById(next.id)).toMatchObject({ id: next.id, sequence: 2 });
      const { item: head } = await backend.kv.get(table, { pk: 's|acct|lh', sk: 0 }, { consistent: true });
      const { item: layout } = await backend.kv.get(table, METADATA_KEY, { consistent: true });
      expect(head).toMatchObject({ v: 2, g: layout!.g });
      expect((await replayAll(backend.store(table))).map((stored) => stored.id)).toContain(next.id);
    });

    for (const kind of ['a known stream', 'a new stream'] as const) {
      it(`(b) a blob uploaded before a reset's blob clear, its commit landing in the new table (${kind}): the payload stays readable`, async () => {
        const table = backend.table(kind === 'a known stream' ? 'blob-race-known' : 'blob-race-new');
        const pausing = new PausingBlobDriver(backend.blobs);
        const writer = new EventStore(
          { kv: backend.kv, blobs: pausing, tableName: table, offloadThresholdBytes: 4096, onWarning: () => undefined },
          { sleep: noSleep },
        );
        await writer.storeEvents([event('b', { created: may(1) })]);
        const other = backend.store(table);
        await other.init();
        const pause = pausing.arm();
        const big = event(kind === 'a known stream' ? 'b' : 'b-new', { created: may(2), payload: bigPayload('raced') });
        const writing = writer.storeEvents([big]);
        await pause.held; // uploaded, not yet committed
        await other.resetStore(); // clears the old instance's blobs: the one just uploaded included
        if (kind === 'a known stream') await other.storeEvents([event('b', { created: july })]);
        pause.release();
        await writing;
        const reader = backend.store(table);
        expect(await reader.getEventById(big.id)).toMatchObject({ id: big.id, payload: big.payload });
        expect((await replayAll(reader)).map((stored) => stored.id)).toContain(big.id);
      });
    }

    /** The generation the table's layout record names now. */
    const generationOf = async (table: string): Promise<string> => {
      const { item } = await backend.kv.get(table, METADATA_KEY, { consistent: true });
      return item!.g as string;
    };

    for (const kind of ['a known stream', 'a new stream'] as const) {
      it(`(b) a write planned before a reset elsewhere commits into the new table naming only blobs of the new instance, and needs nothing after its commit (${kind})`, async () => {
        const table = backend.table(kind === 'a known stream' ? 'scope-race-known' : 'scope-race-new');
        const pausing = new PausingBlobDriver(backend.blobs);
        // The writer's process "dies" right after its event transaction commits: nothing it does after counts.
        const frozen = new FreezeAfterEventCommitKv(backend.kv);
        const writer = new EventStore(
          { kv: frozen, blobs: pausing, tableName: table, offloadThresholdBytes: 4096, onWarning: () => undefined, deadlineMs: 20_000 },
          { sleep: noSleep },
        );
        await writer.storeEvents([event('r', { created: may(1) })]);
        const other = backend.store(table);
        await other.init();
        const pause = pausing.arm();
        const identifier = kind === 'a known stream' ? 'r' : 'r-new';
        const big = event(identifier, { created: may(2), payload: bigPayload('scoped') });
        frozen.armed = true;
        const writing = writer.storeEvents([big]);
        writing.catch(() => undefined); // it never answers: its process died after the commit
        await pause.held; // uploaded under the old instance's scope, not yet committed
        await other.resetStore();
        if (kind === 'a known stream') await other.storeEvents([event('r', { created: july })]);
        pause.release();
        await frozen.committed;
        const generation = await generationOf(table);
        const sequence = kind === 'a known stream' ? 2 : 1;
        const { item } = await backend.kv.get(table, { pk: `s|acct|${identifier}`, sk: sequence }, { consistent: true });
        expect(item?.id).toBe(big.id);
        expect(String(item?.bk)).toContain(`/${generation}/`);
        // Readable at once, with no help from the (dead) writer.
        expect(await backend.store(table).getEventById(big.id)).toMatchObject({ id: big.id, payload: big.payload });
      });
    }

    it('lost instance markers are written again by the first writer that needs one; the new stream is stored once', async () => {
      const table = backend.table('markers-lost');
      const store = backend.store(table);
      await store.init();
      const generation = await generationOf(table);
      const markers = Array.from({ length: INSTANCE_MARKERS }, (_, index) => markerKey(index));
      for (let start = 0; start < markers.length; start += 16)
        await backend.kv.batchWrite(
          table,
          markers.slice(start, start + 16).map((key) => ({ delete: key })),
        );
      const fresh = event('after-loss', { created: may(1) });
      await store.storeEvents([fresh]);
      expect(await store.getEventById(fresh.id)).toMatchObject({ id: fresh.id, sequence: 1 });
      for (const key of markers) expect((await backend.kv.get(table, key, { consistent: true })).item).toMatchObject({ g: generation });
    });

    it("(b) the same for a snapshot: its blob uploaded before a reset's blob clear, its item landing in the new table, stays readable", async () => {
      const table = backend.table('blob-race-snapshot');
      const pausing = new PausingBlobDriver(backend.blobs);
      const writer = new EventStore(
        { kv: backend.kv, blobs: pausing, tableName: table, offloadThresholdBytes: 4096, onWarning: () => undefined },
        { sleep: noSleep },
      );
      await writer.init();
      const other = backend.store(table);
      await other.init();
      const pause = pausing.arm('/s/');
      const saving = writer.saveSnapshot({
        domain: 'acct',
        identifier: 'snap',
        state: bigPayload('raced-state'),
        sequence: 1,
        created: new Date(),
      });
      await pause.held; // uploaded, item not yet written
      await other.resetStore();
      pause.release();
      await saving;
      expect((await backend.store(table).getSnapshot('acct', 'snap'))?.state).toEqual(bigPayload('raced-state'));
      // Its item names a blob of the new instance's scope (uploaded before the commit), never one the reset cleared.
      const { item } = await backend.kv.get(table, { pk: 's|acct|snap', sk: -1 }, { consistent: true });
      expect(String(item?.bk)).toContain(`/${await generationOf(table)}/`);
    });
  });
}
