import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { setProcessAuditActor } from '#wayline/audit';
import { DomainError, ValidationError } from '#wayline/common';
import { InvalidEnvironmentError } from '#wayline/config';
import { registerCustomerCommands } from './commands/customer.command.ts';
import { registerDbCommands } from './commands/db.command.ts';
import { registerImportCommands } from './commands/import.command.ts';
import { registerKeysCommands } from './commands/keys.command.ts';
import { registerModelCommands } from './commands/model.command.ts';
import { registerReportCommands } from './commands/report.command.ts';

/** Version from the project's package.json, two folders above apps/ in sources and in dist/. */
function projectVersion(): string {
  for (const relative of ['../../../package.json', '../../../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'wayline' && manifest.version) {
        return manifest.version;
      }
    } catch {
      // Not at this level; try the next one.
    }
  }
  return 'unknown';
}

// Changes made by a command are recorded in the audit log with the actor "cli".
setProcessAuditActor('cli');

const program = new Command()
  .name('wayline')
  .version(projectVersion(), '-V, --version', 'print the Wayline version')
  .description('Wayline command line: data import, reports and administration')
  .showHelpAfterError()
  .exitOverride();

registerDbCommands(program);
registerImportCommands(program);
registerReportCommands(program);
registerModelCommands(program);
registerCustomerCommands(program);
registerKeysCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof ValidationError) {
    console.error(`wayline: invalid input: ${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof DomainError || error instanceof InvalidEnvironmentError) {
    console.error(`wayline: ${error.message}`);
    process.exitCode = 1;
  } else if (error instanceof Error) {
    // Expected failures (a file not found, a folder in use, a server unreachable) carry
    // their explanation in the message; the stack helps only when debugging.
    console.error(`wayline: ${error.message}`);
    if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') {
      console.error(error.stack);
    }
    process.exitCode = 1;
  } else {
    console.error('wayline: failed:', error);
    process.exitCode = 1;
  }
}
