import type { Logger } from 'pino';
import type { AppConfig } from '#wayline/config';
import type { LiveStore } from '#wayline/live-store';

/** The counter a request is counted against: one API key, or one client IP address on a keyless route. */
export interface RateLimitBucket {
  /** `key:<key id>` or `ip:<address>`; part of the live-store key. */
  id: string;
  /** Requests allowed per window; 0 means no limit. */
  limit: number;
}

/** The outcome of counting one request. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window after this one. */
  remaining: number;
  /** Seconds until the current window ends and the count starts again, rounded up. */
  resetSeconds: number;
  windowSeconds: number;
  /** True when the live store failed or timed out and the request passed without being counted. */
  unchecked: boolean;
}

/** Minimum interval between two warnings about live-store failures, in milliseconds. */
const FAILURE_LOG_INTERVAL_MS = 10_000;

/**
 * Fixed-window request counter in the live store, so that on Redis every replica adds to
 * the same count. Counting a request costs one live-store call (an increment that also
 * sets the expiry), and a limit of 0 costs none.
 *
 * The store may be down or slow. After `storeTimeoutMs` the request passes uncounted
 * (fail open) and a warning is logged. Refusing all traffic while Redis restarts would
 * turn a short outage of the counter into an outage of the API.
 */
export class RateLimiter {
  private readonly windowMs: number;
  private lastFailureLogAt = Number.NEGATIVE_INFINITY;
  private failuresSinceLog = 0;

  constructor(
    private readonly store: LiveStore,
    private readonly settings: AppConfig['rateLimits'],
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = settings.windowSeconds * 1000;
  }

  /** Returns the bucket of a request: its key with the role's limit, or the client address with the public limit. */
  bucketFor(principal: { keyId: string; role: keyof AppConfig['rateLimits']['perRole'] } | undefined, clientIp: string): RateLimitBucket {
    if (principal !== undefined) {
      return { id: `key:${principal.keyId}`, limit: this.settings.perRole[principal.role] };
    }
    return { id: `ip:${clientIp}`, limit: this.settings.publicPerIp };
  }

  /** Counts one request against `bucket` and returns whether it is within the limit. */
  async hit(bucket: RateLimitBucket): Promise<RateLimitDecision> {
    const now = this.now();
    const windowIndex = Math.floor(now / this.windowMs);
    const windowEndsAt = (windowIndex + 1) * this.windowMs;
    const resetSeconds = Math.max(1, Math.ceil((windowEndsAt - now) / 1000));
    const base = { limit: bucket.limit, resetSeconds, windowSeconds: this.settings.windowSeconds };
    if (bucket.limit === 0) {
      return { ...base, allowed: true, remaining: 0, unchecked: false };
    }

    // The key expires when its window ends, so two alternating keys per bucket are enough.
    // NOTE: the in-memory store removes an expired key only when it is read again, so it
    // keeps up to two small entries for every key id and client address it has seen.
    const key = `rate-limit:${bucket.id}:${windowIndex % 2}`;
    let count: number;
    try {
      count = await this.withTimeout(this.store.increment(key, 1, windowEndsAt - now));
    } catch (error) {
      this.logStoreFailure(error, bucket.id);
      return { ...base, allowed: true, remaining: bucket.limit, unchecked: true };
    }
    return {
      ...base,
      allowed: count <= bucket.limit,
      remaining: Math.max(0, bucket.limit - count),
      unchecked: false,
    };
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Live store timed out after ${this.settings.storeTimeoutMs} ms`)),
        this.settings.storeTimeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private logStoreFailure(error: unknown, bucketId: string): void {
    this.failuresSinceLog += 1;
    const now = this.now();
    if (now - this.lastFailureLogAt < FAILURE_LOG_INTERVAL_MS) {
      return;
    }
    // A key id is logged; a client IP address is personal data and is not.
    const bucket = bucketId.startsWith('key:') ? bucketId : 'ip';
    this.logger.warn(
      { err: error, bucket, uncheckedRequests: this.failuresSinceLog },
      'Rate limit not checked because the live store failed; requests pass unchecked until it recovers',
    );
    this.lastFailureLogAt = now;
    this.failuresSinceLog = 0;
  }
}
