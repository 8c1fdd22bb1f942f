import { InvalidArgumentError, type Command } from 'commander';
import { DecisioningModule, ModelTrainingService, type TrainingSummary } from '#wayline/decisioning';
import { withCliContext } from '../cli-context.ts';
import { evaluateHillstrom, type HillstromEvaluation } from './hillstrom-evaluation.ts';

export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('Propensity and uplift models');
  model
    .command('train')
    .description('Train a new propensity and uplift model version for every offer with enough outcomes')
    .option('--json', 'print the training summaries as JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext([DecisioningModule], async (context) => {
        const summaries = await context.get(ModelTrainingService).trainAll();
        if (options.json) {
          console.log(JSON.stringify(summaries, null, 2));
          return;
        }
        if (summaries.length === 0) {
          console.log('No offer has treatment decisions yet; nothing to train.');
        }
        for (const summary of summaries) {
          console.log(formatSummary(summary));
        }
      });
    });

  model
    .command('evaluate-hillstrom')
    .description(
      "Train Wayline's uplift model (T-learner) on a seeded half of the Hillstrom file and print the Qini coefficient and uplift at 30% on the other half",
    )
    .argument('<file>', 'path to hillstrom.csv')
    .option('--seed <n>', 'seed of the 50/50 split, shared with scripts/evaluate-uplift-hillstrom.py', parseSeed, 1)
    .option('--json', 'print the results as JSON')
    .action(async (file: string, options: { seed: number; json?: boolean }) => {
      const results = await evaluateHillstrom(file, options.seed);
      if (options.json) {
        console.log(JSON.stringify(results, null, 2));
        return;
      }
      console.log(`Hillstrom, seed ${options.seed}: Wayline T-learner on the validation half`);
      console.log(`${'e-mail'.padEnd(8)} ${'outcome'.padEnd(10)} ${'rows'.padStart(6)} ${'qini'.padStart(8)} ${'uplift@30%'.padStart(10)}`);
      for (const result of results) {
        console.log(formatEvaluation(result));
      }
    });
}

function parseSeed(value: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    throw new InvalidArgumentError('must be a whole number from 0 to 999999999');
  }
  return Number(value);
}

function formatSummary(summary: TrainingSummary): string {
  const name = `offer ${summary.offerName ?? summary.offerId}`;
  if (!summary.trained) {
    return `${name}: not trained, ${summary.reason}`;
  }
  const metrics = summary.metrics ?? {};
  const calibration = metrics.calibration as { brierScore: number; expectedCalibrationError: number } | null | undefined;
  const lines = [
    `${name}: propensity version ${summary.version} on ${summary.sampleSize} treated decisions, ` +
      `validation AUC ${formatNumber(metrics.validationAuc)}, Brier ${formatNumber(calibration?.brierScore, 4)}, ` +
      `ECE ${formatNumber(calibration?.expectedCalibrationError, 4)}`,
  ];
  const uplift = summary.uplift;
  lines.push(
    uplift.trained
      ? `  uplift version ${uplift.version} on ${uplift.treatedSize} treated and ${uplift.controlSize} control decisions, ` +
          `Qini ${formatNumber(uplift.metrics?.qini, 4)}, uplift at 30% ${formatNumber(uplift.metrics?.upliftAt30, 4)}`
      : `  uplift not trained, ${uplift.reason}`,
  );
  return lines.join('\n');
}

function formatEvaluation(result: HillstromEvaluation): string {
  return [
    result.campaign.padEnd(8),
    result.outcome.padEnd(10),
    String(result.validationRows).padStart(6),
    formatNumber(result.qini, 4).padStart(8),
    formatNumber(result.upliftAt30, 4).padStart(10),
  ].join(' ');
}

function formatNumber(value: unknown, digits = 3): string {
  return typeof value === 'number' ? value.toFixed(digits) : 'n/a';
}
