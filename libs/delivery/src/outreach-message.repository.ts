import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '#wayline/common';
import { PRISMA, Prisma, SQL_POOL, type OutreachMessageModel, type PrismaClient, type SqlExecutor, type SqlPool } from '#wayline/database';
import type { ChannelKind } from './adapters/channel-adapter.ts';

export type OutreachMessage = OutreachMessageModel;

export const OUTREACH_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped'] as const;
export type OutreachStatus = (typeof OUTREACH_STATUSES)[number];

export interface NewOutreachMessage {
  decisionId: string;
  channelId: string;
  payload: Prisma.InputJsonValue;
  /** Earliest time the message may be sent, when its first attempt is due. */
  sendAt: Date;
  /** Reason for the `sendAt` that send-time optimization chose, or null without one. */
  sendTimeReason?: Prisma.InputJsonObject | null;
}

/**
 * The part of a claim that proves ownership. `attempts` is the value the claim set, and
 * every later claim increments it, so a stale owner's write matches no row.
 */
export interface MessageClaim {
  id: string;
  attempts: number;
}

/** The channel of a claimed message, with its adapter settings. */
export interface ClaimedChannel {
  name: string;
  webhookUrl: string;
  kind: ChannelKind;
  signingSecret: string | null;
  /** Null uses `WAYLINE_DELIVERY_TIMEOUT_MS`. */
  timeoutMs: number | null;
  recipientAttribute: string | null;
}

/** A message claimed for sending, with where to send it and the decision it came from. */
export interface ClaimedMessage extends MessageClaim {
  decisionId: string;
  channelId: string;
  payload: Prisma.JsonValue;
  webhookUrl: string;
  channel: ClaimedChannel;
  customerId: string;
  campaignId: string | null;
  decidedAt: Date;
  sendAt: Date;
  /** When this attempt was due: `send_at` for the first attempt, the retry time after that. */
  dueAt: Date;
  /** End of the claim's lease. After it, another worker may claim the message again. */
  lockedUntil: Date;
  /** The customer converted after the decision, as of the claim, so the message must not go out. */
  convertedSinceDecision: boolean;
}

/** A message the webhook accepted, to record with {@link OutreachMessageRepository.markSent}. */
export interface SentMessage {
  claim: MessageClaim;
  /** When the webhook accepted the request. */
  sentAt: Date;
}

interface ClaimedRow {
  id: string;
  decision_id: string;
  channel_id: string;
  payload: Prisma.JsonValue;
  attempts: number;
  locked_until: Date | string;
  next_attempt_at: Date | string;
  send_at: Date | string;
  webhook_url: string;
  channel_name: string;
  kind: string;
  signing_secret: string | null;
  timeout_ms: number | null;
  recipient_attribute: string | null;
  customer_id: string;
  campaign_id: string | null;
  decided_at: Date | string;
  converted: boolean;
}

/** Maximum length of the error text stored in `last_error`. */
const MAX_ERROR_LENGTH = 500;

/** SQLSTATE of a unique constraint violation. */
const UNIQUE_VIOLATION = '23505';

/** The columns of an `outreach_messages` row under the field names of {@link OutreachMessage}. */
const MESSAGE_COLUMNS = [
  'id',
  'decision_id AS "decisionId"',
  'channel_id AS "channelId"',
  'payload',
  'send_at AS "sendAt"',
  'status',
  'attempts',
  'next_attempt_at AS "nextAttemptAt"',
  'locked_until AS "lockedUntil"',
  'last_error AS "lastError"',
  'sent_at AS "sentAt"',
  'status_reason AS "statusReason"',
  'send_time_reason AS "sendTimeReason"',
  'created_at AS "createdAt"',
  'updated_at AS "updatedAt"',
].join(', ');

@Injectable()
export class OutreachMessageRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL_POOL) private readonly sql: SqlPool,
  ) {}

  /**
   * Inserts a pending message whose first attempt is due at `sendAt`. Pass the SQL
   * transaction to create it in the same transaction as its decision.
   *
   * @throws ConflictError when the decision already has a message.
   */
  async create(input: NewOutreachMessage, tx: SqlExecutor = this.sql): Promise<OutreachMessage> {
    try {
      const [row] = await tx.query<OutreachMessage>(
        `INSERT INTO outreach_messages (decision_id, channel_id, payload, send_at, next_attempt_at, send_time_reason)
         VALUES ($1::uuid, $2::uuid, $3::jsonb, $4::timestamptz, $4::timestamptz, $5::jsonb)
         RETURNING ${MESSAGE_COLUMNS}`,
        [input.decisionId, input.channelId, JSON.stringify(input.payload), input.sendAt, input.sendTimeReason == null ? null : JSON.stringify(input.sendTimeReason)],
      );
      return row!;
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`Decision '${input.decisionId}' already has an outreach message`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Claims up to `limit` due messages in one statement: pending ones whose next attempt
   * is due, and sending ones whose lease expired because their worker died mid-send.
   * Each claimed row becomes `sending`, leased until `now + leaseMs`, with `attempts`
   * incremented. SKIP LOCKED lets several workers claim at once without waiting on
   * each other or claiming the same row.
   *
   * The same statement reports, per message, whether the customer converted after the
   * decision: a conversion outcome of the decision itself, or one in the decision's
   * campaign that occurred at or after it. Reading it here saves the worker a query per
   * message. Plain SQL, as on every send (see SqlPool).
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    const lockedUntil = new Date(now.getTime() + leaseMs);
    const rows = await this.sql.query<ClaimedRow>(
      `WITH due AS (
         SELECT id
         FROM outreach_messages
         WHERE (status = 'pending' AND next_attempt_at <= $1::timestamptz)
            OR (status = 'sending' AND locked_until < $1::timestamptz)
         ORDER BY next_attempt_at
         LIMIT $2::int
         FOR UPDATE SKIP LOCKED
       )
       UPDATE outreach_messages AS message
       SET status = 'sending',
           locked_until = $3::timestamptz,
           attempts = message.attempts + 1,
           updated_at = now()
       FROM due, channels AS channel, decisions AS decision
       WHERE message.id = due.id AND channel.id = message.channel_id AND decision.id = message.decision_id
       RETURNING message.id::text, message.decision_id::text, message.channel_id::text, message.payload,
                 message.attempts, message.locked_until, message.next_attempt_at, message.send_at, channel.webhook_url,
                 channel.name AS channel_name, channel.kind, channel.signing_secret, channel.timeout_ms,
                 channel.recipient_attribute, decision.customer_id, decision.campaign_id::text,
                 decision.created_at AS decided_at,
                 EXISTS (
                   SELECT 1
                   FROM outcomes AS outcome
                   WHERE outcome.customer_id = decision.customer_id AND outcome.type = 'conversion'
                     AND (outcome.decision_id = decision.id
                          OR (outcome.campaign_id = decision.campaign_id AND outcome.occurred_at >= decision.created_at))
                 ) AS converted`,
      [now.toISOString(), limit, lockedUntil.toISOString()],
    );

    return rows.map((row) => ({
      id: row.id,
      decisionId: row.decision_id,
      channelId: row.channel_id,
      payload: row.payload,
      attempts: Number(row.attempts),
      lockedUntil: new Date(row.locked_until),
      webhookUrl: row.webhook_url,
      channel: {
        name: row.channel_name,
        webhookUrl: row.webhook_url,
        kind: row.kind as ChannelKind,
        signingSecret: row.signing_secret,
        timeoutMs: row.timeout_ms === null ? null : Number(row.timeout_ms),
        recipientAttribute: row.recipient_attribute,
      },
      customerId: row.customer_id,
      campaignId: row.campaign_id,
      decidedAt: new Date(row.decided_at),
      sendAt: new Date(row.send_at),
      dueAt: new Date(row.next_attempt_at),
      convertedSinceDecision: row.converted,
    }));
  }

  /** Cancels the message with `reason`; the re-check before sending found it should not go out. */
  async markCancelled(claim: MessageClaim, reason: string): Promise<boolean> {
    return this.updateOwned(claim, { status: 'cancelled', lockedUntil: null, statusReason: truncate(reason) });
  }

  /** Skips the message with `reason`; it was due too long ago to be sent. */
  async markSkipped(claim: MessageClaim, reason: string): Promise<boolean> {
    return this.updateOwned(claim, { status: 'skipped', lockedUntil: null, statusReason: truncate(reason) });
  }

  /**
   * Puts the message back to pending until `until` without counting the claim as an
   * attempt, because nothing was sent. Returns false when the claim is no longer the owner.
   */
  async defer(claim: MessageClaim, until: Date): Promise<boolean> {
    return this.updateOwned(claim, { status: 'pending', nextAttemptAt: until, lockedUntil: null, attempts: claim.attempts - 1 });
  }

  /**
   * Records the deliveries of a batch in one statement. Returns the ids of the messages
   * whose claim still owned them; the others changed nothing, because another worker
   * claimed them after their lease expired. Plain SQL, as on every send (see SqlPool); the
   * other outcomes are rarer and use Prisma.
   */
  async markSent(deliveries: readonly SentMessage[]): Promise<Set<string>> {
    if (deliveries.length === 0) {
      return new Set();
    }
    const rows = await this.sql.query<{ id: string }>(
      `UPDATE outreach_messages AS message
       SET status = 'sent', sent_at = delivery.sent_at, locked_until = NULL, updated_at = now()
       FROM unnest($1::uuid[], $2::int[], $3::timestamptz[]) AS delivery(id, attempts, sent_at)
       WHERE message.id = delivery.id AND message.status = 'sending' AND message.attempts = delivery.attempts
       RETURNING message.id::text`,
      [
        deliveries.map((delivery) => delivery.claim.id),
        deliveries.map((delivery) => delivery.claim.attempts),
        deliveries.map((delivery) => delivery.sentAt.toISOString()),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Puts the message back to pending until `nextAttemptAt`. Returns false when the claim is no longer the owner. */
  async scheduleRetry(claim: MessageClaim, nextAttemptAt: Date, error: string): Promise<boolean> {
    return this.updateOwned(claim, {
      status: 'pending',
      nextAttemptAt,
      lockedUntil: null,
      lastError: truncate(error),
    });
  }

  /** Parks the message as failed, so no worker claims it again. Returns false when the claim is no longer the owner. */
  async markFailed(claim: MessageClaim, error: string): Promise<boolean> {
    return this.updateOwned(claim, { status: 'failed', lockedUntil: null, lastError: truncate(error) });
  }

  findByDecisionId(decisionId: string): Promise<OutreachMessage | null> {
    return this.prisma.outreachMessage.findUnique({ where: { decisionId } });
  }

  /**
   * Counts the messages {@link claimDue} would claim at `now`, and returns when the oldest
   * of them became due: its next attempt time, or the end of an expired lease.
   */
  async countDue(now: Date): Promise<{ count: number; oldestDueAt: Date | null }> {
    const nowText = now.toISOString();
    const [row] = await this.prisma.$queryRaw<{ count: bigint; oldest_due_at: Date | null }[]>`
      SELECT count(*) AS count,
             min(CASE WHEN status = 'pending' THEN next_attempt_at ELSE locked_until END) AS oldest_due_at
      FROM outreach_messages
      WHERE (status = 'pending' AND next_attempt_at <= ${nowText}::timestamptz)
         OR (status = 'sending' AND locked_until < ${nowText}::timestamptz)`;
    return { count: Number(row?.count ?? 0), oldestDueAt: row?.oldest_due_at ?? null };
  }

  /** Messages in `status`, oldest first. */
  listByStatus(status: OutreachStatus, limit = 100): Promise<OutreachMessage[]> {
    return this.prisma.outreachMessage.findMany({
      where: { status },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  /**
   * Applies `data` only while the row is still `sending` with the attempt count this
   * claim set. A worker whose lease expired and was claimed again has an older count,
   * so it cannot overwrite the new owner's result.
   */
  private async updateOwned(claim: MessageClaim, data: Prisma.OutreachMessageUpdateManyMutationInput): Promise<boolean> {
    const result = await this.prisma.outreachMessage.updateMany({
      where: { id: claim.id, status: 'sending', attempts: claim.attempts },
      data,
    });
    return result.count === 1;
  }
}

function truncate(text: string): string {
  return text.length <= MAX_ERROR_LENGTH ? text : `${text.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}
