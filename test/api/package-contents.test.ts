/** The package-contents check of `npm run check:package` (scripts/package-contents.ts), on small unpacked packages. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestTargets, packageContentProblems, unpackedSize } from '../../scripts/package-contents.js';

const root = mkdtempSync(join(tmpdir(), 'package-contents-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;

/** An unpacked package with `files` (path → content). */
function unpacked(files: Record<string, string>): string {
  const dir = join(root, `p${++count}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const manifest = JSON.stringify({
  license: 'MIT',
  main: './dist/index.cjs',
  bin: { tool: './dist/cli.js' },
  exports: { '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' } }, './package.json': './package.json' },
});
const good = {
  'package.json': manifest,
  LICENSE: 'MIT License\n\nCopyright (c) 2026 event-store-adapter-dynamodb contributors\n',
  'README.md': '# x',
  'docs/usage.md': '# usage',
  'docs/operations.md': '# operations',
  'docs/errors.md': '# errors',
  'dist/index.cjs': '',
  'dist/index.js': '',
  'dist/index.d.ts': '',
  'dist/cli.js': '',
  'dist/index.js.map': JSON.stringify({ version: 3, sources: ['../../src/index.ts'], mappings: '' }),
};

describe('package contents', () => {
  it('accepts a package with its licence, entry points, docs and maps without sources', () => {
    expect(packageContentProblems(unpacked(good))).toEqual([]);
    expect(manifestTargets(JSON.parse(manifest))).toEqual(['dist/cli.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.js']);
  });

  it('names a missing licence, a missing entry point and missing docs', () => {
    const { LICENSE: _licence, 'dist/cli.js': _bin, 'docs/errors.md': _errors, ...rest } = good;
    expect(packageContentProblems(unpacked(rest))).toEqual([
      'missing LICENSE',
      'missing docs/errors.md',
      'missing dist/cli.js (named in package.json)',
    ]);
  });

  it('names maps embedding their sources, tests, the bench and TypeScript sources', () => {
    const problems = packageContentProblems(
      unpacked({
        ...good,
        'dist/index.js.map': JSON.stringify({ version: 3, sources: ['../../src/index.ts'], sourcesContent: ['export {}'], mappings: '' }),
        'dist/test/e2e.test.js': '',
        'bench/run.ts': '',
        'src/index.ts': '',
      }),
    );
    expect(problems).toEqual([
      'ships bench/run.ts (the bench)',
      'dist/index.js.map embeds its sources (sourcesContent)',
      'ships dist/test/e2e.test.js (tests)',
      'ships src/index.ts (a TypeScript source (dist holds the build))',
    ]);
  });

  it('measures the unpacked size and the maps in it', () => {
    const size = unpackedSize(unpacked({ 'package.json': '{}', 'a.js': 'x'.repeat(100), 'a.js.map': 'y'.repeat(50) }));
    expect(size).toEqual({ bytes: 152, mapBytes: 50 });
  });
});
