import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { codeAnchor, currentErrorCodes, END, generateErrorCodes, START } from './error-codes.js';
import { anchors, read } from './markdown.js';
import { ERRORS_PAGE } from './error-codes.js';

describe('docs/errors.md', () => {
  it('lists every error code of src/errors.ts as generated (run `npm run docs:errors` after changing ErrorCodes)', () => {
    const current = currentErrorCodes();
    expect(current, `docs/errors.md must contain ${START} ... ${END}`).toBeDefined();
    expect(current).toBe(generateErrorCodes());
  });

  it('has one anchor per code', () => {
    const defined = anchors(read(ERRORS_PAGE));
    const missing = Object.values(ErrorCodes).filter((code) => !defined.has(codeAnchor(code)));
    expect(missing).toEqual([]);
  });

  it('documents every code (a doc comment on each ErrorCodes entry)', () => {
    expect(generateErrorCodes()).not.toContain('(no doc comment)');
  });
});
