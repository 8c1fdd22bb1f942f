import { randomUUID } from 'node:crypto';
import type { CounterLimit, LiveStore, LockHandle, MessageHandler, Reservation } from './live-store.ts';

interface Entry {
  value: string;
  expiresAt: number | null;
}

/**
 * The single-process {@link LiveStore}. Every operation runs to completion inside one
 * turn of the event loop, which makes it atomic in the same way a Redis command is.
 */
export class MemoryLiveStore implements LiveStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly subscribers = new Map<string, Set<MessageHandler>>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | null> {
    return this.read(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: ttlMs === undefined ? null : this.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, by: number, ttlMs?: number): Promise<number> {
    const current = this.read(key);
    if (current === undefined) {
      this.entries.set(key, {
        value: String(by),
        expiresAt: ttlMs === undefined ? null : this.now() + ttlMs,
      });
      return by;
    }
    const next = Number(current.value) + by;
    current.value = String(next);
    return next;
  }

  async reserve(counters: CounterLimit[]): Promise<Reservation> {
    // No await below: the check and the increments finish in one turn of the event loop.
    for (const counter of counters) {
      const current = Number(this.read(counter.key)?.value ?? counter.initial ?? 0);
      if (current + 1 > counter.limit) {
        return { granted: false, blockedKey: counter.key };
      }
    }
    for (const counter of counters) {
      const entry = this.read(counter.key);
      if (entry === undefined) {
        this.entries.set(counter.key, { value: String((counter.initial ?? 0) + 1), expiresAt: this.now() + counter.ttlMs });
      } else {
        entry.value = String(Number(entry.value) + 1);
      }
    }
    return { granted: true };
  }

  async release(keys: string[]): Promise<void> {
    for (const key of keys) {
      const entry = this.read(key);
      if (entry !== undefined && Number(entry.value) > 0) {
        entry.value = String(Number(entry.value) - 1);
      }
    }
  }

  async keysWithPrefix(prefix: string): Promise<string[]> {
    // Read each key through `read`, so expired entries are dropped instead of listed.
    return [...this.entries.keys()].filter((key) => key.startsWith(prefix) && this.read(key) !== undefined);
  }

  async tryLock(key: string, ttlMs: number): Promise<LockHandle | null> {
    if (this.read(key) !== undefined) {
      return null;
    }
    const token = randomUUID();
    this.entries.set(key, { value: token, expiresAt: this.now() + ttlMs });
    return {
      release: async () => {
        if (this.read(key)?.value === token) {
          this.entries.delete(key);
        }
      },
    };
  }

  async publish(channel: string, message: string): Promise<void> {
    const handlers = this.subscribers.get(channel);
    if (handlers === undefined) {
      return;
    }
    // Deliver on a later tick, as Redis does, so a publisher never runs subscriber code inline.
    for (const handler of handlers) {
      setImmediate(() => handler(message));
    }
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    let handlers = this.subscribers.get(channel);
    if (handlers === undefined) {
      handlers = new Set();
      this.subscribers.set(channel, handlers);
    }
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
    };
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.subscribers.clear();
  }

  private read(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
