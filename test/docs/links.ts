/**
 * The link checker: every relative link of README.md and docs/**\/*.md must name a file that exists, and its
 * `#anchor` must be one the target file defines (a heading's GitHub slug or an `<a id>`). Links to the web
 * (`http:`, `https:`, `mailto:`) are not fetched. `npm test` runs it (`links.test.ts`); by hand: `npx tsx test/docs/links.ts`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { anchors, API_DIR, links, read, rel, userDocs } from './markdown.js';
import { NOT_YET_CHECKED, PAGES_IN_PROGRESS } from './not-yet-checked.js';

export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/**
 * Checks the links of `files`. Links into the generated API reference (`docs/api/`) are checked when it has been
 * generated; when it has not, `requireApi` decides: a broken link (CI) or accepted unchecked (a local run).
 */
export function brokenLinks(files: string[], options: { requireApi?: boolean } = {}): BrokenLink[] {
  const apiGenerated = existsSync(API_DIR);
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (path: string) => {
    let found = anchorCache.get(path);
    if (!found) anchorCache.set(path, (found = anchors(read(path))));
    return found;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    for (const { target, line } of links(read(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      const hashAt = target.indexOf('#');
      const pathPart = decodeURIComponent(hashAt === -1 ? target : target.slice(0, hashAt));
      const anchor = hashAt === -1 ? undefined : decodeURIComponent(target.slice(hashAt + 1));
      const path = pathPart === '' ? file : resolve(dirname(file), pathPart);
      const report = (reason: string) => broken.push({ file: rel(file), line, target, reason });
      if (path === API_DIR || path.startsWith(API_DIR + sep)) {
        if (!apiGenerated) {
          if (options.requireApi) report('docs/api/ is not generated: run `npm run docs:api` first');
          continue;
        }
      }
      if (!existsSync(path)) {
        if (PAGES_IN_PROGRESS.has(rel(path))) continue;
        report('no such file');
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      const page = statSync(path).isDirectory() ? join(path, 'README.md') : path;
      if (!page.endsWith('.md') || !existsSync(page)) {
        report('an anchor into a file that is not markdown');
        continue;
      }
      if (!anchorsOf(page).has(anchor)) report(`no anchor #${anchor} in ${rel(page)}`);
    }
  }
  return broken;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = userDocs({ includeApi: true }).filter((file) => !NOT_YET_CHECKED.has(rel(file)));
  const problems = brokenLinks(files, { requireApi: process.env.CI === 'true' });
  for (const problem of problems) console.log(`${problem.file}:${problem.line}: ${problem.target}: ${problem.reason}`);
  console.log(problems.length === 0 ? 'no broken links' : `${problems.length} broken link(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
