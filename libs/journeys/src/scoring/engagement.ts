import type { CustomerScoreState } from './customer-state.ts';
import { assertValidDate, decayFactor } from './decay.ts';
import { isFiniteNumber, lookupByEventName, normalizeEventName, type ScorableEvent } from './scorable-event.ts';
import { assertValidScoringSettings, type ScoringSettings } from './scoring-settings.ts';

/**
 * Activity units that one event adds, keyed by normalized event type. Engagement measures
 * how actively a customer interacts, not whether they are happy, so complaints count.
 * Types missing here weigh DEFAULT_ACTIVITY_WEIGHT. The numbers are judgement calls, not
 * fitted to data.
 */
export const ACTIVITY_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  // Passive and cheap for the customer.
  page_view: 0.5,
  // A failed payment was an attempt to pay, but nothing came of it.
  payment_failed: 0.5,
  refund: 0.5,
  message: 1,
  feedback: 1,
  complaint: 1,
  escalation: 1,
  // A call takes more of the customer's time than a message.
  call: 1.5,
  bill_payment: 2,
  // Spending money is the strongest sign of engagement.
  purchase: 4,
  // Leaving is not engagement. The churn is recorded by the stage and the emotion instead.
  cancellation: 0,
});

export const DEFAULT_ACTIVITY_WEIGHT = 1;

/** Activity units added per tenfold increase of `value`: `log10(1 + value)`, so 9 adds 1 and 999 adds 3. */
export const VALUE_WEIGHT_PER_DECADE = 1;

/**
 * Decayed activity at which the engagement score reaches 63 (100 * (1 - 1/e)). Ten units
 * are one purchase of 100 (about 6 units) plus four messages, all recent. A customer like
 * that sits mid-scale, which leaves room above for more frequent customers.
 */
export const ENGAGEMENT_SATURATION_ACTIVITY = 10;

/**
 * Returns the activity units one event adds: the weight of its type plus a log-scaled bonus
 * for its money value. The log keeps one large order from outweighing many interactions.
 * Types weighing 0 get no bonus, and a negative or non-finite value adds nothing.
 */
export function eventActivityWeight(event: Pick<ScorableEvent, 'type' | 'value'>): number {
  const typeWeight = lookupByEventName(ACTIVITY_WEIGHTS, event.type) ?? DEFAULT_ACTIVITY_WEIGHT;
  if (typeWeight === 0) {
    return 0;
  }

  const value = isFiniteNumber(event.value) ? Math.max(0, event.value) : 0;
  return typeWeight + VALUE_WEIGHT_PER_DECADE * Math.log10(1 + value);
}

/** Weight of the decayed weighted event count (`frequency`) in the activity. */
export const FREQUENCY_WEIGHT = 1;
/** Weight of `ln(1 + monetary)` in the activity: a recent 100 adds about 4.6 units. */
export const MONETARY_WEIGHT = 1;
/** Weight of `depth` in the activity: each recently used channel or touchpoint adds 0.5 units. */
export const DEPTH_WEIGHT = 0.5;
/**
 * A channel or touchpoint whose decayed weight falls below this (ten half-lives) is dropped
 * from the stored state when a newer event arrives, so the maps stay small.
 */
export const DEPTH_FORGET_FACTOR = 2 ** -10;

const MILLISECONDS_PER_DAY = 86_400_000;

/**
 * Decayed engagement components of one customer or one stage, stored as JSON. Times are
 * epoch milliseconds so the state round-trips through JSON unchanged.
 */
export interface EngagementComponentsState {
  /** Decayed sum of event type weights (a weighted event count), as of `atMs`. */
  frequency: number;
  /** Decayed sum of event money values, as of `atMs`. */
  monetary: number;
  /** Time that `frequency` and `monetary` are decayed to: the latest engaging event. */
  atMs: number | null;
  /** Normalized channel name to the epoch milliseconds it was last used. */
  channels: Record<string, number>;
  /** Normalized touchpoint name to the epoch milliseconds it was last used. */
  touchpoints: Record<string, number>;
}

export interface EngagementBreakdown {
  /** Engagement score in 0..100, `100 * (1 - exp(-activity / ENGAGEMENT_SATURATION_ACTIVITY))`. */
  score: number;
  /** Sum of the contributions. */
  activity: number;
  components: {
    /** Days since the latest event, or null without events. Recency lowers the other components through decay. */
    recencyDays: number | null;
    frequency: number;
    monetary: number;
    depth: number;
  };
  contributions: { frequency: number; monetary: number; depth: number };
}

/** The parts of a score state that the engagement score reads. */
export type EngagementInput = Pick<CustomerScoreState, 'activity' | 'activityAt'> & {
  lastEventAt?: Date | null;
  engagement?: EngagementComponentsState;
};

export function createEmptyEngagementComponents(): EngagementComponentsState {
  return { frequency: 0, monetary: 0, atMs: null, channels: {}, touchpoints: {} };
}

/**
 * Returns the stored components, or for a state saved before they existed, components that
 * carry the legacy `activity` as `frequency`, so the score of such a customer does not change.
 */
export function engagementComponentsOf(state: EngagementInput): EngagementComponentsState {
  if (state.engagement !== undefined) {
    return state.engagement;
  }
  if (!Number.isFinite(state.activity) || state.activity < 0) {
    throw new RangeError(`Invalid score state activity: ${state.activity}. It must be a number of 0 or more.`);
  }
  if (state.activityAt === null) {
    return createEmptyEngagementComponents();
  }
  assertValidDate(state.activityAt, 'activityAt');
  return { ...createEmptyEngagementComponents(), frequency: state.activity, atMs: state.activityAt.getTime() };
}

/**
 * Adds one event to the components and returns new ones. Types weighing 0 (see
 * ACTIVITY_WEIGHTS) are not engagement and change nothing. A late event is decayed to
 * `atMs` instead of moving the components back in time.
 */
export function addEventToComponents(
  components: EngagementComponentsState,
  event: Pick<ScorableEvent, 'type' | 'value' | 'channel' | 'touchpoint' | 'occurredAt'>,
  halfLifeDays: number,
): EngagementComponentsState {
  const typeWeight = lookupByEventName(ACTIVITY_WEIGHTS, event.type) ?? DEFAULT_ACTIVITY_WEIGHT;
  if (typeWeight === 0) {
    return components;
  }
  const value = isFiniteNumber(event.value) ? Math.max(0, event.value) : 0;
  const eventMs = event.occurredAt.getTime();

  let frequency = components.frequency;
  let monetary = components.monetary;
  let atMs = eventMs;
  let addedFactor = 1;
  if (components.atMs !== null) {
    const elapsed = eventMs - components.atMs;
    if (elapsed >= 0) {
      const factor = decayFactor(elapsed, halfLifeDays);
      frequency *= factor;
      monetary *= factor;
    } else {
      addedFactor = decayFactor(-elapsed, halfLifeDays);
      atMs = components.atMs;
    }
  }
  return {
    frequency: frequency + typeWeight * addedFactor,
    monetary: monetary + value * addedFactor,
    atMs,
    channels: touch(components.channels, event.channel, eventMs, atMs, halfLifeDays),
    touchpoints: touch(components.touchpoints, event.touchpoint, eventMs, atMs, halfLifeDays),
  };
}

function touch(
  seen: Record<string, number>,
  name: string | null | undefined,
  seenMs: number,
  latestMs: number,
  halfLifeDays: number,
): Record<string, number> {
  const key = typeof name === 'string' ? normalizeEventName(name) : '';
  // decayFactor(age) >= DEPTH_FORGET_FACTOR, without a power per entry: ages of at most
  // log2(1 / DEPTH_FORGET_FACTOR) half-lives are kept.
  const maxAgeHalfLives = -Math.log2(DEPTH_FORGET_FACTOR);
  const halfLifeMs = halfLifeDays * MILLISECONDS_PER_DAY;
  const keeps = (lastMs: number) => (latestMs - lastMs) / halfLifeMs <= maxAgeHalfLives;
  let forgetsAny = false;
  for (const entry in seen) {
    if (Object.hasOwn(seen, entry) && !keeps(seen[entry]!)) {
      forgetsAny = true;
      break;
    }
  }
  const addsKey = key !== '' && keeps(seenMs) && !((Object.hasOwn(seen, key) ? seen[key]! : -Infinity) >= seenMs);
  if (!addsKey && !forgetsAny) {
    // Nothing to forget or to add, the common case for a channel used again: no copy.
    return seen;
  }
  if (!forgetsAny && key !== '__proto__') {
    // A channel used again or a new one, nothing forgotten: one shallow copy. (Assigning
    // __proto__ would set the prototype, so that name takes the general path below.)
    const updated = { ...seen };
    updated[key] = seenMs;
    return updated;
  }
  const kept = new Map(Object.entries(seen).filter(([, lastMs]) => keeps(lastMs)));
  if (key !== '' && keeps(seenMs)) {
    kept.set(key, Math.max(kept.get(key) ?? seenMs, seenMs));
  }
  // Object.fromEntries defines own properties, so a name such as __proto__ stays data.
  return Object.fromEntries(kept);
}

/** Decayed count of distinct channels and touchpoints at `nowMs`: each one adds `2^(-age / halfLife)`. */
export function engagementDepth(components: EngagementComponentsState, nowMs: number, halfLifeDays: number): number {
  let depth = 0;
  for (const lastMs of [...Object.values(components.channels), ...Object.values(components.touchpoints)]) {
    depth += decayFactor(nowMs - lastMs, halfLifeDays);
  }
  return depth;
}

/**
 * Explains the engagement score at `now`. With every component decayed to `now`:
 *
 *     activity = FREQUENCY_WEIGHT * frequency + MONETARY_WEIGHT * ln(1 + monetary) + DEPTH_WEIGHT * depth
 *     score    = 100 * (1 - exp(-activity / ENGAGEMENT_SATURATION_ACTIVITY))
 *
 * The contributions are the three terms, so they add up to `activity`. Recency is reported
 * as days since the latest event; it enters the score through the decay. A `now` before an
 * event time is treated as that time, so a skewed clock cannot raise the score.
 */
export function engagementBreakdown(state: EngagementInput, now: Date, settings: ScoringSettings): EngagementBreakdown {
  assertValidScoringSettings(settings);
  assertValidDate(now, 'now');
  return breakdownOfComponents(engagementComponentsOf(state), state.lastEventAt?.getTime() ?? null, now, settings);
}

/** Engagement breakdown of one set of components, such as one stage's. */
export function breakdownOfComponents(
  components: EngagementComponentsState,
  lastEventMs: number | null,
  now: Date,
  settings: ScoringSettings,
): EngagementBreakdown {
  const halfLife = settings.engagementHalfLifeDays;
  const nowMs = now.getTime();
  const factor = components.atMs === null ? 1 : decayFactor(nowMs - components.atMs, halfLife);
  const frequency = components.frequency * factor;
  const monetary = components.monetary * factor;
  const depth = engagementDepth(components, nowMs, halfLife);
  const contributions = {
    frequency: FREQUENCY_WEIGHT * frequency,
    monetary: MONETARY_WEIGHT * Math.log1p(monetary),
    depth: DEPTH_WEIGHT * depth,
  };
  const activity = contributions.frequency + contributions.monetary + contributions.depth;
  const latestMs = lastEventMs ?? components.atMs;
  return {
    score: 100 * (1 - Math.exp(-activity / ENGAGEMENT_SATURATION_ACTIVITY)),
    activity,
    components: {
      recencyDays: latestMs === null ? null : Math.max(0, nowMs - latestMs) / MILLISECONDS_PER_DAY,
      frequency,
      monetary,
      depth,
    },
    contributions,
  };
}

/**
 * Computes the engagement score in 0..100 at `now`. It is exactly
 * `engagementBreakdown(state, now, settings).score`; see there for the formula. The score
 * approaches 100 but never reaches it.
 */
export function engagementScore(state: EngagementInput, now: Date, settings: ScoringSettings): number {
  return engagementBreakdown(state, now, settings).score;
}
