/**
 * Loads the OLD adapter, `@schemeless/event-store-adapter-dynamodb@5.0.0` (a dev dependency, bench only), with the
 * one runtime fix it needs to store anything.
 *
 * Why a fix is needed: its compiled `dist/EventStore.dynamodb.repo.js` was built by tsc WITHOUT `esModuleInterop`,
 * so `import sizeof from 'object-sizeof'` became
 *
 *     const object_sizeof_1 = require("object-sizeof");
 *     ... (0, object_sizeof_1.default)(event) > SIZE_LIMIT
 *
 * but `object-sizeof@1.6.3` is plain CommonJS, `module.exports = sizeof`, with no `default` property and no
 * `__esModule` flag. The module LOADS fine; the first `storeEvents` call then throws
 * `TypeError: (0 , object_sizeof_1.default) is not a function` (it sizes every event to decide on S3 offloading).
 *
 * The shim, chosen as the least invasive that works: before the adapter is required, require `object-sizeof`
 * resolved FROM THE ADAPTER'S OWN LOCATION (so it is the very module instance, and require-cache entry, the adapter
 * will get), and add a non-enumerable `default` property pointing at the function itself. The adapter reads
 * `object_sizeof_1.default` at call time, so it now calls the real `sizeof`. Nothing on disk changes, no loader or
 * `Module._load` hook is installed (which would see every `require` in the process), no other module is touched, and
 * `sizeof` keeps working for any other caller (an extra property on a function changes nothing for them). The check
 * below fails loudly if the adapter would resolve a different `object-sizeof` instance than the one patched.
 *
 * Two further defects of 5.0.0 that the bench does not hit, noted here so nobody is surprised: it imports
 * `ConcurrencyError` from `@schemeless/event-store-types`, which the installed 6.0.0-rc.5 (the `overrides` pin; the
 * `^3.2.2` it asks for is not published) does not export, so a concurrency conflict would throw a TypeError
 * (`... is not a constructor`) instead (the bench writes disjoint streams: no conflicts); and it requires
 * `@aws-sdk/client-s3` and `@aws-sdk/lib-storage` without declaring them (they are dependencies of this package).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The old adapter's options that the bench uses (see its README / dist). */
export interface LegacyAdapterOptions {
  /** Table name is `${tableNamePrefix}schemeless-event-store`. */
  readonly tableNamePrefix: string;
  /** Bucket for offloaded payloads (> 350 KB); `init()` creates it unless `skipS3BucketCreation`. */
  readonly s3BucketName: string;
  readonly skipDynamoDBTableCreation?: boolean;
  readonly skipS3BucketCreation?: boolean;
}

/** The part of the old adapter's `EventStoreRepo` the bench calls. */
export interface LegacyAdapterRepo {
  /** Full table name. */
  readonly tableName: string;
  /** DescribeTable; CreateTable (with its two GSIs) when missing; HeadBucket / CreateBucket. Idempotent. */
  init(force?: boolean): Promise<void>;
  storeEvents(events: readonly object[], options?: { expectedSequence?: number }): Promise<void>;
  getAllEvents(pageSize?: number): Promise<AsyncIterable<readonly { id: string; created: Date }[]>>;
}

export type LegacyAdapterConstructor = new (
  dynamodbClient: DynamoDBClient,
  s3Client: S3Client,
  options: LegacyAdapterOptions,
) => LegacyAdapterRepo;

/** The package as installed. */
export const LEGACY_ADAPTER_PACKAGE = '@schemeless/event-store-adapter-dynamodb';

let loaded: { EventStoreRepo: LegacyAdapterConstructor; version: string } | undefined;

/** The old adapter's `EventStoreRepo` constructor and version, with the `object-sizeof` shim applied (once). */
export function loadLegacyAdapter(): { EventStoreRepo: LegacyAdapterConstructor; version: string } {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const entry = require.resolve(LEGACY_ADAPTER_PACKAGE);
  const fromAdapter = createRequire(entry);
  const sizeofPath = fromAdapter.resolve('object-sizeof');
  const fromRepoModule = createRequire(join(dirname(entry), 'EventStore.dynamodb.repo.js'));
  if (fromRepoModule.resolve('object-sizeof') !== sizeofPath)
    throw new Error('the old adapter would load another object-sizeof than the one shimmed');
  const sizeof = fromAdapter(sizeofPath) as ((value: unknown) => number) & { default?: unknown };
  if (typeof sizeof !== 'function') throw new Error(`object-sizeof at ${sizeofPath} does not export a function`);
  if (sizeof.default === undefined)
    Object.defineProperty(sizeof, 'default', { value: sizeof, configurable: true, enumerable: false, writable: false });
  const adapter = fromAdapter(entry) as { EventStoreRepo?: LegacyAdapterConstructor };
  if (typeof adapter.EventStoreRepo !== 'function') throw new Error(`${LEGACY_ADAPTER_PACKAGE} does not export EventStoreRepo`);
  const cached = fromAdapter.cache[sizeofPath]?.exports as { default?: unknown } | undefined;
  if (cached?.default !== sizeof) throw new Error(`the shimmed object-sizeof (${sizeofPath}) is not the instance the adapter loaded`);
  const { version } = fromAdapter(`${LEGACY_ADAPTER_PACKAGE}/package.json`) as { version: string };
  loaded = { EventStoreRepo: adapter.EventStoreRepo, version };
  return loaded;
}
