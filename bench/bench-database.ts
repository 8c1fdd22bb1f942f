import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database the benchmark created for itself on the PostgreSQL server of DATABASE_URL. */
export interface BenchDatabase {
  name: string;
  /** Connection string of the new database, on the server and with the credentials of DATABASE_URL. */
  url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates `wayline_bench_<random>` on the server of `adminUrl`. The name contains only
 * lowercase letters, digits and '_', so it is safe to put in SQL without quoting.
 */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `wayline_bench_${randomBytes(6).toString('hex')}`;
  await runAdminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => runAdminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function runAdminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
