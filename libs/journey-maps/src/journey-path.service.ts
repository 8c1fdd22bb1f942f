import { Inject, Injectable } from '@nestjs/common';
import { parseInput } from '#wayline/common';
import { JourneyDefinitionService } from '#wayline/journey-definitions';
import { toAnalyticsScope, toFiltersView, type FiltersView } from './analytics-scope.ts';
import { journeyPathsQuerySchema } from './journey-analytics.schemas.ts';
import { buildJourneyMap, type JourneyMapBody } from './journey-map.ts';
import { JourneyMapRepository } from './journey-map.repository.ts';
import type { JourneyHeaderView } from './journey-map.service.ts';
import { JourneyPathRepository } from './journey-path.repository.ts';
import { findForks, MIN_ROUTE_SHARE, type Fork, type ForkRoute } from './path-forks.ts';

export interface PathView {
  stages: string[];
  customers: number;
  /** Of all customers with events in scope. */
  share: number;
  converted: number;
  conversionRate: number;
}

export interface JourneyPathsView {
  journey: JourneyHeaderView;
  filters: FiltersView;
  /** Customers with at least one scored event on the journey in scope. */
  customers: number;
  distinctPaths: number;
  paths: PathView[];
  forkRule: { minRouteShare: number; minRouteCustomers: number };
  forks: Array<Omit<Fork, 'routes'> & { routes: Array<ForkRoute & { map: JourneyMapBody }> }>;
}

/** The most common stage sequences of a journey, and where they fork. */
@Injectable()
export class JourneyPathService {
  constructor(
    @Inject(JourneyDefinitionService) private readonly definitions: JourneyDefinitionService,
    @Inject(JourneyPathRepository) private readonly paths: JourneyPathRepository,
    @Inject(JourneyMapRepository) private readonly maps: JourneyMapRepository,
  ) {}

  /**
   * Validates the query (`segment`, `from`, `to`, `limit`, `minRouteCustomers`) and returns
   * the top paths, and each fork with a map of every branch's customers.
   *
   * @throws ValidationError naming the query parameter or `path.key`.
   * @throws NotFoundError when no journey has that key.
   */
  async getPaths(key: string, query: unknown): Promise<JourneyPathsView> {
    const { limit, minRouteCustomers, ...filters } = parseInput(journeyPathsQuerySchema, query, 'query');
    const journey = await this.definitions.get(key);
    const scope = toAnalyticsScope(journey, filters);

    const top = await this.paths.findTopPaths(scope, limit);
    const forks = findForks(await this.paths.countRouteHeads(scope), { minShare: MIN_ROUTE_SHARE, minCustomers: minRouteCustomers });
    const forksWithMaps: JourneyPathsView['forks'] = [];
    for (const fork of forks) {
      const routes: Array<ForkRoute & { map: JourneyMapBody }> = [];
      for (const route of fork.routes) {
        const routeScope = { ...scope, route: { firstStage: fork.firstStage, secondStage: route.secondStage } };
        routes.push({ ...route, map: buildJourneyMap(journey.stages, await this.maps.findMeasures(routeScope)) });
      }
      forksWithMaps.push({ ...fork, routes });
    }

    return {
      journey: { key: journey.key, name: journey.name, active: journey.active },
      filters: toFiltersView(scope),
      customers: top.customers,
      distinctPaths: top.distinctPaths,
      paths: top.paths.map((path) => ({
        stages: path.stages,
        customers: path.customers,
        share: path.customers / top.customers,
        converted: path.converted,
        conversionRate: path.converted / path.customers,
      })),
      forkRule: { minRouteShare: MIN_ROUTE_SHARE, minRouteCustomers },
      forks: forksWithMaps,
    };
  }
}
