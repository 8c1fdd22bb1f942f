import { Module } from '@nestjs/common';
import { CatalogModule } from '#wayline/catalog';
import { DeliveryModule } from '#wayline/delivery';
import { JourneysModule } from '#wayline/journeys';
import { DecisionRepository } from './decision.repository.ts';
import { NextBestOfferService } from './next-best-offer.service.ts';
import { PropensityModelRepository } from './propensity/propensity-model.repository.ts';
import { PropensityService } from './propensity/propensity.service.ts';

@Module({
  imports: [CatalogModule, DeliveryModule, JourneysModule],
  providers: [DecisionRepository, PropensityModelRepository, PropensityService, NextBestOfferService],
  exports: [DecisionRepository, PropensityService, NextBestOfferService],
})
export class DecisioningModule {}
