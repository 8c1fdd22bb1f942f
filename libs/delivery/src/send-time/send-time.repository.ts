import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, Prisma, type PrismaClient } from '#wayline/database';
import { HOURS_PER_WEEK } from './local-clock.ts';
import { ENGAGEMENT_EVENT_TYPES, emptyHistogram, SEND_TIME_HALF_LIFE_DAYS, SEND_TIME_LOOKBACK_DAYS, type HourOfWeekHistogram } from './send-time-histogram.ts';
import type { QuietWindow } from './send-time-slots.ts';

/** Facts about a customer and the contact policy that the send-time choice reads. */
export interface SendTimeContext {
  /** The customer's own time zone, or null to use the policy's default. */
  customerTimeZone: string | null;
  defaultTimeZone: string;
  quietHours: QuietWindow | null;
  /** The customer's `segment` attribute when it is a non-empty string. */
  segment: string | null;
}

/** Upper bound on the customer's own events read for one choice; the newest are kept. */
const MAX_CUSTOMER_EVENTS = 2000;

const MS_PER_DAY = 86_400_000;

interface HourRow {
  hour_of_week: number;
  weight: number;
  events: number;
}

@Injectable()
export class SendTimeRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findContext(customerId: string): Promise<SendTimeContext> {
    const [customer, policy] = await Promise.all([
      this.prisma.customer.findUnique({ where: { id: customerId }, select: { timeZone: true, attributes: true } }),
      this.prisma.contactPolicy.findUnique({ where: { id: 'global' } }),
    ]);
    const attributes = customer?.attributes;
    const segment = isRecord(attributes) && typeof attributes.segment === 'string' && attributes.segment !== '' ? attributes.segment : null;
    const quietHours =
      policy === null || policy.quietHoursStart === null || policy.quietHoursEnd === null
        ? null
        : { start: policy.quietHoursStart, end: policy.quietHoursEnd };
    return {
      customerTimeZone: customer?.timeZone ?? null,
      defaultTimeZone: policy?.defaultTimeZone ?? 'UTC',
      quietHours,
      segment,
    };
  }

  /** End of the campaign's window, or null when it has none. */
  async findCampaignEnd(campaignId: string): Promise<Date | null> {
    const campaign = await this.prisma.campaign.findUnique({ where: { id: campaignId }, select: { endsAt: true } });
    return campaign?.endsAt ?? null;
  }

  /** Times of the customer's engagement events within the lookback, newest first. */
  async listCustomerEngagement(customerId: string, now: Date): Promise<Date[]> {
    const rows = await this.prisma.event.findMany({
      where: {
        customerId,
        type: { in: [...ENGAGEMENT_EVENT_TYPES] },
        occurredAt: { gt: new Date(now.getTime() - SEND_TIME_LOOKBACK_DAYS * MS_PER_DAY), lte: now },
      },
      select: { occurredAt: true },
      orderBy: { occurredAt: 'desc' },
      take: MAX_CUSTOMER_EVENTS,
    });
    return rows.map((row) => row.occurredAt);
  }

  /**
   * Aggregates the engagement events of every customer, or of those whose `segment`
   * attribute equals `segment`, by hour of the week. Each event is read in its own
   * customer's time zone (the default for customers without one), so the pattern shows
   * when people engage by their local clock.
   */
  async aggregateEngagement(segment: string | null, defaultTimeZone: string, now: Date): Promise<HourOfWeekHistogram> {
    const since = new Date(now.getTime() - SEND_TIME_LOOKBACK_DAYS * MS_PER_DAY);
    const halfLifeSeconds = SEND_TIME_HALF_LIFE_DAYS * 86_400;
    const segmentFilter = segment === null ? Prisma.empty : Prisma.sql`AND customer.attributes->>'segment' = ${segment}`;
    const rows = await this.prisma.$queryRaw<HourRow[]>`
      WITH local_events AS (
        SELECT event.occurred_at,
               event.occurred_at AT TIME ZONE coalesce(customer.time_zone, ${defaultTimeZone}) AS local_time
        FROM events AS event
        JOIN customers AS customer ON customer.id = event.customer_id
        WHERE event.type IN (${Prisma.join([...ENGAGEMENT_EVENT_TYPES])})
          AND event.occurred_at > ${since}::timestamptz
          AND event.occurred_at <= ${now}::timestamptz
          ${segmentFilter}
      )
      SELECT ((extract(isodow FROM local_time)::int - 1) * 24 + extract(hour FROM local_time)::int) AS hour_of_week,
             sum(power(2, -extract(epoch FROM (${now}::timestamptz - occurred_at)) / ${halfLifeSeconds}))::float8 AS weight,
             count(*)::int AS events
      FROM local_events
      GROUP BY 1`;

    const histogram = emptyHistogram();
    for (const row of rows) {
      const hour = Number(row.hour_of_week);
      if (hour >= 0 && hour < HOURS_PER_WEEK) {
        histogram.weights[hour] = Number(row.weight);
        histogram.counts[hour] = Number(row.events);
        histogram.events += Number(row.events);
      }
    }
    return histogram;
  }

}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
