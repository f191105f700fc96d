import { describe, expect, it } from 'vitest';
import { AttemptWatch, attemptMayHaveLanded } from './attempt-watch.js';
import { mapDynamoDbError } from './error-mapping.js';

function answered(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe('attemptMayHaveLanded: one attempt', () => {
  it.each([
    ['a throttle (400)', answered('ThrottlingException', 400), false],
    ['a provisioned-throughput refusal (400)', answered('ProvisionedThroughputExceededException', 400), false],
    ['a cancelled transaction (400)', answered('TransactionCanceledException', 400), false],
    ['a validation error (400)', answered('ValidationException', 400), false],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), false],
    ['the same token still in progress (400)', answered('TransactionInProgressException', 400), true],
    ['a 500', answered('InternalServerError', 500), true],
    ['a 503', answered('ServiceUnavailable', 503), true],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['a request timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), true],
    ['an abort', Object.assign(new Error('Request aborted'), { name: 'AbortError' }), true],
    ['anything unknown', new Error('?'), true],
  ])('%s: %s', (_, error, expected) => {
    expect(attemptMayHaveLanded(error)).toBe(expected);
  });
});

describe('AttemptWatch: the whole call', () => {
  it('a lost first attempt then throttles: may have landed, though the last error is a clear refusal', () => {
    const watch = new AttemptWatch();
    watch.record(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const last = answered('ThrottlingException', 400);
    watch.record(last);
    expect(watch.failedAttempts).toBe(2);
    expect(watch.mayHaveLanded(last)).toBe(true);
  });

  it('throttles only: a refusal', () => {
    const watch = new AttemptWatch();
    const last = answered('ThrottlingException', 400);
    watch.record(answered('ThrottlingException', 400));
    watch.record(last);
    expect(watch.mayHaveLanded(last)).toBe(false);
  });

  it('the middleware never ran (a mocked send): judged on the final error alone', () => {
    expect(new AttemptWatch().mayHaveLanded(answered('InternalServerError', 500))).toBe(true);
    expect(new AttemptWatch().mayHaveLanded(answered('ThrottlingException', 400))).toBe(false);
  });

  it('mapDynamoDbError reports it in details.mayHaveLanded, whatever the code', () => {
    const error = mapDynamoDbError(answered('ThrottlingException', 400), { operation: 'transactWrite', table: 't', mayHaveLanded: true });
    expect(error.code).toBe('DRIVER/THROTTLED');
    expect(error.details.mayHaveLanded).toBe(true);
    expect(mapDynamoDbError(answered('ThrottlingException', 400), { operation: 'get', table: 't' }).details).not.toHaveProperty(
      'mayHaveLanded',
    );
  });
});
