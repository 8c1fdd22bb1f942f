import { Module } from '@nestjs/common';
import { AudienceRepository } from './audience.repository.ts';
import { AudienceService } from './audience.service.ts';

/** Treatment audiences of campaigns, for ad platforms. Needs the global Prisma provider. */
@Module({
  providers: [AudienceRepository, AudienceService],
  exports: [AudienceService],
})
export class AudiencesModule {}
