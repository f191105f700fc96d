/**
 * The reusable driver contract suites (package subpath `contract-tests`): the KV and blob suites, their raw
 * checks, the harness, and the deliberately faulty drivers the self-test proves them against.
 */
export {
  canonical,
  compareUtf8,
  ContractViolation,
  DEFAULT_NUM_RUNS,
  defineContract,
  propertyParameters,
  type ContractCheck,
  type ContractDefinition,
  type PropertyOptions,
  type ResolvedPropertyOptions,
} from './harness.js';
export * from './kv/index.js';
export * from './blob/index.js';
export * as faulty from './faulty/index.js';
export * from './event-store/index.js';
