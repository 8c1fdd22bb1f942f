import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { ModelTrainingService } from '#wayline/decisioning';
import { LIVE_STORE, type LiveStore } from '#wayline/live-store';

/** Maximum time a training run holds the lock, so a crashed holder frees it after this. */
const TRAINING_LOCK_TTL_MS = 30 * 60_000;

/**
 * Retrains the propensity and uplift models on the `models.trainingCron` schedule. A live-store
 * lock lets only one worker replica train at a time; the others skip the tick.
 */
@Injectable()
export class ModelTrainingJob implements OnModuleInit, OnModuleDestroy {
  static readonly cronName = 'propensity-training';

  private readonly logger: Logger;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(ModelTrainingService) private readonly training: ModelTrainingService,
    @Inject(SchedulerRegistry) private readonly scheduler: SchedulerRegistry,
    @Inject(LIVE_STORE) private readonly liveStore: LiveStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: ModelTrainingJob.name });
  }

  onModuleInit(): void {
    const job = CronJob.from({ cronTime: this.config.models.trainingCron, onTick: () => void this.tick() });
    this.scheduler.addCronJob(ModelTrainingJob.cronName, job);
    job.start();
    this.logger.info({ cron: this.config.models.trainingCron }, 'Model training job scheduled');
  }

  async onModuleDestroy(): Promise<void> {
    if (this.scheduler.doesExist('cron', ModelTrainingJob.cronName)) {
      this.scheduler.deleteCronJob(ModelTrainingJob.cronName);
    }
    await this.running;
  }

  async tick(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = this.train().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  private async train(): Promise<void> {
    let lock;
    try {
      lock = await this.liveStore.tryLock('locks:model-training', TRAINING_LOCK_TTL_MS);
    } catch (error) {
      this.logger.error({ err: error }, 'Could not take the model training lock; skipping this run');
      return;
    }
    if (lock === null) {
      this.logger.debug('Another worker is training the models; skipping this run');
      return;
    }
    try {
      const summaries = await this.training.trainAll();
      this.logger.info(
        {
          offers: summaries.length,
          trained: summaries.filter((summary) => summary.trained).length,
          upliftTrained: summaries.filter((summary) => summary.uplift.trained).length,
        },
        'Model training run finished',
      );
    } catch (error) {
      this.logger.error({ err: error }, 'Model training run failed; the next scheduled run tries again');
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
}
