import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { FeedbackReportService } from '#wayline/journey-maps';

@Controller('v1/reports')
@Roles('marketer', 'analyst')
export class JourneyReportsController {
  constructor(@Inject(FeedbackReportService) private readonly feedback: FeedbackReportService) {}

  @Get('feedback-consistency')
  consistency(@Query() query: unknown) {
    return this.feedback.consistency(query);
  }

  @Get('emotion-sources')
  emotionSources() {
    return this.feedback.emotionSources();
  }
}
