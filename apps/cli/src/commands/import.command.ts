import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { HillstromImporter, ImportsModule } from '#wayline/imports';
import { withCliContext } from '../cli-context.ts';

export function registerImportCommands(program: Command): void {
  const importCommand = program.command('import').description('Load real data sets');
  importCommand
    .command('hillstrom')
    .description("Load the Hillstrom e-mail experiment (customers, two campaigns, decisions and outcomes); safe to run again")
    .argument('<file>', 'path to hillstrom.csv')
    .option(
      '--email-webhook-url <url>',
      'webhook of the email channel, used only if the channel does not exist yet',
      'http://127.0.0.1:8025/wayline/email',
    )
    .action(async (file: string, options: { emailWebhookUrl: string }) => {
      await withCliContext([ImportsModule], async (context) => {
        const importer = context.get(HillstromImporter);
        const bar = new SingleBar(
          { format: 'Importing Hillstrom |{bar}| {value}/{total} rows', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 },
          Presets.shades_classic,
        );
        let started = false;
        const result = await importer.import(file, {
          emailWebhookUrl: options.emailWebhookUrl,
          onProgress: (done, total) => {
            if (!started) {
              bar.start(total, 0);
              started = true;
            }
            bar.update(done);
          },
        });
        bar.stop();
        console.log(
          `Read ${result.rows} rows; created ${result.customersCreated} customers, ` +
            `${result.decisionsCreated} decisions and ${result.outcomesCreated} outcomes ` +
            `(rows already imported were left as they were).`,
        );
      });
    });
}
