import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { buildPlacementIndex, type JourneyPlacementIndex } from '#wayline/journey-definitions';
import {
  CustomerJourneyRepository,
  type BehaviourEvent,
  type CustomerScoringInput,
  type CustomerScoringResult,
  type FeedbackReassessment,
  type ScoredEventUpdate,
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
  /** Transactions run, including the last, empty one of each concurrent loop. */
  passes: number;
}

/** Scores unscored events in set-based passes over many customers; safe to run in several workers at once. */
@Injectable()
export class JourneyScoringService {
  private readonly logger: Logger;
  private readonly settings: ScoringSettings;
  private placementCache: { index: Promise<JourneyPlacementIndex>; expiresAt: number } | undefined;
  private invalidJourneysLogged = '';
  private readonly customersPerPass: number;
  private readonly concurrency: number;

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
    this.customersPerPass = config.scoring.customersPerPass;
    this.concurrency = config.scoring.concurrency;
  }

  /**
   * Scores until no unscored events remain or about `maxCustomers` customers were handled.
   * `concurrency` passes run at once, each in its own transaction over up to
   * `customersPerPass` customers; SKIP LOCKED keeps them on different customers.
   * When `stopping` returns true, no new transaction starts, so a shutdown waits for the
   * running ones only.
   */
  async scorePending(maxCustomers = 5000, concurrency = this.concurrency, stopping: () => boolean = () => false): Promise<ScoringPassResult> {
    const result: ScoringPassResult = { customers: 0, events: 0, passes: 0 };
    const customersPerPass = this.customersPerPass;
    const runPasses = async (): Promise<void> => {
      while (result.customers < maxCustomers && !stopping()) {
        const scored = await this.scoreOnePass(customersPerPass);
        result.passes += 1;
        if (scored.customers === 0) {
          return;
        }
        result.customers += scored.customers;
        result.events += scored.events;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, runPasses));
    return result;
  }

  /**
   * Scores the unscored events of up to `maxCustomers` customers in one transaction, then
   * publishes them on the live feed after the commit.
   */
  async scoreOnePass(maxCustomers: number): Promise<{ customers: number; events: number }> {
    // Definitions are read only when there is something to place, so an idle worker does
    // not hold a copy that is up to JOURNEY_DEFINITIONS_CACHE_MS old when events arrive.
    if (!this.placementCached() && !(await this.journeys.hasUnscoredEvents())) {
      return { customers: 0, events: 0 };
    }
    const placement = await this.placementIndex();
    const batches = await this.journeys.scoreUnscoredBatch(maxCustomers, (input) => this.scoreCustomer(input, placement));
    if (batches.length === 0) {
      return { customers: 0, events: 0 };
    }
    const now = new Date();
    await this.feed.publish(batches.flatMap((batch) => buildFeedMessages(batch, now, this.settings)));
    const reassessed = batches.reduce((sum, batch) => sum + batch.result.reassessed.length, 0);
    if (reassessed > 0) {
      this.logger.debug({ events: reassessed }, 'Re-assessed earlier feedback after new behaviour');
    }
    return { customers: batches.length, events: batches.reduce((sum, batch) => sum + batch.events.length, 0) };
  }

  private scoreCustomer(input: CustomerScoringInput, placement: JourneyPlacementIndex): CustomerScoringResult {
    let state = input.previous;
    const scored: CustomerScoringResult['events'] = [];
    for (const event of input.events) {
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
        feedback: this.assessFeedback(event, input.behaviour),
        journey: placed.journey,
        stage: applied.eventScore.stage,
        sentiment: applied.eventScore.sentiment,
        valence: applied.eventScore.weight > 0 ? applied.eventScore.valence : null,
        label: applied.eventScore.weight > 0 ? applied.eventScore.label : null,
      });
    }
    const reassessed: FeedbackReassessment[] = [];
    for (const earlier of input.earlierFeedback) {
      const feedback = this.assessFeedback(earlier, input.behaviour)!;
      if (feedback.status !== earlier.feedbackConsistency || !sameReasons(feedback.reasons, earlier.consistencyReasons)) {
        reassessed.push({ id: earlier.id, feedback });
      }
    }
    return { state, events: scored, reassessed };
  }

  /**
   * Compares a rated event's rating with its text and with the customer's behaviour
   * around it (other events within the window). Null for events without a rating. Rated
   * events scored earlier are assessed again when behaviour within their window arrives.
   */
  private assessFeedback(
    event: { id: string; rating?: number | null; text?: string | null; occurredAt: Date },
    behaviour: BehaviourEvent[],
  ): ScoredEventUpdate['feedback'] {
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
  private placementCached(): boolean {
    return this.placementCache !== undefined && Date.now() < this.placementCache.expiresAt;
  }

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

/** Returns whether stored consistency reasons (JSON) equal freshly computed ones. */
function sameReasons(reasons: string[], stored: unknown): boolean {
  return Array.isArray(stored) && stored.length === reasons.length && stored.every((reason, index) => reason === reasons[index]);
}
