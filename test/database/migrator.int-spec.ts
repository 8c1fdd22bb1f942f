import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Database, applyMigrations, defaultMigrationsDir, readMigrations } from '#wayline/database';
import { createTestDatabaseConfig } from '../support/test-stores.ts';

describe('migrator', () => {
  let database: Database;
  let drop: () => Promise<void>;

  beforeEach(async () => {
    const created = await createTestDatabaseConfig();
    drop = created.drop;
    database = await Database.open(created.database);
  });

  afterEach(async () => {
    await database.close();
    await drop();
  });

  it('applies every migration once', async () => {
    const all = await readMigrations(defaultMigrationsDir());
    const first = await database.migrate();
    const second = await database.migrate();

    expect(first.applied).toEqual(all.map((migration) => migration.name));
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
    const connection = await database.sqlConnection();
    const rows = await connection.query<{ count: string }>('SELECT count(*)::text AS count FROM wayline_migrations');
    await connection.close();
    expect(Number(rows[0]!.count)).toBe(all.length);
  });

  it('rejects an edited migration', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wayline-migrations-'));
    await mkdir(path.join(dir, '0001_table'));
    await writeFile(path.join(dir, '0001_table', 'migration.sql'), 'CREATE TABLE probe (id INT);');
    await database.migrate(dir);
    await writeFile(path.join(dir, '0001_table', 'migration.sql'), 'CREATE TABLE probe (id BIGINT);');

    await expect(database.migrate(dir)).rejects.toThrow(/0001_table was changed/);
    await rm(dir, { recursive: true });
  });

  it('rolls back a failing migration', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wayline-migrations-'));
    await mkdir(path.join(dir, '0001_broken'));
    await writeFile(
      path.join(dir, '0001_broken', 'migration.sql'),
      'CREATE TABLE half_done (id INT); SELECT no_such_function();',
    );

    await expect(database.migrate(dir)).rejects.toThrow(/0001_broken failed/);
    const connection = await database.sqlConnection();
    const tables = await connection.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    await connection.close();
    expect(tables).toHaveLength(0);
    await rm(dir, { recursive: true });
  });

  it('serializes two processes starting at once', async () => {
    if (database.kind !== 'postgres') {
      // PGlite allows one process per data folder, so there is no race to test.
      return;
    }
    const connectionA = await database.sqlConnection();
    const connectionB = await database.sqlConnection();
    const [resultA, resultB] = await Promise.all([
      applyMigrations(connectionA),
      applyMigrations(connectionB),
    ]);
    await connectionA.close();
    await connectionB.close();

    const appliedTwice = resultA.applied.filter((name) => resultB.applied.includes(name));
    expect(appliedTwice).toEqual([]);
    expect([...resultA.applied, ...resultB.applied].sort()).toEqual(
      (await readMigrations(defaultMigrationsDir())).map((migration) => migration.name),
    );
  });
});
