import type { CustomerScoreState } from './scoring/customer-state.ts';
import { parseScoringState } from './scoring/scoring-state-json.ts';

/** The score columns of a `customers` row, as a raw SQL query returns them. */
export interface CustomerScoreRow {
  activity: number;
  activity_at: Date | null;
  valence: number;
  valence_weight: number;
  emotion_at: Date | null;
  stage: string | null;
  stage_at: Date | null;
  event_count: number | bigint;
  last_event_at: Date | null;
  scoring_state: unknown;
}

/** Maps the score columns of a raw `customers` row to a score state, with `scoring_state` parsed. */
export function scoreStateFromRow(row: CustomerScoreRow): CustomerScoreState {
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
