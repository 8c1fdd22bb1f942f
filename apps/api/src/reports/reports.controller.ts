import { Controller, Get, Query, Res } from '@nestjs/common';
import { Roles } from '#wayline/access';
import type { Response } from 'express';
import { type ExportedReport, UpliftReportService } from '#wayline/experiments';

@Controller('v1/reports')
@Roles('marketer', 'analyst')
export class ReportsController {
  constructor(private readonly uplift: UpliftReportService) {}

  /** Uplift of a campaign, or per segment, stage, emotion or offer with `by`; `format=csv` for CSV. */
  @Get('uplift')
  async upliftReport(@Query() query: unknown, @Res({ passthrough: true }) response: Response) {
    return send(await this.uplift.exportUplift(query), response);
  }

  /** Cumulative uplift per UTC day with the always-valid interval; `format=csv` for CSV. */
  @Get('uplift/cumulative')
  async cumulativeUpliftReport(@Query() query: unknown, @Res({ passthrough: true }) response: Response) {
    return send(await this.uplift.exportCumulative(query), response);
  }
}

function send(report: ExportedReport, response: Response): object | string {
  if (report.format === 'csv') {
    response.setHeader('content-type', 'text/csv; charset=utf-8');
  }
  return report.body;
}
