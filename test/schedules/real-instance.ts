/**
 * One store instance on DynamoDB Local + the S3 server, as the whole-API schedules open it, in the test process or
 * in a child worker (worker.ts): its own SDK clients whose every request (every SDK attempt) goes through a seeded
 * request-level fault injector (test/helpers/request-faults.ts: commit-then-lose, delay-and-land, throttle, 5xx,
 * connection reset, never answer; the SDK's default retry strategy stays on), its own clock skew, and a fault-free
 * pair of clients to check, right after a call that claimed a refusal, whether anything of it was stored.
 */
import { DynamoDbKvDriver } from '../../drivers/dynamodb/index.js';
import { S3BlobDriver } from '../../drivers/s3/index.js';
import { EventStore, type EventStoreCoreOptions } from '../../src/event-store.js';
import {
  dynamoClientWithFaults,
  RequestFaultInjector,
  s3ClientWithFaults,
  seededPlan,
  type SeededRates,
} from '../helpers/request-faults.js';
import { createDynamoClient, createS3Client } from '../servers/clients.js';
import { executeOp, retryInit, type ExecEnv } from './execute.js';
import { OFFLOAD_THRESHOLD_BYTES, type OpRecord, type ResolvedOp } from './model.js';

/** Everything a real instance is built from (JSON: sent to a child worker). */
export interface RealInstanceConfig {
  readonly name: string;
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly table: string;
  readonly bucket: string;
  readonly skewMs: number;
  readonly deadlineMs: number;
  readonly shards: number;
  readonly seed: number;
  /** The driver does not create tables (`createTable: false`, as `skipDynamoDBTableCreation` sets). */
  readonly managedTable?: boolean;
  /** Request-level fault rates (per SDK attempt), or null for none. */
  readonly requestRates: SeededRates | null;
}

/** The store options every real instance of a schedule shares. */
export function realStoreOptions(config: Pick<RealInstanceConfig, 'table' | 'shards' | 'deadlineMs'>): Omit<EventStoreCoreOptions, 'kv'> {
  return {
    tableName: config.table,
    offloadThresholdBytes: OFFLOAD_THRESHOLD_BYTES,
    changeFeed: { shards: config.shards },
    deadlineMs: config.deadlineMs,
    retry: { baseDelayMs: 5, maxDelayMs: 100 },
    onWarning: () => undefined,
  };
}

/** `deadlineMs` of the fault-free stores that check and audit (not under test: generous on a loaded machine). */
export const AUDIT_DEADLINE_MS = 60_000;

/** A pause of an actor on the servers (real time). */
export const realTick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 3));

/** An opened real instance. */
export interface RealInstance {
  /** Initialise the store with the request faults off (the schedules are about the calls, not table creation). */
  init(): Promise<void>;
  exec(op: ResolvedOp): Promise<OpRecord>;
  /** Requests the injector faulted. */
  faults(): number;
  close(): Promise<void>;
}

/** Open one instance (its store is initialised by its first call). */
export function openRealInstance(config: RealInstanceConfig): RealInstance {
  const injector = new RequestFaultInjector(config.requestRates ? { plan: seededPlan(config.seed, config.requestRates) } : {});
  const dynamo = dynamoClientWithFaults(config.dynamoEndpoint, injector);
  const s3 = s3ClientWithFaults(config.s3Endpoint, injector);
  const clock = () => Date.now() + config.skewMs;
  const store = new EventStore({
    ...realStoreOptions(config),
    kv: new DynamoDbKvDriver(dynamo, { pollIntervalMs: 20, ...(config.managedTable ? { createTable: false } : {}) }),
    blobs: new S3BlobDriver(s3, { bucket: config.bucket }),
    clock,
  });
  const cleanDynamo = createDynamoClient(config.dynamoEndpoint);
  const cleanS3 = createS3Client(config.s3Endpoint);
  const reader = new EventStore({
    ...realStoreOptions({ ...config, deadlineMs: AUDIT_DEADLINE_MS }),
    kv: new DynamoDbKvDriver(cleanDynamo, { pollIntervalMs: 20 }),
    blobs: new S3BlobDriver(cleanS3, { bucket: config.bucket }),
  });
  const env: ExecEnv = {
    store,
    clock,
    tick: realTick,
    deadlineMs: config.deadlineMs,
    async storedIds(ids) {
      // A reset elsewhere may have the table dropped right now: wait for it to be re-created. A table that stays
      // missing took whatever the refused call wrote with it.
      for (let round = 0; round < 50; round++) {
        try {
          const found = await Promise.all(ids.map((id) => reader.getEventById(id)));
          return ids.filter((_, index) => found[index] !== null);
        } catch (error) {
          if ((error as { code?: string }).code !== 'DRIVER/RESOURCE_NOT_FOUND') throw error;
          await realTick();
        }
      }
      return [];
    },
  };
  return {
    async init() {
      injector.enabled = false;
      try {
        await Promise.all([retryInit(() => store.init()), retryInit(() => reader.init())]);
      } finally {
        injector.enabled = true;
      }
    },
    exec: (op) => executeOp(env, op),
    faults: () => injector.records.filter((record) => record.fault.kind !== 'pass').length,
    async close() {
      await Promise.allSettled([store.close(), reader.close()]);
      injector.releaseHung();
      await injector.settled();
      injector.destroy();
      for (const client of [dynamo, s3, cleanDynamo, cleanS3]) client.destroy();
    },
  };
}
