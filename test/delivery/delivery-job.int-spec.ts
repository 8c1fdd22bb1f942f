import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { loadConfig } from '#wayline/config';
import {
  DeliveryModule,
  OutreachMessageRepository,
  type DeliveryService,
  type DeliveryTickResult,
  type SendRecheck,
} from '#wayline/delivery';
import { DecisioningModule } from '#wayline/decisioning';
import { CoreModule, type Runtime } from '#wayline/runtime';
import { DeliveryJob } from '../../apps/worker/src/jobs/delivery.job.ts';
import { type TestStores, createTestStores } from '../support/test-stores.ts';
import { createCapturedLogger, LOG_LEVEL } from './captured-logger.ts';
import { createChannel, createMessage } from './delivery.factories.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

const EMPTY_TICK: DeliveryTickResult = { claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 };

/** A contact policy that lets every message through. */
const allowEverySend: SendRecheck = { recheckBatchBeforeSend: async (subjects) => subjects.map(() => ({ action: 'send' })) };

/** A stand-in for DeliveryService whose ticks finish only when the test calls `finish`. */
class ControlledDelivery {
  calls = 0;
  private release: ((outcome: DeliveryTickResult | Error) => void) | undefined;

  useSendRecheck(): void {}

  deliverDue(): Promise<DeliveryTickResult> {
    this.calls += 1;
    return new Promise((resolve, reject) => {
      this.release = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
    });
  }

  finish(outcome: DeliveryTickResult | Error = EMPTY_TICK): void {
    this.release?.(outcome);
  }
}

/**
 * Polls `probe` every 20 ms until it returns true. test-app's waitFor is not used,
 * because importing it loads the API and every worker job.
 */
async function pollUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function createJob(intervalMs = 60_000) {
  const delivery = new ControlledDelivery();
  const scheduler = new SchedulerRegistry();
  const captured = createCapturedLogger();
  const config = loadConfig({ NODE_ENV: 'test', WAYLINE_DELIVERY_INTERVAL_MS: String(intervalMs) });
  const job = new DeliveryJob(delivery as unknown as DeliveryService, scheduler, config, captured.logger, allowEverySend);
  return { job, delivery, scheduler, lines: captured.lines };
}

describe('DeliveryJob', () => {
  it('skips a tick while one runs', async () => {
    const { job, delivery } = createJob();

    const first = job.tick();
    await job.tick();
    expect(delivery.calls).toBe(1);

    delivery.finish();
    await first;
    const third = job.tick();
    expect(delivery.calls).toBe(2);
    delivery.finish();
    await third;
  });

  it('logs a failed tick and keeps going', async () => {
    const { job, delivery, lines } = createJob();

    const failing = job.tick();
    delivery.finish(new Error('database unavailable'));
    await expect(failing).resolves.toBeUndefined();
    const recovering = job.tick();
    delivery.finish({ claimed: 2, sent: 2, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    await recovering;

    const errorLine = lines.find((line) => line.level === LOG_LEVEL.error);
    expect((errorLine?.err as { message?: string } | undefined)?.message).toBe('database unavailable');
    expect(errorLine?.failedTicks).toBe(1);
    expect(lines.some((line) => line.msg === 'Delivery ticks succeed again')).toBe(true);
    expect(lines.some((line) => line.msg === 'Delivery tick finished' && line.sent === 2)).toBe(true);
  });

  it('logs repeated failures sparsely', async () => {
    const { job, delivery, lines } = createJob();

    for (let tick = 1; tick <= 5; tick += 1) {
      const failing = job.tick();
      delivery.finish(new Error('database unavailable'));
      await failing;
    }

    const logged = lines.filter((line) => line.level === LOG_LEVEL.error).map((line) => line.failedTicks);
    expect(logged).toEqual([1, 2, 4]);
  });

  it('registers its interval and waits on stop', async () => {
    const { job, delivery, scheduler } = createJob();

    job.onModuleInit();
    expect(scheduler.doesExist('interval', DeliveryJob.intervalName)).toBe(true);

    const running = job.tick();
    let stopped = false;
    const stopping = job.onModuleDestroy().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    expect(scheduler.doesExist('interval', DeliveryJob.intervalName)).toBe(false);

    delivery.finish();
    await running;
    await stopping;
    expect(stopped).toBe(true);
    await job.tick();
    expect(delivery.calls).toBe(1);
  });

  it('runs on its interval in Nest', async () => {
    let stores: TestStores | undefined;
    let receiver: WebhookReceiver | undefined;
    let app: INestApplicationContext | undefined;
    try {
      stores = await createTestStores({ WAYLINE_DELIVERY_INTERVAL_MS: '50' });
      receiver = await WebhookReceiver.start();
      const prisma = stores.database.prisma;
      const runtime: Runtime = {
        config: stores.config,
        logger: createCapturedLogger().logger,
        database: stores.database,
        liveStore: stores.liveStore,
        // The teardown below closes the stores after the app.
        close: async () => {},
      };

      @Module({
        imports: [CoreModule.forRoot(runtime), ScheduleModule.forRoot(), DeliveryModule, DecisioningModule],
        providers: [DeliveryJob],
      })
      class DeliveryJobTestModule {}

      const moduleRef = await Test.createTestingModule({ imports: [DeliveryJobTestModule] }).compile();
      app = await moduleRef.init();
      const repository = app.get(OutreachMessageRepository);
      const channel = await createChannel(prisma, { webhookUrl: receiver.url });

      const message = await createMessage(prisma, repository, channel.id);

      await pollUntil(
        async () => (await repository.findByDecisionId(message.decisionId))?.status === 'sent',
        10_000,
        'the delivery job to send the message',
      );
      const sent = await repository.findByDecisionId(message.decisionId);
      expect(sent?.attempts).toBe(1);
      expect(receiver.requestsFor(message.id)).toHaveLength(1);
      expect(app.get(SchedulerRegistry).doesExist('interval', DeliveryJob.intervalName)).toBe(true);
    } finally {
      await app?.close();
      await receiver?.close();
      await stores?.teardown();
    }
  });
});
