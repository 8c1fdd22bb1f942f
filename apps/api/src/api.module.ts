import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CatalogModule } from '#wayline/catalog';
import { DecisioningModule } from '#wayline/decisioning';
import { EventsModule } from '#wayline/events';
import { ExperimentsModule } from '#wayline/experiments';
import { JourneysModule } from '#wayline/journeys';
import { JourneyDefinitionsModule } from '#wayline/journey-definitions';
import { JourneyMapsModule } from '#wayline/journey-maps';
import { CampaignsController } from './catalog/campaigns.controller.ts';
import { ChannelsController } from './catalog/channels.controller.ts';
import { OffersController } from './catalog/offers.controller.ts';
import { CustomersController } from './customers/customers.controller.ts';
import { EventsController } from './events/events.controller.ts';
import { FeedController } from './feed/feed.controller.ts';
import { ExceptionToHttpFilter } from './http/exception.filter.ts';
import { HealthController } from './health/health.controller.ts';
import { JourneyDefinitionsController } from './journeys/journey-definitions.controller.ts';
import { JourneyMapsController } from './journeys/journey-maps.controller.ts';
import { OpenApiController } from './openapi/openapi.controller.ts';
import { OutcomesController } from './outcomes/outcomes.controller.ts';
import { JourneyReportsController } from './reports/journey-reports.controller.ts';
import { ReportsController } from './reports/reports.controller.ts';

/** The HTTP API: thin controllers over the domain libs. */
@Module({
  imports: [EventsModule, JourneysModule, DecisioningModule, ExperimentsModule, CatalogModule,
    JourneyDefinitionsModule, JourneyMapsModule],
  controllers: [HealthController, OpenApiController, EventsController, CustomersController, FeedController, OutcomesController, ReportsController, JourneyReportsController, ChannelsController, OffersController, CampaignsController,
    JourneyDefinitionsController, JourneyMapsController],
  providers: [{ provide: APP_FILTER, useClass: ExceptionToHttpFilter }],
})
export class ApiModule {}
