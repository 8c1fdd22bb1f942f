import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { NextBestOfferService, type NextBestOfferResult } from '#wayline/decisioning';
import { JourneyQueryService } from '#wayline/journeys';

@Controller('v1/customers/:customerId')
export class CustomersController {
  constructor(
    private readonly journeys: JourneyQueryService,
    private readonly nextBestOffer: NextBestOfferService,
  ) {}

  @Get('journey')
  @Roles('marketer', 'analyst')
  journey(@Param('customerId') customerId: string, @Query() query: unknown) {
    return this.journeys.getJourney(customerId, query);
  }

  /** Each call records a decision, so the response must never come from a cache. */
  @Get('next-best-offer')
  @Roles('platform')
  @Header('cache-control', 'no-store')
  decide(@Param('customerId') customerId: string, @Query() query: unknown): Promise<NextBestOfferResult> {
    return this.nextBestOffer.decide(customerId, query);
  }
}
