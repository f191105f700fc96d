import { defineConfig } from 'tsup';

/** Dual ESM + CommonJS build with type declarations, one entry per package subpath. */
export default defineConfig({
  entry: {
    'src/index': 'src/index.ts',
    'drivers/memory/index': 'drivers/memory/index.ts',
    'drivers/dynamodb/index': 'drivers/dynamodb/index.ts',
    'drivers/s3/index': 'drivers/s3/index.ts',
    'contract-tests/index': 'contract-tests/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true, // one copy of shared modules (the error class above all) across subpath entries
  external: ['vitest', 'fast-check'],
});
