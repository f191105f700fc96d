/**
 * What importing each package entry costs: which modules it loads and how long it takes, in fresh Node processes
 * against the BUILT package (`npm run build` first). `npx tsx scripts/import-cost.ts [--runs 10] [--compare OLD_DIR]`
 * prints a table; `scripts/check-package.ts` uses `modulesLoadedBy` / `loadProblems` to assert that the root loads no AWS SDK module
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

/**
 * Run `node ...args` in a fresh process from `cwd` (no parent loaders), with the module log when `recordModules`:
 * its stdout and the logged modules. A failing process throws, unless `tolerateFailure` (its exit code is not the point).
 */
async function runLogged(
  args: readonly string[],
  cwd: string,
  options: { recordModules: boolean; tolerateFailure?: boolean; extraEnv?: NodeJS.ProcessEnv },
): Promise<{ stdout: string; logged: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'esa-import-'));
  try {
    const log = join(dir, 'modules.log');
    writeFileSync(log, '');
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.extraEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    delete env.NODE_OPTIONS; // no tsx/vitest loaders from the parent
    if (options.recordModules) env.ESA_MODULE_LOG = log;
    const running = execFileAsync(process.execPath, [...args], { cwd, env });
    const { stdout } = options.tolerateFailure
      ? await running.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }))
      : await running;
    return { stdout, logged: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** File paths for `file:` URLs; builtins as they are. */
const modulePaths = (modules: readonly string[]): string[] =>
  modules.map((module) => (module.startsWith('file:') ? fileURLToPath(module) : module));

async function probe(
  specifier: string,
  format: ModuleFormat,
  cwd: string,
  recordModules: boolean,
): Promise<{ ms: number; modules: string[] }> {
  const args = format === 'esm' ? ['--input-type=module', '-e', probeProgram(specifier, format)] : ['-e', probeProgram(specifier, format)];
  const { stdout } = await runLogged(args, cwd, { recordModules });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number; modules: string[] };
  return { ms: result.ms, modules: modulePaths(result.modules) };
}

/** Every module (file path, or `node:` builtin) that importing `specifier` from `cwd` loads, in a fresh process. */
export async function modulesLoadedBy(specifier: string, format: ModuleFormat, cwd: string): Promise<string[]> {
  return [...new Set((await probe(specifier, format, cwd, true)).modules)];
}

/**
 * Every module (file path, or `node:` builtin) a fresh `node <script> ...args` process loads from `cwd` (ESM through
 * the same `load` hook, registered by `--import`): how the CLI's start-up is checked. The exit code is ignored.
 */
export async function modulesLoadedByRunning(
  script: string,
  args: readonly string[],
  cwd: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<string[]> {
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;
  const { logged } = await runLogged(['--import', `data:text/javascript,${encodeURIComponent(register)}`, script, ...args], cwd, {
    recordModules: true,
    tolerateFailure: true,
    extraEnv,
  });
  return [...new Set(modulePaths(logged))];
}

/** Classes that identify a driver's code in the build, whichever file it landed in (`class X`, esbuild's `X = class`, sucrase's `X = (_class = class`). */
const DRIVER_CLASSES = ['MemoryKvDriver', 'MemoryBlobDriver', 'DynamoDbKvDriver', 'S3BlobDriver'] as const;

/**
 * What in `modules` a core-only import must not load: any AWS SDK (`@aws-sdk/*`, `@smithy/*`) or OpenTelemetry module, and any module
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
    if (/\/node_modules\/@opentelemetry\//.test(normalized)) {
      // The optional peer loads when a store is constructed (src/telemetry/api.ts), never on import.
      problems.push(`OpenTelemetry module: ${normalized.slice(normalized.lastIndexOf('/node_modules/') + 14)}`);
      continue;
    }
    if (/\/node_modules\/(commander|cli-progress)\//.test(normalized)) {
      problems.push(`CLI library: ${normalized.slice(normalized.lastIndexOf('/node_modules/') + 14)}`);
      continue;
    }
    if (
      !/\/dist\/.*\.(c|m)?js$/.test(normalized) ||
      normalized.includes('/node_modules/@') ||
      /\/node_modules\/(?!event-store-adapter-dynamodb\/)/.test(normalized)
    )
      continue;
    const source = readFileSync(module, 'utf8');
    for (const name of DRIVER_CLASSES)
      if (new RegExp(`\\bclass ${name}\\b|\\b${name} = \\(?(?:_class\\d* = )?class\\b`).test(source))
        problems.push(`driver ${name} in ${normalized}`);
  }
  return problems;
}

/** Median of `values`. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Median wall time of importing `specifier` (the import alone, not Node's start-up) from each of `cwds`, over `runs`
 * fresh processes each; the directories take turns run by run, so that they share whatever load the machine has.
 */
export async function medianImportMs(specifier: string, format: ModuleFormat, cwds: readonly string[], runs: number): Promise<number[]> {
  const times = cwds.map((): number[] => []);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, cwd] of cwds.entries()) times[index]!.push((await probe(specifier, format, cwd, false)).ms);
  }
  return times.map(median);
}

const flag = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};

/**
 * `--runs N` (default 10); `--root DIR`: a package directory (package.json + dist + node_modules) other than this
 * one; `--compare DIR`: a second one (e.g. an older build) measured turn about with the first, in its own column.
 */
async function main(): Promise<void> {
  const runs = Number(flag('--runs') ?? 10);
  const root = resolve(flag('--root') ?? resolve(import.meta.dirname, '..'));
  const compare = flag('--compare');
  const roots = compare === undefined ? [root] : [resolve(compare), root];
  const name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;
  const entries: [string, ModuleFormat][] = [
    [name, 'esm'],
    [name, 'cjs'],
    [`${name}/memory`, 'esm'],
    [`${name}/dynamodb`, 'esm'],
    [`${name}/s3`, 'esm'],
  ];
  console.log(`node ${process.version}, median import time (import alone, not Node's start-up) of ${runs} fresh processes; modules loaded`);
  if (compare !== undefined) console.log(`columns: ${roots.join(' | ')}`);
  for (const [specifier, format] of entries) {
    const loads = await Promise.all(
      roots.map(async (cwd) => {
        const modules = await modulesLoadedBy(specifier, format, cwd);
        const aws = modules.filter((module) => /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/]/.test(module)).length;
        const drivers = [
          ...new Set(
            loadProblems(modules)
              .filter((problem) => problem.startsWith('driver '))
              .map((problem) => problem.split(' ')[1]),
          ),
        ];
        return `${String(modules.length).padStart(4)} modules, ${String(aws).padStart(3)} AWS SDK${drivers.length > 0 ? `, drivers: ${drivers.join(' ')}` : ''}`;
      }),
    );
    const times = await medianImportMs(specifier, format, roots, runs);
    console.log(
      `${`${specifier} (${format})`.padEnd(44)} ${roots.map((_, index) => `${times[index]!.toFixed(1).padStart(7)} ms (${loads[index]})`).join(' | ')}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
