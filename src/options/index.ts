/**
 * The options feature's entry: the option types (types.ts), their limits and defaults (defaults.ts), validation
 * (validate.ts, with describe-value.ts and did-you-mean.ts for its messages) and resolution (resolve.ts).
 */
export { DEFAULT_CHANGE_FEED_SHARDS, DEFAULT_TABLE_BASE_NAME, MAX_BUCKET_SHARDS, MAX_CHANGE_FEED_SHARDS } from './defaults.js';
export { awsServiceOf, describeValue } from './describe-value.js';
export { resolveOptions } from './resolve.js';
export type { ChangeFeedSettings, EventStoreOptions, OperationType, ResolvedOptions } from './types.js';
export { CORE_OPTION_NAMES, invalidOptions, type OptionIssue, optionIssues } from './validate.js';
