/** Called for each message published on a channel the caller subscribed to. */
export type MessageHandler = (message: string) => void;

/** A held lock; `release` frees it only if this holder still owns it. */
export interface LockHandle {
  release(): Promise<void>;
}

/** One counter of a {@link LiveStore.reserve} call. */
export interface CounterLimit {
  key: string;
  /** The largest value the counter may reach; 0 lets no reservation through. */
  limit: number;
  /** Expiry set when the counter is created, in milliseconds. */
  ttlMs: number;
  /**
   * The value a missing counter starts from, such as a count recovered from the database
   * after the live store lost its state. Ignored when the counter exists. Default 0.
   */
  initial?: number;
}

/** The result of {@link LiveStore.reserve}: `blockedKey` is the first counter that was already at its limit. */
export interface Reservation {
  granted: boolean;
  blockedKey?: string;
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
  /**
   * Adds 1 to every counter if each of them stays within its limit, or changes none of
   * them. The check and the increments are one atomic step, so concurrent callers can
   * never push a counter past its limit. A missing counter counts from its `initial`.
   */
  reserve(counters: CounterLimit[]): Promise<Reservation>;
  /**
   * Gives back a granted reservation: subtracts 1 from each counter that still exists
   * and is above 0. Expired counters stay absent.
   */
  release(keys: string[]): Promise<void>;
  /**
   * Lists the keys that start with `prefix`, such as every counter of one customer. On
   * Redis this walks the whole key space with SCAN, so it suits rare administrative work
   * such as erasure, not request paths.
   */
  keysWithPrefix(prefix: string): Promise<string[]>;
  /** Takes the lock if it is free, or returns null. The lock expires after `ttlMs`. */
  tryLock(key: string, ttlMs: number): Promise<LockHandle | null>;
  publish(channel: string, message: string): Promise<void>;
  /** Returns a function that ends the subscription. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Nest injection token for the process's {@link LiveStore}. */
export const LIVE_STORE = Symbol('LIVE_STORE');

/**
 * Error of a live-store command that failed because the store is unreachable or
 * reconnecting, not because the command was wrong. The command may or may not have run,
 * so retry it after the store is back. The HTTP layer maps it to 503 with Retry-After.
 */
export class LiveStoreUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`The live store is unavailable, so ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'LiveStoreUnavailableError';
  }
}
