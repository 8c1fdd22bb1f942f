import { Inject, Injectable } from '@nestjs/common';
import { parseInput } from '#wayline/common';
import { JourneyDefinitionService } from '#wayline/journey-definitions';
import { toAnalyticsScope, toFiltersView, type FiltersView } from './analytics-scope.ts';
import { journeyMapQuerySchema } from './journey-analytics.schemas.ts';
import { buildJourneyMap, type JourneyMapBody } from './journey-map.ts';
import { JourneyMapRepository } from './journey-map.repository.ts';

export interface JourneyHeaderView {
  key: string;
  name: string;
  active: boolean;
}

export interface JourneyMapView extends JourneyMapBody {
  journey: JourneyHeaderView;
  filters: FiltersView;
}

/** Stage by touchpoint map of one journey over its scored events. */
@Injectable()
export class JourneyMapService {
  constructor(
    @Inject(JourneyDefinitionService) private readonly definitions: JourneyDefinitionService,
    @Inject(JourneyMapRepository) private readonly maps: JourneyMapRepository,
  ) {}

  /**
   * Validates the query (`segment`, `from`, `to`) and returns the map. Inactive journeys
   * have maps too, of the events placed on them while they were active.
   *
   * @throws ValidationError naming the query parameter or `path.key`.
   * @throws NotFoundError when no journey has that key.
   */
  async getMap(key: string, query: unknown): Promise<JourneyMapView> {
    const filters = parseInput(journeyMapQuerySchema, query, 'query');
    const journey = await this.definitions.get(key);
    const scope = toAnalyticsScope(journey, filters);
    const body = buildJourneyMap(journey.stages, await this.maps.findMeasures(scope));
    return { journey: { key: journey.key, name: journey.name, active: journey.active }, filters: toFiltersView(scope), ...body };
  }
}
