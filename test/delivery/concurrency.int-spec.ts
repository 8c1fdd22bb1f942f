import { Database } from '#wayline/database';
import type { DeliveryTickResult } from '#wayline/delivery';
import { type TestStores, createTestStores, usesServers } from '../support/test-stores.ts';
import { createCapturedLogger } from './captured-logger.ts';
import { createChannel, createManyDueMessages } from './delivery.factories.ts';
import { createDeliveryHarness, type DeliveryHarness } from './delivery.harness.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

const MESSAGE_COUNT = 500;
const WORKER_COUNT = 3;

// PGlite serves a single connection, so workers over separate connections can only race
// on PostgreSQL. Set DATABASE_URL to run this test.
const itOnPostgres = usesServers() ? it : it.skip;

describe('DeliveryService concurrency', () => {
  let stores: TestStores;
  let receiver: WebhookReceiver;
  const extraDatabases: Database[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    for (const database of extraDatabases) {
      await database.close();
    }
    await receiver?.close();
    await stores?.teardown();
  });

  itOnPostgres('sends each message exactly once across workers', async () => {
    stores = await createTestStores();
    const channel = await createChannel(stores.database.prisma, { webhookUrl: receiver.url });
    const messageIds = await createManyDueMessages(stores.database.prisma, channel.id, MESSAGE_COUNT);
    const workers: DeliveryHarness[] = [createDeliveryHarness(stores.database, stores.config, { logger: createCapturedLogger().logger })];
    for (let index = 1; index < WORKER_COUNT; index += 1) {
      const database = await Database.open(stores.config.database);
      extraDatabases.push(database);
      workers.push(createDeliveryHarness(database, stores.config, { logger: createCapturedLogger().logger }));
    }

    // Each worker ticks until a tick claims nothing, as the job would.
    const drain = async (worker: DeliveryHarness): Promise<DeliveryTickResult> => {
      const totals: DeliveryTickResult = { claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 };
      for (;;) {
        const result = await worker.service.deliverDue();
        if (result.claimed === 0) {
          return totals;
        }
        totals.claimed += result.claimed;
        totals.sent += result.sent;
        totals.retried += result.retried;
        totals.failed += result.failed;
      }
    };
    const perWorker = await Promise.all(workers.map(drain));

    const receivedKeys = receiver.requests.map((request) => request.headers['idempotency-key']);
    expect(receivedKeys).toHaveLength(MESSAGE_COUNT);
    expect(new Set(receivedKeys).size).toBe(MESSAGE_COUNT);
    expect([...receivedKeys].sort()).toEqual([...messageIds].sort());
    expect(perWorker.reduce((sum, totals) => sum + totals.sent, 0)).toBe(MESSAGE_COUNT);
    expect(perWorker.reduce((sum, totals) => sum + totals.claimed, 0)).toBe(MESSAGE_COUNT);
    // Each worker took part, so the claims did race.
    for (const totals of perWorker) {
      expect(totals.sent).toBeGreaterThan(0);
    }
    const byStatus = await stores.database.prisma.outreachMessage.groupBy({ by: ['status', 'attempts'], _count: true });
    expect(byStatus).toEqual([{ status: 'sent', attempts: 1, _count: MESSAGE_COUNT }]);
  });
});
