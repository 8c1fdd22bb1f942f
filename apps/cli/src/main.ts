import { Command, CommanderError } from 'commander';
import { DomainError, ValidationError } from '#wayline/common';
import { InvalidEnvironmentError } from '#wayline/config';
import { registerDbCommands } from './commands/db.command.ts';
import { registerImportCommands } from './commands/import.command.ts';
import { registerModelCommands } from './commands/model.command.ts';
import { registerReportCommands } from './commands/report.command.ts';

const program = new Command()
  .name('wayline')
  .description('Wayline command line: data import, reports and administration')
  .showHelpAfterError()
  .exitOverride();

registerDbCommands(program);
registerImportCommands(program);
registerReportCommands(program);
registerModelCommands(program);

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
  } else {
    console.error('wayline: failed:', error);
    process.exitCode = 1;
  }
}
