/**
 * `npm run bench`: starts DynamoDB Local and the S3 server (once), runs every workload on the in-memory twin and on
 * the local servers, then the compared workloads on the OLD adapter on the same servers (unless `BENCH_LEGACY=0`),
 * prints a Markdown report and writes `bench/results/latest.json` and `latest.md`.
 * Sizes come from `BENCH_*` environment variables (see `config.ts` and README.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBackend, startLocalServers, type LocalServers } from './backends.js';
import { startLegacyBackend } from './legacy/legacy-backend.js';
import { loadConfig } from './config.js';
import { machineInfo } from './harness/machine.js';
import type { Measurement } from './harness/measure.js';
import { now } from './harness/timing.js';
import { checkTargets } from './targets.js';
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

const measurements: Measurement[] = [];
const descriptions: Record<string, string> = {};
let servers: Promise<LocalServers> | undefined;
const localServers = (): Promise<LocalServers> => (servers ??= startLocalServers());
try {
  for (const name of config.backends) {
    if (name === 'legacy-dynamodb-local') {
      const wanted = selected.filter((w) => w.measureLegacy);
      if (wanted.length === 0) continue;
      log(`== backend ${name}: starting…`);
      const backend = await startLegacyBackend(localServers);
      descriptions[name] = backend.description;
      try {
        for (const workload of wanted) {
          log(`-- ${workload.id} (${name})`);
          const begun = now();
          measurements.push(...(await workload.measureLegacy!(backend, config, log)));
          log(`   ${workload.id} (${name}) took ${((now() - begun) / 1000).toFixed(1)} s`);
        }
      } finally {
        await backend.stop();
      }
      continue;
    }
    const wanted = selected.filter((w) => (w.backends ?? ['twin', 'dynamodb-local']).includes(name));
    if (wanted.length === 0) continue;
    log(`== backend ${name}: starting…`);
    const backend = await startBackend(name, localServers);
    descriptions[name] = backend.description;
    try {
      for (const workload of wanted) {
        log(`-- ${workload.id} (${name})`);
        const begun = now();
        measurements.push(...(await workload.measure(backend, config, log)));
        log(`   ${workload.id} (${name}) took ${((now() - begun) / 1000).toFixed(1)} s`);
      }
    } finally {
      await backend.stop();
    }
  }
} finally {
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
};
const report = renderReport(results, selected);
const folder = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(folder, { recursive: true });
writeFileSync(`${folder}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${folder}latest.md`, `${report}\n`);
process.stdout.write(`\n${report}\n\nWritten: bench/results/latest.json, bench/results/latest.md\n`);
