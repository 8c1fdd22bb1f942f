import pg from 'pg';

/** Counters of one database from PostgreSQL's pg_stat_database view. */
export interface DatabaseCounters {
  transactions: number;
  rowsReturned: number;
  rowsFetched: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
}

/**
 * Work the benchmark database did during one phase. NOTE: backends publish these
 * counters with a delay, so work near a phase boundary can land in the neighbouring
 * phase. Per-request figures derived from them are estimates.
 */
export type DatabaseActivity = DatabaseCounters;

/** Reads pg_stat_database for one database over one connection that stays open for the run. */
export class DatabaseActivityReader {
  private constructor(
    private readonly client: pg.Client,
    readonly databaseName: string,
  ) {}

  static async connect(adminUrl: string, databaseName: string): Promise<DatabaseActivityReader> {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    return new DatabaseActivityReader(client, databaseName);
  }

  async read(): Promise<DatabaseCounters> {
    // Clears the statistics snapshot that this session may have cached, so the read is current.
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const result = await this.client.query<Record<string, string>>(
      `SELECT xact_commit + xact_rollback AS transactions, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted
       FROM pg_stat_database WHERE datname = $1`,
      [this.databaseName],
    );
    const row = result.rows[0];
    if (row === undefined) {
      throw new Error(`pg_stat_database has no row for ${this.databaseName}`);
    }
    return {
      transactions: Number(row.transactions),
      rowsReturned: Number(row.tup_returned),
      rowsFetched: Number(row.tup_fetched),
      rowsInserted: Number(row.tup_inserted),
      rowsUpdated: Number(row.tup_updated),
      rowsDeleted: Number(row.tup_deleted),
    };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

export function subtractCounters(end: DatabaseCounters, start: DatabaseCounters): DatabaseActivity {
  return {
    transactions: end.transactions - start.transactions,
    rowsReturned: end.rowsReturned - start.rowsReturned,
    rowsFetched: end.rowsFetched - start.rowsFetched,
    rowsInserted: end.rowsInserted - start.rowsInserted,
    rowsUpdated: end.rowsUpdated - start.rowsUpdated,
    rowsDeleted: end.rowsDeleted - start.rowsDeleted,
  };
}
