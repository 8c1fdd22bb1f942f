import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';
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

@Injectable()
export class UpliftModelRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

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

  async findLatest(offerIds: string[]): Promise<Map<string, StoredUpliftModel>> {
    if (offerIds.length === 0) {
      return new Map();
    }
    const rows = await this.prisma.upliftModel.findMany({
      where: { offerId: { in: offerIds } },
      orderBy: [{ offerId: 'asc' }, { version: 'desc' }],
      distinct: ['offerId'],
    });
    return new Map(rows.map((row) => [row.offerId, toStored(row)]));
  }

  /** Every version of the offer's uplift model, newest first. */
  async findVersions(offerId: string): Promise<StoredUpliftModel[]> {
    const rows = await this.prisma.upliftModel.findMany({ where: { offerId }, orderBy: { version: 'desc' } });
    return rows.map(toStored);
  }
}

function toStored(row: Prisma.UpliftModelGetPayload<object>): StoredUpliftModel {
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
