import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import type { CounterLimit, LiveStore, LockHandle, MessageHandler, Reservation } from './live-store.ts';

/** Deletes the lock only if it still holds this holder's token. */
const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** INCRBYFLOAT plus an expiry set only when the key is new, in one atomic step. */
const INCREMENT_SCRIPT = `
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value`;

/**
 * Checks every counter against its limit and, only if none is full, adds 1 to each. Redis
 * runs a script without interleaving other commands, which makes the check and the
 * increments atomic across replicas. KEYS are the counters, and ARGV contains the limit,
 * the expiry in ms and the initial value of each counter, in triples. Returns 0 when
 * granted, or the 1-based index of the first counter that is full.
 */
const RESERVE_SCRIPT = `
for index, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key) or ARGV[index * 3])
  if current + 1 > tonumber(ARGV[index * 3 - 2]) then
    return index
  end
end
for index, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then
    redis.call('SET', key, tonumber(ARGV[index * 3]) + 1, 'PX', ARGV[index * 3 - 1])
  else
    redis.call('INCRBY', key, 1)
  end
end
return 0`;

/** Subtracts 1 from each counter that exists and is above 0, so a release never creates a key. */
const RELEASE_SCRIPT = `
for _, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key) or '0')
  if current > 0 then
    redis.call('DECRBY', key, 1)
  end
end
return 0`;

/** The {@link LiveStore} for several replicas. Keys are prefixed so deployments can share a server. */
export class RedisLiveStore implements LiveStore {
  readonly kind = 'redis' as const;

  private constructor(
    private readonly client: RedisClientType,
    private readonly subscriber: RedisClientType,
    private readonly prefix: string,
  ) {}

  /**
   * Connects both clients, or fails after `connectTimeoutMs` with the reason, so that a
   * wrong REDIS_URL stops the start instead of hanging. After the first connection,
   * the client reconnects by itself; `onError` hears about each failure meanwhile.
   */
  static async connect(
    url: string,
    prefix = 'wayline:',
    options: { connectTimeoutMs?: number; onError?: (error: Error) => void } = {},
  ): Promise<RedisLiveStore> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const client: RedisClientType = createClient({
      url,
      socket: {
        connectTimeout: connectTimeoutMs,
        // Back off up to 2 s between reconnection attempts, and keep trying.
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000),
      },
    });
    const subscriber: RedisClientType = client.duplicate();
    for (const connection of [client, subscriber]) {
      connection.on('error', (error: Error) => options.onError?.(error));
    }
    try {
      await withTimeout(Promise.all([client.connect(), subscriber.connect()]), connectTimeoutMs, `Could not connect to Redis at ${redactUrl(url)} within ${connectTimeoutMs} ms; check REDIS_URL`);
    } catch (error) {
      client.destroy();
      subscriber.destroy();
      throw error;
    }
    return new RedisLiveStore(client, subscriber, prefix);
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) {
      await this.client.set(this.prefix + key, value);
    } else {
      await this.client.set(this.prefix + key, value, { PX: ttlMs });
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  async increment(key: string, by: number, ttlMs?: number): Promise<number> {
    const result = await this.client.eval(INCREMENT_SCRIPT, {
      keys: [this.prefix + key],
      arguments: [String(by), String(ttlMs ?? 0)],
    });
    return Number(result);
  }

  async reserve(counters: CounterLimit[]): Promise<Reservation> {
    if (counters.length === 0) {
      return { granted: true };
    }
    const result = await this.client.eval(RESERVE_SCRIPT, {
      keys: counters.map((counter) => this.prefix + counter.key),
      arguments: counters.flatMap((counter) => [
        String(counter.limit),
        String(Math.max(1, Math.ceil(counter.ttlMs))),
        String(counter.initial ?? 0),
      ]),
    });
    const blockedIndex = Number(result);
    return blockedIndex === 0 ? { granted: true } : { granted: false, blockedKey: counters[blockedIndex - 1]!.key };
  }

  async release(keys: string[]): Promise<void> {
    if (keys.length === 0) {
      return;
    }
    await this.client.eval(RELEASE_SCRIPT, { keys: keys.map((key) => this.prefix + key), arguments: [] });
  }

  async tryLock(key: string, ttlMs: number): Promise<LockHandle | null> {
    const fullKey = this.prefix + key;
    const token = randomUUID();
    const acquired = await this.client.set(fullKey, token, { NX: true, PX: ttlMs });
    if (acquired !== 'OK') {
      return null;
    }
    return {
      release: async () => {
        await this.client.eval(RELEASE_LOCK_SCRIPT, { keys: [fullKey], arguments: [token] });
      },
    };
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const fullChannel = this.prefix + channel;
    await this.subscriber.subscribe(fullChannel, handler);
    return async () => {
      await this.subscriber.unsubscribe(fullChannel, handler);
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber.quit(), this.client.quit()]);
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Returns the URL with its password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
