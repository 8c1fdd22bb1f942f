import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { customerIdSchema, NotFoundError, parseInput, uuidSchema } from '#wayline/common';
import { PRISMA, type PrismaClient } from '#wayline/database';


export const MESSAGE_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped'] as const;

export const listMessagesQuerySchema = z.strictObject({
  customer: customerIdSchema,
  status: z.enum(MESSAGE_STATUSES, { error: `must be one of ${MESSAGE_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
});

/** An outreach message as the admin API returns it, with its status and the reason for it. */
export interface MessageView {
  id: string;
  decisionId: string;
  customerId: string;
  channel: string;
  campaign: string | null;
  status: string;
  /** Reason the message was cancelled or skipped, or null. */
  statusReason: string | null;
  attempts: number;
  lastError: string | null;
  sendAt: Date;
  sentAt: Date | null;
  sendTimeReason: unknown;
  createdAt: Date;
  updatedAt: Date;
}

const messageSelect = {
  id: true,
  decisionId: true,
  status: true,
  statusReason: true,
  attempts: true,
  lastError: true,
  sendAt: true,
  sentAt: true,
  sendTimeReason: true,
  createdAt: true,
  updatedAt: true,
  channel: { select: { name: true } },
  decision: { select: { customerId: true, campaign: { select: { key: true } } } },
} as const;

/**
 * Read access to outreach messages, so an operator can see whether a message went out and,
 * when it was cancelled or skipped before sending, the reason.
 */
@Injectable()
export class MessageQueryService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async get(id: string): Promise<MessageView> {
    parseInput(uuidSchema('an outreach message id'), id, 'path.id');
    const row = await this.prisma.outreachMessage.findUnique({ where: { id }, select: messageSelect });
    if (row === null) {
      throw new NotFoundError('Outreach message', id);
    }
    return toView(row);
  }

  /** Lists a customer's messages, newest first. */
  async list(query: unknown): Promise<{ messages: MessageView[] }> {
    const { customer, status, limit } = parseInput(listMessagesQuerySchema, query, 'query');
    const rows = await this.prisma.outreachMessage.findMany({
      where: { decision: { customerId: customer }, ...(status === undefined ? {} : { status }) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: messageSelect,
    });
    return { messages: rows.map(toView) };
  }
}

type MessageRow = Omit<MessageView, 'customerId' | 'channel' | 'campaign'> & {
  channel: { name: string };
  decision: { customerId: string; campaign: { key: string } | null };
};

function toView(row: MessageRow): MessageView {
  const { channel, decision, ...columns } = row;
  return { ...columns, customerId: decision.customerId, channel: channel.name, campaign: decision.campaign?.key ?? null };
}
