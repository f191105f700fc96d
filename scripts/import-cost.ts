/**
 * What importing each package entry costs: which modules it loads and how long it takes, in fresh Node processes
 * against the BUILT package (`npm run build` first). `npx tsx scripts/import-cost.ts [--runs 10] [--root DIR]` prints a table;
 * `scripts/check-package.ts` uses `modulesLoadedBy` / `loadProblems` to assert that the root loads no AWS SDK module
 * and no driver (an assertion on module loading holds on every machine; times are only printed, never asserted).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** How the entry is loaded: ESM `import` or CommonJS `require`. */
export type ModuleFormat = 'esm' | 'cjs';

/**
 * Records every module a fresh process loads: ESM through a `load` hook (it runs off-thread, so it appends to a log
 * file), CommonJS through `require.cache` (one cache, also for CommonJS loaded from ESM).
 */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.ESA_MODULE_LOG, url + '\\n');
  return next(url, context);
}`;

function probeProgram(specifier: string, format: ModuleFormat): string {
  const spec = JSON.stringify(specifier);
  if (format === 'cjs') {
    return `const started = performance.now(); require(${spec}); const ms = performance.now() - started;
console.log(JSON.stringify({ ms, modules: Object.keys(require.cache) }));`;
  }
  return `import { createRequire, register } from 'node:module';
import { readFileSync } from 'node:fs';
if (process.env.ESA_MODULE_LOG) register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});
const started = performance.now(); await import(${spec}); const ms = performance.now() - started;
const esm = process.env.ESA_MODULE_LOG ? readFileSync(process.env.ESA_MODULE_LOG, 'utf8').split('\\n').filter(Boolean) : [];
console.log(JSON.stringify({ ms, modules: [...esm, ...Object.keys(createRequire(import.meta.url).cache)] }));`;
}

async function probe(specifier: string, format: ModuleFormat, cwd: string, recordModules: boolean): Promise<{ ms: number; modules: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'esa-import-'));
  try {
    const log = join(dir, 'modules.log');
    writeFileSync(log, '');
    const args = format === 'esm' ? ['--input-type=module', '-e', probeProgram(specifier, format)] : ['-e', probeProgram(specifier, format)];
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    delete env.NODE_OPTIONS; // no tsx/vitest loaders from the parent
    if (recordModules) env.ESA_MODULE_LOG = log;
    const { stdout } = await execFileAsync(process.execPath, args, { cwd, env });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number; modules: string[] };
    return { ms: result.ms, modules: result.modules.map((module) => (module.startsWith('file:') ? fileURLToPath(module) : module)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every module (file path, or `node:` builtin) that importing `specifier` from `cwd` loads, in a fresh process. */
export async function modulesLoadedBy(specifier: string, format: ModuleFormat, cwd: string): Promise<string[]> {
  return [...new Set((await probe(specifier, format, cwd, true)).modules)];
}

/** Class declarations that identify a driver's code in the bundle, whichever chunk it landed in. */
const DRIVER_CLASSES = ['MemoryKvDriver', 'MemoryBlobDriver', 'DynamoDbKvDriver', 'S3BlobDriver'] as const;

/**
 * What in `modules` a core-only import must not load: any AWS SDK (`@aws-sdk/*`, `@smithy/*`) module, and any module
 * of this package that declares a driver class (drivers/memory, drivers/dynamodb, drivers/s3). Empty when clean.
 */
export function loadProblems(modules: readonly string[]): string[] {
  const problems: string[] = [];
  for (const module of modules) {
    const normalized = module.replaceAll('\\', '/');
    if (/\/node_modules\/@(aws-sdk|smithy)\//.test(normalized)) {
      problems.push(`AWS SDK module: ${normalized.slice(normalized.lastIndexOf('/node_modules/') + 14)}`);
      continue;
    }
    if (!/\/dist\/.*\.(c|m)?js$/.test(normalized) || normalized.includes('/node_modules/@') || /\/node_modules\/(?!event-store-adapter-dynamodb\/)/.test(normalized)) continue;
    const source = readFileSync(module, 'utf8');
    for (const name of DRIVER_CLASSES) if (new RegExp(`\\bclass ${name}\\b|\\b${name} = class\\b`).test(source)) problems.push(`driver ${name} in ${normalized}`);
  }
  return problems;
}

/** Median wall time of importing `specifier` (the import alone, not Node's start-up), over `runs` fresh processes. */
export async function medianImportMs(specifier: string, format: ModuleFormat, cwd: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) times.push((await probe(specifier, format, cwd, false)).ms);
  times.sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  return times.length % 2 === 1 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
}

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag === -1 ? 10 : Number(process.argv[runsFlag + 1]);
  const rootFlag = process.argv.indexOf('--root');
  const root = rootFlag === -1 ? resolve(import.meta.dirname, '..') : resolve(process.argv[rootFlag + 1]!);
  const name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;
  const entries: [string, ModuleFormat][] = [
    [name, 'esm'],
    [name, 'cjs'],
    [`${name}/memory`, 'esm'],
    [`${name}/dynamodb`, 'esm'],
    [`${name}/s3`, 'esm'],
  ];
  console.log(`node ${process.version}, median of ${runs} fresh processes (import time only), modules loaded:`);
  for (const [specifier, format] of entries) {
    const modules = await modulesLoadedBy(specifier, format, root);
    const aws = modules.filter((module) => /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/]/.test(module)).length;
    const problems = loadProblems(modules).filter((problem) => !problem.startsWith('AWS SDK'));
    const ms = await medianImportMs(specifier, format, root, runs);
    console.log(
      `${`${specifier} (${format})`.padEnd(46)} ${ms.toFixed(1).padStart(7)} ms  ${String(modules.length).padStart(4)} modules, ${String(aws).padStart(4)} AWS SDK` +
        (problems.length > 0 ? `, drivers: ${[...new Set(problems.map((problem) => problem.split(' ')[1]))].join(', ')}` : ''),
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
