import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccessModule, AdminKeyBootstrap, RateLimitGuard } from '#wayline/access';
import { AuditLog, AuditModule } from '#wayline/audit';
import { CatalogModule } from '#wayline/catalog';
import { DecisioningModule } from '#wayline/decisioning';
import { DeliveryModule } from '#wayline/delivery';
import { EventsModule } from '#wayline/events';
import { ExperimentsModule } from '#wayline/experiments';
import { JourneysModule } from '#wayline/journeys';
import { JourneyDefinitionsModule } from '#wayline/journey-definitions';
import { JourneyMapsModule } from '#wayline/journey-maps';
import { PrivacyModule } from '#wayline/privacy';
import { ApiKeyGuard } from './access/api-key.guard.ts';
import { ApiKeysController } from './access/api-keys.controller.ts';
import { AuditLogController } from './audit/audit-log.controller.ts';
import { CampaignPreviewController, CampaignsController } from './catalog/campaigns.controller.ts';
import { ChannelsController } from './catalog/channels.controller.ts';
import { ContactPolicyController } from './contact-policy/contact-policy.controller.ts';
import { CustomerContactController } from './contact-policy/customer-contact.controller.ts';
import { OffersController } from './catalog/offers.controller.ts';
import { ModelsController } from './models/models.controller.ts';
import { CustomerDataController } from './customers/customer-data.controller.ts';
import { CustomersController } from './customers/customers.controller.ts';
import { DeadLettersController } from './delivery/dead-letters.controller.ts';
import { MessagesController } from './delivery/messages.controller.ts';
import { DashboardController } from './dashboard/dashboard.controller.ts';
import { DecisionsController } from './decisions/decisions.controller.ts';
import { EventsController } from './events/events.controller.ts';
import { FeedController } from './feed/feed.controller.ts';
import { ExceptionToHttpFilter } from './http/exception.filter.ts';
import { PathParameterPipe } from './http/path-parameter.pipe.ts';
import { HealthController } from './health/health.controller.ts';
import { MetricsController } from './health/metrics.controller.ts';
import { QueueLagReader } from './health/queue-lag.reader.ts';
import { JourneyDefinitionsController } from './journeys/journey-definitions.controller.ts';
import { JourneyMapsController } from './journeys/journey-maps.controller.ts';
import { ScoringStatusController } from './journeys/scoring-status.controller.ts';
import { OpenApiController } from './openapi/openapi.controller.ts';
import { OutcomesController } from './outcomes/outcomes.controller.ts';
import { PlatformModule } from './platform/platform.module.ts';
import { PlatformOfferController } from './platform/platform-offer.controller.ts';
import { AudiencesController } from './audiences/audiences.controller.ts';
import { JourneyReportsController } from './reports/journey-reports.controller.ts';
import { ReportsController } from './reports/reports.controller.ts';

/** The HTTP API: thin controllers over the domain libs. */
@Module({
  imports: [EventsModule, JourneysModule, DecisioningModule, DeliveryModule, ExperimentsModule, CatalogModule,
    JourneyDefinitionsModule, JourneyMapsModule, PlatformModule, AccessModule.withAuditLog(AuditModule, AuditLog), PrivacyModule, AuditModule],
  controllers: [HealthController, MetricsController, OpenApiController, DashboardController, EventsController, CustomersController, DecisionsController, ScoringStatusController, FeedController, OutcomesController, ReportsController, JourneyReportsController, ChannelsController, OffersController, CampaignsController, CampaignPreviewController,
    JourneyDefinitionsController, JourneyMapsController, ContactPolicyController, CustomerContactController,
    ModelsController, DeadLettersController, MessagesController, ApiKeysController, PlatformOfferController, AudiencesController,
    CustomerDataController, AuditLogController],
  providers: [
    { provide: APP_FILTER, useClass: ExceptionToHttpFilter },
    { provide: APP_PIPE, useClass: PathParameterPipe },
    // Global guards run in this order; the rate limit needs the principal the authentication guard sets.
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    AdminKeyBootstrap,
    QueueLagReader,
  ],
})
export class ApiModule {}
