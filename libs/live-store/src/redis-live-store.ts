import { randomUUID } from 'node:crypto';
import { createClient, ErrorReply, type RedisClientType } from 'redis';
import { LiveStoreUnavailableError, type CounterLimit, type LiveStore, type LockHandle, type MessageHandler, type Reservation } from './live-store.ts';

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
   * the client reconnects by itself; `onError` hears about each failure meanwhile, and
   * `onReconnect` about each connection that is ready again.
   *
   * While a client reconnects, its commands fail at once with
   * {@link LiveStoreUnavailableError} instead of waiting in node-redis's offline queue,
   * so a request that needs Redis gets a quick 503 rather than hanging for the outage.
   * node-redis subscribes the subscriber client to its channels again after a reconnect.
   */
  static async connect(
    url: string,
    prefix = 'wayline:',
    options: { connectTimeoutMs?: number; onError?: (error: Error) => void; onReconnect?: () => void } = {},
  ): Promise<RedisLiveStore> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const client: RedisClientType = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: connectTimeoutMs,
        // Back off up to 2 s between reconnection attempts, and keep trying.
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000),
      },
    });
    const subscriber: RedisClientType = client.duplicate();
    for (const connection of [client, subscriber]) {
      let connected = false;
      connection.on('error', (error: Error) => options.onError?.(error));
      connection.on('ready', () => {
        // The first 'ready' is the initial connection, which connect() itself reports.
        if (connected) {
          options.onReconnect?.();
        }
        connected = true;
      });
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
    return this.run('GET', () => this.client.get(this.prefix + key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const fullKey = this.prefix + key;
    await this.run('SET', () => (ttlMs === undefined ? this.client.set(fullKey, value) : this.client.set(fullKey, value, { PX: ttlMs })));
  }

  async delete(key: string): Promise<void> {
    await this.run('DEL', () => this.client.del(this.prefix + key));
  }

  async increment(key: string, by: number, ttlMs?: number): Promise<number> {
    const result = await this.run('increment', () =>
      this.client.eval(INCREMENT_SCRIPT, {
        keys: [this.prefix + key],
        arguments: [String(by), String(ttlMs ?? 0)],
      }),
    );
    return Number(result);
  }

  async reserve(counters: CounterLimit[]): Promise<Reservation> {
    if (counters.length === 0) {
      return { granted: true };
    }
    const result = await this.run('reserve', () =>
      this.client.eval(RESERVE_SCRIPT, {
        keys: counters.map((counter) => this.prefix + counter.key),
        arguments: counters.flatMap((counter) => [
          String(counter.limit),
          String(Math.max(1, Math.ceil(counter.ttlMs))),
          String(counter.initial ?? 0),
        ]),
      }),
    );
    const blockedIndex = Number(result);
    return blockedIndex === 0 ? { granted: true } : { granted: false, blockedKey: counters[blockedIndex - 1]!.key };
  }

  async release(keys: string[]): Promise<void> {
    if (keys.length === 0) {
      return;
    }
    await this.run('release', () => this.client.eval(RELEASE_SCRIPT, { keys: keys.map((key) => this.prefix + key), arguments: [] }));
  }

  async keysWithPrefix(prefix: string): Promise<string[]> {
    const pattern = `${escapeGlob(this.prefix + prefix)}*`;
    return this.run('SCAN', async () => {
      const keys: string[] = [];
      for await (const batch of this.client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
        keys.push(...batch.map((key) => key.slice(this.prefix.length)));
      }
      return keys;
    });
  }

  async tryLock(key: string, ttlMs: number): Promise<LockHandle | null> {
    const fullKey = this.prefix + key;
    const token = randomUUID();
    const acquired = await this.run('tryLock', () => this.client.set(fullKey, token, { NX: true, PX: ttlMs }));
    if (acquired !== 'OK') {
      return null;
    }
    return {
      release: async () => {
        await this.run('lock release', () => this.client.eval(RELEASE_LOCK_SCRIPT, { keys: [fullKey], arguments: [token] }));
      },
    };
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.run('PUBLISH', () => this.client.publish(this.prefix + channel, message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const fullChannel = this.prefix + channel;
    await this.run('SUBSCRIBE', () => this.subscriber.subscribe(fullChannel, handler));
    return async () => {
      await this.run('UNSUBSCRIBE', () => this.subscriber.unsubscribe(fullChannel, handler));
    };
  }

  /** Closes both connections. A connection that cannot send QUIT, because Redis is down, is destroyed. */
  async close(): Promise<void> {
    await Promise.all(
      [this.subscriber, this.client].map(async (connection) => {
        try {
          await connection.quit();
        } catch {
          connection.destroy();
        }
      }),
    );
  }

  /**
   * Runs one command and turns a connection failure (offline, socket closed, timed out)
   * into {@link LiveStoreUnavailableError}. An error reply of the server, such as a
   * failing script, is a bug rather than an outage and passes through unchanged.
   */
  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof ErrorReply) {
        throw error;
      }
      throw new LiveStoreUnavailableError(`Redis ${operation}`, error);
    }
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

/** Escapes the characters that SCAN's MATCH treats as glob syntax, so they match themselves. */
function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
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
