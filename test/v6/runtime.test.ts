/**
 * The V6 runtime (core, aggregate, revert 6.0.0-rc.5) and rc.6's appendBatch / getStreamVersions on the in-memory
 * twin: the shared scenarios of test/v6/scenarios.ts (also run on DynamoDB Local + the S3 server by
 * test/v6/runtime.real.test.ts).
 */
import { memorySafetyBackend } from '../safety/backends.js';
import { v6OrderScenarios } from './order-scenarios.js';
import { batchScenarios, v6RuntimeScenarios } from './scenarios.js';

v6RuntimeScenarios(memorySafetyBackend);
batchScenarios(memorySafetyBackend);
v6OrderScenarios(memorySafetyBackend);
