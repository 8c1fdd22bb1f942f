import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '#wayline/database';

/** One arm of a seeded experiment: how many customers, and how many of them converted. */
export interface SeededArm {
  customers: number;
  conversions: number;
}

export interface SeedOptions {
  campaignKey: string;
  treatment: SeededArm;
  control: SeededArm;
  /** Days (UTC, YYYY-MM-DD) that customers join on, in turn; each customer converts on the day they join. */
  days?: string[];
  /** Customer attribute `segment`, stage and emotion label, chosen in turn per customer. */
  segments?: string[];
  stages?: string[];
  emotions?: string[];
  /** Conversion value of each conversion, for the spend metric. */
  value?: number;
  /** Offer recorded on every decision. Default: 'voucher'. */
  offer?: string;
}

/**
 * Stores customers, decisions and conversions of a campaign as the decision engine would
 * record them, so a report can be checked against known counts.
 */
export async function seedExperiment(prisma: PrismaClient, options: SeedOptions): Promise<void> {
  const campaign = await prisma.campaign.findUniqueOrThrow({ where: { key: options.campaignKey } });
  const offer = await prisma.offer.findUniqueOrThrow({ where: { name: options.offer ?? 'voucher' } });
  const days = options.days ?? ['2026-11-01'];
  const customers: Array<{ id: string; attributes: object }> = [];
  const decisions: Array<Record<string, unknown>> = [];
  const outcomes: Array<Record<string, unknown>> = [];
  let index = 0;

  for (const arm of ['treatment', 'control'] as const) {
    const { customers: count, conversions } = options[arm];
    for (let i = 0; i < count; i++, index++) {
      const customerId = `${options.campaignKey}-${arm}-${i}`;
      const pick = <T>(values: T[] | undefined): T | null => (values === undefined ? null : values[index % values.length]!);
      const day = days[index % days.length]!;
      const decisionId = randomUUID();
      const segment = pick(options.segments);
      customers.push({ id: customerId, attributes: segment === null ? {} : { segment } });
      decisions.push({
        id: decisionId,
        customerId,
        campaignId: campaign.id,
        holdoutGroup: campaign.holdoutGroup,
        arm,
        offerId: offer.id,
        channel: 'email',
        reasons: [{ step: 'assignment', campaign: campaign.key, arm, globalControl: false, origin: 'drawn', emotion: pick(options.emotions) }],
        features: { stage: pick(options.stages) },
        source: 'live',
        createdAt: new Date(`${day}T10:00:00Z`),
      });
      if (i < conversions) {
        outcomes.push({
          decisionId,
          customerId,
          campaignId: campaign.id,
          type: 'conversion',
          value: options.value ?? null,
          occurredAt: new Date(`${day}T12:00:00Z`),
        });
      }
    }
  }
  await prisma.customer.createMany({ data: customers });
  await prisma.decision.createMany({ data: decisions as never });
  await prisma.outcome.createMany({ data: outcomes as never });
}
