import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, SQL_POOL, type Prisma, type PrismaClient, type SqlPool } from '#wayline/database';
import type { LogisticModel } from '../propensity/logistic-model.ts';

export interface StoredUpliftModel {
  id: string;
  offerId: string;
  version: number;
  outcome: string;
  treatedModel: LogisticModel;
  controlModel: LogisticModel;
  metrics: Record<string, unknown>;
  treatedSize: number;
  controlSize: number;
  dataFrom: Date | null;
  dataTo: Date | null;
  trainedAt: Date;
}

/**
 * The uplift models. The decision path's reload of the latest models uses the plain SQL
 * pool, because Prisma's result processing showed up as pauses of the event loop in a CPU
 * profile of the benchmark (see SqlPool). The other reads and the writes use Prisma.
 */
@Injectable()
export class UpliftModelRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL_POOL) private readonly sql: SqlPool,
  ) {}

  async save(model: Omit<StoredUpliftModel, 'id' | 'version' | 'trainedAt'>): Promise<StoredUpliftModel> {
    return this.prisma.$transaction(async (tx) => {
      const latest = await tx.upliftModel.findFirst({
        where: { offerId: model.offerId },
        orderBy: { version: 'desc' },
        select: { version: true },
      });
      const created = await tx.upliftModel.create({
        data: {
          offerId: model.offerId,
          version: (latest?.version ?? 0) + 1,
          outcome: model.outcome,
          treatedModel: model.treatedModel as unknown as Prisma.InputJsonValue,
          controlModel: model.controlModel as unknown as Prisma.InputJsonValue,
          metrics: model.metrics as Prisma.InputJsonValue,
          treatedSize: model.treatedSize,
          controlSize: model.controlSize,
          dataFrom: model.dataFrom,
          dataTo: model.dataTo,
        },
      });
      return toStored(created);
    });
  }

  /** Returns the newest version of each offer's uplift model. Offers without a model are missing from the map. */
  async findLatest(offerIds: string[]): Promise<Map<string, StoredUpliftModel>> {
    if (offerIds.length === 0) {
      return new Map();
    }
    // Columns renamed to Prisma's field names, so toStored reads both kinds of row. The
    // drivers parse jsonb and return timestamptz as Date, as Prisma does.
    const rows = await this.sql.query<UpliftModelRow>(
      `
      SELECT DISTINCT ON (offer_id)
             id, offer_id AS "offerId", version, outcome, treated_model AS "treatedModel", control_model AS "controlModel",
             metrics, treated_size AS "treatedSize", control_size AS "controlSize",
             data_from AS "dataFrom", data_to AS "dataTo", trained_at AS "trainedAt"
      FROM uplift_models
      WHERE offer_id = ANY($1::uuid[])
      ORDER BY offer_id, version DESC`,
      [offerIds],
    );
    return new Map(rows.map((row) => [row.offerId, toStored(row)]));
  }

  /** Every version of the offer's uplift model, newest first. */
  async findVersions(offerId: string): Promise<StoredUpliftModel[]> {
    const rows = await this.prisma.upliftModel.findMany({ where: { offerId }, orderBy: { version: 'desc' } });
    return rows.map(toStored);
  }
}

interface UpliftModelRow {
  id: string;
  offerId: string;
  version: number;
  outcome: string;
  treatedModel: unknown;
  controlModel: unknown;
  metrics: unknown;
  treatedSize: number;
  controlSize: number;
  dataFrom: Date | null;
  dataTo: Date | null;
  trainedAt: Date;
}

function toStored(row: UpliftModelRow): StoredUpliftModel {
  return {
    id: row.id,
    offerId: row.offerId,
    version: row.version,
    outcome: row.outcome,
    treatedModel: row.treatedModel as unknown as LogisticModel,
    controlModel: row.controlModel as unknown as LogisticModel,
    metrics: row.metrics as Record<string, unknown>,
    treatedSize: row.treatedSize,
    controlSize: row.controlSize,
    dataFrom: row.dataFrom,
    dataTo: row.dataTo,
    trainedAt: row.trainedAt,
  };
}
