import { Module } from '@nestjs/common';
import { AudiencesModule } from '#wayline/audiences';
import { PlatformOfferRepository } from './platform-offer.repository.ts';
import { PlatformOfferService } from './platform-offer.service.ts';

/**
 * Services behind the endpoints for e-mail and ad platforms (offer pull, audience
 * export). The controllers are listed in ApiModule, where the OpenAPI route check
 * finds them.
 */
@Module({
  imports: [AudiencesModule],
  providers: [PlatformOfferRepository, PlatformOfferService],
  exports: [AudiencesModule, PlatformOfferService],
})
export class PlatformModule {}
