import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';
import type { OutcomeType } from './outcome.schema.ts';

export interface NewOutcome {
  decisionId: string;
  customerId: string;
  campaignId: string | null;
  type: OutcomeType;
  value: number | null;
  occurredAt: Date;
  idempotencyKey: string | null;
}

@Injectable()
export class OutcomeRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Inserts the outcome unless its idempotency key is stored; returns the stored row and whether it was new. */
  async insert(outcome: NewOutcome): Promise<{ id: string; duplicate: boolean }> {
    if (outcome.idempotencyKey !== null) {
      const rows = await this.prisma.outcome.createManyAndReturn({ data: [outcome], skipDuplicates: true, select: { id: true } });
      if (rows[0] !== undefined) {
        return { id: rows[0].id, duplicate: false };
      }
      const existing = await this.prisma.outcome.findUniqueOrThrow({ where: { idempotencyKey: outcome.idempotencyKey }, select: { id: true } });
      return { id: existing.id, duplicate: true };
    }
    const created = await this.prisma.outcome.create({ data: outcome, select: { id: true } });
    return { id: created.id, duplicate: false };
  }

  /** Bulk insert for importers; outcomes whose idempotency key exists are skipped. */
  async createMany(outcomes: NewOutcome[], client: Prisma.TransactionClient | PrismaClient = this.prisma): Promise<number> {
    const result = await client.outcome.createMany({ data: outcomes, skipDuplicates: true });
    return result.count;
  }
}
