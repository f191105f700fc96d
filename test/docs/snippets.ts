/**
 * Every ```ts block of README.md and docs/**\/*.md is a complete module: `snippets.test.ts` writes each to
 * `test/docs/.snippets/` (git-ignored; `snippets.real.test.ts` to `.snippets-local/`, so the two files never share a folder), type-checks them all with `tsc` against the package's sources (the package
 * name and its subpaths are mapped to `src/`, `drivers/`, ... by `paths`), and runs the ones whose fence says so:
 *
 * - ```` ```ts run ````: runs on the in-memory twin (no servers);
 * - ```` ```ts run=local ````: runs against DynamoDB Local and the S3 server the test run starts, whose endpoints it
 *   gets as `DYNAMODB_ENDPOINT` and `S3_ENDPOINT` (skipped, loudly, when they are not running outside CI).
 *
 * A block that is not a whole program is not a ```ts block: use ```text for signatures and outlines.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { codeBlocks, read, rel, ROOT } from './markdown.js';

/** Where the twin's test writes the snippets. */
export const SNIPPET_DIR = join(ROOT, 'test', 'docs', '.snippets');
/** Where the real-server test writes them: its own folder, as the two test files may run at once and each empties its folder. */
export const LOCAL_SNIPPET_DIR = join(ROOT, 'test', 'docs', '.snippets-local');

/** The package's entry points, as a consumer imports them, and the source each maps to. */
export const PACKAGE_PATHS: Record<string, string> = {
  'event-store-adapter-dynamodb': 'src/index.ts',
  'event-store-adapter-dynamodb/memory': 'drivers/memory/index.ts',
  'event-store-adapter-dynamodb/dynamodb': 'drivers/dynamodb/index.ts',
  'event-store-adapter-dynamodb/s3': 'drivers/s3/index.ts',
  'event-store-adapter-dynamodb/contract-tests': 'contract-tests/index.ts',
  'event-store-adapter-dynamodb/ops': 'ops/index.ts',
  'event-store-adapter-dynamodb/kms': 'kms/index.ts',
  'event-store-adapter-dynamodb/framework-5x': 'compat/framework-5x.d.ts',
};

export interface Snippet {
  /** Where it is written. */
  file: string;
  /** `docs/x.md:12`, the first line of its code. */
  origin: string;
  /** `'twin'`, `'local'` or `undefined` (compiled only). */
  run?: 'twin' | 'local';
  /** Lines added before the block's first line (to map compiler lines back). */
  offset: number;
}

const TS_LANGS = new Set(['ts', 'typescript', 'mts']);

/**
 * Extracts the ts blocks of `files` into `dir` (emptied first; a folder two levels below test/, like SNIPPET_DIR),
 * with a tsconfig mapping the package to its sources.
 */
export function writeSnippets(files: string[], dir: string = SNIPPET_DIR): Snippet[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const snippets: Snippet[] = [];
  for (const path of files) {
    const blocks = codeBlocks(read(path)).filter((block) => TS_LANGS.has(block.lang));
    blocks.forEach((block, index) => {
      const name = `${rel(path).replace(/[^a-zA-Z0-9]+/g, '_')}_${String(index + 1).padStart(2, '0')}.ts`;
      const origin = `${rel(path)}:${block.line}`;
      const run = block.flags.includes('run') ? 'twin' : block.flags.includes('run=local') ? 'local' : undefined;
      const header = `// ${origin} (extracted by test/docs/snippets.ts)\n`;
      writeFileSync(join(dir, name), `${header}${block.code}\nexport {};\n`);
      snippets.push({ file: join(dir, name), origin, ...(run ? { run } : {}), offset: 1 });
    });
  }
  const up = '../../../';
  const tsconfig = {
    extends: `${up}tsconfig.json`,
    compilerOptions: {
      noUnusedLocals: false,
      noUnusedParameters: false,
      paths: Object.fromEntries(Object.entries(PACKAGE_PATHS).map(([name, source]) => [name, [`${up}${source}`]])),
    },
    include: ['*.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  return snippets;
}

/** `tsc --noEmit` over the snippets: the compiler's messages, each snippet's lines mapped back to its markdown. */
export function typeCheck(snippets: Snippet[]): string[] {
  const dir = snippets.length > 0 ? dirname(snippets[0]!.file) : SNIPPET_DIR;
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  const byName = new Map(snippets.map((snippet) => [snippet.file.slice(dir.length + 1), snippet]));
  const errors = `${result.stdout}${result.stderr}`
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /(?:^|[\\/])([^\\/(]+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
      const snippet = match ? byName.get(match[1]!) : undefined;
      if (!match || !snippet) return line;
      const [file, first] = snippet.origin.split(':');
      return `${file}:${Number(first) + Number(match[2]) - 1 - snippet.offset}:${match[3]}: ${match[4]}`;
    });
  if (result.status !== 0 && errors.length === 0) errors.push(`tsc exited with ${result.status}`);
  return errors;
}

/** Runs the snippets in one tsx process, in order; resolves to each one's failure (none: `[]`). */
export function runSnippets(snippets: Snippet[], env: Record<string, string>, timeoutMs: number): string[] {
  if (snippets.length === 0) return [];
  const dir = dirname(snippets[0]!.file);
  const runner = join(dir, 'run-snippets.mts');
  const lines = snippets.map(
    (snippet) =>
      `try { await import(${JSON.stringify(`./${snippet.file.slice(dir.length + 1)}`)}); console.log('SNIPPET-OK', ${JSON.stringify(snippet.origin)}); }\n` +
      `catch (error) { console.log('SNIPPET-FAILED', ${JSON.stringify(snippet.origin)}, JSON.stringify(error instanceof Error ? (error.stack ?? error.message) : String(error))); }`,
  );
  writeFileSync(runner, `${lines.join('\n')}\nprocess.exit(0);\nexport {};\n`);
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', join(dir, 'tsconfig.json'), runner],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    },
  );
  const output = `${result.stdout}${result.stderr}`;
  const failures: string[] = [];
  for (const snippet of snippets) {
    if (output.includes(`SNIPPET-OK ${snippet.origin}`)) continue;
    const failed = output.indexOf(`SNIPPET-FAILED ${snippet.origin}`);
    failures.push(
      failed === -1
        ? `${snippet.origin}: did not finish (exit ${result.status}, ${result.error?.message ?? 'no error'}):\n${output.slice(-2_000)}`
        : `${snippet.origin}: ${JSON.parse(output.slice(failed + 'SNIPPET-FAILED '.length + snippet.origin.length + 1).split('\n')[0]!)}`,
    );
  }
  return failures;
}
