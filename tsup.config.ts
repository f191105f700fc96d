import { defineConfig } from 'tsup';

/**
 * Dual ESM + CommonJS build with type declarations, one entry per package subpath; and the CLI (`bin`), ESM only,
 * with its shebang, its commands split into a chunk it imports on demand. The CLI's libraries (commander,
 * cli-progress) are imported by `cli/` only: the package root and `/ops` never load them.
 */
export default defineConfig([
  {
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
    sourcemap: true,
    clean: false, // `npm run build` empties dist first (two configs build in parallel)
    target: 'node20',
    splitting: true, // one copy of shared modules (the error class above all) across subpath entries
    external: ['vitest', 'fast-check', '@aws-sdk/client-kms'],
    shims: true, // `import.meta.url` in the CommonJS build (src/telemetry/api.ts resolves the optional OpenTelemetry peer with it)
  },
  {
    entry: { 'cli/main': 'cli/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    // The commands (and the AWS SDK they import) in a chunk of their own, loaded by `import()` only when a command
    // runs: `--help`, `--version` and the infrastructure printers start without the SDK.
    splitting: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
