import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CatalogQueryService, type CampaignView } from '#wayline/catalog';
import { identifierSchema, parseInput } from '#wayline/common';
import { findCampaignOrReject } from './campaign-reference.ts';
import { buildCumulativeUplift, type CumulativeUpliftPoint } from './cumulative-uplift.ts';
import { type CsvValue, toCsv } from './report-export.ts';
import {
  buildUpliftResult,
  DEFAULT_MIXTURE_SCALE,
  sampleRatioMismatch,
  SEQUENTIAL_ALPHA,
  type SampleRatioMismatch,
  type UpliftMetric,
  type UpliftResult,
} from './statistics/index.ts';
import { UpliftRepository, type ArmAggregate, type CampaignAggregates, type UpliftDimension } from './uplift.repository.ts';

const UPLIFT_DIMENSIONS = ['segment', 'stage', 'emotion', 'offer'] as const;
const REPORT_FORMATS = ['json', 'csv'] as const;

const campaignParameter = identifierSchema(200);
const metricParameter = z.enum(['visit', 'conversion', 'spend'], { message: 'must be visit, conversion or spend' }).default('conversion');
const formatParameter = z.enum(REPORT_FORMATS, { message: 'must be json or csv' }).default('json');

/** `GET /v1/reports/uplift`: one campaign, or one row per value of `by`. */
export const upliftQuerySchema = z.strictObject({
  campaign: campaignParameter,
  metric: metricParameter,
  by: z.enum(UPLIFT_DIMENSIONS, { message: `must be one of ${UPLIFT_DIMENSIONS.join(', ')}` }).optional(),
  format: formatParameter,
});

/** `GET /v1/reports/uplift/cumulative`: daily points with the always-valid interval. */
export const cumulativeUpliftQuerySchema = z.strictObject({
  campaign: campaignParameter,
  metric: metricParameter,
  mixtureScale: z.coerce
    .number({ message: 'must be a number greater than 0 and at most 10' })
    .gt(0, 'must be greater than 0')
    .max(10, 'must be at most 10')
    .default(DEFAULT_MIXTURE_SCALE),
  format: formatParameter,
});

/** Uplift of one group of customers: the statistics and the split check. */
export interface UpliftGroupReport extends UpliftResult {
  sampleRatioMismatch: SampleRatioMismatch;
  /** Control customers held out by the global control group. They count in the uplift but not in the split check. */
  globalControl: number;
  /** Customers found in both arms, left out of both. */
  crossovers: number;
}

export interface UpliftReport extends UpliftGroupReport {
  campaign: string;
  holdoutGroup: string;
  generatedAt: Date;
}

export interface UpliftBreakdownReport {
  campaign: string;
  holdoutGroup: string;
  metric: UpliftMetric;
  by: UpliftDimension;
  groups: Array<{ value: string } & UpliftGroupReport>;
  generatedAt: Date;
}

export interface CumulativeUpliftReport {
  campaign: string;
  holdoutGroup: string;
  metric: UpliftMetric;
  sequential: { method: string; alpha: number; mixtureScale: number };
  points: CumulativeUpliftPoint[];
  generatedAt: Date;
}

/** A report in the requested format: the JSON body, or CSV text. */
export type ExportedReport = { format: 'json'; body: object } | { format: 'csv'; body: string };

@Injectable()
export class UpliftReportService {
  constructor(
    private readonly catalog: CatalogQueryService,
    private readonly uplift: UpliftRepository,
  ) {}

  /** Computes the uplift of one campaign on one metric, treatment against its holdout group. */
  async report(query: unknown): Promise<UpliftReport> {
    const { campaign: key, metric } = parseInput(upliftQuerySchema.omit({ by: true, format: true }), query, 'query');
    const campaign = await findCampaignOrReject(this.catalog, key, 'query.campaign');
    return this.campaignReport(campaign, metric);
  }

  /** Computes the uplift per value of a customer attribute or decision-time state. */
  async breakdown(campaignKey: string, metric: UpliftMetric, by: UpliftDimension): Promise<UpliftBreakdownReport> {
    const campaign = await findCampaignOrReject(this.catalog, campaignKey, 'query.campaign');
    const groups = await this.uplift.aggregateBy(campaign.id, campaign.holdoutGroup, by);
    return {
      campaign: campaign.key,
      holdoutGroup: campaign.holdoutGroup,
      metric,
      by,
      groups: [...groups.entries()].map(([value, aggregates]) => ({ value, ...groupReport(metric, aggregates, campaign.holdoutShare) })),
      generatedAt: new Date(),
    };
  }

  /** Computes the cumulative uplift per UTC day with the always-valid interval. */
  async cumulative(query: unknown): Promise<CumulativeUpliftReport> {
    const { campaign: key, metric, mixtureScale } = parseInput(cumulativeUpliftQuerySchema.omit({ format: true }), query, 'query');
    const campaign = await findCampaignOrReject(this.catalog, key, 'query.campaign');
    const { customers, spend } = await this.uplift.timelines(campaign.id, campaign.holdoutGroup);
    return {
      campaign: campaign.key,
      holdoutGroup: campaign.holdoutGroup,
      metric,
      sequential: { method: 'msprt-normal-mixture', alpha: SEQUENTIAL_ALPHA, mixtureScale },
      points: buildCumulativeUplift(metric, customers, spend, mixtureScale),
      generatedAt: new Date(),
    };
  }

  /** `GET /v1/reports/uplift` in JSON or CSV, with or without `by`. */
  async exportUplift(query: unknown): Promise<ExportedReport> {
    const { campaign: key, metric, by, format } = parseInput(upliftQuerySchema, query, 'query');
    if (by === undefined) {
      const campaign = await findCampaignOrReject(this.catalog, key, 'query.campaign');
      const report = await this.campaignReport(campaign, metric);
      return format === 'json' ? { format, body: report } : { format, body: toCsv(UPLIFT_COLUMNS, [upliftRow(report, null, null)]) };
    }
    const report = await this.breakdown(key, metric, by);
    if (format === 'json') {
      return { format, body: report };
    }
    const rows = report.groups.map((group) => upliftRow({ ...group, campaign: report.campaign, holdoutGroup: report.holdoutGroup }, by, group.value));
    return { format, body: toCsv(UPLIFT_COLUMNS, rows) };
  }

  /** `GET /v1/reports/uplift/cumulative` in JSON or CSV. */
  async exportCumulative(query: unknown): Promise<ExportedReport> {
    const { format, ...rest } = parseInput(cumulativeUpliftQuerySchema, query, 'query');
    const report = await this.cumulative(rest);
    if (format === 'json') {
      return { format, body: report };
    }
    return { format, body: toCsv(CUMULATIVE_COLUMNS, report.points.map((point) => cumulativeRow(report, point))) };
  }

  private async campaignReport(campaign: CampaignView, metric: UpliftMetric): Promise<UpliftReport> {
    const aggregates = await this.uplift.aggregate(campaign.id, campaign.holdoutGroup);
    return {
      campaign: campaign.key,
      holdoutGroup: campaign.holdoutGroup,
      ...groupReport(metric, aggregates, campaign.holdoutShare),
      generatedAt: new Date(),
    };
  }
}

/** Builds the statistics and the split check of one group of customers. */
function groupReport(metric: UpliftMetric, aggregates: CampaignAggregates, campaignShare: number): UpliftGroupReport {
  const result = buildUpliftResult(toUpliftInput(metric, aggregates));
  const split = splitCheck(aggregates, campaignShare);
  const notes = [...result.notes, ...split.notes];
  if (aggregates.crossovers > 0) {
    notes.push(`${aggregates.crossovers} customers had decisions in both arms and were left out of both`);
  }
  if (split.flagged) {
    notes.push(
      `Sample ratio mismatch: the arm sizes do not fit the configured control share ${split.expectedControlShare} ` +
        `(p = ${split.pValue}), so assignment or logging is broken and the uplift figures cannot be trusted.`,
    );
  }
  return {
    ...result,
    notes,
    sampleRatioMismatch: split,
    globalControl: aggregates.control.globalControl,
    crossovers: aggregates.crossovers,
  };
}

/**
 * Tests the campaign's own split. Global control customers are left out, because the
 * campaign's share did not decide their arm. The expected control share is the mean, over
 * the customers tested, of the share in force at each customer's first assignment: the stored
 * share where one is stored, the campaign's current share for the rest (imported decisions).
 *
 * NOTE: when campaigns with different shares share a holdout group, control customers drawn
 * by the other campaigns are tested against their own stored shares, which is exact only if
 * the campaigns draw comparable numbers of customers.
 */
function splitCheck(aggregates: CampaignAggregates, campaignShare: number): SampleRatioMismatch {
  const control = aggregates.control.customers - aggregates.control.globalControl;
  const treatment = aggregates.treatment.customers - aggregates.treatment.globalControl;
  const total = control + treatment;
  const assigned = aggregates.control.assigned + aggregates.treatment.assigned;
  const storedShareSum = aggregates.control.storedShareSum + aggregates.treatment.storedShareSum;
  const expected = total === 0 ? campaignShare : (storedShareSum + (total - assigned) * campaignShare) / total;
  return sampleRatioMismatch({ control, treatment }, Math.min(1, Math.max(0, expected)));
}

function toUpliftInput(metric: UpliftMetric, aggregates: CampaignAggregates) {
  if (metric === 'spend') {
    const sums = (arm: ArmAggregate) => ({ n: arm.customers, sum: arm.spend, sumOfSquares: arm.spendSquares });
    return { metric, treatment: sums(aggregates.treatment), control: sums(aggregates.control) } as const;
  }
  const successes = (arm: ArmAggregate) => (metric === 'visit' ? arm.visitors : arm.converters);
  return {
    metric,
    treatment: { n: aggregates.treatment.customers, successes: successes(aggregates.treatment) },
    control: { n: aggregates.control.customers, successes: successes(aggregates.control) },
  } as const;
}

/** Columns of the uplift CSV, one row per campaign or per group of a breakdown. */
export const UPLIFT_COLUMNS = [
  'campaign', 'holdout_group', 'metric', 'by', 'group',
  'control_n', 'control_conversions', 'control_rate', 'treatment_n', 'treatment_conversions', 'treatment_rate',
  'absolute_uplift', 'absolute_ci95_low', 'absolute_ci95_high', 'p_value',
  'relative_uplift', 'relative_ci95_low', 'relative_ci95_high',
  'incremental', 'incremental_ci95_low', 'incremental_ci95_high',
  'mde_absolute', 'mde_relative',
  'srm_expected_control_share', 'srm_chi_square', 'srm_p_value', 'srm_flagged',
  'global_control', 'crossovers', 'notes',
] as const;

function upliftRow(report: UpliftGroupReport & { campaign: string; holdoutGroup: string }, by: string | null, group: string | null): CsvValue[] {
  const { uplift, sampleRatioMismatch: split } = report;
  return [
    report.campaign, report.holdoutGroup, report.metric, by, group,
    report.control.n, report.control.conversions, report.control.rate, report.treatment.n, report.treatment.conversions, report.treatment.rate,
    uplift.absolute, uplift.ci95?.[0] ?? null, uplift.ci95?.[1] ?? null, uplift.pValue,
    uplift.relative, uplift.relativeCi95?.[0] ?? null, uplift.relativeCi95?.[1] ?? null,
    uplift.incremental.value, uplift.incremental.ci95?.[0] ?? null, uplift.incremental.ci95?.[1] ?? null,
    uplift.minimumDetectableEffect.absolute, uplift.minimumDetectableEffect.relative,
    split.expectedControlShare, split.chiSquare, split.pValue, split.flagged,
    report.globalControl, report.crossovers, report.notes.join(' '),
  ];
}

/** Columns of the cumulative CSV, one row per UTC day. */
export const CUMULATIVE_COLUMNS = [
  'campaign', 'metric', 'date',
  'control_n', 'control_conversions', 'control_rate', 'treatment_n', 'treatment_conversions', 'treatment_rate',
  'absolute_uplift', 'ci95_low', 'ci95_high', 'p_value',
  'sequential_ci95_low', 'sequential_ci95_high', 'sequential_p_value',
] as const;

function cumulativeRow(report: CumulativeUpliftReport, point: CumulativeUpliftPoint): CsvValue[] {
  return [
    report.campaign, report.metric, point.date,
    point.control.n, point.control.conversions, point.control.rate, point.treatment.n, point.treatment.conversions, point.treatment.rate,
    point.absolute, point.ci95?.[0] ?? null, point.ci95?.[1] ?? null, point.pValue,
    point.sequentialCi95?.[0] ?? null, point.sequentialCi95?.[1] ?? null, point.sequentialPValue,
  ];
}
