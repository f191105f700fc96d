/**
 * Reading the repository's markdown for the docs tests: which files are user docs, their fenced code blocks, their
 * anchors (GitHub's heading slugs and explicit `<a id>`s) and their links.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The generated API reference (`npm run docs:api`), not committed. */
export const API_DIR = join(ROOT, 'docs', 'api');

/** Markdown files a user reads: README.md and docs/**\/*.md (the generated API reference only when asked). */
export function userDocs(options: { includeApi?: boolean } = {}): string[] {
  const files = [join(ROOT, 'README.md')];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (path === API_DIR && !options.includeApi) continue;
        walk(path);
      } else if (name.endsWith('.md')) files.push(path);
    }
  };
  if (existsSync(join(ROOT, 'docs'))) walk(join(ROOT, 'docs'));
  return files;
}

/** A path relative to the repository root, for messages. */
export const rel = (path: string): string => relative(ROOT, path);

export interface CodeBlock {
  /** The fence's language (`ts`, `json`, `bash`, ...), lower case; `''` when none. */
  lang: string;
  /** The words after the language (`run`, `run=local`). */
  flags: string[];
  /** The block's text, without its fences. */
  code: string;
  /** 1-based line of the first line of code (after the opening fence). */
  line: number;
}

/** Every fenced code block (``` or ~~~) of a markdown text. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim().startsWith(fence!) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent!) ? line.slice(indent!.length) : line);
    }
    blocks.push({ lang: lang!.toLowerCase(), flags: rest!.trim().split(/\s+/).filter(Boolean), code: body.join('\n'), line: i + 2 });
    i = j;
  }
  return blocks;
}

/** The markdown without its fenced code blocks and inline code spans (so links and headings inside code are ignored). */
export function withoutCode(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const match = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && match) {
      fence = match[1];
      out.push('');
    } else if (fence !== undefined) {
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') fence = undefined;
      out.push('');
    } else out.push(line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, (span) => ' '.repeat(span.length)));
  }
  return out.join('\n');
}

/** GitHub's heading slug (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The text GitHub renders for a heading: links to their text, code spans, emphasis and HTML tags dropped. */
function headingText(raw: string): string {
  return raw
    .replace(/<[^>]*>/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\\(.)/g, '$1')
    .trim();
}

/** Every anchor a markdown file defines: heading slugs (with GitHub's -1, -2 for repeats) and `<a id|name>`. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const counts = new Map<string, number>();
  const text = markdown
    .split('\n')
    .filter((_, index, all) => !inFence(all, index))
    .join('\n');
  for (const match of text.matchAll(/^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/gm)) {
    const base = slug(headingText(match[1]!));
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    found.add(seen === 0 ? base : `${base}-${seen}`);
  }
  for (const match of text.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)\s*=\s*["']([^"']+)["']/gi)) found.add(match[1]!);
  return found;
}

function inFence(lines: string[], index: number): boolean {
  let fence: string | undefined;
  for (let i = 0; i <= index; i++) {
    const match = /^\s*(`{3,}|~{3,})/.exec(lines[i]!);
    if (fence === undefined && match) {
      fence = match[1];
      if (i === index) return true;
    } else if (fence !== undefined) {
      if (i === index) return true;
      if (lines[i]!.trim().startsWith(fence) && lines[i]!.trim().replace(/[`~]/g, '') === '') fence = undefined;
    }
  }
  return false;
}

export interface Link {
  target: string;
  line: number;
}

/** Inline links and images `[text](target)`, reference definitions `[x]: target`, and `href`/`src` attributes. */
export function links(markdown: string): Link[] {
  const text = withoutCode(markdown);
  const found: Link[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"']*["'])?\s*\)/g))
    found.push({ target: match[1]!, line: lineOf(match.index!) });
  for (const match of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm))
    found.push({ target: match[1]!, line: lineOf(match.index!) });
  for (const match of text.matchAll(/\s(?:href|src)\s*=\s*["']([^"']+)["']/gi))
    found.push({ target: match[1]!, line: lineOf(match.index!) });
  return found;
}

export const read = (path: string): string => readFileSync(path, 'utf8');
