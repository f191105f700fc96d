/**
 * This package as users get it, packed ONCE per process: `npm pack` (whose `prepack` builds `dist/`) into a
 * temporary folder, and the tarball extracted beside it. `npm run check:package` checks the extracted contents and
 * installs the tarball into an app; the CLI's test (`test/ops/cli.real.test.ts`) runs the extracted bin over this
 * worktree's `node_modules`. With `PACKED_TARBALL` set to a tarball packed earlier in the same run (a CI job that
 * runs both), nothing is packed again: that tarball is extracted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The packed package: the tarball and its extracted contents. */
export interface PackedPackage {
  /** The `.tgz` that `npm pack` wrote (or `PACKED_TARBALL`). */
  readonly tarball: string;
  /** The extracted package folder (the tarball's `package/`). */
  readonly dir: string;
  /** The `event-store-dynamodb` bin inside `dir`, as the manifest's `bin` names it. */
  readonly bin: string;
}

/** The repository root: what `npm pack` packs. */
const ROOT = resolve(import.meta.dirname, '..');

let packed: (PackedPackage & { readonly work: string }) | undefined;

/**
 * The package, packed on the first call of the process and the same afterwards. `linkModules`: link this
 * repository's `node_modules` into the extracted folder, so its bin and modules run without an install. Call
 * {@link removePackedPackage} when done (a `PACKED_TARBALL` given is left alone).
 */
export function packedPackage(options: { readonly linkModules?: boolean } = {}): PackedPackage {
  packed ??= pack();
  const modules = join(packed.dir, 'node_modules');
  if (options.linkModules && !existsSync(modules)) symlinkSync(join(ROOT, 'node_modules'), modules);
  return packed;
}

/** Remove the temporary folder of the pack (the next {@link packedPackage} packs again). */
export function removePackedPackage(): void {
  if (packed) rmSync(packed.work, { recursive: true, force: true });
  packed = undefined;
}

function pack(): PackedPackage & { readonly work: string } {
  const work = mkdtempSync(join(tmpdir(), 'esa-packed-'));
  const given = process.env.PACKED_TARBALL;
  if (given !== undefined && given !== '' && !existsSync(given)) throw new Error(`PACKED_TARBALL: no file ${given}`);
  let tarball = given;
  if (tarball === undefined || tarball === '') {
    execFileSync('npm', ['pack', '--loglevel=error', '--pack-destination', work], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    tarball = join(work, readdirSync(work).find((file) => file.endsWith('.tgz'))!);
  }
  execFileSync('tar', ['xzf', tarball, '-C', work]);
  const dir = join(work, 'package');
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  return { work, tarball, dir, bin: join(dir, manifest.bin['event-store-dynamodb']!) };
}
