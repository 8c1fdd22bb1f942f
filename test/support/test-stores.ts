import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import { loadConfig, type AppConfig } from '#wayline/config';
import { Database } from '#wayline/database';
import { MemoryLiveStore, RedisLiveStore, type LiveStore } from '#wayline/live-store';

/**
 * Stores for one test file. With DATABASE_URL set, a fresh PostgreSQL database is
 * created on that server and dropped afterwards; otherwise an in-memory PGlite is used.
 * With REDIS_URL set, keys get a unique prefix and are deleted afterwards; otherwise
 * the in-memory live store is used.
 */
export interface TestStores {
  config: AppConfig;
  database: Database;
  liveStore: LiveStore;
  /** Key prefix of the Redis live store, so a second connection uses the same keys and channels. */
  liveStorePrefix: string;
  /** Closes the stores and removes everything the test created. */
  teardown(): Promise<void>;
}

export const usesServers = (): boolean => Boolean(process.env.DATABASE_URL);

export async function createTestDatabaseConfig(): Promise<{
  database: AppConfig['database'];
  drop: () => Promise<void>;
}> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    return { database: { kind: 'pglite', dataDir: 'memory://', poolWaitMs: 10_000 }, drop: async () => {} };
  }
  const name = `wayline_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    database: { kind: 'postgres', url: url.toString(), poolSize: 10, poolWaitMs: 10_000 },
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function createTestStores(overrides: NodeJS.ProcessEnv = {}): Promise<TestStores> {
  const { database: databaseConfig, drop } = await createTestDatabaseConfig();
  const redisUrl = process.env.REDIS_URL;
  const prefix = `wayline-test:${randomBytes(6).toString('hex')}:`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...overrides,
    DATABASE_URL: databaseConfig.kind === 'postgres' ? databaseConfig.url : '',
    // Never the default ./.wayline folder: each test file gets its own in-memory PGlite.
    WAYLINE_DATA_DIR: 'memory://',
    REDIS_URL: redisUrl ?? '',
  });
  const database = await Database.open(config.database);
  await database.migrate();
  const liveStore: LiveStore = redisUrl
    ? await RedisLiveStore.connect(redisUrl, prefix)
    : new MemoryLiveStore();

  return {
    config,
    database,
    liveStore,
    liveStorePrefix: prefix,
    teardown: async () => {
      await liveStore.close();
      if (redisUrl) {
        await deleteRedisKeys(redisUrl, prefix);
      }
      await database.close();
      await drop();
    },
  };
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) {
      await client.del(keys);
    }
  }
  await client.quit();
}
