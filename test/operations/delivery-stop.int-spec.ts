import { DELIVERY_CONCURRENCY } from '#wayline/delivery';
import { createCapturedLogger } from '../delivery/captured-logger.ts';
import { createChannel, createManyDueMessages } from '../delivery/delivery.factories.ts';
import { createDeliveryHarness } from '../delivery/delivery.harness.ts';
import { WebhookReceiver } from '../delivery/webhook-receiver.ts';
import { createTestStores, type TestStores } from '../support/test-stores.ts';

describe('DeliveryService.deliverDue while stopping', () => {
  let stores: TestStores;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    stores = await createTestStores();
  });

  afterAll(async () => {
    await receiver.close();
    await stores.teardown();
  });

  it('claims no batch after stopping', async () => {
    const channel = await createChannel(stores.database.prisma, { webhookUrl: receiver.url });
    await createManyDueMessages(stores.database.prisma, channel.id, DELIVERY_CONCURRENCY * 3);
    const { service } = createDeliveryHarness(stores.database, stores.config, { logger: createCapturedLogger().logger });

    // The shutdown begins while the first batch is being sent.
    const stopping = await service.deliverDue(new Date(), 60_000, () => true);
    expect(stopping.claimed).toBe(DELIVERY_CONCURRENCY);
    expect(stopping.sent).toBe(DELIVERY_CONCURRENCY);

    const rest = await service.deliverDue(new Date(), 60_000);
    expect(rest.claimed).toBe(DELIVERY_CONCURRENCY * 2);
    expect(rest.sent).toBe(DELIVERY_CONCURRENCY * 2);
  });
});
