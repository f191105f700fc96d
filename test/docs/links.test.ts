import { describe, expect, it } from 'vitest';
import { brokenLinks } from './links.js';
import { rel, userDocs } from './markdown.js';
import { NOT_YET_CHECKED } from './not-yet-checked.js';

describe('docs links', () => {
  it('every relative link of README.md and docs/**/*.md names an existing file and anchor', () => {
    // The generated API reference (docs/api/, `npm run docs:api`) is checked when present; CI generates it first.
    const files = userDocs({ includeApi: true }).filter((file) => !NOT_YET_CHECKED.has(rel(file)));
    expect(brokenLinks(files, { requireApi: process.env.CI === 'true' })).toEqual([]);
  });
});
