import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { AppConfig } from '#wayline/config';
import { PrismaClient } from './generated/prisma/client.ts';
import { DataFolderLock } from './data-folder-lock.ts';
import { applyMigrations, type MigrationResult } from './migrator.ts';
import { PgliteSqlConnection, PostgresSqlConnection, type SqlConnection } from './sql-connection.ts';
import { PgliteSqlPool, PostgresSqlPool, type SqlPool } from './sql-pool.ts';

export type DatabaseKind = AppConfig['database']['kind'];

/**
 * How long a pooled PostgreSQL connection may stay idle before the pool closes it. The
 * driver's default of 10 s closed every connection during short pauses in traffic. The
 * first requests after one then opened new connections and had PostgreSQL plan their named
 * statements again. In the benchmark, the p99 of the first 2 s of decisions after 12 s
 * without any fell from 123–130 ms to 73 ms with this longer timeout.
 */
const POOL_IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * The Prisma client, the plain SQL pool of the hot paths, and what is needed to migrate
 * and close the store behind them. One per process: PGlite allows a single process on its
 * data folder.
 */
export class Database {
  private constructor(
    readonly kind: DatabaseKind,
    readonly prisma: PrismaClient,
    readonly sql: SqlPool,
    private readonly openSqlConnection: () => Promise<SqlConnection>,
    private readonly closeStore: () => Promise<void>,
  ) {}

  /**
   * Opens the store. With PostgreSQL, `onConnectionError` hears about each pooled
   * connection that breaks, idle or inside a transaction. The queries running on it fail.
   * The pool drops the connection and opens a new one for a later query, so the process
   * outlives a database restart.
   */
  static async open(config: AppConfig['database'], onConnectionError?: (error: Error) => void): Promise<Database> {
    if (config.kind === 'postgres') {
      const reportError = (error: Error): void => onConnectionError?.(error);
      const prisma = new PrismaClient({
        adapter: new PrismaPg(
          {
            connectionString: config.url,
            max: config.poolSize,
            connectionTimeoutMillis: config.poolWaitMs,
            idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS,
            keepAlive: true,
          },
          { onPoolError: reportError, onConnectionError: reportError },
        ),
        // Under load a transaction waits for a free connection instead of failing at once.
        transactionOptions: { maxWait: config.poolWaitMs, timeout: 60_000 },
      });
      const sql = new PostgresSqlPool(
        { connectionString: config.url, max: config.poolSize, connectionTimeoutMillis: config.poolWaitMs, idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS },
        reportError,
      );
      return new Database(
        'postgres',
        prisma,
        sql,
        () => PostgresSqlConnection.connect(config.url, reportError),
        async () => {
          await Promise.all([prisma.$disconnect(), sql.close()]);
        },
      );
    }
    if (!config.dataDir.startsWith('memory://')) {
      await mkdir(config.dataDir, { recursive: true });
    }
    const folderLock = config.dataDir.startsWith('memory://') ? null : await DataFolderLock.acquire(config.dataDir);
    try {
      const pglite = await PGlite.create(config.dataDir);
      // PGlite runs one query at a time, so requests queue for it like for a one-connection pool.
      const prisma = new PrismaClient({
        adapter: new PrismaPGlite(pglite),
        transactionOptions: { maxWait: config.poolWaitMs, timeout: 60_000 },
      });
      return new Database(
        'pglite',
        prisma,
        new PgliteSqlPool(pglite),
        async () => new PgliteSqlConnection(pglite),
        async () => {
          await prisma.$disconnect();
          await pglite.close();
          await folderLock?.release();
        },
      );
    } catch (error) {
      await folderLock?.release();
      throw error;
    }
  }

  async migrate(migrationsDir?: string): Promise<MigrationResult> {
    const connection = await this.openSqlConnection();
    try {
      return await applyMigrations(connection, migrationsDir);
    } finally {
      await connection.close();
    }
  }

  /** Opens a raw connection for administrative SQL. The caller closes it. */
  sqlConnection(): Promise<SqlConnection> {
    return this.openSqlConnection();
  }

  async close(): Promise<void> {
    await this.closeStore();
  }
}
