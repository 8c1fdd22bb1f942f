import { Inject, Injectable } from '@nestjs/common';
import { parseInput } from '#wayline/common';
import { JourneyDefinitionService } from '#wayline/journey-definitions';
import { toAnalyticsScope, toFiltersView, type FiltersView } from './analytics-scope.ts';
import { painPointsQuerySchema } from './journey-analytics.schemas.ts';
import type { JourneyHeaderView } from './journey-map.service.ts';
import { rankPainPoints, type PainPointRanking } from './pain-point-ranking.ts';
import { BAD_EXPERIENCE_AT_MOST, GOOD_EXPERIENCE_AT_LEAST, PainPointRepository } from './pain-point.repository.ts';

export interface PainPointsView extends PainPointRanking {
  journey: JourneyHeaderView;
  filters: FiltersView;
  /** Valence bounds of a bad and a good experience. */
  thresholds: { badAtMost: number; goodAtLeast: number };
  minCustomers: number;
}

/** Touchpoints where a bad experience costs the most conversion, or adds the most churn. */
@Injectable()
export class PainPointService {
  constructor(
    @Inject(JourneyDefinitionService) private readonly definitions: JourneyDefinitionService,
    @Inject(PainPointRepository) private readonly painPoints: PainPointRepository,
  ) {}

  /**
   * Validates the query (`segment`, `from`, `to`, `minCustomers`) and ranks the touchpoints.
   *
   * @throws ValidationError naming the query parameter or `path.key`.
   * @throws NotFoundError when no journey has that key.
   */
  async getPainPoints(key: string, query: unknown): Promise<PainPointsView> {
    const { minCustomers, ...filters } = parseInput(painPointsQuerySchema, query, 'query');
    const journey = await this.definitions.get(key);
    const scope = toAnalyticsScope(journey, filters);
    const stageByTouchpoint = new Map(
      journey.stages.flatMap((stage) => stage.touchpoints.map((touchpoint) => [touchpoint, stage.key] as const)),
    );
    const ranking = rankPainPoints(await this.painPoints.countExperiences(scope), stageByTouchpoint, minCustomers);
    return {
      journey: { key: journey.key, name: journey.name, active: journey.active },
      filters: toFiltersView(scope),
      thresholds: { badAtMost: BAD_EXPERIENCE_AT_MOST, goodAtLeast: GOOD_EXPERIENCE_AT_LEAST },
      minCustomers,
      ...ranking,
    };
  }
}
