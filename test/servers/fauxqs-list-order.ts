import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * fauxqs 1.9 lists objects in `localeCompare` order and resumes a page with a UTF-16 `<=` comparison, while real S3
 * lists in ascending UTF-8 byte order (so `B` < `a` < `～` < `😀`). This patch makes its in-memory store list in
 * S3's order, so the S3 driver's listing contract is tested against S3's real behaviour. It only reorders the
 * listing (and the resume point); everything else is fauxqs's own code.
 *
 * fauxqs runs in this process (the global setup), and its store class is a module singleton, so patching the
 * class's prototype here changes the running server. Returns `false` (leaving fauxqs unpatched) when the store
 * module does not have the shape this patch was written for (another fauxqs version).
 */
export async function patchFauxqsListOrder(): Promise<boolean> {
  const storePath = fauxqsStorePath();
  if (storePath === undefined) return false;
  const module = (await import(pathToFileURL(storePath).href)) as { S3Store?: { prototype: Record<string, unknown> } };
  const prototype = module.S3Store?.prototype;
  const original = prototype?.listObjects;
  if (prototype === undefined || typeof original !== 'function') return false;
  if ((original as { patchedForUtf8Order?: boolean }).patchedForUtf8Order === true) return true;

  const listInUtf8Order = function (this: StoreShape, bucket: string, options?: ListOptions): ListResult {
    const objects = this.buckets?.get(bucket);
    if (objects === undefined) return (original as (...args: unknown[]) => ListResult).call(this, bucket, options); // throws NoSuchBucket
    const prefix = options?.prefix ?? '';
    const delimiter = options?.delimiter;
    const maxKeys = options?.maxKeys ?? 1000;
    const startAfter = options?.startAfter ?? options?.marker ?? '';
    const sorted = [...objects.values()].filter((object) => object.key.startsWith(prefix)).sort((a, b) => compareUtf8(a.key, b.key));
    const result: StoredObject[] = [];
    const commonPrefixes = new Set<string>();
    let count = 0;
    let isTruncated = false;
    for (const object of sorted) {
      if (startAfter !== '' && compareUtf8(object.key, startAfter) <= 0) continue;
      if (delimiter) {
        const rest = object.key.slice(prefix.length);
        const at = rest.indexOf(delimiter);
        if (at >= 0) {
          const common = prefix + rest.slice(0, at + delimiter.length);
          if (startAfter !== '' && compareUtf8(common, startAfter) <= 0) continue;
          if (!commonPrefixes.has(common)) {
            if (count >= maxKeys) {
              isTruncated = true;
              break;
            }
            commonPrefixes.add(common);
            count += 1;
          }
          continue;
        }
      }
      if (count >= maxKeys) {
        isTruncated = true;
        break;
      }
      result.push(object);
      count += 1;
    }
    return { objects: result, commonPrefixes: [...commonPrefixes].sort(compareUtf8), isTruncated };
  };
  Object.assign(listInUtf8Order, { patchedForUtf8Order: true });
  prototype.listObjects = listInUtf8Order;
  return true;
}

/** The store module's file: fauxqs's `exports` hides it, so it is found beside the package in node_modules. */
function fauxqsStorePath(): string | undefined {
  const require = createRequire(import.meta.url);
  for (const folder of require.resolve.paths('fauxqs') ?? []) {
    const candidate = join(folder, 'fauxqs', 'dist', 's3', 's3Store.js');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Compare two strings by the bytes of their UTF-8 encodings, as S3 orders keys. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

interface StoredObject {
  readonly key: string;
}
interface StoreShape {
  readonly buckets?: Map<string, Map<string, StoredObject>>;
}
interface ListOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxKeys?: number;
  readonly startAfter?: string;
  readonly marker?: string;
}
interface ListResult {
  readonly objects: StoredObject[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
}
