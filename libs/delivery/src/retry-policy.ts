import type { WebhookFailure } from './webhook-result.ts';

/** Upper bound of one retry delay, so a large max attempts setting cannot push a retry days out. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/** Returns a number in [0, 1), like `Math.random`. Injected so tests can pin the jitter. */
export type RandomSource = () => number;

/**
 * Decides whether a failed delivery may succeed later. Timeouts, network errors, 408,
 * 429 and 5xx are transient. Any other status (other 4xx, and 3xx because redirects are
 * not followed) and an invalid URL are permanent: sending the same request again gets
 * the same response.
 */
export function shouldRetry(failure: WebhookFailure): boolean {
  switch (failure.kind) {
    case 'timeout':
    case 'network-error':
      return true;
    case 'invalid-url':
      return false;
    case 'http-error':
      return failure.status === 408 || failure.status === 429 || failure.status >= 500;
  }
}

/** `attempts` counts every claim of the message, the failed one included. */
export function hasReachedMaxAttempts(attempts: number, maxAttempts: number): boolean {
  return attempts >= maxAttempts;
}

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based):
 * exponential backoff with full jitter, a uniform draw from
 * [0, min(MAX_RETRY_DELAY_MS, baseMs * 2^(attempt - 1))). Full jitter spreads the
 * retries of many messages that failed together, such as during a receiver outage.
 */
export function nextAttemptDelayMs(attempt: number, baseMs: number, random: RandomSource = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
