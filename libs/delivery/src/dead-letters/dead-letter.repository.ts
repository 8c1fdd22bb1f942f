import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, Prisma, type PrismaClient } from '#wayline/database';

/** A failed outreach message, as the admin API lists it. */
export interface DeadLetter {
  id: string;
  decisionId: string;
  customerId: string;
  channel: string;
  /** Null for a decision without a campaign. */
  campaign: string | null;
  attempts: number;
  lastError: string | null;
  sendAt: Date;
  /** When the message was parked. */
  failedAt: Date;
}

export interface DeadLetterFilter {
  channelId?: string;
  campaignId?: string;
}

/** Position after the last row of a page: rows are ordered by `failedAt` descending, then id descending. */
export interface DeadLetterCursor {
  failedAt: Date;
  id: string;
}

interface DeadLetterRow {
  id: string;
  decision_id: string;
  customer_id: string;
  channel: string;
  campaign: string | null;
  attempts: number;
  last_error: string | null;
  send_at: Date | string;
  failed_at: Date | string;
}

@Injectable()
export class DeadLetterRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findChannelId(name: string): Promise<string | null> {
    const row = await this.prisma.channel.findUnique({ where: { name }, select: { id: true } });
    return row?.id ?? null;
  }

  async findCampaignId(key: string): Promise<string | null> {
    const row = await this.prisma.campaign.findUnique({ where: { key }, select: { id: true } });
    return row?.id ?? null;
  }

  /** Lists failed messages, newest failure first, after `cursor` when given. */
  async list(filter: DeadLetterFilter, limit: number, cursor: DeadLetterCursor | null): Promise<DeadLetter[]> {
    const after = cursor === null
      ? Prisma.sql`true`
      : Prisma.sql`(m.updated_at, m.id) < (${cursor.failedAt.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
    const rows = await this.prisma.$queryRaw<DeadLetterRow[]>`
      SELECT m.id::text, m.decision_id::text, d.customer_id, c.name AS channel, k.key AS campaign,
             m.attempts, m.last_error, m.send_at, m.updated_at AS failed_at
      FROM outreach_messages m
      JOIN channels c ON c.id = m.channel_id
      JOIN decisions d ON d.id = m.decision_id
      LEFT JOIN campaigns k ON k.id = d.campaign_id
      WHERE m.status = 'failed' AND ${this.filterSql(filter)} AND ${after}
      ORDER BY m.updated_at DESC, m.id DESC
      LIMIT ${limit}::int`;
    return rows.map((row) => ({
      id: row.id,
      decisionId: row.decision_id,
      customerId: row.customer_id,
      channel: row.channel,
      campaign: row.campaign,
      attempts: Number(row.attempts),
      lastError: row.last_error,
      sendAt: new Date(row.send_at),
      failedAt: new Date(row.failed_at),
    }));
  }

  /**
   * Returns failed messages to pending, due at `now`, with a fresh attempt count. Only
   * rows still `failed` change, so a message retried twice at once is queued once.
   * `last_error` stays until a later attempt replaces it. Returns the ids requeued.
   */
  async requeue(filter: DeadLetterFilter & { ids?: string[] }, now: Date, client: Prisma.TransactionClient = this.prisma): Promise<string[]> {
    const ids = filter.ids === undefined ? Prisma.sql`true` : Prisma.sql`m.id = ANY(${filter.ids}::uuid[])`;
    const rows = await client.$queryRaw<Array<{ id: string }>>`
      UPDATE outreach_messages AS m
      SET status = 'pending', attempts = 0, next_attempt_at = ${now.toISOString()}::timestamptz,
          locked_until = NULL, updated_at = now()
      FROM decisions d
      WHERE d.id = m.decision_id AND m.status = 'failed' AND ${ids} AND ${this.filterSql(filter)}
      RETURNING m.id::text`;
    return rows.map((row) => row.id);
  }

  /** Returns the message's status, or null when there is no such message. */
  async findStatus(id: string): Promise<string | null> {
    const row = await this.prisma.outreachMessage.findUnique({ where: { id }, select: { status: true } });
    return row?.status ?? null;
  }

  private filterSql(filter: DeadLetterFilter): Prisma.Sql {
    const parts: Prisma.Sql[] = [Prisma.sql`true`];
    if (filter.channelId !== undefined) {
      parts.push(Prisma.sql`m.channel_id = ${filter.channelId}::uuid`);
    }
    if (filter.campaignId !== undefined) {
      parts.push(Prisma.sql`d.campaign_id = ${filter.campaignId}::uuid`);
    }
    return Prisma.join(parts, ' AND ');
  }
}
