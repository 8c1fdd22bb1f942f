import { Controller, Get, Inject } from '@nestjs/common';
import { DATABASE, Database } from '#wayline/database';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
  ) {}

  @Get()
  health(): { status: 'ok'; database: string; liveStore: string } {
    return { status: 'ok', database: this.database.kind, liveStore: this.liveStore.kind };
  }
}
