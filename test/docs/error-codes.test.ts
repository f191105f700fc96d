import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/index.js';
import { WarningCodes } from '../../src/runtime/warnings.js';
import { OpsErrorCodes } from '../../ops/errors.js';
import { codeAnchor, currentRegion, endMarker, ERRORS_PAGE, GENERATED, startMarker } from './error-codes.js';
import { anchors, read } from './markdown.js';

describe('docs/errors.md', () => {
  for (const [name, generate] of Object.entries(GENERATED))
    it(`${name}: as generated from src/ (run \`npm run docs:errors\` after changing the codes or their doc comments)`, () => {
      const current = currentRegion(name);
      expect(current, `docs/errors.md must contain ${startMarker(name)} ... ${endMarker(name)}`).toBeDefined();
      expect(current).toBe(generate());
    });

  it('has one anchor per error and warning code', () => {
    const defined = anchors(read(ERRORS_PAGE));
    const codes = [...Object.values(ErrorCodes), ...Object.values(OpsErrorCodes), ...Object.values(WarningCodes)];
    expect(codes.filter((code) => !defined.has(codeAnchor(code)))).toEqual([]);
  });

  it('documents every code (a doc comment on each entry)', () => {
    for (const generate of Object.values(GENERATED)) expect(generate()).not.toContain('(no doc comment)');
  });
});
