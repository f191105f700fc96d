/** Builds the printed report (Markdown) and the JSON results from the measurements. */
import type { BenchConfig } from './config.js';
import type { MachineInfo } from './harness/machine.js';
import type { Measurement } from './harness/measure.js';
import { formatMegabytes, formatNumber, renderTable } from './harness/table.js';
import { renderPeerSection, type PeerResults } from './peers/report.js';
import type { TargetCheck } from './targets.js';
import type { Workload } from './workloads/index.js';

/** Heap growth of the replay-memory probe: small vs large timeline. */
export interface MemoryProbeResult {
  readonly smallEvents: number;
  readonly largeEvents: number;
  readonly smallPeakBytes: number;
  readonly largePeakBytes: number;
  /** `largePeakBytes / smallPeakBytes` (sampled peaks include uncollected garbage). */
  readonly ratio: number;
  /** Live (post-GC) heap growth at checkpoints of an untimed replay, small and large. */
  readonly smallLiveBytes: number;
  readonly largeLiveBytes: number;
  /** `largeLiveBytes / smallLiveBytes`: about 1 when replay memory is bounded, about the event ratio when it is not. */
  readonly liveRatio: number;
}

/** Everything a bench run produced (written as `results/latest.json`). */
export interface BenchResults {
  readonly machine: MachineInfo;
  readonly config: BenchConfig;
  readonly durationSeconds: number;
  /** Each backend that ran, and what it is. */
  readonly backends: Readonly<Record<string, string>>;
  readonly measurements: readonly Measurement[];
  readonly memoryProbe: MemoryProbeResult | undefined;
  readonly targets: readonly TargetCheck[];
  readonly notes: readonly string[];
  /** The peer bench's results, when it ran. */
  readonly peers?: PeerResults;
  /** The `BENCH_*` environment variables of the run (what differed from the defaults). */
  readonly settings?: Readonly<Record<string, string>>;
}

/** An image to embed in a section: its path relative to the page, and its title. */
export interface ChartLink {
  readonly path: string;
  readonly title: string;
}

/** Charts to embed, by section. */
export interface ReportCharts {
  readonly peers?: readonly ChartLink[];
  readonly ours?: readonly ChartLink[];
}

/** Caveats printed under the table and stored in the JSON. */
export const NOTES: readonly string[] = [
  'Capacity "AWS rules" is the in-memory twin metering the same workload by DynamoDB\'s published rules (transactions cost 2x per item, GSI writes, 4 KB/1 KB rounding); "reported" is what DynamoDB Local returned in ConsumedCapacity.',
  'DynamoDB Local misreports TransactWriteItems: about the same write units per transaction whatever it holds (6 for 3 small actions and for 80+), and no GSI writes, so its write units for transactional appends are wrong (far too low for batches): trust the AWS-rules column for writes.',
  'Old adapter (legacy-dynamodb-local, @schemeless/event-store-adapter-dynamodb@5.0.0): same DynamoDB Local and S3 server, same run, its own SDK clients with the same settings; in each compared workload its runs alternate with ours (ours run 1, old run 1, ours run 2, …) so both meet the same load on this shared machine. Requests are counted by a middleware on its DynamoDB client (one per SDK command); "reported" capacity is what DynamoDB Local returned (the middleware asks for ReturnConsumedCapacity, as our adapter does); "rules" capacity replays its calls on a shadow in-memory twin with its table schema after each run, priced by the same code as our twin columns. It loads with a runtime shim for its object-sizeof import (bench/legacy/load-legacy-adapter.ts).',
  'Old adapter sizes: the same events and counts as ours; its replay is timed twice instead of 3 times (BENCH_LEGACY_REPLAY_RUNS), because seeding its 20,000 events through its own storeEvents (transactions of at most 25 events: see bench/README.md) already takes about 40 s of the run.',
  'Old adapter replay: seeded with the same 20,000-event timeline through its own storeEvents (untimed); its getAllEvents queries its month GSI for every month from 2020-01 to the current month (empty months included, so its requests grow with the calendar) and hydrates each page with a BatchGetItem. Events it did not yield or yielded out of creation order are counted in the comparison table. Not exercised here: it never reads events created before 2020-01 or after the current month; events with the same `created` come back in index order, not append order; and its month loop steps in local time but names buckets in UTC, so in a daylight-saving zone east of UTC (e.g. Europe/Berlin) it queries March twice and never October (this machine runs in UTC).',
  'Requests count DynamoDB calls only; S3 calls are listed separately. Events/s is the median of the runs; each append run uses a fresh table; read workloads seed one table (untimed) and replay it with a new repo instance per run.',
  'Node CPU % local = CPU time of the bench process (adapter + AWS SDK) over wall time during the runs on the real servers (100 = one core): well under 100 means the time went to waiting on DynamoDB Local / S3.',
  "Heap = peak growth of the bench process's JS heap over a post-GC baseline (sampled). DynamoDB Local (JVM) and the S3 server run in other processes; the twin keeps its data in this heap, so twin write workloads include the stored data.",
];

/** The full Markdown report: machine, main table, targets, the peers, memory probe, notes. */
export function renderReport(results: BenchResults, workloads: readonly Workload[], charts: ReportCharts = {}): string {
  const { machine } = results;
  return [
    '# Benchmark results',
    '',
    `${machine.date} · ${machine.cpuModel} · ${machine.cores} cores (${machine.availableParallelism} available) · ${machine.totalMemoryMB.toLocaleString('en-US')} MB · Node ${machine.node} · ${machine.java} · ${machine.dynamoDbLocal} · ${results.config.runs} runs per figure (median) · bench took ${results.durationSeconds.toFixed(0)} s`,
    '',
    reportBody(results, workloads, charts),
  ].join('\n');
}

/** The report's sections after its title and machine line (each only when its figures were measured). */
export function reportBody(results: BenchResults, workloads: readonly Workload[], charts: ReportCharts = {}): string {
  const ours = results.measurements.filter((m) => m.workload !== 'replay-memory' && m.backend !== 'legacy-dynamodb-local');
  const sections: string[] = [];
  if (results.peers) sections.push(renderPeerSection(results.peers, charts.peers ?? []), '');
  if (ours.length > 0) {
    sections.push(
      '## Our workloads (the twin, and DynamoDB Local + S3 through the drop-in)',
      '',
      mainTable(results.measurements),
      '',
      workloads.map((w) => `- \`${w.id}\`: ${w.title}`).join('\n'),
      '',
      ...(charts.ours ?? []).flatMap((chart) => [`![${chart.title}](${chart.path})`, '']),
    );
  }
  if (results.targets.some((t) => t.met !== undefined)) {
    sections.push(
      '## Against the old adapter (@schemeless/event-store-adapter-dynamodb@5.0.0, same servers, same run)',
      '',
      renderTable(
        [
          { header: 'Goal' },
          { header: 'Ours', align: 'right' },
          { header: 'Old adapter', align: 'right' },
          { header: 'Ratio', align: 'right' },
          { header: 'Target', align: 'right' },
          { header: 'Met' },
        ],
        results.targets.map((t) => [t.goal, t.ours, t.old, t.ratio, t.target, t.met === undefined ? '–' : t.met ? 'yes' : 'NO']),
      ),
      '',
    );
    const comparison = comparisonTable(results.measurements);
    if (comparison) sections.push(comparison, '');
    const floor = serverFloorLine(results.measurements);
    if (floor) sections.push(floor, '');
  }
  if (results.memoryProbe) {
    const probe = results.memoryProbe;
    sections.push(
      '## Replay memory (twin, getAllEvents(200))',
      '',
      renderTable(
        [
          { header: 'Events', align: 'right' },
          { header: 'Peak heap growth, sampled (MB)', align: 'right' },
          { header: 'Live heap growth, post-GC (MB)', align: 'right' },
        ],
        [
          [probe.smallEvents.toLocaleString('en-US'), formatMegabytes(probe.smallPeakBytes), formatMegabytes(probe.smallLiveBytes)],
          [probe.largeEvents.toLocaleString('en-US'), formatMegabytes(probe.largePeakBytes), formatMegabytes(probe.largeLiveBytes)],
          [`ratio (${(probe.largeEvents / probe.smallEvents).toFixed(0)}x the events)`, probe.ratio.toFixed(2), probe.liveRatio.toFixed(2)],
        ],
      ),
      '',
      'The sampled peak includes garbage not yet collected, and V8 lets more accumulate when the heap is larger (the twin holds the whole data set in this heap); the live figure, measured after forced collections at 10% checkpoints of an untimed replay, is what "bounded by the fetch size" refers to.',
      '',
    );
  }
  if (ours.length > 0) sections.push('## Notes', '', ...results.notes.map((note) => `- ${note}`));
  return sections.join('\n').trimEnd();
}

function mainTable(measurements: readonly Measurement[]): string {
  const rows: string[][] = [];
  const variants = new Map<string, { workload: string; variant: string }>();
  for (const m of measurements)
    if (m.workload !== 'replay-memory' && m.backend !== 'legacy-dynamodb-local')
      variants.set(`${m.workload}\u0000${m.variant}`, { workload: m.workload, variant: m.variant });
  for (const { workload, variant } of variants.values()) {
    const twin = measurements.find((m) => m.workload === workload && m.variant === variant && m.backend === 'twin');
    const local = measurements.find((m) => m.workload === workload && m.variant === variant && m.backend === 'dynamodb-local');
    const any = (twin ?? local)!;
    rows.push([
      workload,
      variant,
      formatNumber(any.events),
      formatNumber(twin?.eventsPerSec),
      formatNumber(local?.eventsPerSec),
      formatNumber(local?.cost.requests ?? twin?.cost.requests, 1),
      formatNumber(twin?.cost.readUnits, 1),
      formatNumber(local?.cost.readUnits, 1),
      formatNumber(twin?.cost.writeUnits, 0),
      formatNumber(local?.cost.writeUnits, 0),
      formatNumber(local?.cost.blobRequests ?? twin?.cost.blobRequests, 0),
      formatMegabytes(twin?.heapPeakBytes),
      formatMegabytes(local?.heapPeakBytes),
      formatNumber(local?.processCpuPercent),
    ]);
  }
  return renderTable(
    [
      { header: 'Workload' },
      { header: 'Variant' },
      { header: 'Events', align: 'right' },
      { header: 'Twin ev/s', align: 'right' },
      { header: 'Local ev/s', align: 'right' },
      { header: 'DDB req/1k', align: 'right' },
      { header: 'RCU/1k rules', align: 'right' },
      { header: 'RCU/1k reported', align: 'right' },
      { header: 'WCU/1k rules', align: 'right' },
      { header: 'WCU/1k reported', align: 'right' },
      { header: 'S3 req/1k', align: 'right' },
      { header: 'Heap MB twin', align: 'right' },
      { header: 'Heap MB local', align: 'right' },
      { header: 'Node CPU % local', align: 'right' },
    ],
    rows,
  );
}

/** The memory probe's two measurements as a ratio, or undefined when the probe did not run. */
export function memoryProbe(measurements: readonly Measurement[]): MemoryProbeResult | undefined {
  const probes = measurements.filter((m) => m.workload === 'replay-memory').sort((a, b) => a.events - b.events);
  if (probes.length < 2) return undefined;
  const small = probes[0]!;
  const large = probes[probes.length - 1]!;
  return {
    smallEvents: small.events,
    largeEvents: large.events,
    smallPeakBytes: small.heapPeakBytes,
    largePeakBytes: large.heapPeakBytes,
    ratio: small.heapPeakBytes === 0 ? Number.NaN : large.heapPeakBytes / small.heapPeakBytes,
    smallLiveBytes: small.extras?.liveHeapPeakBytes ?? Number.NaN,
    largeLiveBytes: large.extras?.liveHeapPeakBytes ?? Number.NaN,
    liveRatio: (large.extras?.liveHeapPeakBytes ?? Number.NaN) / (small.extras?.liveHeapPeakBytes ?? Number.NaN),
  };
}

/** How the sequential append rates compare with bare transactions on the same server, or undefined. */
function serverFloorLine(measurements: readonly Measurement[]): string | undefined {
  const floor = (prefix: string): Measurement | undefined =>
    measurements.find((m) => m.workload === 'server-floor' && m.variant.startsWith(prefix));
  const bare = floor('TransactWriteItems, 3 puts');
  const appends = measurements.find((m) => m.workload === 'single-append' && m.variant === 'sequential' && m.backend === 'dynamodb-local');
  if (!bare || !appends) return undefined;
  const parts = [
    `Server floor: this DynamoDB Local commits ${formatNumber(bare.eventsPerSec)} bare 3-put transactions/s sequentially (SDK only, no adapter); our sequential appends (one 3-action transaction each) run at ${formatNumber(appends.eventsPerSec)}/s, ${((appends.eventsPerSec / bare.eventsPerSec) * 100).toFixed(0)}% of that.`,
  ];
  const old = measurements.find(
    (m) => m.workload === 'single-append' && m.variant === 'sequential' && m.backend === 'legacy-dynamodb-local',
  );
  const get = floor('GetItem');
  const two = floor('TransactWriteItems, 2 actions');
  if (old && get && two) {
    const bound = 1000 / (1000 / get.eventsPerSec + 1000 / two.eventsPerSec);
    parts.push(
      `The old adapter's append is a GetItem then a 2-action transaction: bare, those take ${formatNumber(1000 / get.eventsPerSec, 1)} ms + ${formatNumber(1000 / two.eventsPerSec, 1)} ms here, a bound of ${formatNumber(bound)} appends/s; it runs at ${formatNumber(old.eventsPerSec)}/s, ${((old.eventsPerSec / bound) * 100).toFixed(0)}% of that.`,
    );
  }
  const of21 = floor('TransactWriteItems, 21 puts');
  const of41 = floor('TransactWriteItems, 41 puts');
  const ourBatches = measurements.find(
    (m) => m.workload === 'batch-append' && m.variant === 'batches of 20' && m.backend === 'dynamodb-local',
  );
  const oldBatches = measurements.find(
    (m) => m.workload === 'batch-append' && m.variant === 'batches of 20' && m.backend === 'legacy-dynamodb-local',
  );
  if (of21 && of41 && ourBatches && oldBatches) {
    parts.push(
      `A batch of 20 is one transaction of 41 actions for us (20 events, 20 id guards, the head) and a GetItem plus one of 21 for the old adapter (20 events, the head): bare 41- and 21-put transactions take ${formatNumber(1000 / of41.eventsPerSec, 0)} ms and ${formatNumber(1000 / of21.eventsPerSec, 0)} ms here, bounds (transactions alone) of ${formatNumber(20 * of41.eventsPerSec)} and ${formatNumber(20 * of21.eventsPerSec)} events/s; the adapters run at ${formatNumber(ourBatches.eventsPerSec)} and ${formatNumber(oldBatches.eventsPerSec)}.`,
    );
  }
  return parts.join(' ');
}

/** Our figures next to the old adapter's for every variant both ran, or undefined when the old adapter did not run. */
function comparisonTable(measurements: readonly Measurement[]): string | undefined {
  const olds = measurements.filter((m) => m.backend === 'legacy-dynamodb-local');
  if (olds.length === 0) return undefined;
  const rows = olds.map((old) => {
    const local = measurements.find((m) => m.workload === old.workload && m.variant === old.variant && m.backend === 'dynamodb-local');
    const twin = measurements.find((m) => m.workload === old.workload && m.variant === old.variant && m.backend === 'twin');
    const missed = old.extras?.eventsMissed;
    const disorder = old.extras?.outOfOrder;
    return [
      old.workload,
      old.variant,
      local && local.events !== old.events ? `${formatNumber(local.events)} / ${formatNumber(old.events)}` : formatNumber(old.events),
      formatNumber(local?.eventsPerSec),
      formatNumber(old.eventsPerSec),
      local ? `${(local.eventsPerSec / old.eventsPerSec).toFixed(2)}x` : '–',
      formatNumber(local?.cost.requests, 1),
      formatNumber(old.cost.requests, 1),
      formatNumber(twin?.cost.writeUnits, 0),
      formatNumber(old.cost.writeUnits, 0),
      formatNumber(old.reportedCost?.writeUnits, 0),
      formatNumber(twin?.cost.readUnits, 1),
      formatNumber(old.cost.readUnits, 1),
      formatNumber(old.reportedCost?.readUnits, 1),
      formatNumber(local?.processCpuPercent),
      formatNumber(old.processCpuPercent),
      missed === undefined ? '' : `${formatNumber(missed)} missed, ${formatNumber(disorder)} out of order`,
    ];
  });
  return renderTable(
    [
      { header: 'Workload' },
      { header: 'Variant' },
      { header: 'Events (ours / old)', align: 'right' },
      { header: 'Ours ev/s', align: 'right' },
      { header: 'Old ev/s', align: 'right' },
      { header: 'Ratio', align: 'right' },
      { header: 'Ours req/1k', align: 'right' },
      { header: 'Old req/1k', align: 'right' },
      { header: 'Ours WCU/1k rules', align: 'right' },
      { header: 'Old WCU/1k rules', align: 'right' },
      { header: 'Old WCU/1k reported', align: 'right' },
      { header: 'Ours RCU/1k rules', align: 'right' },
      { header: 'Old RCU/1k rules', align: 'right' },
      { header: 'Old RCU/1k reported', align: 'right' },
      { header: 'Ours CPU %', align: 'right' },
      { header: 'Old CPU %', align: 'right' },
      { header: 'Old replay' },
    ],
    rows,
  );
}
