/**
 * The payload codecs (compression, encryption with crypto-shredding, upcasting) through every read path, on one
 * backend: run on the twin (test/codecs/codecs.test.ts) and on DynamoDB Local + the S3 server (test/codecs/codecs.real.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreatedEvent, StoredEvent } from '../../src/compat/contract-types.js';
import { ErrorCodes, type EventStoreAdapterError } from '../../src/errors/index.js';
import type { EventStore, EventStoreCoreOptions } from '../../src/event-store.js';
import { ERASED_META, ERASED_PAYLOAD, localKeyProvider, type KeyProvider } from '../../src/index.js';
import type { Item, KvDriver } from '../../src/ports/kv-driver.js';
import { A, streamPk } from '../../src/layout/table-layout.js';
import type { SafetyBackend } from '../safety/backends.js';
import { caught } from '../helpers/caught.js';
import { exportLines, importLines, READ_PATHS } from './read-paths.js';

/** A string no stored byte may contain when the store encrypts. */
export const SECRET = 'PLAINTEXT-SECRET-7d1f';
const MASTER = new Uint8Array(32).fill(42);

/** JSON of realistic shape, `rows` rows (about 60 bytes each): compresses well. */
const rowsPayload = (rows: number, tag: string) => ({
  secret: SECRET,
  tag,
  rows: Array.from({ length: rows }, (_, index) => ({ index, name: `customer ${index}`, active: index % 3 === 0, balance: index * 7.5 })),
});
/** Random text (base64): compresses to about 3/4, so a large one is offloaded even compressed. */
const randomPayload = (bytes: number) => ({ secret: SECRET, noise: randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64') });

let counter = 0;
/** The scenario corpus for one stream: small, 3 KB, 26 KB compressible (offloaded uncompressed), 20 KB random (offloaded either way). */
function corpus(identifier: string): CreatedEvent[] {
  const tag = `${identifier}-${++counter}`;
  const created = new Date(Date.UTC(2025, 5, 1, 12, 0, counter % 60));
  const first = { id: `${tag}-1`, domain: 'acct', identifier, type: 'Opened', payload: { secret: SECRET, small: true }, created };
  const caused = (n: number, payload: unknown, extra: Partial<CreatedEvent> = {}): CreatedEvent => ({
    id: `${tag}-${n}`,
    domain: 'acct',
    identifier,
    type: 'Updated',
    payload,
    meta: { note: SECRET },
    causationId: first.id,
    correlationId: first.id,
    created: new Date(created.getTime() + n),
    ...extra,
  });
  return [first, caused(2, rowsPayload(45, tag)), caused(3, rowsPayload(400, tag)), caused(4, randomPayload(20_000))];
}

/** What every read path must return for stored `events`: ids, sequences, payloads and metas. */
const shape = (events: readonly StoredEvent[]) =>
  events.map((event) => ({ id: event.id, sequence: event.sequence, type: event.type, payload: event.payload, meta: event.meta }));

/** A KV driver that records every item written through it (puts and updates), so nothing written escapes a scan. */
export function recordingKv(kv: KvDriver, written: Item[]): KvDriver {
  return new Proxy(kv, {
    get(target, property, receiver) {
      if (property === 'transactWrite') {
        return (table: string, actions: Parameters<KvDriver['transactWrite']>[1], options?: Parameters<KvDriver['transactWrite']>[2]) => {
          for (const action of actions) {
            if (action.type === 'put') written.push(action.item);
            if (action.type === 'update') written.push(action.set);
          }
          return target.transactWrite(table, actions, options);
        };
      }
      if (property === 'batchWrite') {
        return (table: string, requests: Parameters<KvDriver['batchWrite']>[1]) => {
          for (const request of requests) if ('put' in request) written.push(request.put);
          return target.batchWrite(table, requests);
        };
      }
      if (property === 'withSignal' && typeof target.withSignal === 'function') {
        return (signal: AbortSignal) => recordingKv(target.withSignal!(signal), written);
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Whether any string or byte value inside `value` contains `needle` (UTF-8). */
export function holdsText(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.includes(needle);
  if (value instanceof Uint8Array) return Buffer.from(value).includes(needle);
  if (Array.isArray(value)) return value.some((element) => holdsText(element, needle));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((element) => holdsText(element, needle));
  return false;
}

/** A key provider counting its calls. */
function countingProvider(inner: KeyProvider): KeyProvider & { wraps: number; unwraps: number } {
  const counted = {
    id: inner.id,
    wraps: 0,
    unwraps: 0,
    wrapKey: (key: Uint8Array, context: Record<string, string>) => {
      counted.wraps++;
      return inner.wrapKey(key, context);
    },
    unwrapKey: (wrapped: Uint8Array, context: Record<string, string>) => {
      counted.unwraps++;
      return inner.unwrapKey(wrapped, context);
    },
  };
  return counted;
}

/** Replace stored item `key` by `change(item)` (a raw write, as corruption or an old version would leave it). */
async function rewrite(store: EventStore, key: Record<string, string | number>, change: (item: Item) => Item): Promise<void> {
  const { item } = await store.options.kv.get(store.options.tableName, key, { consistent: true });
  await store.options.kv.transactWrite(store.options.tableName, [{ type: 'put', item: change(item!) }]);
}

const eventKey = (identifier: string, sequence: number) => ({ [A.pk]: streamPk('acct', identifier), [A.sk]: sequence });

/** Every read path's events of the stream, by path. */
async function everyPath(store: EventStore, identifier: string, causeId: string): Promise<Record<string, StoredEvent[]>> {
  const out: Record<string, StoredEvent[]> = {};
  for (const [name, read] of Object.entries(READ_PATHS)) out[name] = await read(store, 'acct', identifier, causeId);
  return out;
}

/** The codec scenarios on the backend `make()` returns. */
export function codecScenarios(make: () => SafetyBackend): void {
  const backend = make();
  afterAll(() => backend.dispose());
  const open = (label: string, options: Partial<EventStoreCoreOptions> = {}, table = backend.table(label)) =>
    backend.store(table, { changeFeed: true, ...options });

  describe(`compression on ${backend.name}`, () => {
    it('every read path returns the events as stored; small ones are stored as they were, a compressed one stays inline', async () => {
      const store = open('compress', { compression: true });
      const events = corpus('c');
      const stored = await store.appendEvents(events);
      await store.saveSnapshot({ domain: 'acct', identifier: 'c', state: rowsPayload(300, 'snap'), sequence: 4, created: new Date() });
      const paths = await everyPath(store, 'c', events[0]!.id);
      for (const [path, read] of Object.entries(paths)) expect({ path, events: shape(read) }).toEqual({ path, events: shape(stored) });
      expect((await store.getSnapshot('acct', 'c'))!.state).toEqual(rowsPayload(300, 'snap'));

      const raw = async (sequence: number) =>
        (await store.options.kv.get(store.options.tableName, eventKey('c', sequence), { consistent: true })).item!;
      const small = await raw(1);
      expect(small[A.encoding]).toBeUndefined(); // under minBytes: the item is what it was without compression
      expect(small[A.payload]).toBe(JSON.stringify(events[0]!.payload));
      const large = await raw(3);
      expect(large[A.encoding]).toBe('br');
      expect(large[A.blobKey]).toBeUndefined(); // 26 KB of text over the 4 KB threshold, inline once compressed
      expect((large[A.payload] as Uint8Array).byteLength).toBeLessThan(4096);
      expect((await raw(4))[A.blobKey]).toBeDefined(); // random text: still over the threshold compressed, offloaded (framed blob)

      const plain = open('compress-off');
      await plain.appendEvents(corpus('c'));
      const { item } = await plain.options.kv.get(plain.options.tableName, eventKey('c', 3), { consistent: true });
      expect(item![A.blobKey]).toBeDefined(); // the same event without compression is offloaded
    });

    it('a 600 KB event compresses inline and reads back under the default decompression limit', async () => {
      const store = open('big', { compression: true, offloadThresholdBytes: 350_000 });
      const payload = rowsPayload(10_000, 'big');
      expect(JSON.stringify(payload).length).toBeGreaterThan(600_000);
      await store.appendEvents([{ id: 'big-1', domain: 'acct', identifier: 'big', type: 'Imported', payload, created: new Date() }]);
      const { item } = await store.options.kv.get(store.options.tableName, eventKey('big', 1), { consistent: true });
      expect(item![A.blobKey]).toBeUndefined();
      expect((await store.getEventById('big-1'))!.payload).toEqual(payload);
    });

    it('changing the setting on an existing table is safe: every item reads whatever setting wrote it', async () => {
      const table = backend.table('mixed');
      const settings: Partial<EventStoreCoreOptions>[] = [
        {},
        { compression: { algorithm: 'gzip' } },
        { compression: true },
        { compression: { algorithm: 'deflate', level: 9, minBytes: 0 } },
        { compression: { algorithm: 'deflate-raw' } },
      ];
      const written: StoredEvent[] = [];
      for (const [index, options] of settings.entries())
        written.push(...(await open('mixed', options, table).appendEvents(corpus(`m${index}`))));
      for (const options of settings) {
        const reader = open('mixed', options, table);
        const all: StoredEvent[] = [];
        for await (const page of await reader.getAllEvents(100)) all.push(...page);
        expect(shape(all.sort((a, b) => a.id.localeCompare(b.id)))).toEqual(shape(written.sort((a, b) => a.id.localeCompare(b.id))));
      }
    });
  });

  describe(`encryption on ${backend.name}`, () => {
    it('every read path returns the plaintext; no item, index entry or blob written holds it', async () => {
      const writes: Item[] = [];
      const kv = recordingKv(backend.kv, writes);
      const table = backend.table('encrypt');
      const store = backend.store(table, { kv, changeFeed: true, encryption: { keys: localKeyProvider(MASTER) } });
      const events = corpus('e');
      const stored = await store.appendEvents(events);
      await store.appendToStream(
        [
          {
            id: 'e-v6',
            domain: 'acct',
            identifier: 'e',
            type: 'Updated',
            payload: { secret: SECRET, v6: true },
            causationId: events[0]!.id,
            created: new Date(),
          },
        ],
        4,
      );
      stored.push((await store.getEventById('e-v6'))!);
      await store.saveSnapshot({ domain: 'acct', identifier: 'e', state: randomPayload(10_000), sequence: 5, created: new Date() }); // offloaded
      await store.saveSnapshot({ domain: 'acct', identifier: 'f', state: { secret: SECRET }, sequence: 0, created: new Date() }); // inline
      const paths = await everyPath(store, 'e', events[0]!.id);
      for (const [path, read] of Object.entries(paths)) expect({ path, events: shape(read) }).toEqual({ path, events: shape(stored) });
      expect(((await store.getSnapshot('acct', 'e'))!.state as { secret: string }).secret).toBe(SECRET);
      expect((await store.getSnapshot('acct', 'f'))!.state).toEqual({ secret: SECRET });

      expect(writes.length).toBeGreaterThan(8);
      expect(writes.filter((item) => holdsText(item, SECRET))).toEqual([]);
      const blobKeys = (await backend.allBlobKeys()).filter((key) => key.includes(`/${table}/`)); // the bucket is shared by the scenarios
      const bodies = await Promise.all(blobKeys.map((key) => backend.blobs.get(key)));
      expect(bodies.filter((body) => body !== undefined).length).toBeGreaterThanOrEqual(2); // the offloaded event and snapshot
      expect(blobKeys.filter((_, index) => holdsText(bodies[index], SECRET))).toEqual([]);
      if (backend.scanTable) expect((await backend.scanTable(table)).filter((item) => holdsText(item, SECRET))).toEqual([]);
    });

    it('a fresh process reading many streams makes ONE key-provider call; writing new streams none past the first', async () => {
      const table = backend.table('kms-calls');
      const writer = countingProvider(localKeyProvider(MASTER));
      const store = open('kms-calls', { encryption: { keys: writer } }, table);
      for (let index = 0; index < 30; index++) {
        await store.appendEvents([
          { id: `k${index}`, domain: 'acct', identifier: `k${index}`, type: 'Opened', payload: { index }, created: new Date() },
        ]);
      }
      expect(writer.wraps + writer.unwraps).toBe(1); // the table key, created once
      const reader = countingProvider(localKeyProvider(MASTER));
      const fresh = open('kms-calls', { encryption: { keys: reader } }, table);
      let read = 0;
      for await (const page of await fresh.getAllEvents(7)) read += page.length;
      expect(read).toBe(30);
      expect(reader.unwraps).toBe(1);
      expect(reader.wraps).toBe(0);
    });
  });

  describe(`eraseStream on ${backend.name}`, () => {
    it('every read path returns the erased markers, ids and sequences intact; the snapshot is gone; nothing stored or exported holds the plaintext', async () => {
      const table = backend.table('erase');
      const store = open('erase', { encryption: { keys: localKeyProvider(MASTER) }, compression: true }, table);
      const events = corpus('gone');
      const stored = await store.appendEvents(events);
      const kept = await store.appendEvents(corpus('kept'));
      await store.saveSnapshot({ domain: 'acct', identifier: 'gone', state: { secret: SECRET }, sequence: 4, created: new Date() });
      const before = await exportLines(store);
      expect(before.some((line) => line.includes(SECRET))).toBe(true);

      await store.eraseStream('acct', 'gone');
      for (const reader of [store, open('erase', { encryption: { keys: localKeyProvider(MASTER) } }, table)]) {
        const paths = await everyPath(reader, 'gone', events[0]!.id);
        const erased = stored.map((event) => ({
          id: event.id,
          sequence: event.sequence,
          type: event.type,
          payload: ERASED_PAYLOAD,
          meta: event.meta === undefined ? undefined : ERASED_META,
        }));
        for (const [path, read] of Object.entries(paths)) expect({ path, events: shape(read) }).toEqual({ path, events: erased });
        expect(await reader.getSnapshot('acct', 'gone')).toBeNull();
        expect(shape(await reader.getStreamEvents('acct', 'kept'))).toEqual(shape(kept)); // another stream is untouched
        expect((await exportLines(reader)).filter((line) => line.includes(SECRET) && line.includes('"gone"'))).toEqual([]);
      }
      const refused = await caught(
        store.appendEvents([{ id: 'late', domain: 'acct', identifier: 'gone', type: 'T', payload: {}, created: new Date() }]),
      );
      expect(refused).toMatchObject({ code: ErrorCodes.CODEC_STREAM_ERASED });
      const snapshotRefused = await caught(
        store.saveSnapshot({ domain: 'acct', identifier: 'gone', state: {}, sequence: 4, created: new Date() }),
      );
      expect(snapshotRefused).toMatchObject({ code: ErrorCodes.CODEC_STREAM_ERASED });
      expect(await store.getStreamSequence('acct', 'gone')).toBe(4);
      expect(await store.getEventById('late')).toBeNull();
      await store.eraseStream('acct', 'gone'); // idempotent

      // An export made after the erasure imports into another store as erased events.
      const target = open('erase-import', { encryption: { keys: localKeyProvider(MASTER) } });
      expect(await importLines(target, await exportLines(store))).toBe(8);
      expect((await target.getStreamEvents('acct', 'gone')).map((event) => event.payload)).toEqual(stored.map(() => ERASED_PAYLOAD));
    });

    it('needs encryption: a store without it refuses with INPUT/INVALID_ARGUMENT', async () => {
      const error = await caught(open('erase-plain').eraseStream('acct', 'x'));
      expect(error).toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT, details: { field: 'encryption' } });
    });
  });

  describe(`bad input and faults on ${backend.name}`, () => {
    /** A store with `options` holding the corpus on stream 'f', and its table. */
    async function seeded(label: string, options: Partial<EventStoreCoreOptions>) {
      const table = backend.table(label);
      const store = open(label, options, table);
      const stored = await store.appendEvents(corpus('f'));
      return { table, store, stored };
    }
    /** The events a replay with `onUnreadable` returns, and the errors it reported. */
    async function replayReporting(store: EventStore, options: Partial<EventStoreCoreOptions>) {
      const errors: EventStoreAdapterError[] = [];
      const reader = backend.store(store.options.tableName, { ...options, changeFeed: true, onUnreadable: (error) => errors.push(error) });
      const events: StoredEvent[] = [];
      for await (const page of await reader.getAllEvents(100)) events.push(...page);
      return { events, errors };
    }
    const encryption = { encryption: { keys: localKeyProvider(MASTER) } };

    it('a wrong master key: CODEC/KEY_UNWRAP_FAILED naming the event; replay goes on under onUnreadable', async () => {
      const { table, stored } = await seeded('wrong-key', encryption);
      const wrongKey = { encryption: { keys: localKeyProvider(new Uint8Array(32).fill(1)) } };
      const wrong = open('wrong-key', wrongKey, table);
      const error = await caught(wrong.getEventById(stored[1]!.id));
      expect(error).toMatchObject({ code: ErrorCodes.CODEC_KEY_UNWRAP_FAILED, details: { eventId: stored[1]!.id } });
      const { events, errors } = await replayReporting(wrong, wrongKey);
      expect(events).toEqual([]);
      expect(errors.map((e) => [e.code, e.details.eventId])).toEqual(stored.map((event) => [ErrorCodes.CODEC_KEY_UNWRAP_FAILED, event.id]));
      const write = await caught(
        wrong.appendEvents([{ id: 'w', domain: 'acct', identifier: 'f', type: 'T', payload: {}, created: new Date() }]),
      );
      expect(write).toMatchObject({ code: ErrorCodes.CODEC_KEY_UNWRAP_FAILED });
      expect(await wrong.getEventById('w')).toBeNull();
    });

    it('a corrupted ciphertext: CODEC/DECRYPT_FAILED naming the event; the others read', async () => {
      const { store, stored } = await seeded('corrupt', encryption);
      await rewrite(store, eventKey('f', 2), (item) => {
        const bytes = new Uint8Array(item[A.payload] as Uint8Array);
        bytes[20]! ^= 0xff;
        return { ...item, [A.payload]: bytes };
      });
      expect(await caught(store.getEventById(stored[1]!.id))).toMatchObject({
        code: ErrorCodes.CODEC_DECRYPT_FAILED,
        details: { eventId: stored[1]!.id },
      });
      const { events, errors } = await replayReporting(store, encryption);
      expect(errors.map((e) => [e.code, e.details.eventId])).toEqual([[ErrorCodes.CODEC_DECRYPT_FAILED, stored[1]!.id]]);
      expect(events.map((event) => event.id)).toEqual(stored.filter((_, index) => index !== 1).map((event) => event.id));
    });

    it('a missing stream key, or an encrypted event read without encryption: CODEC/KEY_MISSING', async () => {
      const { table, store, stored } = await seeded('missing-key', encryption);
      const plain = open('missing-key', {}, table);
      expect(await caught(plain.getEventById(stored[0]!.id))).toMatchObject({
        code: ErrorCodes.CODEC_KEY_MISSING,
        details: { eventId: stored[0]!.id },
      });
      await store.options.kv.transactWrite(table, [{ type: 'delete', key: { [A.pk]: streamPk('acct', 'f'), [A.sk]: -2 } }]);
      const fresh = open('missing-key', encryption, table);
      expect(await caught(fresh.getStreamEvents('acct', 'f'))).toMatchObject({
        code: ErrorCodes.CODEC_KEY_MISSING,
        details: { eventId: stored[0]!.id },
      });
    });

    it('a key provider that fails: CODEC/KEY_PROVIDER, which replay does not skip (retry later)', async () => {
      const { table, stored } = await seeded('provider-down', encryption);
      const down: KeyProvider = {
        id: 'down',
        wrapKey: async () => {
          throw new Error('KMS unreachable');
        },
        unwrapKey: async () => {
          throw new Error('KMS unreachable');
        },
      };
      const store = open('provider-down', { encryption: { keys: down } }, table);
      expect(await caught(store.getEventById(stored[0]!.id))).toMatchObject({ code: ErrorCodes.CODEC_KEY_PROVIDER });
      const reporting = open('provider-down', { encryption: { keys: down }, onUnreadable: () => undefined }, table);
      expect(await caught((async () => (await reporting.getAllEvents(10)).next())())).toMatchObject({
        code: ErrorCodes.CODEC_KEY_PROVIDER,
      });
    });

    it('a decompression bomb, a corrupted compressed value, an unknown marker: typed, naming the event; replay goes on', async () => {
      const { store, stored } = await seeded('bomb', { compression: true });
      const bomb = brotliCompressSync(Buffer.alloc(80 * 1024 * 1024, 0x20)); // 80 MiB of spaces, far past the 64 MiB default
      expect(bomb.byteLength).toBeLessThan(10_000);
      await rewrite(store, eventKey('f', 2), (item) => ({ ...item, [A.payload]: new Uint8Array(bomb), [A.encoding]: 'br' }));
      await rewrite(store, eventKey('f', 3), (item) => ({ ...item, [A.payload]: new Uint8Array([1, 2, 3, 4, 5]) }));
      await rewrite(store, eventKey('f', 1), (item) => ({ ...item, [A.payload]: new Uint8Array([1]), [A.encoding]: 'zz' }));
      expect(await caught(store.getEventById(stored[1]!.id))).toMatchObject({
        code: ErrorCodes.CODEC_DECOMPRESSION_LIMIT,
        details: { eventId: stored[1]!.id },
      });
      expect(await caught(store.getEventById(stored[2]!.id))).toMatchObject({
        code: ErrorCodes.CODEC_CORRUPT,
        details: { eventId: stored[2]!.id },
      });
      expect(await caught(store.getEventById(stored[0]!.id))).toMatchObject({
        code: ErrorCodes.CODEC_UNKNOWN_ENCODING,
        details: { eventId: stored[0]!.id },
      });
      const { events, errors } = await replayReporting(store, { compression: true });
      expect(errors.map((e) => e.code).sort()).toEqual(
        [ErrorCodes.CODEC_DECOMPRESSION_LIMIT, ErrorCodes.CODEC_CORRUPT, ErrorCodes.CODEC_UNKNOWN_ENCODING].sort(),
      );
      expect(events.map((event) => event.id)).toEqual([stored[3]!.id]);
    });

    it('a value over maxDecompressedBytes is refused on write with nothing written', async () => {
      const store = open('limit-write', { compression: { maxDecompressedBytes: 2048 } });
      const error = await caught(
        store.appendEvents([
          { id: 'ok', domain: 'acct', identifier: 'l', type: 'T', payload: { a: 1 }, created: new Date() },
          { id: 'huge', domain: 'acct', identifier: 'l', type: 'T', payload: rowsPayload(100, 'x'), created: new Date() },
        ]),
      );
      expect(error).toMatchObject({ code: ErrorCodes.INVALID_EVENT, details: { eventId: 'huge', rule: 'maxDecompressedBytes' } });
      expect(await store.getStreamSequence('acct', 'l')).toBe(0);
    });
  });

  describe(`upcast on ${backend.name}`, () => {
    const upcast = (event: StoredEvent): StoredEvent =>
      event.type === 'Opened' ? { ...event, type: 'OpenedV2', payload: { ...(event.payload as object), version: 2 } } : event;

    it('applies on every read path after decoding, never on write', async () => {
      const table = backend.table('upcast');
      const store = open('upcast', { upcast, compression: true, encryption: { keys: localKeyProvider(MASTER) } }, table);
      const events = corpus('u');
      const returned = await store.appendEvents(events);
      expect(returned[0]!.type).toBe('Opened'); // the write returns what was written
      const expected = shape(returned.map(upcast));
      const paths = await everyPath(store, 'u', events[0]!.id);
      for (const [path, read] of Object.entries(paths)) expect({ path, events: shape(read) }).toEqual({ path, events: expected });
      const { item } = await store.options.kv.get(table, eventKey('u', 1), { consistent: true });
      expect(item![A.type]).toBe('Opened'); // stored as written
      // An identical retry still finds its batch stored (compared as stored, not upcast).
      await expect(store.appendEvents(events)).resolves.toHaveLength(4);
    });

    it('a throwing upcaster is CODEC/UPCAST_FAILED naming the event, or goes to onUnreadable; erased events never reach it', async () => {
      const table = backend.table('upcast-fail');
      const seen: string[] = [];
      const throwing = (event: StoredEvent): StoredEvent => {
        seen.push(event.id);
        if (event.type === 'Opened') throw new Error('no v1 support');
        return event;
      };
      const store = open('upcast-fail', { upcast: throwing, encryption: { keys: localKeyProvider(MASTER) } }, table);
      const stored = await store.appendEvents(corpus('x'));
      const error = await caught(store.getStreamEvents('acct', 'x'));
      expect(error).toMatchObject({ code: ErrorCodes.CODEC_UPCAST_FAILED, details: { eventId: stored[0]!.id } });
      const errors: EventStoreAdapterError[] = [];
      const reporting = open(
        'upcast-fail',
        { upcast: throwing, encryption: { keys: localKeyProvider(MASTER) }, onUnreadable: (e) => errors.push(e) },
        table,
      );
      const events: StoredEvent[] = [];
      for await (const page of await reporting.getAllEvents(10)) events.push(...page);
      expect(events.map((event) => event.id)).toEqual(stored.slice(1).map((event) => event.id));
      expect(errors.map((e) => [e.code, e.details.eventId])).toEqual([[ErrorCodes.CODEC_UPCAST_FAILED, stored[0]!.id]]);
      await store.eraseStream('acct', 'x');
      seen.length = 0;
      expect((await store.getStreamEvents('acct', 'x')).map((event) => event.payload)).toEqual(stored.map(() => ERASED_PAYLOAD));
      expect(seen).toEqual([]);
    });
  });
}
