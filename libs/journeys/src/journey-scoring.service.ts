import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { buildPlacementIndex, type JourneyPlacementIndex } from '#wayline/journey-definitions';
import {
  CustomerJourneyRepository,
  type BehaviourEvent,
  type CustomerScoringResult,
  type ScoredEventUpdate,
  type UnscoredEvent,
} from './customer-journey.repository.ts';
import { buildFeedMessages } from './live-feed/feed-messages.builder.ts';
import { LiveFeedService } from './live-feed/live-feed.service.ts';
import {
  applyEvent,
  assessFeedbackConsistency,
  DEFAULT_STAGE_MAP,
  lookupByEventName,
  type CustomerScoreState,
  type ScoringSettings,
} from './scoring/index.ts';

/**
 * How long the scorer keeps the active journey definitions before reading them again, so an
 * admin change places new events within this time.
 */
export const JOURNEY_DEFINITIONS_CACHE_MS = 5_000;

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
  private placementCache: { index: Promise<JourneyPlacementIndex>; expiresAt: number } | undefined;
  private invalidJourneysLogged = '';

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
   * commit. Returns the number of events scored, or null when another worker has the customer's row locked.
   */
  async scoreCustomer(customerId: string): Promise<number | null> {
    const placement = await this.placementIndex();
    const batch = await this.journeys.scoreUnscoredEvents(customerId, (state, events, behaviour) =>
      this.applyEvents(state, events, placement, behaviour),
    );
    if (batch === null) {
      return null;
    }
    if (batch.events.length > 0) {
      await this.feed.publish(buildFeedMessages(customerId, batch, new Date(), this.settings));
    }
    return batch.events.length;
  }

  private applyEvents(
    initial: CustomerScoreState,
    events: UnscoredEvent[],
    placement: JourneyPlacementIndex,
    behaviour: BehaviourEvent[],
  ): CustomerScoringResult {
    let state = initial;
    const scored: CustomerScoringResult['events'] = [];
    for (const event of events) {
      const placed = placement.place({
        touchpoint: event.touchpoint,
        journey: event.journey,
        stage: event.stage,
        typeStage: lookupByEventName(DEFAULT_STAGE_MAP.byType, event.type) ?? null,
      });
      // applyEvent ranks an event's own stage above its tables, so the journey's stage goes in there.
      const applied = applyEvent(state, placed.stage === null ? event : { ...event, stage: placed.stage }, this.settings);
      state = applied.state;
      scored.push({
        id: event.id,
        emotionSources: applied.eventScore.sources,
        feedback: this.assessFeedback(event, behaviour),
        journey: placed.journey,
        stage: applied.eventScore.stage,
        sentiment: applied.eventScore.sentiment,
        valence: applied.eventScore.weight > 0 ? applied.eventScore.valence : null,
        label: applied.eventScore.weight > 0 ? applied.eventScore.label : null,
      });
    }
    return { state, events: scored };
  }

  /**
   * Compares a rated event's rating with its text and with the customer's behaviour
   * around it (other events within the window). Null for events without a rating.
   * NOTE: behaviour that arrives after this event is scored does not re-assess it.
   */
  private assessFeedback(event: UnscoredEvent, behaviour: BehaviourEvent[]): ScoredEventUpdate['feedback'] {
    if (event.rating === null || event.rating === undefined) {
      return null;
    }
    const assessment = assessFeedbackConsistency(
      { rating: event.rating, text: event.text ?? null },
      { behaviour: behaviour.filter((other) => other.id !== event.id), feedbackAt: event.occurredAt },
    );
    return { status: assessment.status, reasons: assessment.reasons };
  }

  /**
   * Returns the placement index of the active journeys, read at most once per
   * JOURNEY_DEFINITIONS_CACHE_MS. Concurrent callers share one read, and a failed read is
   * not kept, so the next call tries again.
   */
  private placementIndex(): Promise<JourneyPlacementIndex> {
    const now = Date.now();
    if (this.placementCache !== undefined && now < this.placementCache.expiresAt) {
      return this.placementCache.index;
    }
    const index = this.loadPlacementIndex();
    this.placementCache = { index, expiresAt: now + JOURNEY_DEFINITIONS_CACHE_MS };
    index.catch(() => {
      if (this.placementCache?.index === index) {
        this.placementCache = undefined;
      }
    });
    return index;
  }

  private async loadPlacementIndex(): Promise<JourneyPlacementIndex> {
    const { index, invalidKeys } = buildPlacementIndex(await this.journeys.findActiveJourneys());
    // Logged when the set of broken definitions changes, not on every reload.
    const invalid = invalidKeys.join(',');
    if (invalid !== this.invalidJourneysLogged) {
      this.invalidJourneysLogged = invalid;
      if (invalid !== '') {
        this.logger.warn({ journeys: invalidKeys }, 'Skipped active journeys whose stored stages are invalid; replace them with PATCH /v1/admin/journeys/:key');
      }
    }
    return index;
  }

  get scoringSettings(): ScoringSettings {
    return this.settings;
  }
}
