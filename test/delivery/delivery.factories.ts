import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '#wayline/database';
import type { OutreachMessage, OutreachMessageRepository } from '#wayline/delivery';

export interface ChannelOverrides {
  name?: string;
  webhookUrl?: string;
}

/** Inserts a channel, with a unique name unless one is given. */
export async function createChannel(prisma: PrismaClient, overrides: ChannelOverrides = {}): Promise<{ id: string }> {
  return prisma.channel.create({
    data: {
      name: overrides.name ?? `channel-${randomUUID()}`,
      webhookUrl: overrides.webhookUrl ?? 'http://127.0.0.1:9/unused',
    },
    select: { id: true },
  });
}

/** Inserts a customer and a treatment decision for it, returning the decision id. */
export async function createDecision(prisma: PrismaClient): Promise<string> {
  const customerId = `customer-${randomUUID()}`;
  await prisma.customer.create({ data: { id: customerId } });
  const decision = await prisma.decision.create({
    data: { customerId, holdoutGroup: 'delivery-test', arm: 'treatment' },
    select: { id: true },
  });
  return decision.id;
}

export interface MessageOverrides {
  sendAt?: Date;
  payload?: Prisma.InputJsonValue;
}

/** Payload shaped like a real outreach message, with personal data the logs must not show. */
export function samplePayload(decisionId: string): Prisma.InputJsonValue {
  return {
    decisionId,
    offer: { name: 'Spring upgrade', discountPercent: 15 },
    recipient: { email: 'ada@example.test', firstName: 'Ada' },
  };
}

/** Inserts a decision and its outreach message through the repository, due a second ago by default. */
export async function createMessage(
  prisma: PrismaClient,
  repository: OutreachMessageRepository,
  channelId: string,
  overrides: MessageOverrides = {},
): Promise<OutreachMessage> {
  const decisionId = await createDecision(prisma);
  return repository.create({
    decisionId,
    channelId,
    payload: overrides.payload ?? samplePayload(decisionId),
    sendAt: overrides.sendAt ?? new Date(Date.now() - 1000),
  });
}

/**
 * Inserts `count` due messages with a customer and a decision each, in three bulk
 * inserts. Returns the message ids.
 */
export async function createManyDueMessages(prisma: PrismaClient, channelId: string, count: number): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, index) => ({
    customerId: `customer-${randomUUID()}`,
    decisionId: randomUUID(),
    messageId: randomUUID(),
    index,
  }));
  const sendAt = new Date(Date.now() - 1000);
  await prisma.customer.createMany({ data: rows.map((row) => ({ id: row.customerId })) });
  await prisma.decision.createMany({
    data: rows.map((row) => ({ id: row.decisionId, customerId: row.customerId, holdoutGroup: 'delivery-test', arm: 'treatment' })),
  });
  await prisma.outreachMessage.createMany({
    data: rows.map((row) => ({
      id: row.messageId,
      decisionId: row.decisionId,
      channelId,
      payload: { index: row.index },
      sendAt,
      nextAttemptAt: sendAt,
    })),
  });
  return rows.map((row) => row.messageId);
}
