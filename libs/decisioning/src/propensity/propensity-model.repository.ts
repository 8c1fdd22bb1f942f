import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';
import type { DecisionFeatures, FeatureSpec } from './feature-encoder.ts';
import type { Scaling } from './standard-scaler.ts';

export interface TrainingRow {
  decisionId: string;
  features: DecisionFeatures;
  converted: boolean;
}

export interface StoredPropensityModel {
  id: string;
  offerId: string;
  version: number;
  spec: FeatureSpec;
  coefficients: number[];
  scaling: Scaling;
  metrics: Record<string, unknown>;
  sampleSize: number;
  trainedAt: Date;
}

@Injectable()
export class PropensityModelRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Offers that have at least one treatment decision, the only ones a model can learn about. */
  async findOffersWithDecisions(): Promise<Array<{ id: string; name: string }>> {
    return this.prisma.$queryRaw<Array<{ id: string; name: string }>>`
      SELECT o.id, o.name FROM offers o
      WHERE EXISTS (SELECT 1 FROM decisions d WHERE d.offer_id = o.id AND d.arm = 'treatment')
      ORDER BY o.name`;
  }

  /** Treatment decisions for the offer, labelled by whether a conversion was recorded for them. */
  async findTrainingRows(offerId: string): Promise<TrainingRow[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; features: DecisionFeatures; converted: boolean }>>`
      SELECT d.id, d.features,
             EXISTS (SELECT 1 FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion') AS converted
      FROM decisions d
      WHERE d.offer_id = ${offerId}::uuid AND d.arm = 'treatment'
      ORDER BY d.id`;
    return rows.map((row) => ({ decisionId: row.id, features: normalizeFeatures(row.features), converted: row.converted }));
  }

  /** Treated decisions and their conversions per offer, for the Beta prior. */
  async countConversions(offerIds: string[]): Promise<Map<string, { treated: number; conversions: number }>> {
    if (offerIds.length === 0) {
      return new Map();
    }
    const rows = await this.prisma.$queryRaw<Array<{ offer_id: string; treated: bigint; conversions: bigint }>>`
      SELECT d.offer_id,
             count(*) AS treated,
             count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion')) AS conversions
      FROM decisions d
      WHERE d.arm = 'treatment' AND d.offer_id = ANY(${offerIds}::uuid[])
      GROUP BY d.offer_id`;
    return new Map(rows.map((row) => [row.offer_id, { treated: Number(row.treated), conversions: Number(row.conversions) }]));
  }

  async save(model: Omit<StoredPropensityModel, 'id' | 'version' | 'trainedAt'>): Promise<StoredPropensityModel> {
    return this.prisma.$transaction(async (tx) => {
      const latest = await tx.propensityModel.findFirst({
        where: { offerId: model.offerId },
        orderBy: { version: 'desc' },
        select: { version: true },
      });
      const created = await tx.propensityModel.create({
        data: {
          offerId: model.offerId,
          version: (latest?.version ?? 0) + 1,
          featureNames: model.spec as unknown as Prisma.InputJsonValue,
          coefficients: model.coefficients,
          scaling: model.scaling as unknown as Prisma.InputJsonValue,
          metrics: model.metrics as Prisma.InputJsonValue,
          sampleSize: model.sampleSize,
        },
      });
      return toStored(created);
    });
  }

  async findLatest(offerIds: string[]): Promise<Map<string, StoredPropensityModel>> {
    if (offerIds.length === 0) {
      return new Map();
    }
    const rows = await this.prisma.propensityModel.findMany({
      where: { offerId: { in: offerIds } },
      orderBy: [{ offerId: 'asc' }, { version: 'desc' }],
      distinct: ['offerId'],
    });
    return new Map(rows.map((row) => [row.offerId, toStored(row)]));
  }
}

function toStored(row: {
  id: string;
  offerId: string;
  version: number;
  featureNames: unknown;
  coefficients: unknown;
  scaling: unknown;
  metrics: unknown;
  sampleSize: number;
  trainedAt: Date;
}): StoredPropensityModel {
  return {
    id: row.id,
    offerId: row.offerId,
    version: row.version,
    spec: row.featureNames as FeatureSpec,
    coefficients: row.coefficients as number[],
    scaling: row.scaling as Scaling,
    metrics: row.metrics as Record<string, unknown>,
    sampleSize: row.sampleSize,
    trainedAt: row.trainedAt,
  };
}

/** Decisions store features as JSON; fill any field an older or imported row lacks. */
export function normalizeFeatures(raw: Partial<DecisionFeatures> | null): DecisionFeatures {
  return {
    engagement: typeof raw?.engagement === 'number' ? raw.engagement : 0,
    valence: typeof raw?.valence === 'number' ? raw.valence : null,
    stage: typeof raw?.stage === 'string' ? raw.stage : null,
    eventCount: typeof raw?.eventCount === 'number' ? raw.eventCount : 0,
    daysSinceLastEvent: typeof raw?.daysSinceLastEvent === 'number' ? raw.daysSinceLastEvent : null,
    attributes: typeof raw?.attributes === 'object' && raw.attributes !== null ? raw.attributes : {},
  };
}
