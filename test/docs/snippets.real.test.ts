/** The docs' ts blocks marked `run=local` (see `snippets.ts`) run against DynamoDB Local and the S3 server. */
import { describe, expect, inject, it } from 'vitest';
import { NOT_YET_CHECKED } from './not-yet-checked.js';
import { rel, userDocs } from './markdown.js';
import { LOCAL_SNIPPET_DIR, runSnippets, writeSnippets } from './snippets.js';

const files = userDocs().filter((file) => !NOT_YET_CHECKED.has(rel(file)));

describe('docs code blocks on the real servers', () => {
  it('every ts block marked `run=local` runs against DynamoDB Local and the S3 server', { timeout: 300_000 }, (context) => {
    const dynamoEndpoint = inject('dynamoEndpoint');
    const s3Endpoint = inject('s3Endpoint');
    if (!dynamoEndpoint || !s3Endpoint) {
      console.warn(`!!! docs snippets marked run=local SKIPPED: ${inject('realServersUnavailable')} !!!`);
      context.skip();
      return;
    }
    const local = writeSnippets(files, LOCAL_SNIPPET_DIR).filter((snippet) => snippet.run === 'local');
    expect(local.length).toBeGreaterThan(0);
    expect(runSnippets(local, { DYNAMODB_ENDPOINT: dynamoEndpoint, S3_ENDPOINT: s3Endpoint }, 240_000)).toEqual([]);
  });
});
