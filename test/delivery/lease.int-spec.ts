import type { PrismaClient } from '#wayline/database';
import { type TestStores, createTestStores } from '../support/test-stores.ts';
import { createCapturedLogger, LOG_LEVEL } from './captured-logger.ts';
import { createChannel, createMessage } from './delivery.factories.ts';
import { createDeliveryHarness, type DeliveryHarness } from './delivery.harness.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

const LEASE_MS = 10_000;
const MAX_ATTEMPTS = 3;

describe('DeliveryService leases', () => {
  let stores: TestStores;
  let prisma: PrismaClient;
  let receiver: WebhookReceiver;
  let channelId: string;
  let harness: DeliveryHarness;

  beforeAll(async () => {
    stores = await createTestStores({
      WAYLINE_DELIVERY_LEASE_MS: String(LEASE_MS),
      WAYLINE_DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WAYLINE_DELIVERY_TIMEOUT_MS: '2000',
    });
    prisma = stores.database.prisma;
    receiver = await WebhookReceiver.start();
    channelId = (await createChannel(prisma, { webhookUrl: receiver.url })).id;
  });

  beforeEach(async () => {
    await prisma.outreachMessage.deleteMany();
    receiver.requests.length = 0;
    receiver.plan = () => ({ status: 200 });
    harness = createDeliveryHarness(stores.database, stores.config, { logger: createCapturedLogger().logger });
  });

  afterAll(async () => {
    await receiver?.close();
    await stores?.teardown();
  });

  it('reclaims a message after its lease expires', async () => {
    const message = await createMessage(prisma, harness.repository, channelId);
    const now = new Date();
    // A worker that claims the message and dies before sending it.
    const [dead] = await harness.repository.claimDue(now, 10, LEASE_MS);

    const whileLeased = await harness.service.deliverDue(new Date(now.getTime() + LEASE_MS / 2));
    const afterLease = await harness.service.deliverDue(new Date(now.getTime() + LEASE_MS + 1));

    expect(dead?.id).toBe(message.id);
    expect(whileLeased.claimed).toBe(0);
    expect(afterLease).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    expect(receiver.requestsFor(message.id)).toHaveLength(1);
    const stored = await harness.repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('sent');
    expect(stored?.attempts).toBe(2);

    const staleWrite = await harness.repository.markFailed(dead!, 'HTTP 500');
    expect(staleWrite).toBe(false);
    const afterStaleWrite = await harness.repository.findByDecisionId(message.decisionId);
    expect(afterStaleWrite?.status).toBe('sent');
    expect(afterStaleWrite?.lastError).toBeNull();
  });

  it('reports a result lost to a newer claim', async () => {
    const captured = createCapturedLogger();
    const slow = createDeliveryHarness(stores.database, stores.config, { logger: captured.logger });
    const message = await createMessage(prisma, slow.repository, channelId);
    let takeOver: Promise<unknown> | undefined;
    // While the first worker waits for the receiver, a second worker claims the message
    // as if the first lease had expired, and the receiver responds only after that.
    receiver.plan = (_request, index) => {
      if (index === 0) {
        takeOver = slow.repository.claimDue(new Date(Date.now() + LEASE_MS + 1), 10, LEASE_MS);
        return { status: 200, delayMs: 300 };
      }
      return { status: 200 };
    };

    const result = await slow.service.deliverDue();
    await takeOver;

    expect(result).toEqual({ claimed: 1, sent: 0, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    const stored = await slow.repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('sending');
    expect(stored?.attempts).toBe(2);
    const warning = captured.lines.find((line) => line.level === LOG_LEVEL.warn && line.messageId === message.id);
    expect(warning?.result).toBe('sent');
  });

  it('records a batch despite one lost result', async () => {
    const captured = createCapturedLogger();
    const slow = createDeliveryHarness(stores.database, stores.config, { logger: captured.logger });
    const lost = await createMessage(prisma, slow.repository, channelId, { sendAt: new Date(Date.now() - 2000) });
    const owned = await createMessage(prisma, slow.repository, channelId, { sendAt: new Date(Date.now() - 1000) });
    let takeOver: Promise<unknown> | undefined;
    // While the batch is being sent, a second worker claims only the older message, as
    // if its lease had expired. The batch records its deliveries after that.
    receiver.plan = (request) => {
      if (request.headers['idempotency-key'] === lost.id) {
        takeOver = slow.repository.claimDue(new Date(Date.now() + LEASE_MS + 1), 1, LEASE_MS);
        return { status: 200, delayMs: 300 };
      }
      return { status: 200 };
    };

    const result = await slow.service.deliverDue();
    await takeOver;

    expect(result).toEqual({ claimed: 2, sent: 1, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    expect(await slow.repository.findByDecisionId(lost.decisionId)).toMatchObject({ status: 'sending', attempts: 2, sentAt: null });
    expect(await slow.repository.findByDecisionId(owned.decisionId)).toMatchObject({ status: 'sent', attempts: 1 });
    const warnings = captured.lines.filter((line) => line.level === LOG_LEVEL.warn);
    expect(warnings.map((line) => [line.messageId, line.result])).toEqual([[lost.id, 'sent']]);
  });

  it('parks a reclaim past max attempts unsent', async () => {
    const message = await createMessage(prisma, harness.repository, channelId);
    let now = Date.now();
    // Each claim stands for a worker that died mid-send, MAX_ATTEMPTS times in a row.
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const claims = await harness.repository.claimDue(new Date(now), 10, LEASE_MS);
      expect(claims.map((claim) => claim.attempts)).toEqual([attempt]);
      now += LEASE_MS + 1;
    }

    const result = await harness.service.deliverDue(new Date(now));

    expect(result).toEqual({ claimed: 1, sent: 0, retried: 0, failed: 1, cancelled: 0, skipped: 0, deferred: 0 });
    expect(receiver.requests).toHaveLength(0);
    const stored = await harness.repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('failed');
    expect(stored?.attempts).toBe(MAX_ATTEMPTS + 1);
    expect(stored?.lastError).toBe(`lease expired during the last of ${MAX_ATTEMPTS} attempts`);
  });
});
