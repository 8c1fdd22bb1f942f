import type { JourneyDefinition } from '#wayline/journey-definitions';
import type { SegmentCondition } from './journey-analytics.schemas.ts';

/** Scope of the scored events an analytics query reads: one journey, a time window and a segment. */
export interface AnalyticsScope {
  journey: string;
  /** Stage keys in journey order. */
  stageKeys: string[];
  /** Inclusive start of the window, or null for no start. */
  from: Date | null;
  /** Exclusive end of the window, or null for no end. */
  to: Date | null;
  segment: SegmentCondition[];
  /** Only customers whose collapsed path starts with these two stages. */
  route?: { firstStage: string; secondStage: string };
}

export interface AnalyticsFilters {
  segment?: SegmentCondition[];
  from?: Date;
  to?: Date;
}

export function toAnalyticsScope(journey: JourneyDefinition, filters: AnalyticsFilters): AnalyticsScope {
  return {
    journey: journey.key,
    stageKeys: journey.stages.map((stage) => stage.key),
    from: filters.from ?? null,
    to: filters.to ?? null,
    segment: filters.segment ?? [],
  };
}

/** The filters as a response echoes them. */
export interface FiltersView {
  segment: SegmentCondition[];
  from: string | null;
  to: string | null;
}

export function toFiltersView(scope: AnalyticsScope): FiltersView {
  return { segment: scope.segment, from: scope.from?.toISOString() ?? null, to: scope.to?.toISOString() ?? null };
}
