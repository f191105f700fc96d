/**
 * The error-code list of docs/errors.md, generated from `ErrorCodes` in src/errors/codes.ts and `OpsErrorCodes` in
 * ops/errors.ts (each code's doc comment is
 * its meaning; `RETRYABLE_CODES` says which the core retries), so the docs cannot drift from the code.
 *
 * The same for the warning codes of src/runtime/warnings.ts. `npm run docs:errors` rewrites the generated regions of
 * docs/errors.md; `error-codes.test.ts` fails when a region differs from what this generates, or a code has no anchor.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { ErrorCodes, RETRYABLE_CODES, type ErrorCode } from '../../src/errors/index.js';
import { WarningCodes } from '../../src/runtime/warnings.js';
import { OpsErrorCodes } from '../../ops/errors.js';
import { ROOT } from './markdown.js';

export const ERRORS_PAGE = join(ROOT, 'docs', 'errors.md');
/** A generated region of docs/errors.md: between `<!-- generated:<name> ... -->` and `<!-- /generated:<name> -->`. */
export const startMarker = (name: string): string => `<!-- generated:${name} by \`npm run docs:errors\` from src/: do not edit -->`;
export const endMarker = (name: string): string => `<!-- /generated:${name} -->`;

/** The anchor of a code in docs/errors.md: `STORE/OUTCOME_UNKNOWN` → `store-outcome-unknown`. */
export const codeAnchor = (code: string): string => code.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** Each key of the object literal `variable` in `file` with its doc comment, read from the source (comments are gone at run time). */
export function codeComments(file: string, variable: string): Map<string, string> {
  const path = join(ROOT, file);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const comments = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText() === variable) {
      let init = node.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
      if (init && ts.isObjectLiteralExpression(init))
        for (const property of init.properties) {
          const docs = ts.getJSDocCommentsAndTags(property).filter(ts.isJSDoc);
          const text = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '').join(' ');
          comments.set(property.name!.getText(), text.replace(/\s+/g, ' ').trim());
        }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return comments;
}

const NAMESPACES: Record<string, string> = {
  INPUT: 'An argument or option was refused before anything was sent; nothing was written.',
  STORE: "The store's own refusals and outcomes.",
  DECODE: 'A stored item or blob could not be read.',
  DRIVER: 'The backend (DynamoDB, S3, or a driver of yours) failed or refused.',
  RETRY: 'Retries ran out.',
  OPS: 'The operations tools (`/ops` and the CLI).',
};

const meaningOf = (comment: string | undefined): string =>
  (comment ?? '')
    .replace(/\{@link\s+([^}\s|]+)(?:\s*\|\s*([^}]+))?\}/g, (_, name: string, label?: string) => `\`${label ?? name}\``)
    .replace(/\|/g, '\\|') || '(no doc comment)';

/** The error codes: one table per namespace, one row (and one anchor) per code. */
export function generateErrorCodes(): string {
  // Each code with its doc comment: the core's, then the operations tools' (their keys may repeat the core's).
  const core = codeComments('src/errors/codes.ts', 'ErrorCodes');
  const ops = codeComments('ops/errors.ts', 'OpsErrorCodes');
  const codes: Array<[string | undefined, string]> = [
    ...Object.entries(ErrorCodes).map(([key, code]): [string | undefined, string] => [core.get(key), code]),
    ...Object.entries(OpsErrorCodes).map(([key, code]): [string | undefined, string] => [ops.get(key), code]),
  ];
  const byNamespace = new Map<string, Array<[string | undefined, string]>>();
  for (const [comment, code] of codes) {
    const namespace = code.split('/')[0]!;
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), [comment, code]]);
  }
  const order = [...Object.keys(NAMESPACES), ...[...byNamespace.keys()].filter((namespace) => !(namespace in NAMESPACES)).sort()];
  const out: string[] = [startMarker('error-codes'), ''];
  for (const namespace of order) {
    const codes = byNamespace.get(namespace);
    if (!codes) continue;
    out.push(`### ${namespace}/`, '');
    if (NAMESPACES[namespace]) out.push(NAMESPACES[namespace], '');
    out.push('| code | meaning | retried by the core |', '|---|---|---|');
    for (const [comment, code] of codes.sort((a, b) => a[1].localeCompare(b[1])))
      out.push(
        `| <a id="${codeAnchor(code)}"></a>\`${code}\` | ${meaningOf(comment)} | ${RETRYABLE_CODES.has(code as ErrorCode) ? 'yes' : 'no'} |`,
      );
    out.push('');
  }
  out.push(endMarker('error-codes'));
  return out.join('\n');
}

/** The warning codes, one row (and one anchor) each. */
export function generateWarningCodes(): string {
  const comments = codeComments('src/runtime/warnings.ts', 'WarningCodes');
  const out = [startMarker('warning-codes'), '', '| code | meaning |', '|---|---|'];
  for (const [key, code] of Object.entries(WarningCodes))
    out.push(`| <a id="${codeAnchor(code)}"></a>\`${code}\` | ${meaningOf(comments.get(key))} |`);
  out.push('', endMarker('warning-codes'));
  return out.join('\n');
}

export const GENERATED: Record<string, () => string> = { 'error-codes': generateErrorCodes, 'warning-codes': generateWarningCodes };

/** The generated region `name` of docs/errors.md as it is now, or `undefined` without its markers. */
export function currentRegion(name: string, page = readFileSync(ERRORS_PAGE, 'utf8')): string | undefined {
  const start = page.indexOf(startMarker(name));
  const end = page.indexOf(endMarker(name));
  return start === -1 || end === -1 ? undefined : page.slice(start, end + endMarker(name).length);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let page = readFileSync(ERRORS_PAGE, 'utf8');
  for (const [name, generate] of Object.entries(GENERATED)) {
    const current = currentRegion(name, page);
    if (current === undefined)
      throw new Error(`docs/errors.md has no region ${name}: add the lines\n${startMarker(name)}\n${endMarker(name)}`);
    page = page.replace(current, generate());
  }
  if (process.argv.includes('--write')) writeFileSync(ERRORS_PAGE, page);
  else console.log(page);
}
