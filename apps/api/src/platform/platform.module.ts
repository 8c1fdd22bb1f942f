import { Module } from '@nestjs/common';
import { AudiencesModule } from '#wayline/audiences';
import { PlatformKeyGuard } from './platform-key.guard.ts';
import { PlatformKeyRepository } from './platform-key.repository.ts';
import { PlatformKeyService } from './platform-key.service.ts';
import { PlatformOfferRepository } from './platform-offer.repository.ts';
import { PlatformOfferService } from './platform-offer.service.ts';

/**
 * Services behind the endpoints for e-mail and ad platforms (offer pull, audience
 * export) and their API keys. The controllers are listed in ApiModule, where the
 * OpenAPI route check finds them.
 */
@Module({
  imports: [AudiencesModule],
  providers: [PlatformKeyRepository, PlatformKeyService, PlatformKeyGuard, PlatformOfferRepository, PlatformOfferService],
  exports: [AudiencesModule, PlatformKeyService, PlatformKeyGuard, PlatformOfferService],
})
export class PlatformModule {}
