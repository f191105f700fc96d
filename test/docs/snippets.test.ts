/**
 * Every code block of the user docs compiles, and the runnable ones run (see `snippets.ts` for the fence flags).
 * JSON blocks must parse. The snippets are type-checked against the package's sources, as a consumer imports them.
 * The blocks marked `run=local` run against the real servers in snippets.real.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { NOT_YET_CHECKED } from './not-yet-checked.js';
import { codeBlocks, read, rel, userDocs } from './markdown.js';
import { runSnippets, typeCheck, writeSnippets } from './snippets.js';

const files = userDocs().filter((file) => !NOT_YET_CHECKED.has(rel(file)));

describe('docs code blocks', () => {
  const snippets = writeSnippets(files);

  it('has ts blocks to check', () => {
    expect(snippets.length).toBeGreaterThan(10);
  });

  it('every ts block type-checks against the package (tsc, no undefined names)', { timeout: 300_000 }, () => {
    expect(typeCheck(snippets)).toEqual([]);
  });

  it('every ts block marked `run` runs on the in-memory twin', { timeout: 300_000 }, () => {
    const runnable = snippets.filter((snippet) => snippet.run === 'twin');
    expect(runnable.length).toBeGreaterThan(3);
    expect(runSnippets(runnable, {}, 240_000)).toEqual([]);
  });

  it('every json block parses', () => {
    const bad: string[] = [];
    for (const file of files)
      for (const block of codeBlocks(read(file)).filter((block) => block.lang === 'json'))
        try {
          JSON.parse(block.code);
        } catch (error) {
          bad.push(`${rel(file)}:${block.line}: ${(error as Error).message}`);
        }
    expect(bad).toEqual([]);
  });
});
