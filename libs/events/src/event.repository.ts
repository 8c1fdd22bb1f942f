import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, Prisma, type PrismaClient } from '#wayline/database';
import type { EventInput } from './event.schema.ts';

export interface StoredEventRef {
  id: string;
  customerId: string;
  idempotencyKey: string | null;
}

/** Outcome for one input event: stored now, or a duplicate of the stored `id`. */
export interface StoredEventResult extends StoredEventRef {
  duplicate: boolean;
}

@Injectable()
export class EventRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Returns the stored journeys among `keys`, with their active flag. */
  async findJourneys(keys: string[]): Promise<Array<{ key: string; active: boolean }>> {
    return this.prisma.journey.findMany({ where: { key: { in: keys } }, select: { key: true, active: true } });
  }

  /**
   * Creates missing customers, inserts the events and merges the attributes that new
   * events carry, all in one transaction: either the whole batch is stored or none of
   * it. An event whose idempotency key the same customer already used is skipped, and
   * so are its attributes. Results come back in the order of `events`.
   */
  async insertBatch(events: EventInput[]): Promise<StoredEventResult[]> {
    const customerIds = [...new Set(events.map((event) => event.customerId))];
    // Ids are chosen here, so each input maps to its row without relying on RETURNING order.
    const ids = events.map(() => randomUUID());

    return this.prisma.$transaction(async (tx) => {
      await tx.customer.createMany({ data: customerIds.map((id) => ({ id })), skipDuplicates: true });

      const inserted = await tx.event.createManyAndReturn({
        data: events.map((event, index) => ({
          id: ids[index]!,
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
          journey: event.journey ?? null,
          properties: (event.properties ?? {}) as Prisma.InputJsonObject,
          idempotencyKey: event.idempotencyKey ?? null,
        })),
        skipDuplicates: true,
        select: { id: true, customerId: true, idempotencyKey: true },
      });

      const insertedIds = new Set(inserted.map((event) => event.id));
      const attributesByCustomer = new Map<string, Record<string, unknown>>();
      events.forEach((event, index) => {
        if (event.attributes && insertedIds.has(ids[index]!)) {
          attributesByCustomer.set(event.customerId, { ...attributesByCustomer.get(event.customerId), ...event.attributes });
        }
      });
      for (const [customerId, attributes] of attributesByCustomer) {
        await tx.$executeRaw`
          UPDATE customers SET attributes = attributes || ${JSON.stringify(attributes)}::jsonb, updated_at = now()
          WHERE id = ${customerId}`;
      }

      const skipped = events.filter((_, index) => !insertedIds.has(ids[index]!));
      const existing =
        skipped.length === 0
          ? []
          : await tx.event.findMany({
              where: { OR: skipped.map((event) => ({ customerId: event.customerId, idempotencyKey: event.idempotencyKey! })) },
              select: { id: true, customerId: true, idempotencyKey: true },
            });
      const existingByKey = new Map(existing.map((event) => [`${event.customerId}\u0000${event.idempotencyKey}`, event.id]));

      return events.map((event, index) => {
        const id = ids[index]!;
        if (insertedIds.has(id)) {
          return { id, customerId: event.customerId, idempotencyKey: event.idempotencyKey ?? null, duplicate: false };
        }
        const existingId = existingByKey.get(`${event.customerId}\u0000${event.idempotencyKey}`);
        if (existingId === undefined) {
          throw new Error(`Event ${index} was neither inserted nor found by its idempotency key`);
        }
        return { id: existingId, customerId: event.customerId, idempotencyKey: event.idempotencyKey ?? null, duplicate: true };
      });
    });
  }
}
