import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type BucketLocationConstraint,
  type DeleteObjectsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { BlobCapabilities, BlobDriver, BlobListPage } from '../../src/ports/blob-driver.js';
import { awsErrorShape, httpStatusOf, sdkMaxAttempts } from '../dynamodb/aws-error-facts.js';
import { S3_CAPABILITIES, S3_DRIVER_NAME } from './capabilities.js';
import { isS3NotFound, mapS3Error } from './error-mapping.js';
import { resolveOptions, S3_MAX_PARTS, S3_MIN_PART_BYTES, type ResolvedS3BlobDriverOptions, type S3BlobDriverOptions } from './options.js';

export { S3_CAPABILITIES, S3_DRIVER_NAME };

/** CreateBucket needs no location constraint in us-east-1 (and refuses one naming it). */
const DEFAULT_S3_REGION = 'us-east-1';
/** Parts a multipart upload sends in parallel: enough to fill a link without holding many 5 MiB buffers. */
const MULTIPART_QUEUE_SIZE = 4;

/**
 * The {@link BlobDriver} for Amazon S3 (and S3-compatible servers), over an injected `S3Client` that the caller owns.
 * Works with the SDK's default client settings (request checksums on). Keys are stored under `keyPrefix`.
 * Bodies are copied on the way in (a caller mutating its array later cannot change what is stored) and fresh
 * arrays are returned. Failures throw `EventStoreAdapterError` with `DRIVER/*` codes (see `mapS3Error`). They do
 * not report `details.mayHaveLanded` (the SDK's own retries stay on): the blob port does not ask for it, because
 * blobs are written under unique keys before anything names them and deletes are idempotent (see the port's doc).
 */
export class S3BlobDriver implements BlobDriver {
  readonly capabilities: BlobCapabilities = S3_CAPABILITIES;
  private readonly options: ResolvedS3BlobDriverOptions;
  /** Requests are sent with this abort signal (see {@link withSignal}); undefined on the driver itself. */
  private requestSignal: AbortSignal | undefined;
  /** `s3://<bucket>/<keyPrefix>`: where this driver's keys resolve (recorded in the table's layout record). */
  readonly location: string;

  /** @throws `INPUT/INVALID_OPTIONS` for a missing bucket or a bad threshold. */
  constructor(
    private readonly client: S3Client,
    options: S3BlobDriverOptions,
  ) {
    this.options = resolveOptions(options);
    this.location = `s3://${this.options.bucket}/${this.options.keyPrefix}`;
  }

  /**
   * `HeadBucket`; only when it answers not-found (404/`NotFound`/`NoSuchBucket`), `CreateBucket` (unless
   * `createBucket` is off: then `DRIVER/RESOURCE_NOT_FOUND`). 403 throws `DRIVER/ACCESS_DENIED` naming the bucket
   * and creates nothing. A concurrent creator (`BucketAlreadyOwnedByYou`) is fine.
   */
  async ensureContainer(): Promise<void> {
    const { bucket } = this.options;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }), this.sendOptions());
      return;
    } catch (error) {
      if (!isBucketMissing(error)) throw mapS3Error(error, { operation: 'ensureContainer (HeadBucket)', bucket });
      if (!this.options.createBucket) {
        throw new EventStoreAdapterError(ErrorCodes.RESOURCE_NOT_FOUND, `S3 bucket ${bucket} does not exist and createBucket is off`, {
          cause: error,
          details: { driver: S3_DRIVER_NAME, bucket },
        });
      }
    }
    await this.createBucket();
  }

  async put(key: string, body: Uint8Array, options: { readonly contentType?: string } = {}): Promise<void> {
    const fullKey = this.fullKey(key);
    const params = {
      Bucket: this.options.bucket,
      Key: fullKey,
      Body: new Uint8Array(body), // copy in: the caller may reuse its array
      ContentType: options.contentType ?? this.options.contentType,
      ...(this.options.acl === undefined ? {} : { ACL: this.options.acl }),
    };
    try {
      if (body.byteLength <= this.options.multipartThresholdBytes) {
        await this.client.send(new PutObjectCommand(params), this.sendOptions());
        return;
      }
      const partSize = Math.max(S3_MIN_PART_BYTES, Math.ceil(body.byteLength / S3_MAX_PARTS));
      const upload = new Upload({ client: this.client, params, partSize, queueSize: MULTIPART_QUEUE_SIZE, leavePartsOnError: false });
      const abort = () => void upload.abort().catch(() => undefined);
      this.requestSignal?.addEventListener('abort', abort, { once: true });
      try {
        if (this.requestSignal?.aborted) abort();
        await upload.done();
      } finally {
        this.requestSignal?.removeEventListener('abort', abort);
      }
    } catch (error) {
      throw mapS3Error(error, { operation: 'put', bucket: this.options.bucket, key: fullKey });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const fullKey = this.fullKey(key);
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: fullKey }), this.sendOptions());
      if (output.Body === undefined) return new Uint8Array(0);
      return await output.Body.transformToByteArray();
    } catch (error) {
      if (isS3NotFound(error) && !isBucketMissingByName(error)) return undefined;
      throw mapS3Error(error, { operation: 'get', bucket: this.options.bucket, key: fullKey });
    }
  }

  /** `DeleteObjects` (quiet). Any per-key error in the response throws, mapped from the first one, all listed in `details.failures`. */
  async delete(keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    if (unique.length > this.capabilities.maxDeleteKeys) {
      throw new EventStoreAdapterError(
        ErrorCodes.LIMIT_EXCEEDED,
        `S3 delete of ${unique.length} keys exceeds ${this.capabilities.maxDeleteKeys}`,
        {
          details: { driver: S3_DRIVER_NAME, bucket: this.options.bucket, keys: unique.length },
        },
      );
    }
    const fullKeys = unique.map((key) => this.fullKey(key));
    let errors: NonNullable<DeleteObjectsCommandOutput['Errors']>;
    try {
      const output = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: fullKeys.map((Key) => ({ Key })), Quiet: true } }),
        this.sendOptions(),
      );
      errors = (output.Errors ?? []).filter((failure) => failure.Code !== 'NoSuchKey');
    } catch (error) {
      throw mapS3Error(error, { operation: 'delete', bucket: this.options.bucket });
    }
    const [first] = errors;
    if (first !== undefined) {
      const failure = Object.assign(new Error(first.Message ?? first.Code ?? 'delete failed'), { name: first.Code ?? 'Error' });
      const mapped = mapS3Error(failure, { operation: 'delete', bucket: this.options.bucket, key: first.Key ?? '' });
      throw new EventStoreAdapterError(mapped.code, `S3 delete failed for ${errors.length} of ${fullKeys.length} keys: ${mapped.message}`, {
        cause: failure,
        details: { ...mapped.details, failures: errors.map((each) => ({ key: each.Key, code: each.Code, message: each.Message })) },
      });
    }
  }

  /** `ListObjectsV2` under `keyPrefix + prefix`; keys come back without `keyPrefix`. `limit` (1..1000) defaults to 1,000; larger is capped. */
  async list(prefix: string, options: { readonly cursor?: string; readonly limit?: number } = {}): Promise<BlobListPage> {
    const limit = options.limit ?? this.capabilities.maxListKeys;
    if (!(Number.isInteger(limit) && limit >= 1)) {
      throw new EventStoreAdapterError(ErrorCodes.VALIDATION, `S3 list limit must be an integer >= 1, got ${limit}`, {
        details: { driver: S3_DRIVER_NAME, bucket: this.options.bucket },
      });
    }
    const { keyPrefix } = this.options;
    try {
      const output = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: keyPrefix + prefix,
          MaxKeys: Math.min(limit, this.capabilities.maxListKeys),
          ...(options.cursor === undefined ? {} : { ContinuationToken: options.cursor }),
        }),
        this.sendOptions(),
      );
      const objects = (output.Contents ?? []).filter((object) => (object.Key ?? '').startsWith(keyPrefix));
      const keys = objects.map((object) => object.Key!.slice(keyPrefix.length));
      // LastModified is S3's clock; an object without one (never seen) is reported as modified now, i.e. young.
      const lastModifiedMs = objects.map((object) => (object.LastModified instanceof Date ? object.LastModified.getTime() : Date.now()));
      const sizes = objects.map((object) => object.Size ?? 0);
      const cursor = output.IsTruncated === true ? output.NextContinuationToken : undefined;
      return cursor === undefined ? { keys, lastModifiedMs, sizes } : { keys, lastModifiedMs, sizes, cursor };
    } catch (error) {
      throw mapS3Error(error, { operation: 'list', bucket: this.options.bucket });
    }
  }

  /** The SDK client's own `maxAttempts` (standard retry mode: 3 unless configured). */
  async clientMaxAttempts(): Promise<number> {
    return sdkMaxAttempts(this.client);
  }

  /** This driver with every request sent with `signal` as the SDK's `abortSignal` (a multipart upload is aborted). */
  withSignal(signal: AbortSignal): BlobDriver {
    const bound = Object.create(this) as S3BlobDriver;
    bound.requestSignal = signal;
    return bound;
  }

  /** The SDK's per-request options: the bound abort signal, if any. */
  private sendOptions(): { abortSignal?: AbortSignal } {
    return this.requestSignal === undefined ? {} : { abortSignal: this.requestSignal };
  }

  private async createBucket(): Promise<void> {
    const { bucket } = this.options;
    const region = await this.client.config.region();
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ...(region === DEFAULT_S3_REGION
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
        }),
        this.sendOptions(),
      );
    } catch (error) {
      const name = awsErrorShape(error).name;
      if (name === 'BucketAlreadyOwnedByYou') return;
      if (name === 'BucketAlreadyExists') {
        // Either a concurrent creator with our credentials won the race, or another account owns the name:
        // HeadBucket tells them apart (403 for a foreign bucket).
        try {
          await this.client.send(new HeadBucketCommand({ Bucket: bucket }), this.sendOptions());
          return;
        } catch (headError) {
          throw mapS3Error(headError, { operation: 'ensureContainer (HeadBucket after BucketAlreadyExists)', bucket });
        }
      }
      throw mapS3Error(error, { operation: 'ensureContainer (CreateBucket)', bucket });
    }
  }

  private fullKey(key: string): string {
    if (typeof key !== 'string' || key.length === 0) {
      throw new EventStoreAdapterError(ErrorCodes.VALIDATION, 'S3 object key must be a non-empty string', {
        details: { driver: S3_DRIVER_NAME, bucket: this.options.bucket },
      });
    }
    return this.options.keyPrefix + key;
  }
}

/** HeadBucket's answer for a bucket that does not exist: 404, `NotFound` or `NoSuchBucket` (never 403). */
function isBucketMissing(error: unknown): boolean {
  return httpStatusOf(awsErrorShape(error)) !== 403 && isS3NotFound(error);
}

function isBucketMissingByName(error: unknown): boolean {
  return awsErrorShape(error).name === 'NoSuchBucket';
}
