import { Injectable } from '@nestjs/common';
import { customerIdSchema, NotFoundError, parseInput } from '#wayline/common';
import { z } from 'zod';
import { CustomerJourneyRepository } from './customer-journey.repository.ts';
import { JourneyScoringService } from './journey-scoring.service.ts';
import {
  currentEmotion,
  engagementBreakdown,
  stageEngagementBreakdowns,
  type CurrentEmotion,
  type CustomerScoreState,
  type EngagementBreakdown,
} from './scoring/index.ts';

export const journeyQuerySchema = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
});

/** `GET /v1/scoring/status` takes no parameters. */
export const scoringStatusQuerySchema = z.strictObject({});

/** Current scores, decayed to `now`, as the decision engine and the journey endpoint see them. */
export interface CustomerScores {
  /** Equal to `engagementBreakdown.score`. */
  engagement: number;
  /** The components behind `engagement` and what each adds to the activity. */
  engagementBreakdown: Omit<EngagementBreakdown, 'score'>;
  /** Engagement score and components per stage, from the events of each stage. */
  stages: Record<string, { engagement: number } & Omit<EngagementBreakdown, 'score'>>;
  emotion: CurrentEmotion;
  stage: string | null;
  eventCount: number;
  lastEventAt: Date | null;
  daysSinceLastEvent: number | null;
}

@Injectable()
export class JourneyQueryService {
  constructor(
    private readonly journeys: CustomerJourneyRepository,
    private readonly scoring: JourneyScoringService,
  ) {}

  /**
   * Returns how far scoring is behind ingestion: the events not scored yet, the arrival time
   * of the oldest one, and its age. Zero events and a null age mean scoring has caught up.
   */
  async getScoringStatus(query: unknown = {}, now = new Date()) {
    parseInput(scoringStatusQuerySchema, query, 'query');
    const backlog = await this.journeys.findScoringBacklog();
    return {
      unscoredEvents: backlog.unscoredEvents,
      oldestUnscoredReceivedAt: backlog.oldestReceivedAt,
      lagSeconds: backlog.oldestReceivedAt === null ? null : Math.max(0, (now.getTime() - backlog.oldestReceivedAt.getTime()) / 1000),
    };
  }

  async getJourney(customerId: string, query: unknown, now = new Date()) {
    parseInput(customerIdSchema, customerId, 'path.customerId');
    const { limit } = parseInput(journeyQuerySchema, query, 'query');
    const journey = await this.journeys.findJourney(customerId, limit);
    if (journey === null) {
      throw new NotFoundError('Customer', customerId);
    }
    const { customer, timeline, pendingEvents } = journey;
    return {
      customerId: customer.id,
      attributes: customer.attributes,
      scores: this.scoresOf(customer, now),
      pendingEvents,
      timeline: timeline.map((event) => ({
        id: event.id,
        occurredAt: event.occurredAt,
        type: event.type,
        touchpoint: event.touchpoint,
        channel: event.channel,
        journey: event.journey,
        stage: event.stage,
        text: event.text,
        rating: event.rating,
        value: event.value,
        waitSeconds: event.waitSeconds,
        scored: event.scoredAt !== null,
        emotion:
          event.scoredAt === null
            ? null
            : { sentiment: event.sentiment, valence: event.valence, label: event.emotionLabel, sources: event.emotionSources },
        feedback:
          event.feedbackConsistency === null
            ? null
            : { consistency: event.feedbackConsistency, reasons: event.consistencyReasons },
      })),
    };
  }

  /** Loads the customer and their scores decayed to `now`; throws NotFoundError for an unknown id. */
  async getCustomerScores(customerId: string, now = new Date()) {
    parseInput(customerIdSchema, customerId, 'path.customerId');
    const customer = await this.journeys.findCustomer(customerId);
    if (customer === null) {
      throw new NotFoundError('Customer', customerId);
    }
    return {
      customer: { id: customer.id, attributes: customer.attributes as Record<string, unknown> },
      scores: this.scoresOf(customer, now),
    };
  }

  /** Scores of a stored customer row, decayed to `now`. */
  scoresOf(customer: CustomerScoreState, now: Date): CustomerScores {
    const settings = this.scoring.scoringSettings;
    const emotion = currentEmotion(customer, now, settings);
    const { score, ...breakdown } = engagementBreakdown(customer, now, settings);
    const stages: CustomerScores['stages'] = {};
    for (const [stage, { score: stageScore, ...stageBreakdown }] of Object.entries(
      stageEngagementBreakdowns(customer, now, settings),
    )) {
      Object.defineProperty(stages, stage, {
        value: { engagement: stageScore, ...stageBreakdown },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return {
      engagement: score,
      engagementBreakdown: breakdown,
      stages,
      emotion,
      stage: customer.stage,
      eventCount: customer.eventCount,
      lastEventAt: customer.lastEventAt,
      daysSinceLastEvent:
        customer.lastEventAt === null ? null : Math.max(0, (now.getTime() - customer.lastEventAt.getTime()) / 86_400_000),
    };
  }
}
