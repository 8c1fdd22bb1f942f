import { createHash } from 'node:crypto';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * Runs one parameterized statement (`$1`, `$2`…) and returns its rows. The text must be a
 * constant of the code with every value in `params`: each distinct text becomes a named
 * statement on PostgreSQL (see `prepared`).
 */
export interface SqlExecutor {
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * Plain SQL for the hot request paths, next to the Prisma client. Prisma's query engine
 * spends more CPU on each statement than a small indexed statement costs PostgreSQL, and an
 * interactive Prisma transaction adds more per step. The next-best-offer path runs a few
 * statements per request, so it talks to the database directly. Everything else keeps
 * using Prisma.
 */
export interface SqlPool extends SqlExecutor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Error for a failed connection attempt: PostgreSQL refused, is down, or the pool waited
 * too long. The HTTP layer returns 503, because the request itself was valid.
 */
export class DatabaseConnectionError extends Error {
  constructor(
    message: string,
    /** True when every pooled connection was busy for the whole wait, false when the server could not be reached. */
    readonly saturated: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseConnectionError';
  }
}

/** A pool of its own on PostgreSQL, sized like Prisma's. Connections open on first use. */
export class PostgresSqlPool implements SqlPool {
  private readonly pool: pg.Pool;

  constructor(
    options: { connectionString: string; max: number; connectionTimeoutMillis: number; idleTimeoutMillis: number },
    onConnectionError?: (error: Error) => void,
  ) {
    // Keep-alive probes find a connection that a network device dropped while it was idle.
    this.pool = new pg.Pool({ ...options, keepAlive: true });
    // Without a listener, an idle connection that breaks would end the process.
    this.pool.on('error', (error: Error) => onConnectionError?.(error));
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      const result = await client.query(prepared(sql, params));
      return result.rows as Row[];
    } catch (error) {
      broken = brokenConnection(error);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <Row>(sql: string, params: readonly unknown[] = []) => (await client.query(prepared(sql, params))).rows as Row[],
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = brokenConnection(error);
      if (broken === undefined) {
        // A failed ROLLBACK means the connection is unusable: the pool must drop it.
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      const saturated = error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message);
      throw new DatabaseConnectionError(
        saturated ? 'Timed out waiting for a free database connection' : 'Failed to connect to the database',
        saturated,
        { cause: error },
      );
    }
  }
}

/** Statement names by SQL text; the texts are the few constant statements of the hot paths. */
const statementNames = new Map<string, string>();

/**
 * Names the statement after its text, so each pooled connection parses and plans it once
 * and then only binds and executes it. Unnamed statements were parsed and planned again on
 * every call, which cost PostgreSQL more CPU than running them.
 */
function prepared(sql: string, params: readonly unknown[]): pg.QueryConfig {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `wayline_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] };
}

/**
 * Returns the error to release the connection with when the connection is unusable, or
 * undefined when the server reported the error. Server errors carry a five-character
 * SQLSTATE; socket and protocol errors do not, and connection-class codes (08, 57P) end it.
 */
function brokenConnection(error: unknown): Error | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const fromServer = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P');
  if (fromServer) {
    return undefined;
  }
  if (error instanceof Error) {
    return error;
  }
  return new Error(String(error));
}

/**
 * Pool over the PGlite instance behind Prisma's adapter. PGlite runs one statement at a
 * time and queues plain queries while a transaction is open, so sharing it is safe.
 */
export class PgliteSqlPool implements SqlPool {
  constructor(private readonly db: PGlite) {}

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params as unknown[])).rows;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx: Transaction) =>
      work({ query: async <Row>(sql: string, params: readonly unknown[] = []) => (await tx.query<Row>(sql, params as unknown[])).rows }),
    );
  }

  /** The caller that opened the PGlite instance closes it. */
  async close(): Promise<void> {}
}
