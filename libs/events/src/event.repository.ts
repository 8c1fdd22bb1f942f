import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, Prisma, type PrismaClient } from '#wayline/database';
import type { EventInput } from './event.schema.ts';

export interface StoredEventRef {
  id: string;
  customerId: string;
  idempotencyKey: string | null;
}

@Injectable()
export class EventRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Creates missing customers, merges sent attributes, and inserts the events, all in
   * one transaction: either the whole batch is stored or none of it. Events whose
   * idempotency key is already stored are skipped and returned as duplicates.
   */
  async insertBatch(events: EventInput[]): Promise<{ inserted: StoredEventRef[]; duplicates: StoredEventRef[] }> {
    const customerIds = [...new Set(events.map((event) => event.customerId))];
    const attributesByCustomer = new Map<string, Record<string, unknown>>();
    for (const event of events) {
      if (event.attributes) {
        attributesByCustomer.set(event.customerId, { ...attributesByCustomer.get(event.customerId), ...event.attributes });
      }
    }

    return this.prisma.$transaction(async (tx) => {
      await tx.customer.createMany({ data: customerIds.map((id) => ({ id })), skipDuplicates: true });
      for (const [customerId, attributes] of attributesByCustomer) {
        await tx.$executeRaw`
          UPDATE customers SET attributes = attributes || ${JSON.stringify(attributes)}::jsonb, updated_at = now()
          WHERE id = ${customerId}`;
      }

      const inserted = await tx.event.createManyAndReturn({
        data: events.map((event) => ({
          customerId: event.customerId,
          type: event.type,
          touchpoint: event.touchpoint,
          channel: event.channel,
          occurredAt: new Date(event.occurredAt),
          text: event.text ?? null,
          rating: event.rating ?? null,
          value: event.value ?? null,
          waitSeconds: event.waitSeconds ?? null,
          stage: event.stage ?? null,
          properties: (event.properties ?? {}) as Prisma.InputJsonObject,
          idempotencyKey: event.idempotencyKey ?? null,
        })),
        skipDuplicates: true,
        select: { id: true, customerId: true, idempotencyKey: true },
      });

      const insertedKeys = new Set(inserted.map((event) => event.idempotencyKey).filter((key) => key !== null));
      const duplicateKeys = events
        .map((event) => event.idempotencyKey)
        .filter((key): key is string => key !== undefined && !insertedKeys.has(key));
      const duplicates =
        duplicateKeys.length === 0
          ? []
          : await tx.event.findMany({
              where: { idempotencyKey: { in: [...new Set(duplicateKeys)] } },
              select: { id: true, customerId: true, idempotencyKey: true },
            });
      return { inserted, duplicates };
    });
  }
}
