import { hasReachedMaxAttempts, MAX_RETRY_DELAY_MS, nextAttemptDelayMs, shouldRetry } from './retry-policy.ts';
import { describeWebhookFailure, type WebhookFailure } from './webhook-result.ts';

describe('shouldRetry', () => {
  const cases: Array<[string, WebhookFailure, boolean]> = [
    ['timeout', { kind: 'timeout', timeoutMs: 10_000 }, true],
    ['refused connection', { kind: 'network-error', code: 'ECONNREFUSED' }, true],
    ['408 request timeout', { kind: 'http-error', status: 408 }, true],
    ['429 too many requests', { kind: 'http-error', status: 429 }, true],
    ['500 internal error', { kind: 'http-error', status: 500 }, true],
    ['503 unavailable', { kind: 'http-error', status: 503 }, true],
    ['599 upper 5xx', { kind: 'http-error', status: 599 }, true],
    ['400 bad request', { kind: 'http-error', status: 400 }, false],
    ['401 unauthorized', { kind: 'http-error', status: 401 }, false],
    ['404 not found', { kind: 'http-error', status: 404 }, false],
    ['410 gone', { kind: 'http-error', status: 410 }, false],
    ['422 unprocessable', { kind: 'http-error', status: 422 }, false],
    ['301 redirect', { kind: 'http-error', status: 301 }, false],
    ['invalid URL', { kind: 'invalid-url' }, false],
  ];

  it.each(cases)('%s', (_name, failure, expected) => {
    expect(shouldRetry(failure)).toBe(expected);
  });
});

describe('hasReachedMaxAttempts', () => {
  it.each([
    [0, 3, false],
    [2, 3, false],
    [3, 3, true],
    [4, 3, true],
    [1, 1, true],
  ])('%i of %i attempts is %s', (attempts, max, expected) => {
    expect(hasReachedMaxAttempts(attempts, max)).toBe(expected);
  });
});

describe('nextAttemptDelayMs', () => {
  const almostOne = () => 0.999_999;

  it('doubles the ceiling per attempt', () => {
    const ceilings = [1, 2, 3, 4, 5].map((attempt) => nextAttemptDelayMs(attempt, 2000, almostOne));

    expect(ceilings).toEqual([1999, 3999, 7999, 15_999, 31_999]);
  });

  it('scales with the random draw', () => {
    expect(nextAttemptDelayMs(3, 1000, () => 0)).toBe(0);
    expect(nextAttemptDelayMs(3, 1000, () => 0.25)).toBe(1000);
    expect(nextAttemptDelayMs(3, 1000, () => 0.5)).toBe(2000);
  });

  it('caps the delay', () => {
    expect(nextAttemptDelayMs(40, 2000, almostOne)).toBeLessThan(MAX_RETRY_DELAY_MS);
    expect(nextAttemptDelayMs(40, 2000, almostOne)).toBeGreaterThan(MAX_RETRY_DELAY_MS - 10);
  });

  it('treats attempt 0 like attempt 1', () => {
    expect(nextAttemptDelayMs(0, 1000, () => 0.5)).toBe(500);
  });

  it('stays inside the range with Math.random', () => {
    for (let draw = 0; draw < 1000; draw += 1) {
      const delay = nextAttemptDelayMs(2, 1000);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(2000);
    }
  });
});

describe('describeWebhookFailure', () => {
  it.each<[WebhookFailure, string]>([
    [{ kind: 'http-error', status: 503 }, 'HTTP 503'],
    [{ kind: 'network-error', code: 'ECONNRESET' }, 'network error: ECONNRESET'],
    [{ kind: 'timeout', timeoutMs: 250 }, 'timed out after 250 ms'],
  ])('%o', (failure, expected) => {
    expect(describeWebhookFailure(failure)).toBe(expected);
  });
});
