import { Inject, Injectable } from '@nestjs/common';
import { ConflictError } from '#wayline/common';
import { PRISMA, Prisma, type OutreachMessageModel, type PrismaClient } from '#wayline/database';

export type OutreachMessage = OutreachMessageModel;

export const OUTREACH_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutreachStatus = (typeof OUTREACH_STATUSES)[number];

export interface NewOutreachMessage {
  decisionId: string;
  channelId: string;
  payload: Prisma.InputJsonValue;
  /** Earliest time the message may be sent, when its first attempt is due. */
  sendAt: Date;
}

/**
 * The part of a claim that proves ownership. `attempts` is the value the claim set, and
 * every later claim increments it, so a stale owner's write matches no row.
 */
export interface MessageClaim {
  id: string;
  attempts: number;
}

/** A message claimed for sending, with where to send it. */
export interface ClaimedMessage extends MessageClaim {
  decisionId: string;
  channelId: string;
  payload: Prisma.JsonValue;
  webhookUrl: string;
  /** End of the claim's lease. After it, another worker may claim the message again. */
  lockedUntil: Date;
}

interface ClaimedRow {
  id: string;
  decision_id: string;
  channel_id: string;
  payload: Prisma.JsonValue;
  attempts: number;
  locked_until: Date | string;
  webhook_url: string;
}

/** Maximum length of the error text stored in `last_error`. */
const MAX_ERROR_LENGTH = 500;

@Injectable()
export class OutreachMessageRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Inserts a pending message whose first attempt is due at `sendAt`. Pass the
   * transaction client to create it in the same transaction as its decision.
   *
   * @throws ConflictError when the decision already has a message.
   */
  async create(input: NewOutreachMessage, client: Prisma.TransactionClient = this.prisma): Promise<OutreachMessage> {
    try {
      return await client.outreachMessage.create({
        data: {
          decisionId: input.decisionId,
          channelId: input.channelId,
          payload: input.payload,
          sendAt: input.sendAt,
          nextAttemptAt: input.sendAt,
        },
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
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
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    const nowText = now.toISOString();
    const lockedUntilText = new Date(now.getTime() + leaseMs).toISOString();
    const rows = await this.prisma.$queryRaw<ClaimedRow[]>`
      WITH due AS (
        SELECT id
        FROM outreach_messages
        WHERE (status = 'pending' AND next_attempt_at <= ${nowText}::timestamptz)
           OR (status = 'sending' AND locked_until < ${nowText}::timestamptz)
        ORDER BY next_attempt_at
        LIMIT ${limit}::int
        FOR UPDATE SKIP LOCKED
      )
      UPDATE outreach_messages AS message
      SET status = 'sending',
          locked_until = ${lockedUntilText}::timestamptz,
          attempts = message.attempts + 1,
          updated_at = now()
      FROM due, channels AS channel
      WHERE message.id = due.id AND channel.id = message.channel_id
      RETURNING message.id::text, message.decision_id::text, message.channel_id::text, message.payload,
                message.attempts, message.locked_until, channel.webhook_url`;

    return rows.map((row) => ({
      id: row.id,
      decisionId: row.decision_id,
      channelId: row.channel_id,
      payload: row.payload,
      attempts: Number(row.attempts),
      lockedUntil: new Date(row.locked_until),
      webhookUrl: row.webhook_url,
    }));
  }

  /** Records a delivery. Returns false, and changes nothing, when the claim is no longer the owner. */
  async markSent(claim: MessageClaim, sentAt: Date): Promise<boolean> {
    return this.updateOwned(claim, { status: 'sent', sentAt, lockedUntil: null });
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
