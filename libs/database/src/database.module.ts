import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Database } from './database.ts';
import type { SqlPool } from './sql-pool.ts';

/** Nest injection token for the process's {@link Database}. */
export const DATABASE = Symbol('DATABASE');
/** Nest injection token for the Prisma client; only repositories inject it. */
export const PRISMA = Symbol('PRISMA');
/** Nest injection token for the plain {@link SqlPool} of the hot paths; only repositories inject it. */
export const SQL_POOL = Symbol('SQL_POOL');

/**
 * Provides an opened, migrated database. The entry point that opened it also closes
 * it, after the Nest app has shut down.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: Database): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE, useValue: database },
        { provide: PRISMA, useValue: database.prisma },
        { provide: SQL_POOL, useValue: database.sql },
      ],
      exports: [DATABASE, PRISMA, SQL_POOL],
    };
  }
}

export type { PrismaClient };
