import { Module } from '@nestjs/common';
import { CustomerJourneyRepository } from './customer-journey.repository.ts';
import { JourneyQueryService } from './journey-query.service.ts';
import { JourneyScoringService } from './journey-scoring.service.ts';

@Module({
  providers: [CustomerJourneyRepository, JourneyScoringService, JourneyQueryService],
  exports: [CustomerJourneyRepository, JourneyScoringService, JourneyQueryService],
})
export class JourneysModule {}
