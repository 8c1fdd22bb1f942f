import type { Logger } from 'pino';
import type { AppConfig } from '#wayline/config';
import { Database } from '#wayline/database';
import { openLiveStore, type LiveStore } from '#wayline/live-store';

/** The stores one process runs on, opened and migrated, with one way to close them. */
export interface Runtime {
  config: AppConfig;
  logger: Logger;
  database: Database;
  liveStore: LiveStore;
  close(): Promise<void>;
}

/**
 * Opens the database (PostgreSQL or embedded PGlite), applies pending migrations, and
 * opens the live store (Redis or in-process). Logs which ones it chose.
 */
export async function openRuntime(config: AppConfig, logger: Logger, options: { command?: boolean } = {}): Promise<Runtime> {
  let databaseErrors = 0;
  const database = await Database.open(config.database, (error) => {
    databaseErrors += 1;
    // Log the 1st, 2nd, 4th, 8th... broken connection, not one line per pooled connection.
    if ((databaseErrors & (databaseErrors - 1)) === 0) {
      logger.error({ err: error, errors: databaseErrors }, 'PostgreSQL connection failed; the pool opens a new one for the next query');
    }
  });
  let migration;
  try {
    migration = await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  logger.info(
    {
      database: database.kind,
      dataDir: config.database.kind === 'pglite' ? config.database.dataDir : undefined,
      migrationsApplied: migration.applied,
      migrationsAlreadyApplied: migration.alreadyApplied.length,
    },
    database.kind === 'postgres' ? 'Using PostgreSQL' : 'Using embedded PGlite (single process only)',
  );
  let redisErrors = 0;
  let liveStore: LiveStore;
  try {
    liveStore = await openLiveStore(
      config.liveStore,
      undefined,
      (error) => {
        redisErrors += 1;
        // Log the 1st, 2nd, 4th, 8th... error of an outage, not one line per retry.
        if ((redisErrors & (redisErrors - 1)) === 0) {
          logger.error({ err: error, errors: redisErrors }, 'Redis connection error; the client keeps reconnecting');
        }
      },
      () => {
        logger.info({ errors: redisErrors }, 'Reconnected to Redis');
        redisErrors = 0;
      },
    );
  } catch (error) {
    await database.close();
    throw error;
  }
  if (liveStore.kind === 'memory' && options.command) {
    logger.debug('REDIS_URL is unset: using the in-process live store');
  } else if (liveStore.kind === 'memory') {
    logger.warn(
      'REDIS_URL is unset: using the in-process live store, so this process must be the only replica',
    );
  } else {
    logger.info('Using Redis for live state');
  }
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    database,
    liveStore,
    close: () => {
      closing ??= (async () => {
        await liveStore.close();
        await database.close();
        logger.info('Closed the database and the live store');
      })();
      return closing;
    },
  };
}
