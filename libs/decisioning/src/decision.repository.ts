import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, SQL_POOL, type Prisma, type PrismaClient, type SqlExecutor, type SqlPool } from '#wayline/database';

export type TransactionClient = Prisma.TransactionClient;

export interface NewDecision {
  /** Set by importers that derive ids from their source, so re-runs insert nothing. */
  id?: string;
  customerId: string;
  campaignId: string | null;
  holdoutGroup: string;
  arm: 'treatment' | 'control';
  offerId: string | null;
  channel: string | null;
  score: number | null;
  modelVersion: string | null;
  /** Uplift model version, predicted uplift, score source and exploration probability of live decisions. */
  upliftModelVersion?: string | null;
  uplift?: number | null;
  scoreSource?: 'model' | 'prior' | 'exploration' | null;
  explorationProbability?: number | null;
  reasons: unknown[];
  features: Record<string, unknown>;
  source: 'live' | 'import';
  idempotencyKey?: string;
  createdAt?: Date;
}

@Injectable()
export class DecisionRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL_POOL) private readonly sql: SqlPool,
  ) {}

  /** Runs `work` in one Prisma transaction, for importers that write many decisions at once. */
  inTransaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /**
   * Runs `work` in one plain SQL transaction, so a live decision, its holdout arms, its
   * budget spend and its outreach message commit together (see SqlPool for why plain SQL).
   */
  inSqlTransaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.sql.transaction(work);
  }

  /** Inserts one decision and returns its id. The id is generated here unless the caller sets one. */
  async create(decision: NewDecision, tx: SqlExecutor = this.sql): Promise<{ id: string }> {
    const id = decision.id ?? randomUUID();
    await tx.query(
      `INSERT INTO decisions (id, customer_id, campaign_id, holdout_group, arm, offer_id, channel, score, model_version,
                              uplift_model_version, uplift, score_source, exploration_probability,
                              reasons, features, source, idempotency_key, created_at)
       VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6::uuid, $7, $8::float8, $9, $10, $11::float8, $12, $13::float8,
               $14::jsonb, $15::jsonb, $16, $17, $18::timestamptz)`,
      [
        id,
        decision.customerId,
        decision.campaignId,
        decision.holdoutGroup,
        decision.arm,
        decision.offerId,
        decision.channel,
        decision.score,
        decision.modelVersion,
        decision.upliftModelVersion ?? null,
        decision.uplift ?? null,
        decision.scoreSource ?? null,
        decision.explorationProbability ?? null,
        JSON.stringify(decision.reasons),
        JSON.stringify(decision.features),
        decision.source,
        decision.idempotencyKey ?? null,
        decision.createdAt ?? new Date(),
      ],
    );
    return { id };
  }

  /**
   * Bulk insert for importers, as one statement over arrays (unnest). Decisions whose id
   * or idempotency key exists are skipped; returns how many were inserted.
   */
  async createMany(decisions: Array<NewDecision & { id: string }>, client: TransactionClient | PrismaClient = this.prisma): Promise<number> {
    const column = <T>(pick: (decision: NewDecision & { id: string }) => T): T[] => decisions.map(pick);
    return client.$executeRaw`
      INSERT INTO decisions (id, customer_id, campaign_id, holdout_group, arm, offer_id, channel, score,
                             model_version, reasons, features, source, idempotency_key, created_at)
      SELECT * FROM unnest(
        ${column((decision) => decision.id)}::uuid[],
        ${column((decision) => decision.customerId)}::text[],
        ${column((decision) => decision.campaignId)}::uuid[],
        ${column((decision) => decision.holdoutGroup)}::text[],
        ${column((decision) => decision.arm)}::text[],
        ${column((decision) => decision.offerId)}::uuid[],
        ${column((decision) => decision.channel)}::text[],
        ${column((decision) => decision.score)}::float8[],
        ${column((decision) => decision.modelVersion)}::text[],
        ${column((decision) => JSON.stringify(decision.reasons))}::jsonb[],
        ${column((decision) => JSON.stringify(decision.features))}::jsonb[],
        ${column((decision) => decision.source)}::text[],
        ${column((decision) => decision.idempotencyKey ?? null)}::text[],
        ${column((decision) => decision.createdAt ?? new Date())}::timestamptz[]
      )
      ON CONFLICT DO NOTHING`;
  }

  async countExisting(ids: string[]): Promise<number> {
    return this.prisma.decision.count({ where: { id: { in: ids } } });
  }

  async findById(id: string) {
    return this.prisma.decision.findUnique({ where: { id }, include: { campaign: true } });
  }

  /**
   * Finds the customer's latest decision that counts for the campaign. That is a
   * treatment decision of the campaign itself, or a control decision of its holdout
   * group, which other campaigns may share.
   */
  async findLatestForCampaign(customerId: string, campaignId: string, holdoutGroup: string) {
    return this.prisma.decision.findFirst({
      where: {
        customerId,
        OR: [{ campaignId, arm: 'treatment' }, { holdoutGroup, arm: 'control' }],
      },
      orderBy: { createdAt: 'desc' },
    });
  }
}
