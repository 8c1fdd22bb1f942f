import { Inject, Injectable } from '@nestjs/common';
import { PRISMA, type Prisma, type PrismaClient } from '#wayline/database';
import type { StoredPlaceableJourney } from '#wayline/journey-definitions';
import {
  BEHAVIOUR_WINDOW_DAYS as FEEDBACK_BEHAVIOUR_WINDOW_DAYS,
  FEEDBACK_BEHAVIOUR,
  lookupByEventName,
  parseScoringState,
  serializeScoringState,
  type CustomerScoreState,
  type ScorableEvent,
} from './scoring/index.ts';
import { scoreStateFromRow, type CustomerScoreRow } from './customer-score-row.ts';

export interface UnscoredEvent extends ScorableEvent {
  id: string;
  customerId: string;
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

/** A rated event scored in an earlier pass, whose consistency new behaviour may change. */
export interface EarlierFeedbackEvent {
  id: string;
  occurredAt: Date;
  rating: number;
  text: string | null;
  feedbackConsistency: string | null;
  consistencyReasons: unknown;
}

/** Input of the scorer for one customer locked in a pass. */
export interface CustomerScoringInput {
  customerId: string;
  previous: CustomerScoreState;
  /** The customer's unscored events, oldest first. */
  events: UnscoredEvent[];
  /**
   * Rated events scored earlier that lie within the behaviour window of a new event of a
   * type that counts as behaviour, so their consistency can be assessed again.
   */
  earlierFeedback: EarlierFeedbackEvent[];
  /** The customer's events within the behaviour window of every rated event above or in `events`. */
  behaviour: BehaviourEvent[];
}

/** A new consistency verdict for an event scored in an earlier pass. */
export interface FeedbackReassessment {
  id: string;
  feedback: { status: string; reasons: string[] };
}

/** Scorer output for one customer's batch of unscored events. */
export interface CustomerScoringResult {
  state: CustomerScoreState;
  events: ScoredEventUpdate[];
  /** Earlier feedback whose verdict changed; unchanged verdicts are left out. */
  reassessed: FeedbackReassessment[];
}

/** A committed scoring of one customer: the state before, the events and the scorer output. */
export interface ScoredBatch {
  customerId: string;
  previous: CustomerScoreState;
  events: UnscoredEvent[];
  result: CustomerScoringResult;
}

/** Scores the customers of one pass; called inside the pass's transaction, so it must not do I/O. */
export type CustomerScorer = (input: CustomerScoringInput) => CustomerScoringResult;

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

  /**
   * Scores the unscored events of up to `maxCustomers` customers in one transaction, and
   * returns one entry per customer scored. The customers' rows stay locked until the commit,
   * so each event is scored exactly once however many workers race: a worker skips the
   * customers another one has locked (SKIP LOCKED) and takes others. The lock is FOR NO KEY
   * UPDATE, which the foreign key check of a new event (FOR KEY SHARE) does not wait for,
   * so ingestion of those customers' events goes on during the pass. Customers come oldest
   * pending event first. A crash before the commit leaves every event of the pass
   * unscored for the next attempt. The statements are set-based (about six per pass, not
   * per customer), which is what makes scoring keep up with ingestion.
   */
  async scoreUnscoredBatch(maxCustomers: number, score: CustomerScorer): Promise<ScoredBatch[]> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<CustomerRow[]>`
        WITH pending AS MATERIALIZED (
          SELECT customer_id, min(sequence) AS first_sequence
          FROM (
            SELECT customer_id, sequence FROM events WHERE scored_at IS NULL
            ORDER BY sequence LIMIT ${maxCustomers * PENDING_SCAN_FACTOR}
          ) AS oldest
          GROUP BY customer_id
        )
        SELECT c.id, c.activity, c.activity_at, c.valence, c.valence_weight, c.emotion_at, c.stage, c.stage_at,
          c.event_count, c.last_event_at, c.scoring_state
        FROM customers c JOIN pending p ON p.customer_id = c.id
        ORDER BY p.first_sequence
        LIMIT ${maxCustomers}
        FOR NO KEY UPDATE OF c SKIP LOCKED`;
      if (rows.length === 0) {
        return [];
      }
      const customerIds = rows.map((row) => row.id);
      const eventRows = await tx.$queryRaw<UnscoredEventRow[]>`
        SELECT id, customer_id, type, touchpoint, channel, occurred_at, text, rating, value, wait_seconds, stage, journey
        FROM events
        WHERE customer_id = ANY(${customerIds}::text[]) AND scored_at IS NULL
        ORDER BY customer_id, occurred_at, sequence`;
      const eventsByCustomer = groupBy(eventRows.map(toUnscoredEvent), (event) => event.customerId);

      const earlierFeedback = await this.findEarlierFeedback(tx, eventsByCustomer);
      const behaviour = await this.findBehaviour(tx, eventsByCustomer, earlierFeedback);

      const batches: ScoredBatch[] = [];
      for (const row of rows) {
        const events = eventsByCustomer.get(row.id) ?? [];
        if (events.length === 0) {
          // Scored by another worker between the two reads; nothing left to do.
          continue;
        }
        const previous = scoreStateFromRow(row);
        const result = score({
          customerId: row.id,
          previous,
          events,
          earlierFeedback: earlierFeedback.get(row.id) ?? [],
          behaviour: behaviour.get(row.id) ?? [],
        });
        batches.push({ customerId: row.id, previous, events, result });
      }
      await this.storeScores(tx, batches);
      return batches;
    });
  }

  /**
   * Rated events already scored that lie within the behaviour window of a new event whose
   * type counts as behaviour for the consistency check. No query when no new event does.
   */
  private async findEarlierFeedback(
    tx: Prisma.TransactionClient,
    eventsByCustomer: Map<string, UnscoredEvent[]>,
  ): Promise<Map<string, EarlierFeedbackEvent[]>> {
    const bounds = windowBounds(eventsByCustomer, (event) => lookupByEventName(FEEDBACK_BEHAVIOUR, event.type) !== undefined);
    if (bounds.customerIds.length === 0) {
      return new Map();
    }
    const rows = await tx.$queryRaw<EarlierFeedbackRow[]>`
      SELECT e.id, e.customer_id, e.occurred_at, e.rating, e.text, e.feedback_consistency, e.consistency_reasons
      FROM unnest(${bounds.customerIds}::text[], ${bounds.from}::timestamptz[], ${bounds.to}::timestamptz[]) AS b(customer_id, lo, hi)
      JOIN events e ON e.customer_id = b.customer_id AND e.occurred_at BETWEEN b.lo AND b.hi
      WHERE e.rating IS NOT NULL AND e.scored_at IS NOT NULL`;
    return groupBy(
      rows.map((row) => ({
        customerId: row.customer_id,
        id: row.id,
        occurredAt: row.occurred_at,
        rating: row.rating,
        text: row.text,
        feedbackConsistency: row.feedback_consistency,
        consistencyReasons: row.consistency_reasons,
      })),
      (event) => event.customerId,
    );
  }

  /**
   * The customers' events within {@link FEEDBACK_BEHAVIOUR_WINDOW_DAYS} of any rated event,
   * new or earlier, for the feedback consistency check. No query when nothing is rated.
   */
  private async findBehaviour(
    tx: Prisma.TransactionClient,
    eventsByCustomer: Map<string, UnscoredEvent[]>,
    earlierFeedback: Map<string, EarlierFeedbackEvent[]>,
  ): Promise<Map<string, BehaviourEvent[]>> {
    const rated = new Map<string, Array<{ occurredAt: Date }>>();
    for (const [customerId, events] of eventsByCustomer) {
      const times: Array<{ occurredAt: Date }> = events.filter((event) => event.rating !== null && event.rating !== undefined);
      times.push(...(earlierFeedback.get(customerId) ?? []));
      if (times.length > 0) {
        rated.set(customerId, times);
      }
    }
    const bounds = windowBounds(rated, () => true);
    if (bounds.customerIds.length === 0) {
      return new Map();
    }
    const rows = await tx.$queryRaw<Array<{ id: string; customer_id: string; type: string; occurred_at: Date }>>`
      SELECT e.id, e.customer_id, e.type, e.occurred_at
      FROM unnest(${bounds.customerIds}::text[], ${bounds.from}::timestamptz[], ${bounds.to}::timestamptz[]) AS b(customer_id, lo, hi)
      JOIN events e ON e.customer_id = b.customer_id AND e.occurred_at BETWEEN b.lo AND b.hi`;
    return groupBy(
      rows.map((row) => ({ customerId: row.customer_id, id: row.id, type: row.type, occurredAt: row.occurred_at })),
      (event) => event.customerId,
    );
  }

  /** Writes the scored events, the re-assessed feedback and the customers' states, one statement each. */
  private async storeScores(tx: Prisma.TransactionClient, batches: ScoredBatch[]): Promise<void> {
    if (batches.length === 0) {
      return;
    }
    const events = batches.flatMap((batch) => batch.result.events);
    await tx.$executeRaw`
      UPDATE events AS e SET
        stage = u.stage, sentiment = u.sentiment, valence = u.valence,
        emotion_label = u.label, journey = u.journey,
        emotion_sources = string_to_array(u.sources, ','),
        feedback_consistency = u.consistency, consistency_reasons = u.reasons,
        scored_at = now()
      FROM (
        SELECT * FROM unnest(
          ${events.map((event) => event.id)}::uuid[],
          ${events.map((event) => event.stage)}::text[],
          ${events.map((event) => event.sentiment)}::float8[],
          ${events.map((event) => event.valence)}::float8[],
          ${events.map((event) => event.label)}::text[],
          ${events.map((event) => event.journey)}::text[],
          ${events.map((event) => event.emotionSources.join(','))}::text[],
          ${events.map((event) => event.feedback?.status ?? null)}::text[],
          ${events.map((event) => (event.feedback === null ? null : JSON.stringify(event.feedback.reasons)))}::jsonb[]
        ) AS t(id, stage, sentiment, valence, label, journey, sources, consistency, reasons)
      ) AS u
      WHERE e.id = u.id`;

    const reassessed = batches.flatMap((batch) => batch.result.reassessed);
    if (reassessed.length > 0) {
      await tx.$executeRaw`
        UPDATE events AS e SET feedback_consistency = u.consistency, consistency_reasons = u.reasons
        FROM unnest(
          ${reassessed.map((event) => event.id)}::uuid[],
          ${reassessed.map((event) => event.feedback.status)}::text[],
          ${reassessed.map((event) => JSON.stringify(event.feedback.reasons))}::jsonb[]
        ) AS u(id, consistency, reasons)
        WHERE e.id = u.id`;
    }

    const states = batches.map((batch) => batch.result.state);
    await tx.$executeRaw`
      UPDATE customers AS c SET
        activity = u.activity, activity_at = u.activity_at, valence = u.valence, valence_weight = u.valence_weight,
        emotion_at = u.emotion_at, stage = u.stage, stage_at = u.stage_at, event_count = u.event_count,
        last_event_at = u.last_event_at, scoring_state = u.scoring_state, updated_at = now()
      FROM unnest(
        ${batches.map((batch) => batch.customerId)}::text[],
        ${states.map((state) => state.activity)}::float8[],
        ${states.map((state) => isoOrNull(state.activityAt))}::timestamptz[],
        ${states.map((state) => state.valence)}::float8[],
        ${states.map((state) => state.valenceWeight)}::float8[],
        ${states.map((state) => isoOrNull(state.emotionAt))}::timestamptz[],
        ${states.map((state) => state.stage)}::text[],
        ${states.map((state) => isoOrNull(state.stageAt ?? null))}::timestamptz[],
        ${states.map((state) => state.eventCount)}::int4[],
        ${states.map((state) => isoOrNull(state.lastEventAt))}::timestamptz[],
        ${states.map((state) => JSON.stringify(serializeScoringState(state)))}::jsonb[]
      ) AS u(id, activity, activity_at, valence, valence_weight, emotion_at, stage, stage_at, event_count, last_event_at, scoring_state)
      WHERE c.id = u.id`;
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

  /**
   * Loads a customer's score state, latest events and count of unscored events from one
   * snapshot (REPEATABLE READ), so a scoring pass that commits meanwhile cannot give old
   * scores next to a count of 0. Null when the customer is unknown.
   */
  async findJourney(customerId: string, limit: number) {
    const [customer, timeline, pendingEvents] = await this.prisma.$transaction(
      [
        this.prisma.customer.findUnique({ where: { id: customerId } }),
        this.prisma.event.findMany({ where: { customerId }, orderBy: [{ occurredAt: 'desc' }, { sequence: 'desc' }], take: limit }),
        this.prisma.event.count({ where: { customerId, scoredAt: null } }),
      ],
      { isolationLevel: 'RepeatableRead' },
    );
    if (customer === null) {
      return null;
    }
    const { scoringState, ...columns } = customer;
    return { customer: { ...columns, ...parseScoringState(scoringState) }, timeline, pendingEvents };
  }

  /** Events waiting to be scored, and when the oldest of them arrived. */
  async findScoringBacklog(): Promise<{ unscoredEvents: number; oldestReceivedAt: Date | null }> {
    const [row] = await this.prisma.$queryRaw<Array<{ unscored: number; oldest: Date | null }>>`
      SELECT count(*)::int AS unscored, min(received_at) AS oldest FROM events WHERE scored_at IS NULL`;
    return { unscoredEvents: row?.unscored ?? 0, oldestReceivedAt: row?.oldest ?? null };
  }

  async hasUnscoredEvents(): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`SELECT 1 FROM events WHERE scored_at IS NULL LIMIT 1`;
    return rows.length > 0;
  }
}

/**
 * How many of the oldest unscored events a pass reads to find its customers, per customer
 * it may take. Customers with several pending events and customers locked by other
 * workers use up part of the scan, so it reads more than one event per customer.
 */
const PENDING_SCAN_FACTOR = 4;

const WINDOW_MS = FEEDBACK_BEHAVIOUR_WINDOW_DAYS * 86_400_000;

interface CustomerRow extends CustomerScoreRow {
  id: string;
}


interface UnscoredEventRow {
  id: string;
  customer_id: string;
  type: string;
  touchpoint: string;
  channel: string;
  occurred_at: Date;
  text: string | null;
  rating: number | null;
  value: number | null;
  wait_seconds: number | null;
  stage: string | null;
  journey: string | null;
}

interface EarlierFeedbackRow {
  id: string;
  customer_id: string;
  occurred_at: Date;
  rating: number;
  text: string | null;
  feedback_consistency: string | null;
  consistency_reasons: unknown;
}

function toUnscoredEvent(row: UnscoredEventRow): UnscoredEvent {
  return {
    id: row.id,
    customerId: row.customer_id,
    type: row.type,
    touchpoint: row.touchpoint,
    channel: row.channel,
    occurredAt: row.occurred_at,
    text: row.text,
    rating: row.rating,
    value: row.value,
    waitSeconds: row.wait_seconds,
    stage: row.stage,
    journey: row.journey,
  };
}

function groupBy<Item>(items: Item[], keyOf: (item: Item) => string): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, [item]);
    } else {
      group.push(item);
    }
  }
  return groups;
}

/**
 * Per customer, the span from the behaviour window before its first selected event to the
 * window after its last, as parallel arrays for unnest. Customers without a selected event are left out.
 */
function windowBounds<Event extends { occurredAt: Date }>(
  eventsByCustomer: Map<string, Event[]>,
  select: (event: Event) => boolean,
): { customerIds: string[]; from: string[]; to: string[] } {
  const bounds = { customerIds: [] as string[], from: [] as string[], to: [] as string[] };
  for (const [customerId, events] of eventsByCustomer) {
    let first = Infinity;
    let last = -Infinity;
    for (const event of events) {
      if (select(event)) {
        const time = event.occurredAt.getTime();
        first = Math.min(first, time);
        last = Math.max(last, time);
      }
    }
    if (first <= last) {
      bounds.customerIds.push(customerId);
      bounds.from.push(new Date(first - WINDOW_MS).toISOString());
      bounds.to.push(new Date(last + WINDOW_MS).toISOString());
    }
  }
  return bounds;
}

function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
