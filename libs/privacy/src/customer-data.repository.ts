import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';

/** Everything the database stores about one customer, as the export returns it. */
export interface CustomerExport {
  customerId: string;
  profile: {
    attributes: Prisma.JsonValue;
    timeZone: string | null;
    stage: string | null;
    eventCount: number;
    lastEventAt: Date | null;
    createdAt: Date;
    updatedAt: Date;
  };
  consents: Array<{ channel: string; status: string; updatedAt: Date }>;
  events: Array<Record<string, unknown>>;
  decisions: Array<Record<string, unknown>>;
  outcomes: Array<Record<string, unknown>>;
  holdoutAssignments: Array<{ holdoutGroup: string; arm: string; holdoutShare: number; createdAt: Date }>;
}

/** Rows changed by one erasure, per table. */
export interface ErasureCounts {
  deleted: { customers: number; consents: number };
  anonymised: { events: number; decisions: number; messages: number; outcomes: number; holdoutAssignments: number };
  /** Messages that were still due or failed and are now cancelled, so they are never sent. */
  cancelledMessages: number;
}

/** Message statuses that could still lead to a send: due, claimed by a worker, or a dead letter an operator may retry. */
const UNFINISHED_STATUSES = ['pending', 'sending', 'failed'];

export const ERASURE_STATUS_REASON = 'customer erased';

@Injectable()
export class CustomerDataRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Reads every row of the customer, or returns null for an unknown customer. */
  async exportCustomer(customerId: string): Promise<CustomerExport | null> {
    const customer = await this.prisma.customer.findUnique({
      where: { id: customerId },
      include: {
        consents: { include: { channel: { select: { name: true } } }, orderBy: { channelId: 'asc' } },
        events: { orderBy: [{ occurredAt: 'asc' }, { sequence: 'asc' }] },
        decisions: {
          orderBy: { createdAt: 'asc' },
          include: { campaign: { select: { key: true } }, offer: { select: { name: true } }, message: true },
        },
        outcomes: { orderBy: { occurredAt: 'asc' } },
      },
    });
    if (customer === null) {
      return null;
    }
    const holdoutAssignments = await this.prisma.holdoutAssignment.findMany({
      where: { customerId },
      orderBy: { holdoutGroup: 'asc' },
      select: { holdoutGroup: true, arm: true, holdoutShare: true, createdAt: true },
    });

    return {
      customerId: customer.id,
      profile: {
        attributes: customer.attributes,
        timeZone: customer.timeZone,
        stage: customer.stage,
        eventCount: customer.eventCount,
        lastEventAt: customer.lastEventAt,
        createdAt: customer.createdAt,
        updatedAt: customer.updatedAt,
      },
      consents: customer.consents.map((consent) => ({ channel: consent.channel.name, status: consent.status, updatedAt: consent.updatedAt })),
      // `sequence` is an internal BigInt ordering column, which JSON cannot carry.
      events: customer.events.map(({ sequence: _sequence, customerId: _customerId, ...event }) => event),
      decisions: customer.decisions.map(({ campaign, offer, message, customerId: _customerId, ...decision }) => ({
        ...decision,
        campaign: campaign?.key ?? null,
        offer: offer?.name ?? null,
        message: message === null ? null : exportMessage(message),
      })),
      outcomes: customer.outcomes.map(({ customerId: _customerId, ...outcome }) => outcome),
      holdoutAssignments,
    };
  }

  /**
   * Erases the customer in one transaction, or returns null for an unknown customer.
   * Consents and the profile are deleted. Events, decisions, outcomes and holdout
   * assignments move to `pseudonym` with their personal fields cleared, so that reports
   * over them keep their numbers. Messages lose their payload, and unfinished ones are
   * cancelled.
   */
  async erase(customerId: string, pseudonym: string): Promise<ErasureCounts | null> {
    return this.prisma.$transaction(async (tx) => {
      // The row lock makes scoring, decisions and a second erasure of the same customer wait.
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM customers WHERE id = ${customerId} FOR UPDATE`;
      if (locked.length === 0) {
        return null;
      }

      // The pseudonym keeps the scores and the `segment` attribute, which reports group by,
      // and nothing else of the attributes (e-mail address, phone number, name).
      await tx.$executeRaw`
        INSERT INTO customers (id, attributes, activity, activity_at, valence, valence_weight, emotion_at, stage, stage_at,
                               event_count, last_event_at, scoring_state, time_zone, created_at, updated_at)
        SELECT ${pseudonym},
               CASE WHEN attributes->'segment' IS NOT NULL THEN jsonb_build_object('segment', attributes->'segment') ELSE '{}'::jsonb END,
               activity, activity_at, valence, valence_weight, emotion_at, stage, stage_at,
               event_count, last_event_at, scoring_state, NULL, created_at, now()
        FROM customers WHERE id = ${customerId}`;

      const events = await tx.$executeRaw`
        UPDATE events
        SET customer_id = ${pseudonym}, text = NULL, properties = '{}'::jsonb, idempotency_key = NULL, consistency_reasons = NULL
        WHERE customer_id = ${customerId}`;
      // Rule traces (stored with `trace=true`) show the values a rule read, such as an
      // e-mail attribute, so every reason loses its trace. The rest of a reason names
      // campaigns, steps and scores.
      const decisions = await tx.$executeRaw`
        UPDATE decisions
        SET customer_id = ${pseudonym}, idempotency_key = NULL,
            features = CASE WHEN features->'attributes' IS NOT NULL THEN jsonb_set(features, '{attributes}', '{}'::jsonb) ELSE features END,
            reasons = CASE WHEN jsonb_typeof(reasons) = 'array' THEN (
              SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(reason) = 'object' THEN reason - 'trace' ELSE reason END ORDER BY position), '[]'::jsonb)
              FROM jsonb_array_elements(reasons) WITH ORDINALITY AS listed (reason, position)
            ) ELSE reasons END
        WHERE customer_id = ${customerId}`;
      const cancelledMessages = await tx.$executeRaw`
        UPDATE outreach_messages
        SET status = 'cancelled', status_reason = ${ERASURE_STATUS_REASON}, locked_until = NULL, updated_at = now()
        WHERE status = ANY(${UNFINISHED_STATUSES}::text[])
          AND decision_id IN (SELECT id FROM decisions WHERE customer_id = ${pseudonym})`;
      const messages = await tx.$executeRaw`
        UPDATE outreach_messages
        SET payload = '{}'::jsonb, last_error = NULL, updated_at = now()
        WHERE decision_id IN (SELECT id FROM decisions WHERE customer_id = ${pseudonym})`;
      const outcomes = await tx.$executeRaw`
        UPDATE outcomes SET customer_id = ${pseudonym}, idempotency_key = NULL WHERE customer_id = ${customerId}`;
      const holdoutAssignments = await tx.$executeRaw`
        UPDATE holdout_assignments SET customer_id = ${pseudonym} WHERE customer_id = ${customerId}`;

      const consents = await tx.$executeRaw`DELETE FROM customer_consents WHERE customer_id = ${customerId}`;
      const customers = await tx.$executeRaw`DELETE FROM customers WHERE id = ${customerId}`;

      return {
        deleted: { customers, consents },
        anonymised: { events, decisions, messages, outcomes, holdoutAssignments },
        cancelledMessages,
      };
    });
  }
}

function exportMessage(message: Prisma.OutreachMessageGetPayload<object>): Record<string, unknown> {
  const { decisionId: _decisionId, lockedUntil: _lockedUntil, ...rest } = message;
  return rest;
}
