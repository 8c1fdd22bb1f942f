import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import {
  JourneyMapService,
  JourneyPathService,
  PainPointService,
  type JourneyMapView,
  type JourneyPathsView,
  type PainPointsView,
} from '#wayline/journey-maps';

@Controller('v1/journeys/:key')
@Roles('marketer', 'analyst')
export class JourneyMapsController {
  constructor(
    @Inject(JourneyMapService) private readonly maps: JourneyMapService,
    @Inject(PainPointService) private readonly painPoints: PainPointService,
    @Inject(JourneyPathService) private readonly paths: JourneyPathService,
  ) {}

  @Get('map')
  map(@Param('key') key: string, @Query() query: unknown): Promise<JourneyMapView> {
    return this.maps.getMap(key, query);
  }

  @Get('pain-points')
  painPointsOf(@Param('key') key: string, @Query() query: unknown): Promise<PainPointsView> {
    return this.painPoints.getPainPoints(key, query);
  }

  @Get('paths')
  pathsOf(@Param('key') key: string, @Query() query: unknown): Promise<JourneyPathsView> {
    return this.paths.getPaths(key, query);
  }
}
