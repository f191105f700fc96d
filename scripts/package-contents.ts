/**
 * What the published package must and must not contain, checked on an unpacked tarball (`package/`): used by
 * `scripts/check-package.ts` (CI) on the real `npm pack` output, and tested on small fixtures.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Files every release ships besides the manifest's entry points: the licence, the README and the user docs. */
export const REQUIRED_FILES = ['LICENSE', 'README.md', 'package.json', 'docs/usage.md', 'docs/operations.md', 'docs/errors.md'] as const;

/** Paths that never ship: tests, the bench, the repository's tooling and scratch files, TypeScript sources. */
const FORBIDDEN: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /(^|\/)test\//, why: 'tests' },
  { pattern: /\.(test|spec)\.[cm]?[jt]sx?$/, why: 'a test file' },
  { pattern: /\.(test|spec)\.d\.[cm]?ts$/, why: 'a test declaration' },
  { pattern: /(^|\/)bench\//, why: 'the bench' },
  { pattern: /(^|\/)(scratch|\.ci|\.github|coverage|\.bench)\//, why: 'repository tooling' },
  { pattern: /^(src|drivers|ops|cli|contract-tests|scripts|examples)\/.*\.ts$/, why: 'a TypeScript source (dist holds the build)' },
  { pattern: /(^|\/)node_modules\//, why: 'node_modules' },
  { pattern: /\.tgz$/, why: 'a tarball' },
];

/** Every file under `dir`, as paths relative to it with `/` separators. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

/** The files the manifest points at: `main`, `module`, `types`, `bin` and every `exports` target. */
export function manifestTargets(manifest: Record<string, unknown>): string[] {
  const targets = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (typeof value === 'object' && value !== null) for (const nested of Object.values(value)) add(nested);
  };
  for (const field of ['main', 'module', 'types', 'bin', 'exports']) add(manifest[field]);
  return [...targets].filter((target) => !target.endsWith('package.json')).sort();
}

/** What is wrong with the unpacked package at `dir`: missing required files, forbidden files, maps embedding sources. */
export function packageContentProblems(dir: string): string[] {
  const problems: string[] = [];
  const files = listFiles(dir);
  const present = new Set(files);
  for (const file of REQUIRED_FILES) if (!present.has(file)) problems.push(`missing ${file}`);
  if (present.has('package.json')) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const target of manifestTargets(manifest)) if (!present.has(target)) problems.push(`missing ${target} (named in package.json)`);
    if (manifest.license === 'MIT' && present.has('LICENSE') && !/MIT License/.test(readFileSync(join(dir, 'LICENSE'), 'utf8')))
      problems.push('LICENSE is not the MIT licence package.json names');
  }
  for (const file of files) {
    const forbidden = FORBIDDEN.find((rule) => rule.pattern.test(file));
    if (forbidden) problems.push(`ships ${file} (${forbidden.why})`);
    if (file.endsWith('.map')) {
      const map = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sourcesContent?: unknown[] };
      if (Array.isArray(map.sourcesContent) && map.sourcesContent.some((content) => typeof content === 'string'))
        problems.push(`${file} embeds its sources (sourcesContent)`);
    }
  }
  return problems;
}

/** Bytes of every file under `dir` (the unpacked size `npm pack` reports), and the share of source maps in it. */
export function unpackedSize(dir: string): { bytes: number; mapBytes: number } {
  let bytes = 0;
  let mapBytes = 0;
  for (const file of listFiles(dir)) {
    const size = statSync(join(dir, file)).size;
    bytes += size;
    if (file.endsWith('.map')) mapBytes += size;
  }
  return { bytes, mapBytes };
}
