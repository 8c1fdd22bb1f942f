import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { NotRateLimited, Public } from '#wayline/access';
import { DATABASE, Database } from '#wayline/database';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';
import { ReadinessService, type ReadinessReport } from '#wayline/observability';

/** Probes for load balancers and orchestrators; open without an API key and not rate limited. */
@Controller('health')
@Public()
@NotRateLimited()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(ReadinessService) private readonly readiness: ReadinessService,
  ) {}

  /** Liveness plus the kinds of store in use; kept for existing monitors. */
  @Get()
  health(): { status: 'ok'; database: string; liveStore: string } {
    return { status: 'ok', database: this.database.kind, liveStore: this.liveStore.kind };
  }

  /** Liveness: the process runs and its event loop responds. Touches no store, so a store outage does not get the process restarted. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 when PostgreSQL and the live store respond, 503 when one does not or the process is shutting down. */
  @Get('ready')
  @HttpCode(200)
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const report = await this.readiness.check();
    if (report.status !== 'ready') {
      response.status(503);
    }
    return report;
  }
}
