import { Module } from '@nestjs/common';
import { CustomerJourneyRepository } from './customer-journey.repository.ts';
import { JourneyQueryService } from './journey-query.service.ts';
import { JourneyScoringService } from './journey-scoring.service.ts';
import { LiveFeedService } from './live-feed/live-feed.service.ts';

@Module({
  providers: [CustomerJourneyRepository, JourneyScoringService, JourneyQueryService, LiveFeedService],
  exports: [CustomerJourneyRepository, JourneyScoringService, JourneyQueryService, LiveFeedService],
})
export class JourneysModule {}
