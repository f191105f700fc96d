/**
 * AWS's published prices, as constants with their date, for the `stats` cost estimate. Region us-east-1 (N.
 * Virginia), Standard table class, on-demand capacity, S3 Standard; other regions cost more (about 10-30%).
 * Source: aws.amazon.com/dynamodb/pricing/on-demand and aws.amazon.com/s3/pricing, prices in force since
 * 2024-11-01 (DynamoDB on-demand throughput was halved that day), as copied on {@link PRICES_DATE}. Check them
 * before relying on the figures.
 */

/** When these prices were taken from AWS's pricing pages. */
export const PRICES_DATE = '2024-11-14';
/** The region the prices are for. */
export const PRICES_REGION = 'us-east-1';
/** USD per million write request units (on-demand; a transactional write costs 2 per KB). */
export const USD_PER_MILLION_WRITE_UNITS = 0.625;
/** USD per million read request units (on-demand; an eventually consistent read of 4 KB costs 0.5). */
export const USD_PER_MILLION_READ_UNITS = 0.125;
/** USD per GB-month of DynamoDB table storage, Standard class (the first 25 GB a month are free; not deducted here). */
export const USD_PER_GB_MONTH_DYNAMODB = 0.25;
/** USD per GB-month of S3 Standard storage (first 50 TB). */
export const USD_PER_GB_MONTH_S3 = 0.023;
/** DynamoDB bills 100 bytes of overhead per item, in the table and in each index that holds it. */
export const DYNAMODB_ITEM_OVERHEAD_BYTES = 100;
/** Write units of one single-event append (event, id guard, head, index entry; README "what a write touches"). */
export const WRITE_UNITS_PER_APPEND = 7;
/** The same with a change feed: + the shard counter (2) and the log index entry (1) (README "change feed"). */
export const WRITE_UNITS_PER_APPEND_WITH_FEED = 10;
/** Read units per 1,000 small events replayed (measured by AWS rules; README "benchmark"). */
export const READ_UNITS_PER_1000_REPLAYED = 32.2;

const GB = 1024 ** 3;

/** A monthly cost estimate. */
export interface CostEstimate {
  /** DynamoDB storage (table and index), USD per month. */
  readonly dynamodbStorageUsd: number;
  /** S3 storage of offloaded payloads, USD per month. */
  readonly s3StorageUsd: number;
  /** Appends, USD per month, for `appendsPerMonth`. */
  readonly appendsUsd: number;
  /** Full replays, USD per month, for `replaysPerMonth`. */
  readonly replaysUsd: number;
  readonly totalUsd: number;
  /** What one million single-event appends cost. */
  readonly usdPerMillionAppends: number;
  /** What replaying the whole store once costs. */
  readonly usdPerFullReplay: number;
  readonly pricesDate: string;
  readonly region: string;
}

/** The estimated monthly cost of a store holding `storageBytes` (DynamoDB, overheads included) and `blobBytes` (S3). */
export function estimateMonthlyCost(input: {
  storageBytes: number;
  blobBytes: number;
  events: number;
  appendsPerMonth?: number;
  replaysPerMonth?: number;
  changeFeed?: boolean;
}): CostEstimate {
  const round = (usd: number) => Math.round(usd * 1e8) / 1e8;
  const usdPerMillionAppends = (input.changeFeed ? WRITE_UNITS_PER_APPEND_WITH_FEED : WRITE_UNITS_PER_APPEND) * USD_PER_MILLION_WRITE_UNITS;
  const usdPerFullReplay = ((input.events / 1000) * READ_UNITS_PER_1000_REPLAYED * USD_PER_MILLION_READ_UNITS) / 1_000_000;
  const dynamodbStorageUsd = (input.storageBytes / GB) * USD_PER_GB_MONTH_DYNAMODB;
  const s3StorageUsd = (input.blobBytes / GB) * USD_PER_GB_MONTH_S3;
  const appendsUsd = ((input.appendsPerMonth ?? 0) / 1_000_000) * usdPerMillionAppends;
  const replaysUsd = (input.replaysPerMonth ?? 0) * usdPerFullReplay;
  return {
    dynamodbStorageUsd: round(dynamodbStorageUsd),
    s3StorageUsd: round(s3StorageUsd),
    appendsUsd: round(appendsUsd),
    replaysUsd: round(replaysUsd),
    totalUsd: round(dynamodbStorageUsd + s3StorageUsd + appendsUsd + replaysUsd),
    usdPerMillionAppends: round(usdPerMillionAppends),
    usdPerFullReplay: round(usdPerFullReplay),
    pricesDate: PRICES_DATE,
    region: PRICES_REGION,
  };
}
