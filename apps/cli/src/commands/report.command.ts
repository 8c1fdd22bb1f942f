import { Command, Option } from 'commander';
import { ExperimentsModule, UpliftReportService, type UpliftReport } from '#wayline/experiments';
import { withCliContext } from '../cli-context.ts';

export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('Analytics reports');
  report
    .command('uplift')
    .description('Conversion uplift of a campaign against its randomized holdout group')
    .requiredOption('--campaign <key>', 'campaign key')
    .addOption(new Option('--metric <metric>', 'outcome to compare').choices(['visit', 'conversion', 'spend']).default('conversion'))
    .option('--json', 'print the report as JSON')
    .action(async (options: { campaign: string; metric: string; json?: boolean }) => {
      await withCliContext([ExperimentsModule], async (context) => {
        const result = await context.get(UpliftReportService).report({ campaign: options.campaign, metric: options.metric });
        console.log(options.json ? JSON.stringify(result, null, 2) : formatUplift(result));
      });
    });
}

function formatUplift(report: UpliftReport): string {
  const percent = report.metric !== 'spend';
  const rate = (value: number | null): string => {
    if (value === null) {
      return 'n/a';
    }
    return percent ? `${(value * 100).toFixed(3)}%` : value.toFixed(4);
  };
  const lines = [
    `Uplift of ${report.campaign} on ${report.metric} (holdout group ${report.holdoutGroup})`,
    `  control    n=${report.control.n}  ${percent ? 'customers' : 'total'}=${report.control.conversions}  rate=${rate(report.control.rate)}`,
    `  treatment  n=${report.treatment.n}  ${percent ? 'customers' : 'total'}=${report.treatment.conversions}  rate=${rate(report.treatment.rate)}`,
    `  absolute uplift ${rate(report.uplift.absolute)}` +
      (report.uplift.ci95 ? `  95% CI [${rate(report.uplift.ci95[0])}, ${rate(report.uplift.ci95[1])}]` : ''),
    `  relative uplift ${report.uplift.relative === null ? 'n/a' : `${(report.uplift.relative * 100).toFixed(2)}%`}` +
      `  p-value ${report.uplift.pValue === null ? 'n/a' : report.uplift.pValue.toPrecision(4)}`,
    `  method: ${report.uplift.method.interval}; ${report.uplift.method.test}`,
  ];
  for (const note of report.notes) {
    lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}
