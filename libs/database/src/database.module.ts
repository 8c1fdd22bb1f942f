import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Database } from './database.ts';

/** Nest injection token for the process's {@link Database}. */
export const DATABASE = Symbol('DATABASE');
/** Nest injection token for the Prisma client; only repositories inject it. */
export const PRISMA = Symbol('PRISMA');

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
      ],
      exports: [DATABASE, PRISMA],
    };
  }
}

export type { PrismaClient };
