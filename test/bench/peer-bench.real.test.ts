/**
 * The peer bench (`bench/peers/`) on DynamoDB Local + the S3 server, at a tiny size: every library runs every
 * workload it has once, and the figures that do not depend on the machine (requests, write and read units by
 * AWS's rules, bytes stored) are well formed and non-zero; the request counts each peer's design fixes are exact.
 * And the rules meter itself, on hand-built requests whose price is known: plain writes by the larger item, a
 * transaction twice per action with its index writes once, a sparse KEYS_ONLY index, queries summed then rounded.
 * No wall-clock assertion: events/s are only checked to be positive.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDocsPage } from '../../bench/docs-page.js';
import { machineInfo } from '../../bench/harness/machine.js';
import { loadConfig } from '../../bench/config.js';
import { corpusEvent, jsonBytes, MAX_PAYLOAD_BYTES, MIN_PAYLOAD_BYTES } from '../../bench/peers/corpus.js';
import type { PeerResults } from '../../bench/peers/report.js';
import { RulesMeter, totalRequests } from '../../bench/peers/rules-meter.js';
import { runPeerBench } from '../../bench/peers/run-peers.js';
import { bytesPerEvent } from '../../bench/peers/storage.js';
import { PEER_LIBRARY_NAMES } from '../../bench/peers/variants.js';
import { PEER_WORKLOADS, type PeerConfig } from '../../bench/peers/workloads.js';
import { itemSize } from '../../src/layout/item-size.js';
import { createDynamoClient, realDynamoDb, realS3, uniqueTableName } from '../servers/index.js';

const dynamo = realDynamoDb('peer bench');
const s3 = realS3('peer bench');
const skip = dynamo.skip || s3.skip;

/** Tiny sizes: every workload, every library, once. */
const TINY: PeerConfig = {
  runs: 1,
  appends: 4,
  appendStreams: 2,
  writers: 2,
  writerAppends: 4,
  batches: 1,
  batchSize: 3,
  readStreams: 2,
  readStreamLength: 4,
  seedChunk: 2,
  pageSize: 3,
  warmUp: false,
};

describe('the peer bench corpus', () => {
  it('is deterministic and keeps every payload within its bounds', () => {
    expect(JSON.stringify(corpusEvent(7))).toBe(JSON.stringify(corpusEvent(7)));
    expect(JSON.stringify(corpusEvent(7))).not.toBe(JSON.stringify(corpusEvent(8)));
    const sizes = Array.from({ length: 300 }, (_, index) => jsonBytes(corpusEvent(index).payload));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(MIN_PAYLOAD_BYTES);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    // Varied: small events dominate, large ones exist.
    expect(sizes.filter((size) => size < 1_000).length).toBeGreaterThan(100);
    expect(sizes.filter((size) => size > 10_000).length).toBeGreaterThan(5);
    expect(new Set(Array.from({ length: 60 }, (_, index) => corpusEvent(index).type)).size).toBe(6);
  });
});

describe.skipIf(skip)('the peer bench on DynamoDB Local', () => {
  let results: PeerResults;

  it('runs every library once and reports well-formed, non-zero figures', async () => {
    results = await runPeerBench(
      { dynamoEndpoint: dynamo.endpoint, s3Endpoint: s3.endpoint, stop: async () => undefined },
      TINY,
      () => undefined,
    );
    const ran = results.libraries.map((library) => library.name);
    // Every library ran, or (our option under construction) was skipped with the constructor's reason.
    for (const name of PEER_LIBRARY_NAMES) {
      const skipped = results.skipped.find((skip) => skip.name === name);
      if (skipped) expect(skipped.reason).toMatch(/INPUT\/.*compression/);
      else expect(ran).toContain(name);
    }
    expect(ran).toEqual(expect.arrayContaining(['ours', 'old adapter', 'Equinox', 'castore']));
    const has = (library: string, workload: string) => results.measurements.find((m) => m.library === library && m.workload === workload);
    const appendWorkloads = [PEER_WORKLOADS.single, PEER_WORKLOADS.writers, PEER_WORKLOADS.batch];
    for (const library of ran) {
      for (const workload of appendWorkloads) {
        const m = has(library, workload)!;
        expect(m, `${library} ${workload}`).toBeDefined();
        expect(m.runs).toHaveLength(1);
        expect(m.events).toBe(workload === PEER_WORKLOADS.batch ? TINY.batches * TINY.batchSize : 4);
        expect(m.eventsPerSec).toBeGreaterThan(0);
        expect(m.requestsPerEvent).toBeGreaterThan(0);
        expect(m.writeUnitsPerEvent).toBeGreaterThanOrEqual(1 / TINY.batchSize);
        expect(Number.isFinite(m.readUnitsPerEvent)).toBe(true);
        expect(m.storedBytes!.items).toBeGreaterThan(0);
        // Every library stores at least the payloads' JSON, compressed or not, at some bytes per event.
        expect(bytesPerEvent(m.storedBytes!, m.storedEvents!)).toBeGreaterThan(100);
      }
    }
    for (const library of ['ours', 'Equinox', 'castore']) {
      const m = has(library, PEER_WORKLOADS.streamRead)!;
      expect(m.readUnitsPerEvent, library).toBeGreaterThan(0);
      expect(m.writeUnitsPerEvent).toBe(0);
      expect(m.events).toBe(TINY.readStreams * TINY.readStreamLength);
    }
    for (const library of ['ours', 'old adapter']) expect(has(library, PEER_WORKLOADS.storeRead)!.readUnitsPerEvent).toBeGreaterThan(0);
    // The rows a library cannot have are absent, not zero.
    expect(has('old adapter', PEER_WORKLOADS.streamRead)).toBeUndefined();
    expect(has('Equinox', PEER_WORKLOADS.storeRead)).toBeUndefined();
    expect(has('castore', PEER_WORKLOADS.storeRead)).toBeUndefined();
  });

  it('counts the requests each peer design implies', () => {
    const single = (library: string) => results.measurements.find((m) => m.library === library && m.workload === PEER_WORKLOADS.single)!;
    // castore: one PutItem per event; Equinox: one write of the tip per append (PutItem when new, UpdateItem after).
    expect(single('castore').requestsByCommand).toEqual({ PutItemCommand: 1 });
    expect(single('Equinox').requestsByCommand).toEqual({ PutItemCommand: 0.5, UpdateItemCommand: 0.5 });
    // The old adapter: a transaction per append, plus a head read on each stream's first append (2 of the 4).
    expect(single('old adapter').requestsByCommand).toEqual({ TransactWriteItemsCommand: 1, GetItemCommand: 0.5 });
    // A batch is one call: castore one transaction of 3 puts, Equinox one tip put.
    const batch = (library: string) => results.measurements.find((m) => m.library === library && m.workload === PEER_WORKLOADS.batch)!;
    expect(batch('castore').requestsByCommand).toEqual({ TransactWriteItemsCommand: 1 / 3 });
    expect(batch('Equinox').requestsByCommand).toEqual({ PutItemCommand: 1 / 3 });
    expect(totalRequests(single('ours').runs[0]!.meter.requests)).toBeGreaterThanOrEqual(4);
  });

  it('writes the docs page and its SVG charts from the results', () => {
    const folder = mkdtempSync(join(tmpdir(), 'peer-docs-'));
    try {
      const config = loadConfig({});
      const written = writeDocsPage(
        {
          machine: machineInfo(),
          config,
          durationSeconds: 1,
          backends: {},
          measurements: [],
          memoryProbe: undefined,
          targets: [],
          notes: [],
          peers: results,
          settings: { BENCH_PEER_SCALE: '0.01' },
        },
        [],
        folder,
      );
      const page = readFileSync(written.page, 'utf8');
      expect(page).toContain('### What each library guarantees');
      expect(page).toContain('`BENCH_PEER_SCALE=0.01`');
      for (const library of results.libraries) expect(page).toContain(`| ${library.name} `);
      const charts = readdirSync(join(folder, 'benchmarks'));
      expect(charts.sort()).toEqual(['peers-bytes.svg', 'peers-read-units.svg', 'peers-throughput.svg', 'peers-write-units.svg']);
      for (const chart of charts) {
        expect(page).toContain(`](benchmarks/${chart})`);
        const svg = readFileSync(join(folder, 'benchmarks', chart), 'utf8');
        expect(svg.startsWith('<svg')).toBe(true);
        // Every library is in the chart's legend.
        for (const library of results.libraries) expect(svg).toContain(`>${library.name}<`);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skip)('the rules meter', () => {
  const client: DynamoDBClient = skip ? undefined! : createDynamoClient(dynamo.endpoint);
  const table = uniqueTableName('rules-meter');
  afterAll(async () => {
    await client?.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    client?.destroy();
  });

  it('prices writes, transactions, a sparse index and reads by AWS rules', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'tag', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          { IndexName: 'byTag', KeySchema: [{ AttributeName: 'tag', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
        ],
      }),
    );
    const meter = new RulesMeter(client);
    const metered = createDynamoClient(dynamo.endpoint);
    meter.instrument(metered);
    await meter.track(table);
    const price = async (send: () => Promise<unknown>) => {
      await meter.settle();
      meter.reset();
      await send();
      await meter.settle();
      return meter.totals();
    };
    const item = (sk: number, bytes: number, tag?: string) => ({ pk: 'p', sk, body: 'x'.repeat(bytes), ...(tag ? { tag } : {}) });
    const size = (value: Record<string, unknown>) => itemSize(value as never);
    // A 2,500-byte item in the index: 3 WCU for the item, 1 for its small KEYS_ONLY index entry.
    const first = item(1, 2_500, 't');
    expect(size(first)).toBeGreaterThan(2_048);
    expect(size(first)).toBeLessThan(3_072);
    expect(await price(() => metered.send(new PutItemCommand({ TableName: table, Item: marshall(first) })))).toMatchObject({
      writeUnits: 4,
    });
    // Out of the index: the item only.
    expect(await price(() => metered.send(new PutItemCommand({ TableName: table, Item: marshall(item(2, 100)) })))).toMatchObject({
      writeUnits: 1,
    });
    // An update priced by the larger side: the item grows from ~2.5 KB to ~4.5 KB (5 WCU); the index entry is unchanged.
    const grown = await price(() =>
      metered.send(
        new UpdateItemCommand({
          TableName: table,
          Key: marshall({ pk: 'p', sk: 1 }),
          UpdateExpression: 'SET #b = :b, #l = list_append(if_not_exists(#l, :empty), :more)',
          ExpressionAttributeNames: { '#b': 'body', '#l': 'list' },
          ExpressionAttributeValues: marshall({ ':b': 'y'.repeat(4_400), ':empty': [], ':more': ['z'] }),
        }),
      ),
    );
    expect(grown.writeUnits).toBe(5);
    // A transaction: twice each action's plain write (1 + 1) plus the new index entry once (not doubled).
    const transaction = await price(() =>
      metered.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: marshall(item(3, 100, 'u')) } },
            { Put: { TableName: table, Item: marshall(item(4, 100)) } },
          ],
        }),
      ),
    );
    expect(transaction.writeUnits).toBe(2 * 1 + 2 * 1 + 1);
    // A strongly consistent query of the 4 items (about 4.5 + 0.1 + 0.1 + 0.1 KB): summed, then rounded up to 2 units.
    const query = await price(() =>
      metered.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: marshall({ ':p': 'p' }),
          ConsistentRead: true,
        }),
      ),
    );
    expect(query).toMatchObject({ readUnits: 2, requests: { QueryCommand: 1 } });
    // Eventually consistent, with a range condition and a limit: items 2 and 3, one unit halved.
    const page = await price(() =>
      metered.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :p AND sk BETWEEN :low AND :high',
          ExpressionAttributeValues: marshall({ ':p': 'p', ':low': 2, ':high': 4 }),
          Limit: 2,
        }),
      ),
    );
    expect(page.readUnits).toBe(0.5);
    // A missing item still costs a read unit (consistent).
    expect(
      await price(() => metered.send(new GetItemCommand({ TableName: table, Key: marshall({ pk: 'none', sk: 0 }), ConsistentRead: true }))),
    ).toMatchObject({ readUnits: 1 });
    // The shadow holds what the table holds.
    expect(
      meter
        .shadowItems(table)
        .map((each) => each.sk)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    metered.destroy();
  });
});
