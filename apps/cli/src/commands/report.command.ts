import { Command, Option } from 'commander';
import { type ExportedReport, ExperimentsModule, type UpliftBreakdownReport, UpliftReportService, type UpliftReport } from '#wayline/experiments';
import { withCliContext } from '../cli-context.ts';

export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('Analytics reports');
  report
    .command('uplift')
    .description('Conversion uplift of a campaign against its randomized holdout group')
    .requiredOption('--campaign <key>', 'campaign key')
    .addOption(new Option('--metric <metric>', 'outcome to compare').choices(['visit', 'conversion', 'spend']).default('conversion'))
    .addOption(new Option('--by <dimension>', 'one report per value of a customer attribute or decision-time state').choices(['segment', 'stage', 'emotion', 'offer']))
    .option('--json', 'print the report as JSON')
    .option('--csv', 'print the report as CSV (the columns of GET /v1/reports/uplift?format=csv)')
    .action(async (options: { campaign: string; metric: string; by?: string; json?: boolean; csv?: boolean }) => {
      await withCliContext([ExperimentsModule], async (context) => {
        const service = context.get(UpliftReportService);
        if (options.by !== undefined || options.csv) {
          const format = options.csv ? 'csv' : 'json';
          const exported = await service.exportUplift({ campaign: options.campaign, metric: options.metric, by: options.by, format });
          printExported(exported, options.json || options.csv ? undefined : (body) => formatBreakdown(body as UpliftBreakdownReport));
          return;
        }
        const result = await service.report({ campaign: options.campaign, metric: options.metric });
        console.log(options.json ? JSON.stringify(result, null, 2) : formatUplift(result));
      });
    });
  report
    .command('cumulative')
    .description('Cumulative uplift per UTC day with the always-valid (sequential) 95% interval')
    .requiredOption('--campaign <key>', 'campaign key')
    .addOption(new Option('--metric <metric>', 'outcome to compare').choices(['visit', 'conversion', 'spend']).default('conversion'))
    .option('--mixture-scale <number>', 'scale of the normal mixture, in standard deviations of the per-customer metric', '0.1')
    .option('--csv', 'print CSV instead of JSON')
    .action(async (options: { campaign: string; metric: string; mixtureScale: string; csv?: boolean }) => {
      await withCliContext([ExperimentsModule], async (context) => {
        const exported = await context.get(UpliftReportService).exportCumulative({
          campaign: options.campaign,
          metric: options.metric,
          mixtureScale: options.mixtureScale,
          format: options.csv ? 'csv' : 'json',
        });
        printExported(exported);
      });
    });
}

/** Prints CSV as is, and JSON indented unless `format` renders it as text. */
function printExported(exported: ExportedReport, format?: (body: object) => string): void {
  if (exported.format === 'csv') {
    process.stdout.write(exported.body);
    return;
  }
  console.log(format === undefined ? JSON.stringify(exported.body, null, 2) : format(exported.body));
}

function formatBreakdown(report: UpliftBreakdownReport): string {
  return report.groups
    .map((group) => `== ${report.by} = ${group.value}\n` + formatUplift({ ...group, campaign: report.campaign, holdoutGroup: report.holdoutGroup, generatedAt: report.generatedAt }))
    .join('\n');
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
    `  relative 95% CI ${report.uplift.relativeCi95 === null ? 'n/a' : report.uplift.relativeCi95.map((bound) => `${(bound * 100).toFixed(2)}%`).join(' to ')}`,
    `  minimum detectable effect ${rate(report.uplift.minimumDetectableEffect.absolute)} (80% power, α = 0.05)`,
    `  sample ratio check: expected control share ${report.sampleRatioMismatch.expectedControlShare}, ` +
      `p-value ${report.sampleRatioMismatch.pValue === null ? 'n/a' : report.sampleRatioMismatch.pValue.toPrecision(4)}` +
      (report.sampleRatioMismatch.flagged ? '  MISMATCH' : ''),
    `  method: ${report.uplift.method.interval}; ${report.uplift.method.test}; ${report.uplift.method.relativeInterval}`,
  ];
  for (const note of report.notes) {
    lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}
