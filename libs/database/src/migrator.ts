import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlConnection } from './sql-connection.ts';

/**
 * prisma/migrations of the project, found by walking up from this file, so it works
 * from the sources (tests, CLI) and from the compiled dist/ alike.
 */
export function defaultMigrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) {
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`No prisma/migrations folder above ${fileURLToPath(import.meta.url)}`);
    }
    dir = parent;
  }
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Arbitrary constant that identifies Wayline's migration lock among advisory locks. */
const MIGRATION_LOCK_ID = 72_011_423;

export async function readMigrations(dir: string): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    migrations.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/**
 * Applies each migration in `dir` that the `wayline_migrations` table does not list
 * yet, each in its own transaction, in name order. A session-level advisory lock
 * serializes processes that start at the same time: the second one waits, then finds
 * the work done. A changed file that was already applied is an error, because the
 * database no longer matches the schema the code expects.
 */
export async function applyMigrations(
  connection: SqlConnection,
  dir = defaultMigrationsDir(),
): Promise<MigrationResult> {
  const migrations = await readMigrations(dir);
  await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
  try {
    await connection.exec(`
      CREATE TABLE IF NOT EXISTS wayline_migrations (
        name        TEXT PRIMARY KEY,
        checksum    TEXT NOT NULL,
        applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    const rows = await connection.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM wayline_migrations',
    );
    const appliedChecksums = new Map(rows.map((row) => [row.name, row.checksum]));
    const result: MigrationResult = { applied: [], alreadyApplied: [] };

    for (const migration of migrations) {
      const recorded = appliedChecksums.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied; add a new migration instead of editing it`,
          );
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await connection.exec('BEGIN');
      try {
        await connection.exec(migration.sql);
        await connection.query('INSERT INTO wayline_migrations (name, checksum) VALUES ($1, $2)', [
          migration.name,
          migration.checksum,
        ]);
        await connection.exec('COMMIT');
      } catch (error) {
        await connection.exec('ROLLBACK');
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await connection.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
  }
}
