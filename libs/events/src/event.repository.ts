import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type PrismaClient } from '#wayline/database';
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
   *
   * Each step is one statement over arrays (unnest), whatever the batch size: the
   * database parses a fixed text and reads the rows from 14 array parameters.
   */
  async insertBatch(events: EventInput[]): Promise<StoredEventResult[]> {
    const customerIds = [...new Set(events.map((event) => event.customerId))];
    // Ids are chosen here, so each input maps to its row without relying on RETURNING order.
    const ids = events.map(() => randomUUID());

    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO customers (id) SELECT unnest(${customerIds}::text[]) ON CONFLICT (id) DO NOTHING`;

      // Array order is insertion order, so `sequence` numbers the events in the order sent.
      const inserted = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO events (id, customer_id, type, touchpoint, channel, occurred_at, text, rating, value, wait_seconds,
          stage, journey, properties, idempotency_key)
        SELECT * FROM unnest(
          ${ids}::uuid[],
          ${events.map((event) => event.customerId)}::text[],
          ${events.map((event) => event.type)}::text[],
          ${events.map((event) => event.touchpoint)}::text[],
          ${events.map((event) => event.channel)}::text[],
          ${events.map((event) => new Date(event.occurredAt).toISOString())}::timestamptz[],
          ${events.map((event) => event.text ?? null)}::text[],
          ${events.map((event) => event.rating ?? null)}::float8[],
          ${events.map((event) => event.value ?? null)}::float8[],
          ${events.map((event) => event.waitSeconds ?? null)}::float8[],
          ${events.map((event) => event.stage ?? null)}::text[],
          ${events.map((event) => event.journey ?? null)}::text[],
          ${events.map((event) => (event.properties === undefined ? '{}' : JSON.stringify(event.properties)))}::jsonb[],
          ${events.map((event) => event.idempotencyKey ?? null)}::text[]
        )
        ON CONFLICT DO NOTHING
        RETURNING id`;

      const insertedIds = new Set(inserted.map((event) => event.id));
      const attributesByCustomer = new Map<string, Record<string, unknown>>();
      events.forEach((event, index) => {
        if (event.attributes && insertedIds.has(ids[index]!)) {
          attributesByCustomer.set(event.customerId, { ...attributesByCustomer.get(event.customerId), ...event.attributes });
        }
      });
      if (attributesByCustomer.size > 0) {
        await tx.$executeRaw`
          UPDATE customers AS c SET attributes = c.attributes || u.attributes, updated_at = now()
          FROM unnest(
            ${[...attributesByCustomer.keys()]}::text[],
            ${[...attributesByCustomer.values()].map((attributes) => JSON.stringify(attributes))}::jsonb[]
          ) AS u(id, attributes)
          WHERE c.id = u.id`;
      }

      const skipped = events.filter((_, index) => !insertedIds.has(ids[index]!));
      const existing =
        skipped.length === 0
          ? []
          : await tx.$queryRaw<Array<{ id: string; customer_id: string; idempotency_key: string }>>`
              SELECT e.id, e.customer_id, e.idempotency_key
              FROM unnest(
                ${skipped.map((event) => event.customerId)}::text[],
                ${skipped.map((event) => event.idempotencyKey ?? null)}::text[]
              ) AS k(customer_id, idempotency_key)
              JOIN events e ON e.customer_id = k.customer_id AND e.idempotency_key = k.idempotency_key`;
      const existingByKey = new Map(existing.map((event) => [`${event.customer_id}\u0000${event.idempotency_key}`, event.id]));

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
