/**
 * `npm run check:apps`: the example apps as users install them. The package is packed (`npm pack`, which builds
 * it); each app of `examples/apps/` (`framework-5x`: `@schemeless/event-store` 5.0.1; `v6`: the V6 runtime rc.5)
 * is copied to a temporary directory, its dependency on this package pointed at the tarball, installed by npm from
 * the local cache (`--prefer-offline`), compiled by its own TypeScript with `skipLibCheck: false` (the framework's
 * declarations are checked too, and the apps' compile-time checks that `makeEventStore` and `EventFlow` keep their
 * types), then run. A control then removes the 5.x app's `framework-5x` import and expects the compiler to report
 * the framework's missing types, so the check is known to detect them. Exits non-zero on any failure.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packedPackage, removePackedPackage } from './packed-package.js';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'esa-apps-'));
const APPS = ['framework-5x', 'v6'] as const;
/** The import that gives the 5.x framework its types (removed by the control). */
const COMPAT_IMPORT = "import type {} from 'event-store-adapter-dynamodb/framework-5x';";

/** Run a command; its stdout (stderr passes through). Throws on a non-zero exit. */
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: process.env }).toString();

try {
  const { tarball } = packedPackage();
  for (const name of APPS) {
    const app = join(work, name);
    cpSync(join(root, 'examples', 'apps', name), app, {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|dist)$/.test(source) && !source.endsWith('package-lock.json'),
    });
    const manifestPath = join(app, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
    manifest.dependencies['event-store-adapter-dynamodb'] = `file:${tarball}`;
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
    const tsconfig = JSON.parse(readFileSync(join(app, 'tsconfig.json'), 'utf8')) as { compilerOptions: { skipLibCheck?: boolean } };
    if (tsconfig.compilerOptions.skipLibCheck !== false) throw new Error(`${name}: tsconfig.json must set skipLibCheck: false`);
    run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], app);
    console.log(`${name}: installed from the tarball, type-checked with skipLibCheck: false: ok`);
    const output = run('node', [join('dist', 'app.js')], app).trimEnd();
    console.log(output.replace(/^/gm, `  ${name} | `));
  }

  // The control: without the framework-5x types, the 5.x framework's own declarations do not compile.
  const app = join(work, 'framework-5x');
  const source = join(app, 'src', 'app.ts');
  const text = readFileSync(source, 'utf8');
  if (!text.includes(COMPAT_IMPORT)) throw new Error(`framework-5x: src/app.ts no longer has ${COMPAT_IMPORT}`);
  writeFileSync(source, text.replace(COMPAT_IMPORT, ''));
  let output = '';
  try {
    run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.', '--noEmit', '--pretty', 'false'], app);
  } catch (error) {
    output = String((error as { stdout?: Buffer }).stdout ?? '');
  }
  if (!/@schemeless\/event-store\/dist\/.*has no exported member.*'EventFlow'/.test(output))
    throw new Error(`the control compiled without the framework-5x types: the check would not notice them missing\n${output}`);
  console.log(
    `control: without framework-5x, tsc reports ${output.match(/error TS/g)?.length ?? 0} errors (the framework's .d.ts included): ok`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
  removePackedPackage();
}
