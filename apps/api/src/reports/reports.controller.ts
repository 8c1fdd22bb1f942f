import { Controller, Get, Query } from '@nestjs/common';
import { UpliftReportService } from '#wayline/experiments';

@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly uplift: UpliftReportService) {}

  @Get('uplift')
  upliftReport(@Query() query: unknown) {
    return this.uplift.report(query);
  }
}
