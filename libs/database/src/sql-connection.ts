import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * The few raw operations the migrator and test fixtures need, on either PostgreSQL
 * or PGlite. Application queries go through Prisma instead.
 */
export interface SqlConnection {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export class PostgresSqlConnection implements SqlConnection {
  private constructor(private readonly client: pg.Client) {}

  /**
   * Connects one client. A connection that breaks later makes the next query fail, and
   * `onError` hears about it: without a listener, pg's 'error' event would end the process.
   */
  static async connect(url: string, onError?: (error: Error) => void): Promise<PostgresSqlConnection> {
    const client = new pg.Client({ connectionString: url });
    client.on('error', (error: Error) => onError?.(error));
    await client.connect();
    return new PostgresSqlConnection(client);
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.client.query(sql, params);
    return result.rows as Row[];
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** Wraps a PGlite instance that the caller owns; `close` leaves it open. */
export class PgliteSqlConnection implements SqlConnection {
  constructor(private readonly db: PGlite) {}

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params);
    return result.rows;
  }

  async close(): Promise<void> {}
}
