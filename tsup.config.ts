import { defineConfig, type Options } from 'tsup';

/**
 * Settings of both builds. `keepNames`: esbuild renames classes it must disambiguate (`_EventStoreAdapterError`),
 * which `console.log(error)` and `error.constructor.name` would show; the error classes also set `name` themselves.
 * Source maps without `sourcesContent`: stack traces still map to `src/….ts` lines (`--enable-source-maps`), and
 * the package does not ship its sources a second time inside the maps (they were 61% of its unpacked size).
 */
const shared: Options = {
  sourcemap: true,
  keepNames: true,
  clean: false, // `npm run build` empties dist first (two configs build in parallel)
  target: 'node20',
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
};

/**
 * Dual ESM + CommonJS build with type declarations, one entry per package subpath; and the CLI (`bin`), ESM only,
 * with its shebang, its commands split into a chunk it imports on demand. The CLI's libraries (commander,
 * cli-progress) are imported by `cli/` only: the package root and `/ops` never load them.
 */
export default defineConfig([
  {
    ...shared,
    entry: {
      'src/index': 'src/index.ts',
      'drivers/memory/index': 'drivers/memory/index.ts',
      'drivers/dynamodb/index': 'drivers/dynamodb/index.ts',
      'drivers/s3/index': 'drivers/s3/index.ts',
      'contract-tests/index': 'contract-tests/index.ts',
      'ops/index': 'ops/index.ts',
      'kms/index': 'kms/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true, // one copy of shared modules (the error class above all) across subpath entries
    external: ['vitest', 'fast-check', '@aws-sdk/client-kms'],
    shims: true, // `import.meta.url` in the CommonJS build (src/telemetry/api.ts resolves the optional OpenTelemetry peer with it)
  },
  {
    ...shared,
    entry: { 'cli/main': 'cli/main.ts' },
    format: ['esm'],
    dts: false,
    // The commands (and the AWS SDK they import) in a chunk of their own, loaded by `import()` only when a command
    // runs: `--help`, `--version` and the infrastructure printers start without the SDK.
    splitting: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
