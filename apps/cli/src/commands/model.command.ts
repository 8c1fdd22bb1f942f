import type { Command } from 'commander';
import { DecisioningModule, PropensityService } from '#wayline/decisioning';
import { withCliContext } from '../cli-context.ts';

export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('Propensity models');
  model
    .command('train')
    .description('Train a new propensity model version for every offer with enough outcomes')
    .option('--json', 'print the training summaries as JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext([DecisioningModule], async (context) => {
        const summaries = await context.get(PropensityService).trainAll();
        if (options.json) {
          console.log(JSON.stringify(summaries, null, 2));
          return;
        }
        if (summaries.length === 0) {
          console.log('No offer has treatment decisions yet; nothing to train.');
        }
        for (const summary of summaries) {
          console.log(
            summary.trained
              ? `offer ${summary.offerName ?? summary.offerId}: trained version ${summary.version} on ${summary.sampleSize} decisions, validation AUC ${formatAuc(summary.metrics?.validationAuc)}`
              : `offer ${summary.offerName ?? summary.offerId}: not trained, ${summary.reason}`,
          );
        }
      });
    });
}

function formatAuc(value: unknown): string {
  return typeof value === 'number' ? value.toFixed(3) : 'n/a';
}
