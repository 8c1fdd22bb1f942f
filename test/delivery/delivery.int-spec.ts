import type { PrismaClient } from '#wayline/database';
import type { DeliveryTickResult, OutreachMessage, SendRecheck, SendRecheckVerdict } from '#wayline/delivery';
import { type TestStores, createTestStores } from '../support/test-stores.ts';
import { createCapturedLogger, LOG_LEVEL, type LogLine } from './captured-logger.ts';
import { createChannel, createMessage, samplePayload } from './delivery.factories.ts';
import { createDeliveryHarness, type DeliveryHarness } from './delivery.harness.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Query string of the channel's URL, standing in for a secret that logs must not show. */
const SECRET_QUERY = 'token=channel-secret-3141';

describe('DeliveryService', () => {
  let stores: TestStores;
  let prisma: PrismaClient;
  let receiver: WebhookReceiver;
  let channelId: string;
  let logs: { lines: LogLine[]; raw: string[] };
  let harness: DeliveryHarness;

  beforeAll(async () => {
    stores = await createTestStores({
      WAYLINE_DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WAYLINE_DELIVERY_BACKOFF_MS: String(BACKOFF_MS),
      WAYLINE_DELIVERY_TIMEOUT_MS: '5000',
      WAYLINE_DELIVERY_LEASE_MS: '30000',
    });
    prisma = stores.database.prisma;
    receiver = await WebhookReceiver.start(`/hook?${SECRET_QUERY}`);
    channelId = (await createChannel(prisma, { webhookUrl: receiver.url })).id;
  });

  beforeEach(async () => {
    await prisma.outreachMessage.deleteMany();
    receiver.requests.length = 0;
    receiver.plan = () => ({ status: 200 });
    const captured = createCapturedLogger();
    logs = captured;
    harness = createDeliveryHarness(stores.database, stores.config, { logger: captured.logger });
  });

  afterAll(async () => {
    await receiver?.close();
    await stores?.teardown();
  });

  it('sends a due message once', async () => {
    const message = await createMessage(prisma, harness.repository, channelId);
    const future = await createMessage(prisma, harness.repository, channelId, {
      sendAt: new Date(Date.now() + HOUR_MS),
    });

    const first = await harness.service.deliverDue();

    expect(first).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/hook?${SECRET_QUERY}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe(message.id);
    expect(request.headers['user-agent']).toBe('wayline');
    expect(request.body).toEqual(samplePayload(message.decisionId));

    const stored = await harness.repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('sent');
    expect(stored?.attempts).toBe(1);
    expect(stored?.sentAt).toBeInstanceOf(Date);
    expect(stored?.lockedUntil).toBeNull();
    expect(stored?.lastError).toBeNull();

    const storedFuture = await harness.repository.findByDecisionId(future.decisionId);
    expect(storedFuture?.status).toBe('pending');
    expect(storedFuture?.attempts).toBe(0);
    expect(receiver.requestsFor(future.id)).toHaveLength(0);

    const second = await harness.service.deliverDue();
    expect(second).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('sends a future message once it is due', async () => {
    const sendAt = new Date(Date.now() + HOUR_MS);
    const message = await createMessage(prisma, harness.repository, channelId, { sendAt });

    const early = await harness.service.deliverDue(new Date(sendAt.getTime() - 1000));
    const due = await harness.service.deliverDue(sendAt);

    expect(early.claimed).toBe(0);
    expect(due).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    expect(receiver.requestsFor(message.id)).toHaveLength(1);
  });

  it('retries a 503 with backoff', async () => {
    receiver.plan = (_request, index) => ({ status: index === 0 ? 503 : 200 });
    const message = await createMessage(prisma, harness.repository, channelId);

    const tickStart = new Date();
    const first = await harness.service.deliverDue(tickStart);
    const tickEnd = Date.now();

    expect(first).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    const pending = await harness.repository.findByDecisionId(message.decisionId);
    expect(pending?.status).toBe('pending');
    expect(pending?.attempts).toBe(1);
    expect(pending?.lastError).toBe('HTTP 503');
    expect(pending?.lockedUntil).toBeNull();
    // Attempt 1 draws from [0, BACKOFF_MS); the harness's jitter source returns 0.5.
    const delayMs = pending!.nextAttemptAt.getTime() - tickStart.getTime();
    expect(delayMs).toBeGreaterThanOrEqual(BACKOFF_MS / 2);
    expect(delayMs).toBeLessThanOrEqual(BACKOFF_MS / 2 + (tickEnd - tickStart.getTime()));

    const beforeDue = await harness.service.deliverDue(tickStart);
    expect(beforeDue.claimed).toBe(0);

    const retry = await harness.service.deliverDue(new Date(pending!.nextAttemptAt.getTime() + 1));
    expect(retry).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    const requests = receiver.requestsFor(message.id);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.body).toEqual(requests[0]!.body);
    const sent = await harness.repository.findByDecisionId(message.decisionId);
    expect(sent?.status).toBe('sent');
    expect(sent?.attempts).toBe(2);

    const retryLog = logs.lines.find((line) => line.level === LOG_LEVEL.warn && line.messageId === message.id);
    expect(retryLog?.decisionId).toBe(message.decisionId);
    expect(retryLog?.error).toBe('HTTP 503');
  });

  it('parks a 400 as failed at once', async () => {
    receiver.plan = () => ({ status: 400 });
    const message = await createMessage(prisma, harness.repository, channelId);

    const first = await harness.service.deliverDue();
    const dayLater = await harness.service.deliverDue(new Date(Date.now() + 24 * HOUR_MS));

    expect(first).toEqual({ claimed: 1, sent: 0, retried: 0, failed: 1, cancelled: 0, skipped: 0, deferred: 0 });
    expect(dayLater.claimed).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    const stored = await harness.repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('failed');
    expect(stored?.attempts).toBe(1);
    expect(stored?.lastError).toBe('HTTP 400');
    const failureLog = logs.lines.find((line) => line.level === LOG_LEVEL.error);
    expect(failureLog?.messageId).toBe(message.id);
    expect(failureLog?.decisionId).toBe(message.decisionId);
  });

  it('fails after max attempts of 500', async () => {
    receiver.plan = () => ({ status: 500 });
    const message = await createMessage(prisma, harness.repository, channelId);

    const totals: DeliveryTickResult = { claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 };
    for (let tick = 0; tick < MAX_ATTEMPTS + 2; tick += 1) {
      const result = await harness.service.deliverDue(new Date(Date.now() + tick * HOUR_MS));
      totals.claimed += result.claimed;
      totals.sent += result.sent;
      totals.retried += result.retried;
      totals.failed += result.failed;
    }

    expect(totals).toEqual({ claimed: MAX_ATTEMPTS, sent: 0, retried: MAX_ATTEMPTS - 1, failed: 1, cancelled: 0, skipped: 0, deferred: 0 });
    expect(receiver.requestsFor(message.id)).toHaveLength(MAX_ATTEMPTS);
    const stored = await harness.repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('failed');
    expect(stored?.attempts).toBe(MAX_ATTEMPTS);
    expect(stored?.lastError).toBe('HTTP 500');
  });

  it('retries a receiver slower than the timeout', async () => {
    const timeoutMs = 200;
    const fast = createDeliveryHarness(stores.database, stores.config, {
      logger: createCapturedLogger().logger,
      delivery: { timeoutMs },
    });
    receiver.plan = (_request, index) => ({ status: 200, delayMs: index === 0 ? 5 * timeoutMs : 0 });
    const message = await createMessage(prisma, fast.repository, channelId);

    const first = await fast.service.deliverDue();
    const pending = await fast.repository.findByDecisionId(message.decisionId);
    const retry = await fast.service.deliverDue(new Date(Date.now() + HOUR_MS));

    expect(first).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    expect(pending?.status).toBe('pending');
    expect(pending?.lastError).toBe(`timed out after ${timeoutMs} ms`);
    expect(retry).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    expect(receiver.requestsFor(message.id)).toHaveLength(2);
  });

  it('retries a refused connection', async () => {
    const closed = await WebhookReceiver.start();
    const closedUrl = closed.url;
    await closed.close();
    const deadChannel = await createChannel(prisma, { webhookUrl: closedUrl });
    const message = await createMessage(prisma, harness.repository, deadChannel.id);

    const result = await harness.service.deliverDue();

    expect(result).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    const stored = await harness.repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('pending');
    expect(stored?.lastError).toBe('network error: ECONNREFUSED');
  });

  it('parks a redirect without following it', async () => {
    receiver.plan = () => ({ status: 307 });
    const message = await createMessage(prisma, harness.repository, channelId);

    const result = await harness.service.deliverDue();

    expect(result).toEqual({ claimed: 1, sent: 0, retried: 0, failed: 1, cancelled: 0, skipped: 0, deferred: 0 });
    expect(receiver.requests).toHaveLength(1);
    const stored = await harness.repository.findByDecisionId(message.decisionId);
    expect(stored?.lastError).toBe('HTTP 307');
  });

  it('parks an invalid webhook URL', async () => {
    const badChannel = await createChannel(prisma, { webhookUrl: 'ftp://127.0.0.1/outreach' });
    const message = await createMessage(prisma, harness.repository, badChannel.id);

    const result = await harness.service.deliverDue();

    expect(result).toEqual({ claimed: 1, sent: 0, retried: 0, failed: 1, cancelled: 0, skipped: 0, deferred: 0 });
    const stored = await harness.repository.findByDecisionId(message.decisionId);
    expect(stored?.status).toBe('failed');
    expect(stored?.lastError).toMatch(/^invalid webhook URL/);
  });

  it('drains more than one batch per tick', async () => {
    const messages = [];
    for (let index = 0; index < 20; index += 1) {
      messages.push(await createMessage(prisma, harness.repository, channelId));
    }

    const result = await harness.service.deliverDue();

    expect(result).toEqual({ claimed: 20, sent: 20, retried: 0, failed: 0, cancelled: 0, skipped: 0, deferred: 0 });
    for (const message of messages) {
      expect(receiver.requestsFor(message.id)).toHaveLength(1);
    }
  });

  it('cancels a converted customer\'s message unsent', async () => {
    const converted = await createMessage(prisma, harness.repository, channelId);
    const other = await createMessage(prisma, harness.repository, channelId);
    const decision = await prisma.decision.findUniqueOrThrow({ where: { id: converted.decisionId } });
    await prisma.outcome.create({ data: { decisionId: decision.id, customerId: decision.customerId, type: 'conversion', occurredAt: new Date() } });

    const result = await harness.service.deliverDue();

    expect(result).toEqual({ claimed: 2, sent: 1, retried: 0, failed: 0, cancelled: 1, skipped: 0, deferred: 0 });
    expect(receiver.requestsFor(converted.id)).toHaveLength(0);
    expect(receiver.requestsFor(other.id)).toHaveLength(1);
    const stored = await harness.repository.findByDecisionId(converted.decisionId);
    expect(stored).toMatchObject({ status: 'cancelled', statusReason: 'the customer converted after the decision', sentAt: null });
  });

  it('applies batch re-check verdicts per message', async () => {
    const messages: OutreachMessage[] = [];
    for (let index = 0; index < 4; index += 1) {
      messages.push(await createMessage(prisma, harness.repository, channelId));
    }
    const customers = await prisma.decision.findMany({ where: { id: { in: messages.map((message) => message.decisionId) } } });
    const customerOf = new Map(customers.map((decision) => [decision.id, decision.customerId]));
    const [cancelled, deferred, sent, alsoSent] = messages.map((message) => customerOf.get(message.decisionId)!);
    const until = new Date(Date.now() + HOUR_MS);
    const calls: number[] = [];
    const recheck: SendRecheck = {
      recheckBatchBeforeSend: async (subjects) => {
        calls.push(subjects.length);
        return subjects.map(({ customerId }): SendRecheckVerdict => {
          if (customerId === cancelled) {
            return { action: 'cancel', reason: 'consent: the customer opted out of this channel' };
          }
          return customerId === deferred ? { action: 'defer', until, reason: 'quiet-hours: inside the quiet hours' } : { action: 'send' };
        });
      },
    };
    const checked = createDeliveryHarness(stores.database, stores.config, { logger: createCapturedLogger().logger, recheck });

    const result = await checked.service.deliverDue();

    expect(result).toEqual({ claimed: 4, sent: 2, retried: 0, failed: 0, cancelled: 1, skipped: 0, deferred: 1 });
    expect(calls).toEqual([4]);
    const byCustomer = (customerId: string) => messages.find((message) => customerOf.get(message.decisionId) === customerId)!;
    expect(receiver.requests.map((request) => request.headers['idempotency-key']).sort()).toEqual([byCustomer(sent).id, byCustomer(alsoSent).id].sort());
    expect(await harness.repository.findByDecisionId(byCustomer(cancelled).decisionId)).toMatchObject({
      status: 'cancelled',
      statusReason: 'consent: the customer opted out of this channel',
    });
    expect(await harness.repository.findByDecisionId(byCustomer(deferred).decisionId)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: until });
  });

  it('keeps payload and URL secret out of logs', async () => {
    receiver.plan = (_request, index) => ({ status: index === 0 ? 503 : 400 });
    const message = await createMessage(prisma, harness.repository, channelId);

    await harness.service.deliverDue();
    await harness.service.deliverDue(new Date(Date.now() + HOUR_MS));

    expect(logs.lines.map((line) => line.level)).toEqual([LOG_LEVEL.warn, LOG_LEVEL.error]);
    const text = logs.raw.join('');
    expect(text).toContain(message.id);
    expect(text).not.toContain('ada@example.test');
    expect(text).not.toContain('Spring upgrade');
    expect(text).not.toContain(SECRET_QUERY);
    expect(text).not.toContain(receiver.url);
  });

  it('keeps the signing secret out of logs', async () => {
    const signingSecret = 'signing-secret-27182818';
    const signed = await createChannel(prisma, { webhookUrl: receiver.url });
    await prisma.channel.update({ where: { id: signed.id }, data: { signingSecret } });
    receiver.plan = (_request, index) => ({ status: index === 0 ? 503 : 400 });
    const message = await createMessage(prisma, harness.repository, signed.id);

    await harness.service.deliverDue();
    await harness.service.deliverDue(new Date(Date.now() + HOUR_MS));

    expect(receiver.requestsFor(message.id)).toHaveLength(2);
    expect(receiver.requestsFor(message.id)[0]?.headers['wayline-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(logs.raw.join('')).toContain(message.id);
    expect(logs.raw.join('')).not.toContain(signingSecret);
  });
});
