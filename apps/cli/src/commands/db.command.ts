import type { Command } from 'commander';
import pino from 'pino';
import { createRootLogger } from '#wayline/common';
import { loadConfig } from '#wayline/config';
import { Database } from '#wayline/database';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('Database administration');
  db.command('migrate')
    .description('Apply pending SQL migrations from prisma/migrations (also done on every start)')
    .action(async () => {
      const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
      const logger = createRootLogger(config.logLevel, 'wayline-cli', pino.destination(2));
      const database = await Database.open(config.database);
      try {
        const result = await database.migrate();
        logger.debug(result, 'Migrations done');
        console.log(
          result.applied.length === 0
            ? `Database is up to date (${result.alreadyApplied.length} migrations applied earlier).`
            : `Applied ${result.applied.length} migrations: ${result.applied.join(', ')}.`,
        );
      } finally {
        await database.close();
      }
    });
}
