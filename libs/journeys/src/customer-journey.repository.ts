import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';
import type { StoredPlaceableJourney } from '#wayline/journey-definitions';
import {
  BEHAVIOUR_WINDOW_DAYS as FEEDBACK_BEHAVIOUR_WINDOW_DAYS,
  parseScoringState,
  serializeScoringState,
  type CustomerScoreState,
  type ScorableEvent,
} from './scoring/index.ts';

export interface UnscoredEvent extends ScorableEvent {
  id: string;
  /** Journey key the caller sent, if any. */
  journey?: string | null;
}

export interface ScoredEventUpdate {
  id: string;
  emotionSources: string[];
  feedback: { status: string; reasons: string[] } | null;
  /** Journey the event was placed on, or null. */
  journey: string | null;
  stage: string;
  sentiment: number | null;
  valence: number | null;
  label: string | null;
}

/** An event near a rating, with the fields the consistency check reads. */
export interface BehaviourEvent {
  id: string;
  type: string;
  occurredAt: Date;
}

/** Scorer output for one customer's batch of unscored events. */
export interface CustomerScoringResult {
  state: CustomerScoreState;
  events: ScoredEventUpdate[];
}

/** A committed scoring of one customer: the state before, the events and the scorer output. */
export interface ScoredBatch {
  previous: CustomerScoreState;
  events: UnscoredEvent[];
  result: CustomerScoringResult;
}

@Injectable()
export class CustomerJourneyRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Loads the active journey definitions that scoring places events on, stages still raw JSON. */
  async findActiveJourneys(): Promise<StoredPlaceableJourney[]> {
    return this.prisma.journey.findMany({
      where: { active: true },
      select: { key: true, priority: true, stages: true },
    });
  }

  async findCustomersWithUnscoredEvents(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ customer_id: string }>>`
      SELECT DISTINCT customer_id FROM events WHERE scored_at IS NULL LIMIT ${limit}`;
    return rows.map((row) => row.customer_id);
  }

  /**
   * Scores a customer's unscored events in one transaction that holds the customer's
   * row lock, so each event is scored exactly once however many workers race. A worker
   * that finds the row locked skips the customer (SKIP LOCKED) and returns null. A crash
   * before the commit leaves the events unscored for the next attempt.
   */
  async scoreUnscoredEvents(
    customerId: string,
    score: (state: CustomerScoreState, events: UnscoredEvent[], behaviour: BehaviourEvent[]) => CustomerScoringResult,
  ): Promise<ScoredBatch | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<CustomerRow>>`
        SELECT activity, activity_at, valence, valence_weight, emotion_at, stage, stage_at, event_count, last_event_at,
          scoring_state
        FROM customers WHERE id = ${customerId} FOR UPDATE SKIP LOCKED`;
      const row = locked[0];
      if (row === undefined) {
        return null;
      }
      const events = await tx.event.findMany({
        where: { customerId, scoredAt: null },
        orderBy: [{ occurredAt: 'asc' }, { sequence: 'asc' }],
        select: {
          id: true, type: true, touchpoint: true, channel: true, occurredAt: true,
          text: true, rating: true, value: true, waitSeconds: true, stage: true, journey: true,
        },
      });
      const previous = toState(row);
      if (events.length === 0) {
        return { previous, events, result: { state: previous, events: [] } };
      }

      const behaviour = await this.findBehaviourAroundFeedback(tx, customerId, events);
      const result = score(previous, events, behaviour);
      await tx.$executeRaw`
        UPDATE events AS e SET
          stage = u.stage, sentiment = u.sentiment, valence = u.valence,
          emotion_label = u.label, journey = u.journey,
          emotion_sources = string_to_array(u.sources, ','),
          feedback_consistency = u.consistency, consistency_reasons = u.reasons,
          scored_at = now()
        FROM (
          SELECT * FROM unnest(
            ${result.events.map((event) => event.id)}::uuid[],
            ${result.events.map((event) => event.stage)}::text[],
            ${result.events.map((event) => event.sentiment)}::float8[],
            ${result.events.map((event) => event.valence)}::float8[],
            ${result.events.map((event) => event.label)}::text[],
            ${result.events.map((event) => event.journey)}::text[],
            ${result.events.map((event) => event.emotionSources.join(','))}::text[],
            ${result.events.map((event) => event.feedback?.status ?? null)}::text[],
            ${result.events.map((event) => (event.feedback === null ? null : JSON.stringify(event.feedback.reasons)))}::jsonb[]
          ) AS t(id, stage, sentiment, valence, label, journey, sources, consistency, reasons)
        ) AS u
        WHERE e.id = u.id`;
      const state = result.state;
      await tx.customer.update({
        where: { id: customerId },
        data: {
          activity: state.activity,
          activityAt: state.activityAt,
          valence: state.valence,
          valenceWeight: state.valenceWeight,
          emotionAt: state.emotionAt,
          stage: state.stage,
          stageAt: state.stageAt ?? null,
          eventCount: state.eventCount,
          lastEventAt: state.lastEventAt,
          scoringState: serializeScoringState(state) as Prisma.InputJsonObject,
        },
      });
      return { previous, events, result };
    });
  }

  /**
   * The customer's events within {@link FEEDBACK_BEHAVIOUR_WINDOW_DAYS} of any rated event
   * in the batch, for the feedback consistency check. No query when nothing is rated.
   */
  private async findBehaviourAroundFeedback(
    tx: Prisma.TransactionClient,
    customerId: string,
    events: UnscoredEvent[],
  ): Promise<BehaviourEvent[]> {
    const rated = events.filter((event) => event.rating !== null && event.rating !== undefined);
    if (rated.length === 0) {
      return [];
    }
    const windowMs = FEEDBACK_BEHAVIOUR_WINDOW_DAYS * 86_400_000;
    const times = rated.map((event) => event.occurredAt.getTime());
    return tx.event.findMany({
      where: {
        customerId,
        occurredAt: { gte: new Date(Math.min(...times) - windowMs), lte: new Date(Math.max(...times) + windowMs) },
      },
      select: { id: true, type: true, occurredAt: true },
    });
  }

  /**
   * Creates customers that do not exist yet; existing ones are left unchanged. One
   * statement over arrays (unnest), which is far faster for bulk loads than a
   * multi-row createMany.
   */
  async createCustomers(
    customers: Array<{ id: string; attributes: Record<string, unknown> }>,
    client: Prisma.TransactionClient | PrismaClient = this.prisma,
  ): Promise<number> {
    return client.$executeRaw`
      INSERT INTO customers (id, attributes)
      SELECT * FROM unnest(
        ${customers.map((customer) => customer.id)}::text[],
        ${customers.map((customer) => JSON.stringify(customer.attributes))}::jsonb[]
      )
      ON CONFLICT (id) DO NOTHING`;
  }

  /** Loads a customer with its score state, the `scoring_state` JSON parsed; null when unknown. */
  async findCustomer(customerId: string) {
    const customer = await this.prisma.customer.findUnique({ where: { id: customerId } });
    if (customer === null) {
      return null;
    }
    const { scoringState, ...columns } = customer;
    return { ...columns, ...parseScoringState(scoringState) };
  }

  async countUnscoredEvents(customerId: string): Promise<number> {
    return this.prisma.event.count({ where: { customerId, scoredAt: null } });
  }

  async findTimeline(customerId: string, limit: number) {
    return this.prisma.event.findMany({
      where: { customerId },
      orderBy: [{ occurredAt: 'desc' }, { sequence: 'desc' }],
      take: limit,
    });
  }
}

interface CustomerRow {
  activity: number;
  activity_at: Date | null;
  valence: number;
  valence_weight: number;
  emotion_at: Date | null;
  stage: string | null;
  stage_at: Date | null;
  event_count: number;
  last_event_at: Date | null;
  scoring_state: unknown;
}

function toState(row: CustomerRow): CustomerScoreState {
  return {
    activity: row.activity,
    activityAt: row.activity_at,
    valence: row.valence,
    valenceWeight: row.valence_weight,
    emotionAt: row.emotion_at,
    stage: row.stage,
    stageAt: row.stage_at,
    eventCount: Number(row.event_count),
    lastEventAt: row.last_event_at,
    ...parseScoringState(row.scoring_state),
  };
}
