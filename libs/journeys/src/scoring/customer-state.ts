import { assertValidDate, decayFactor } from './decay.ts';
import { labelForValence, type EmotionLabel } from './emotion-label.ts';
import {
  addEventToComponents,
  breakdownOfComponents,
  createEmptyEngagementComponents,
  engagementComponentsOf,
  eventActivityWeight,
  type EngagementBreakdown,
  type EngagementComponentsState,
} from './engagement.ts';
import { RATING_WEIGHT, scoreEventEmotion, type EmotionSource } from './event-emotion.ts';
import { DEFAULT_FALLBACK_STAGE, mapStage } from './journey-stage.ts';
import type { ScorableEvent } from './scorable-event.ts';
import { assertValidScoringSettings, type ScoringSettings } from './scoring-settings.ts';

/** Scoring state of one customer, stored as plain numbers and dates. */
export interface CustomerScoreState {
  /** Exponentially decayed sum of event activity weights, as of `activityAt`. */
  activity: number;
  activityAt: Date | null;
  /** Decay-weighted mean valence in -1..1, as of `emotionAt`. */
  valence: number;
  /** Decayed total evidence weight behind `valence`, or 0 when there is no evidence yet. */
  valenceWeight: number;
  emotionAt: Date | null;
  /** Stage implied by the latest event that maps to one, or the fallback stage before any does. */
  stage: string | null;
  /**
   * `occurredAt` of the event that set `stage`, or null while `stage` is the fallback or unset.
   * Optional so that states stored without it still load. Without it, a late event that
   * maps to a stage replaces the stage set by a newer event.
   */
  stageAt?: Date | null;
  eventCount: number;
  lastEventAt: Date | null;
  /**
   * Decayed engagement components. Optional so that states stored before them still load;
   * see engagementComponentsOf for the default.
   */
  engagement?: EngagementComponentsState;
  /** Engagement components per stage, keyed by the stage of each event. */
  stages?: Record<string, EngagementComponentsState>;
  /**
   * The same evidence as `valence`, decayed TREND_HALF_LIFE_FACTOR times slower. When
   * missing, it starts from the fast valence, so the trend starts at 0.
   */
  slowEmotion?: SlowEmotionState;
}

/** Slow decayed valence behind the emotion trend; `atMs` is epoch milliseconds. */
export interface SlowEmotionState {
  valence: number;
  weight: number;
  atMs: number | null;
}

/** The slow valence behind the trend decays this many times slower than the emotion. */
export const TREND_HALF_LIFE_FACTOR = 4;

/** Scores of one event, as applyEvent computed them. */
export interface EventScore {
  sentiment: number | null;
  valence: number;
  label: EmotionLabel;
  /** The stage of this event, or the customer's current stage when the event maps to none. */
  stage: string;
  /** Emotional evidence weight. At 0 the event did not move the emotion. */
  weight: number;
  /** Activity units the event added to the engagement. */
  activityWeight: number;
  sources: EmotionSource[];
}

export interface AppliedEvent {
  state: CustomerScoreState;
  eventScore: EventScore;
}

export interface CurrentEmotion {
  /** Decay-weighted mean valence, or null when there has never been evidence. */
  valence: number | null;
  label: EmotionLabel | null;
  /** 0..1, growing with the evidence that is left after decay. */
  confidence: number;
  /**
   * Fast valence minus slow valence (half-life TREND_HALF_LIFE_FACTOR times longer), in -2..2.
   * Positive means the mood is improving. Null when there has never been evidence.
   */
  trend: number | null;
}

/** Returns the state of a customer without events. */
export function createInitialScoreState(): CustomerScoreState {
  return {
    activity: 0,
    activityAt: null,
    valence: 0,
    valenceWeight: 0,
    emotionAt: null,
    stage: null,
    stageAt: null,
    eventCount: 0,
    lastEventAt: null,
    engagement: createEmptyEngagementComponents(),
    stages: {},
    slowEmotion: { valence: 0, weight: 0, atMs: null },
  };
}

/**
 * Throws a RangeError that names the field unless `state` is consistent: finite, non-negative
 * activity and evidence weight, a valence in -1..1, a whole non-negative event count, valid
 * dates, and a date wherever its amount is not zero.
 */
export function assertValidScoreState(state: CustomerScoreState): void {
  const problems: string[] = [];
  if (!Number.isFinite(state.activity) || state.activity < 0) {
    problems.push(`activity ${state.activity} must be a number of 0 or more`);
  }
  if (!Number.isFinite(state.valenceWeight) || state.valenceWeight < 0) {
    problems.push(`valenceWeight ${state.valenceWeight} must be a number of 0 or more`);
  }
  if (!Number.isFinite(state.valence) || Math.abs(state.valence) > 1) {
    problems.push(`valence ${state.valence} must be between -1 and 1`);
  }
  if (!Number.isSafeInteger(state.eventCount) || state.eventCount < 0) {
    problems.push(`eventCount ${state.eventCount} must be a whole number of 0 or more`);
  }
  if (state.activity > 0 && state.activityAt === null) {
    problems.push('activityAt is missing although activity is above 0');
  }
  if (state.valenceWeight > 0 && state.emotionAt === null) {
    problems.push('emotionAt is missing although valenceWeight is above 0');
  }
  if (state.stageAt != null && state.stage === null) {
    problems.push('stage is missing although stageAt is set');
  }
  if (problems.length > 0) {
    throw new RangeError(`Invalid customer score state: ${problems.join('; ')}.`);
  }

  for (const field of ['activityAt', 'emotionAt', 'stageAt', 'lastEventAt'] as const) {
    const value = state[field];
    if (value != null) {
      assertValidDate(value, field);
    }
  }
}

/**
 * Adds one event to a customer's state and returns the new state with the event's scores.
 * The input state is not changed.
 *
 * Activity and emotion are decayed sums, so each event's contribution is its weight times
 * `2^(-age / halfLife)`. For an event at or after the state's timestamp, the state is
 * decayed to the event's time and the event added at full weight. For an older event
 * (a late delivery), the event's weight is decayed to the state's timestamp instead, so
 * no elapsed time is ever negative. Both give the same result as applying the events in
 * time order, up to floating-point rounding.
 *
 * An event with emotional weight 0 leaves valence, valenceWeight and emotionAt unchanged,
 * and one with activity weight 0 leaves activity and activityAt unchanged.
 *
 * The stage follows the latest event that maps to one (see mapStage), tracked by
 * `stageAt`, so late events give the same stage as time order. At equal times the event
 * applied last wins. An event that maps to no stage keeps the current one, and a customer
 * whose events so far map to none gets DEFAULT_FALLBACK_STAGE with `stageAt` null.
 */
export function applyEvent(
  state: CustomerScoreState,
  event: ScorableEvent,
  settings: ScoringSettings,
): AppliedEvent {
  assertValidScoringSettings(settings);
  assertValidScoreState(state);
  assertValidDate(event.occurredAt, 'occurredAt');

  const eventAt = event.occurredAt;
  const emotion = scoreEventEmotion(event, settings);
  const activityWeight = eventActivityWeight(event);
  const mappedStage = mapStage(event);
  const stageAt = state.stageAt ?? null;
  const setsStage = mappedStage !== null && (stageAt === null || eventAt.getTime() >= stageAt.getTime());
  const isLatest = state.lastEventAt === null || eventAt.getTime() >= state.lastEventAt.getTime();

  const activity = addDecayed(
    { amount: state.activity, at: state.activityAt },
    activityWeight,
    eventAt,
    settings.engagementHalfLifeDays,
  );
  const mood = addEvidence(
    { valence: state.valence, weight: state.valenceWeight, at: state.emotionAt },
    emotion.valence,
    emotion.weight,
    eventAt,
    settings.emotionHalfLifeDays,
  );

  const slow = addEvidence(
    slowEmotionOf(state),
    emotion.valence,
    emotion.weight,
    eventAt,
    settings.emotionHalfLifeDays * TREND_HALF_LIFE_FACTOR,
  );
  const eventStage = mappedStage ?? state.stage ?? DEFAULT_FALLBACK_STAGE;
  const previousStages = state.stages ?? {};
  const stageComponents = addEventToComponents(
    Object.hasOwn(previousStages, eventStage) ? previousStages[eventStage]! : createEmptyEngagementComponents(),
    event,
    settings.engagementHalfLifeDays,
  );
  const stages: Record<string, EngagementComponentsState> = { ...previousStages };
  // defineProperty keeps a stage named __proto__ as data; plain assignment would set the prototype.
  Object.defineProperty(stages, eventStage, { value: stageComponents, enumerable: true, writable: true, configurable: true });

  const next: CustomerScoreState = {
    activity: activity.amount,
    activityAt: activity.at,
    valence: mood.valence,
    valenceWeight: mood.weight,
    emotionAt: mood.at,
    stage: setsStage ? mappedStage : (state.stage ?? DEFAULT_FALLBACK_STAGE),
    stageAt: setsStage ? eventAt : stageAt,
    eventCount: state.eventCount + 1,
    lastEventAt: isLatest ? eventAt : state.lastEventAt,
    engagement: addEventToComponents(engagementComponentsOf(state), event, settings.engagementHalfLifeDays),
    stages,
    slowEmotion: { valence: slow.valence, weight: slow.weight, atMs: slow.at?.getTime() ?? null },
  };

  return {
    state: next,
    eventScore: {
      sentiment: emotion.sentiment,
      valence: emotion.valence,
      label: emotion.label,
      stage: eventStage,
      weight: emotion.weight,
      activityWeight,
      sources: emotion.sources,
    },
  };
}

/**
 * Returns the customer's emotion at `now`. Decay scales every piece of evidence by the same
 * factor, so the mean valence does not fade with time. Only the confidence does:
 * `weight / (weight + RATING_WEIGHT)`, which makes one fresh star rating worth 0.5.
 * A `now` before `emotionAt` is treated as `emotionAt`.
 */
export function currentEmotion(state: CustomerScoreState, now: Date, settings: ScoringSettings): CurrentEmotion {
  assertValidScoringSettings(settings);
  assertValidScoreState(state);
  assertValidDate(now, 'now');

  if (state.emotionAt === null || state.valenceWeight === 0) {
    return { valence: null, label: null, confidence: 0, trend: null };
  }

  const elapsedMilliseconds = now.getTime() - state.emotionAt.getTime();
  const weight = state.valenceWeight * decayFactor(elapsedMilliseconds, settings.emotionHalfLifeDays);
  return {
    valence: state.valence,
    label: labelForValence(state.valence),
    confidence: weight / (weight + RATING_WEIGHT),
    trend: state.valence - slowEmotionOf(state).valence,
  };
}

/** Returns the slow evidence behind the trend, or the fast evidence for a state stored without it. */
function slowEmotionOf(state: CustomerScoreState): Evidence {
  const slow = state.slowEmotion;
  if (slow === undefined) {
    return { valence: state.valence, weight: state.valenceWeight, at: state.emotionAt };
  }
  return { valence: slow.valence, weight: slow.weight, at: slow.atMs === null ? null : new Date(slow.atMs) };
}

/** Engagement breakdown per stage at `now`, from the per-stage components. */
export function stageEngagementBreakdowns(
  state: CustomerScoreState,
  now: Date,
  settings: ScoringSettings,
): Record<string, EngagementBreakdown> {
  assertValidScoringSettings(settings);
  assertValidDate(now, 'now');
  const result: Record<string, EngagementBreakdown> = {};
  for (const [stage, components] of Object.entries(state.stages ?? {})) {
    result[stage] = breakdownOfComponents(components, null, now, settings);
  }
  return result;
}

interface DecayedAmount {
  amount: number;
  at: Date | null;
}

function addDecayed(current: DecayedAmount, addition: number, additionAt: Date, halfLifeDays: number): DecayedAmount {
  if (addition === 0) {
    return current;
  }
  if (current.at === null) {
    return { amount: current.amount + addition, at: additionAt };
  }

  const elapsedMilliseconds = additionAt.getTime() - current.at.getTime();
  if (elapsedMilliseconds >= 0) {
    return { amount: current.amount * decayFactor(elapsedMilliseconds, halfLifeDays) + addition, at: additionAt };
  }
  // A late event: decay the addition to the state's time instead of moving the state back.
  return { amount: current.amount + addition * decayFactor(-elapsedMilliseconds, halfLifeDays), at: current.at };
}

interface Evidence {
  valence: number;
  weight: number;
  at: Date | null;
}

function addEvidence(
  current: Evidence,
  valence: number,
  weight: number,
  evidenceAt: Date,
  halfLifeDays: number,
): Evidence {
  if (weight === 0) {
    return current;
  }

  let currentWeight = current.weight;
  let addedWeight = weight;
  let at = evidenceAt;
  if (current.at !== null) {
    const elapsedMilliseconds = evidenceAt.getTime() - current.at.getTime();
    if (elapsedMilliseconds >= 0) {
      currentWeight *= decayFactor(elapsedMilliseconds, halfLifeDays);
    } else {
      addedWeight *= decayFactor(-elapsedMilliseconds, halfLifeDays);
      at = current.at;
    }
  }

  const totalWeight = currentWeight + addedWeight;
  // Both weights can underflow to 0 when the evidence is thousands of half-lives apart.
  if (totalWeight === 0) {
    return current;
  }
  const mean = (current.valence * currentWeight + valence * addedWeight) / totalWeight;
  return { valence: Math.min(1, Math.max(-1, mean)), weight: totalWeight, at };
}
