import type { Logger } from 'pino';
import type { LiveStore } from './live-store.ts';

/**
 * A version number that signals to the replicas of a deployment that data they keep in
 * memory has changed. A process that writes the data calls `announce`, which bumps its own version
 * at once and publishes on the live store, so every subscribed replica bumps its version
 * when the message arrives. Readers compare versions through {@link SignalledCache}.
 *
 * Publishing is best effort: a lost message or a broken subscription leaves the other
 * replicas on their old copy until the cache's time limit ends it.
 */
export class ChangeSignal {
  private currentVersion = 0;
  private unsubscribe: Promise<(() => Promise<void>) | null> | null = null;
  private publishFailures = 0;

  constructor(
    private readonly liveStore: LiveStore,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  /** Counts the changes this process has seen since it started. */
  get version(): number {
    return this.currentVersion;
  }

  /** Subscribes to the changes of other processes. A failure is logged, and the caches fall back on their time limit. */
  async start(): Promise<void> {
    this.unsubscribe ??= this.liveStore
      .subscribe(this.channel, () => {
        this.currentVersion += 1;
      })
      .catch((error: unknown) => {
        this.logger.warn({ err: error, channel: this.channel }, 'Failed to subscribe to change messages; cached copies expire by time only');
        return null;
      });
    await this.unsubscribe;
  }

  async stop(): Promise<void> {
    const unsubscribe = await this.unsubscribe;
    this.unsubscribe = null;
    await unsubscribe?.().catch((error: unknown) => {
      this.logger.warn({ err: error, channel: this.channel }, 'Failed to end the subscription to change messages');
    });
  }

  /**
   * Marks the data as changed in this process and notifies the other processes. Call it after
   * the change is committed. Never throws, because the change itself already succeeded.
   */
  async announce(): Promise<void> {
    this.currentVersion += 1;
    try {
      await this.liveStore.publish(this.channel, String(Date.now()));
    } catch (error) {
      this.publishFailures += 1;
      // Logged on the 1st, 2nd, 4th, 8th... failure, so an outage does not flood the log.
      if ((this.publishFailures & (this.publishFailures - 1)) === 0) {
        this.logger.warn(
          { err: error, channel: this.channel, failures: this.publishFailures },
          'Failed to publish a change message; other replicas see the change when their cached copy expires',
        );
      }
    }
  }
}

/**
 * One value loaded from storage and kept in memory while its {@link ChangeSignal} keeps
 * the same version and for at most `maxAgeMs`. Concurrent callers share one load, and a
 * failed load is not kept.
 *
 * With `staleForMs`, a value older than `maxAgeMs` but younger than `maxAgeMs + staleForMs`
 * is still returned at once while one load replaces it in the background, so callers on a
 * hot path never wait for the periodic reload. An announced change is never served stale:
 * after one, callers wait for the new load, so a process sees its own writes at once.
 */
export class SignalledCache<T> {
  /** The last value a load returned, with the signal version and the time its load started. */
  private current: { version: number; loadedAt: number; value: T } | null = null;
  /** The load in flight, if any. */
  private pending: { version: number; startedAt: number; value: Promise<T> } | null = null;

  constructor(
    private readonly signal: ChangeSignal,
    private readonly maxAgeMs: number,
    private readonly load: () => Promise<T>,
    private readonly clock: () => number = Date.now,
    private readonly staleForMs = 0,
  ) {}

  get(): Promise<T> {
    const now = this.clock();
    const version = this.signal.version;
    const current = this.current;
    if (current !== null && current.version === version) {
      const age = now - current.loadedAt;
      if (age < this.maxAgeMs) {
        return Promise.resolve(current.value);
      }
      if (age < this.maxAgeMs + this.staleForMs) {
        if (this.pending === null) {
          // A failed background load is dropped: a later call starts another.
          this.startLoad(now, version).catch(() => undefined);
        }
        return Promise.resolve(current.value);
      }
    }
    if (this.pending !== null && this.pending.version === version) {
      return this.pending.value;
    }
    return this.startLoad(now, version);
  }

  /** Drops the kept value, so the next call loads again. */
  clear(): void {
    this.current = null;
    this.pending = null;
  }

  private startLoad(now: number, version: number): Promise<T> {
    // The version is read before the load starts, so a change announced during the load
    // makes the next call load again.
    const pending = { version, startedAt: now, value: this.load() };
    this.pending = pending;
    pending.value.then(
      (value) => {
        if (this.pending === pending) {
          this.pending = null;
        }
        if (this.current === null || this.current.loadedAt <= pending.startedAt) {
          this.current = { version, loadedAt: pending.startedAt, value };
        }
      },
      () => {
        if (this.pending === pending) {
          this.pending = null;
        }
      },
    );
    return pending.value;
  }
}
