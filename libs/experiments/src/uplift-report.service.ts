import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CatalogQueryService } from '#wayline/catalog';
import { identifierSchema, parseInput } from '#wayline/common';
import { findCampaignOrReject } from './campaign-reference.ts';
import { buildUpliftResult, type UpliftMetric, type UpliftResult } from './statistics/index.ts';
import { UpliftRepository, type ArmAggregate, type CampaignAggregates } from './uplift.repository.ts';

export const upliftQuerySchema = z.strictObject({
  campaign: identifierSchema(200),
  metric: z.enum(['visit', 'conversion', 'spend'], { message: 'must be visit, conversion or spend' }).default('conversion'),
});

export interface UpliftReport extends UpliftResult {
  campaign: string;
  holdoutGroup: string;
  /** Customers found in both arms, left out of both. */
  crossovers: number;
  generatedAt: Date;
}

@Injectable()
export class UpliftReportService {
  constructor(
    private readonly catalog: CatalogQueryService,
    private readonly uplift: UpliftRepository,
  ) {}

  /** Computes the uplift of one campaign on one metric, treatment against its holdout group. */
  async report(query: unknown): Promise<UpliftReport> {
    const { campaign: key, metric } = parseInput(upliftQuerySchema, query, 'query');
    const campaign = await findCampaignOrReject(this.catalog, key, 'query.campaign');
    const aggregates = await this.uplift.aggregate(campaign.id, campaign.holdoutGroup);
    const result = buildUpliftResult(toUpliftInput(metric, aggregates));
    const notes = [...result.notes];
    if (aggregates.crossovers > 0) {
      notes.push(`${aggregates.crossovers} customers had decisions in both arms and were left out of both`);
    }
    return {
      campaign: campaign.key,
      holdoutGroup: campaign.holdoutGroup,
      ...result,
      notes,
      crossovers: aggregates.crossovers,
      generatedAt: new Date(),
    };
  }
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
