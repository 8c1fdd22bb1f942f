import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '#wayline/common';
import { APP_CONFIG, type AppConfig } from '#wayline/config';
import { ContactPolicyService } from '#wayline/decisioning';
import { DEFAULT_TICK_BUDGET_MS, DeliveryService, type SendRecheck } from '#wayline/delivery';

/**
 * Runs {@link DeliveryService.deliverDue} every `delivery.intervalMs`. Ticks in one
 * process never overlap: a tick that comes due while the previous one still runs is
 * skipped. Several processes may run this job at once, because each message is claimed
 * with SKIP LOCKED. At start it hands the contact policy to the delivery service, which
 * checks every message against it right before sending.
 */
@Injectable()
export class DeliveryJob implements OnModuleInit, OnModuleDestroy {
  static readonly intervalName = 'outreach-delivery';

  private readonly logger: Logger;
  private running: Promise<void> | undefined;
  private consecutiveFailures = 0;
  private stopped = false;

  constructor(
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
    @Inject(SchedulerRegistry) private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Inject(ContactPolicyService) private readonly contactPolicy: SendRecheck,
  ) {
    this.logger = rootLogger.child({ context: DeliveryJob.name });
  }

  onModuleInit(): void {
    this.delivery.useSendRecheck(this.contactPolicy);
    const intervalMs = this.config.delivery.intervalMs;
    const handle = setInterval(() => void this.tick(), intervalMs);
    this.scheduler.addInterval(DeliveryJob.intervalName, handle);
    this.logger.info({ intervalMs }, 'Outreach delivery job started');
  }

  /** Stops the interval, then waits for a running tick so its results are written before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', DeliveryJob.intervalName)) {
      this.scheduler.deleteInterval(DeliveryJob.intervalName);
    }
    await this.running;
    this.logger.info('Outreach delivery job stopped');
  }

  /** Runs one tick unless one is already running or the job has stopped. Never rejects, so the interval keeps going. */
  async tick(): Promise<void> {
    if (this.stopped) {
      return;
    }
    if (this.running) {
      this.logger.debug('Skipped a delivery tick because the previous one is still running');
      return;
    }
    this.running = this.runTick();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async runTick(): Promise<void> {
    try {
      const result = await this.delivery.deliverDue(new Date(), DEFAULT_TICK_BUDGET_MS, () => this.stopped);
      if (this.consecutiveFailures > 0) {
        this.logger.info({ failedTicks: this.consecutiveFailures }, 'Delivery ticks succeed again');
        this.consecutiveFailures = 0;
      }
      if (result.claimed > 0) {
        this.logger.info(result, 'Delivery tick finished');
      }
    } catch (error) {
      this.consecutiveFailures += 1;
      // During an outage every tick fails the same way. Logging the 1st, 2nd, 4th, 8th...
      // failure keeps the error visible without one line per interval.
      if (isPowerOfTwo(this.consecutiveFailures)) {
        this.logger.error(
          { err: error, failedTicks: this.consecutiveFailures },
          'Delivery tick failed, so the job tries again on the next tick',
        );
      }
    }
  }
}

function isPowerOfTwo(value: number): boolean {
  return (value & (value - 1)) === 0;
}
