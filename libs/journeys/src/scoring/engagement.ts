import type { CustomerScoreState } from './customer-state.ts';
import { assertValidDate, decayFactor } from './decay.ts';
import { isFiniteNumber, lookupByEventName, type ScorableEvent } from './scorable-event.ts';
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

/**
 * Computes the engagement score in 0..100 at `now`: the activity decayed from `activityAt`
 * to `now`, saturated as `100 * (1 - exp(-activity / ENGAGEMENT_SATURATION_ACTIVITY))`.
 * The score approaches 100 but never reaches it. A `now` before `activityAt` is treated as
 * `activityAt`, so a skewed clock cannot raise the score.
 */
export function engagementScore(
  state: Pick<CustomerScoreState, 'activity' | 'activityAt'>,
  now: Date,
  settings: ScoringSettings,
): number {
  assertValidScoringSettings(settings);
  assertValidDate(now, 'now');
  if (!Number.isFinite(state.activity) || state.activity < 0) {
    throw new RangeError(`Invalid score state activity: ${state.activity}. It must be a number of 0 or more.`);
  }
  if (state.activityAt === null) {
    return 0;
  }
  assertValidDate(state.activityAt, 'activityAt');

  const elapsedMilliseconds = now.getTime() - state.activityAt.getTime();
  const activity = state.activity * decayFactor(elapsedMilliseconds, settings.engagementHalfLifeDays);
  return 100 * (1 - Math.exp(-activity / ENGAGEMENT_SATURATION_ACTIVITY));
}
