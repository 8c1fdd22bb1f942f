import type { EngagementComponentsState } from './engagement.ts';
import { createEmptyEngagementComponents } from './engagement.ts';
import type { CustomerScoreState, SlowEmotionState } from './customer-state.ts';

/** The parts of a score state stored in the `scoring_state` JSON column. */
export type StoredScoringState = Pick<CustomerScoreState, 'engagement' | 'stages' | 'slowEmotion'>;

/** Version written into the JSON, for later changes of its shape. */
export const SCORING_STATE_VERSION = 1;

/**
 * Reads the `scoring_state` JSON. Anything missing or malformed is left out (undefined),
 * so the scoring math falls back to its defaults for states stored before these fields:
 * the legacy `activity` as frequency, and the fast valence as the slow one.
 */
export function parseScoringState(json: unknown): StoredScoringState {
  if (!isRecord(json)) {
    return {};
  }
  const result: StoredScoringState = {};
  const engagement = parseComponents(json['engagement']);
  if (engagement !== undefined) {
    result.engagement = engagement;
  }
  if (isRecord(json['stages'])) {
    const stages: Array<[string, EngagementComponentsState]> = [];
    for (const [stage, value] of Object.entries(json['stages'])) {
      const components = parseComponents(value);
      if (components !== undefined) {
        stages.push([stage, components]);
      }
    }
    result.stages = Object.fromEntries(stages);
  }
  const slow = parseSlowEmotion(json['slowEmotion']);
  if (slow !== undefined) {
    result.slowEmotion = slow;
  }
  return result;
}

/** Returns the JSON to store in `scoring_state` for `state`. */
export function serializeScoringState(state: CustomerScoreState): Record<string, unknown> {
  const json: Record<string, unknown> = { version: SCORING_STATE_VERSION };
  if (state.engagement !== undefined) {
    json['engagement'] = state.engagement;
  }
  if (state.stages !== undefined) {
    json['stages'] = state.stages;
  }
  if (state.slowEmotion !== undefined) {
    json['slowEmotion'] = state.slowEmotion;
  }
  return json;
}

function parseComponents(value: unknown): EngagementComponentsState | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const empty = createEmptyEngagementComponents();
  const atMs = finiteOrNull(value['atMs']);
  const frequency = nonNegative(value['frequency']);
  const monetary = nonNegative(value['monetary']);
  return {
    // Amounts without a time cannot be decayed, so they are dropped.
    frequency: atMs === null ? 0 : frequency,
    monetary: atMs === null ? 0 : monetary,
    atMs,
    channels: parseTimes(value['channels']) ?? empty.channels,
    touchpoints: parseTimes(value['touchpoints']) ?? empty.touchpoints,
  };
}

function parseSlowEmotion(value: unknown): SlowEmotionState | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const valence = value['valence'];
  const atMs = finiteOrNull(value['atMs']);
  const weight = atMs === null ? 0 : nonNegative(value['weight']);
  if (typeof valence !== 'number' || !Number.isFinite(valence) || Math.abs(valence) > 1) {
    return undefined;
  }
  return { valence, weight, atMs };
}

function parseTimes(value: unknown): Record<string, number> | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1])),
  );
}

function nonNegative(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
