import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { EVENTS_INGESTED_CHANNEL } from '#wayline/events';
import { JourneyScoringService } from '#wayline/journeys';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';

/**
 * Scores new events as they arrive. Ingestion publishes a wake-up on the live store,
 * which starts a pass at once. An interval of `scoring.intervalMs` also starts one, so a
 * lost wake-up (Redis down, a replica starting late) only delays scoring. Passes in one
 * process never overlap, and a wake-up during a pass schedules one more pass after it.
 */
@Injectable()
export class ScoringJob implements OnModuleInit, OnModuleDestroy {
  static readonly intervalName = 'journey-scoring';

  private readonly logger: Logger;
  private running: Promise<void> | undefined;
  private rerunRequested = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopped = false;

  constructor(
    @Inject(JourneyScoringService) private readonly scoring: JourneyScoringService,
    @Inject(SchedulerRegistry) private readonly scheduler: SchedulerRegistry,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: ScoringJob.name });
  }

  async onModuleInit(): Promise<void> {
    const intervalMs = this.config.scoring.intervalMs;
    this.scheduler.addInterval(ScoringJob.intervalName, setInterval(() => this.requestPass(), intervalMs));
    this.unsubscribe = await this.liveStore.subscribe(EVENTS_INGESTED_CHANNEL, () => this.requestPass());
    this.logger.info({ intervalMs }, 'Journey scoring job started');
    this.requestPass();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', ScoringJob.intervalName)) {
      this.scheduler.deleteInterval(ScoringJob.intervalName);
    }
    await this.unsubscribe?.().catch(() => undefined);
    await this.running;
    this.logger.info('Journey scoring job stopped');
  }

  /** Starts a pass, or requests one more pass after the running one. */
  requestPass(): void {
    if (this.stopped) {
      return;
    }
    if (this.running) {
      this.rerunRequested = true;
      return;
    }
    this.running = this.runPasses().finally(() => {
      this.running = undefined;
    });
  }

  /** Waits for the running pass, if any; tests use it to observe a quiet state. */
  async idle(): Promise<void> {
    while (this.running) {
      await this.running;
    }
  }

  private async runPasses(): Promise<void> {
    do {
      this.rerunRequested = false;
      try {
        const result = await this.scoring.scorePending(undefined, undefined, () => this.stopped);
        if (result.events > 0) {
          this.logger.debug(result, 'Scored new events');
        }
      } catch (error) {
        this.logger.error({ err: error }, 'Scoring pass failed; the next interval tries again');
        return;
      }
    } while (this.rerunRequested && !this.stopped);
  }
}
