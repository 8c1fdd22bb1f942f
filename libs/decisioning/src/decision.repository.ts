import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, SQL_POOL, type Prisma, type PrismaClient, type SqlExecutor, type SqlPool } from '#wayline/database';
import type { Arm, StoredAssignment } from './assignment/holdout-assignment.ts';

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

/** A live decision with the holdout arms and the outreach message written with it. */
export interface LiveDecisionRecord {
  decision: NewDecision & { id: string };
  /** The customer's first arms in holdout groups, stored unless a concurrent decision stored them first. */
  newArms: readonly StoredAssignment[];
  /** The treatment decision's message; null for control. */
  message: { channelId: string; payload: unknown; sendAt: Date; sendTimeReason: unknown } | null;
}

export interface RecordedLiveDecision {
  /** False when recordLiveAlone held the decision back, because a concurrent decision stored one of the new arms first. */
  recorded: boolean;
  /** The arms in force for the groups of `newArms`. */
  arms: StoredAssignment[];
  message: { id: string; status: string; sendAt: Date } | null;
}


interface RecordRow {
  kind: 'arm' | 'message' | 'decision';
  holdout_group: string | null;
  arm: string | null;
  holdout_share: number | null;
  salt: string | null;
  message_id: string | null;
  status: string | null;
  send_at: Date | null;
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

  /**
   * Writes a live decision in one statement: the customer's first arms in holdout groups,
   * the decision, and for treatment its outreach message. Returns the arms in force for
   * those groups (the ones inserted, and the stored ones a concurrent decision wrote first)
   * and the message. One statement instead of three saves two round trips per decision;
   * the message columns match OutreachMessageRepository.create.
   *
   * The caller runs it in a transaction, checks the arms and rolls back when a concurrent
   * decision stored a different one. See {@link recordLiveAlone} for the common case
   * without a transaction.
   */
  recordLive(record: LiveDecisionRecord, tx: SqlExecutor): Promise<RecordedLiveDecision> {
    return this.writeLive(record, tx, false);
  }

  /**
   * Writes a live decision like {@link recordLive}, but with one statement outside any
   * transaction, and only when that statement inserts every one of `newArms`. The arms in
   * force are then the planned ones, so no check is needed, and a single statement commits
   * or fails as a whole. That saves the `BEGIN` and `COMMIT` round trips of nearly every
   * decision. When a concurrent decision stored one of the arms first, it returns
   * `recorded: false`. Then only this decision's other new arms were written, and they
   * contain the draws any decision makes at the current shares. The caller then records
   * the decision in a transaction with the arm check.
   */
  recordLiveAlone(record: LiveDecisionRecord): Promise<RecordedLiveDecision> {
    return this.writeLive(record, this.sql, true);
  }

  private async writeLive(record: LiveDecisionRecord, executor: SqlExecutor, onlyWithOwnArms: boolean): Promise<RecordedLiveDecision> {
    const { decision, newArms, message } = record;
    const groups = newArms.map((arm) => arm.holdoutGroup);
    const rows = await executor.query<RecordRow>(
      `WITH new_arms AS (
         INSERT INTO holdout_assignments (holdout_group, customer_id, arm, holdout_share, salt)
         SELECT holdout_group, $2, arm, holdout_share, salt
         FROM unnest($19::text[], $20::text[], $21::float8[], $22::text[]) AS new (holdout_group, arm, holdout_share, salt)
         ON CONFLICT DO NOTHING
         RETURNING holdout_group, arm, holdout_share, salt
       ), decision AS (
         INSERT INTO decisions (id, customer_id, campaign_id, holdout_group, arm, offer_id, channel, score, model_version,
                                uplift_model_version, uplift, score_source, exploration_probability,
                                reasons, features, source, idempotency_key, created_at)
         SELECT $1::uuid, $2, $3::uuid, $4, $5, $6::uuid, $7, $8::float8, $9, $10, $11::float8, $12, $13::float8,
                $14::jsonb, $15::jsonb, $16, $17, $18::timestamptz
         WHERE NOT $28::boolean OR (SELECT count(*) FROM new_arms) = cardinality($19::text[])
         RETURNING id
       ), message AS (
         INSERT INTO outreach_messages (decision_id, channel_id, payload, send_at, next_attempt_at, send_time_reason)
         SELECT id, $24::uuid, $25::jsonb, $26::timestamptz, $26::timestamptz, $27::jsonb FROM decision WHERE $23::boolean
         RETURNING id, status, send_at
       )
       SELECT 'arm' AS kind, holdout_group, arm, holdout_share, salt, NULL::uuid AS message_id, NULL::text AS status, NULL::timestamptz AS send_at
       FROM new_arms
       UNION ALL
       SELECT 'arm', holdout_group, arm, holdout_share, salt, NULL, NULL, NULL
       FROM holdout_assignments
       WHERE customer_id = $2 AND holdout_group = ANY($19::text[]) AND holdout_group NOT IN (SELECT holdout_group FROM new_arms)
       UNION ALL
       SELECT 'message', NULL, NULL, NULL, NULL, id, status, send_at FROM message
       UNION ALL
       SELECT 'decision', NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM decision`,
      [
        decision.id,
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
        groups,
        newArms.map((arm) => arm.arm),
        newArms.map((arm) => arm.holdoutShare),
        newArms.map((arm) => arm.salt),
        message !== null,
        message?.channelId ?? null,
        message === null ? null : JSON.stringify(message.payload),
        message?.sendAt ?? null,
        message?.sendTimeReason == null ? null : JSON.stringify(message.sendTimeReason),
        onlyWithOwnArms,
      ],
    );
    const arms: StoredAssignment[] = [];
    let recordedMessage: RecordedLiveDecision['message'] = null;
    let recorded = false;
    for (const row of rows) {
      if (row.kind === 'decision') {
        recorded = true;
      } else if (row.kind === 'message') {
        recordedMessage = { id: row.message_id!, status: row.status!, sendAt: row.send_at! };
      } else {
        arms.push({ holdoutGroup: row.holdout_group!, arm: row.arm as Arm, holdoutShare: row.holdout_share!, salt: row.salt! });
      }
    }
    if (arms.length < groups.length && recorded) {
      // A row that a concurrent transaction committed while the insert waited on it is newer
      // than the statement's snapshot, so a second statement reads such groups.
      const found = new Set(arms.map((arm) => arm.holdoutGroup));
      const unseen = await executor.query<RecordRow>(
        'SELECT holdout_group, arm, holdout_share, salt FROM holdout_assignments WHERE customer_id = $1 AND holdout_group = ANY($2::text[])',
        [decision.customerId, groups.filter((group) => !found.has(group))],
      );
      arms.push(...unseen.map((row) => ({ holdoutGroup: row.holdout_group!, arm: row.arm as Arm, holdoutShare: row.holdout_share!, salt: row.salt! })));
    }
    return { recorded, arms, message: recordedMessage };
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
