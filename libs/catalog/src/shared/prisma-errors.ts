import { Prisma } from '#wayline/database';

/**
 * Checks whether `error` is a unique constraint violation (Prisma code P2002) on `model`.
 * The PostgreSQL and PGlite adapters of Prisma 7 both set `meta.modelName`. They report
 * the violated constraint in different shapes, so the check ignores it.
 */
export function isUniqueViolation(error: unknown, model: Prisma.ModelName): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError &&
    error.code === 'P2002' &&
    error.meta?.['modelName'] === model
  );
}
