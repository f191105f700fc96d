/**
 * `npm run bench:docs`: re-renders `docs/benchmarks.md` and its charts from the last run's results
 * (`bench/results/latest.json`) without running anything, e.g. after a change to the page's layout. The figures are
 * the run's, as `npm run bench` wrote them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeDocsPage } from './docs-page.js';
import type { BenchResults } from './report.js';
import { WORKLOADS } from './workloads/index.js';

const results = JSON.parse(readFileSync(fileURLToPath(new URL('./results/latest.json', import.meta.url)), 'utf8')) as BenchResults;
const only = results.config.only;
const workloads = WORKLOADS.filter((w) => only.length === 0 || only.some((word) => w.id.includes(word)));
const written = writeDocsPage(results, workloads, fileURLToPath(new URL('../docs/', import.meta.url)));
process.stdout.write(`Written: ${[written.page, ...written.charts].join(', ')}\n`);
