/** Called for each message published on a channel the caller subscribed to. */
export type MessageHandler = (message: string) => void;

/** A held lock; `release` frees it only if this holder still owns it. */
export interface LockHandle {
  release(): Promise<void>;
}

/**
 * Live state shared by the processes of one deployment: counters, short-lived values,
 * locks and fan-out. Redis provides it across replicas; the in-memory implementation
 * provides the same contract inside a single process.
 */
export interface LiveStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds `by` to the counter and returns the new value; `ttlMs` applies when the key is created. */
  increment(key: string, by: number, ttlMs?: number): Promise<number>;
  /** Takes the lock if it is free, or returns null. The lock expires after `ttlMs`. */
  tryLock(key: string, ttlMs: number): Promise<LockHandle | null>;
  publish(channel: string, message: string): Promise<void>;
  /** Returns a function that ends the subscription. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Nest injection token for the process's {@link LiveStore}. */
export const LIVE_STORE = Symbol('LIVE_STORE');
