/** The benchmark's reusable parts: workloads, backends, harness and report (the entry point is `run.ts`). */
export { WORKLOADS, type Workload, type Log } from './workloads/index.js';
export {
  startBackend,
  startLocalServers,
  type Backend,
  type BenchRepo,
  type LocalServers,
  type StoreHandle,
  type StoreSettings,
} from './backends.js';
export { startLegacyBackend, LegacyRepo } from './legacy/legacy-backend.js';
export { loadLegacyAdapter } from './legacy/load-legacy-adapter.js';
export { loadConfig, BACKEND_NAMES, type BenchConfig, type BackendName } from './config.js';
export { timeRun, summarize, type Measurement, type RunResult, type StatsSource } from './harness/measure.js';
export { costPerThousand, type CostPerThousand } from './harness/cost.js';
export { HeapProbe, collectGarbage, heapUsed } from './harness/heap.js';
export { median, now, perThousand, inParallel } from './harness/timing.js';
export { renderTable, formatNumber, formatMegabytes, type Column } from './harness/table.js';
export { machineInfo, type MachineInfo } from './harness/machine.js';
export { renderReport, reportBody, memoryProbe, NOTES, type BenchResults, type MemoryProbeResult } from './report.js';
export { checkTargets, type TargetCheck } from './targets.js';
export { bulkLoad, type BulkLoadOptions } from './bulk-load.js';
export { runPeerBench } from './peers/run-peers.js';
export { OUR_VARIANTS, PEER_LIBRARY_NAMES, type OurVariant } from './peers/variants.js';
export { RulesMeter, type MeterTotals } from './peers/rules-meter.js';
export { corpusEvent, type CorpusEvent } from './peers/corpus.js';
export { renderPeerSection, peerCharts, type PeerResults } from './peers/report.js';
export { PEER_WORKLOADS, type PeerConfig, type PeerMeasurement } from './peers/workloads.js';
export { renderBarChart, type BarChart } from './charts.js';
export { writeDocsPage, renderDocsPage } from './docs-page.js';
