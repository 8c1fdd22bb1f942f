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

  /**
   * Bulk insert for importers, as one statement over arrays (unnest). Outcomes whose
   * idempotency key exists are skipped; returns how many were inserted.
   */
  async createMany(outcomes: NewOutcome[], client: Prisma.TransactionClient | PrismaClient = this.prisma): Promise<number> {
    if (outcomes.length === 0) {
      return 0;
    }
    const column = <T>(pick: (outcome: NewOutcome) => T): T[] => outcomes.map(pick);
    return client.$executeRaw`
      INSERT INTO outcomes (decision_id, customer_id, campaign_id, type, value, occurred_at, idempotency_key)
      SELECT * FROM unnest(
        ${column((outcome) => outcome.decisionId)}::uuid[],
        ${column((outcome) => outcome.customerId)}::text[],
        ${column((outcome) => outcome.campaignId)}::uuid[],
        ${column((outcome) => outcome.type)}::text[],
        ${column((outcome) => outcome.value)}::float8[],
        ${column((outcome) => outcome.occurredAt)}::timestamptz[],
        ${column((outcome) => outcome.idempotencyKey)}::text[]
      )
      ON CONFLICT DO NOTHING`;
  }
}
