/**
 * `npm run bench`: starts DynamoDB Local and the S3 server (once), runs every workload on the in-memory twin and on
 * the local servers, then the compared workloads on the OLD adapter on the same servers (unless `BENCH_LEGACY=0`),
 * then the peer bench (`peers/`: ours, the old adapter, Equinox's DynamoStore and castore on the same DynamoDB
 * Local; `BENCH_PEERS=0` skips it), prints a Markdown report and writes `bench/results/latest.json` and `latest.md`.
 * A full run (no `BENCH_ONLY`, every backend, the peers) also writes `docs/benchmarks.md` and its charts
 * (`docs/benchmarks/*.svg`); `BENCH_DOCS=1` forces that for a partial run, `BENCH_DOCS=0` prevents it.
 * Sizes come from `BENCH_*` environment variables (see `config.ts` and README.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBackend, startLocalServers, type Backend, type LocalServers } from './backends.js';
import { startLegacyBackend, type LegacyRepo } from './legacy/legacy-backend.js';
import { BACKEND_NAMES, loadConfig, PEER_LIBRARIES } from './config.js';
import { machineInfo } from './harness/machine.js';
import type { Measurement } from './harness/measure.js';
import { now } from './harness/timing.js';
import { checkTargets } from './targets.js';
import { writeDocsPage } from './docs-page.js';
import type { PeerResults } from './peers/report.js';
import { runPeerBench } from './peers/run-peers.js';
import { memoryProbe, NOTES, renderReport, type BenchResults } from './report.js';
import { WORKLOADS } from './workloads/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const config = loadConfig();
const machine = machineInfo();
const started = now();
const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};
const selected = WORKLOADS.filter((w) => config.only.length === 0 || config.only.some((word) => w.id.includes(word)));
/** The peer bench is selected like a workload with the id `peers`; it needs the servers (our DynamoDB Local backend). */
const PEERS_ID = 'peers';
const withPeers =
  config.peers.libraries.length > 0 &&
  config.backends.includes('dynamodb-local') &&
  (config.only.length === 0 || config.only.some((word) => PEERS_ID.includes(word)));
const docsSetting = (process.env.BENCH_DOCS ?? '').trim();
if (!['', '0', '1'].includes(docsSetting)) throw new Error(`BENCH_DOCS must be 0 or 1, got ${JSON.stringify(docsSetting)}`);
const fullRun =
  config.only.length === 0 &&
  config.backends.length === BACKEND_NAMES.length &&
  withPeers &&
  config.peers.libraries.length === PEER_LIBRARIES.length;
const writeDocs = docsSetting === '1' || (docsSetting === '' && fullRun);

const measurements: Measurement[] = [];
let peers: PeerResults | undefined;
const descriptions: Record<string, string> = {};
let servers: Promise<LocalServers> | undefined;
const localServers = (): Promise<LocalServers> => (servers ??= startLocalServers());
// The old adapter shares our DynamoDB Local backend's phase: the compared workloads alternate their runs between the
// two (see `Workload.compare`). Only when our DynamoDB Local backend is not selected does it run on its own.
let legacy: Backend<LegacyRepo> | undefined;
const legacyBackend = async (): Promise<Backend<LegacyRepo>> => {
  if (!legacy) {
    log('== backend legacy-dynamodb-local: starting…');
    legacy = await startLegacyBackend(localServers);
    descriptions[legacy.name] = legacy.description;
  }
  return legacy;
};
const withLegacy = config.backends.includes('legacy-dynamodb-local');
const timed = async (label: string, body: () => Promise<Measurement[]>): Promise<void> => {
  log(`-- ${label}`);
  const begun = now();
  measurements.push(...(await body()));
  log(`   ${label} took ${((now() - begun) / 1000).toFixed(1)} s`);
};
try {
  for (const name of config.backends) {
    if (name === 'legacy-dynamodb-local') {
      if (config.backends.includes('dynamodb-local')) continue;
      const old = await legacyBackend();
      for (const workload of selected.filter((w) => w.compare))
        await timed(`${workload.id} (${name})`, () => workload.compare!(undefined, old, config, log));
      continue;
    }
    const wanted = selected.filter((w) => (w.backends ?? ['twin', 'dynamodb-local']).includes(name));
    if (wanted.length === 0) continue;
    log(`== backend ${name}: starting…`);
    const backend = await startBackend(name, localServers);
    descriptions[name] = backend.description;
    try {
      for (const workload of wanted) {
        if (name === 'dynamodb-local' && withLegacy && workload.compare) {
          const old = await legacyBackend();
          await timed(`${workload.id} (${name} + legacy-dynamodb-local, runs alternating)`, () =>
            workload.compare!(backend, old, config, log),
          );
        } else {
          await timed(`${workload.id} (${name})`, () => workload.measure(backend, config, log));
        }
      }
    } finally {
      await backend.stop();
    }
  }
  if (withPeers) {
    log('== peer bench: ours, the old adapter, Equinox DynamoStore, castore on the same DynamoDB Local…');
    const begun = now();
    peers = await runPeerBench(await localServers(), config.peers, log, config.peers.libraries);
    log(`   peer bench took ${((now() - begun) / 1000).toFixed(1)} s`);
  }
} finally {
  await legacy?.stop();
  if (servers) await (await servers).stop();
}

const results: BenchResults = {
  machine,
  config,
  durationSeconds: (now() - started) / 1000,
  backends: descriptions,
  measurements,
  memoryProbe: memoryProbe(measurements),
  targets: checkTargets(measurements, config),
  notes: NOTES,
  ...(peers ? { peers } : {}),
  settings: Object.fromEntries(
    Object.entries(process.env)
      .filter(([name, value]) => name.startsWith('BENCH_') && value !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  ) as Record<string, string>,
};
const report = renderReport(results, selected);
const folder = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(folder, { recursive: true });
writeFileSync(`${folder}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${folder}latest.md`, `${report}\n`);
const written = ['bench/results/latest.json', 'bench/results/latest.md'];
if (writeDocs) {
  const page = writeDocsPage(results, selected, fileURLToPath(new URL('../docs/', import.meta.url)));
  written.push('docs/benchmarks.md', ...page.charts.map((chart) => `docs/benchmarks/${chart.split('/').pop()}`));
} else if (docsSetting === '0') {
  log('docs/benchmarks.md not written (BENCH_DOCS=0)');
} else {
  log(
    'docs/benchmarks.md not written: a partial run (BENCH_ONLY, BENCH_BACKENDS, BENCH_LEGACY or BENCH_PEERS narrowed it); BENCH_DOCS=1 writes it anyway',
  );
}
process.stdout.write(`\n${report}\n\nWritten: ${written.join(', ')}\n`);
