import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { CustomerJourneyRepository, type CustomerScoringResult, type UnscoredEvent } from './customer-journey.repository.ts';
import { buildFeedMessages } from './live-feed/feed-messages.builder.ts';
import { LiveFeedService } from './live-feed/live-feed.service.ts';
import { applyEvent, type CustomerScoreState, type ScoringSettings } from './scoring/index.ts';

export interface ScoringPassResult {
  customers: number;
  events: number;
  /** Customers another worker held locked, left for a later pass. */
  skipped: number;
}

/** Scores unscored events customer by customer; safe to run in several workers at once. */
@Injectable()
export class JourneyScoringService {
  private readonly logger: Logger;
  private readonly settings: ScoringSettings;

  constructor(
    private readonly journeys: CustomerJourneyRepository,
    private readonly feed: LiveFeedService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: 'JourneyScoringService' });
    this.settings = {
      engagementHalfLifeDays: config.scoring.engagementHalfLifeDays,
      emotionHalfLifeDays: config.scoring.emotionHalfLifeDays,
      waitThresholdSeconds: config.scoring.waitThresholdSeconds,
    };
  }

  /** Scores until no unscored events remain or `maxCustomers` customers were handled. */
  async scorePending(maxCustomers = 1000, concurrency = 4): Promise<ScoringPassResult> {
    const result: ScoringPassResult = { customers: 0, events: 0, skipped: 0 };
    const skippedIds = new Set<string>();
    while (result.customers + result.skipped < maxCustomers) {
      const candidates = (await this.journeys.findCustomersWithUnscoredEvents(200)).filter((id) => !skippedIds.has(id));
      if (candidates.length === 0) {
        break;
      }
      for (let start = 0; start < candidates.length; start += concurrency) {
        const slice = candidates.slice(start, start + concurrency);
        const counts = await Promise.all(slice.map((customerId) => this.scoreCustomer(customerId)));
        counts.forEach((count, index) => {
          if (count === null) {
            result.skipped += 1;
            skippedIds.add(slice[index]!);
          } else {
            result.customers += 1;
            result.events += count;
          }
        });
      }
    }
    return result;
  }

  /**
   * Scores one customer's unscored events and publishes them on the live feed after the
   * commit. Returns the number of events scored, or null when another worker holds the customer.
   */
  async scoreCustomer(customerId: string): Promise<number | null> {
    const batch = await this.journeys.scoreUnscoredEvents(customerId, (state, events) => this.applyEvents(state, events));
    if (batch === null) {
      return null;
    }
    if (batch.events.length > 0) {
      await this.feed.publish(buildFeedMessages(customerId, batch, new Date(), this.settings));
    }
    return batch.events.length;
  }

  private applyEvents(initial: CustomerScoreState, events: UnscoredEvent[]): CustomerScoringResult {
    let state = initial;
    const scored: CustomerScoringResult['events'] = [];
    for (const event of events) {
      const applied = applyEvent(state, event, this.settings);
      state = applied.state;
      scored.push({
        id: event.id,
        stage: applied.eventScore.stage,
        sentiment: applied.eventScore.sentiment,
        valence: applied.eventScore.weight > 0 ? applied.eventScore.valence : null,
        label: applied.eventScore.weight > 0 ? applied.eventScore.label : null,
      });
    }
    return { state, events: scored };
  }

  get scoringSettings(): ScoringSettings {
    return this.settings;
  }
}
