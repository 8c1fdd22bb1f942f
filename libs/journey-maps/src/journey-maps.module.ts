import { Module } from '@nestjs/common';
import { JourneyDefinitionsModule } from '#wayline/journey-definitions';
import { FeedbackReportRepository } from './feedback-report.repository.ts';
import { FeedbackReportService } from './feedback-report.service.ts';
import { JourneyMapRepository } from './journey-map.repository.ts';
import { JourneyMapService } from './journey-map.service.ts';
import { JourneyPathRepository } from './journey-path.repository.ts';
import { JourneyPathService } from './journey-path.service.ts';
import { PainPointRepository } from './pain-point.repository.ts';
import { PainPointService } from './pain-point.service.ts';

/** Journey maps, pain points and paths. Needs the global database and logging modules. */
@Module({
  imports: [JourneyDefinitionsModule],
  providers: [FeedbackReportRepository, FeedbackReportService, JourneyMapRepository, PainPointRepository, JourneyPathRepository, JourneyMapService, PainPointService, JourneyPathService],
  exports: [FeedbackReportService, JourneyMapService, PainPointService, JourneyPathService],
})
export class JourneyMapsModule {}
