import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { JourneyQueryService } from '#wayline/journeys';

/** Operators and load tests read here whether scoring keeps up with ingestion. */
@Controller('v1/scoring')
@Roles('marketer', 'analyst')
export class ScoringStatusController {
  constructor(@Inject(JourneyQueryService) private readonly journeys: JourneyQueryService) {}

  @Get('status')
  status(@Query() query: unknown) {
    return this.journeys.getScoringStatus(query);
  }
}
