import { labelForValence, type EmotionLabel } from './emotion-label.ts';
import { isFiniteNumber, lookupByEventName, type ScorableEvent } from './scorable-event.ts';
import { assertValidScoringSettings, type ScoringSettings } from './scoring-settings.ts';
import { scoreText } from './text-sentiment.ts';

export type EmotionSource = 'text' | 'rating' | 'wait' | 'behaviour';

/** Emotional reading of one event. */
export interface EventEmotion {
  /** VADER compound score of the text, or null when the event has no text. */
  sentiment: number | null;
  /** Fused valence in -1..1, which is 0 when `weight` is 0. */
  valence: number;
  /** Label of `valence`. When `weight` is 0 it is `neutral` and carries no information. */
  label: EmotionLabel;
  /** Evidence behind `valence` in the units of RATING_WEIGHT, or 0 for none. */
  weight: number;
  /** Signals that contributed, in the order they were applied. */
  sources: EmotionSource[];
}

/** Valence and evidence weight that an event type contributes by itself. */
export interface BehaviourSignal {
  valence: number;
  weight: number;
}

// The weights below are judgement calls, not fitted to data. Only their ratios change the
// fused valence of one event. Their absolute size sets how fast the customer's state moves
// and how quickly confidence grows.

/** A star rating is the customer's own statement of satisfaction, so no signal weighs more. */
export const RATING_WEIGHT = 1.5;

/**
 * Text weight grows with the strength of its sentiment: `min + (max - min) * |compound|`.
 * A message without sentiment words ("what time do you open tomorrow") is weak evidence of
 * the mood, so it must not dilute an earlier angry message much.
 */
export const TEXT_WEIGHT = Object.freeze({ min: 0.25, max: 1 });

/**
 * Waiting beyond the threshold is negative evidence. The severity
 * `1 - exp(-excessSeconds / excessScaleSeconds)` rises from 0 at the threshold towards 1,
 * and the wait counts as valence `-maxPenalty * severity` with weight `maxWeight * severity`.
 * With the defaults, 3 minutes over the threshold is valence -0.38 with weight 0.47, and a
 * wait alone never goes below -0.6 (frustrated at worst, never angry). Both terms start at
 * 0, so one second over the threshold changes almost nothing.
 */
export const WAIT_PENALTY = Object.freeze({ excessScaleSeconds: 180, maxPenalty: 0.6, maxWeight: 0.75 });

/**
 * Event types that are evidence of a mood even without text or rating, keyed by normalized
 * type. Complaints, escalations and cancellations are deliberate acts, as explicit as a
 * star rating, so they weigh as much. Escalation is the most negative, because the customer
 * asked to go over the agent's head. A refund or failed payment signals friction, but the
 * customer may not be upset yet. A purchase is mildly positive, because people also buy
 * out of need.
 */
export const BEHAVIOUR_SIGNALS: Readonly<Record<string, BehaviourSignal>> = Object.freeze({
  complaint: { valence: -0.6, weight: RATING_WEIGHT },
  escalation: { valence: -0.8, weight: RATING_WEIGHT },
  cancellation: { valence: -0.6, weight: RATING_WEIGHT },
  refund: { valence: -0.3, weight: 0.5 },
  payment_failed: { valence: -0.3, weight: 0.5 },
  purchase: { valence: 0.3, weight: 0.5 },
});

/** Maps a star rating to valence: 1 star is -1, 3 stars 0, 5 stars +1. Ratings outside 1..5 are clamped. */
export function ratingValence(rating: number): number {
  const stars = Math.min(5, Math.max(1, rating));
  return (stars - 3) / 2;
}

/** Returns the wait severity in 0..1: 0 up to and at the threshold, approaching 1 for long waits. */
export function waitSeverity(waitSeconds: number, thresholdSeconds: number): number {
  const excessSeconds = waitSeconds - thresholdSeconds;
  if (excessSeconds <= 0) {
    return 0;
  }
  return 1 - Math.exp(-excessSeconds / WAIT_PENALTY.excessScaleSeconds);
}

/**
 * Fuses the emotional signals of one event into a valence, a label and an evidence weight.
 *
 * Text, rating and behaviour are averaged, each weighted by its evidence. The wait joins
 * the average only if its valence is below that average, because a long wait is a reason
 * for a worse mood, never for a better one. So a longer wait never raises the valence, and
 * a rating (weight 1.5) counts for more than any wait (weight below 0.75). An event without text, rating, behaviour signal
 * or excess wait gets weight 0 and must not move the customer's emotion. A non-finite
 * rating or wait is ignored.
 */
export function scoreEventEmotion(event: ScorableEvent, settings: ScoringSettings): EventEmotion {
  assertValidScoringSettings(settings);

  const sources: EmotionSource[] = [];
  let weightedValenceSum = 0;
  let weight = 0;

  const sentiment = scoreText(event.text)?.compound ?? null;
  if (sentiment !== null) {
    const textWeight = TEXT_WEIGHT.min + (TEXT_WEIGHT.max - TEXT_WEIGHT.min) * Math.abs(sentiment);
    weightedValenceSum += sentiment * textWeight;
    weight += textWeight;
    sources.push('text');
  }

  if (isFiniteNumber(event.rating)) {
    weightedValenceSum += ratingValence(event.rating) * RATING_WEIGHT;
    weight += RATING_WEIGHT;
    sources.push('rating');
  }

  const behaviour = lookupByEventName(BEHAVIOUR_SIGNALS, event.type);
  if (behaviour !== undefined) {
    weightedValenceSum += behaviour.valence * behaviour.weight;
    weight += behaviour.weight;
    sources.push('behaviour');
  }

  const severity = isFiniteNumber(event.waitSeconds)
    ? waitSeverity(event.waitSeconds, settings.waitThresholdSeconds)
    : 0;
  const waitValence = -WAIT_PENALTY.maxPenalty * severity;
  // Without other evidence the average is taken as 0, so any excess wait joins it.
  const baseValence = weight > 0 ? weightedValenceSum / weight : 0;
  if (severity > 0 && waitValence < baseValence) {
    const waitWeight = WAIT_PENALTY.maxWeight * severity;
    weightedValenceSum += waitValence * waitWeight;
    weight += waitWeight;
    sources.push('wait');
  }

  const mean = weight > 0 ? weightedValenceSum / weight : 0;
  const valence = Math.min(1, Math.max(-1, mean));
  return { sentiment, valence, label: labelForValence(valence), weight, sources };
}
