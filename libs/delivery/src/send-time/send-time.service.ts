import { Inject, Injectable } from '@nestjs/common';
import { isKnownTimeZone } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { formatHourOfWeek } from './local-clock.ts';
import {
  chooseSlot,
  choosePattern,
  describeChoice,
  MIN_CUSTOMER_EVENTS,
  needsGlobalPattern,
  type SendTimePatterns,
  type SendTimeReason,
} from './send-time-choice.ts';
import { buildHistogram, type HourOfWeekHistogram } from './send-time-histogram.ts';
import { sendSlots } from './send-time-slots.ts';
import { SendTimeRepository } from './send-time.repository.ts';

const MS_PER_HOUR = 3_600_000;

/**
 * How long a segment or global pattern is reused before it is aggregated again. Both
 * change slowly, and aggregating them reads many events.
 */
export const PATTERN_CACHE_MS = 5 * 60_000;

export interface SendTimeRequest {
  customerId: string;
  campaignId: string;
  /** The earliest moment the contact policy allows: now, or the end of the quiet hours. */
  earliest: Date;
  now: Date;
}

export interface SendTimePlan {
  sendAt: Date;
  /** Null when send-time optimization is off. */
  reason: SendTimeReason | null;
}

@Injectable()
export class SendTimeService {
  private readonly patternCache = new Map<string, { histogram: HourOfWeekHistogram; expiresAt: number }>();

  private readonly horizonMs: number;

  constructor(
    @Inject(SendTimeRepository) private readonly repository: SendTimeRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.horizonMs = config.sendTime.horizonHours * MS_PER_HOUR;
  }

  /**
   * Picks when a message goes out: the local hour, within the configured horizon after
   * `earliest` (at most a week) and before the campaign ends, at which the customer's engagement events peak. With fewer
   * than MIN_CUSTOMER_EVENTS of them, the customer's segment decides, and without a
   * usable segment the global pattern. Hours inside the contact policy's quiet hours are
   * never chosen. With a horizon of 0 the message goes at `earliest` and nothing is read.
   */
  async plan(request: SendTimeRequest): Promise<SendTimePlan> {
    const { customerId, campaignId, earliest, now } = request;
    if (this.horizonMs === 0) {
      return { sendAt: earliest, reason: null };
    }
    const [context, campaignEnd, customerEvents] = await Promise.all([
      this.repository.findContext(customerId),
      this.repository.findCampaignEnd(campaignId),
      this.repository.listCustomerEngagement(customerId, now),
    ]);
    const timeZone = [context.customerTimeZone, context.defaultTimeZone].find((zone) => zone !== null && isKnownTimeZone(zone)) ?? 'UTC';

    const customer = buildHistogram(customerEvents, timeZone, now);
    const segment =
      customer.events >= MIN_CUSTOMER_EVENTS || context.segment === null
        ? null
        : { name: context.segment, histogram: await this.cachedPattern(context.segment, context.defaultTimeZone, now) };
    const patterns: SendTimePatterns = {
      customer,
      segment,
      global: needsGlobalPattern(customer, segment?.histogram ?? null) ? await this.cachedPattern(null, context.defaultTimeZone, now) : null,
    };
    const pattern = choosePattern(patterns);

    const horizonEnd = earliest.getTime() + this.horizonMs;
    const latest = new Date(campaignEnd === null ? horizonEnd : Math.min(horizonEnd, campaignEnd.getTime()));
    const choice = chooseSlot(sendSlots(earliest, latest, timeZone, context.quietHours), pattern.histogram);

    const reason: SendTimeReason = {
      source: pattern.source,
      segment: context.segment,
      timeZone,
      hourOfWeek: choice?.slot.hourOfWeek ?? null,
      localTime: choice === null ? null : formatHourOfWeek(choice.slot.hourOfWeek),
      score: roundScore(choice?.score ?? 0),
      eventsInHour: choice?.eventsInHour ?? 0,
      counts: {
        customer: customer.events,
        segment: patterns.segment?.histogram.events ?? null,
        global: patterns.global?.events ?? null,
      },
      window: { earliest: earliest.toISOString(), latest: latest.toISOString() },
      detail: describeChoice(pattern.source, choice, context.segment),
    };
    return { sendAt: choice?.slot.at ?? earliest, reason };
  }


  private async cachedPattern(segment: string | null, defaultTimeZone: string, now: Date): Promise<HourOfWeekHistogram> {
    const key = `${defaultTimeZone}\u0000${segment ?? ''}\u0000${segment === null ? 'global' : 'segment'}`;
    const cached = this.patternCache.get(key);
    if (cached !== undefined && cached.expiresAt > Date.now()) {
      return cached.histogram;
    }
    const histogram = await this.repository.aggregateEngagement(segment, defaultTimeZone, now);
    this.patternCache.set(key, { histogram, expiresAt: Date.now() + PATTERN_CACHE_MS });
    return histogram;
  }
}

/** Four decimals are plenty to compare hours and keep the stored reason short. */
function roundScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
