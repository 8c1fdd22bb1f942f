import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Roles } from '#wayline/access';
import { WaylineMetrics } from '#wayline/observability';

/**
 * Prometheus metrics of this process. Analyst and admin keys may read them: the
 * numbers reveal traffic and campaign volumes, and Prometheus sends a key with
 * `authorization: { credentials: ... }` in its scrape config.
 */
@Controller('metrics')
@Roles('analyst')
export class MetricsController {
  constructor(@Inject(WaylineMetrics) private readonly metrics: WaylineMetrics) {}

  @Get()
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
