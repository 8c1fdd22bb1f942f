import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { Roles } from '#wayline/access';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { AudienceService } from '#wayline/audiences';
import { ROOT_LOGGER } from '#wayline/common';

/** Treatment audiences for ad platforms, with a platform key. */
@Controller('v1/audiences')
@Roles('platform')
export class AudiencesController {
  private readonly logger: Logger;

  constructor(
    @Inject(AudienceService) private readonly audiences: AudienceService,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: AudiencesController.name });
  }

  /** JSON pages by default; `format=csv` streams the whole audience in customer-match format. */
  @Get(':campaign')
  async export(@Param('campaign') campaign: string, @Query() query: unknown, @Res() response: Response): Promise<void> {
    // Validation and the campaign lookup come first, so their errors still get a JSON body.
    const request = await this.audiences.prepare(campaign, query);
    response.setHeader('cache-control', 'no-store');
    if (request.query.format === 'json') {
      response.status(200).json(await this.audiences.page(request));
      return;
    }

    response.status(200);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="${campaign}-audience.csv"`);
    let closed = false;
    response.once('close', () => (closed = true));
    try {
      for await (const chunk of this.audiences.csvLines(request)) {
        if (closed) {
          return;
        }
        if (!response.write(chunk)) {
          await new Promise<void>((resolve) => {
            response.once('drain', resolve);
            response.once('close', resolve);
          });
        }
      }
      response.end();
    } catch (error) {
      // The status line is sent, so the only signal left is a cut connection.
      this.logger.error({ err: error, campaign }, 'Audience CSV export failed after it started, so the response was cut off');
      response.destroy();
    }
  }
}
