/** The peer bench's part of the report: the guarantees table, the figures table, notes and charts. */
import type { BarChart } from '../charts.js';
import { formatNumber, renderTable } from '../harness/table.js';
import { GUARANTEE_SOURCES, guaranteeRows } from './guarantees.js';
import { MAX_PAYLOAD_BYTES, MIN_PAYLOAD_BYTES } from './corpus.js';
import { billedBytesPerEvent, bytesPerEvent, ITEM_OVERHEAD_BYTES } from './storage.js';
import { PEER_WORKLOADS, type PeerConfig, type PeerMeasurement, workloadTitle } from './workloads.js';

/** Everything the peer bench produced (stored in `results/latest.json` under `peers`). */
export interface PeerResults {
  readonly config: PeerConfig;
  /** The libraries that ran, in report order. */
  readonly libraries: readonly { readonly name: string; readonly description: string }[];
  /** Configurations that could not run, and why (e.g. an option this build does not have). */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  readonly measurements: readonly PeerMeasurement[];
  readonly durationSeconds: number;
}

/** Our library's name in the peer tables: the ratio column divides by it. */
const OURS = 'ours';

/** The peer section (Markdown); `charts` are image paths to embed, relative to the page. */
export function renderPeerSection(results: PeerResults, charts: readonly { readonly path: string; readonly title: string }[] = []): string {
  const { config } = results;
  const compression = results.libraries.some((library) => library.name === 'ours+compression');
  const names = results.libraries.map((library) => library.name);
  const peerColumn = (name: string): keyof ReturnType<typeof guaranteeRows>[number] | undefined =>
    name === OURS ? 'ours' : name === 'old adapter' ? 'old' : name === 'Equinox' ? 'equinox' : name === 'castore' ? 'castore' : undefined;
  const guaranteeColumns = ['ours', 'old adapter', 'Equinox', 'castore'].filter((name) => names.includes(name));
  const sections = [
    '## Against the strongest peers (same DynamoDB Local, same run)',
    '',
    `Libraries: ${results.libraries.map((library) => `**${library.name}** (${library.description})`).join('; ')}.`,
    '',
    ...results.skipped.flatMap((skip) => [`Skipped: **${skip.name}**: ${skip.reason}.`, '']),
    `Every library gets its own SDK clients (same settings) on the same DynamoDB Local, the same events (a deterministic corpus of JSON payloads of six business shapes, ${formatNumber(MIN_PAYLOAD_BYTES)} B to ${formatNumber(MAX_PAYLOAD_BYTES)} B, median about 1 KB, mean about 3.8 KB: \`bench/peers/corpus.ts\`) and the same workloads, its runs alternating with the others' (run order rotating); ${config.runs} runs per figure, the median reported. Requests are counted and capacity priced by one meter for all (\`bench/peers/rules-meter.ts\`): each library's commands are replayed on a shadow of its tables and priced by AWS's published rules with the functions that price our in-memory twin: writes in 1 KB units of the larger of the item before and after, reads in 4 KB units (half when eventually consistent; a query by the sum of the items it read), a transaction twice per action and its index writes once (AWS publishes no doubling for them), a global secondary index one write per entry added, removed or changed. Bytes stored come from scanning each store after its run: items, index entries (projected) and S3 objects by AWS's size rules; "billed" adds DynamoDB's ${ITEM_OVERHEAD_BYTES} B per item and per index entry.`,
    '',
    `Workloads: ${config.appends} single appends with a known version, round-robin over ${config.appendStreams} streams; ${config.writers} concurrent writers, each appending ${Math.max(1, Math.floor(config.writerAppends / config.writers))} single events to its own stream; ${config.batches} calls of ${config.batchSize} events, each on a new stream; whole-stream reads of ${config.readStreams} streams of ${config.readStreamLength} events (seeded untimed through each library's own appends of ${config.seedChunk} events); the whole-store read of that data set in pages of ${config.pageSize}, where the library has one.`,
    '',
    '### What each library guarantees',
    '',
    renderTable(
      [{ header: 'Guarantee' }, ...guaranteeColumns.map((name) => ({ header: name }))],
      guaranteeRows(compression).map((row) => [row.guarantee, ...guaranteeColumns.map((name) => row[peerColumn(name)!] as string)]),
    ),
    '',
    `Sources: ${GUARANTEE_SOURCES.join('; ')}.`,
    '',
    '### Figures',
    '',
    figuresTable(results),
    '',
    ...charts.flatMap((chart) => [`![${chart.title}](${chart.path})`, '']),
    ...peerNotes(),
  ];
  return sections.join('\n').trimEnd();
}

function figuresTable(results: PeerResults): string {
  const order = results.libraries.map((library) => library.name);
  const workloads = Object.values(PEER_WORKLOADS) as string[];
  const rows = [...results.measurements]
    .sort((a, b) => workloads.indexOf(a.workload) - workloads.indexOf(b.workload) || order.indexOf(a.library) - order.indexOf(b.library))
    .map((m) => {
      const ours = results.measurements.find((each) => each.workload === m.workload && each.library === OURS);
      return [
        workloadTitle(m.workload, results.config),
        m.library,
        formatNumber(m.events),
        formatNumber(m.eventsPerSec),
        ours ? `${(m.eventsPerSec / ours.eventsPerSec).toFixed(2)}x` : '–',
        formatNumber(m.requestsPerEvent, 3),
        formatNumber(m.writeUnitsPerEvent, 2),
        formatNumber(m.readUnitsPerEvent, 3),
        formatNumber(m.blobRequestsPerEvent, 2),
        m.storedBytes ? formatNumber(bytesPerEvent(m.storedBytes, m.storedEvents!)) : '–',
        m.storedBytes ? formatNumber(billedBytesPerEvent(m.storedBytes, m.storedEvents!)) : '–',
        formatNumber(m.cpuMsPerEvent, 2),
      ];
    });
  return renderTable(
    [
      { header: 'Workload' },
      { header: 'Library' },
      { header: 'Events', align: 'right' },
      { header: 'Events/s', align: 'right' },
      { header: 'vs ours', align: 'right' },
      { header: 'Requests/event', align: 'right' },
      { header: 'WCU/event', align: 'right' },
      { header: 'RCU/event', align: 'right' },
      { header: 'S3 req/event', align: 'right' },
      { header: 'Stored B/event', align: 'right' },
      { header: 'Billed B/event', align: 'right' },
      { header: 'Client CPU ms/event', align: 'right' },
    ],
    rows,
  );
}

function peerNotes(): string[] {
  return [
    '- "vs ours" is the library\'s events/s over ours in the same workload (above 1: faster than ours). Events/s, and the client CPU of the bench process, depend on this shared 2-core machine and on DynamoDB Local (a JVM on the same cores), which is no model of DynamoDB\'s latency: compare requests, units and bytes first, they do not depend on the machine.',
    '- Per event: requests, WCU and RCU of the median run over its events (for appends, per appended event; for reads, per event read). Read rows show the bytes of the seeded read data set.',
    "- Equinox keeps a stream's events in one tip item until it passes 32 KB, then calves them into a batch item: an append rewrites the tip, so its write units grow with the tip (1 WCU per KB of the tip after the append) while its stored bytes and read units stay low (one item per ~32 KB of compressed events). castore writes one plain item per event (no transaction: no doubling) and a KEYS_ONLY index entry for a stream's first event. The old adapter reads the stream head, then writes the event and the head in a transaction (its first append per stream reads the head: its `expectedSequence` fails on new streams). Ours writes the event, its id guard and the stream head in one transaction, plus the event's copy in the global-order index.",
    '- The old adapter has no stream read; Equinox (in this package) and castore have no whole-store read: their rows are absent.',
  ];
}

/** The peer charts: events/s per workload, write units per appended event, read units per event read, bytes per event. */
export function peerCharts(results: PeerResults): BarChart[] {
  const libraries = results.libraries.map((library) => library.name);
  const workloads = (Object.values(PEER_WORKLOADS) as string[]).filter((workload) =>
    results.measurements.some((m) => m.workload === workload),
  );
  const appends = workloads.filter((workload) => workload !== PEER_WORKLOADS.streamRead && workload !== PEER_WORKLOADS.storeRead);
  const reads = workloads.filter((workload) => !appends.includes(workload));
  const title = (workload: string) => workloadTitle(workload, results.config);
  // The read workloads share one data set: either read row of a library has its bytes.
  const find = (workload: string, name: string) =>
    results.measurements.find(
      (each) => each.library === name && (each.workload === workload || (reads.includes(workload) && reads.includes(each.workload))),
    );
  const series = (categories: readonly string[], value: (m: PeerMeasurement) => number | undefined, shared = false) =>
    libraries.map((name) => ({
      name,
      values: categories.map((workload) => {
        const m = shared ? find(workload, name) : results.measurements.find((each) => each.workload === workload && each.library === name);
        return m ? value(m) : undefined;
      }),
    }));
  const byteCategories = [...appends, ...(reads.length ? [reads[0]!] : [])];
  return [
    {
      file: 'peers-throughput.svg',
      title: 'Events per second (DynamoDB Local, median run; log scale)',
      unit: 'events/s',
      log: true,
      categories: workloads.map(title),
      series: series(workloads, (m) => m.eventsPerSec),
    },
    {
      file: 'peers-write-units.svg',
      title: 'Write units per appended event (AWS rules)',
      unit: 'WCU / event',
      categories: appends.map(title),
      series: series(appends, (m) => m.writeUnitsPerEvent),
    },
    {
      file: 'peers-read-units.svg',
      title: 'Read units per event read (AWS rules)',
      unit: 'RCU / event',
      categories: reads.map(title),
      series: series(reads, (m) => m.readUnitsPerEvent),
    },
    {
      file: 'peers-bytes.svg',
      title: 'Bytes stored per event (items, index entries, S3 objects)',
      unit: 'bytes / event',
      categories: byteCategories.map((workload) => (reads.includes(workload) ? 'read data set' : title(workload))),
      series: series(byteCategories, (m) => (m.storedBytes ? bytesPerEvent(m.storedBytes, m.storedEvents!) : undefined), true),
    },
  ].filter((chart) => chart.categories.length > 0);
}
