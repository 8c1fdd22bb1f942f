import { Module } from '@nestjs/common';
import { AuditModule } from '#wayline/audit';
import { CampaignRepository } from './campaigns/campaign.repository.ts';
import { CampaignService } from './campaigns/campaign.service.ts';
import { CatalogQueryService } from './catalog-query.service.ts';
import { CatalogService } from './catalog.service.ts';
import { ChannelRepository } from './channels/channel.repository.ts';
import { ChannelService } from './channels/channel.service.ts';
import { OfferRepository } from './offers/offer.repository.ts';
import { OfferService } from './offers/offer.service.ts';
import { AuditedCatalogWrite } from './shared/audited-catalog-write.ts';
import { CatalogChanges } from './shared/catalog-changes.ts';

/**
 * Channels, offers and campaigns. Needs the global database and logging modules that
 * `CoreModule` provides. The repositories stay private to this module.
 */
@Module({
  imports: [AuditModule],
  providers: [
    CatalogChanges,
    AuditedCatalogWrite,
    ChannelRepository,
    OfferRepository,
    CampaignRepository,
    ChannelService,
    OfferService,
    CampaignService,
    CatalogService,
    CatalogQueryService,
  ],
  exports: [ChannelService, OfferService, CampaignService, CatalogService, CatalogQueryService],
})
export class CatalogModule {}
