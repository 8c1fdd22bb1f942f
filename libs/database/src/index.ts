export * from './database.ts';
export * from './database.module.ts';
export * from './migrator.ts';
export * from './sql-connection.ts';
export * from './sql-pool.ts';
export { Prisma } from './generated/prisma/client.ts';
export type * from './generated/prisma/models.ts';
export * from './data-folder-lock.ts';
