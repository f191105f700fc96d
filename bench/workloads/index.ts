/** Every workload, in report order. */
import { batchAppendWorkload } from './batch-append.js';
import { changeFeedWorkload } from './change-feed.js';
import { compressionWorkload } from './compression.js';
import { offloadAppendWorkload } from './offload-append.js';
import { replayMemoryWorkload } from './replay-memory.js';
import { replayWorkload } from './replay.js';
import { serverFloorWorkload } from './server-floor.js';
import { singleAppendWorkload } from './single-append.js';
import { streamReadWorkload } from './stream-read.js';
import { telemetryOverheadWorkload } from './telemetry-overhead.js';
import type { Workload } from './workload.js';

export type { Workload, Log } from './workload.js';
export {
  changeFeedWorkload,
  serverFloorWorkload,
  singleAppendWorkload,
  batchAppendWorkload,
  offloadAppendWorkload,
  replayWorkload,
  streamReadWorkload,
  replayMemoryWorkload,
  telemetryOverheadWorkload,
  compressionWorkload,
};

/**
 * All workloads in the order they run and are reported. The server floor runs after our workloads on DynamoDB
 * Local, so it meets the JVM as warm as the adapters' runs do (first, it measured a cold JVM), and right before the
 * old adapter's runs.
 */
export const WORKLOADS: readonly Workload[] = [
  singleAppendWorkload,
  batchAppendWorkload,
  offloadAppendWorkload,
  replayWorkload,
  streamReadWorkload,
  changeFeedWorkload,
  compressionWorkload,
  serverFloorWorkload,
  replayMemoryWorkload,
  telemetryOverheadWorkload,
];
