import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OutreachMessageRepository } from '#wayline/delivery';
import { CoreModule, type Runtime } from '#wayline/runtime';
import { WorkerModule } from '../../apps/worker/src/worker.module.ts';
import { waitFor } from '../support/test-app.ts';
import { type TestStores, createTestStores } from '../support/test-stores.ts';
import { createCapturedLogger } from './captured-logger.ts';
import { createChannel, createMessage } from './delivery.factories.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

describe('worker delivery', () => {
  let stores: TestStores;
  let receiver: WebhookReceiver;
  let app: INestApplicationContext;

  beforeAll(async () => {
    stores = await createTestStores({ WAYLINE_DELIVERY_INTERVAL_MS: '50' });
    receiver = await WebhookReceiver.start();
    const runtime: Runtime = {
      config: stores.config,
      logger: createCapturedLogger().logger,
      database: stores.database,
      liveStore: stores.liveStore,
      // afterAll closes the stores after the app.
      close: async () => {},
    };

    @Module({ imports: [CoreModule.forRoot(runtime), WorkerModule] })
    class WorkerTestModule {}

    const moduleRef = await Test.createTestingModule({ imports: [WorkerTestModule] }).compile();
    app = await moduleRef.init();
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await stores?.teardown();
  });

  it('sends a due message', async () => {
    const prisma = stores.database.prisma;
    const repository = app.get(OutreachMessageRepository);
    const channel = await createChannel(prisma, { webhookUrl: receiver.url });

    const message = await createMessage(prisma, repository, channel.id);

    const sent = await waitFor(
      async () => {
        const stored = await repository.findByDecisionId(message.decisionId);
        return stored?.status === 'sent' ? stored : undefined;
      },
      10_000,
      'the worker to send the message',
    );
    expect(sent.attempts).toBe(1);
    expect(receiver.requestsFor(message.id)).toHaveLength(1);
  });
});
