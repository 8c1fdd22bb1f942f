import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, SQL_POOL, type Prisma, type PrismaClient, type SqlPool } from '#wayline/database';
import type { DecisionFeatures, FeatureSpec } from './feature-encoder.ts';
import type { Scaling } from './standard-scaler.ts';

export interface TrainingRow {
  decisionId: string;
  features: DecisionFeatures;
  converted: boolean;
  createdAt: Date;
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
  dataFrom: Date | null;
  dataTo: Date | null;
  trainedAt: Date;
}

/** Decisions and how many of them converted. */
export interface ConversionCount {
  decisions: number;
  conversions: number;
}

/**
 * The propensity models and the outcome counts beside them. The decision path repeats the
 * reads of the latest models and of the treated and control counts every few seconds. They
 * use the plain SQL pool (see SqlPool), because Prisma's result processing showed up as 10
 * to 20 ms pauses of the event loop in a CPU profile of the benchmark. The other reads and
 * the writes use Prisma.
 */
@Injectable()
export class PropensityModelRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL_POOL) private readonly sql: SqlPool,
  ) {}

  /** Offers that have at least one treatment decision, the only ones a model can learn about. */
  async findOffersWithDecisions(): Promise<Array<{ id: string; name: string }>> {
    return this.prisma.$queryRaw<Array<{ id: string; name: string }>>`
      SELECT o.id, o.name FROM offers o
      WHERE EXISTS (SELECT 1 FROM decisions d WHERE d.offer_id = o.id AND d.arm = 'treatment')
      ORDER BY o.name`;
  }

  async findOfferByName(name: string): Promise<{ id: string; name: string } | null> {
    return this.prisma.offer.findUnique({ where: { name }, select: { id: true, name: true } });
  }

  /** Treatment decisions for the offer, labelled by whether a conversion was recorded for them. */
  async findTrainingRows(offerId: string): Promise<TrainingRow[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; features: DecisionFeatures; converted: boolean; created_at: Date }>>`
      SELECT d.id, d.features, d.created_at,
             EXISTS (SELECT 1 FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion') AS converted
      FROM decisions d
      WHERE d.offer_id = ${offerId}::uuid AND d.arm = 'treatment'
      ORDER BY d.id`;
    return rows.map(toTrainingRow);
  }

  /**
   * Control decisions that stand for the offer: those that kept the offer they would have
   * received, and those made for a whole holdout group that a campaign with the offer uses
   * (imported experiments record no offer on them).
   */
  async findControlRows(offerId: string): Promise<TrainingRow[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; features: DecisionFeatures; converted: boolean; created_at: Date }>>`
      SELECT d.id, d.features, d.created_at,
             EXISTS (SELECT 1 FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion') AS converted
      FROM decisions d
      WHERE d.arm = 'control'
        AND (d.offer_id = ${offerId}::uuid
             OR (d.offer_id IS NULL AND d.holdout_group IN (
                   SELECT c.holdout_group FROM campaigns c
                   JOIN campaign_offers co ON co.campaign_id = c.id
                   WHERE co.offer_id = ${offerId}::uuid)))
      ORDER BY d.id`;
    return rows.map(toTrainingRow);
  }

  /**
   * Treated decisions and their conversions per offer, counting only decisions created
   * after `since` (all of them when it is null): the evidence a model has not seen yet.
   */
  async countTreatedConversions(requests: Array<{ offerId: string; since: Date | null }>): Promise<Map<string, ConversionCount>> {
    if (requests.length === 0) {
      return new Map();
    }
    const rows = await this.sql.query<ConversionCountRow>(
      `
      SELECT r.offer_id,
             count(d.id)::float8 AS decisions,
             (count(d.id) FILTER (WHERE EXISTS (
               SELECT 1 FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion')))::float8 AS conversions
      FROM unnest($1::uuid[], $2::timestamptz[]) AS r(offer_id, since)
      LEFT JOIN decisions d ON d.offer_id = r.offer_id AND d.arm = 'treatment' AND d.created_at > r.since
      GROUP BY r.offer_id`,
      countParams(requests),
    );
    return toConversionCounts(rows);
  }

  /**
   * Control decisions and their conversions per offer, chosen as in {@link findControlRows},
   * created after `since` (all of them when it is null).
   */
  async countControlConversions(requests: Array<{ offerId: string; since: Date | null }>): Promise<Map<string, ConversionCount>> {
    if (requests.length === 0) {
      return new Map();
    }
    const rows = await this.sql.query<ConversionCountRow>(
      `
      SELECT r.offer_id,
             count(d.id)::float8 AS decisions,
             (count(d.id) FILTER (WHERE EXISTS (
               SELECT 1 FROM outcomes o WHERE o.decision_id = d.id AND o.type = 'conversion')))::float8 AS conversions
      FROM unnest($1::uuid[], $2::timestamptz[]) AS r(offer_id, since)
      LEFT JOIN decisions d ON d.arm = 'control' AND d.created_at > r.since
        AND (d.offer_id = r.offer_id
             OR (d.offer_id IS NULL AND d.holdout_group IN (
                   SELECT c.holdout_group FROM campaigns c
                   JOIN campaign_offers co ON co.campaign_id = c.id
                   WHERE co.offer_id = r.offer_id)))
      GROUP BY r.offer_id`,
      countParams(requests),
    );
    return toConversionCounts(rows);
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
          dataFrom: model.dataFrom,
          dataTo: model.dataTo,
        },
      });
      return toStored(created);
    });
  }

  /** Returns the newest version of each offer's model. Offers without a model are missing from the map. */
  async findLatest(offerIds: string[]): Promise<Map<string, StoredPropensityModel>> {
    if (offerIds.length === 0) {
      return new Map();
    }
    // Columns renamed to Prisma's field names, so toStored reads both kinds of row. The
    // drivers parse jsonb and return timestamptz as Date, as Prisma does.
    const rows = await this.sql.query<PropensityModelRow>(
      `
      SELECT DISTINCT ON (offer_id)
             id, offer_id AS "offerId", version, feature_names AS "featureNames", coefficients, scaling, metrics,
             sample_size AS "sampleSize", data_from AS "dataFrom", data_to AS "dataTo", trained_at AS "trainedAt"
      FROM propensity_models
      WHERE offer_id = ANY($1::uuid[])
      ORDER BY offer_id, version DESC`,
      [offerIds],
    );
    return new Map(rows.map((row) => [row.offerId, toStored(row)]));
  }

  /** Every version of the offer's model, newest first. */
  async findVersions(offerId: string): Promise<StoredPropensityModel[]> {
    const rows = await this.prisma.propensityModel.findMany({ where: { offerId }, orderBy: { version: 'desc' } });
    return rows.map(toStored);
  }
}

interface ConversionCountRow {
  offer_id: string;
  decisions: number;
  conversions: number;
}

/** Returns the offer ids and start times for `unnest`. A missing start time counts every decision. */
function countParams(requests: Array<{ offerId: string; since: Date | null }>): [string[], Date[]] {
  return [requests.map((request) => request.offerId), requests.map((request) => request.since ?? new Date(0))];
}

function toConversionCounts(rows: ConversionCountRow[]): Map<string, ConversionCount> {
  return new Map(rows.map((row) => [row.offer_id, { decisions: row.decisions, conversions: row.conversions }]));
}

interface PropensityModelRow {
  id: string;
  offerId: string;
  version: number;
  featureNames: unknown;
  coefficients: unknown;
  scaling: unknown;
  metrics: unknown;
  sampleSize: number;
  dataFrom: Date | null;
  dataTo: Date | null;
  trainedAt: Date;
}

function toTrainingRow(row: { id: string; features: DecisionFeatures; converted: boolean; created_at: Date }): TrainingRow {
  return { decisionId: row.id, features: normalizeFeatures(row.features), converted: row.converted, createdAt: row.created_at };
}

function toStored(row: PropensityModelRow): StoredPropensityModel {
  return {
    id: row.id,
    offerId: row.offerId,
    version: row.version,
    spec: row.featureNames as FeatureSpec,
    coefficients: row.coefficients as number[],
    scaling: row.scaling as Scaling,
    metrics: row.metrics as Record<string, unknown>,
    sampleSize: row.sampleSize,
    dataFrom: row.dataFrom,
    dataTo: row.dataTo,
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
